"""Phrase lexicons: longest phrase first, English on word boundaries, the same hits as a plain
alternation of the phrases (the trie only makes it fast)."""

from __future__ import annotations

import re

from nlp.initiatives import initiative_lexicon
from nlp.lexicon import Lexicon, trie_regex


def test_longest_phrase_wins_and_english_words_are_whole() -> None:
    lex = Lexicon({"park": (["园区", "产业园区"], ["park", "industrial park"]),
                   "tour": (["旅游"], ["tour", "tours"])})  # fmt: skip
    hits = [
        (h.key, h.text)
        for h in lex.find("共建产业园区和旅游线路; an Industrial Park, tours, tourism")
    ]
    assert hits == [
        ("park", "产业园区"),
        ("tour", "旅游"),
        ("park", "Industrial Park"),
        ("tour", "tours"),
    ]  # "tourism" is no "tour"


def test_trie_regex_matches_what_a_plain_alternation_matches() -> None:
    words = ["ab", "abc", "abd", "b", "bcd", "x y"]
    trie = re.compile(trie_regex(words, space=re.escape(" ")))
    plain = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    for text in ["abcd", "abd abx", "bcdx y", "x  y", "aab"]:
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_the_initiative_lexicon_gives_the_same_hits_as_a_plain_alternation() -> None:
    lex = initiative_lexicon()
    text = (
        "鹤山与开平共建现代农业产业园，设立帮扶资金，开通冷链物流专列。"
        "Heshan will fund a vocational training centre and a cold-chain logistics park in Kaiping."
    )
    phrases = {**lex._zh, **lex._en}  # noqa: SLF001 - comparing with the phrase tables
    plain_zh = re.compile("|".join(re.escape(p) for p in sorted(lex._zh, key=len, reverse=True)))  # noqa: SLF001
    zh_hits = [m.group() for m in plain_zh.finditer(text)]
    found = [h.text for h in lex.find(text) if h.text in lex._zh]  # noqa: SLF001
    assert found == zh_hits
    assert all(h.text.lower() in phrases for h in lex.find(text))
