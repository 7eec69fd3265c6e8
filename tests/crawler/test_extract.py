"""Extraction from fixture pages: text kept, boilerplate dropped, metadata and encodings right."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from coopwatch.errors import ExtractionError
from crawler.encoding import decode_html
from crawler.extract import Page, extract, join_pages
from crawler.textclean import labelled_date, parse_date

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
BEIJING = timezone(timedelta(hours=8))

ZH_SENTENCES = [
    "新会区与台山市在江门召开结对帮扶工作座谈会",
    "江门市将设立规模3300万元的区域协作基金",
    "“结对不是一次性的捐助，而是把园区、技术和人才真正连在一起。”",
    "形成全市“强弱联动”的协作格局",
]
ZH_BOILERPLATE = [
    "来源",
    "国际日报",
    "责任编辑",
    "王芳",
    "网友评论",
    "希望协作基金",
    "台山阿伯",
    "相关阅读",
    "鹤山开平共建产业转移园",
    "版权所有",
    "未经书面授权",
    "△",
    "签约现场",
    "首页",
    "粤ICP备",
]


def page(name: str, url: str | None = None, content_type: str | None = None) -> Page:
    return extract(
        (PAGES / name).read_bytes(),
        url or f"https://news.example.com/2022/0501/{name}",
        content_type,
    )


def test_english_news_page_keeps_story_and_drops_boilerplate() -> None:
    article = page("en_news.html").article
    assert article.title == "Xinhui and Taishan sign district pairing pact"
    assert article.paragraphs[0].startswith(
        "Officials from Xinhui District and Taishan City signed"
    )
    assert "Heshan will pair with Kaiping" in article.text
    assert "RMB 33 million" in article.text
    assert '"We are not sending money and walking away," said Liang Qiao' in article.text
    assert article.paragraphs[-1].startswith("Business owners in Taishan welcomed the move")
    for boilerplate in [
        "Night view",
        "Chen Ming",
        "Related",
        "Enping bets on",
        "Share",
        "Tweet",
        "Copyright",
        "All rights reserved",
        "Most read",
        "Typhoon",
        "About us",
        "Opinion",
        "By Helen Zhou",
        "Published:",
    ]:
        assert boilerplate not in article.text, boilerplate
    assert article.published == datetime(2023, 3, 14, 9, 30, tzinfo=BEIJING)
    assert article.source == "Jiangmen Daily"
    assert article.authors == ["Helen Zhou"]
    assert article.language == "en"
    assert article.url == "https://news.example.com/2023/03/14/xinhui-taishan-pairing.html"
    assert article.fetched_url == "https://news.example.com/2022/0501/en_news.html"
    assert "\n\n" in article.text and "\n\n\n" not in article.text


def test_chinese_page_metadata_lines_are_metadata_not_text() -> None:
    article = page("zh_news.html").article
    assert article.title == "新会台山结对共建 设立3300万元协作基金"
    for sentence in ZH_SENTENCES:
        assert sentence in article.text
    for boilerplate in ZH_BOILERPLATE:
        assert boilerplate not in article.text, boilerplate
    assert article.published == datetime(2022, 5, 1, 23, 43, 20, tzinfo=BEIJING)
    assert article.source == "国际日报"
    assert article.authors == ["李明"]
    assert article.language == "zh"
    assert article.encoding == "utf-8"
    assert len(article.paragraphs) == 4


@pytest.mark.parametrize(
    "name",
    ["zh_news_gbk_nocharset.html", "zh_news_gbk_says_utf8.html", "zh_news_gbk_says_latin1.html"],
)
def test_gbk_pages_decode_whatever_they_declare(name: str) -> None:
    reference = page("zh_news.html").article
    article = page(name).article
    assert article.encoding == "gb18030"
    assert article.title == reference.title
    assert article.text == reference.text
    assert article.source == "国际日报"


def test_http_header_charset_is_used_for_gbk() -> None:
    raw = (PAGES / "zh_news_gbk_nocharset.html").read_bytes()
    text, encoding = decode_html(raw, "text/html; charset=GB2312")
    assert encoding == "gb18030"
    assert "新会台山结对共建" in text


def test_big5_page() -> None:
    reference = page("zh_trad.html").article
    article = page("zh_trad_big5.html").article
    assert article.encoding == "big5hkscs"
    assert article.title == "江門五邑僑鄉合作論壇開幕"
    assert article.text == reference.text
    assert "碉樓保育" in article.text
    assert article.source == "澳門僑報"
    assert article.published == datetime(2021, 11, 8, 10, 15, tzinfo=BEIJING)
    assert "版權所有" not in article.text


def test_utf8_bytes_win_over_a_wrong_legacy_declaration() -> None:
    raw = (
        '<html><head><meta charset="gb2312"><title>棱镜</title></head>'
        "<body><p>江门协作基金</p></body></html>"
    )
    text, encoding = decode_html(raw.encode("utf-8"))
    assert (encoding, "江门协作基金" in text) == ("utf-8", True)


def test_latin1_declaration_is_honoured_for_latin_text() -> None:
    raw = '<meta charset="iso-8859-1"><p>Coopération régionale à Jiangmen</p>'.encode("latin-1")
    text, encoding = decode_html(raw)
    assert encoding in ("iso8859-1", "cp1252")
    assert "Coopération régionale" in text


def test_two_page_article_is_found_and_joined() -> None:
    first = page("multi_1.html", "https://news.example.com/2020/0229/coop.html")
    second = page("multi_2.html", "https://news.example.com/2020/0229/coop_2.html")
    assert first.next_pages == ["https://news.example.com/2020/0229/coop_2.html"]
    assert second.next_pages == []
    assert first.article.published == datetime(2020, 2, 29, 18, 34, tzinfo=BEIJING)
    assert first.article.authors == ["张伟"]
    joined = join_pages([first, second])
    assert joined.pages == 2
    assert joined.title == first.article.title
    assert joined.text.count("企业负责人说") == 1
    assert joined.paragraphs[0].startswith("鹤山市与开平市结对两年来")
    assert joined.paragraphs[-1].startswith("开平市有关部门表示")
    assert len(joined.paragraphs) == 5


def test_query_string_pages_and_listing_links() -> None:
    html = (
        "<html><body><h1>恩平冷链物流中心动工</h1><p>"
        + "恩平市冷链物流中心今天正式动工建设。" * 5
        + "</p>"
        '<a href="/news/view?id=7&page=2">2</a> <a href="/news/view?id=7&page=3">3</a>'
        '<a href="/news/view?id=8">下一篇</a> <a href="/list_2.html">下一页</a></body></html>'
    )
    found = extract(html, "https://news.example.com/news/view?id=7").next_pages
    assert found == [
        "https://news.example.com/news/view?id=7&page=2",
        "https://news.example.com/news/view?id=7&page=3",
    ]


def test_broken_html_still_yields_the_article() -> None:
    article = page("broken.html").article
    assert article.title == "蓬江江海携手恩平 共建冷链物流中心"
    assert "三地将在恩平共建一座冷链物流中心" in article.text
    assert "协助推进项目建设和招商工作" in article.text
    assert "今天是" not in article.text
    assert "主办单位" not in article.text
    assert article.text.count("项目总投资约一点二亿元") == 1
    assert article.published is not None and article.published.date().isoformat() == "2019-06-18"


def test_plain_text_document() -> None:
    article = page("plain.txt").article
    assert article.title == "江门设立3300万元区域协作基金"
    assert article.paragraphs[0].startswith("江门市近日设立规模3300万元的区域协作基金")
    assert "来源" not in article.text and "责任编辑" not in article.text
    assert article.source == "江门日报"
    assert article.published == datetime(2022, 5, 1, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2022-05-01 23:43:20", datetime(2022, 5, 1, 23, 43, 20)),
        ("2022年5月1日", datetime(2022, 5, 1)),
        ("发布时间：2020年02月29日 18:34", datetime(2020, 2, 29, 18, 34)),
        ("时间:2022-05-01 23:43:20", datetime(2022, 5, 1, 23, 43, 20)),
        ("March 14, 2023", datetime(2023, 3, 14)),
    ],
)
def test_chinese_date_formats(line: str, expected: datetime) -> None:
    assert parse_date(line) == expected


def test_labelled_date_needs_a_label() -> None:
    assert labelled_date("发布时间：2020年02月29日 18:34") == datetime(2020, 2, 29, 18, 34)
    assert labelled_date("2020年2月29日，两地签署协议") is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("鹤山开平共建产业园_新浪网", "鹤山开平共建产业园"),
        ("鹤山开平共建产业园|观察者网", "鹤山开平共建产业园"),
        ("Enping opens cold-chain hub - Jiangmen Daily", "Enping opens cold-chain hub"),
    ],
)
def test_title_loses_site_suffix(title: str, expected: str) -> None:
    text = "恩平冷链物流中心动工。" * 10
    html = f"<html><head><title>{title}</title></head><body><p>{text}</p></body></html>"
    assert extract(html, "https://news.example.com/a.html").article.title == expected


@pytest.mark.parametrize(
    "body", [b"", b"   \n\t ", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20]
)
def test_empty_and_binary_input_raise_extraction_error(body: bytes) -> None:
    with pytest.raises(ExtractionError, match="https://news.example.com/x"):
        extract(body, "https://news.example.com/x")


def test_markup_without_text_raises() -> None:
    with pytest.raises(ExtractionError, match="no article text"):
        extract(
            b"<html><head><title></title></head><body><div></div></body></html>",
            "https://news.example.com/y",
        )


def _extract_or_error(body: bytes | str) -> None:
    try:
        result = extract(body, "https://news.example.com/fuzz.html")
    except ExtractionError as err:
        assert "https://news.example.com/fuzz.html" in str(err)
    else:
        assert isinstance(result, Page)


def test_fuzzed_input_raises_nothing_but_extraction_error() -> None:
    rng = random.Random(20240501)
    sources = [
        (PAGES / name).read_bytes()
        for name in ("en_news.html", "zh_news.html", "zh_trad_big5.html")
    ]
    for raw in sources:
        for cut in rng.sample(range(1, len(raw)), 15):
            _extract_or_error(raw[:cut])
        for _ in range(5):
            mangled = bytearray(raw)
            for _ in range(40):
                mangled[rng.randrange(len(mangled))] = rng.randrange(256)
            _extract_or_error(bytes(mangled))
    for size in (1, 10, 1000, 50000):
        _extract_or_error(rng.randbytes(size))
        _extract_or_error(bytes(rng.randrange(0x80, 0x100) for _ in range(size)))
    _extract_or_error("<html><body><p>" + "<div>" * 20000 + "江门" * 50 + "</div>" * 100)
    _extract_or_error("<<<>>></p></html><html><body></title>&#xffffff;&bogus;<p>")


def test_five_megabyte_page() -> None:
    paragraph = (
        "<p>"
        + "新会区与台山市结对共建产业园区，双方将在职业教育和乡村道路方面合作。" * 4
        + "</p>\n"
    )
    links = "".join(f'<li><a href="/n/{i}.html">链接{i}</a></li>' for i in range(200))
    body = (
        "<html><head><title>大页面</title></head><body><ul>"
        + links
        + "</ul>"
        + paragraph * (5_000_000 // len(paragraph.encode()))
        + "</body></html>"
    ).encode()
    assert len(body) >= 4_900_000
    article = extract(body, "https://news.example.com/big.html").article
    assert "结对共建产业园区" in article.text


def test_headline_shown_without_h1_loses_unspaced_site_suffix() -> None:
    html = (
        "<html><head><title>恩平冷链物流中心动工-五邑 观察网</title></head><body>"
        '<div class="nav"><a href="/">首页</a> <a href="/jm">江门</a></div>'
        '<div class="tt">恩平冷链物流中心动工</div><div class="tm">时间：2019年06月18日 09:30</div>'
        "<div><p>"
        + "恩平市冷链物流中心今天正式动工建设，项目由蓬江区和江海区共同出资。" * 3
        + "</p></div></body></html>"
    )
    article = extract(html, "https://news.example.com/a.html").article
    assert article.title == "恩平冷链物流中心动工"
    assert article.published == datetime(2019, 6, 18, 9, 30, tzinfo=BEIJING)
    assert "首页" not in article.text


def test_headline_lists_after_the_article_are_dropped() -> None:
    story = (
        "".join(f"<p>{s}</p>" for s in ZH_SENTENCES[:2])
        + "<p>"
        + "鹤山与开平的合作项目已有十二个落地投产，带动就业两千多人。" * 3
        + "</p>"
    )
    hot = "".join(
        f'<li><a href="/n/{i}.html">热门新闻标题第{i}条江门协作动态</a> 2019-09-0{i % 9 + 1}</li>'
        for i in range(12)
    )
    html = (
        "<html><head><title>结对协作</title></head><body><h1>结对协作</h1>"
        f"<div class='content'>{story}</div>"
        f"<div class='side'><ul>{hot}</ul></div></body></html>"
    )
    article = extract(html, "https://news.example.com/b.html").article
    assert "带动就业两千多人" in article.text
    assert "热门新闻标题" not in article.text


def test_text_after_an_html_comment_in_a_paragraph_is_kept() -> None:
    body = "".join(
        f"<p>第{i}段：江门市新会区与台山市签署结对合作框架协议，两地将设立均衡发展基金，"
        "支持产业园建设和公共服务合作。</p>"
        for i in range(5)
    )
    html = (
        "<html><head><title>结对</title></head><body><article><h1>新会台山结对</h1>"
        f"{body}<p>注释前的文字 <!-- 编辑：某某 --> 注释后的文字，仍然是正文。</p>"
        "</article></body></html>"
    )
    text = extract(html, "https://news.example.com/a.html").article.text
    assert "注释后的文字，仍然是正文。" in text
    assert "编辑：某某" not in text
