"""Phrase lexicons from TOML: one compiled pattern per language, longest phrase first."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


@cache
def load_toml(name: str) -> dict[str, object]:
    """A lexicon file of nlp/data by name (parsed once per process)."""
    with open(DATA / name, "rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Hit:
    """A phrase found in a text: its key (e.g. a type), the words and their offsets."""

    key: str
    text: str
    start: int
    end: int


class Lexicon:
    """Keys with Chinese and English phrases, matched in one pass each."""

    def __init__(self, entries: dict[str, tuple[Iterable[str], Iterable[str]]]) -> None:
        zh: dict[str, str] = {}
        en: dict[str, str] = {}
        for key, (zh_phrases, en_phrases) in entries.items():
            for phrase in zh_phrases:
                zh.setdefault(phrase, key)
            for phrase in en_phrases:
                en.setdefault(phrase.lower(), key)
        self._zh = zh
        self._en = en
        self._zh_re = _alternation(zh, boundary=False)
        self._en_re = _alternation(en, boundary=True)

    def find(self, text: str) -> Iterator[Hit]:
        """Non-overlapping hits in text order (Chinese and English phrases alike)."""
        hits: list[Hit] = []
        if self._zh_re is not None:
            hits += [
                Hit(self._zh[m.group(0)], m.group(0), m.start(), m.end())
                for m in self._zh_re.finditer(text)
            ]
        if self._en_re is not None:
            hits += [
                Hit(self._en[m.group(0).lower()], m.group(0), m.start(), m.end())
                for m in self._en_re.finditer(text)
            ]
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        last = -1
        for hit in hits:
            if hit.start >= last:
                last = hit.end
                yield hit

    def keys(self, text: str) -> list[str]:
        """Keys found, in order of first appearance."""
        seen: list[str] = []
        for hit in self.find(text):
            if hit.key not in seen:
                seen.append(hit.key)
        return seen


def trie_regex(words: Iterable[str], space: str = r"\s+") -> str:
    """One regex alternation shaped as a trie: it matches the longest word at a position.

    Python's re tries the alternatives of a plain alternation one by one at every position;
    a trie shares their prefixes, so a lexicon of a thousand phrases costs little more than
    one of ten."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [(space if ch == " " else re.escape(ch)) + build(sub)
                for ch, sub in sorted(node.items()) if ch]  # fmt: skip
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


def _alternation(phrases: dict[str, str], *, boundary: bool) -> re.Pattern[str] | None:
    if not phrases:
        return None
    body = trie_regex(phrases, space=re.escape(" "))
    if boundary:
        return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.IGNORECASE)
    return re.compile(body)
