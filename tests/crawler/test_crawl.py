"""End-to-end crawls of the fixture site on 127.0.0.1, in a subprocess, into a real store."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from crawlkit import (
    ROOT,
    ROUTES,
    SITE,
    crawl_command,
    crawl_env,
    free_port,
    run_crawl,
    sources_for,
    write_config,
)

from coopwatch.article import Article
from coopwatch.demo.server import LoggedRequest, SiteServer
from coopwatch.errors import StoreError
from coopwatch.store import Store

pytestmark = pytest.mark.slow

ARTICLES = {
    "/news/2024/xinhui-taishan.html",
    "/news/2024/heshan-kaiping.html",
    "/mobile/2024/heshan-kaiping.html",
    "/news/2024/fund-33-million.html",
    "/partner/2024/fund-repost.html",
    "/news/2024/weather-typhoon.html",
    "/news/2024/broken.html",
    "/news/2024/pengjiang-enping.html",
    "/news/2024/taishan-gbk.html",
    "/news/2024/kaiping-survey.html",
    "/news/2024/dragon-boat.html",
}
NEVER_FETCHED = {
    "/news/2024/footer-pick.html",  # only in nav, aside and footer
    "/news/2024/drafts/plan.html",  # robots.txt disallows it
    "/news/index_9.html",  # pagination-looking link in the footer
    "/tag/jiangmen.html",  # denied and outside the listing
    "/about.html",  # in the feed and a sitemap, but not an article URL
    "/partner/2024/subscribe.html",  # outside restrict_css
}


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def article_requests(log: list[LoggedRequest]) -> list[str]:
    prefixes = ("/news/2024/", "/mobile/", "/partner/2024/")
    return [r.path.split("?")[0] for r in log if r.path.startswith(prefixes)]


@dataclass
class Crawled:
    url: str
    first: dict[str, Any]
    second: dict[str, Any]
    log_first: list[LoggedRequest]
    log_second: list[LoggedRequest]
    articles: list[Article]
    outlets: dict[int, list[str]]

    def by_path(self, path: str) -> Article:
        return next(a for a in self.articles if path_of(a.url) == path)


@pytest.fixture(scope="module")
def crawled(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """Two crawls of the fixture site into one store: a first one, then a rerun."""
    tmp = tmp_path_factory.mktemp("crawl")
    with SiteServer(SITE, ROUTES) as server:
        config = write_config(tmp / "coopwatch.toml", backend_url)
        sources = sources_for(server, tmp / "sources.toml", dead_port=free_port())
        first = run_crawl(config, "--sources", str(sources))
        assert first.returncode == 0, first.stderr
        log_first = list(server.requests)
        second = run_crawl(config, "--sources", str(sources))
        assert second.returncode == 0, second.stderr
        log_second = list(server.requests)[len(log_first) :]
    with Store.open(backend_url) as store:
        articles = list(store.articles())
        outlets = {a.story_id: store.story_outlets(a.story_id) for a in articles if a.story_id}
    yield Crawled(
        backend_url, first.report, second.report, log_first, log_second, articles, outlets
    )


def test_every_article_is_stored_once(crawled: Crawled) -> None:
    paths = [path_of(a.url) for a in crawled.articles]
    assert sorted(paths) == sorted(ARTICLES)
    assert crawled.first["articles"]["stored"] == len(ARTICLES)
    assert crawled.first["finish_reason"] == "finished"


def test_tracking_parameters_are_stripped_and_the_copy_skipped(crawled: Crawled) -> None:
    xinhui = crawled.by_path("/news/2024/xinhui-taishan.html")
    assert "utm_" not in xinhui.url
    assert xinhui.title == "Xinhui and Taishan put their pairing plan into practice"
    assert "shared industrial park on the Taishan side" in xinhui.text
    assert "Copyright" not in xinhui.text
    # The feed's ?utm_ link and the listing's plain link are one page: fetched once.
    assert article_requests(crawled.log_first).count("/news/2024/xinhui-taishan.html") == 1
    assert article_requests(crawled.log_first).count("/news/2024/heshan-kaiping.html") == 1


def test_exact_copy_is_a_duplicate_of_the_same_story(crawled: Crawled) -> None:
    a = crawled.by_path("/news/2024/heshan-kaiping.html")
    b = crawled.by_path("/mobile/2024/heshan-kaiping.html")
    assert a.story_id == b.story_id
    assert sorted([a.status, b.status]) == ["duplicate", "new"]


def test_repost_with_other_header_and_footer_is_syndicated(crawled: Crawled) -> None:
    original = crawled.by_path("/news/2024/fund-33-million.html")
    repost = crawled.by_path("/partner/2024/fund-repost.html")
    assert original.story_id == repost.story_id
    assert sorted([original.status, repost.status]) == ["new", "syndicated"]
    assert sorted(crawled.outlets[original.story_id]) == ["Jiangmen Daily", "Wuyi Business Post"]
    assert {original.source_id, repost.source_id} == {"jmdaily", "wuyi-post"}
    assert "Subscribe for the morning briefing" not in repost.text


def test_weather_and_sports_are_stored_but_not_relevant(crawled: Crawled) -> None:
    for path in ("/news/2024/weather-typhoon.html", "/news/2024/dragon-boat.html"):
        article = crawled.by_path(path)
        assert article.relevant is False, path
        assert article.relevance < 3.0
    relevant = [a for a in crawled.articles if a.relevant]
    assert len(relevant) == len(ARTICLES) - 2
    assert crawled.first["articles"]["irrelevant"] == 2


def test_gbk_page_without_charset_is_decoded(crawled: Crawled) -> None:
    article = crawled.by_path("/news/2024/taishan-gbk.html")
    assert article.title == "台山新会共建产业园区首批项目动工"
    assert "新会区选派的二十名干部已在台山驻点工作" in article.text
    assert article.language == "zh"
    assert (article.encoding or "").lower() in {"gbk", "gb2312", "gb18030"}


def test_two_page_article_is_joined(crawled: Crawled) -> None:
    article = crawled.by_path("/news/2024/kaiping-survey.html")
    assert article.pages == 2
    assert article.text.startswith("鹤山市与开平市结对以来")
    assert "废品率下降了近一半" in article.text  # page 1
    assert "首期招收三百名学员" in article.text  # page 2
    assert "下一页" not in article.text and "版权所有" not in article.text
    assert not any("kaiping-survey_2" in a.url for a in crawled.articles)


def test_broken_html_still_yields_its_text(crawled: Crawled) -> None:
    article = crawled.by_path("/news/2024/broken.html")
    assert "revenue-sharing rule for the co-built park" in article.text


def test_nav_footer_and_disallowed_links_are_never_fetched(crawled: Crawled) -> None:
    fetched = {r.path.split("?")[0] for r in crawled.log_first + crawled.log_second}
    assert not fetched & NEVER_FETCHED
    assert crawled.first["errors"]["robots_forbidden"] == 1


def test_every_failure_is_counted_by_kind(crawled: Crawled) -> None:
    errors = crawled.first["errors"]
    assert errors == {
        "connection_refused": 1,  # the dead source's feed
        "extraction_failed": 3,  # /errors/binary, /errors/empty, the photo gallery
        "http_404": 1,
        "http_500": 1,
        "redirect_loop": 1,
        "robots_forbidden": 1,
        "timeout": 1,
        "too_large": 1,
    }
    assert crawled.first["error_total"] == sum(errors.values())
    assert not any("/errors/" in a.url for a in crawled.articles)


def test_rerun_fetches_no_article_again_and_is_answered_304(crawled: Crawled) -> None:
    assert article_requests(crawled.log_second) == []
    conditional = [r for r in crawled.log_second if r.if_none_match]
    assert {r.path for r in conditional} >= {
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        "/sitemap_index.xml",
        "/news/index.html",
        "/partner/index.html",
    }
    assert all(r.status == 304 for r in conditional)
    assert crawled.second["not_modified"] == len(conditional)
    assert crawled.second["articles"]["stored"] == 0
    # The listing whose pages failed for passing reasons keeps no validators: it is
    # read again (unconditionally) so a page that timed out gets another chance.
    errors_listing = [r for r in crawled.log_second if r.path == "/errors/index.html"]
    assert [(r.status, r.if_none_match) for r in errors_listing] == [(200, None)]
    assert crawled.second["errors"]["timeout"] == 1


def test_each_run_is_recorded_with_its_report(crawled: Crawled) -> None:
    import sqlalchemy as sa

    from coopwatch.schema import crawl_runs

    with Store.open(crawled.url) as store, store.engine.connect() as conn:
        rows = conn.execute(sa.select(crawl_runs.c.stats, crawl_runs.c.finished)).all()
    assert len(rows) == 2 and all(finished is not None for _, finished in rows)
    assert rows[0][0]["articles"]["new"] == crawled.first["articles"]["new"]


def _stored_count(url: str) -> int:
    try:
        with Store.open(url, migrate=False) as store:
            return store.counts()["articles"]
    except (StoreError, Exception):  # noqa: BLE001 - the tables may not exist yet
        return 0


def test_crawl_killed_mid_run_then_rerun_stores_each_article_once(
    backend_url: str, tmp_path: Path
) -> None:
    url = backend_url
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'killed.db'}"
    else:
        import sqlalchemy as sa

        with Store.open(url) as store, store.engine.begin() as conn:
            for table in ("article_bands", "articles", "stories", "fetch_state", "crawl_runs"):
                conn.execute(sa.text(f"delete from {table}"))
    with SiteServer(SITE, ROUTES, delay=0.3) as server:
        config = write_config(
            tmp_path / "coopwatch.toml", url, concurrent_requests=2, concurrent_per_domain=2
        )
        sources = sources_for(server, tmp_path / "sources.toml")
        proc = subprocess.Popen(
            crawl_command(config, "--sources", str(sources)),
            cwd=ROOT,
            env=crawl_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while _stored_count(url) < 3 and time.monotonic() < deadline:
                assert proc.poll() is None, "the crawl ended before it could be killed"
                time.sleep(0.1)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        with Store.open(url) as store:
            before = {path_of(a.url) for a in store.articles()}
        assert 3 <= len(before) < len(ARTICLES)
        killed_log = len(server.requests)
        server.delay = 0.0
        rerun = run_crawl(config, "--sources", str(sources))
        assert rerun.returncode == 0, rerun.stderr
        again = article_requests(server.requests[killed_log:])
    with Store.open(url) as store:
        paths = [path_of(a.url) for a in store.articles()]
    assert Counter(paths) == Counter(ARTICLES)
    # What the killed crawl had stored is not fetched again.
    assert not before & set(again)
