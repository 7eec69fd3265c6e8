"""The bundled demo site is sound: pages parse, links resolve, feeds and sitemaps name real
pages, the sources files validate and reach every article, and the legacy pages (GBK, two
pages, Traditional Chinese, a syndicated copy) are what they claim to be."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import lxml.html
import pytest
from lxml import etree

import coopwatch
from coopwatch.sources import Source, load_sources

DEMO = Path(coopwatch.__file__).parent / "demo"
SITE = DEMO / "site"
BASE = "http://127.0.0.1:8000"

GBK_PAGE = "zh/2022/05/t20220510_4192.html"
GBK_TITLE = "新会台山设立3300万元均衡发展基金 共建产业园区试点"
TWO_PAGES = ("zh/2022/07/t20220718_4415.html", "zh/2022/07/t20220718_4415_2.html")
TRADITIONAL_PAGE = "zh/2023/03/t20230328_5261.html"
REPOST = ("partner/2022/05/art_52113.html", GBK_PAGE)

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "atom": "http://www.w3.org/2005/Atom",
}
_ARTICLE = re.compile(r"^(?:news|zh|partner)/20\d\d/")
# 来源：五邑协作报　时间：2022-05-01 23:43:20 (Simplified or Traditional)
ZH_SOURCE_LINE = re.compile(
    r"[来來]源：五邑[协協]作[报報](?:（港澳版）)?\u3000"
    r"[时時][间間]：20(?:22|23)-\d\d-\d\d \d\d:\d\d:\d\d"
)


# ------------------------------------------------------------------------------ helpers
def _relative(path: Path) -> str:
    return path.relative_to(SITE).as_posix()


def _served(relative: str) -> bool:
    return not any(part.startswith(("_", ".")) for part in Path(relative).parts)


HTML_PAGES = sorted(_relative(p) for p in SITE.rglob("*.html") if _served(_relative(p)))
ARTICLES = sorted(p for p in HTML_PAGES if _ARTICLE.match(p) and p != TWO_PAGES[1])


@cache
def charsets() -> dict[str, str]:
    return json.loads((SITE / "_charsets.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def page_text(relative: str) -> str:
    """A page decoded the way its Content-Type and <meta charset> say it should be."""
    raw = (SITE / relative).read_bytes()
    charset = charsets().get(relative, "utf-8")
    if charset == "":
        match = re.search(rb'<meta[^>]+charset="?([\w-]+)', raw)
        assert match, f"{relative} is sent without a charset and declares none either"
        charset = {"gb2312": "gb18030", "gbk": "gb18030"}.get(match.group(1).decode().lower())
    return raw.decode(charset or "utf-8")


@cache
def parsed(relative: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page_text(relative))


def url_of(relative: str) -> str:
    return f"{BASE}/{relative}"


def file_of(url: str) -> str | None:
    """The site file a same-host URL is served from, or None when there is none."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != BASE:
        return None
    relative = parts.path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return relative if (SITE / relative).is_file() and _served(relative) else None


def page_links(relative: str) -> Iterator[tuple[str, str]]:
    """(attribute value, absolute URL) of each href/src on a page, bar script and mail links."""
    for element in parsed(relative).iter():
        for attr in ("href", "src"):
            value = element.get(attr)
            if value is None or value.startswith(("#", "mailto:", "javascript:")):
                continue
            yield value, urljoin(url_of(relative), value)


def xml(relative: str) -> etree._Element:
    return etree.fromstring((SITE / relative).read_bytes())


def feed_links(relative: str) -> list[str]:
    root = xml(relative)
    if root.tag == "rss":
        links = [item.findtext("link") or "" for item in root.iter("item")]
    else:
        links = [
            link.get("href", "")
            for entry in root.iterfind("atom:entry", NS)
            for link in entry.iterfind("atom:link", NS)
            if link.get("rel", "alternate") == "alternate"
        ]
    return [urljoin(url_of(relative), link) for link in links]


def sitemap_locs(relative: str) -> list[str]:
    """Page URLs of a sitemap, following a sitemap index down to its sitemaps."""
    root = xml(relative)
    locs = [urljoin(url_of(relative), loc.text or "") for loc in root.iterfind("*/sm:loc", NS)]
    if root.tag == f"{{{NS['sm']}}}sitemapindex":
        found: list[str] = []
        for loc in locs:
            child = file_of(loc)
            assert child, f"{relative} names a sitemap that does not exist: {loc}"
            found += sitemap_locs(child)
        return found
    return locs


def reachable(source: Source) -> set[str]:
    """Article URLs a crawl following the source's rules would find, done on the files."""
    allow = [re.compile(p) for p in source.allow]
    deny = [re.compile(p) for p in source.deny]
    follow = [re.compile(p) for p in source.follow]

    def wanted(url: str) -> bool:
        return any(p.search(url) for p in allow) and not any(p.search(url) for p in deny)

    found = {u for feed in source.feeds for u in feed_links(file_of(feed) or "") if wanted(u)}
    for sitemap in source.sitemaps:
        found |= {u for u in sitemap_locs(file_of(sitemap) or "") if wanted(u)}
    queue = [(url, 0) for url in source.listings]
    seen = set(source.listings)
    while queue:
        url, depth = queue.pop(0)
        relative = file_of(url)
        assert relative, f"{source.id}: listing {url} does not exist"
        root = parsed(relative)
        areas = [el for css in source.restrict_css for el in root.cssselect(css)] or [root]
        for area in areas:
            for anchor in area.iter("a"):
                link = urljoin(url, anchor.get("href", "")).split("#")[0]
                if wanted(link):
                    found.add(link)
                elif (
                    depth + 1 <= source.max_depth
                    and link not in seen
                    and any(p.search(link) for p in follow)
                ):
                    seen.add(link)
                    queue.append((link, depth + 1))
    return found


@pytest.fixture(scope="session")
def demo_sources(tmp_path_factory: pytest.TempPathFactory) -> list[Source]:
    """The demo sources file as `coopwatch demo` loads it, with {base} filled in."""
    text = (DEMO / "sources.toml").read_text(encoding="utf-8").replace("{base}", BASE)
    path = tmp_path_factory.mktemp("demo") / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return load_sources(path)


# ------------------------------------------------------------------------------ pages
@pytest.mark.parametrize("relative", HTML_PAGES)
def test_every_page_parses_and_has_a_title(relative: str) -> None:
    root = parsed(relative)
    assert root.tag == "html"
    assert (root.findtext(".//title") or "").strip(), f"{relative} has no <title>"
    assert root.find(".//body") is not None


@pytest.mark.parametrize("relative", HTML_PAGES)
def test_every_local_link_points_to_an_existing_file(relative: str) -> None:
    for value, url in page_links(relative):
        host = urlsplit(url).hostname or ""
        if url.startswith(BASE + "/"):
            assert file_of(url), f"{relative}: link {value!r} points to nothing"
        else:
            # Outside links (share buttons) may only go to reserved example domains.
            assert host == "example.org" or host.endswith(".example.org"), (relative, value)


def test_site_has_no_absolute_links_to_itself_and_stays_small() -> None:
    total = 0
    for path in SITE.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            if path.suffix in (".html", ".xml", ".atom", ".txt", ".toml", ".json"):
                text = path.read_bytes()
                for needle in (b"127.0.0.1", b"localhost"):
                    assert needle not in text, f"{_relative(path)} names {needle!r}"
    assert total < 600_000


def test_articles_are_bilingual_and_complete() -> None:
    english = [p for p in ARTICLES if p.startswith("news/")]
    chinese = [p for p in ARTICLES if not p.startswith("news/")]
    assert 12 <= len(ARTICLES) <= 16
    assert abs(len(english) - len(chinese)) <= 2
    for relative in ARTICLES:
        root = parsed(relative)
        paragraphs = [
            p
            for p in root.cssselect(".story-body p, .TRS_Editor p, .pw-content p")
            if len(p.text_content().strip()) > 40
        ]
        assert 4 <= len(paragraphs) <= 10, f"{relative}: {len(paragraphs)} paragraphs"
        assert len(root.cssselect("h1")) == 1
        assert root.cssselect("img[src^='/static/img/']"), f"{relative} has no photo"


@pytest.mark.parametrize("relative", [p for p in ARTICLES if p.startswith("news/")])
def test_english_articles_have_byline_caption_and_chrome(relative: str) -> None:
    root = parsed(relative)
    byline = root.cssselect(".byline")[0].text_content()
    assert re.fullmatch(r"By [A-Z][\w .'-]+ \| 20(22|23)-\d\d-\d\d", byline)
    assert root.cssselect("figcaption")[0].text_content().startswith("\u25b3 ")
    for css in (".main-nav", ".breadcrumbs", ".share-bar", ".related", ".comments", "footer"):
        assert root.cssselect(css), f"{relative} lacks {css}"


@pytest.mark.parametrize("relative", [p for p in ARTICLES if p.startswith("zh/")])
def test_chinese_articles_have_source_line_caption_and_editor(relative: str) -> None:
    text = parsed(relative).text_content()
    assert ZH_SOURCE_LINE.search(text)
    assert re.search(r"▲ [图圖][为為].+（[记記]者 \S+ [摄攝]）", text)
    last = TWO_PAGES[1] if relative == TWO_PAGES[0] else relative
    assert re.search(r"[责責]任[编編][辑輯]：\S+", parsed(last).text_content())


# ------------------------------------------------------------------------------ legacy pages
def test_gbk_page_is_gbk_bytes_sent_without_charset() -> None:
    raw = (SITE / GBK_PAGE).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    assert b'<meta charset="gb2312">' in raw
    assert f"<title>{GBK_TITLE}" in text
    assert "3300万元" in text and "新会区" in text and "台山市" in text
    assert charsets()[GBK_PAGE] == ""


def test_charset_file_covers_every_page() -> None:
    assert set(charsets()) == set(HTML_PAGES)
    assert {v for k, v in charsets().items() if k != GBK_PAGE} == {"utf-8"}
    for relative in HTML_PAGES:
        if relative != GBK_PAGE:
            (SITE / relative).read_bytes().decode("utf-8")


def test_two_page_article_links_both_ways(demo_sources: list[Source]) -> None:
    first, second = TWO_PAGES

    def target(relative: str, text: str) -> str | None:
        for anchor in parsed(relative).iter("a"):
            if anchor.text_content().strip() == text:
                return file_of(urljoin(url_of(relative), anchor.get("href", "")))
        return None

    assert target(first, "下一页") == second
    assert target(second, "上一页") == first
    for source in demo_sources:
        assert url_of(second) not in reachable(source)


def test_traditional_chinese_page() -> None:
    root = parsed(TRADITIONAL_PAGE)
    assert root.get("lang", "").startswith("zh-Hant")
    body = root.cssselect(".TRS_Editor")[0].text_content()
    assert "鶴山" in body and "開平" in body and "港澳" in body
    assert "鹤山" not in body and "开平" not in body


def test_partner_page_is_a_syndicated_copy_with_its_own_chrome() -> None:
    copy, original = REPOST

    def paragraphs(relative: str, css: str) -> list[str]:
        return [p.text_content().strip() for p in parsed(relative).cssselect(css)]

    copied = paragraphs(copy, ".pw-content p")
    source = paragraphs(original, ".TRS_Editor p")
    shared = {p.strip("\u3000") for p in source} & set(copied)
    assert len(shared) >= 5
    text = parsed(copy).text_content()
    assert "转载" in text and "五邑协作报" in text
    assert parsed(copy).cssselect(".pw-header") and not parsed(original).cssselect(".pw-header")


# ------------------------------------------------------------ feeds, sitemaps, listings
def test_rss_feed_lists_existing_articles() -> None:
    root = xml("feeds/en.xml")
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = list(root.iter("item"))
    assert len(items) >= 4
    for item in items:
        assert item.findtext("title")
        assert parsedate_to_datetime(item.findtext("pubDate") or "").tzinfo is not None
    for link in feed_links("feeds/en.xml"):
        assert file_of(link) in ARTICLES, link


def test_atom_feed_lists_existing_articles() -> None:
    root = xml("feeds/zh.atom")
    assert root.tag == f"{{{NS['atom']}}}feed"
    entries = root.findall("atom:entry", NS)
    assert len(entries) >= 4
    for entry in entries:
        assert entry.findtext("atom:id", namespaces=NS)
        datetime.fromisoformat(entry.findtext("atom:published", namespaces=NS) or "")
    for link in feed_links("feeds/zh.atom"):
        assert file_of(link) in ARTICLES, link


def test_sitemap_index_leads_to_a_news_sitemap_of_every_article() -> None:
    assert xml("sitemap.xml").tag == f"{{{NS['sm']}}}sitemapindex"
    locs = sitemap_locs("sitemap.xml")
    assert sorted(file_of(u) or u for u in locs) == ARTICLES
    news = xml("sitemap-news.xml")
    for url in news.iterfind("sm:url", NS):
        date = url.findtext("news:news/news:publication_date", namespaces=NS) or ""
        assert datetime.fromisoformat(date).year in (2022, 2023)
        relative = file_of(urljoin(BASE, url.findtext("sm:loc", namespaces=NS) or ""))
        assert relative
        title = url.findtext("news:news/news:title", namespaces=NS)
        assert parsed(relative).cssselect("h1")[0].text_content().strip() == title


def test_listing_pages_separate_articles_from_navigation() -> None:
    for listing in ("news/index.html", "news/index_2.html", "zh/index.html", "partner/index.html"):
        root = parsed(listing)
        inside = [
            file_of(urljoin(url_of(listing), a.get("href", "")))
            for a in root.cssselect(".article-list a")
        ]
        assert inside and all(p in ARTICLES for p in inside), listing
        outside = [
            file_of(url)
            for _, url in page_links(listing)
            if not any(
                url == urljoin(url_of(listing), a.get("href", ""))
                for a in root.cssselect(".article-list a")
            )
        ]
        assert any(p and p not in ARTICLES for p in outside), f"{listing} has no navigation"
    assert "index_2.html" in [
        a.get("href", "").rsplit("/", 1)[-1]
        for a in parsed("news/index.html").cssselect(".pagination a")
    ]


def test_robots_txt_disallows_admin_only() -> None:
    robots = RobotFileParser()
    robots.parse((SITE / "robots.txt").read_text(encoding="utf-8").splitlines())
    assert not robots.can_fetch("coopwatch", f"{BASE}/admin/index.html")
    for relative in ARTICLES + ["news/index.html", "feeds/en.xml", "sitemap.xml"]:
        assert robots.can_fetch("coopwatch", url_of(relative))


# ------------------------------------------------------------------------------ sources files
def test_demo_sources_validate_and_use_the_base_placeholder(demo_sources: list[Source]) -> None:
    with open(DEMO / "sources.toml", "rb") as fh:
        raw = tomllib.load(fh)
    for entry in raw["source"]:
        for url in entry.get("feeds", []) + entry.get("sitemaps", []) + entry.get("listings", []):
            assert url.startswith("{base}/"), url
    sources = demo_sources
    assert {s.language for s in sources} == {"en", "zh"}
    assert all(s.domains == ["127.0.0.1"] for s in sources)


def test_demo_sources_reach_every_article_and_nothing_else(demo_sources: list[Source]) -> None:
    reached: dict[str, set[str]] = {s.id: reachable(s) for s in demo_sources}
    everything = set().union(*reached.values())
    assert sorted(file_of(u) or u for u in everything) == ARTICLES
    sections = {
        sid: {(file_of(u) or "").split("/")[0] for u in urls} for sid, urls in reached.items()
    }
    assert all(len(found) == 1 for found in sections.values()), sections


def test_demo_listings_alone_reach_every_article(demo_sources: list[Source]) -> None:
    """Feeds and sitemaps list only some articles; the listings (with pagination) list all."""
    found: set[str] = set()
    for source in demo_sources:
        found |= reachable(source.model_copy(update={"feeds": [], "sitemaps": []}))
    assert sorted(file_of(u) or u for u in found) == ARTICLES


# Article links to these sites as published elsewhere: each source's `allow` must accept its
# own, and no source's listing page may be mistaken for an article.
PUBLISHED_ARTICLES = {
    "jiangmen-gov": "https://www.jiangmen.gov.cn/home/sqdt/xhzx/content/post_3522236.html",
    "southcn": "https://news.southcn.com/node_54a44f01a2/9fe0ae6456.shtml",
    "newsgd": "https://www.newsgd.com/node_a21acd2229/d0b91da42a.shtml",
    "gd-gov": "http://www.gd.gov.cn/gdywdt/dsdt/content/post_4148215.html",
    "gdfao-en": "http://en.gdfao.gov.cn/wsyw/content/post_1037577.html",
    "guangzhou-gov": "https://www.gz.gov.cn/xw/zwlb/gqdt/fzq/content/post_10273593.html",
    "shenzhen-gov": "https://www.sz.gov.cn/cn/xxgk/zfxxgj/zwdt/content/post_11970344.html",
    "zhongshan-gov": "https://www.zs.gov.cn/zwgk/zdxm/xmjj/content/post_2160301.html",
    "szdaily": "http://www.szdaily.com/content/2025-03/20/content_31493200.htm",
    "chinadaily-china": "https://www.chinadaily.com.cn/a/201912/20/WS5dfbfc41a310cf3e3557f5ce.html",
    "chinadaily-hk": "https://www.chinadailyhk.com/hk/article/631051",
}


def test_bundled_real_sources_validate() -> None:
    sources = load_sources()
    assert 10 <= len(sources) <= 16
    assert {s.language for s in sources} >= {"en", "zh"}
    by_id = {s.id: s for s in sources}
    for source in sources:
        assert source.allow, f"{source.id} has no article pattern"
        assert 1 <= source.max_depth <= 2
        for host in source.domains:
            assert "example" not in host and host not in ("127.0.0.1", "localhost")
        for url in source.listings + source.feeds + source.sitemaps:
            assert not any(re.search(p, url) for p in source.allow), f"{url} looks like an article"
    for ident, url in PUBLISHED_ARTICLES.items():
        source = by_id[ident]
        assert any(re.search(p, url) for p in source.allow), (ident, url)
        assert not any(re.search(p, url) for p in source.deny), (ident, url)
