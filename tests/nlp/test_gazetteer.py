"""The district gazetteer: counts, Jiangmen, ambiguous names, Traditional and English lookups."""

from __future__ import annotations

import gzip
import os
import time
from collections import Counter
from pathlib import Path

import pytest

from nlp.gazetteer import DATA_FILE, TYPES, Division, Gazetteer, en_key

SOURCE_ENV = "COOPWATCH_ADMIN_DIVISIONS_DIR"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def codes(divisions: list[Division]) -> list[str]:
    return [d.code for d in divisions]


def test_counts_by_level_and_type(gaz: Gazetteer) -> None:
    levels = Counter(d.level for d in gaz)
    # 31 mainland units + Hong Kong, Macao, Taiwan; 333 prefecture-level units;
    # 2,844 mainland county-level units + 18 Hong Kong districts + 8 Macao parishes.
    assert levels == {1: 34, 2: 333, 3: 2870}
    assert len(gaz) == 34 + 333 + 2870
    types = Counter(d.type for d in gaz)
    assert types["municipality"] == 4
    assert types["autonomous_region"] == 5
    assert types["sar"] == 2
    assert types["province"] == 23  # 22 mainland provinces + Taiwan
    assert types["prefecture_city"] == 293
    assert types["prefecture"] == 7
    assert types["autonomous_prefecture"] == 30
    assert types["league"] == 3
    assert types["district"] == 977
    assert types["county_city"] == 397
    assert types["county"] == 1299
    assert types["autonomous_county"] == 117
    assert types["banner"] == 49
    assert types["autonomous_banner"] == 3
    assert types["forestry_district"] == 1
    assert types["special_district"] == 1
    assert set(types) <= TYPES


def test_table_is_consistent(gaz: Gazetteer) -> None:
    for d in gaz:
        assert len(d.code) == 6 and d.code.isdigit()
        assert len(d.short_zh) >= 2
        if d.level == 1:
            assert d.parent is None
        else:
            parent = gaz[d.parent or ""]
            assert parent.level < d.level
        assert d.name_en and d.short_en


JIANGMEN = [
    ("440703", "蓬江区", "蓬江", "Pengjiang District", "Pengjiang", "district"),
    ("440704", "江海区", "江海", "Jianghai District", "Jianghai", "district"),
    ("440705", "新会区", "新会", "Xinhui District", "Xinhui", "district"),
    ("440781", "台山市", "台山", "Taishan City", "Taishan", "county_city"),
    ("440783", "开平市", "开平", "Kaiping City", "Kaiping", "county_city"),
    ("440784", "鹤山市", "鹤山", "Heshan City", "Heshan", "county_city"),
    ("440785", "恩平市", "恩平", "Enping City", "Enping", "county_city"),
]


def test_jiangmen_and_its_seven_county_level_units(gaz: Gazetteer) -> None:
    expected = [
        Division(c, zh, szh, en, sen, t, 3, "440700") for c, zh, szh, en, sen, t in JIANGMEN
    ]
    assert gaz.children("440700") == expected
    jiangmen = gaz["440700"]
    assert (jiangmen.name_zh, jiangmen.short_zh) == ("江门市", "江门")
    assert (jiangmen.name_en, jiangmen.short_en) == ("Jiangmen City", "Jiangmen")
    assert (jiangmen.type, jiangmen.level) == ("prefecture_city", 2)
    assert codes(gaz.parents("440705")) == ["440700", "440000"]
    guangdong = gaz["440000"]
    assert (guangdong.name_zh, guangdong.short_zh) == ("广东省", "广东")
    assert (guangdong.name_en, guangdong.short_en) == ("Guangdong Province", "Guangdong")
    assert gaz.get("4407") == jiangmen and gaz.get(440705) == gaz["440705"]
    assert gaz.get("999999") is None
    with pytest.raises(KeyError):
        gaz.parents("999999")


def test_short_names_are_ambiguous_and_all_kept(gaz: Gazetteer) -> None:
    assert codes(gaz.by_name_zh("鹤山")) == ["410602", "440784"]  # Hebi district, Jiangmen city
    assert gaz["410602"].name_zh == "鹤山区"
    assert codes(gaz.by_name_zh("开平")) == ["130205", "440783"]  # Tangshan district, Jiangmen
    # Zhongshan City (prefecture-level) comes before Dalian's 中山区: higher levels first.
    assert codes(gaz.by_name_zh("中山")) == ["442000", "210202"]
    assert codes(gaz.by_name_zh("新会区")) == ["440705"]


def test_short_name_rules(gaz: Gazetteer) -> None:
    shorts = {
        "441826": "连南",  # 连南瑶族自治县
        "222400": "延边",  # 延边朝鲜族自治州
        "450000": "广西",  # 广西壮族自治区
        "150000": "内蒙古",  # not 内 + 蒙古
        "500243": "彭水",  # 彭水苗族土家族自治县: 水 is a place name here, not the Shui people
        "130133": "赵县",  # one character would be left: keep the suffix
        "140303": "矿区",
        "310115": "浦东",  # 浦东新区
        "230208": "梅里斯",  # 梅里斯达斡尔族区
    }
    assert {code: gaz[code].short_zh for code in shorts} == shorts
    assert gaz["441826"].name_en == "Liannan Yao Autonomous County"
    assert gaz["222400"].name_en == "Yanbian Korean Autonomous Prefecture"
    assert gaz["500243"].name_en == "Pengshui Miao and Tujia Autonomous County"
    assert gaz["130133"].name_en == "Zhao County"
    assert gaz["310115"].name_en == "Pudong New Area"
    assert gaz["150721"].name_en == "Arun Banner"


def test_traditional_chinese_lookup(gaz: Gazetteer) -> None:
    assert codes(gaz.by_name_zh("鶴山")) == ["410602", "440784"]
    assert codes(gaz.by_name_zh("臺山")) == ["440781"]
    assert codes(gaz.by_name_zh("台山")) == ["440781"]
    assert codes(gaz.by_name_zh("新會區")) == ["440705"]
    assert codes(gaz.by_name_zh("觀塘區")) == ["810009"]
    assert codes(gaz.by_name_zh("乾安縣")) == ["220723"]  # t2s alone would give 干安县


def test_english_lookup(gaz: Gazetteer) -> None:
    assert codes(gaz.by_name_en("Taishan")) == ["370902", "440781"]  # Tai'an's district too
    assert codes(gaz.by_name_en("Taishan City")) == ["440781"]
    assert codes(gaz.by_name_en("Taishan District")) == ["370902"]
    assert gaz["370902"].name_zh == "泰山区"
    for spelling in ("Xinhui", "Xinhui District", "xinhui-district", "XINHUI  district"):
        assert codes(gaz.by_name_en(spelling)) == ["440705"], spelling
    assert codes(gaz.by_name_en("Heshan")) == ["410602", "430903", "440784", "451381"]
    assert gaz.by_name_en("Atlantis") == []
    assert en_key("Xi'an") == en_key("Xi an") == "xian"


def test_pinyin_and_romanisation_overrides(gaz: Gazetteer) -> None:
    names = {
        "610000": "Shaanxi Province",
        "140000": "Shanxi Province",
        "440113": "Panyu District",
        "341500": "Lu'an City",
        "340300": "Bengbu City",
        "350200": "Xiamen City",
        "430100": "Changsha City",
        "330382": "Yueqing City",
        "361124": "Yanshan County",
        "371524": "Dong'e County",
        "441422": "Dabu County",
        "650400": "Turpan City",
        "610100": "Xi'an City",
        "110105": "Chaoyang District",
        "140428": "Zhangzi County",
        "510100": "Chengdu City",
        "150000": "Inner Mongolia Autonomous Region",
        "540000": "Tibet Autonomous Region",
        "450000": "Guangxi Zhuang Autonomous Region",
        "650000": "Xinjiang Uygur Autonomous Region",
    }
    assert {code: gaz[code].name_en for code in names} == names
    assert codes(gaz.by_name_en("Shanxi")) == ["140000"]  # plain pinyin of 陕西 is not an alias
    assert codes(gaz.by_name_en("Xizang")) == ["540000"]
    assert codes(gaz.by_name_en("Lu'an")) == ["341500"]
    # names the English press uses instead of the pinyin, and the pinyin of romanised names
    assert codes(gaz.by_name_en("Burang")) == ["542521"]
    assert "Gar County" in gaz.aliases_en("542523")
    assert codes(gaz.by_name_en("Ganzi County")) == ["513328"]
    assert gaz.aliases_en("440705") == ()


def test_municipalities(gaz: Gazetteer) -> None:
    beijing = gaz["110000"]
    assert (beijing.name_zh, beijing.type, beijing.level, beijing.parent) == (
        "北京市",
        "municipality",
        1,
        None,
    )
    assert beijing.name_en == "Beijing Municipality"
    dongcheng = gaz["110101"]
    assert (dongcheng.parent, dongcheng.level) == ("110000", 3)
    assert codes(gaz.parents("110101")) == ["110000"]
    assert len(gaz.children("110000")) == 16
    assert gaz["500229"].parent == "500000"  # 城口县, from the placeholder 县 group
    assert codes(gaz.by_name_en("Beijing City")) == ["110000"]


def test_prefecture_cities_without_counties_and_direct_counties(gaz: Gazetteer) -> None:
    for code in ("441900", "442000", "460400", "620200"):
        assert gaz[code].type == "prefecture_city"
        assert gaz.children(code) == []
    assert gaz["441900"].name_zh == "东莞市"
    assert gaz["429004"].parent == "420000"  # 仙桃市 under Hubei directly
    assert gaz["429021"].type == "forestry_district"
    assert gaz["429021"].name_en == "Shennongjia Forestry District"
    assert gaz["520203"].type == "special_district"
    assert gaz.get("130171") is None  # NBS development zone, not a division
    assert codes(gaz.children("460300")) == ["460301", "460302"]  # 三沙市: 西沙区, 南沙区


def test_hong_kong(gaz: Gazetteer) -> None:
    hk = gaz["810000"]
    assert (hk.name_zh, hk.short_zh, hk.short_en, hk.type) == (
        "香港特别行政区",
        "香港",
        "Hong Kong",
        "sar",
    )
    assert codes(gaz.by_name_en("Hong Kong SAR")) == ["810000"]
    districts = gaz.children("810000")
    assert [d.short_en for d in districts] == [
        "Central and Western", "Wan Chai", "Eastern", "Southern", "Yau Tsim Mong",
        "Sham Shui Po", "Kowloon City", "Wong Tai Sin", "Kwun Tong", "Tsuen Wan", "Tuen Mun",
        "Yuen Long", "North", "Tai Po", "Sai Kung", "Sha Tin", "Kwai Tsing", "Islands",
    ]  # fmt: skip
    assert codes(districts) == [f"8100{i:02d}" for i in range(1, 19)]
    assert {d.type for d in districts} == {"hk_district"}
    assert gaz["810001"].name_en == "Central and Western District"
    assert gaz["810018"].name_zh == "离岛区"
    assert codes(gaz.by_name_en("Wanchai")) == ["810002"]
    assert codes(gaz.by_name_zh("灣仔")) == ["810002"]


def test_macao_and_taiwan(gaz: Gazetteer) -> None:
    assert gaz["820000"].short_en == "Macao"
    assert codes(gaz.by_name_en("Macau")) == ["820000"]
    parishes = gaz.children("820000")
    assert len(parishes) == 8
    assert (parishes[0].name_zh, parishes[0].name_en) == ("花地玛堂区", "Our Lady of Fatima Parish")
    assert parishes[-1].name_zh == "圣方济各堂区"
    assert codes(gaz.by_name_zh("圣安多尼堂区")) == ["820002"]  # the source's name for 花王堂区
    assert codes(gaz.by_name_en("Taipa")) == ["820006"]
    taiwan = gaz["710000"]
    assert (taiwan.name_zh, taiwan.type, taiwan.short_en) == ("台湾省", "province", "Taiwan")
    assert gaz.children("710000") == []


def test_load_is_cached_and_fast() -> None:
    assert Gazetteer.load() is Gazetteer.load()
    start = time.perf_counter()
    fresh = Gazetteer.load(DATA_FILE)
    assert time.perf_counter() - start < 0.5
    assert len(fresh) == len(Gazetteer.load())


def test_shipped_file_is_small_and_deterministic() -> None:
    data = DATA_FILE.read_bytes()
    assert len(data) < 300_000
    assert data[4:8] == b"\0\0\0\0"  # gzip mtime 0
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    body = [line.split("\t")[0] for line in lines[1:]]
    assert body == sorted(body)


def test_rebuild_reproduces_the_shipped_file(tmp_path: Path) -> None:
    src = os.environ.get(SOURCE_ENV)
    if not src:
        pytest.skip(f"set {SOURCE_ENV} to the admin-divisions directory to rebuild the table")
    pytest.importorskip("pypinyin")
    from nlp.gazetteer import build

    out = tmp_path / "divisions.tsv.gz"
    assert build.main([src, "-o", str(out)]) == 0
    rebuilt = out.read_bytes()
    assert gzip.decompress(rebuilt) == gzip.decompress(DATA_FILE.read_bytes())
    assert rebuilt == DATA_FILE.read_bytes()
