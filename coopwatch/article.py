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


@dataclass(frozen=True)
class Segment:
    """One paragraph with its language ("en", "zh", another ISO 639-1 code, or "und")."""

    lang: str
    text: str
    script: str | None = None  # "Hans" / "Hant" for Chinese, "Latn", ...


@dataclass(frozen=True)
class Mention:
    """Where a place is named: the words as written and their character offsets in the text."""

    text: str
    start: int
    end: int


@dataclass
class Place:
    """A district, city or region linked to its GB/T 2260 code, with every mention."""

    code: str
    name_zh: str
    name_en: str
    type: str
    mentions: list[Mention] = field(default_factory=list)


@dataclass(frozen=True)
class Money:
    """A money amount as written, normalised: "2.1亿元" -> 210000000 CNY."""

    text: str
    value: int | float
    currency: str


@dataclass
class Pairing:
    """Places the text says cooperate, with direction (who assists whom) where given."""

    members: list[str]
    relation: str
    evidence: str
    source: str | None = None  # code of the assisting side
    target: str | None = None  # code of the assisted side
    inferred: bool = False  # only "two places and a cooperation word" in one sentence


@dataclass
class Initiative:
    """A typed initiative (fund, park, school alliance...) with places, amount and evidence."""

    type: str
    text: str
    districts: list[str]
    evidence: str
    amount: Money | None = None
    date: str | None = None


@dataclass
class Analysis:
    """What the understanding stage found in one article."""

    language: str
    segments: list[Segment] = field(default_factory=list)
    districts: list[Place] = field(default_factory=list)
    regions: list[Place] = field(default_factory=list)
    pairings: list[Pairing] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    amounts: list[Money] = field(default_factory=list)
    version: str = ""
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Analysis:
        def places(items: list[dict[str, Any]]) -> list[Place]:
            return [
                Place(**{**p, "mentions": [Mention(**m) for m in p.get("mentions", [])]})
                for p in items
            ]

        return cls(
            language=data["language"],
            segments=[Segment(**s) for s in data.get("segments", [])],
            districts=places(data.get("districts", [])),
            regions=places(data.get("regions", [])),
            pairings=[Pairing(**p) for p in data.get("pairings", [])],
            initiatives=[
                Initiative(**{**i, "amount": Money(**i["amount"]) if i.get("amount") else None})
                for i in data.get("initiatives", [])
            ],
            amounts=[Money(**a) for a in data.get("amounts", [])],
            version=data.get("version", ""),
            error=data.get("error"),
        )
