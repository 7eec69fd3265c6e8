"""Rendering: golden pages in both languages, locale formats, the environment's guarantees."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jinja2 import UndefinedError

from coopwatch.article import Money
from coopwatch.store import Store
from output.digest import Period, build_digest, build_stories, first_seen
from output.exports import digest_json
from output.i18n import Formatter
from output.pages import render_digest, render_email
from output.queries import load_rows
from output.render import Renderer, build_environment, gazetteer_names, shared_environment

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("COOPWATCH_UPDATE_GOLDEN", "") not in ("", "0", "false", "no")
TZ = ZoneInfo("Asia/Shanghai")
WEEK = Period("weekly", date(2022, 5, 2), date(2022, 5, 8))


def check_golden(name: str, text: str) -> None:
    """Compare with tests/output/golden/NAME; COOPWATCH_UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}: run with COOPWATCH_UPDATE_GOLDEN=1 once"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"{name} differs from its golden file; if the change is intended, refresh with "
        "COOPWATCH_UPDATE_GOLDEN=1 pytest tests/output and review the diff"
    )


@pytest.fixture(scope="module")
def week(store: Store):  # type: ignore[no-untyped-def]
    stories = build_stories(load_rows(store))
    return build_digest(WEEK, stories, TZ, first_seen(stories))


def renderer(code: str) -> Renderer:
    return Renderer(
        shared_environment(), code, site={"title": "coopwatch", "languages": ["en", "zh"]}
    )


@pytest.mark.parametrize("code", ["en", "zh", "zh-hant"])
def test_digest_matches_golden_files(week, code: str) -> None:  # type: ignore[no-untyped-def]
    html, text = render_digest(renderer(code), week)
    check_golden(f"digest-2022-W18.{code}.html", html)
    check_golden(f"digest-2022-W18.{code}.txt", text)


def test_json_export_matches_golden_file(week) -> None:  # type: ignore[no-untyped-def]
    data = digest_json(week, gazetteer_names())
    check_golden("digest-2022-W18.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def test_digest_reads_like_the_feature(week) -> None:  # type: ignore[no-untyped-def]
    en, en_text = render_digest(renderer("en"), week)
    zh, zh_text = render_digest(renderer("zh"), week)
    # one entry per story, the syndicated copy folded in
    assert en.count("Heshan and Kaiping sign pairing agreement</a>") == 1
    assert "also reported by Wuyi Today" in en and "转载：Wuyi Today" in zh
    # grouped by pairing, then by district, then the rest
    assert (
        en.index("Heshan–Kaiping")
        < en.index("Enping City</a>\n</h3>")
        < en.index("Other relevant news")
    )
    assert "鹤山—开平" in zh and "台山—新会" in zh
    # amounts, dates and places in the reader's language
    assert "RMB 33 million" in en and "RMB 210 million" in en
    assert "3300万元" in zh and "2.1亿元" in zh
    assert "May 2, 2022" in en and "2022年5月2日" in zh
    assert "Xinhui District" in en and "新会区" in zh and "Xinhui District" not in zh
    # original-language titles are marked, and the page says there is no machine translation
    zh_title = 'lang="zh">新会区与台山市共建产业园 投资2.1亿元</a> <span class="tag">Chinese</span>'
    assert zh_title in en
    assert "No machine translation is configured" in en and "未配置机器翻译" in zh
    # the evidence link scrolls to the sentence in the source
    assert "heshan-kaiping.html#:~:text=The%20two%20cities" in en
    # summary block and picture
    assert "New pairings" in en and "Most active districts" in en and "<svg" in en
    assert "新结对" in zh_text and "谁与谁结对" in zh_text and "<a " not in en_text


def test_week_summary_counts_new_pairings_once(store: Store) -> None:
    stories = build_stories(load_rows(store))
    seen = first_seen(stories)
    later = build_digest(Period("weekly", date(2022, 5, 9), date(2022, 5, 15)), stories, TZ, seen)
    assert later.summary.new_pairings == []  # Heshan–Kaiping was new the week before
    assert [g.key for g in later.groups] == [("440783", "440784")]
    html, _ = render_digest(renderer("en"), later)
    assert "US$196 million" in html and "No new pairings in this period." in html
    zh, _ = render_digest(renderer("zh"), later)
    assert "1.96亿美元" in zh


def test_traditional_chinese_converts_ui_and_place_names_not_titles(week) -> None:  # type: ignore[no-untyped-def]
    html, _ = render_digest(renderer("zh-hant"), week)
    assert 'lang="zh-Hant"' in html
    assert "新會區" in html and "3300萬元" in html and "鶴山—開平" in html and "概要" in html
    assert "新会区与台山市共建产业园 投资2.1亿元" in html  # the title stays as published


@pytest.mark.parametrize(
    ("code", "value", "currency", "expected"),
    [
        ("en", 33_000_000, "CNY", "RMB 33 million"),
        ("en", 210_000_000, "CNY", "RMB 210 million"),
        ("en", 196_000_000, "USD", "US$196 million"),
        ("en", 5_000, "CNY", "RMB 5,000"),
        ("zh", 33_000_000, "CNY", "3300万元"),
        ("zh", 210_000_000, "CNY", "2.1亿元"),
        ("zh", 196_000_000, "USD", "1.96亿美元"),
        ("zh", 5_000, "CNY", "5000元"),
        ("zh-hant", 33_000_000, "HKD", "3300萬港元"),
    ],
)
def test_amounts_follow_the_locale(code: str, value: int, currency: str, expected: str) -> None:
    assert Formatter(code, gazetteer_names()).money(Money("", value, currency)) == expected


def test_dates_follow_the_locale() -> None:
    en, zh = Formatter("en", gazetteer_names()), Formatter("zh", gazetteer_names())
    assert en.date("2022-05-01") == "May 1, 2022" and zh.date("2022-05-01") == "2022年5月1日"
    assert en.date("2023-11") == "November 2023" and zh.date("2023-11") == "2023年11月"
    assert en.number(12345) == "12,345"
    late_evening_utc = datetime(2022, 5, 1, 23, 0, tzinfo=UTC)  # 7 am on May 2 in Beijing
    assert (
        en.date(late_evening_utc) == "May 2, 2022" and zh.date(late_evening_utc) == "2022年5月2日"
    )


def test_environment_escapes_and_is_strict() -> None:
    env = build_environment()
    html = env.from_string("{{ x }}").render(x="<b onclick=1>")
    assert html == "&lt;b onclick=1&gt;"
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing.attr }}").render()


def test_email_has_table_instead_of_svg(week) -> None:  # type: ignore[no-untyped-def]
    mail = render_email(renderer("zh"), week, "https://digests.example.org/")
    assert "<svg" not in mail.html and '<table class="pairs">' in mail.html
    assert "https://digests.example.org/zh/digests/2022-W18.html" in mail.html
    assert mail.subject == "coopwatch · 摘要：2022年5月2日当周"
    assert "新结对" in mail.text


def test_a_figure_repeated_in_one_story_is_counted_once() -> None:
    from coopwatch.article import Analysis, Initiative, Pairing
    from output.queries import ArticleRow

    park = Money("2.1亿元", 210_000_000, "CNY")
    analysis = Analysis(
        language="zh",
        pairings=[Pairing(["440705", "440781"], "co_build", "共建")],
        initiatives=[
            Initiative("industrial_park", "园", ["440705"], "标题：投资2.1亿元", park),
            Initiative("investment_promotion", "投资", ["440705"], "正文：总投资2.1亿元", park),
        ],
    )
    row = ArticleRow(
        1, 1, "https://x.example/1", "t", "t", datetime(2022, 5, 3, tzinfo=UTC), "s", "zh", "new"
    )
    row.analysis = analysis
    stories = build_stories([row])
    digest = build_digest(WEEK, stories, TZ, first_seen(stories))
    assert digest.groups[0].totals == [Money("", 210_000_000, "CNY")]
    assert len(digest.summary.top_facts) == 1
