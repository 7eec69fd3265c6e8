"""The rendered site: every page in both languages, feeds that parse, JSON and text exports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import feedparser
from click.testing import CliRunner
from lxml import html as lxml_html

from coopwatch.cli import main
from coopwatch.settings import load_settings
from coopwatch.store import Store
from output.config import SiteOptions
from output.queries import load_rows
from output.site import SiteReport, build_site, render_site


def test_site_has_every_page_in_both_languages(site: SiteReport, site_dir: Path) -> None:
    assert set(site.index_paths) == {"en", "zh"}
    assert site.digests == ["2022-W19", "2022-W18"]
    for lang in ("en", "zh"):
        for rel in (
            "index.html",
            "archive.html",
            "feed.atom",
            "digests/2022-W18.html",
            "digests/2022-W18.txt",
            "places/440705.html",
            "pairings/440783-440784.html",
        ):
            assert (site_dir / lang / rel).is_file(), f"{lang}/{rel} missing"
    assert (site_dir / "index.html").is_file() and (site_dir / "static/style.css").is_file()
    data = json.loads((site_dir / "data/2022-W18.json").read_text(encoding="utf-8"))
    assert (
        data["summary"]["stories"] == 4 and data["places"]["440705"]["name_en"] == "Xinhui District"
    )


def test_pages_are_accessible_html(site_dir: Path) -> None:
    for page in sorted(site_dir.glob("*/**/*.html")):
        doc = lxml_html.fromstring(page.read_bytes())
        assert doc.get("lang") in ("en", "zh-Hans"), page
        assert len(doc.xpath("//h1")) == 1, f"{page}: one h1"
        assert doc.xpath("//meta[@name='viewport']"), page
        for img in doc.xpath("//img"):
            assert img.get("alt"), f"{page}: img without alt"
        for svg in doc.xpath("//*[local-name()='svg']"):
            assert svg.get("role") == "img" and svg.get("aria-labelledby"), page


def test_language_switch_links_to_the_same_page(site_dir: Path) -> None:
    doc = lxml_html.fromstring((site_dir / "en/digests/2022-W18.html").read_bytes())
    links = doc.xpath("//nav[@class='langs']//a")
    assert [(a.get("href"), a.get("hreflang"), a.text) for a in links] == [
        ("../../zh/digests/2022-W18.html", "zh-Hans", "简体中文")
    ]


def test_timelines_show_everything_about_a_place_or_pair(site_dir: Path) -> None:
    pair = (site_dir / "zh/pairings/440783-440784.html").read_text(encoding="utf-8")
    assert "<h1>鹤山—开平</h1>" in pair and "2022年5月" in pair
    assert (
        "鹤山开平结对学校联盟成立" in pair and "Heshan and Kaiping sign pairing agreement" in pair
    )
    place = (site_dir / "en/places/440784.html").read_text(encoding="utf-8")
    assert "<h1>Heshan City</h1>" in place and "Jiangmen City" in place
    assert "pairings/440783-440784.html" in place


def test_atom_feeds_parse_cleanly(site_dir: Path) -> None:
    for lang, title in (("en", "Digest: Week of May 9, 2022"), ("zh", "摘要：2022年5月9日当周")):
        feed = feedparser.parse((site_dir / lang / "feed.atom").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert [e.title for e in feed.entries][0] == title
        assert len(feed.entries) == 2
        assert feed.entries[0].link == f"http://127.0.0.1:8000/{lang}/digests/2022-W19.html"
        assert 'href="http://127.0.0.1:8000/' in feed.entries[0].content[0].value


def test_plain_text_version_has_no_markup(site_dir: Path) -> None:
    text = (site_dir / "zh/digests/2022-W18.txt").read_text(encoding="utf-8")
    assert "3300万元" in text and "<" not in text


def test_traditional_option_adds_a_language(store: Store, tmp_path: Path) -> None:
    options = SiteOptions(dir=tmp_path / "site", traditional=True, title="合作观察")
    report = build_site(load_rows(store), options)
    assert set(report.index_paths) == {"en", "zh", "zh-hant"}
    page = (tmp_path / "site/zh-hant/digests/2022-W18.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hant">' in page and "鶴山—開平" in page


class Echo:
    """A fake translation backend."""

    name = "echo"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]:
        return [f"[{source}->{target}] {t[:20]}" for t in texts]


def test_a_translator_fills_the_other_language(store: Store, tmp_path: Path) -> None:
    options = SiteOptions(dir=tmp_path / "site")
    build_site(load_rows(store), options, translator=Echo())
    zh = (tmp_path / "site/zh/digests/2022-W18.html").read_text(encoding="utf-8")
    assert "[en-&gt;zh] Heshan and Kaiping" in zh and "机器翻译" in zh
    assert "未配置机器翻译" not in zh
    en = (tmp_path / "site/en/digests/2022-W18.html").read_text(encoding="utf-8")
    assert "[zh-&gt;en] 新会区与台山市共建产业园" in en


def test_custom_range_is_kept_in_the_archive(store: Store, tmp_path: Path) -> None:
    settings = load_settings(environ={})
    from datetime import date

    render_site(store, settings, since=date(2022, 5, 1), until=date(2022, 5, 31), site_dir=tmp_path)
    again = render_site(store, settings, period="daily", site_dir=tmp_path)
    assert "2022-05-01--2022-05-31" in again.digests and "2022-05-10" in again.digests
    archive = (tmp_path / "en/archive.html").read_text(encoding="utf-8")
    assert "May 1, 2022 to May 31, 2022" in archive


def test_digest_command_renders_the_site(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "www"
    result = CliRunner().invoke(
        main, ["--database-url", store.url, "digest", "--period", "weekly", "--site-dir", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Rendered 2 digest(s)" in result.output and (out / "zh/index.html").is_file()
    bad = CliRunner().invoke(
        main,
        [
            "--database-url",
            store.url,
            "digest",
            "--since",
            "2022-06-01",
            "--until",
            "2022-05-01",
            "--site-dir",
            str(out),
        ],
    )
    assert bad.exit_code == 2 and bad.output.startswith("Error: --until")
