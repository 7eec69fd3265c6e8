"""coopwatch_places: districts, regions, towns and zones in Chinese and English sentences."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

import nlp.components.places  # noqa: F401 - registers the factory

JIANGMEN_UNITS = {
    "440703", "440704", "440705", "440781", "440783", "440784", "440785",
}  # fmt: skip


def _pipeline(lang: str, **config: object) -> Language:
    nlp = spacy.blank(lang)
    if lang == "zh":
        nlp.add_pipe("sentencizer", config={"punct_chars": ["。", "！", "？", "；", "!", "?"]})
    else:
        nlp.add_pipe("sentencizer")
    nlp.add_pipe("coopwatch_places", config=config)
    nlp.initialize()
    return nlp


@pytest.fixture(scope="module")
def zh() -> Language:
    return _pipeline("zh")


@pytest.fixture(scope="module")
def en() -> Language:
    return _pipeline("en")


def ents(nlp: Language, text: str, label: str | None = None) -> list[tuple[str, str, str]]:
    return [
        (e.text, e.label_, e.kb_id_) for e in nlp(text).ents if label is None or e.label_ == label
    ]


def codes(nlp: Language, text: str, label: str = "DISTRICT") -> set[str]:
    return {code for _, _, code in ents(nlp, text, label)}


# ---------------------------------------------------------------- Jiangmen's seven units


def test_jiangmen_units_in_chinese_full_and_short(zh: Language) -> None:
    full = "江门市辖蓬江区、江海区、新会区，代管台山市、开平市、鹤山市、恩平市。"
    short = "江门的蓬江、江海、新会、台山、开平、鹤山、恩平七地联合招商。"
    assert codes(zh, full) == JIANGMEN_UNITS | {"440700"}
    assert codes(zh, short) == JIANGMEN_UNITS | {"440700"}


def test_jiangmen_units_in_english(en: Language) -> None:
    text = (
        "Jiangmen has seven county-level units: Pengjiang District, Jianghai, Xinhui, "
        "Taishan City, Kaiping, Heshan and Enping."
    )
    assert codes(en, text) == JIANGMEN_UNITS | {"440700"}
    assert ("Pengjiang District", "DISTRICT", "440703") in ents(en, text)


def test_hyphenated_english_pairs_give_each_member(en: Language) -> None:
    text = "The Pengjiang-Jianghai-Enping group and the Xinhui-Taishan pair met in Jiangmen."
    assert codes(en, text) == {"440703", "440704", "440785", "440705", "440781", "440700"}


# ---------------------------------------------------------------- ambiguity


def test_heshan_resolved_to_hebi_by_context(zh: Language) -> None:
    assert codes(zh, "鹤壁市淇滨区与鹤山共建煤化工园区。") >= {"410602"}
    assert "440784" not in codes(zh, "鹤壁市淇滨区与鹤山共建煤化工园区。")
    assert codes(zh, "河南鹤壁：鹤山推进矿区转型。") == {"410600", "410602"}
    # both readings have support (广东 / 鹤壁); the nearer relative wins
    assert codes(zh, "广东客商到鹤壁市考察，与鹤山企业座谈。") == {"410600", "410602"}


def test_heshan_resolved_to_jiangmen_by_context(zh: Language) -> None:
    assert codes(zh, "江门市与鹤山商讨产业合作。") == {"440700", "440784"}
    assert codes(zh, "开平与鹤山两地签约。") == {"440783", "440784"}


def test_written_suffix_decides(zh: Language) -> None:
    assert codes(zh, "鹤山区代表团访问江门。") == {"410602", "440700"}
    both = {"130200", "130205", "440700", "440783"}
    assert codes(zh, "唐山市开平区和江门开平市都叫开平。") == both


def test_explicit_parent_prefix_wins_over_document(zh: Language, en: Language) -> None:
    # the document is about Jiangmen, but 鹤壁鹤山 names its parent
    found = codes(zh, "江门市新会区的客商考察了鹤壁鹤山。")
    assert found == {"440700", "440705", "410600", "410602"}
    assert "410602" in codes(en, "Jiangmen investors visited Heshan in Hebi.")


def test_taishan_in_english_both_ways(en: Language) -> None:
    assert codes(en, "Taishan and Kaiping signed a tourism pact in Jiangmen.") >= {"440781"}
    assert "370902" in codes(en, "Taishan District of Tai'an in Shandong hosts the fair.")
    assert "370902" in codes(en, "Taishan and Tai'an officials met in Shandong.")


def test_short_name_of_province_and_city(zh: Language) -> None:
    assert ents(zh, "吉林与广东开展对口合作。", "REGION") == [
        ("吉林", "REGION", "220000"),
        ("广东", "REGION", "440000"),
    ]
    assert codes(zh, "吉林市与江门签约。") == {"220200", "440700"}


# ---------------------------------------------------------------- common words, facilities


def test_common_words_are_not_places(zh: Language) -> None:
    text = "两地深化合作，推进乡村振兴，发展新兴产业，实现共同富裕，天下太平，和平发展。"
    assert ents(zh, text) == []
    # the parent is in the document, but the common word stands alone
    assert codes(zh, "云浮市大力发展新兴产业。") == {"445300"}
    assert codes(zh, "辽宁丹东推进乡村振兴。") == {"210600"}


def test_a_common_word_with_district_is_the_district_unless_it_names_an_area(
    zh: Language,
) -> None:
    # 和平区 and 光明区 are districts wherever they stand; 老城区 and 城北区 are areas
    assert codes(zh, "天津市和平区与隆化县结对。今年和平区向隆化县投入资金。") >= {"120101"}
    assert codes(zh, "老城区和城北区的道路正在改造。") == set()


def test_common_word_counts_with_suffix_parent_or_list(zh: Language) -> None:
    assert codes(zh, "云浮市新兴县发展新兴产业。") == {"445300", "445321"}
    assert codes(zh, "云浮新兴的温泉很有名。") == {"445300", "445321"}
    assert codes(zh, "罗定、新兴、郁南三地结对。") == {"445381", "445321", "445322"}


def test_names_across_word_boundaries_need_support(zh: Language) -> None:
    # 都安 (首都安全), 比如, 长清 (擅长清洗): county names with no related place nearby
    assert codes(zh, "确保首都安全。比如，擅长清洗数据的团队。") == set()


def test_facility_names_are_not_mentions(zh: Language) -> None:
    text = "代表团参观了中山大学、中山公园和中山路，又去了泰山。"
    assert ents(zh, text) == []
    assert ents(zh, "江门职业技术学院和台山核电站。") == []


def test_grottoes_and_river_banks_are_not_mentions(zh: Language) -> None:
    # 云冈石窟 is no 云冈区; 拉萨河南岸 is the Lhasa river's south bank, not 河南
    assert codes(zh, "大同市将提升云冈石窟周边设施。") == {"140200"}
    assert codes(zh, "新中心建在拉萨市拉萨河南岸。") == {"540100"}
    assert codes(zh, "新中心建在拉萨河南岸。", "REGION") == set()


def test_jade_academies_tombs_river_banks_and_mountain_slopes(zh: Language) -> None:
    text = (
        "岫岩玉雕、墨玉挂件、莲池书院和西夏王陵都很有名，"
        "企业在贺兰山东麓种葡萄，萝北县位于黑龙江畔。"
    )
    assert codes(zh, text) == {"230421"}
    assert codes(zh, text, "REGION") == set()
    assert codes(zh, "企业在崂山脚下开了超市。") == set()
    assert codes(zh, "学生参观了古田会议会址，又去看了元阳梯田。") == set()
    assert codes(zh, "资金用于加工厂和县城供水管网改造。") == set()
    assert codes(zh, "丹江口水库是水源地，太子河沿岸风光秀丽。") == set()
    assert codes(zh, "山西省援疆干部抵达新疆生产建设兵团第六师五家渠市。", "REGION") == {"140000"}


def test_mountain_areas_gorges_and_products_are_not_mentions(zh: Language, en: Language) -> None:
    assert codes(zh, "要把珠海的产业链延伸到粤西山区。") == {"440400"}
    assert codes(zh, "游客在西陵峡乘船，又买了福鼎白茶、霞浦海带和化州橘红。") == set()
    assert codes(zh, "平罗县地处贺兰山东麓。") == {"640221"}
    text = "鄂伦春自治旗地处大兴安岭南麓，游客还去了弓长岭温泉滑雪场，看了一座白塔。"
    assert codes(zh, text) == {"150723"}
    assert codes(zh, "两地推出“台儿庄古城—龙缸”文旅线路。") == set()
    assert codes(zh, "平罗县与贺兰县签约。") == {"640221", "640122"}
    # a landmark, and given names after a Chinese surname, in English
    assert ents(en, "Visitors see the Leshan Giant Buddha.") == []
    text = "said Huangshan vice-mayor Fang Lixin and the poet Qu Yuan."
    assert codes(en, text) == {"341000"}  # Huangshan the city; not Lixin or Yu'an
    assert codes(en, "Leshan City and Lixin County.") == {"511100", "341623"}


def test_full_name_inside_facility_still_counts(zh: Language) -> None:
    assert codes(zh, "新会区人民医院与中山大学合作。") == {"440705"}


def test_english_facilities_and_common_words(en: Language) -> None:
    text = (
        "Zhongshan University, Zhongshan Road, Mount Taishan, the Taishan Nuclear Power Plant "
        "and the Hong Kong-Zhuhai-Macao Bridge; North China; Southern cities."
    )
    assert ents(en, text) == []
    assert codes(en, "Zhongshan City and the North District of Hong Kong.") == {"442000", "810013"}
    # canals, bays, mines, passes and products named after a place
    text = (
        "Models of the Pinglu Canal, resorts at Haitang Bay, the Bayan Obo mine, the Yanmen "
        "Pass, Korla pears and the Xilin Gol grassland."
    )
    assert ents(en, text) == []
    assert codes(en, "Xilin County and Pinglu District.") == {"451030", "140603"}


# ---------------------------------------------------------------- scripts and languages


def test_traditional_chinese(zh: Language) -> None:
    assert codes(zh, "臺山市與鶴山市在江門簽署協議。") == {"440781", "440784", "440700"}
    assert codes(zh, "鶴山、臺山兩地合作。") == {"440784", "440781"}


def test_mixed_english_with_chinese_in_brackets(en: Language) -> None:
    found = ents(en, "Xinhui District (新会区) and Kaiping (開平) signed with Heshan (鹤山).")
    assert ("新会区", "DISTRICT", "440705") in found
    assert ("開平", "DISTRICT", "440783") in found
    assert {code for *_, code in found} == {"440705", "440783", "440784"}


def test_character_segmentation_cannot_lose_names(zh: Language) -> None:
    doc = zh("元朗区和新会区")
    assert [(e.text, e.kb_id_) for e in doc.ents] == [("元朗区", "810012"), ("新会区", "440705")]
    assert doc.ents[0]._.candidates == ["810012"]


# ---------------------------------------------------------------- types


def test_regions_towns_and_zones_typed(zh: Language) -> None:
    text = (
        "广东省江门高新区、新会区会城街道、东莞长安镇和横琴粤澳深度合作区"
        "与香港特别行政区、澳门合作。"
    )
    found = ents(zh, text)
    assert ("广东省", "REGION", "440000") in found
    assert ("江门高新区", "ZONE", "") in found
    assert ("会城街道", "TOWN", "") in found
    assert ("长安镇", "TOWN", "") in found
    assert ("横琴粤澳深度合作区", "ZONE", "") in found
    assert ("香港特别行政区", "REGION", "810000") in found
    assert ("澳门", "REGION", "820000") in found
    assert codes(zh, text) == {"440705", "441900"}  # no 江门, no 长安区
    # modifiers of what the zone is for belong to its name too
    found = ents(zh, "汕头华侨经济文化合作试验区与深圳企业签约。")
    assert ("汕头华侨经济文化合作试验区", "ZONE", "") in found


def test_a_landmark_with_its_suffix_is_the_district(zh: Language) -> None:
    assert codes(zh, "杭州市民常去西湖。") == {"330100"}
    assert codes(zh, "杭州好。西湖区今年安排资金。") == {"330100", "330106"}
    assert "341003" not in codes(zh, "游客登上黄山。")


def test_english_names_only_written_with_their_suffix_take_it_in_lower_case(en: Language) -> None:
    assert codes(en, "In Cheng county, a Qingdao company opened a plant.") >= {"621221"}
    assert codes(en, "Xiong county in Hebei signed.") == {"130638"}
    assert codes(en, "Rain fell on the county.") == set()


def test_standard_short_forms_of_autonomous_counties(zh: Language) -> None:
    assert codes(zh, "深圳市宝安区向塔县投入援疆资金。") >= {"653131"}


def test_english_names_other_than_pinyin_are_aliases(en: Language) -> None:
    # Tibetan and Uygur names the English press uses, with or without the type word
    text = "Hebei helps Gar county and Burang County in Ngari; Lhatse, Yengisar and Sertar too."
    assert codes(en, text) >= {"542523", "542521", "540225", "653123", "513333"}
    # the pinyin of a romanised name, with its type word, is the county, not the prefecture
    assert codes(en, "Ganzi county in Sichuan received 60 million yuan.") == {"513328"}
    # "Right Front Banner" is written without "Wing" as often as with it
    assert codes(en, "Horqin Right Front Banner in Hinggan League") >= {"152221"}
    assert codes(en, "Xuanwei ham, Dafeng port and the Sanjiang Plain in China.") == set()
    assert (
        codes(en, "the source region of the Yangtze, Yellow and Lancang rivers in China") == set()
    )
    text = "The Tianshan Grand Canyon, the Langzhong Ancient City and Wuyi rock tea in China."
    assert codes(en, text) == set()


def test_full_name_before_zone_stays_a_district(zh: Language) -> None:
    found = ents(zh, "江门市高新区与天津滨海新区，银湖湾滨海新区。")
    assert ("江门市", "DISTRICT", "440700") in found
    assert ("滨海新区", "DISTRICT", "120116") in found
    assert ("银湖湾滨海新区", "ZONE", "") in found


def test_english_regions_towns_and_zones(en: Language) -> None:
    text = (
        "Guangdong Province, Hong Kong and the Macau SAR back the Jiangmen High-tech Zone, "
        "Hengqin, the Nansha New Area and Changan Town; Chang'an and Humen towns too."
    )
    found = ents(en, text)
    assert ("Guangdong Province", "REGION", "440000") in found
    assert ("Hong Kong", "REGION", "810000") in found
    assert ("Macau SAR", "REGION", "820000") in found
    assert ("Jiangmen High-tech Zone", "ZONE", "") in found
    assert ("Hengqin", "ZONE", "") in found
    assert ("Nansha New Area", "ZONE", "") in found
    assert ("Changan Town", "TOWN", "") in found
    assert codes(en, text) == set()


def test_hong_kong_and_macao_districts(zh: Language, en: Language) -> None:
    assert codes(zh, "香港元朗、屯门与深圳南山合作。") >= {"810012", "810011", "440305"}
    assert codes(en, "Sha Tin District and Our Lady of Fatima Parish in Macao.") == {
        "810016",
        "820001",
    }


# ---------------------------------------------------------------- contract


def test_existing_entities_kept_only_where_they_do_not_overlap() -> None:
    nlp = spacy.blank("en")

    @Language.component("_fake_ner")
    def fake_ner(doc):  # type: ignore[no-untyped-def]
        doc.ents = [doc.char_span(0, 6, label="GPE"), doc.char_span(12, 16, label="ORG")]
        return doc

    nlp.add_pipe("_fake_ner")
    nlp.add_pipe("coopwatch_places")
    nlp.initialize()
    doc = nlp("Xinhui with Acme in China")
    assert [(e.text, e.label_) for e in doc.ents] == [("Xinhui", "DISTRICT"), ("Acme", "ORG")]
    keep = _pipeline("en", overwrite_ents=False)
    keep.add_pipe("_fake_ner", first=True)
    assert [e.label_ for e in keep("Xinhui with Acme in China").ents] == ["GPE", "ORG"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh", "江门市新会区与台山市签署协议，东莞市长安镇和江门高新区参与，中山大学不算。"),
        ("en", "Xinhui District and Taishan signed with Changan Town in Nansha New Area."),
    ],
)
def test_entities_written_as_the_ents_setter_does(
    zh: Language, en: Language, lang: str, text: str
) -> None:
    """The places component writes its entities in one go; the tokens carry what
    ``doc.ents = spans`` would have given them."""
    from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE

    doc = (zh if lang == "zh" else en)(text)
    assert doc.ents
    attrs = [ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID]
    written = doc.to_array(attrs)
    fresh = doc.copy()
    fresh.set_ents([], default="missing")
    fresh.ents = list(doc.ents)
    assert (fresh.to_array(attrs) == written).all()


# ---------------------------------------------------------------- found on real pages


def test_time_zone_weather_regions_and_ordinary_words(zh: Language) -> None:
    assert codes(zh, "北京时间6月24日，飞船完成对接。", "REGION") == set()
    assert codes(zh, "北京市气象台发布预报。", "REGION") == {"110000"}
    # 江汉 in a weather report is the Jianghan plain, not Wuhan's 江汉区
    assert codes(zh, "武汉明天降温，江淮、江汉等地有雨。") == {"420100"}
    assert codes(zh, "武汉市江汉区明天降温。") == {"420100", "420103"}
    text = "港人上街抗议，梧桐汇商城开业，比如古城墙、价值连城的宝物，其中江南大部降温。"
    assert codes(zh, text) == set()
    assert codes(zh, "信阳商城县与浙江江山市合作。") >= {"411524", "330881"}


def test_facility_names_with_ordinary_words_inside(zh: Language) -> None:
    # an ordinary word inside the facility's name does not stop the facility word
    assert codes(zh, "她去河南许昌的禹州光明医院检查。") == {"411000"}
    assert codes(zh, "禹州市在许昌，她去禹州光明医院。") == {"411081", "411000"}
    text = "江苏卫视、武汉体育中心、上海公安博物院、建设银行广州支行、颍上北站和无锡枢纽。"
    assert ents(zh, text) == []
    assert codes(zh, "中车太原机车车辆有限公司与山西金兰化工有限公司签约。") == set()
    assert codes(zh, "太原市与山西企业签约。") == {"140100"}


def test_a_list_of_provinces_makes_a_province(zh: Language, en: Language) -> None:
    assert codes(zh, "北京、天津、河北三地协同发展。", "REGION") == {"110000", "120000", "130000"}
    assert codes(zh, "天津市河北区与和平区。") == {"120105", "120101"}
    assert codes(en, "Beijing, Tianjin and Hebei will integrate.", "REGION") == {
        "110000",
        "120000",
        "130000",
    }


def test_english_words_people_products_and_institutions(en: Language) -> None:
    # Indonesian "Dari", English "Guide" and "Lean" (Le'an) in a text that never speaks of China
    assert ents(en, "Dari sini juga. Read the Price Guide. No Lean Season.") == []
    assert codes(en, "Guide County in Qinghai, China, built a school.") == {"632523"}
    assert codes(en, "Dari in western China signed a pact.") == {"632624"}
    text = (
        "Xi Jinping met Wang Jiangning, the Xinhua News Agency said; the Shanghai Composite "
        "fell; 88 billion Hong Kong dollars at the Hong Kong Stock Exchange and the Hong Kong "
        "Polytechnic University; the Southern District of New York; Qinghe station; "
        "Maojian tea."
    )
    assert codes(en, text) == set()
    assert codes(en, text, "REGION") == set()
    assert codes(en, "The Southern District of Hong Kong and Jinping District of Shantou.") == {
        "810004",
        "440511",
        "440500",
    }
