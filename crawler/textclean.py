"""Line rules for news pages: metadata lines (来源/时间/作者), captions, other non-text."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))

_SEP = r"\s*[:：]\s*"
_LABEL_END = r"(?=\s|$|[|｜/,，;；)）\]】])"

# --- dates -----------------------------------------------------------------------------
_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?"
    r"(?:\s*[T ]?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)
_DATE_EN = re.compile(
    r"\b(\d{1,2})?\s*(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})?,?\s*"
    r"((?:19|20)\d{2})\b",
    re.I,
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_TIME_LABEL = re.compile(
    r"(?:发布|发表|更新|出版|刊发|上传|录入)?(?:时间|日期)"
    + _SEP
    + r"|(?:Published|Posted|Updated|Date)\s*(?:on|at)?\s*:?\s*",
    re.I,
)


def parse_date(text: str) -> datetime | None:
    """First full date (with time when shown) in a piece of text, as a naive datetime."""
    for match in _DATE.finditer(text):
        year, month, day, hour, minute, second = (int(g) if g else None for g in match.groups())
        try:
            return datetime(year, month, day, hour or 0, minute or 0, second or 0)  # type: ignore[arg-type]
        except ValueError:
            continue
    english = _DATE_EN.search(text)
    if english and (english.group(1) or english.group(3)):
        day = int(english.group(1) or english.group(3))
        try:
            return datetime(int(english.group(4)), _MONTHS[english.group(2).lower()[:3]], day)
        except ValueError:
            return None
    return None


def labelled_date(line: str) -> datetime | None:
    """A date announced by a label ("发布时间：", "时间:", "Published:") in a short line."""
    if len(line) > 160:
        return None
    match = _TIME_LABEL.search(line)
    if not match:
        return None
    return parse_date(line[match.end() : match.end() + 60])


def is_dateline(line: str) -> bool:
    """A short line that is mostly a date and metadata (no sentence of the article)."""
    if len(line) > 80 or not _DATE.search(line):
        return False
    rest = _DATE.sub("", line)
    rest = _META_FIELD.sub("", rest)
    return len(re.sub(r"[\W\d_]", "", rest)) <= 12


# --- source and authors ----------------------------------------------------------------
_SOURCE = re.compile(
    r"(?:^|[\s|｜(（\[【])(?:本文|文章|新闻|信息|资料)?(?:来源|稿源|出处|来自)"
    + _SEP
    + r"([^\s|｜,，;；()（）\[\]【】]{2,30})"
)
_SOURCE_EN = re.compile(r"^\s*Source\s*:\s*([A-Z][\w .&'-]{1,60}?)\s*$")
_AUTHOR = re.compile(
    r"(?:作者|撰文|撰稿|执笔|文" + r"(?=\s*[/／]))\s*[:：/／]\s*"
    r"([\u4e00-\u9fff·A-Za-z]{2,12}(?:[\s、，,]+[\u4e00-\u9fff·]{2,4}){0,3})"
)
_REPORTER = re.compile(
    r"(?:记者|通讯员)\s*[:：]?\s*((?:[\u4e00-\u9fff·]{2,4}(?:[\s、，,]+|(?=[）)\s]|$))){1,4})"
)
_BY = re.compile(
    r"^\s*(?:By|Written by|Words by)\s+([A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})*)\s*$"
)
_META_FIELD = re.compile(
    r"(?:来源|稿源|出处|作者|记者|编辑|责任编辑|时间|日期|发布|浏览|阅读|点击|字号|分享)"
    r"\S*?\s*[:：]?\s*\S*"
)
_NOT_NAME = re.compile(r"(报道|表示|获悉|介绍|了解|发布|日电|日讯|摄影|整合|综合|来源|编辑)")


def find_source(line: str) -> str | None:
    """The outlet a "来源：国际日报" / "Source: Xinhua" line names, without brackets."""
    if len(line) > 200:
        return None
    match = _SOURCE.search(line) or _SOURCE_EN.search(line)
    if not match:
        return None
    value = match.group(1).strip(" .。:：")
    value = re.split(r"(?:作者|记者|编辑|责任编辑|时间|日期|发布|\d{4}[-年/])", value)[0]
    return value or None


def _split_names(value: str) -> list[str]:
    names = []
    latin = not re.search(r"[\u4e00-\u9fff]", value)
    splitter = r"\s*(?:[、，,;；/&]|\band\b)\s*" if latin else r"[\s、，,;；/]+"
    for part in re.split(splitter, value):
        part = part.strip(" .·")
        if len(part) >= 2 and not _NOT_NAME.search(part):
            names.append(part)
    return names


def find_authors(line: str) -> list[str]:
    """Author names from a byline ("作者：张三", "记者 李四 王五", "By Jane Doe")."""
    if len(line) > 200:
        return []
    match = _BY.match(line)
    if match:
        return _split_names(match.group(1))
    match = _AUTHOR.search(line) or _REPORTER.search(line)
    return _split_names(match.group(1)) if match else []


# --- lines that are not article text -----------------------------------------------------
_EDITOR = re.compile(
    r"^[\s(（\[【]*(?:责任编辑|责编|编辑|校对|审核|审校|审稿|监制|主编|美编|值班编辑|编审|终审|"
    r"初审|复审|一审|二审|三审|制作|策划|统筹|Editor|Edited by)\s*[:：/]",
    re.I,
)
_META_LINE = re.compile(
    r"^[\s(（\[【]*(?:本文|文章|新闻|信息|资料|图片|视频)?(?:来源|稿源|出处|作者|撰文|撰稿|执笔|采写|"
    r"原标题|原题|发布时间|发布日期|发表时间|更新时间|时间|日期|發佈時間|發布時間|時間|日期)"
    + _SEP
    + r"|^\s*(?:Published|Posted|Updated|Last updated|First published)\b\s*(?:on|at)?\s*:?\s*"
    r"(?=.{0,20}\d)",
    re.I,
)
_CAPTION = re.compile(
    r"^\s*(?:[△▲▼▽◆]|图\s*[:：/／]|图片\s*[:：]|资料图|[(（]?图(?:片)?(?:源|来源|为|据)|"
    r"摄影\s*[:：]|(?:Photo|Image|Picture)s?(?:\s*(?:by|credit))?\s*:|"
    r"\(?(?:Photo|Image|Picture)\s+(?:by|courtesy)\b|点击(?:看|查看)?(?:清晰)?大图|点击图片)",
    re.I,
)
_BY_CAPTION = re.compile(
    r"\b(?:by|photo:?|credit:?)\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\)?\s*$"
)
_WIDGET = re.compile(
    r"^\s*(?:分享到|分享至|分享|转发|收藏|点赞|打印|关闭窗口|打印本页|返回顶部|微信扫一扫|扫一扫|扫描二维码|"
    r"【?字号|Share(?: this| on| via)?|Tweet|Email|Print|Follow us|Sign up|Subscribe|"
    r"Advertisement|ADVERTISEMENT)\b\s*[:：]?",
    re.I,
)
_COPYRIGHT = re.compile(
    r"^[\s【\[(（]*(?:Copyright|©|\(c\)\s*\d{4}|版权所有|版权声明|免责声明|All rights reserved)|"
    r"未经.{0,20}(?:授权|许可|同意).{0,20}(?:转载|使用|复制)|"
    r"(?:转载|转发)请注明|本(?:文|站|网).{0,12}(?:版权|不代表)",
    re.I,
)
_RELATED_HEADER = re.compile(
    r"^\s*[【\[]?(?:相关阅读|延伸阅读|相关新闻|相关文章|相关报道|相关链接|推荐阅读|热点推荐|"
    r"更多精彩|热门推荐|猜你喜欢|往期回顾|此前报道|推荐新闻|相关推荐|热点新闻|"
    r"Related(?: articles| stories| news| coverage| content| posts| links| reading)?|"
    r"Read more|Read also|See also|More from|More stories|More on this|You may also like|"
    r"You might also like|Recommended(?: for you| stories| reading)?)[\]】]?\s*[:：>»›]*\s*$",
    re.I,
)
_COMMENT_HEADER = re.compile(
    r"^\s*[【\[]?(?:网友评论|评论|发表评论|全部评论|热门评论|最新评论|评论区|我要评论|"
    r"Comments?|Leave a (?:reply|comment)|\d+\s+(?:comments?|条评论)|Join the discussion)"
    r"[\]】]?\s*[:：>»›(（\d)）]*\s*$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.。!！?？…\"”'’)）]\s*$")
_TRAILING_TAG = re.compile(
    r"\s*(?:[(（](?:完|文/图[^)）]*|[\u4e00-\u9fff]{2,4}|记者[^)）]{2,20}|"
    r"责任编辑[^)）]*|编辑[^)）]*|来源[^)）]*|本文来自[^)）]*)[)）])\s*$"
)


def is_caption(line: str, after_image: bool = False) -> bool:
    """A photo caption: "△ ...", "图：...", "Photo: ..." or, under an image, "... by NAME"."""
    if _CAPTION.match(line):
        return True
    return after_image and len(line) < 200 and bool(_BY_CAPTION.search(line))


def is_boilerplate_line(line: str) -> bool:
    """Editor/source/time/byline lines, share widgets, copyright footers and captions."""
    stripped = line.strip()
    if not stripped:
        return True
    if len(stripped) <= 120 and (_EDITOR.match(stripped) or _META_LINE.match(stripped)):
        return True
    if len(stripped) <= 120 and (_WIDGET.match(stripped) and len(stripped) < 40):
        return True
    if len(stripped) <= 200 and _COPYRIGHT.search(stripped):
        return True
    if is_caption(stripped):
        return True
    if (
        len(stripped) <= 60
        and is_dateline(stripped)
        and (_META_FIELD.search(stripped) or len(stripped) < 30)
    ):
        return True
    return bool(_BY.match(stripped))


def is_tail_header(line: str) -> bool:
    """A heading that starts a related-articles list or a comment section."""
    return len(line) <= 40 and bool(_RELATED_HEADER.match(line) or _COMMENT_HEADER.match(line))


def title_like(line: str) -> bool:
    return len(line) < 160 and (not _SENTENCE_END.search(line) or len(line) < 25)


def strip_trailing_tag(paragraph: str) -> str:
    """Remove a trailing "(完)", "（张巨峰）", "(文/图 ...)" tag from the last paragraph."""
    return _TRAILING_TAG.sub("", paragraph)


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """Drop boilerplate lines; skip related-article lists, cut comment sections at their heading."""
    kept: list[str] = []
    skipping = False
    total = len(paragraphs)
    for index, para in enumerate(paragraphs):
        line = para.strip()
        if len(line) <= 40 and _COMMENT_HEADER.match(line):
            if index >= total * 0.5 or len(kept) >= 3:
                break
            continue
        if len(line) <= 40 and _RELATED_HEADER.match(line):
            skipping = True
            continue
        if skipping and title_like(line.lstrip("-•* ")):
            continue
        skipping = False
        if is_boilerplate_line(
            line.lstrip("-•* ") if line.startswith(("- ", "• ", "* ")) else line
        ):
            continue
        kept.append(line)
    kept = _drop_container_dumps(kept)
    if kept:
        last = strip_trailing_tag(kept[-1])
        if last:
            kept[-1] = last
        else:
            kept.pop()
    return kept


_NON_WORD = re.compile(r"[\W_]+")
_ASCII_NON_WORD = bytes(i for i in range(128) if not (chr(i).isalnum() and chr(i) != "_"))


def squash(text: str) -> str:
    """Lower-cased word characters only: the key that compares lines across spacing/punctuation."""
    if text.isascii():  # bytes.translate deletes in C, ~15x faster than the regex on English
        return text.encode("ascii").translate(None, _ASCII_NON_WORD).decode("ascii").lower()
    return _NON_WORD.sub("", text).lower()


def _drop_container_dumps(paragraphs: list[str]) -> list[str]:
    """Drop a paragraph that only repeats two or more other paragraphs (a flattened table/box)."""
    if len(paragraphs) < 3:
        return paragraphs
    keys = [squash(p) for p in paragraphs]
    # Only a key that occurs inside some other, longer key can make a container: one C-level
    # count over all keys finds those (usually none) instead of comparing every pair.
    counts = Counter(keys)
    joined = "\x00".join(keys)
    inner = [j for j, k in enumerate(keys) if len(k) >= 8 and joined.count(k) > counts[k]]
    if not inner:
        return paragraphs
    kept = []
    for index, (para, key) in enumerate(zip(paragraphs, keys, strict=True)):
        inside = [keys[j] for j in inner if j != index and keys[j] != key and keys[j] in key]
        if len(inside) >= 2 and sum(map(len, inside)) >= 0.6 * len(key):
            continue
        kept.append(para)
    return kept


# --- titles ------------------------------------------------------------------------------
_TITLE_SEP = re.compile(r"\s+[-–—|｜·:]\s+|\s*[|｜_]+\s*|\s*-{2,}\s*")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff\d])(?:[\u3000\t]|\s*[\r\n])\s*(?=[\u4e00-\u9fff])")


def title_parts(title: str) -> list[str]:
    """A <title> split at its site-name separators (" - Site", "_新浪网", "|观察者网")."""
    return [p.strip() for p in _TITLE_SEP.split(title) if p and p.strip()]


def clean_title(text: str | None) -> str:
    """A headline without layout whitespace (line breaks, ideographic spaces between Han)."""
    return normalize_space(_CJK_GAP.sub("", text or ""))


def normalize_space(text: str) -> str:
    """Runs of whitespace (``\\s``: includes U+3000 and NBSP) as one space, ends stripped."""
    return " ".join(text.split())
