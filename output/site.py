"""Render the whole site from the store: pages per language, feeds, JSON and text exports."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from coopwatch.errors import ConfigError
from coopwatch.store import Store
from nlp.gazetteer import Gazetteer
from output.config import SiteOptions
from output.digest import (
    Digest,
    PairKey,
    Period,
    Story,
    build_digest,
    build_stories,
    first_seen,
    period_of,
    periods_for,
)
from output.exports import digest_json
from output.feeds import atom_feed
from output.i18n import TEMPLATES
from output.pages import (
    DigestLink,
    render_archive,
    render_digest,
    render_index,
    render_root,
    render_timeline,
)
from output.queries import ArticleRow, load_rows
from output.render import Renderer, gazetteer_names, shared_environment
from output.translate import CachedTranslator, Translator, get_translator

MANIFEST = "data/digests.json"
RECENT = 10


@dataclass
class SiteReport:
    """What was rendered, and where to open it."""

    directory: Path
    digests: list[str]
    index_paths: dict[str, Path]
    files: int = 0
    stories: int = 0
    languages: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [
            f"Rendered {len(self.digests)} digest(s) of {self.stories} stories in "
            f"{', '.join(self.languages)} into {self.directory} ({self.files} files).",
        ]
        lines += [f"  open {path}" for path in self.index_paths.values()]
        lines.append("Or read it in a browser: coopwatch serve")
        return "\n".join(lines)


def render_site(
    store: Store,
    settings: Any,
    *,
    period: str | None = None,
    since: date | None = None,
    until: date | None = None,
    translator: Translator | None = None,
    site_dir: str | Path | None = None,
) -> SiteReport:
    """Render the site from the store into [site] dir; the demo and `coopwatch digest` call this.

    Without dates: a digest per ``period`` ("weekly" by default) that has stories. With
    ``since``/``until`` (days, both included): those periods in the range, or with no period
    one digest of the range. Digests rendered before (listed in the site's manifest) are
    rendered again from the current store.
    """
    options = SiteOptions.from_settings(settings, dir=site_dir)
    return build_site(
        load_rows(store),
        options,
        period=period,
        since=since,
        until=until,
        translator=translator,
    )


def _requested(
    stories: list[Story], tz: ZoneInfo, period: str | None, since: date | None, until: date | None
) -> list[Period]:
    if since is None and until is None:
        return periods_for(period or "weekly", stories, tz)
    days = [s.when.astimezone(tz).date() for s in stories]
    start = since or (min(days) if days else date.today())
    end = until or (max(days) if days else date.today())
    if end < start:
        raise ConfigError(f"--until {end} is before --since {start}: swap them.")
    if period is None:
        return [Period("range", start, end)]
    inside = [s for s, d in zip(stories, days, strict=True) if start <= d <= end]
    found = periods_for(period, inside, tz)
    return found or [period_of(period, start)]


def _manifest(directory: Path) -> list[Period]:
    path = directory / MANIFEST
    if not path.is_file():
        return []
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
        return [
            Period(i["kind"], date.fromisoformat(i["start"]), date.fromisoformat(i["end"]))
            for i in items
        ]
    except (ValueError, KeyError, TypeError):
        return []  # a damaged manifest only forgets earlier custom ranges


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        self.count += 1
        return path


def build_site(
    rows: list[ArticleRow],
    options: SiteOptions,
    *,
    period: str | None = None,
    since: date | None = None,
    until: date | None = None,
    translator: Translator | None = None,
    gazetteer: Gazetteer | None = None,
) -> SiteReport:
    """Render every page from article rows (no database needed: benchmarks call this)."""
    tz = ZoneInfo(options.timezone)
    stories = build_stories(rows)
    seen = first_seen(stories)
    wanted = _requested(stories, tz, period, since, until)
    periods = sorted(
        set(wanted) | set(_manifest(options.dir)), key=lambda p: (p.end, p.start), reverse=True
    )
    digests = [build_digest(p, stories, tz, seen) for p in periods]
    out = _Writer(options.dir)
    names = gazetteer_names(gazetteer)
    env = shared_environment()
    shared = CachedTranslator(translator or get_translator(options.translator))
    site = {"title": options.title, "languages": list(options.variants)}
    renderers = {
        code: Renderer(env, code, names=names, translator=shared, site=site, tz=tz)
        for code in options.variants
    }
    by_place: dict[str, list[Story]] = defaultdict(list)
    by_pair: dict[PairKey, list[Story]] = defaultdict(list)
    for story in stories:  # newest first, so every timeline is too
        for place in sorted(story.places):
            by_place[place].append(story)
        for key in story.pairings:
            by_pair[key].append(story)
    places = sorted(((c, len(v)) for c, v in by_place.items()), key=lambda kv: (-kv[1], kv[0]))
    pairs = sorted(((k, len(v)) for k, v in by_pair.items()), key=lambda kv: (-kv[1], kv[0]))
    pairs_of: dict[str, list[PairKey]] = defaultdict(list)
    for key, _count in pairs:
        for code in key:
            pairs_of[code].append(key)
    index_paths: dict[str, Path] = {}
    for code, r in renderers.items():
        links = [
            DigestLink(
                d.period.slug,
                r.period_label(d.period.kind, d.period.start, d.period.end),
                d.summary.stories,
            )
            for d in digests
        ]
        for d in digests:
            html, text = render_digest(r, d)
            out.write(f"{code}/digests/{d.period.slug}.html", html)
            out.write(f"{code}/digests/{d.period.slug}.txt", text)
        for place, items in by_place.items():
            page = render_timeline(
                r, (place,), items, parents=_parents(gazetteer, place), pairings=pairs_of[place]
            )
            out.write(f"{code}/places/{place}.html", page)
        for key, items in by_pair.items():
            out.write(f"{code}/pairings/{'-'.join(key)}.html", render_timeline(r, key, items))
        latest = _latest(digests)
        index = render_index(r, latest, links[:RECENT])
        index_paths[code] = out.write(f"{code}/index.html", index)
        out.write(f"{code}/archive.html", render_archive(r, links, places, pairs))
        feed = atom_feed(r, digests[: options.feed_entries], options.base_url, tz)
        out.write(f"{code}/feed.atom", feed)
    for d in digests:
        data = digest_json(d, names)
        out.write(f"data/{d.period.slug}.json", json.dumps(data, ensure_ascii=False, indent=1))
    out.write(MANIFEST, json.dumps([p.to_json() for p in periods], indent=1))
    out.write("index.html", render_root(renderers))
    static = options.dir / "static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(TEMPLATES / "static" / "style.css", static / "style.css")
    out.count += 1
    return SiteReport(
        directory=options.dir,
        digests=[p.slug for p in periods],
        index_paths=index_paths,
        files=out.count,
        stories=len(stories),
        languages=list(options.variants),
    )


def _latest(digests: list[Digest]) -> Digest | None:
    """The newest daily or weekly digest (custom ranges are in the archive), else any."""
    regular = [d for d in digests if d.period.kind != "range"]
    chosen = regular or digests
    return chosen[0] if chosen else None


def _parents(gazetteer: Gazetteer | None, code: str) -> list[str]:
    gaz = gazetteer or Gazetteer.load()
    if code not in gaz:
        return []
    return [d.code for d in gaz.parents(code)]
