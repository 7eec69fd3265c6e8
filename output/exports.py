"""The JSON export of a digest: language-neutral codes with names in both languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coopwatch.article import Money
from output.digest import Digest, Fact, PairKey, Story

Names = Callable[[str], tuple[str, str, str, str]]


def _money(m: Money | None) -> dict[str, Any] | None:
    return None if m is None else {"value": m.value, "currency": m.currency}


def _fact(f: Fact) -> dict[str, Any]:
    return {
        "type": f.type,
        "districts": f.districts,
        "amount": _money(f.amount),
        "date": f.date,
        "evidence": f.evidence,
        "link": f.link,
    }


def _story(s: Story) -> dict[str, Any]:
    return {
        "story_id": s.id,
        "url": s.url,
        "title": s.title,
        "language": s.language,
        "excerpt": s.excerpt,
        "published": s.when.isoformat(),
        "outlet": s.outlet,
        "also_reported_by": s.also,
        "copies": s.copies,
        "districts": s.districts,
        "pairings": [{"members": list(k), "relation": s.relations[k]} for k in s.pairings],
        "initiatives": [_fact(f) for f in s.facts],
    }


def digest_json(digest: Digest, names: Names) -> dict[str, Any]:
    """Everything the digest shows, as JSON-ready data (no formatting, no translation)."""
    codes: set[str] = set()
    for story in digest.stories:
        codes |= story.places
    summary = digest.summary

    def pair(key: PairKey) -> list[str]:
        return list(key)

    return {
        "period": digest.period.to_json(),
        "slug": digest.period.slug,
        "summary": {
            "stories": summary.stories,
            "articles": summary.articles,
            "new_pairings": [{"members": pair(k), "relation": r} for k, r in summary.new_pairings],
            "initiatives": dict(summary.initiative_counts),
            "totals_by_pairing": [
                {"members": pair(k), "amounts": [_money(m) for m in amounts]}
                for k, amounts in summary.totals
            ],
            "most_active": [{"code": c, "stories": n} for c, n in summary.active],
        },
        "pairings": [
            {"members": pair(k), "relation": digest.relations[k], "stories": n}
            for k, n in digest.edges
        ],
        "groups": [
            {"kind": g.kind, "key": pair(g.key), "stories": [_story(s) for s in g.stories]}
            for g in digest.groups
        ],
        "places": {
            code: dict(
                zip(("name_zh", "short_zh", "name_en", "short_en"), names(code), strict=True)
            )
            for code in sorted(codes)
        },
    }
