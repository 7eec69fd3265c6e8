"""End to end: a crawled page carrying script and HTML injection comes out of the digest clean."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from coopwatch.demo.server import SiteServer
from coopwatch.settings import load_settings
from coopwatch.store import Store
from nlp.run import analyze_store
from output.site import render_site

ROOT = Path(__file__).resolve().parents[2]
XSS_TITLE = 'Heshan and Kaiping pair up<script>alert("t")</script>'
ARTICLE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{XSS_TITLE.replace("<", "&lt;").replace(">", "&gt;")} - Wuyi Cooperation News</title>
<meta property="og:title" content="{XSS_TITLE.replace('"', "&quot;").replace("<", "&lt;")}">
<script>document.write("<p>injected by script</p>")</script>
</head><body onload="alert('body')">
<nav><a href="/">Home</a> <a href="javascript:alert(1)">Bad link</a></nav>
<article>
<h1>{XSS_TITLE.replace("<", "&lt;").replace(">", "&gt;")}</h1>
<p class="byline">By Li Ming | 2022-05-01</p>
<p>Heshan City and Kaiping City signed a pairing cooperation framework agreement on Friday,
completing Jiangmen's east-west pairing scheme. &lt;img src=x onerror=alert(2)&gt; The two
cities will co-build an industrial park.</p>
<p>The agreement sets up a cooperation fund of RMB 33 million for the park, officials said,
and <a href="javascript:alert(3)" onclick="alert(4)">a link that runs script</a> was in the
original page.</p>
<p>Schools in Heshan and Kaiping will also form an education alliance next year.
<iframe src="https://evil.example.org/frame"></iframe></p>
</article>
<footer>Copyright Wuyi Cooperation News</footer>
</body></html>
"""
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wuyi</title><link>/</link><description>d</description>
<item><title>pairing</title><link>/news/2022/05/01/pairing.html</link></item>
</channel></rss>
"""


@pytest.fixture
def hostile_site(tmp_path: Path) -> Path:
    root = tmp_path / "www"
    (root / "news/2022/05/01").mkdir(parents=True)
    (root / "news/2022/05/01/pairing.html").write_text(ARTICLE, encoding="utf-8")
    (root / "feed.xml").write_text(FEED, encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return root


def test_crawled_injection_is_inert_in_the_digest(hostile_site: Path, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'e2e.db'}"
    site_dir = tmp_path / "site"
    config = tmp_path / "coopwatch.toml"
    with SiteServer(hostile_site) as server:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            '[[source]]\nid = "wuyi"\nname = "Wuyi Cooperation News"\nlanguage = "en"\n'
            f'feeds = ["{server.base_url}/feed.xml"]\n',
            encoding="utf-8",
        )
        config.write_text(
            f'[database]\nurl = "{database}"\n[crawl]\nsources = "{sources}"\n'
            'download_delay = 0.0\nautothrottle = false\nprogress = "off"\n'
            f'[site]\ndir = "{site_dir}"\n',
            encoding="utf-8",
        )
        proc = subprocess.run(
            [sys.executable, "-m", "crawler.run", "--config", str(config), "--json"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["articles"]["new"] == 1

    settings = load_settings(config, environ={})
    with Store.open(database) as store:
        (article,) = list(store.articles())
        assert "injected by script" not in article.text
        assert "Heshan City and Kaiping City signed" in article.text
        found = analyze_store(store, settings)
        assert found.analysed == 1 and found.pairings >= 1
        render_site(store, settings)

    pages = sorted(site_dir.rglob("*.html"))
    assert pages
    seen_title = False
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        assert "<script" not in raw.lower(), page
        assert "<iframe" not in raw.lower(), page
        doc = lxml_html.fromstring(raw.encode("utf-8"))
        for element in doc.iter():
            if not isinstance(element.tag, str):
                continue
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), f"{page}: {name}"
                if name in ("href", "src", "action"):
                    assert not value.strip().lower().startswith(("javascript:", "data:")), page
        if "Heshan and Kaiping pair up" in doc.text_content():
            seen_title = True
    assert seen_title, "the crawled story is not in the digest"
