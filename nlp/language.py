"""Language of each paragraph: script evidence first, langdetect (seeded) for Latin text."""

from __future__ import annotations

import operator
import re
import threading
from collections.abc import Callable
from functools import cache
from typing import Any

from coopwatch.article import Segment

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’-][A-Za-z\u00c0-\u024f]+)*")
OTHER_LETTER = re.compile(r"[\u0400-\u04ff\u0600-\u06ff\u0e00-\u0e7f\u0590-\u05ff\u0900-\u097f]")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

# Words that are English whatever langdetect thinks of a short line.
ENGLISH_WORDS = frozenset(
    """
    the a an of and in on at to for with by from is are was were be been has have had will
    would this that these those it its as or but not which who their our its said district
    city county province signed agreement cooperation fund park
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Words only English uses among the languages langdetect knows: a paragraph full of them is
# English without asking langdetect (which costs ~8 ms a paragraph).
SURELY_ENGLISH = frozenset(
    """
    the of and to is was were with for that this has have been which will said from by
    would their its it's also into after under over between about than these those there
    """.split()  # noqa: SIM905 - a word list reads better as text
)
SURE_SHARE = 0.1
DETECT_CHARS = 1000  # characters langdetect is given
PRIOR_CONFIDENCE = 0.95  # langdetect's probability above which the article's language counts
# A Latin word weighs about as much as two Han characters in a mixed paragraph.
LATIN_WORD_WEIGHT = 2.0

_lock = threading.Lock()


@cache
def _converters() -> tuple[object, object]:
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    """Traditional characters mapped to Simplified (OpenCC t2s); other text unchanged."""
    return _converters()[0].convert(text)  # type: ignore[attr-defined,no-any-return]


def chinese_script(text: str) -> str:
    """ "Hant" when the text has more Traditional-only than Simplified-only characters."""
    t2s, s2t = _converters()
    as_simplified = t2s.convert(text)  # type: ignore[attr-defined]
    as_traditional = s2t.convert(text)  # type: ignore[attr-defined]
    traditional = _changed(text, as_simplified)
    simplified = _changed(text, as_traditional)
    return "Hant" if traditional > simplified else "Hans"


def _changed(a: str, b: str) -> int:
    if len(a) == len(b):
        return sum(map(operator.ne, a, b))
    return len(set(a) - set(b))


@cache
def _detector() -> tuple[Any, Callable[[str], list[Any]], type[Exception]]:
    """langdetect's DetectorFactory, detect_langs and LangDetectException: from langdetect-rs
    when it is installed (a port with the same results bit for bit, ~70 times faster), else
    from langdetect itself."""
    try:
        import langdetect_rs as fast
    except ImportError:
        from langdetect import DetectorFactory, detect_langs
        from langdetect.lang_detect_exception import LangDetectException

        return DetectorFactory, detect_langs, LangDetectException
    return fast.DetectorFactory, fast.detect_langs, fast.LangDetectException


def detector_name() -> str:
    """Which langdetect answers: "langdetect-rs" when installed, else "langdetect"."""
    return (
        "langdetect-rs" if _detector()[0].__module__.startswith("langdetect_rs") else "langdetect"
    )


Guesses = list[tuple[str, float]]


def _langdetect(text: str) -> Guesses:
    factory, detect_langs, error = _detector()
    with _lock:  # the seed is process-global; keep detection repeatable across threads
        factory.seed = 0
        try:
            # langdetect samples n-grams at random (~8 ms a call, whatever the length); the
            # first characters tell the language as well as the whole text does.
            return [(r.lang, r.prob) for r in detect_langs(text[:DETECT_CHARS])]
        except error:
            return []


def detect(
    text: str, prior: str | None = None, other_prior: str | None = None
) -> tuple[str, str | None]:
    """(language, script) of one paragraph; ``prior`` is the language of the article's other
    Latin-script paragraphs and ``other_prior`` that of its paragraphs in other alphabets
    (Cyrillic, Arabic...), when langdetect was sure of them."""
    return _detect(text, LATIN_WORD.findall(text), prior, other_prior, _langdetect)


def _detect(
    text: str,
    words: list[str],
    prior: str | None,
    other_prior: str | None,
    ask: Callable[[str], Guesses],
) -> tuple[str, str | None]:
    """detect() with the paragraph's Latin words found already, asking langdetect by ``ask``."""
    han = len(HAN.findall(text))
    kana = len(KANA.findall(text))
    hangul = len(HANGUL.findall(text))
    other = len(OTHER_LETTER.findall(text))
    cjk = han + kana + hangul
    if cjk == 0 and not words and other == 0:
        return "und", None
    if hangul and hangul >= 0.3 * cjk:
        return "ko", "Kore"
    if kana and kana >= 0.1 * cjk:
        return "ja", "Jpan"
    latin = len(words) * LATIN_WORD_WEIGHT
    if han and han >= latin and han >= other:
        return "zh", chinese_script(text)
    if other > latin:
        if other_prior is not None:
            return other_prior, None
        guesses = ask(text)
        return (guesses[0][0] if guesses else "und"), None
    return _latin_language(words, text, prior, ask), "Latn"


def _lowered(words: list[str]) -> list[str]:
    return list(map(str.lower, words))


def _surely_english(lowered: list[str]) -> bool:
    """Whether lower-cased words are plainly English."""
    sure = sum(map(SURELY_ENGLISH.__contains__, lowered))
    return sure >= 2 and sure >= SURE_SHARE * len(lowered)


def _latin_language(
    words: list[str], text: str, prior: str | None, ask: Callable[[str], Guesses]
) -> str:
    lowered = _lowered(words)
    if _surely_english(lowered):
        return "en"
    english = sum(map(ENGLISH_WORDS.__contains__, lowered))
    if prior is not None:
        # The article's language holds unless the paragraph's own words say otherwise
        # (English function words in a German article, none in an English one: a paragraph
        # plainly English has been answered above).
        if prior != "en":
            return prior
        # one distinctly English word ("the", "of", "with") is enough in an English article
        if len(words) < 8 or not SURELY_ENGLISH.isdisjoint(lowered):
            return prior
    # langdetect is unreliable on short lines; English function words are not (whatever
    # langdetect would say, so it need not be asked).
    if english >= max(1, 0.15 * len(words)):
        return "en"
    guesses = ask(text)
    top, prob = guesses[0] if guesses else ("und", 0.0)
    if top == "en":
        return "en"
    if prob >= 0.9 and len(words) >= 4:
        return top
    return "en" if english or len(words) < 4 else top


def segments(text: str) -> list[Segment]:
    """The text's paragraphs (split on blank lines) in order, each with its language.

    When most Latin-script paragraphs are plainly English, the others are English too unless
    their own words disagree; otherwise langdetect runs once on the unsure ones together, and
    each takes that language unless its own words disagree.
    """
    paras = [p.strip() for p in PARAGRAPH_BREAK.split(text) if p.strip()]
    # langdetect is deterministic (seeded): a text it was asked about (a lone unsure paragraph,
    # first for the article, then for itself) is not detected twice.
    ask = cache(_langdetect)
    words = [LATIN_WORD.findall(p) for p in paras]  # each paragraph's, found once
    latin = [
        i
        for i, p in enumerate(paras)
        if words[i] and not HAN.search(p) and not OTHER_LETTER.search(p)
    ]
    unsure = [i for i in latin if not _surely_english(_lowered(words[i]))]
    prior = None
    if unsure and (
        len(latin) - len(unsure) >= 2 * len(unsure)
        or _surely_english([w for i in unsure for w in _lowered(words[i])])
    ):
        prior = "en"  # most of the article, or its unsure lines together, are plainly English
    elif unsure:
        prior = _sure_language("\n".join(paras[i] for i in unsure), ask)
    alphabets = [p for p in paras if OTHER_LETTER.search(p)]
    other_prior = _sure_language("\n".join(alphabets), ask) if len(alphabets) >= 2 else None
    return [
        _segment(para, para_words, prior, other_prior, ask)
        for para, para_words in zip(paras, words, strict=True)
    ]


def _sure_language(text: str, ask: Callable[[str], Guesses]) -> str | None:
    guesses = ask(text)
    return guesses[0][0] if guesses and guesses[0][1] >= PRIOR_CONFIDENCE else None


def _segment(
    para: str,
    words: list[str],
    prior: str | None,
    other_prior: str | None,
    ask: Callable[[str], Guesses],
) -> Segment:
    lang, script = _detect(para, words, prior, other_prior, ask)
    return Segment(lang, para, script)


def main_language(parts: list[Segment]) -> str:
    """The language with the most text; "und" for no text."""
    weight: dict[str, int] = {}
    for seg in parts:
        weight[seg.lang] = weight.get(seg.lang, 0) + len(seg.text)
    return max(weight, key=lambda k: weight[k]) if weight else "und"
