"""Rendering speed and peak memory of a digest of N articles, against a bare Jinja2 render.

Usage: python -m bench.render [--sizes 1000 10000] [--repeat 3] [--site]

For each size, synthetic relevant articles (Guangdong districts, pairings, initiatives with
amounts, English and Chinese, one in ten a syndicated copy) all fall in one week. Timed:

- coopwatch: fold copies, group, summarise, lay out the network and render the digest page
  and its plain-text version in English and Chinese (`output.pages.render_digest`);
- bare Jinja2: the same templates and the same digest object rendered by a plain
  Environment (autoescape, i18n extension with null translations) whose formatter only calls
  str() — no catalogs, no Babel, no gazetteer;
- with --site, the whole site (`output.site.build_site`: digest, district and pairing
  timelines, index, archive, feeds, JSON, text) into a temporary directory.

Times are the best of --repeat runs; peak memory is tracemalloc's peak over one run of the
coopwatch render (Python allocations) and the process's maximum RSS at the end.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from coopwatch.article import Analysis, Initiative, Mention, Money, Pairing, Place
from nlp.gazetteer import Gazetteer
from output.config import SiteOptions
from output.digest import Period, build_digest, build_stories, first_seen
from output.i18n import TEMPLATES, VARIANTS
from output.pages import digest_context, render_digest
from output.queries import ArticleRow
from output.render import Renderer, shared_environment
from output.site import build_site

TZ = ZoneInfo("Asia/Shanghai")
WEEK = Period("weekly", datetime(2022, 5, 2).date(), datetime(2022, 5, 8).date())
TYPES = ["fund", "industrial_park", "education", "health", "incubator", "agreement"]
EN_WORDS = [
    "the",
    "district",
    "city",
    "county",
    "pair",
    "fund",
    "park",
    "school",
    "cooperation",
    "joint",
    "project",
]


def synthetic_rows(n: int, seed: int = 7) -> list[ArticleRow]:
    rnd = random.Random(seed)
    gaz = Gazetteer.load()
    places = [d for d in gaz if d.code.startswith("44") and d.level == 3]
    start = datetime(2022, 5, 2, tzinfo=TZ).astimezone(UTC)
    rows: list[ArticleRow] = []
    story = 0
    for i in range(n):
        zh = i % 2 == 1
        copy = i % 10 == 9 and rows
        if not copy:
            story += 1
        a, b = rnd.sample(places, 2)
        amount = rnd.choice([None, 33_000_000, 210_000_000, 5_000_000, 1_200_000_000])
        analysis = Analysis(
            language="zh" if zh else "en",
            districts=[
                Place(d.code, d.name_zh, d.name_en, d.type, [Mention(d.name_zh, 0, 3)])
                for d in (a, b)
            ],
            pairings=[Pairing([a.code, b.code], "pairing", "evidence")] if i % 3 else [],
            initiatives=[
                Initiative(
                    rnd.choice(TYPES),
                    "fund",
                    [a.code],
                    f"{a.name_zh}与{b.name_zh}设立合作资金"
                    if zh
                    else f"{a.name_en} and {b.name_en} set up a fund",
                    Money("x", amount, "CNY") if amount else None,
                    "2022-05-01",
                )
            ],
        )
        if zh:
            title = f"{a.name_zh}与{b.name_zh}签署结对协议（{i}）"
            head = (f"{a.name_zh}与{b.name_zh}签署合作协议，共建产业园。" * 20)[:600]
        else:
            title = f"{a.short_en} and {b.short_en} sign pairing agreement ({i})"
            head = " ".join(rnd.choice(EN_WORDS) for _ in range(180))
        rows.append(
            ArticleRow(
                id=i + 1,
                story_id=rows[-1].story_id if copy else story,
                url=f"https://news.example.org/{i}.html",
                title=title,
                head=head,
                when=start + timedelta(seconds=rnd.randrange(7 * 86400)),
                source=rnd.choice(["Jiangmen Daily", "南方日报", "Wuyi Today"]),
                language="zh" if zh else "en",
                status="syndicated" if copy else "new",
                analysis=analysis,
            )
        )
    return rows


class BareFormatter:
    """What a bare render gets instead of Babel and the gazetteer: str()."""

    sep = ", "

    def __getattr__(self, name: str) -> Callable[..., str]:
        return lambda *args: " ".join(str(a) for a in args)


def bare_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=lambda name: name is None or not name.endswith(".txt.j2"),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters["money"] = str
    env.filters["place"] = str
    return env


def coopwatch_render(rows: list[ArticleRow]) -> int:
    stories = build_stories(rows)
    digest = build_digest(WEEK, stories, TZ, first_seen(stories))
    size = 0
    for code in ("en", "zh"):
        r = Renderer(
            shared_environment(), code, site={"title": "coopwatch", "languages": ["en", "zh"]}
        )
        html, text = render_digest(r, digest)
        size += len(html) + len(text)
    return size


def bare_render(rows: list[ArticleRow], env: Environment, contexts: list[dict[str, Any]]) -> int:
    size = 0
    for ctx in contexts:
        size += len(env.get_template("digest.html.j2").render(ctx))
        size += len(env.get_template("digest.txt.j2").render(ctx))
    return size


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run(n: int, repeat: int, site: bool) -> None:
    rows = synthetic_rows(n)
    coopwatch_render(rows[:50])  # warm caches: templates compiled, catalogs and gazetteer loaded
    stories = build_stories(rows)
    digest = build_digest(WEEK, stories, TZ, first_seen(stories))
    env = bare_environment()
    contexts = []
    for code in ("en", "zh"):
        r = Renderer(
            shared_environment(), code, site={"title": "coopwatch", "languages": ["en", "zh"]}
        )
        ctx = {**r._base, **digest_context(r, digest, "../../")}
        ctx.update(
            fmt=BareFormatter(),
            gettext=_null("gettext", env),
            _=_null("gettext", env),
            ngettext=_null("ngettext", env),
            tx=lambda *a: None,
        )
        contexts.append(ctx)
    ours = best(lambda: coopwatch_render(rows), repeat)
    bare = best(lambda: bare_render(rows, env, contexts), repeat)
    tracemalloc.start()
    coopwatch_render(rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    line = (
        f"| {n:,} | {len(digest.stories):,} | {ours:.2f} s | {bare:.2f} s | {ours / bare:.2f}x "
        f"| {peak / 2**20:.0f} MiB |"
    )
    if site:
        with tempfile.TemporaryDirectory() as tmp:
            options = SiteOptions(dir=Path(tmp) / "site")
            t0 = time.perf_counter()
            report = build_site(rows, options)
            line += f" {time.perf_counter() - t0:.2f} s ({report.files:,} files) |"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(line + f" {rss:.0f} MiB |", flush=True)


def _null(name: str, env: Environment) -> Any:
    return env.globals[name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--site", action="store_true", help="also time the whole site")
    args = parser.parse_args()
    print(f"languages: {', '.join(v for v in VARIANTS if v != 'zh-hant')}")
    header = "| articles | stories | coopwatch (en+zh) | bare Jinja2 | ratio | peak (tracemalloc) |"
    if args.site:
        header += " whole site |"
    print(header + " max RSS |")
    for n in args.sizes:
        run(n, args.repeat, args.site)


if __name__ == "__main__":
    main()
