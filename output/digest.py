"""Digests: pick a period's stories, fold copies, group by pairing then district, summarise."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from coopwatch.article import Money
from output.queries import ArticleRow

PairKey = tuple[str, ...]
CODE = re.compile(r"^[0-9]{2,12}$")  # division codes; anything else is dropped (paths, links)
EXCERPT_EN = 260
EXCERPT_ZH = 110
TOP = 10


@dataclass(frozen=True)
class Period:
    """Days [start, end] (both included) in the site's time zone."""

    kind: str  # "daily" | "weekly" | "range"
    start: date
    end: date

    @property
    def slug(self) -> str:
        if self.kind == "daily":
            return self.start.isoformat()
        if self.kind == "weekly":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.isoformat()}--{self.end.isoformat()}"

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """Aware datetimes [from, to) covering the days."""
        return (
            datetime.combine(self.start, time(), tz),
            datetime.combine(self.end + timedelta(days=1), time(), tz),
        )

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat()}


def period_of(kind: str, day: date) -> Period:
    """The daily or weekly (ISO, Monday to Sunday) period holding a day."""
    if kind == "daily":
        return Period("daily", day, day)
    if kind == "weekly":
        monday = day - timedelta(days=day.weekday())
        return Period("weekly", monday, monday + timedelta(days=6))
    raise ValueError(f"period kind {kind!r}: use daily or weekly")


@dataclass
class Fact:
    """An initiative shown as a fact: type, places, amount, date and where the text says so."""

    type: str
    districts: list[str]
    amount: Money | None
    date: str | None
    evidence: str
    link: str | None  # the source article, scrolled to the evidence


@dataclass
class Story:
    """One story: its first stored copy, the outlets of all copies, what analysis found."""

    id: int
    url: str | None  # None when the stored URL is not http(s)
    title: str
    excerpt: str
    language: str
    when: datetime
    outlet: str | None
    also: list[str]
    districts: list[str]
    pairings: list[PairKey]
    relations: dict[PairKey, str]
    facts: list[Fact]
    analysed: bool
    copies: int = 1

    @property
    def places(self) -> set[str]:
        found = set(self.districts)
        for key in self.pairings:
            found.update(key)
        for fact in self.facts:
            found.update(fact.districts)
        return found


@dataclass
class Group:
    kind: str  # "pairing" | "district" | "other"
    key: PairKey
    stories: list[Story]
    totals: list[Money] = field(default_factory=list)


@dataclass
class Summary:
    stories: int
    articles: int
    new_pairings: list[tuple[PairKey, str]]
    initiative_counts: list[tuple[str, int]]
    top_facts: list[Fact]
    totals: list[tuple[PairKey, list[Money]]]
    active: list[tuple[str, int]]


@dataclass
class Digest:
    period: Period
    groups: list[Group]
    summary: Summary
    edges: list[tuple[PairKey, int]]  # pairings of the period with their story counts
    relations: dict[PairKey, str]

    @property
    def stories(self) -> list[Story]:
        return [s for g in self.groups for s in g.stories]

    @property
    def foreign_languages(self) -> set[str]:
        return {s.language for s in self.stories}


def safe_link(url: str | None) -> str | None:
    """Only absolute http(s) links are shown."""
    if (
        url
        and url.lower().startswith(("http://", "https://"))
        and not any(c in url for c in "\"'<> \n\r\t")
    ):
        return url
    return None


def evidence_link(url: str | None, evidence: str) -> str | None:
    """The article URL with a text fragment that scrolls to (and highlights) the evidence."""
    link = safe_link(url)
    if link is None or not evidence.strip():
        return link
    text = " ".join(evidence.split())
    words = text.split(" ")
    if len(words) > 10:
        fragment = f"{_frag(' '.join(words[:5]))},{_frag(' '.join(words[-5:]))}"
    elif len(text) > 40 and len(words) <= 2:  # Chinese: no spaces
        fragment = f"{_frag(text[:12])},{_frag(text[-12:])}"
    else:
        fragment = _frag(text)
    return f"{link.split('#')[0]}#:~:text={fragment}"


def _frag(text: str) -> str:
    return quote(text, safe="").replace("-", "%2D")


def excerpt(row: ArticleRow) -> str:
    paragraphs = [p.strip() for p in row.head.split("\n\n") if p.strip()]
    paragraphs = [p for p in paragraphs if p != row.title.strip()]
    text = " ".join(paragraphs[0].split()) if paragraphs else ""
    zh = (row.language or "").startswith("zh")
    limit = EXCERPT_ZH if zh else EXCERPT_EN
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if not zh and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:，、；") + "…"


def build_stories(rows: Iterable[ArticleRow]) -> list[Story]:
    """Fold the copies of each story into one Story (the first stored copy represents it)."""
    by_story: dict[int, list[ArticleRow]] = defaultdict(list)
    for row in rows:
        by_story[row.story_id].append(row)
    stories = []
    for story_id, copies in by_story.items():
        copies.sort(key=lambda r: r.id)
        first = next((r for r in copies if r.status == "new"), copies[0])
        analysed = next((r for r in [first, *copies] if r.analysis is not None), None)
        analysis = analysed.analysis if analysed else None
        outlet = first.source
        also = [o for o in (first.outlets or [r.source for r in copies if r.source]) if o != outlet]
        districts: list[str] = []
        pairings: list[PairKey] = []
        relations: dict[PairKey, str] = {}
        facts: list[Fact] = []
        if analysis is not None and analysis.error is None:
            ranked = sorted(analysis.districts, key=lambda p: -len(p.mentions))
            districts = list(dict.fromkeys(p.code for p in ranked if CODE.match(p.code)))
            for pairing in analysis.pairings:
                key = tuple(sorted({c for c in pairing.members if CODE.match(c)}))
                if len(key) >= 2 and key not in relations:
                    pairings.append(key)
                    relations[key] = pairing.relation
            seen: set[tuple[object, ...]] = set()
            for ini in analysis.initiatives:
                money = (ini.amount.currency, ini.amount.value) if ini.amount else None
                same = (ini.type, tuple(sorted(ini.districts)), money, ini.date)
                if same in seen:  # the same fact from another sentence
                    continue
                seen.add(same)
                link = evidence_link((analysed or first).url, ini.evidence)
                places = [c for c in ini.districts if CODE.match(c)]
                facts.append(Fact(ini.type, places, ini.amount, ini.date, ini.evidence, link))
        stories.append(
            Story(
                id=story_id,
                url=safe_link(first.url),
                title=first.title,
                excerpt=excerpt(first),
                language=(first.language or (analysis.language if analysis else "") or "und"),
                when=min(r.when for r in copies),
                outlet=outlet,
                also=also,
                districts=districts,
                pairings=pairings,
                relations=relations,
                facts=facts,
                analysed=analysis is not None,
                copies=len(copies),
            )
        )
    stories.sort(key=lambda s: (s.when, s.id), reverse=True)
    return stories


def first_seen(stories: Iterable[Story]) -> dict[PairKey, datetime]:
    """When each pairing was first reported, over everything collected."""
    seen: dict[PairKey, datetime] = {}
    for story in stories:
        for key in story.pairings:
            if key not in seen or story.when < seen[key]:
                seen[key] = story.when
    return seen


def _with_amounts(stories: Iterable[Story]) -> list[Fact]:
    """Facts with an amount, each figure once per story: a story that repeats "2.1亿元" in
    its title and text, or gives a fund and a park the same figure, announced it once."""
    found = []
    for story in stories:
        seen: set[tuple[str, int | float]] = set()
        for fact in story.facts:
            if fact.amount is None:
                continue
            key = (fact.amount.currency, fact.amount.value)
            if key not in seen:
                seen.add(key)
                found.append(fact)
    return found


def _totals(stories: Iterable[Story]) -> list[Money]:
    sums: dict[str, int | float] = defaultdict(int)
    for fact in _with_amounts(stories):
        if fact.amount is not None:
            sums[fact.amount.currency] += fact.amount.value
    return [Money("", value, cur) for cur, value in sorted(sums.items(), key=lambda kv: -kv[1])]


def build_digest(
    period: Period,
    stories: Iterable[Story],
    tz: ZoneInfo,
    seen: dict[PairKey, datetime],
) -> Digest:
    """The digest of a period from stories (any superset: the period's are picked here)."""
    start, end = period.bounds(tz)
    chosen = [s for s in stories if start <= s.when < end]
    pair_groups: dict[PairKey, list[Story]] = defaultdict(list)
    district_groups: dict[str, list[Story]] = defaultdict(list)
    other: list[Story] = []
    for story in chosen:
        if story.pairings:
            pair_groups[story.pairings[0]].append(story)
        elif story.districts:
            district_groups[story.districts[0]].append(story)
        else:
            other.append(story)
    groups = [
        Group("pairing", key, items, _totals(items))
        for key, items in sorted(pair_groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    groups += [
        Group("district", (code,), items, _totals(items))
        for code, items in sorted(district_groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    if other:
        groups.append(Group("other", (), other))
    edges: Counter[PairKey] = Counter()
    relation: dict[PairKey, str] = {}
    active: Counter[str] = Counter()
    facts: list[Fact] = []
    for story in chosen:
        for key in story.pairings:
            edges[key] += 1
            relation.setdefault(key, story.relations[key])
        active.update(set(story.districts))
        facts.extend(story.facts)
    new = [(key, relation[key]) for key in sorted(edges) if start <= seen.get(key, start) < end]
    by_amount = sorted(
        _with_amounts(chosen),
        key=lambda f: -(f.amount.value if f.amount else 0),
    )
    summary = Summary(
        stories=len(chosen),
        articles=sum(s.copies for s in chosen),
        new_pairings=new,
        initiative_counts=Counter(f.type for f in facts).most_common(),
        top_facts=by_amount[:TOP],
        totals=[(g.key, g.totals) for g in groups if g.kind == "pairing" and g.totals],
        active=sorted(active.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP],
    )
    ordered = sorted(edges.items(), key=lambda kv: (-kv[1], kv[0]))
    return Digest(period, groups, summary, ordered, relation)


def periods_for(kind: str, stories: Iterable[Story], tz: ZoneInfo) -> list[Period]:
    """Every daily or weekly period that has at least one story, newest first."""
    found = {period_of(kind, s.when.astimezone(tz).date()) for s in stories}
    return sorted(found, key=lambda p: p.start, reverse=True)


def timeline(stories: Iterable[Story], codes: PairKey) -> list[Story]:
    """Everything about one place (one code) or one pairing (its members), newest first."""
    if len(codes) == 1:
        return [s for s in stories if codes[0] in s.places]
    return [s for s in stories if codes in s.pairings]
