"""A sentence never runs across a paragraph break (titles and captions end without a full stop)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("coopwatch_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """Start a sentence after every token that holds a line break."""
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[i + 1].is_sent_start = True
    return doc
