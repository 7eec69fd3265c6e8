"""load_nlp and analyze: articles in, Analysis (districts, pairings, initiatives...) out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from coopwatch.article import (
    Analysis,
    Article,
    Initiative,
    Mention,
    Money,
    Pairing,
    Place,
    Segment,
)
from coopwatch.errors import ConfigError
from nlp.components.sentences import TEXT
from nlp.givers import direct_by_givers
from nlp.language import main_language, segments, to_simplified

# Bump when a change of rules or lexicons should make `coopwatch analyze --reanalyze` redo work.
PIPELINE_VERSION = "2"  # 2: initiatives typed by what money or action attaches to
CONFIGS = Path(__file__).parent / "configs"
PIPELINE_LANGUAGES = ("en", "zh")
CHUNK_CHARS = 100_000  # spaCy's documents stay far below its max_length
COMPONENTS = [
    "coopwatch_sentences",
    "coopwatch_places",
    "coopwatch_money",
    "coopwatch_pairings",
    "coopwatch_initiatives",
]


def _register() -> None:
    # Importing the modules registers the factories with spaCy.
    import nlp.components.facts  # noqa: F401
    import nlp.components.places  # noqa: F401
    import nlp.components.sentences  # noqa: F401


@cache
def load_nlp(lang: str, model: str = "") -> Any:
    """The spaCy pipeline for "en" or "zh": blank + coopwatch components, or a named model."""
    import spacy

    _register()
    if lang not in PIPELINE_LANGUAGES:
        raise ConfigError(f"no pipeline for language {lang!r}; coopwatch analyses en and zh.")
    if model:
        try:
            nlp = spacy.load(model, exclude=["lemmatizer"])
        except OSError:
            raise ConfigError(
                f"[nlp] model_{lang} = {model!r} is not an installed spaCy pipeline; install it "
                f"or set model_{lang} to an empty string for the built-in pipeline."
            ) from None
        for name in COMPONENTS:
            nlp.add_pipe(name)
    else:
        config = spacy.util.load_config(CONFIGS / f"{lang}.cfg")
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    # spaCy reports its initialisation at INFO; a crawl in the same process may have set the
    # root logger to DEBUG, and users need not read it.
    logging.getLogger("spacy").setLevel(logging.WARNING)
    nlp.initialize()
    return nlp


@dataclass
class _Part:
    """One paragraph of an article inside a language's document."""

    doc_start: int
    article_start: int
    length: int


@dataclass
class _Job:
    """One spaCy document: same-language paragraphs of one article, joined by blank lines."""

    index: int
    lang: str
    text: str
    original: str
    parts: list[_Part] = field(default_factory=list)
    year: int | None = None

    def to_article(self, start: int, end: int) -> tuple[int, int]:
        for part in self.parts:
            if part.doc_start <= start <= part.doc_start + part.length:
                delta = part.article_start - part.doc_start
                return start + delta, min(end, part.doc_start + part.length) + delta
        return start, end


def document_text(article: Article) -> str:
    """What is analysed: the title, a blank line, the text. Offsets refer to this string."""
    return f"{article.title}\n\n{article.text}" if article.title else article.text


def _jobs(index: int, full: str, article: Article, parts: list[Segment]) -> list[_Job]:
    jobs: dict[str, list[_Job]] = {}
    cursor = 0
    for seg in parts:
        start = full.find(seg.text, cursor)
        if start < 0:
            continue
        cursor = start + len(seg.text)
        if seg.lang not in PIPELINE_LANGUAGES:
            continue
        text = seg.text
        if seg.script == "Hant":
            simplified = to_simplified(text)
            if len(simplified) == len(text):  # offsets must map one to one
                text = simplified
        chunks = jobs.setdefault(seg.lang, [])
        if not chunks or len(chunks[-1].text) + len(text) > CHUNK_CHARS:
            chunks.append(_Job(index, seg.lang, "", ""))
        job = chunks[-1]
        if job.text:
            job.text += "\n\n"
            job.original += "\n\n"
        job.parts.append(_Part(len(job.text), start, len(text)))
        job.text += text
        job.original += seg.text
        job.year = article.published.year if article.published else None
    return [job for chunk in jobs.values() for job in chunk]


class Analyzer:
    """Runs the pipelines over articles, one spaCy document per article and language."""

    def __init__(self, *, model_en: str = "", model_zh: str = "", max_chars: int = 200_000) -> None:
        self.models = {"en": model_en, "zh": model_zh}
        self.max_chars = max_chars
        from nlp.gazetteer import Gazetteer

        self.gazetteer = Gazetteer.load()
        self._parents = {d.code: d.parent for d in self.gazetteer}

    def covers(self, outer: str, inner: str) -> bool:
        """Whether `outer` is `inner` or one of the divisions it lies in."""
        code: str | None = inner
        while code:
            if code == outer:
                return True
            code = self._parents.get(code)
        return False

    def pipeline(self, lang: str) -> Any:
        return load_nlp(lang, self.models[lang])

    def analyze(self, article: Article) -> Analysis:
        ((_, analysis),) = list(self.analyze_many([article]))
        return analysis

    def analyze_many(
        self, articles: Iterable[Article], *, n_process: int = 1, batch_size: int = 32
    ) -> Iterator[tuple[Article, Analysis]]:
        """(article, analysis) pairs in input order; a failing article gets analysis.error."""
        batch = list(articles)
        results: list[Analysis] = []
        jobs: list[_Job] = []
        for index, article in enumerate(batch):
            text = document_text(article)
            note = None
            if len(text) > self.max_chars:
                note = (
                    f"text of {len(text):,} characters is longer than [nlp] max_chars="
                    f"{self.max_chars:,}: only the beginning was analysed"
                )
                text = text[: self.max_chars]
            parts = segments(text)
            results.append(
                Analysis(
                    language=main_language(parts),
                    segments=parts,
                    version=PIPELINE_VERSION,
                    error=note,
                )
            )
            jobs.extend(_jobs(index, text, article, parts))
        givers: dict[int, list[tuple[str, str | None]]] = {}
        for lang in PIPELINE_LANGUAGES:
            todo = [job for job in jobs if job.lang == lang]
            if not todo:
                continue
            nlp = self.pipeline(lang)
            for doc, job in self._docs(nlp, todo, n_process, batch_size, results):
                try:
                    self._collect(doc, job, results[job.index])
                    givers.setdefault(job.index, []).extend(doc._.givers or [])
                except Exception as exc:  # noqa: BLE001 - one bad article must not stop a batch
                    results[job.index].error = f"{type(exc).__name__}: {exc}"
        for index, (article, analysis) in enumerate(zip(batch, results, strict=True)):
            _finish(analysis, givers.get(index, []), self.covers)
            yield article, analysis

    @staticmethod
    def _docs(
        nlp: Any, jobs: list[_Job], n_process: int, batch_size: int, results: list[Analysis]
    ) -> Iterator[tuple[Any, _Job]]:
        if n_process > 1:
            yield from nlp.pipe(
                ((job.text, job) for job in jobs),
                as_tuples=True,
                n_process=n_process,
                batch_size=batch_size,
            )
            return
        # In one process each document is built here, so the text is handed over once
        # (doc.text would rebuild it from the tokens) and a failure stays with its article.
        for job in jobs:
            try:
                doc = nlp.make_doc(job.text)
                doc.user_data[TEXT] = job.text
                for _name, proc in nlp.pipeline:
                    doc = proc(doc)
            except Exception as exc:  # noqa: BLE001 - one bad article must not stop a batch
                results[job.index].error = f"{type(exc).__name__}: {exc}"
                continue
            yield doc, job

    def _collect(self, doc: Any, job: _Job, analysis: Analysis) -> None:
        def original(start: int, end: int) -> tuple[str, int, int]:
            return job.original[start:end], *job.to_article(start, end)

        for ent in doc.ents:
            if ent.label_ not in ("DISTRICT", "REGION") or not ent.kb_id_:
                continue
            division = self.gazetteer.get(ent.kb_id_)
            if division is None:
                continue
            bucket = analysis.districts if ent.label_ == "DISTRICT" else analysis.regions
            place = next((p for p in bucket if p.code == division.code), None)
            if place is None:
                place = Place(division.code, division.name_zh, division.name_en, division.type)
                bucket.append(place)
            text, start, end = original(ent.start_char, ent.end_char)
            place.mentions.append(Mention(text, start, end))
        for span in doc.spans.get("money", []):
            if span._.money:
                text = job.original[span.start_char : span.end_char]
                analysis.amounts.append(
                    Money(text, span._.money["value"], span._.money["currency"])
                )
        for item in doc._.pairings or []:
            evidence = job.original[item["evidence"][0] : item["evidence"][1]].strip()
            analysis.pairings.append(
                Pairing(
                    item["members"],
                    item["relation"],
                    evidence,
                    item["source"],
                    item["target"],
                    item.get("inferred", False),
                )
            )
        for item in doc._.initiatives or []:
            evidence = job.original[item["evidence"][0] : item["evidence"][1]].strip()
            amount = item["amount"]
            analysis.initiatives.append(
                Initiative(
                    type=item["type"],
                    text=item["text"],
                    districts=item["districts"],
                    evidence=evidence,
                    amount=Money(amount["text"], amount["value"], amount["currency"])
                    if amount
                    else None,
                    date=item["date"],
                )
            )


# When an article gives one group several relations, the most specific one is kept.
RELATION_RANK = {"assistance": 0, "co_build": 1, "sister_city": 2, "pairing": 3, "cooperation": 4}


def _finish(
    analysis: Analysis,
    givers: list[tuple[str, str | None]],
    covers: Callable[[str, str], bool],
) -> None:
    """Merge what several sentences and documents found: one pairing per group of places;
    a pair one of whose sides the article says gives to the other is that one's assistance."""
    merged: dict[tuple[str, ...], Pairing] = {}
    for pairing in analysis.pairings:
        key = tuple(sorted(pairing.members))
        kept = merged.get(key)
        if kept is None:
            merged[key] = pairing
            continue
        stated = not (pairing.inferred and kept.inferred)  # one sentence said it outright
        if RELATION_RANK.get(pairing.relation, 9) < RELATION_RANK.get(kept.relation, 9):
            pairing.source = pairing.source or kept.source
            pairing.target = pairing.target or kept.target
            merged[key] = pairing
        elif kept.source is None and pairing.source is not None:
            kept.source, kept.target = pairing.source, pairing.target
        if stated:
            merged[key].inferred = False
    keys = list(merged)
    directions = direct_by_givers(
        [(key, merged[key].source) for key in keys],
        givers,
        covers,
        [merged[key].relation for key in keys],
    )
    for key, direction in zip(keys, directions, strict=True):
        # friendship cities that also give each other something stay friendship cities
        if direction is not None and merged[key].relation != "sister_city":
            pairing = merged[key]
            pairing.source, pairing.target = direction
            pairing.relation = "assistance"
    groups = [set(key) for key in merged]
    # A pair only inferred from one sentence, inside a bigger group the article names (a trio,
    # then two of it working on something), is that group at work, not a pairing of its own.

    def same_group(pairing: Pairing) -> bool:
        """Another pairing of the article names the same places, a city standing for its
        district ("杭州" for 西湖区 once the article has paired 西湖区 and 景宁)."""
        members = set(pairing.members)
        for other in merged.values():
            if other is pairing or other.inferred or len(other.members) != len(members):
                continue
            if all(any(covers(m, o) or covers(o, m) for o in other.members) for m in members):
                return True
        return False

    analysis.pairings = [
        p
        for p in merged.values()
        if not (
            p.inferred
            and p.source is None
            and (any(set(p.members) < g for g in groups) or same_group(p))
        )
    ]
    # An initiative told only with "both sides" in a paragraph of another language than the
    # pairing's belongs to the article's first pairing.
    # Without a pairing, one told without places ("本届洽谈会共签约…") is about the places of
    # the initiative before it.
    previous: list[str] = []
    for item in analysis.initiatives:
        if not item.districts:
            item.districts = list(analysis.pairings[0].members) if analysis.pairings else previous
        previous = list(item.districts) or previous
    seen: set[tuple[object, ...]] = set()
    unique = []
    for item in analysis.initiatives:
        money = (item.amount.value, item.amount.currency) if item.amount else None
        ident = (item.type, item.evidence, item.text, money)
        if ident not in seen:
            seen.add(ident)
            unique.append(item)
    analysis.initiatives = unique
