"""Export of stored articles as JSON Lines."""

from __future__ import annotations

import json
from typing import TextIO

from coopwatch.schema import articles
from coopwatch.store import Store


def export_jsonl(store: Store, out: TextIO, *, relevant_only: bool = False) -> int:
    """Write one JSON object per stored article; return how many were written."""
    count = 0
    where = articles.c.relevant if relevant_only else None
    for article in store.articles(where=where):
        out.write(json.dumps(article.to_json(), ensure_ascii=False) + "\n")
        count += 1
    return count
