"""Crawl throughput: the full coopwatch crawl against bare Scrapy on the same generated site.

Generates a site of article pages (~30-50 KB each, English and Chinese, with listing pages)
in a temporary directory, serves it on 127.0.0.1 with coopwatch's SiteServer, then runs,
each in its own subprocess (Twisted's reactor starts once per process):

  bare      a minimal scrapy.Spider following the same listing links; no extraction, no store
  pipeline  coopwatch's crawl: extraction, relevance, dedup, store into a fresh SQLite file

and prints pages/s, peak RSS and the ratio pipeline / bare (target: at least 0.5).

    python bench/crawl_throughput.py [--articles 2000] [--concurrency 16] [--profile]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from coopwatch.demo.server import SiteServer

PER_LISTING = 50
DISTRICTS_EN = [
    ("Xinhui", "Taishan"),
    ("Heshan", "Kaiping"),
    ("Pengjiang", "Enping"),
    ("Jianghai", "Enping"),
    ("Nanhai", "Yunfu"),
    ("Shunde", "Zhanjiang"),
]
DISTRICTS_ZH = [
    ("新会", "台山"),
    ("鹤山", "开平"),
    ("蓬江", "恩平"),
    ("江海", "恩平"),
    ("南海", "云浮"),
]
EN_SENTENCES = [
    "{a} and {b} reviewed the first year of their pairing cooperation on {day}.",
    "The shared industrial park now hosts {n} firms, most of them suppliers of hardware and "
    "building materials.",
    "Officials from {a} said the district would keep {n} staff in {b} to help with planning "
    "approvals and investment promotion.",
    "A cooperation fund of RMB {n} million will pay for roads, cold-chain warehouses and "
    "training courses for village officials.",
    "Factory managers in {b} said engineers from {a} had helped them cut the share of rejected "
    "parts on their casting lines.",
    "The two governments publish a short quarterly report on jobs created and investment "
    "signed, which residents can read online.",
    "Business groups asked for faster approvals so that small firms do not wait months for "
    "an answer.",
    "Vocational colleges in both places will run a joint course for {n} technicians next year.",
]
ZH_SENTENCES = [
    "{a}与{b}结对协作一年来，共建产业园区已有{n}家企业签约入驻。",
    "{a}选派的{n}名干部常驻{b}，负责项目审批代办和招商引资。",
    "两地设立{n}万元协作资金，用于园区道路、冷链仓库和村干部培训。",
    "{b}一家五金企业负责人说，{a}派来的工程师帮助改造了生产线，废品率明显下降。",
    "两地每季度公开通报项目进度、新增就业和签约投资情况。",
    "职业院校将联合开设技工培训班，首期招收{n}名学员。",
]
FILLER = [
    "Markets",
    "Property",
    "Jobs",
    "Weather",
    "Sport",
    "Culture",
    "Opinion",
    "Video",
    "Photos",
    "Podcasts",
]


_SYLLABLES = [c + v for c in "bdfghklmnprstvwz" for v in ("a", "e", "i", "o", "u", "an", "en")]
_WORDS = sorted(
    {"".join(random.Random(k).choice(_SYLLABLES) for _ in range(1 + k % 3)) for k in range(3000)}
)
_HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 2500)]


def _filler(rng: random.Random, chinese: bool) -> str:
    """Unique-ish running text, so that articles are not near-duplicates of each other."""
    if chinese:
        return "".join(rng.choice(_HAN) for _ in range(rng.randint(60, 120))) + "。"
    words = [rng.choice(_WORDS) for _ in range(rng.randint(25, 50))]
    return " ".join(words).capitalize() + "."


def _paragraphs(rng: random.Random, chinese: bool, target_bytes: int) -> list[str]:
    pairs = DISTRICTS_ZH if chinese else DISTRICTS_EN
    sentences = ZH_SENTENCES if chinese else EN_SENTENCES
    a, b = rng.choice(pairs)
    out: list[str] = []
    size = 0
    while size < target_bytes:
        chosen = rng.choice(sentences)
        lead = chosen.format(a=a, b=b, n=rng.randint(3, 90), day=f"day {rng.randint(1, 28)}")
        text = ("" if chinese else " ").join([lead, _filler(rng, chinese)])
        out.append(text)
        size += len(text.encode("utf-8")) + 7
    return out


def _article(i: int, rng: random.Random) -> tuple[str, str]:
    chinese = i % 3 == 0
    title = (
        f"{rng.choice(DISTRICTS_ZH)[0]}结对协作新进展（{i}）"
        if chinese
        else f"{rng.choice(DISTRICTS_EN)[0]} pairing update number {i}"
    )
    nav = "".join(
        f'<li><a href="/section/{w.lower()}/{k}.html">{w} {k}</a></li>'
        for k in range(12)
        for w in FILLER
    )
    body = "".join(f"<p>{p}</p>\n" for p in _paragraphs(rng, chinese, rng.randint(18_000, 34_000)))
    related = "".join(
        f'<li><a href="/a/{rng.randint(0, 10**6)}.html">Related story {k}</a></li>'
        for k in range(20)
    )
    lang = "zh-CN" if chinese else "en"
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:site_name" content="Bench Daily">'
        f'<meta property="article:published_time" content="2024-05-{1 + i % 28:02d}T09:00:00">'
        f"</head><body><header><nav><ul>{nav}</ul></nav></header>"
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        f'<aside><ul class="related">{related}</ul></aside>'
        f"<footer><p>Copyright Bench Daily. All rights reserved.</p></footer></body></html>"
    )
    return title, html


def generate(root: Path, articles: int, seed: int = 20240501) -> int:
    """Write the site; return the number of pages a crawler will fetch (listings + articles)."""
    rng = random.Random(seed)
    (root / "a").mkdir(parents=True)
    (root / "list").mkdir()
    titles = []
    for i in range(articles):
        title, html = _article(i, rng)
        (root / "a" / f"{i}.html").write_text(html, encoding="utf-8")
        titles.append(title)
    listings = (articles + PER_LISTING - 1) // PER_LISTING
    pager = " ".join(
        f'<a href="/list/index_{k}.html">{k + 1}</a>' if k else '<a href="/list/index.html">1</a>'
        for k in range(listings)
    )
    for k in range(listings):
        items = "".join(
            f'<li><a href="/a/{i}.html">{titles[i]}</a></li>'
            for i in range(k * PER_LISTING, min(articles, (k + 1) * PER_LISTING))
        )
        name = "index.html" if k == 0 else f"index_{k}.html"
        (root / "list" / name).write_text(
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>List {k}</title></head>'
            f'<body><nav><a href="/section/markets/1.html">Markets</a></nav>'
            f'<div class="list"><ul>{items}</ul><div class="pager">{pager}</div></div>'
            f"<footer><a href='/about.html'>About</a></footer></body></html>",
            encoding="utf-8",
        )
    (root / "robots.txt").write_text("User-agent: *\nDisallow:\n", encoding="utf-8")
    return listings + articles


SOURCES = """
[[source]]
id = "bench"
name = "Bench Daily"
listings = ["{base}/list/index.html"]
allow = ['/a/\\d+\\.html$']
follow = ['/list/index(_\\d+)?\\.html$']
restrict_css = ["div.list"]
max_depth = 2
"""


# -- children ---------------------------------------------------------------------------


def _scrapy_common(concurrency: int) -> dict[str, Any]:
    return {
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "COOKIES_ENABLED": False,
        "LOGSTATS_INTERVAL": 0,
    }


def _child_bare(base: str, concurrency: int) -> dict[str, Any]:
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor

    class BareSpider(scrapy.Spider):
        name = "bare"
        links = LinkExtractor(restrict_css=("div.list",))

        async def start(self):  # type: ignore[no-untyped-def]
            yield scrapy.Request(f"{base}/list/index.html", callback=self.parse_listing)

        def parse_listing(self, response):  # type: ignore[no-untyped-def]
            for link in self.links.extract_links(response):
                if "/list/" in link.url:
                    yield scrapy.Request(link.url, callback=self.parse_listing)
                else:
                    yield scrapy.Request(link.url, callback=self.parse_article)

        def parse_article(self, response):  # type: ignore[no-untyped-def]
            return None

    process = CrawlerProcess(_scrapy_common(concurrency))
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()  # type: ignore[union-attr]
    return {
        "pages": stats.get("response_received_count", 0),
        "seconds": (stats["finish_time"] - stats["start_time"]).total_seconds(),
    }


def _child_pipeline(base: str, concurrency: int, db: str, sources_path: str) -> dict[str, Any]:
    from coopwatch.settings import Settings
    from coopwatch.sources import load_sources
    from crawler.run import crawl

    settings = Settings.model_validate(
        {
            "database": {"url": f"sqlite:///{db}"},
            "crawl": {
                "concurrent_requests": concurrency,
                "concurrent_per_domain": concurrency,
                "download_delay": 0.0,
                "autothrottle": False,
                "obey_robots": False,
                "progress": "off",
                "log_level": "WARNING",
            },
        }
    )
    report = crawl(settings, load_sources(sources_path), progress=False)
    return {
        "pages": report["responses"],
        "seconds": report["elapsed_seconds"],
        "stored": report["articles"]["stored"],
        "errors": report["errors"],
    }


def child(args: argparse.Namespace) -> None:
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    if args.child == "bare":
        result = _child_bare(args.base, args.concurrency)
    else:
        result = _child_pipeline(args.base, args.concurrency, args.db, args.sources)
    if args.profile:
        profiler.disable()
        stats = pstats.Stats(profiler)
        result["profile"] = _profile_shares(stats)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))


def _profile_shares(stats: Any) -> dict[str, float]:
    """Cumulative share of total time of the functions that matter for the pipeline."""
    total = stats.total_tt
    wanted = {
        "extract": ("crawler/extract.py", "extract"),
        "trafilatura bare_extraction": ("trafilatura/core.py", "bare_extraction"),
        "link extraction": ("scrapy/linkextractors/lxmlhtml.py", "extract_links"),
        "store.add_article": ("coopwatch/store.py", "add_article"),
        "relevance score": ("coopwatch/relevance.py", "score"),
        "known/canonical checks": ("crawler/spiders/news.py", "_article_request"),
    }
    out: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        for label, (suffix, func) in wanted.items():
            if filename.endswith(suffix) and name == func:
                out[label] = round(max(out.get(label, 0.0), ct / total), 3)
    return out


# -- parent -----------------------------------------------------------------------------


def run_child(mode: str, base: str, concurrency: int, extra: list[str]) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", mode, "--base", base]
    cmd += ["--concurrency", str(concurrency), *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} crawl failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--profile", action="store_true", help="cProfile the pipeline child")
    parser.add_argument("--child", choices=["bare", "pipeline"], help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--sources", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    with tempfile.TemporaryDirectory(prefix="coopwatch-bench-") as tmp:
        root = Path(tmp) / "site"
        started = time.perf_counter()
        pages = generate(root, args.articles)
        size = sum(p.stat().st_size for p in (root / "a").iterdir()) / args.articles / 1024
        print(
            f"site: {pages} pages ({args.articles} articles, mean {size:.0f} KB) "
            f"generated in {time.perf_counter() - started:.1f} s"
        )
        with SiteServer(root) as server:
            sources = Path(tmp) / "sources.toml"
            sources.write_text(SOURCES.replace("{base}", server.base_url), encoding="utf-8")
            bare = run_child("bare", server.base_url, args.concurrency, [])
            extra = ["--db", str(Path(tmp) / "bench.db"), "--sources", str(sources)]
            if args.profile:
                extra.append("--profile")
            full = run_child("pipeline", server.base_url, args.concurrency, extra)
    rate_bare = bare["pages"] / bare["seconds"]
    rate_full = full["pages"] / full["seconds"]
    print(f"machine: {platform.machine()}, {platform.python_version()}, {_cpus()} CPUs")
    print(
        f"bare scrapy : {bare['pages']} pages in {bare['seconds']:.1f} s = "
        f"{rate_bare:.0f} pages/s, peak RSS {bare['peak_rss_mb']:.0f} MB"
    )
    print(
        f"coopwatch   : {full['pages']} pages in {full['seconds']:.1f} s = "
        f"{rate_full:.0f} pages/s, peak RSS {full['peak_rss_mb']:.0f} MB, "
        f"{full['stored']} stored, errors {full['errors'] or 'none'}"
    )
    ratio = rate_full / rate_bare
    verdict = "meets" if ratio >= 0.5 else "BELOW"
    print(f"ratio       : {ratio:.2f} of bare Scrapy ({verdict} the 0.50 target)")
    if "profile" in full:
        print("profile (cumulative share of the pipeline child's time):")
        for label, share in sorted(full["profile"].items(), key=lambda kv: -kv[1]):
            print(f"  {label:28s} {share:6.1%}")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    main()
