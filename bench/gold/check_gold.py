#!/usr/bin/env python3
"""Validate the understanding-benchmark gold set (nlp-gold.jsonl).

Usage:
    python bench/gold/check_gold.py GOLD_JSONL ADMIN_DIVISIONS_DIR [--names]

ADMIN_DIVISIONS_DIR holds provinces.csv, cities.csv and areas.csv (GB/T 2260 codes,
NBS 2022 edition).  Exit status 1 if any error was found.  With --names, also lists
Chinese place names from the division tables that occur in a text but whose code is
not annotated (informational: most of these are deliberate traps).
"""

import csv
import json
import os
import re
import sys
from collections import Counter

LANGS = {"en", "zh", "zh-Hant", "mixed"}
RELATIONS = {"pairing", "assistance", "cooperation", "co_build", "sister_city"}
TYPES = {
    "fund",
    "industrial_park",
    "industrial_alliance",
    "incubator",
    "education",
    "health",
    "tourism_culture",
    "investment_promotion",
    "agreement",
    "talent_exchange",
    "infrastructure",
    "rural_revitalisation",
    "other",
}
CURRENCIES = {"CNY", "USD", "HKD", "MOP", "EUR"}
SAR_CODES = {"810000": "香港特别行政区", "820000": "澳门特别行政区"}
KEYS = [
    "id",
    "lang",
    "title",
    "text",
    "districts",
    "regions",
    "pairings",
    "initiatives",
    "amounts",
    "traps",
]
PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Characters whose Simplified and Traditional forms differ (simplified, traditional).
S2T = [
    ("这", "這"),
    ("们", "們"),
    ("区", "區"),
    ("县", "縣"),
    ("国", "國"),
    ("发", "發"),
    ("会", "會"),
    ("与", "與"),
    ("对", "對"),
    ("为", "為"),
    ("万", "萬"),
    ("亿", "億"),
    ("门", "門"),
    ("东", "東"),
    ("广", "廣"),
    ("业", "業"),
    ("产", "產"),
    ("资", "資"),
    ("协", "協"),
    ("帮", "幫"),
    ("经", "經"),
    ("济", "濟"),
    ("设", "設"),
    ("项", "項"),
    ("园", "園"),
    ("学", "學"),
    ("医", "醫"),
    ("务", "務"),
    ("签", "簽"),
    ("议", "議"),
    ("两", "兩"),
    ("时", "時"),
    ("进", "進"),
    ("将", "將"),
    ("还", "還"),
    ("说", "說"),
    ("际", "際"),
    ("关", "關"),
    ("动", "動"),
    ("华", "華"),
    ("侨", "僑"),
    ("乡", "鄉"),
    ("游", "遊"),
    ("过", "過"),
    ("从", "從"),
    ("长", "長"),
    ("镇", "鎮"),
    ("闻", "聞"),
    ("钱", "錢"),
    ("银", "銀"),
    ("龙", "龍"),
    ("湾", "灣"),
    ("澳门", "澳門"),
    ("术", "術"),
]
SIMP = set(s for s, t in S2T if len(s) == 1)
TRAD = set(t for s, t in S2T if len(t) == 1)

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

SENT_END = re.compile(r"([。！？]+[”’」』）)]*|[.!?]+[\"'”’)]*(?=\s))")


def sentences(text):
    """Split text into sentences: after 。！？ (and closing quotes), or .!? and a space."""
    out = []
    for para in text.split("\n\n"):
        start = 0
        for m in SENT_END.finditer(para):
            s = para[start : m.end()].strip()
            if s:
                out.append(s)
            start = m.end()
        rest = para[start:].strip()
        if rest:
            out.append(rest)
    return out


# Candidate money expressions, used to check that every amount in a text is annotated.
NUM = r"\d[\d,]*(?:\.\d+)?"
MONEY_PATTERNS = [
    re.compile(
        r"(?:人民币|人民幣|港币|港幣|澳门元|澳門元|美元)?"
        + NUM
        + r"\s*(?:千万|千萬|万|萬|亿|億)?\s*"
        + r"(?:元|港元|澳门元|澳門元|美元|欧元|歐元)(?:人民币|人民幣)?"
    ),
    re.compile(NUM + r"(?:亿|億)(?![元人户戶家頭头亩畝吨噸平方])"),
    re.compile(
        r"(?:RMB|US\$|HK\$|MOP|MOP\$|\$|€)\s?" + NUM + r"(?:\s?(?:million|billion|thousand))?"
    ),
    re.compile(NUM + r"(?:\s(?:million|billion|thousand))?\s(?:yuan|dollars|patacas|euros)"),
]


def money_spans(text):
    spans = []
    for pat in MONEY_PATTERNS:
        for m in pat.finditer(text):
            spans.append((m.start(), m.end(), m.group(0)))
    return spans


def occurrences(text, needle):
    """Start offsets of needle in text, not preceded by a digit, '.', ',' or '$'."""
    res, i = [], text.find(needle)
    while i >= 0:
        if i == 0 or not (text[i - 1].isdigit() or text[i - 1] in ".,$"):
            res.append(i)
        i = text.find(needle, i + 1)
    return res


def load_codes(d):
    codes = {}
    with open(os.path.join(d, "areas.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            codes[r["code"]] = ("area", r["name"])
    with open(os.path.join(d, "cities.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            c = r["code"] + "00"
            if c not in codes:
                codes[c] = ("city", r["name"])
    with open(os.path.join(d, "provinces.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            codes[r["code"] + "0000"] = ("province", r["name"])
    for c, n in SAR_CODES.items():
        codes[c] = ("province", n)
    return codes


def script_problems(lang, text):
    cjk = len(CJK.findall(text))
    latin = len(LATIN_WORD.findall(text))
    simp = sum(text.count(c) for c in SIMP)
    trad = sum(text.count(c) for c in TRAD)
    p = []
    if lang == "en" and (cjk > 0 or latin < 40):
        p.append(f"en text has {cjk} CJK chars, {latin} Latin words")
    if lang in ("zh", "zh-Hant") and (cjk < 80 or latin > 10):
        p.append(f"{lang} text has {cjk} CJK chars, {latin} Latin words")
    if lang == "zh" and trad > 0:
        p.append(f"zh text has {trad} Traditional-only chars")
    if lang == "zh-Hant" and (simp > 0 or trad < 5):
        p.append(f"zh-Hant text has {simp} Simplified-only chars, {trad} Traditional-only")
    if lang == "mixed" and (cjk < 20 or latin < 15):
        p.append(f"mixed text has {cjk} CJK chars, {latin} Latin words")
    return p


def check(path, codes, names=False):
    errors, seen = [], set()
    stats = Counter()
    by_lang = Counter()

    def err(aid, msg):
        errors.append(f"{aid}: {msg}")

    with open(path, encoding="utf-8") as f:
        lines = [row for row in f.read().split("\n") if row.strip()]
    for n, line in enumerate(lines, 1):
        try:
            a = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {n}: bad JSON: {e}")
            continue
        aid = a.get("id", f"line {n}")
        if list(a.keys()) != KEYS:
            err(aid, f"keys {list(a.keys())} != {KEYS}")
            continue
        if aid in seen:
            err(aid, "duplicate id")
        seen.add(aid)
        lang, text = a["lang"], a["text"]
        if lang not in LANGS:
            err(aid, f"bad lang {lang}")
        by_lang[lang] += 1
        # each set has its own prefix: none (the first set), ho-, h2- ... h8-, d2- ... d5-
        if not re.fullmatch(r"(?:(?:ho|[hd]\d)-)?(en|zh|hant|mixed)-\d{3}", aid):
            err(
                aid,
                "id should look like zh-001 / en-001 / hant-001 / mixed-001, with the set's "
                "prefix (ho-, h2-…, d2-…) for later sets",
            )
        for p in script_problems(lang, text):
            err(aid, p)
        paras = text.split("\n\n")
        if not 2 <= len(paras) <= 6 or any(not p.strip() or "\n" in p for p in paras):
            err(aid, f"{len(paras)} paragraphs (want 2-6, separated by one blank line)")
        sents = sentences(text)
        if not 3 <= len(sents) <= 10:
            err(aid, f"{len(sents)} sentences (want 3-10)")
        sentset = set(sents)

        d, r = a["districts"], a["regions"]
        for field, lst, kinds in (("districts", d, {"area", "city"}), ("regions", r, {"province"})):
            if lst != sorted(set(lst)):
                err(aid, f"{field} not sorted unique")
            for c in lst:
                if not re.fullmatch(r"\d{6}", c):
                    err(aid, f"{field}: bad code {c}")
                elif c not in codes:
                    err(aid, f"{field}: unknown code {c}")
                elif codes[c][0] not in kinds:
                    err(aid, f"{field}: {c} {codes[c][1]} is a {codes[c][0]}")
                elif codes[c][1] in PLACEHOLDER_CITIES:
                    err(aid, f"{field}: {c} is a placeholder ({codes[c][1]})")
                elif field == "districts" and 71 <= int(c[4:]) <= 79:
                    err(aid, f"{c} {codes[c][1]} is an NBS statistical zone code, not GB/T 2260")
        known = set(d) | set(r)
        stats["districts"] += len(d)
        stats["regions"] += len(r)

        member_sets = set()
        for p in a["pairings"]:
            if set(p) != {"members", "relation", "from", "to", "evidence"}:
                err(aid, f"pairing keys {sorted(p)}")
                continue
            m = p["members"]
            if m != sorted(set(m)) or len(m) < 2:
                err(aid, f"pairing members {m} not sorted unique >=2")
            if not set(m) <= known:
                err(aid, f"pairing members {m} not all in districts/regions")
            if tuple(m) in member_sets:
                err(aid, f"pairing {m} annotated twice")
            member_sets.add(tuple(m))
            if p["relation"] not in RELATIONS:
                err(aid, f"bad relation {p['relation']}")
            if (p["from"] is None) != (p["to"] is None):
                err(aid, f"pairing {m}: from/to must both be set or both null")
            if p["from"] is not None:
                if p["from"] not in m or p["to"] not in m or p["from"] == p["to"]:
                    err(aid, f"pairing {m}: from/to {p['from']}->{p['to']} not distinct members")
                if p["relation"] != "assistance":
                    err(aid, f"pairing {m}: direction given but relation is {p['relation']}")
            elif p["relation"] == "assistance":
                err(aid, f"pairing {m}: assistance without direction")
            if p["evidence"] not in sentset:
                err(aid, f"pairing evidence is not a sentence of the text: {p['evidence'][:40]}")
            stats["pairings"] += 1
            stats["directed pairings"] += p["from"] is not None

        amounts = a["amounts"]
        amount_keys = set()
        annotated_text = Counter()
        for am in amounts:
            if set(am) != {"text", "value", "currency"}:
                err(aid, f"amount keys {sorted(am)}")
                continue
            if not occurrences(text, am["text"]):
                err(aid, f"amount text not in text: {am['text']}")
            if not isinstance(am["value"], (int, float)) or am["value"] <= 0:
                err(aid, f"amount value {am['value']}")
            if am["currency"] not in CURRENCIES:
                err(aid, f"bad currency {am['currency']}")
            amount_keys.add((am["value"], am["currency"]))
            annotated_text[am["text"]] += 1
            stats["amounts"] += 1
        for t, k in annotated_text.items():
            occ = len(occurrences(text, t))
            if occ != k:
                err(aid, f"amount {t!r} occurs {occ} times in text, annotated {k} times")
        covered = []
        for t in annotated_text:
            for i in occurrences(text, t):
                covered.append((i, i + len(t)))
        for s, e, g in money_spans(text):
            if not any(cs <= s < ce or s <= cs < e for cs, ce in covered):
                err(aid, f"money expression not annotated: {g!r}")

        for it in a["initiatives"]:
            if set(it) != {"type", "districts", "amount", "date", "evidence"}:
                err(aid, f"initiative keys {sorted(it)}")
                continue
            if it["type"] not in TYPES:
                err(aid, f"bad initiative type {it['type']}")
            if not it["districts"] or it["districts"] != sorted(set(it["districts"])):
                err(aid, f"initiative districts {it['districts']} empty or unsorted")
            if not set(it["districts"]) <= known:
                err(aid, f"initiative districts {it['districts']} not in districts/regions")
            am = it["amount"]
            if am is not None and (am.get("value"), am.get("currency")) not in amount_keys:
                err(aid, f"initiative amount {am} not among annotated amounts")
            if it["date"] is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", it["date"]):
                err(aid, f"bad date {it['date']}")
            if it["evidence"] not in sentset:
                err(
                    aid, f"initiative evidence is not a sentence of the text: {it['evidence'][:40]}"
                )
            if am is not None:
                stats["initiatives with amount"] += 1
            stats["initiatives"] += 1

        if not isinstance(a["traps"], list) or not all(
            isinstance(t, str) and ":" in t for t in a["traps"]
        ):
            err(aid, "traps must be 'kind:term' strings")
        stats["traps"] += len(a["traps"])
        stats["articles"] += 1

        if names:
            found = []
            for c, (kind, name) in codes.items():
                if kind == "province" or name in PLACEHOLDER_CITIES:
                    continue
                short = re.sub(r"(市|区|县|自治县|自治州|地区)$", "", name)
                for nm in {name, short}:
                    if len(nm) >= 2 and nm in text and c not in known:
                        found.append(f"{nm}->{c}")
            if found:
                print(f"  [names] {aid}: unannotated name matches: {' '.join(sorted(set(found)))}")

    return errors, stats, by_lang


def main():
    args = [x for x in sys.argv[1:] if not x.startswith("--")]
    if len(args) != 2:
        print(__doc__)
        sys.exit(2)
    codes = load_codes(args[1])
    errors, stats, by_lang = check(args[0], codes, names="--names" in sys.argv)
    for e in errors:
        print("ERROR", e)
    print("articles by lang:", dict(sorted(by_lang.items())))
    print("counts:", dict(stats))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
