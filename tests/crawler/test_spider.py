"""The crawler's parts offline: settings mapping, failure kinds, link rules, report, server."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from crawlkit import SITE, SOURCES_TEMPLATE
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from coopwatch.demo.server import SiteServer, write_sources
from coopwatch.settings import Settings
from coopwatch.sources import load_sources
from crawler.extensions import crawl_report_text, report_from_stats
from crawler.middlewares import RedirectLoopError
from crawler.settings import scrapy_settings
from crawler.spiders.news import NewsSpider, error_kind


def test_scrapy_settings_follow_ours_and_open_no_ports() -> None:
    settings = Settings.model_validate(
        {"crawl": {"max_page_bytes": 100_000, "retries": 0, "jobdir": "/tmp/job"}}
    )
    s = scrapy_settings(settings)
    assert s["DOWNLOAD_MAXSIZE"] == 100_000 and s["RETRY_ENABLED"] is False
    assert s["JOBDIR"] == "/tmp/job"
    assert s["TELNETCONSOLE_ENABLED"] is False and s["REMOTE_CONTROL_ENABLED"] is False
    assert s["HTTPCACHE_ENABLED"] is False
    assert "JOBDIR" not in scrapy_settings(Settings())


def _failure(exc: Exception) -> Failure:
    return Failure(exc)


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (HttpError(Response("http://x/a", status=404)), "http_404"),
        (HttpError(Response("http://x/a", status=503)), "http_503"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots_forbidden"),
        (IgnoreRequest("max redirections reached"), "redirect_loop"),
        (RedirectLoopError("redirect loop: a -> b"), "redirect_loop"),
        (DownloadTimeoutError("took longer"), "timeout"),
        (ValueError("odd"), "value_error"),
    ],
)
def test_failures_get_stable_kinds(exc: Exception, kind: str) -> None:
    assert error_kind(_failure(exc)) == kind


def _spider(tmp_path, base: str = "http://news.test") -> NewsSpider:  # type: ignore[no-untyped-def]
    path = write_sources(SOURCES_TEMPLATE, base, tmp_path / "sources.toml")
    return NewsSpider(sources=load_sources(path))


def test_listing_links_are_scoped_to_the_list_and_pager(tmp_path) -> None:  # type: ignore[no-untyped-def]
    spider = _spider(tmp_path)
    body = (SITE / "news" / "index.html").read_bytes()
    request = Request(
        "http://news.test/news/index.html",
        meta={"source": "jmdaily", "listing_depth": 0, "ancestors": []},
    )
    response = HtmlResponse(request.url, body=body, request=request, encoding="utf-8")
    spider.crawler = type("C", (), {"stats": _Stats()})()  # type: ignore[assignment]
    urls = {r.url for r in spider.parse_listing(response)}
    assert "http://news.test/news/2024/xinhui-taishan.html" in urls
    assert "http://news.test/news/index_2.html" in urls  # pagination: follow rule
    assert not any("footer-pick" in u or "index_9" in u or "/tag/" in u for u in urls)
    assert not any("print=1" in u for u in urls)  # deny wins


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def test_report_counts_and_reads_well() -> None:
    report = report_from_stats(
        {
            "coopwatch/pages_fetched": 12,
            "coopwatch/articles/new": 5,
            "coopwatch/articles/duplicate": 1,
            "coopwatch/articles/irrelevant": 2,
            "coopwatch/errors/http_404": 2,
            "coopwatch/errors/timeout": 1,
            "finish_reason": "finished",
        }
    )
    assert report["articles"]["stored"] == 6 and report["error_total"] == 3
    text = crawl_report_text(report)
    assert "Articles stored:  6" in text and "http_404 2, timeout 1" in text


def test_server_answers_conditional_requests_and_hides_private_files() -> None:
    with SiteServer(SITE) as server:
        with urllib.request.urlopen(server.base_url + "/feeds/rss.xml") as resp:
            etag = resp.headers["ETag"]
            assert resp.headers["Content-Type"] == "application/xml"
        req = urllib.request.Request(
            server.base_url + "/feeds/rss.xml", headers={"If-None-Match": etag}
        )
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req)
        assert err.value.code == 304
        err.value.close()
        with urllib.request.urlopen(server.base_url + "/news/2024/taishan-gbk.html") as resp:
            assert resp.headers["Content-Type"] == "text/html"  # no charset: a legacy page
        with urllib.request.urlopen(server.base_url + "/news/index.html") as resp:
            assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server.base_url + "/_sources.toml")
        assert err.value.code == 404
        err.value.close()
    assert [r.status for r in server.requests] == [200, 304, 200, 200, 404]
