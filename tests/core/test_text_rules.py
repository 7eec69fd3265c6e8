"""Canonical URLs, duplicate signatures and the topic score."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopwatch import dedup
from coopwatch.errors import ConfigError
from coopwatch.relevance import Topics
from coopwatch.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://News.Example.com:443/a/b.html?utm_source=wx&id=3&spm=1.2#top",
            "https://news.example.com/a/b.html?id=3",
        ),
        (
            "http://x.example.cn/c/1.html?from=timeline&isappinstalled=0",
            "http://x.example.cn/c/1.html",
        ),
        ("http://127.0.0.1:8000/a.html?b=2&a=1", "http://127.0.0.1:8000/a.html?a=1&b=2"),
        ("http://x.example.cn", "http://x.example.cn/"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_normalize_ignores_spacing_punctuation_and_width() -> None:
    assert dedup.content_hash("江门 新会，台山！") == dedup.content_hash("江门新会 台山!")
    assert dedup.content_hash("ＡＢＣ Fund") == dedup.content_hash("abc fund")
    assert dedup.content_hash("a fund") != dedup.content_hash("a park")


def test_lsh_finds_a_repost_and_not_a_different_story() -> None:
    base = " ".join(
        f"Sentence {i} about the Heshan and Kaiping industrial park and its fund."
        for i in range(40)
    )
    repost = "Reposted from Wuyi Daily. " + base + " Editor: Li Ming. All rights reserved."
    other = " ".join(f"Weather report {i}: rain in the north, sun in the south." for i in range(40))
    sig = dedup.bands(dedup.minhash(dedup.shingles(base)))
    sig_repost = dedup.bands(dedup.minhash(dedup.shingles(repost)))
    sig_other = dedup.bands(dedup.minhash(dedup.shingles(other)))
    assert sum(a == b for a, b in zip(sig, sig_repost, strict=True)) >= 3
    assert sum(a == b for a, b in zip(sig, sig_other, strict=True)) == 0
    assert dedup.similar(dedup.shingles(base), dedup.shingles(repost), 0.8)
    assert not dedup.similar(dedup.shingles(base), dedup.shingles(other), 0.8)


def test_topic_score_both_languages_and_title_weight() -> None:
    topics = Topics.load()
    body_en = "Heshan and Kaiping signed a pairing cooperation framework agreement."
    body_zh = "鹤山市与开平市签署结对合作框架协议，共建产业园。"
    weather = "Rain is expected in Guangzhou tomorrow with highs of 28 degrees."
    assert topics.score("", body_en) >= 3 and topics.score("", body_zh) >= 3
    assert topics.score("", weather) < 3
    assert topics.score(body_en, "") == 2 * topics.score("", body_en)
    # Traditional spellings count too
    assert topics.score("", "鶴山市與開平市簽署結對合作框架協議") >= 3
    # capped: repeating a phrase a hundred times is not a hundred times the score
    assert topics.score("", "pairing " * 100) == topics.score("", "pairing " * 3)


def test_custom_topics_file(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text('[en]\n"river" = 2\n[zh]\n"河" = 1\n', encoding="utf-8")
    topics = Topics.load(path)
    assert topics.score("", "The river, the River.") == 4
    path.write_text('[en]\n"river" = "high"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="weight must be a number"):
        Topics.load(path)
    path.write_text('[fr]\n"fleuve" = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown table"):
        Topics.load(path)
