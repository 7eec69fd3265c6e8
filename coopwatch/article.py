"""The typed article model every stage shares: spiders yield it, the store keeps it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Article:
    """One news article as extracted from one page (or several joined pages).

    ``url`` is the canonical URL (tracking parameters stripped); ``fetched_url`` is the
    address the first page was actually fetched from.  ``text`` holds the main text with
    paragraphs separated by one blank line.  ``published`` is timezone-aware when known
    (Beijing time is assumed for Chinese pages that give no zone).
    """

    url: str
    title: str = ""
    text: str = ""
    published: datetime | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    fetched_url: str | None = None
    source_id: str | None = None
    fetched_at: datetime | None = None
    pages: int = 1
    encoding: str | None = None
    # filled by the relevance step
    relevance: float = 0.0
    relevant: bool = False
    # filled by the store
    id: int | None = None
    story_id: int | None = None
    status: str | None = None  # "new" | "duplicate" | "syndicated" after storing

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO 8601 strings)."""
        data = asdict(self)
        for key in ("published", "fetched_at"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        return data

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]
