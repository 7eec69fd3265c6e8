"""Crawled text is hostile: the rendered site carries no script, handler or foreign scheme."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from coopwatch.article import Analysis, Article, Initiative, Mention, Money, Pairing, Place
from coopwatch.settings import load_settings
from coopwatch.store import Store
from output.site import render_site

CST = timezone(timedelta(hours=8))
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE_TEXT = (
    f'Heshan {XSS} and Kaiping pair up.</p><a href="javascript:alert(3)" onclick="x()">go</a>'
    '\n\n<iframe src="javascript:alert(2)"></iframe><svg onload=alert(5)>'
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    with Store.open(f"sqlite:///{root / 'db.sqlite'}") as store:
        for i, url in enumerate(
            ["javascript:alert(4)//https://x.org/", 'https://evil.example.org/a"onmouseover="x()']
        ):
            article = Article(
                url=url,
                title=f"{XSS} title {i}",
                text=HOSTILE_TEXT if i == 0 else f"Kaiping {XSS} opens a park.\n\n" + XSS * 3,
                published=datetime(2022, 5, 3, tzinfo=CST),
                source='"><svg onload=alert(6)>',
                language="en",
                relevance=9.0,
                relevant=True,
            )
            store.add_article(article)
            assert article.id is not None
            store.save_analysis(
                article.id,
                Analysis(
                    language="en",
                    districts=[
                        Place(
                            "440784", "鹤山市", "Heshan City", "county_city", [Mention("H", 0, 1)]
                        ),
                        Place("../../x", "<b>", "<b>", "district", []),
                    ],
                    pairings=[
                        Pairing(["440784", "440783"], "pairing", XSS),
                        Pairing(["440784", "<svg/onload=alert(7)>"], "pairing", XSS),
                    ],
                    initiatives=[
                        Initiative(
                            "<script>",
                            XSS,
                            ["440784", "../evil"],
                            XSS,
                            Money(XSS, 1_000_000, "<b>"),
                            "<script>alert(8)</script>",
                        )
                    ],
                ),
            )
        render_site(store, load_settings(environ={}), site_dir=root / "site")
    return root / "site"


def check_html(doc: lxml_html.HtmlElement, where: str) -> None:
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname.lower()
        assert tag not in ("script", "iframe", "object", "embed", "img", "form"), (
            f"{where}: <{tag}>"
        )
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{where}: handler {name}={value!r}"
            if name in ("href", "src", "action", "{http://www.w3.org/1999/xlink}href"):
                scheme = value.split(":", 1)[0].lower() if ":" in value.split("/")[0] else ""
                assert scheme in ("", "http", "https"), f"{where}: {name}={value!r}"


def test_no_file_escapes_the_site_dir(hostile_site: Path) -> None:
    names = {p.name for p in hostile_site.parent.iterdir()}
    assert names <= {"db.sqlite", "db.sqlite-shm", "db.sqlite-wal", "site"}
    assert not list(hostile_site.rglob("*evil*")) and not list(hostile_site.rglob("*svg*"))


def _attribute_values(doc: lxml_html.HtmlElement) -> str:
    return " ".join(v for el in doc.iter() if isinstance(el.tag, str) for v in el.attrib.values())


def test_pages_carry_no_script_handler_or_foreign_scheme(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        assert "<script" not in raw.lower(), page
        doc = lxml_html.fromstring(raw.encode("utf-8"))
        assert "javascript:" not in _attribute_values(doc).lower(), page
        check_html(doc, str(page))
    digest = (hostile_site / "en/digests/2022-W18.html").read_text(encoding="utf-8")
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; title 0"
        in digest
    )
    assert "title 1" in digest and "evil.example.org" not in digest  # quoted URL: not linked


def test_feeds_and_text_are_clean(hostile_site: Path) -> None:
    for lang in ("en", "zh"):
        tree = etree.parse(str(hostile_site / lang / "feed.atom"))
        for content in tree.iter("{http://www.w3.org/2005/Atom}content"):
            check_html(lxml_html.fromstring(content.text or "<p></p>"), f"{lang}/feed.atom")
    text = (hostile_site / "en/digests/2022-W18.txt").read_text(encoding="utf-8")
    assert XSS in text  # plain text is not HTML: quoted verbatim, never interpreted
