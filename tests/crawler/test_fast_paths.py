"""The extraction's fast paths give exactly what their plain definitions give."""

from __future__ import annotations

import random
import re

import lxml.html
import pytest

from crawler.density import element_lines, walk
from crawler.reconcile import _Shingler, _shingles
from crawler.textclean import _drop_container_dumps, normalize_space, squash

_PIECES = [
    "Xinhui",
    "Taishan",
    "pairing",
    "pact",
    "RMB 33 million",
    "新会区",
    "与台山市",
    "结对",
    "。",
    ", ",
    " ",
    "\u3000",
    "\xa0",
    "\n",
    "_",
    "-",
    "İ",
    "Straße",
    "2024",
    "Σ",
    "",
]


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def _slow_drop_container_dumps(paragraphs: list[str]) -> list[str]:
    if len(paragraphs) < 3:
        return paragraphs
    keys = [re.sub(r"[\W_]+", "", p).lower() for p in paragraphs]
    kept = []
    for index, (para, key) in enumerate(zip(paragraphs, keys, strict=True)):
        inside = [
            k for j, k in enumerate(keys) if j != index and len(k) >= 8 and k != key and k in key
        ]
        if len(inside) >= 2 and sum(map(len, inside)) >= 0.6 * len(key):
            continue
        kept.append(para)
    return kept


def test_squash_and_normalize_space_match_the_regexes() -> None:
    for text in _texts(1, 500) + ["".join(map(chr, range(0x3100)))]:
        assert squash(text) == re.sub(r"[\W_]+", "", text).lower()
        assert normalize_space(text) == re.sub(r"[\s\u3000\xa0]+", " ", text).strip()


@pytest.mark.parametrize("seed", range(40))
def test_container_dumps_match_the_pairwise_definition(seed: int) -> None:
    rng = random.Random(seed)
    paragraphs = [p for p in _texts(seed, rng.randint(0, 9)) if p.strip()]
    # flattened boxes: paragraphs made of two or three others
    for _ in range(rng.randint(0, 3)):
        if len(paragraphs) >= 2:
            paragraphs.insert(
                rng.randrange(len(paragraphs) + 1),
                " ".join(rng.sample(paragraphs, min(len(paragraphs), rng.randint(2, 3)))),
            )
    assert _drop_container_dumps(paragraphs) == _slow_drop_container_dumps(paragraphs)


@pytest.mark.parametrize("seed", range(60))
def test_joined_shingles_equal_the_shingles_of_the_joined_text(seed: int) -> None:
    paragraphs = _texts(seed, random.Random(seed).randint(1, 8))
    shingler = _Shingler()
    assert shingler.joined(paragraphs) == _shingles(" ".join(paragraphs))
    assert shingler.joined(paragraphs[::-1]) == _shingles(" ".join(paragraphs[::-1]))
    for paragraph in paragraphs:
        assert shingler.own(paragraph) == _shingles(paragraph)


_PAGE = """<html><head><title>T</title><script>var x = "<p>no</p>";</script></head>
<body><nav><ul><li><a href="/a">Home page link</a></li><li><a href="/b">Another link</a></li>
<li><a href="/c">Third link here</a></li></ul></nav>
<div class="article"><h1>Headline here</h1><p>First paragraph, with punctuation. And more.</p>
<p>Second paragraph<br>after a break, and <b>bold</b> text; still going.</p><style>p{}</style>
tail text of the style.<p>第三段，中文内容。还有更多的文字在这里。</p></div>
<div class="story-more"><p>A sibling box that continues the story, with sentences. Yes, it does.</p>
<p>Another paragraph of the sibling box, again with punctuation, to count.</p></div>
<footer>Copyright</footer></body></html>"""


def test_walk_region_lines_equal_a_separate_walk_of_the_region() -> None:
    root = lxml.html.document_fromstring(_PAGE)
    found = walk(root)
    assert found.region, "the page has an article region"
    assert found.region_lines == [line for el in found.region for line in element_lines(el)]
    assert "Headline here" in found.lines and "T" not in found.lines
    assert not any(line == "no" for line in found.lines)
    # a page longer than the collection limit falls back to walking the region again
    small = walk(root, limit=1)
    assert small.region_lines == found.region_lines
    assert len(small.lines) == 1
