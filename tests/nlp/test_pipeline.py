"""The whole understanding stage on articles written for these tests, in both languages."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from coopwatch.article import Analysis, Article
from nlp.pipeline import Analyzer, document_text

ZH = (
    "江门市鹤山市与开平市签署结对合作框架协议\n\n"
    "2022年5月1日，江门市鹤山市与开平市在开平签署结对合作框架协议，至此江门东西部结对实现全覆盖。\n\n"
    "根据协议，两地将共同设立3300万元产业协作资金，用于在开平共建产业园。\n\n"
    "此前，新会区与台山市、蓬江区和江海区与恩平市已分别签署结对协议。"
)
EN = (
    "Shenzhen's Longhua District will help Lufeng City build an electronics park, with "
    "RMB 120 million set aside for the first phase.\n\n"
    "Officials from Sun Yat-sen University attended the ceremony in Shanwei."
)
HANT = "鶴山市與開平市簽署結對合作框架協議，兩地將共建產業園，首期投入5000萬元。"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(max_chars=50_000)


def analyse(analyzer: Analyzer, text: str, title: str = "") -> Analysis:
    article = Article(url="https://a.example/1", title=title, text=text,
                      published=datetime(2022, 5, 2, tzinfo=UTC))  # fmt: skip
    return analyzer.analyze(article)


def codes(places: list) -> set[str]:  # type: ignore[type-arg]
    return {p.code for p in places}


def test_chinese_article(analyzer: Analyzer) -> None:
    found = analyse(analyzer, ZH)
    assert found.language == "zh" and found.error is None
    assert {"440700", "440784", "440783", "440705", "440781", "440703", "440704", "440785"} <= (
        codes(found.districts)
    )
    groups = {tuple(p.members) for p in found.pairings}
    assert ("440783", "440784") in groups
    assert ("440705", "440781") in groups
    assert ("440703", "440704", "440785") in groups
    money = [i for i in found.initiatives if i.amount is not None]
    assert any(i.amount.value == 33_000_000 and i.amount.currency == "CNY" for i in money)  # type: ignore[union-attr]
    assert [(a.text, a.value) for a in found.amounts] == [("3300万元", 33_000_000)]
    for pairing in found.pairings:
        assert pairing.evidence in ZH
    dated = [i for i in found.initiatives if i.date]
    assert dated and dated[0].date == "2022-05-01"


def test_mentions_point_into_the_document(analyzer: Analyzer) -> None:
    article = Article(url="https://a.example/1", title="Heshan and Kaiping pair up", text=ZH)
    found = analyzer.analyze(article)
    document = document_text(article)
    mentions = [m for place in found.districts + found.regions for m in place.mentions]
    assert mentions
    for mention in mentions:
        assert document[mention.start : mention.end] == mention.text


def test_english_article_with_a_university(analyzer: Analyzer) -> None:
    found = analyse(analyzer, EN)
    assert found.language == "en"
    assert {"440309", "441581"} <= codes(found.districts)
    assert "442000" not in codes(found.districts)  # Sun Yat-sen is not Zhongshan City
    (pairing,) = [p for p in found.pairings if set(p.members) == {"440309", "441581"}]
    assert (pairing.relation, pairing.source, pairing.target) == (
        "assistance",
        "440309",
        "441581",
    )
    park = [i for i in found.initiatives if i.type == "industrial_park"]
    assert park and park[0].amount is not None and park[0].amount.value == 120_000_000


def test_traditional_chinese_is_matched_and_quoted_as_written(analyzer: Analyzer) -> None:
    found = analyse(analyzer, HANT)
    assert found.segments[0].script == "Hant"
    assert {"440784", "440783"} <= codes(found.districts)
    assert [m.text for p in found.districts for m in p.mentions if p.code == "440784"] == ["鶴山市"]
    assert found.pairings and found.pairings[0].evidence == HANT
    assert [(a.text, a.value) for a in found.amounts] == [("5000萬元", 50_000_000)]


def test_mixed_paragraphs_go_to_their_own_pipeline(analyzer: Analyzer) -> None:
    found = analyse(analyzer, EN + "\n\n" + ZH)
    assert [s.lang for s in found.segments][:2] == ["en", "en"]
    assert found.segments[2].lang == "zh"
    assert {"440309", "440784"} <= codes(found.districts)


def test_a_city_standing_for_its_district_is_not_a_second_pairing(analyzer: Analyzer) -> None:
    text = (
        "Xihu District of Hangzhou and Jingning She Autonomous County in Lishui will co-build "
        "an enclave park.\n\n"
        "景宁县负责人说，这个飞地园区让山区县能分享杭州的创新资源。"
        "西湖区今年还将安排1,000万元帮扶资金，用于景宁的民宿。"
    )
    found = analyse(analyzer, text)
    # the pair is stated (in English) and directed (by the money), the city is the district
    (pairing,) = found.pairings
    assert (sorted(pairing.members), pairing.source) == (["330106", "331127"], "330106")


def test_who_gives_to_whom_anywhere_in_the_article_directs_the_pair(analyzer: Analyzer) -> None:
    text = (
        "广州市白云区与毕节市纳雍县结对以来，双方共建了食用菌产业园。\n\n"
        "白云区今年累计投入帮扶资金6800万元。"
    )
    (pairing,) = analyse(analyzer, text).pairings
    assert (pairing.relation, pairing.source, pairing.target) == (
        "assistance",
        "440111",
        "520525",
    )


def test_the_agreement_told_before_is_about_the_places_of_its_pairing(analyzer: Analyzer) -> None:
    text = (
        "Heshan City in Jiangmen has been paired with Kaiping City to share industrial land. "
        "The agreement was signed in Tangshan on 20 May 2024."
    )
    found = analyse(analyzer, text)
    signed = [i for i in found.initiatives if i.evidence.startswith("The agreement")]
    assert signed and {"440783", "440784"} <= set(signed[0].districts)


def test_a_town_of_a_city_is_the_party_not_the_city(analyzer: Analyzer) -> None:
    found = analyse(
        analyzer, "Dongguan's Qingxi town has teamed up with Du'an on a training centre."
    )
    assert found.pairings == []
    found = analyse(analyzer, "Dongguan has teamed up with Du'an on a training centre.")
    assert [sorted(p.members) for p in found.pairings] == [["441900", "451228"]]


@pytest.mark.parametrize(
    "text",
    [
        "开幕式上，景德镇市与澳门一家文创企业签约，合作开设陶瓷艺术馆。",
        "烟台市芝罘区也与奉节县的两个乡镇结对，开展村企结对活动。",
        "Jingdezhen signed a deal with a Macao design company to open a gallery.",
        "其中，一家香港陶瓷贸易商与浮梁县签约，投资5亿元建设陶瓷文创园。",
        # each of a list with a partner of its own, here zones: no pairing
        "此外，普宁市、惠来县分别与东莞松山湖、滨海湾新区结成产业协作对子。",
    ],
)
def test_firms_and_villages_of_a_place_are_no_pairing(analyzer: Analyzer, text: str) -> None:
    assert analyse(analyzer, text).pairings == []


def test_jointly_made_and_shared_mechanisms_pair_places(analyzer: Analyzer) -> None:
    found = analyse(analyzer, "由徐州市泉山区与阜新市海州区共同打造的产业园在海州区动工。")
    assert [(sorted(p.members), p.relation) for p in found.pairings] == [
        (["210902", "320311"], "co_build")
    ]
    found = analyse(analyzer, "歙县与淳安县也将建立水质监测数据共享机制。")
    assert [sorted(p.members) for p in found.pairings] == [["330127", "341021"]]


def test_money_one_place_gives_another_is_assistance(analyzer: Analyzer) -> None:
    found = analyse(analyzer, "今年安徽省共向和田地区皮山县拨付援疆资金3.36亿元。")
    assert [(sorted(p.members), p.source) for p in found.pairings] == [
        (["340000", "653223"], "340000")
    ]


def test_the_two_districts_are_the_pair_named_before(analyzer: Analyzer) -> None:
    text = (
        "南京市江宁区与马鞍山市博望区相邻，两地企业往来密切。"
        "2019年，两区签署协议，在交界处共建跨界一体化发展示范区。"
    )
    found = analyse(analyzer, text)
    assert [(sorted(p.members), p.relation) for p in found.pairings] == [
        (["320115", "340506"], "co_build")
    ]
    # the pair's agreement or counties are not the pair
    text = "南京市江宁区与马鞍山市博望区相邻。两区下辖的街道与镇签署了合作协议。"
    assert analyse(analyzer, text).pairings == []


def test_both_sides_are_the_places_of_the_pairing_before(analyzer: Analyzer) -> None:
    text = (
        "天津市河西区与甘南州合作市已结对多年。\n\n"
        "双方还签署了文旅合作协议，将开发天津至合作的旅游专列。\n\n"
        "The fund starts with RMB 20 million and will back projects chosen by both sides."
    )
    found = analyse(analyzer, text)
    agreement = next(i for i in found.initiatives if i.type == "agreement")
    assert {"120103", "623001"} <= set(agreement.districts)
    fund = next(i for i in found.initiatives if i.type == "fund")
    assert fund.amount is not None and fund.amount.value == 20_000_000
    assert set(fund.districts) == {"120103", "623001"}


def test_without_a_pairing_an_initiative_told_without_places_is_the_ones_before(
    analyzer: Analyzer,
) -> None:
    text = "第二十五届投资贸易洽谈会昨日在西宁闭幕。本届洽谈会共签约项目132个，签约总额680亿元。"
    found = analyse(analyzer, text)
    assert found.pairings == []
    total = next(i for i in found.initiatives if i.amount is not None)
    assert total.amount is not None and total.amount.value == 68_000_000_000
    assert "630100" in total.districts


@pytest.mark.parametrize(
    "text",
    [
        "鸡西市鸡冠区则与揭阳空港经济区结成合作伙伴，计划共建产业园。揭阳市今年投资增长。",
        "会上，南宁市与香港贸易发展局签订协议，将在香港举办商品周。",
        "此外，广元市利州区的12家茶企与兰溪市两家连锁商超签订了年度采购协议。",
        "正定县则与香港旅游业界签署客源互送协议。",
        "同日，新会区还与台山市的3个药材专业村签订了种苗互供协议。",
        "Under one of the deals, Hong Kong's airport authority will help build a logistics hub "
        "in Tianjin's Dongli district.",
    ],
)
def test_zones_and_trade_bodies_are_no_party(analyzer: Analyzer, text: str) -> None:
    assert analyse(analyzer, text).pairings == []


def test_three_counties_named_again_are_every_place_of_the_pairings_before(
    analyzer: Analyzer,
) -> None:
    text = (
        "按照安排，江门市对口支援新会区、台山市和开平市，干部人才将分赴三县工作。"
        "今年江门市下达三县的帮扶资金共5.4亿元。"
    )
    found = analyse(analyzer, text)
    fund = next(i for i in found.initiatives if i.amount is not None)
    assert {"440705", "440781", "440783"} <= set(fund.districts)


def test_a_charity_of_a_place_is_no_party(analyzer: Analyzer) -> None:
    text = "The Shenzhen Foundation will donate 12 million yuan to build a clinic in Shanwei."
    assert analyse(analyzer, text).pairings == []


def test_friendship_districts_stay_friendship_districts_when_their_cities_give(
    analyzer: Analyzer,
) -> None:
    text = (
        "北京市与山西省大同市签署文旅合作框架协议。北京市将每年安排2000万元，用于大同市旅游推介。"
        "大同市平城区与北京市通州区也于当天缔结友好城区关系。"
    )
    found = analyse(analyzer, text)
    pairs = {tuple(p.members): p for p in found.pairings}
    assert pairs[("110000", "140200")].relation == "assistance"
    assert pairs[("110000", "140200")].source == "110000"
    friends = pairs[("110112", "140213")]
    assert (friends.relation, friends.source) == ("sister_city", None)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\x01\x02 \ufffd\ufffd binary \x7f junk",
        "Москва и Санкт-Петербург подписали соглашение о сотрудничестве.",
        "★ ★ ★ 12345",
    ],
)
def test_bad_input_gives_a_clear_result(analyzer: Analyzer, text: str) -> None:
    found = analyse(analyzer, text)
    assert found.districts == [] and found.pairings == []
    assert found.language in ("und", "ru", "en")  # junk with two English words is English


def test_huge_text_is_cut_with_a_note(analyzer: Analyzer) -> None:
    text = (ZH + "\n\n") * (5_000_000 // len(ZH))  # about 5 MB
    found = analyse(analyzer, text)
    assert found.error is not None and "max_chars" in found.error
    assert "440784" in codes(found.districts)


def test_one_failing_article_does_not_stop_the_batch(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = [Article(url=f"https://a.example/{i}", text=t) for i, t in enumerate([ZH, EN])]
    real = analyzer._collect

    def explode(doc, job, analysis):  # type: ignore[no-untyped-def]
        if "Longhua" in doc.text:
            raise RuntimeError("boom")
        real(doc, job, analysis)

    monkeypatch.setattr(analyzer, "_collect", explode)
    results = [analysis for _, analysis in analyzer.analyze_many(articles)]
    assert results[0].error is None and results[0].pairings
    assert results[1].error is not None and "boom" in results[1].error


@pytest.mark.skipif(os.cpu_count() == 1, reason="needs two processes")
def test_workers_give_the_same_result(analyzer: Analyzer) -> None:
    articles = [Article(url=f"https://a.example/{i}", text=t) for i, t in enumerate([ZH, EN, HANT])]
    single = [a.to_json() for _, a in analyzer.analyze_many(articles)]
    double = [a.to_json() for _, a in analyzer.analyze_many(articles, n_process=2)]
    assert single == double


def test_analyze_command_stores_results_and_reruns_safely(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from coopwatch.cli import main
    from coopwatch.store import Store

    url = f"sqlite:///{tmp_path / 'a.db'}"
    with Store.open(url) as store:
        for i, text in enumerate([ZH, EN, HANT, ""]):
            store.add_article(Article(url=f"https://a.example/{i}", title=f"t{i}", text=text))
    runner = CliRunner()
    first = runner.invoke(main, ["--database-url", url, "analyze", "--no-progress"])
    assert first.exit_code == 0, first.output
    assert "Articles analysed: 4" in first.output
    with Store.open(url) as store:
        assert store.count_pending_analysis() == 0
        zh = store.analysis(1)
        assert zh is not None and any(set(p.members) == {"440783", "440784"} for p in zh.pairings)
        assert store.articles_mentioning("440784") == [1, 3]
    again = runner.invoke(main, ["--database-url", url, "analyze", "--no-progress"])
    assert "Articles analysed: 0" in again.output
    redo = runner.invoke(main, ["--database-url", url, "analyze", "--reanalyze", "--no-progress"])
    assert "Articles analysed: 0" in redo.output  # same pipeline version: nothing to redo


def test_parties_named_through_their_governments_and_located_in_a_province(
    analyzer: Analyzer,
) -> None:
    text = (
        "Hong Kong's Commerce and Economic Development Bureau and the government of Taizhou, "
        "a manufacturing hub in eastern Zhejiang province, signed a memorandum of understanding."
    )
    assert [sorted(p.members) for p in analyse(analyzer, text).pairings] == [["331000", "810000"]]
    text = (
        "Huangshan City in eastern China's Anhui province and Emeishan, a county-level city in "
        "Sichuan province, signed a friendship-city agreement on Monday."
    )
    found = analyse(analyzer, text)
    assert [(sorted(p.members), p.relation) for p in found.pairings] == [
        (["341000", "511181"], "sister_city")
    ]


def test_each_of_a_list_with_a_partner_of_its_own(analyzer: Analyzer) -> None:
    found = analyse(analyzer, "蓬江区、江海区分别与恩平市、台山市签署结对协议。")
    assert sorted(sorted(p.members) for p in found.pairings) == [
        ["440703", "440785"],
        ["440704", "440781"],
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # places an aid pool covers: only the giver and the prefecture pair
        (
            "此外，上海市今年安排德宏州的协作资金达3.6亿元，覆盖芒市、瑞丽市、陇川县等5个县市。",
            [["310000", "533100"]],
        ),
        # a city and its own district are one place seen twice
        ("鄂伦春旗的蓝莓通过石景山区的消费帮扶门店进入北京市场。", []),
        # a programme named after its places
        (
            "The park is a step in Beijing-Tianjin-Hebei (京津冀) coordinated development.",
            [],
        ),
    ],
)
def test_coverage_lists_parents_and_programmes_are_no_pairing(
    analyzer: Analyzer, text: str, expected: list[list[str]]
) -> None:
    assert [sorted(p.members) for p in analyse(analyzer, text).pairings] == expected
