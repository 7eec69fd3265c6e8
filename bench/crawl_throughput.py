"""Crawl throughput: the full coopwatch crawl against bare Scrapy on the same generated site.

Generates a site of news pages (30-40 KB each, mostly markup like real news pages, one in
three Chinese; listing pages of 50 links) in a temporary directory, serves it on 127.0.0.1
with coopwatch's SiteServer, then runs, each in its own subprocess (Twisted's reactor starts
once per process) with the same concurrency, no delay, no AutoThrottle, robots.txt off:

  bare      a minimal scrapy.Spider following the same listing links; no extraction, no store
  pipeline  coopwatch's crawl: extraction (in its worker processes unless --extract-workers 0),
            relevance, dedup, store into a fresh SQLite file

and prints pages/s, peak RSS and the ratio pipeline / bare (target: at least 0.5).

    python bench/crawl_throughput.py [--articles 2000] [--concurrency 16] [--profile]
        [--extract-workers N]
"""

from __future__ import annotations

import argparse
import json
import os
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


_SCRIPT = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
    "gtag('js',new Date());gtag('config','G-BENCH');"
    "(function(d){var s=d.createElement('script');s.async=1;s.src='/static/ads.js';"
    "d.head.appendChild(s)})(document);"
) * 12
_STYLE = ".nav li{display:inline-block;margin:0 .5em}.article p{line-height:1.6}" * 30


def _links(rng: random.Random, prefix: str, count: int, words: int) -> str:
    return "".join(
        f'<li><a href="{prefix}/{rng.randint(0, 10**6)}.html">'
        f"{' '.join(rng.choice(_WORDS) for _ in range(words)).capitalize()}</a></li>"
        for _ in range(count)
    )


def _article(i: int, rng: random.Random) -> tuple[str, str]:
    """A news page like the real ones in the extraction data: mostly markup, 4-12 KB of text.

    Head with meta tags, JSON-LD and scripts; header navigation and breadcrumb; the
    article (headline, byline, date line, figure, paragraphs with inline links and a
    subheading); share bar, related and most-read lists, comment form, footer links.
    """
    chinese = i % 3 == 0
    title = (
        f"{rng.choice(DISTRICTS_ZH)[0]}结对协作新进展（{i}）"
        if chinese
        else f"{rng.choice(DISTRICTS_EN)[0]} pairing update number {i}"
    )
    day = f"2024-05-{1 + i % 28:02d}"
    nav = "".join(
        f'<li class="nav-item"><a class="nav-link" href="/section/{w.lower()}/{k}.html">'
        f"{w} {k}</a></li>"
        for k in range(12)
        for w in FILLER
    )
    paragraphs = _paragraphs(rng, chinese, rng.randint(5_000, 15_000))
    body = []
    for n, text in enumerate(paragraphs):
        if n and n % 5 == 0:
            body.append(f"<h2>{' '.join(rng.choice(_WORDS) for _ in range(4)).capitalize()}</h2>")
        if n % 3 == 1:
            cut = len(text) // 2
            link = f'<a href="/topic/{n}.html">{text[cut : cut + 12]}</a>'
            text = text[:cut] + link + text[cut + 12 :]
        body.append(f"<p>{text}</p>")
    lang = "zh-CN" if chinese else "en"
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": f"{day}T09:00:00+08:00",
            "author": {"@type": "Person", "name": "Bench Reporter"},
            "publisher": {"@type": "Organization", "name": "Bench Daily"},
        },
        ensure_ascii=False,
    )
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} - Bench Daily</title>"
        f'<meta name="description" content="{paragraphs[0][:150]}">'
        f'<meta property="og:title" content="{title}">'
        f'<meta property="og:site_name" content="Bench Daily">'
        f'<meta property="og:type" content="article">'
        f'<meta property="article:published_time" content="{day}T09:00:00">'
        f'<link rel="canonical" href="/a/{i}.html"><link rel="stylesheet" href="/static/site.css">'
        f'<script type="application/ld+json">{ld}</script>'
        f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head>"
        f'<body class="article-page"><header class="site-header"><a class="logo" href="/">'
        f'Bench Daily</a><nav class="main-nav"><ul class="nav">{nav}</ul></nav>'
        f'<form class="search" action="/search"><input name="q"><button>Search</button></form>'
        f'</header><div class="breadcrumb"><a href="/">Home</a> &gt; '
        f'<a href="/list/index.html">News</a></div>'
        f'<main class="content"><article class="story"><h1 class="headline">{title}</h1>'
        f'<div class="byline">By Bench Reporter | {day} 09:00</div>'
        f'<figure><img src="/img/{i}.jpg" alt="photo"><figcaption>Photo: Bench Daily'
        f"</figcaption></figure>"
        f'<div class="article-body">{"".join(body)}</div>'
        f'<div class="share"><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a>'
        f"</div></article>"
        f'<section class="related"><h3>Related</h3><ul>{_links(rng, "/a", 20, 6)}</ul></section>'
        f'<section class="comments"><h3>Comments</h3><form action="/comment"><textarea>'
        f"</textarea><button>Post</button></form></section></main>"
        f'<aside class="sidebar"><h3>Most read</h3><ul>{_links(rng, "/a", 15, 7)}</ul>'
        f'<div class="ad-slot" id="ad-1"><script>{_SCRIPT[:400]}</script></div></aside>'
        f'<footer class="site-footer"><ul>{_links(rng, "/about", 40, 2)}</ul>'
        f"<p>Copyright Bench Daily. All rights reserved.</p></footer>"
        f'<script src="/static/app.js"></script><script>{_SCRIPT}</script></body></html>'
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


def _child_pipeline(
    base: str, concurrency: int, db: str, sources_path: str, workers: int | None
) -> dict[str, Any]:
    from coopwatch.settings import CrawlSettings, Settings
    from coopwatch.sources import load_sources
    from crawler.run import crawl
    from crawler.settings import extract_workers

    crawl_values: dict[str, Any] = {
        "concurrent_requests": concurrency,
        "concurrent_per_domain": concurrency,
        "download_delay": 0.0,
        "autothrottle": False,
        "obey_robots": False,
        "progress": "off",
        "log_level": "WARNING",
    }
    if workers is not None:
        if "extract_workers" not in CrawlSettings.model_fields:
            raise SystemExit("--extract-workers needs the [crawl] extract_workers setting")
        crawl_values["extract_workers"] = workers
    settings = Settings.model_validate(
        {"database": {"url": f"sqlite:///{db}"}, "crawl": crawl_values}
    )
    report = crawl(settings, load_sources(sources_path), progress=False)
    workers_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "pages": report["responses"],
        "seconds": report["elapsed_seconds"],
        "stored": report["articles"]["stored"],
        "errors": report["errors"],
        "extract_workers": extract_workers(settings),
        "worker_peak_rss_mb": round(workers_rss, 1),
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
        result = _child_pipeline(
            args.base, args.concurrency, args.db, args.sources, args.extract_workers
        )
    if args.profile:
        profiler.disable()
        stats = pstats.Stats(profiler)
        result["profile"] = _profile_shares(stats)
        if os.environ.get("COOPWATCH_BENCH_PROFILE_DUMP"):
            stats.dump_stats(os.environ["COOPWATCH_BENCH_PROFILE_DUMP"])
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # extraction workers, joined by now
    result["peak_rss_mb"] = round(own.ru_maxrss / 1024, 1)
    result["cpu_seconds"] = round(own.ru_utime + own.ru_stime, 2)
    result["worker_cpu_seconds"] = round(workers.ru_utime + workers.ru_stime, 2)
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
        "idle: waiting for I/O or workers": ("~", "<method 'poll' of 'select.epoll' objects>"),
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
    parser.add_argument(
        "--extract-workers", type=int, help="extraction processes (0: in the crawl's process)"
    )
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
            serving = time.process_time()  # the server's threads run in this process
            bare = run_child("bare", server.base_url, args.concurrency, [])
            bare["server_cpu_seconds"] = time.process_time() - serving
            extra = ["--db", str(Path(tmp) / "bench.db"), "--sources", str(sources)]
            if args.profile:
                extra.append("--profile")
            if args.extract_workers is not None:
                extra += ["--extract-workers", str(args.extract_workers)]
            serving = time.process_time()
            full = run_child("pipeline", server.base_url, args.concurrency, extra)
            full["server_cpu_seconds"] = time.process_time() - serving
    rate_bare = bare["pages"] / bare["seconds"]
    rate_full = full["pages"] / full["seconds"]
    print(f"machine: {platform.machine()}, {platform.python_version()}, {_cpus()} CPUs")
    print(
        f"bare scrapy : {bare['pages']} pages in {bare['seconds']:.1f} s = "
        f"{rate_bare:.0f} pages/s, peak RSS {bare['peak_rss_mb']:.0f} MB"
    )
    print(
        f"coopwatch   : {full['pages']} pages in {full['seconds']:.1f} s = "
        f"{rate_full:.0f} pages/s, peak RSS {full['peak_rss_mb']:.0f} MB"
        + (
            f" (+ {full['extract_workers']} extraction worker(s), each at most "
            f"{full['worker_peak_rss_mb']:.0f} MB)"
            if full["extract_workers"]
            else ""
        )
        + f", {full['stored']} stored, errors {full['errors'] or 'none'}"
    )
    print("CPU ms per page (whole run, incl. start-up):")
    for name, run, parts in (
        ("bare scrapy", bare, (("crawl", "cpu_seconds"), ("server", "server_cpu_seconds"))),
        (
            "coopwatch",
            full,
            (
                ("crawl", "cpu_seconds"),
                ("extraction workers", "worker_cpu_seconds"),
                ("server", "server_cpu_seconds"),
            ),
        ),
    ):
        shown = ", ".join(f"{label} {1000 * run[key] / run['pages']:.1f}" for label, key in parts)
        print(f"  {name:12s}: {shown}")
    ratio = rate_full / rate_bare
    verdict = "meets" if ratio >= 0.5 else "BELOW"
    print(f"ratio       : {ratio:.2f} of bare Scrapy ({verdict} the 0.50 target)")
    if "profile" in full:
        print("profile (cumulative share of the pipeline child's time):")
        for label, share in sorted(full["profile"].items(), key=lambda kv: -kv[1]):
            print(f"  {label:28s} {share:6.1%}")


def _cpus() -> int:

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    main()
