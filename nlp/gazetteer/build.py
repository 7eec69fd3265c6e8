"""Build the packaged division table (divisions.tsv.gz) from the admin-divisions source data."""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import en_key as key

HERE = Path(__file__).parent
DEFAULT_OUT = HERE / "divisions.tsv.gz"
OVERRIDES = HERE / "overrides.toml"
COLUMNS = (
    "code", "level", "type", "parent", "name_zh", "short_zh", "name_en", "short_en",
    "aliases_zh", "aliases_en",
)  # fmt: skip

# Hong Kong and Macao: the source has names without codes. These codes are the ones the Ministry
# of Civil Affairs publishes in its list of county-level and higher division codes
# (《中华人民共和国县以上行政区划代码》, the GB/T 2260 maintenance list, which has carried the SAR
# districts since its 2020 edition). Hong Kong follows the order of the 18 District Councils;
# Macao lists its seven parishes plus the Cotai reclamation area (路氹填海区).
HK_DISTRICTS = (
    "中西区", "湾仔区", "东区", "南区", "油尖旺区", "深水埗区", "九龙城区", "黄大仙区", "观塘区",
    "荃湾区", "屯门区", "元朗区", "北区", "大埔区", "西贡区", "沙田区", "葵青区", "离岛区",
)  # fmt: skip
MACAO_PARISHES = (
    "花地玛堂区", "花王堂区", "望德堂区", "大堂区", "风顺堂区", "嘉模堂区", "路氹填海区",
    "圣方济各堂区",
)  # fmt: skip
# Names the source spells differently from the MCA list (圣安多尼堂区 is 花王堂区's other name).
SAR_SOURCE_NAMES = {"圣安多尼堂区": "花王堂区"}

# Chinese suffix -> division type, longest first; the English word for each type is in TYPE_EN.
PROVINCE_SUFFIXES = (("特别行政区", "sar"), ("自治区", "autonomous_region"), ("省", "province"),
                     ("市", "municipality"))  # fmt: skip
PREFECTURE_SUFFIXES = (("自治州", "autonomous_prefecture"), ("地区", "prefecture"),
                       ("盟", "league"), ("市", "prefecture_city"))  # fmt: skip
COUNTY_SUFFIXES = (
    ("自治县", "autonomous_county"), ("自治旗", "autonomous_banner"), ("特区", "special_district"),
    ("林区", "forestry_district"), ("矿区", "district"), ("新区", "district"), ("区", "district"),
    ("县", "county"), ("市", "county_city"), ("旗", "banner"),
)  # fmt: skip
TYPE_EN = {
    "province": "Province", "municipality": "Municipality",
    "autonomous_region": "Autonomous Region", "sar": "Special Administrative Region",
    "prefecture_city": "City", "prefecture": "Prefecture",
    "autonomous_prefecture": "Autonomous Prefecture", "league": "League", "district": "District",
    "county_city": "City", "county": "County", "autonomous_county": "Autonomous County",
    "banner": "Banner", "autonomous_banner": "Autonomous Banner",
    "forestry_district": "Forestry District", "special_district": "Special District",
    "hk_district": "District", "macao_parish": "Parish",
}  # fmt: skip
SUFFIX_EN = {"矿区": "Mining District", "新区": "New Area"}
AUTONOMOUS = {"autonomous_region", "autonomous_prefecture", "autonomous_county",
              "autonomous_banner"}  # fmt: skip
VOWEL_START = re.compile(r"^[aoe]")
LATIN_NAME = re.compile(r"^[A-Za-zü' .,-]+$")


@dataclass
class Row:
    """One division while the table is being built."""

    code: str
    level: int
    type: str
    parent: str
    name_zh: str
    short_zh: str = ""
    name_en: str = ""
    short_en: str = ""
    aliases_zh: set[str] = field(default_factory=set)
    aliases_en: set[str] = field(default_factory=set)


class Namer:
    """Short names and English names from the rules and the override table."""

    def __init__(self, overrides: dict) -> None:
        readings = {**overrides.get("chars", {}), **overrides.get("phrases", {})}
        self.phrases: dict[str, list[str]] = {k: v.split() for k, v in readings.items()}
        self.longest_first = sorted(self.phrases, key=len, reverse=True)
        self.roman: dict[str, str] = overrides.get("romanisation", {})
        self.ethnic: dict[str, str] = overrides.get("ethnic", {})
        self.codes: dict[str, dict] = overrides.get("names", {})

    def pinyin(self, text: str) -> str:
        """Romanise Chinese text as one word: phrase fixes first, pypinyin for the rest."""
        from pypinyin import Style, lazy_pinyin  # build-time dependency only

        syllables: list[str] = []
        run = ""
        i = 0
        while i < len(text):
            hit = next((p for p in self.longest_first if text.startswith(p, i)), None)
            if hit is None:
                run += text[i]
                i += 1
                continue
            if run:
                syllables += lazy_pinyin(run, style=Style.NORMAL, v_to_u=True)
                run = ""
            syllables += self.phrases[hit]
            i += len(hit)
        if run:
            syllables += lazy_pinyin(run, style=Style.NORMAL, v_to_u=True)
        word = syllables[0] + "".join(
            ("'" + s if VOWEL_START.match(s) else s) for s in syllables[1:]
        )
        return word[:1].upper() + word[1:]

    def roman_of(self, text: str) -> str:
        return self.roman.get(text) or self.pinyin(text)

    def split_ethnic(self, stem: str, bare: bool) -> tuple[str, list[str]]:
        """Strip ethnic-group names off the end of a stem: 连南瑶族 -> 连南, [瑶]. Names of two or
        more characters may lack 族 (伊犁哈萨克) when `bare`; at least two characters remain."""
        groups: list[str] = []
        forms = sorted(
            [(k + "族", k) for k in self.ethnic]
            + [(k, k) for k in self.ethnic if bare and len(k) >= 2],
            key=lambda f: len(f[0]),
            reverse=True,
        )
        while True:
            hit = next((f for f in forms if stem.endswith(f[0]) and len(stem) - len(f[0]) >= 2),
                       None)  # fmt: skip
            if hit is None:
                return stem, groups
            groups.insert(0, hit[1])
            stem = stem[: -len(hit[0])]

    def ethnic_en(self, groups: list[str]) -> str:
        words = [self.ethnic[g] for g in groups]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]

    def name(self, row: Row, suffix: str) -> None:
        """Fill short_zh, name_en, short_en for a mainland row whose type suffix is known."""
        stem = row.name_zh[: -len(suffix)] if suffix else row.name_zh
        stem, groups = self.split_ethnic(stem, bare=row.type in AUTONOMOUS)
        row.short_zh = stem if len(stem) >= 2 else row.name_zh
        type_en = SUFFIX_EN.get(suffix, TYPE_EN[row.type])
        eth = self.ethnic_en(groups) + " " if groups else ""
        row.name_en = f"{self.roman_of(stem)} {eth}{type_en}"
        row.short_en = self.roman_of(row.short_zh)
        self.apply_code_overrides(row)

    def apply_code_overrides(self, row: Row) -> None:
        extra = self.codes.get(row.code, {})
        row.short_zh = extra.get("short_zh", row.short_zh)
        row.short_en = extra.get("short_en", row.short_en)
        row.name_en = extra.get("name_en", row.name_en)
        row.aliases_zh.update(extra.get("aliases_zh", []))
        row.aliases_en.update(extra.get("aliases_en", []))


def split_suffix(name: str, suffixes: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """Return (suffix, type) for the longest suffix leaving a stem of 2+ characters, else any."""
    matches = [(s, t) for s, t in suffixes if name.endswith(s) and len(name) > len(s)]
    if not matches:
        raise ValueError(f"{name}: no known division suffix")
    return next(((s, t) for s, t in matches if len(name) - len(s) >= 2), matches[-1])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def is_placeholder(name: str) -> bool:
    """市辖区, 县 and (自治区/省)直辖县级行政区划 only group counties; they are not cities."""
    return name in ("市辖区", "县") or name.endswith("直辖县级行政区划")


def build_rows(src: Path, overrides: dict) -> list[Row]:
    namer = Namer(overrides)
    drop = set(overrides.get("source", {}).get("drop", []))
    rows: dict[str, Row] = {}
    municipalities: set[str] = set()
    for rec in read_csv(src / "provinces.csv"):
        code = rec["code"] + "0000"
        suffix, kind = split_suffix(rec["name"], PROVINCE_SUFFIXES)
        rows[code] = Row(code, 1, kind, "", rec["name"])
        namer.name(rows[code], suffix)
        if kind == "municipality":
            municipalities.add(code)
    placeholder: dict[str, str] = {}  # 4-digit placeholder city -> the province it stands for
    for rec in read_csv(src / "cities.csv"):
        province = rec["provinceCode"] + "0000"
        if is_placeholder(rec["name"]):
            placeholder[rec["code"]] = province
            continue
        code = rec["code"] + "00"
        suffix, kind = split_suffix(rec["name"], PREFECTURE_SUFFIXES)
        rows[code] = Row(code, 2, kind, province, rec["name"])
        namer.name(rows[code], suffix)
    for rec in read_csv(src / "areas.csv"):
        code, city = rec["code"], rec["cityCode"]
        # 71-79: NBS statistical codes for development zones, not GB/T 2260 divisions.
        # xx00 or a row named like its city: a prefecture city without counties (东莞, 嘉峪关).
        if code in drop or "71" <= code[4:] <= "79" or code[4:] == "00":
            continue
        parent = placeholder.get(city, city + "00")
        if parent in rows and rows[parent].name_zh == rec["name"]:
            continue
        suffixes: tuple[tuple[str, str], ...] = COUNTY_SUFFIXES
        if parent not in placeholder.values():  # 林区 is a type only directly under a province
            suffixes = tuple(p for p in COUNTY_SUFFIXES if p[0] != "林区")
        suffix, kind = split_suffix(rec["name"], suffixes)
        rows[code] = Row(code, 3, kind, parent, rec["name"])
        namer.name(rows[code], suffix)
    for code, spec in overrides.get("source", {}).get("add", {}).items():
        suffix, kind = split_suffix(spec["name"], COUNTY_SUFFIXES)
        rows[code] = Row(code, 3, kind, spec["parent"], spec["name"])
        namer.name(rows[code], suffix)
    add_sars_and_taiwan(rows, src, namer)
    missing = {r.parent for r in rows.values() if r.parent and r.parent not in rows}
    if missing:
        raise ValueError(f"parents missing from the table: {sorted(missing)}")
    add_aliases(rows.values(), namer)
    return sorted(rows.values(), key=lambda r: r.code)


def add_sars_and_taiwan(rows: dict[str, Row], src: Path, namer: Namer) -> None:
    """Hong Kong's districts and Macao's parishes (codes above); Taiwan as one province entry."""
    source = json.loads((src / "HK-MO-TW.json").read_text(encoding="utf-8"))
    for code, name in (
        ("810000", "香港特别行政区"),
        ("820000", "澳门特别行政区"),
        ("710000", "台湾省"),
    ):
        suffix, kind = split_suffix(name, PROVINCE_SUFFIXES)
        rows[code] = Row(code, 1, kind, "", name)
        namer.name(rows[code], suffix)
    sars = (
        ("81", HK_DISTRICTS, "hk_district", "香港特别行政区"),
        ("82", MACAO_PARISHES, "macao_parish", "澳门特别行政区"),
    )
    for prefix, names, kind, sar in sars:
        listed = {re.sub(r"（.*?）|\(.*?\)", "", n) for area in source[sar].values() for n in area}
        listed = {SAR_SOURCE_NAMES.get(n, n) for n in listed}
        if not listed <= set(names):
            raise ValueError(f"{sar}: source names without a code: {sorted(listed - set(names))}")
        for i, name in enumerate(names, 1):
            code = f"{prefix}{i:04d}"
            row = Row(code, 3, kind, prefix + "0000", name)
            suffix, _ = split_suffix(name, (("堂区", kind), ("区", kind)))
            row.short_zh = name[: -len(suffix)] if len(name) - len(suffix) >= 2 else name
            namer.apply_code_overrides(row)
            if kind == "hk_district" and not row.name_en:
                row.name_en = row.short_en + " District"
            if not row.name_en:
                raise ValueError(f"{code} {name}: overrides.toml [names] has no English name")
            rows[code] = row
    for alias, name in SAR_SOURCE_NAMES.items():
        next(r for r in rows.values() if r.name_zh == name).aliases_zh.add(alias)


def add_aliases(rows: Iterable[Row], namer: Namer) -> None:
    """Traditional-character forms of every Chinese name; plain pinyin where English differs."""
    import opencc  # runtime dependency of the package; the build uses it too

    converters = [opencc.OpenCC(c) for c in ("s2t", "s2hk", "s2tw")]
    rows = list(rows)
    primary = {key(n) for r in rows for n in (r.name_en, r.short_en)}
    for r in rows:
        for name in {r.name_zh, r.short_zh, *r.aliases_zh}:
            r.aliases_zh.update(c.convert(name) for c in converters)
        r.aliases_zh -= {r.name_zh, r.short_zh}
        if r.type not in ("hk_district", "macao_parish"):
            plain = namer.pinyin(r.short_zh)
            if key(plain) not in primary:
                r.aliases_en.add(plain)
                if r.name_en.startswith(r.short_en + " "):  # "Ganzi County" for Garze County
                    r.aliases_en.add(plain + r.name_en[len(r.short_en) :])
        if " Wing " in r.name_en:  # "Horqin Right Front Banner" for ... Right Wing Front Banner
            r.aliases_en.add(r.name_en.replace(" Wing ", " "))
        r.aliases_en = {a for a in r.aliases_en if key(a) not in (key(r.name_en), key(r.short_en))}


def render(rows: list[Row]) -> bytes:
    """Tab-separated UTF-8, header first, sorted by code, gzip with a zero timestamp."""
    out = io.StringIO()
    out.write("\t".join(COLUMNS) + "\n")
    for r in rows:
        aliases = ["|".join(sorted(r.aliases_zh)), "|".join(sorted(r.aliases_en))]
        fields = [r.code, str(r.level), r.type, r.parent, r.name_zh, r.short_zh, r.name_en,
                  r.short_en, *aliases]  # fmt: skip
        if any(("\t" in f or "\n" in f) for f in fields) or "|" in "".join(fields[4:8]):
            raise ValueError(f"{r.code}: a name contains a tab, newline or '|'")
        if not all(LATIN_NAME.match(n) for n in (r.name_en, r.short_en, *r.aliases_en)):
            raise ValueError(f"{r.code} {r.name_zh}: English name not romanised: {r.name_en!r}")
        out.write("\t".join(fields) + "\n")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(out.getvalue().encode("utf-8"))
    return buf.getvalue()


def build(src: Path, overrides_path: Path = OVERRIDES) -> bytes:
    """The bytes of divisions.tsv.gz for the source directory `src`."""
    overrides = tomllib.loads(overrides_path.read_text(encoding="utf-8"))
    return render(build_rows(src, overrides))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp.gazetteer.build", description=__doc__)
    parser.add_argument("src", type=Path, help="the admin-divisions directory (provinces.csv ...)")
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="output .tsv.gz")
    args = parser.parse_args(argv)
    if not (args.src / "areas.csv").is_file():
        parser.error(f"{args.src}: no areas.csv here; pass the admin-divisions directory")
    data = build(args.src)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
