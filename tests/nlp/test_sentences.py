"""coopwatch_sentences: sentence ranges found in the text by one regular expression."""

from __future__ import annotations

import pytest

from nlp.components.sentences import sentence_ranges


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_ranges(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新会区与台山市签署协议。两地将合作！", ["新会区与台山市签署协议。", "两地将合作！"]),
        ("他说：“好。”然后走了", ["他说：“好。”", "然后走了"]),
        ("First one. Second one; third one", ["First one.", "Second one;", "third one"]),
        ("Mr. Li met Dr. Wang at St. Paul. Then", ["Mr. Li met Dr. Wang at St. Paul.", "Then"]),
        ("J. K. Smith came. No. 5 left.", ["J. K. Smith came.", "No. 5 left."]),
        ('He said "yes." Then... more', ['He said "yes."', "Then...", "more"]),
        ("the U.S. economy", ["the U.S. economy"]),
        ("line one\n\nline two\nline three", ["line one", "line two", "line three"]),
        ("end.", ["end."]),
        ("", []),
    ],
)
def test_sentence_ranges(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected
