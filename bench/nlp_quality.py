"""Understanding quality on the gold set, and analysis throughput against bare spaCy tokenising.

Usage: python -m bench.nlp_quality [GOLD_JSONL] [--repeat N] [--details]

Scores, per kind and per language: districts and regions (sets of codes per article, micro
P/R/F1), pairings (sets of members, P/R/F1; direction scored on matched pairings), initiative
recall (type and overlapping districts, and the amount where the gold has one) and amount
normalisation (gold amounts whose text is found with exactly the same value and currency).
Then the speed of `Analyzer.analyze_many` in characters per second against the bare spaCy
tokenizers over the same texts, in the same run, and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import spacy

from coopwatch.article import Analysis, Article
from nlp.language import detector_name, segments
from nlp.pipeline import PIPELINE_LANGUAGES, Analyzer, document_text, load_nlp

DEFAULT_GOLD = Path(__file__).parent / "gold" / "nlp-gold.jsonl"


class PRF:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, predicted: set, gold: set) -> None:  # type: ignore[type-arg]
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def row(self, name: str) -> str:
        return (
            f"{name:<28} P {self.p:.3f}  R {self.r:.3f}  F1 {self.f1:.3f}  (n={self.tp + self.fn})"
        )


def load_gold(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _same_initiative(found: Any, gold: dict, *, amount: bool) -> bool:  # type: ignore[type-arg]
    """Same type, a shared place, and (when asked and the gold has one) the same amount."""
    if found.type != gold["type"] or not set(found.districts) & set(gold["districts"]):
        return False
    if not amount or gold.get("amount") is None:
        return True
    return (
        found.amount is not None
        and found.amount.value == gold["amount"]["value"]
        and found.amount.currency == gold["amount"]["currency"]
    )


def _sar_district(code: str) -> bool:
    return code[:2] in ("81", "82") and code[2:] != "0000"


def score(gold: list[dict], found: list[Analysis], details: bool) -> dict[str, float]:  # type: ignore[type-arg]
    kinds = ("districts", "regions", "pairings")
    by_lang: dict[str, dict[str, PRF]] = defaultdict(lambda: {k: PRF() for k in kinds})
    direction_ok = direction_n = 0
    relation_ok = relation_n = 0
    init_hit = init_n = 0
    init_ok = init_pred = 0
    amount_ok = amount_n = 0
    for item, analysis in zip(gold, found, strict=True):
        predicted = {
            # Hong Kong's and Macao's own districts have no GB/T 2260 code the guide annotates
            # (rule 9): the system names them, the gold never does, so they are not scored
            "districts": {p.code for p in analysis.districts if not _sar_district(p.code)},
            "regions": {p.code for p in analysis.regions},
            "pairings": {frozenset(p.members) for p in analysis.pairings},
        }
        expected = {
            "districts": set(item["districts"]),
            "regions": set(item.get("regions", [])),
            "pairings": {frozenset(p["members"]) for p in item["pairings"]},
        }
        for lang in ("all", item["lang"]):
            for kind in kinds:
                by_lang[lang][kind].add(predicted[kind], expected[kind])
        for gp in item["pairings"]:
            match = next(
                (p for p in analysis.pairings if set(p.members) == set(gp["members"])), None
            )
            if match is not None:
                relation_n += 1
                relation_ok += match.relation == gp["relation"]
            if gp.get("from") and match is not None:
                direction_n += 1
                direction_ok += (match.source, match.target) == (gp["from"], gp["to"])
        # One-to-one, greedily in gold order (bench/gold/README.md, "Scoring" 3).
        unused = list(analysis.initiatives)
        for gi in item["initiatives"]:
            init_n += 1
            match = next((fi for fi in unused if _same_initiative(fi, gi, amount=True)), None)
            init_hit += match is not None
            if match is not None:
                unused.remove(match)
            elif details:
                print(f"  missed initiative {item['id']}: {gi['type']} {gi.get('amount')}")
        gold_left = list(item["initiatives"])
        for fi in analysis.initiatives:
            init_pred += 1
            hit = next((gi for gi in gold_left if _same_initiative(fi, gi, amount=False)), None)
            if hit is not None:
                init_ok += 1
                gold_left.remove(hit)
        for ga in item["amounts"]:
            amount_n += 1
            amount_ok += any(
                (a.text in ga["text"] or ga["text"] in a.text)
                and a.value == ga["value"]
                and a.currency == ga["currency"]
                for a in analysis.amounts
            )
        if details:
            for kind in kinds:
                extra, missing = predicted[kind] - expected[kind], expected[kind] - predicted[kind]
                if extra or missing:
                    print(
                        f"  {item['id']} {kind}: extra {sorted(map(str, extra))} "
                        f"missing {sorted(map(str, missing))}"
                    )
    for lang in sorted(by_lang, key=lambda k: (k != "all", k)):
        print(f"-- {lang}")
        for kind in kinds:
            print("  " + by_lang[lang][kind].row(kind))
    print(f"pairing direction right       {direction_ok}/{direction_n}")
    print(f"pairing relation right        {relation_ok}/{relation_n}")
    print(f"initiative recall             {init_hit / max(init_n, 1):.3f}  ({init_hit}/{init_n})")
    precision = init_ok / max(init_pred, 1)
    print(f"initiative precision (type)   {precision:.3f}  ({init_ok}/{init_pred})")
    labels_ok = labels_n = 0
    for item, analysis in zip(gold, found, strict=True):
        expected = {"en": {"en"}, "zh": {"zh"}, "zh-Hant": {"zh"}}.get(item["lang"], {"en", "zh"})
        for seg in analysis.segments:
            labels_n += 1
            labels_ok += seg.lang in expected
    share = labels_ok / max(labels_n, 1)
    print(f"paragraph language right      {share:.4f}  ({labels_ok}/{labels_n})")
    exact = amount_ok / max(amount_n, 1)
    print(f"amount normalisation exact    {exact:.3f}  ({amount_ok}/{amount_n})")
    return {
        "district_f1": by_lang["all"]["districts"].f1,
        "pairing_f1": by_lang["all"]["pairings"].f1,
        "initiative_recall": init_hit / max(init_n, 1),
        "amount_exact": amount_ok / max(amount_n, 1),
    }


def speed(articles: list[Article], analyzer: Analyzer, repeat: int, fresh: bool = False) -> None:
    """Best-of-``repeat`` characters per second; ``fresh`` gives each baseline pass new
    tokenizers, whose string caches would otherwise make repeated passes unfairly fast."""
    texts: dict[str, list[str]] = {lang: [] for lang in PIPELINE_LANGUAGES}
    for article in articles:
        for seg in segments(document_text(article)):
            if seg.lang in texts:
                texts[seg.lang].append(seg.text)
    chars = sum(len(document_text(a)) for a in articles)
    pipelines = {lang: load_nlp(lang) for lang in PIPELINE_LANGUAGES}
    best_bare = best_full = float("inf")
    for _ in range(repeat):
        tokenizers = {
            lang: (spacy.blank(lang).tokenizer if fresh else pipelines[lang].tokenizer)
            for lang in PIPELINE_LANGUAGES
        }
        start = time.perf_counter()
        for lang, items in texts.items():
            for _doc in tokenizers[lang].pipe(items):
                pass
        best_bare = min(best_bare, time.perf_counter() - start)
        start = time.perf_counter()
        list(analyzer.analyze_many(articles))
        best_full = min(best_full, time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"characters: {chars}  (best of {repeat})")
    print(f"bare spaCy tokenizers        {chars / best_bare:>12,.0f} chars/s")
    print(f"coopwatch analyze_many       {chars / best_full:>12,.0f} chars/s")
    print(f"ratio analyze / tokenizer    {best_bare / best_full:.2f}")
    print(f"peak memory (process)        {peak:.0f} MB")


def joined(gold: list[dict], size: int) -> list[Article]:  # type: ignore[type-arg]
    """Gold texts of one language joined into articles of about ``size`` characters."""
    out: list[Article] = []
    for lang in sorted({g["lang"] for g in gold}):
        buffer = ""
        for g in (g for g in gold if g["lang"] == lang):
            buffer = f"{buffer}\n\n{g['text']}" if buffer else g["text"]
            if len(buffer) >= size:
                out.append(Article(url=f"speed:{len(out)}", text=buffer))
                buffer = ""
        if buffer:
            out.append(Article(url=f"speed:{len(out)}", text=buffer))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "gold",
        nargs="*",
        type=Path,
        help="gold sets to score, each on its own (default: bench/gold/nlp-gold.jsonl); the "
        "speed run uses the first",
    )
    parser.add_argument("--no-speed", action="store_true", help="score only")
    parser.add_argument("--repeat", type=int, default=3, help="speed passes (best is kept)")
    parser.add_argument("--copies", type=int, default=20, help="gold set copies for the speed run")
    parser.add_argument(
        "--article-chars",
        type=int,
        default=3000,
        help="for the speed run, gold texts of one language are joined into articles of about "
        "this size (news articles are longer than the gold items)",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        action="append",
        default=[],
        help="a benchmark folder with ground-truth.json (articleBody texts): measure the speed "
        "on its unique real articles instead of copies of the gold texts (repeatable)",
    )
    parser.add_argument("--details", action="store_true", help="print every difference")
    args = parser.parse_args(argv)
    analyzer = Analyzer()
    paths = args.gold or [DEFAULT_GOLD]
    for path in paths:
        gold = load_gold(path)
        articles = [
            # The gold annotates the text only (bench/gold/README.md), so the title stays out.
            Article(url=f"gold:{g['id']}", title="", text=g["text"], id=i)
            for i, g in enumerate(gold)
        ]
        found = [analysis for _, analysis in analyzer.analyze_many(articles)]
        langs: dict[str, int] = defaultdict(int)
        for g in gold:
            langs[g["lang"]] += 1
        print(f"gold: {path.name}, {len(gold)} articles {dict(langs)}")
        score(gold, found, args.details)
    if args.no_speed:
        return 0
    print(f"langdetect: {detector_name()}")
    gold = load_gold(paths[0])
    if args.corpus:
        texts = [
            item["articleBody"]
            for folder in args.corpus
            for item in json.loads((folder / "ground-truth.json").read_text("utf-8")).values()
        ]
        runs = [Article(url=f"corpus:{i}", text=t) for i, t in enumerate(texts)]
        print(f"speed on {len(runs)} unique articles from {len(args.corpus)} corpus folder(s)")
        speed(runs, analyzer, args.repeat, fresh=True)
    else:
        speed(joined(gold, args.article_chars) * args.copies, analyzer, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
