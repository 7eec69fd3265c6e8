"""Paragraph language: script first, langdetect for Latin text, Traditional told apart."""

from __future__ import annotations

import pytest

from nlp.language import chinese_script, detect, main_language, segments, to_simplified

CHINESE = [
    "鹤山开平",  # four characters: langdetect alone says ko or vi on such lines
    "江门",
    "新会区",
    "来源：五邑协作报",
    "GDP增长5%",
    "江门市委书记在GBA论坛上发言，强调协调发展。",
    "鶴山與開平簽署結對合作框架協議",
    "（记者 李明）",
    "3300万元",
]
ENGLISH = [
    "Heshan",
    "Jiangmen",
    "Photo: Li Jianqun",
    "By Wang Fang",
    "Xinhui District (新会区) and Taishan City (台山市) signed a deal.",
    "The fund totals RMB 33 million.",
    "Heshan and Kaiping sign pact",
    "Enping",
]


@pytest.mark.parametrize("text", CHINESE)
def test_chinese_lines(text: str) -> None:
    assert detect(text)[0] == "zh"


@pytest.mark.parametrize("text", ENGLISH)
def test_english_lines(text: str) -> None:
    assert detect(text)[0] == "en"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Le maire de Paris a signé un accord de coopération avec la ville voisine.", "fr"),
        ("Der Bürgermeister hat heute ein Abkommen mit der Nachbarstadt unterzeichnet.", "de"),
        ("東京都で地域協力の会議が開かれた", "ja"),
        ("서울에서 지역 협력 회의가 열렸다", "ko"),
        ("Москва подписала соглашение о сотрудничестве", "ru"),
        ("2022-05-01 23:43:20", "und"),
        ("★ ★ ★", "und"),
    ],
)
def test_other_languages_are_kept_and_labelled(text: str, lang: str) -> None:
    assert detect(text)[0] == lang


def test_traditional_and_simplified() -> None:
    assert chinese_script("鶴山與開平簽署結對合作框架協議") == "Hant"
    assert chinese_script("鹤山与开平签署结对合作框架协议") == "Hans"
    assert detect("澳門與橫琴深度合作區攜手發展")[1] == "Hant"
    assert to_simplified("鶴山與開平簽署結對") == "鹤山与开平签署结对"


def test_segments_in_order_and_main_language() -> None:
    text = (
        "Heshan and Kaiping signed a pairing agreement on Friday.\n\n"
        "鹤山市与开平市签署结对合作框架协议。\n\n  \n\n"
        "The two cities will co-build an industrial park."
    )
    parts = segments(text)
    assert [p.lang for p in parts] == ["en", "zh", "en"]
    assert parts[1].text == "鹤山市与开平市签署结对合作框架协议。"
    assert main_language(parts) == "en"
    assert main_language([]) == "und"


def test_detection_is_repeatable() -> None:
    text = "Kaiping Heshan Xinhui Taishan"
    assert len({detect(text) for _ in range(20)}) == 1


def test_short_lines_take_the_language_of_their_article() -> None:
    german = (
        "Der Bürgermeister hat heute ein Abkommen mit der Nachbarstadt unterzeichnet.\n\n"
        "Beide Städte wollen gemeinsam einen Industriepark bauen und Schulen verbinden.\n\n"
        "Foto: Müller\n\n"
        "The agreement was signed in the presence of the trade delegation from Guangdong."
    )
    assert [s.lang for s in segments(german)] == ["de", "de", "de", "en"]
    english = (
        "Heshan and Kaiping signed a pairing agreement on Friday, the city said.\n\n"
        "The two cities will build an industrial park and share their schools.\n\n"
        "Photo: Li Ming\n\n"
        "Officials from both sides attended the ceremony in Kaiping."
    )
    assert {s.lang for s in segments(english)} == {"en"}
    russian = "Москва подписала соглашение о сотрудничестве.\n\nГорода построят промышленный парк."
    assert [s.lang for s in segments(russian)] == ["ru", "ru"]


def test_a_quoted_paragraph_in_another_language_keeps_its_own_label() -> None:
    text = (
        "The mayor of Jiangmen met a delegation from Spain to discuss the new industrial park.\n\n"
        "The two sides agreed to share their plans with the provincial government this year.\n\n"
        "El alcalde dijo que la cooperación entre las dos ciudades es muy importante para todos."
    )
    assert [s.lang for s in segments(text)] == ["en", "en", "es"]


def test_langdetect_rs_gives_the_results_of_langdetect() -> None:
    """When langdetect-rs is installed it answers for langdetect: with the same seed, the
    same languages and probabilities to the last bit."""
    fast = pytest.importorskip("langdetect_rs")
    from langdetect import DetectorFactory, detect_langs

    texts = [
        "El alcalde dijo que la cooperación entre las dos ciudades es muy importante.",
        "Nesta página você terá sempre a classificação atualizada da temporada.",
        "Die Digitalisierung als Wachstums- und Entwicklungstreiber",
        "Наши герои знают толк не только во вкусе, но и в красоте еды",
        '45% Off 65" LG 65UM7300 4K Smart HDTV, Now $549',
        "鹤山开平",
    ]
    for text in texts:
        DetectorFactory.seed = fast.DetectorFactory.seed = 0
        expected = [(r.lang, r.prob) for r in detect_langs(text)]
        assert [(r.lang, r.prob) for r in fast.detect_langs(text)] == expected


def test_english_words_decide_without_langdetect(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line whose English words decide it whatever langdetect says does not ask it."""
    import nlp.language

    def fail(text: str) -> list[tuple[str, float]]:
        raise AssertionError(f"langdetect asked about {text!r}")

    monkeypatch.setattr(nlp.language, "_langdetect", fail)
    assert detect("Kaiping Heshan signed agreement") == ("en", "Latn")


def test_langdetect_asked_once_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lone unsure paragraph is detected for the article, and that answer serves again when
    the paragraph itself is decided."""
    import nlp.language

    asked: list[str] = []
    real = nlp.language._langdetect

    def counting(text: str) -> list[tuple[str, float]]:
        asked.append(text)
        return real(text)

    monkeypatch.setattr(nlp.language, "_langdetect", counting)
    text = "Pos. Piloto Pontos Vitórias Poles Top 5 Top 10 1 Kyle Busch 2 Martin Truex Jr."
    (segment,) = segments(text)
    assert len(asked) == len(set(asked)) >= 1
    monkeypatch.setattr(nlp.language, "_langdetect", real)
    assert segments(text) == [segment]
