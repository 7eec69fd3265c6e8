"""`coopwatch analyze`: every stored article not yet analysed, in batches, rerun-safe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from coopwatch.article import Analysis, Article
from coopwatch.settings import Settings
from coopwatch.store import Store
from nlp.pipeline import PIPELINE_VERSION, Analyzer


@dataclass
class AnalyzeReport:
    analysed: int = 0
    failed: int = 0
    districts: int = 0
    pairings: int = 0
    initiatives: int = 0
    amounts: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, article: Article, analysis: Analysis) -> None:
        self.analysed += 1
        self.languages[analysis.language] = self.languages.get(analysis.language, 0) + 1
        self.districts += len(analysis.districts)
        self.pairings += len(analysis.pairings)
        self.initiatives += len(analysis.initiatives)
        self.amounts += len(analysis.amounts)
        if analysis.error:
            self.failed += 1
            self.errors.append(f"{article.url}: {analysis.error}")

    def text(self) -> str:
        langs = ", ".join(f"{k} {v}" for k, v in sorted(self.languages.items())) or "none"
        lines = [
            f"Articles analysed: {self.analysed} ({self.failed} with errors; languages: {langs})",
            f"Found: {self.districts} district links, {self.pairings} pairings, "
            f"{self.initiatives} initiatives, {self.amounts} amounts",
        ]
        lines += [f"  error: {e}" for e in self.errors[:10]]
        if len(self.errors) > 10:
            lines.append(f"  ... and {len(self.errors) - 10} more")
        return "\n".join(lines)


def count_pending(store: Store, *, reanalyze: bool) -> int:
    return store.count_pending_analysis(version=PIPELINE_VERSION if reanalyze else None)


def analyze_store(
    store: Store,
    settings: Settings,
    *,
    workers: int | None = None,
    reanalyze: bool = False,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
    worker: bool = False,
) -> AnalyzeReport:
    """Analyse pending articles batch by batch; each batch is stored before the next starts,
    so an interrupted run loses at most one batch and a rerun picks up where it stopped.

    As a ``worker`` (PostgreSQL only) each batch is claimed with row locks that other
    workers skip, so any number of workers on any machines share the work."""
    analyzer = Analyzer(
        model_en=settings.nlp.model_en,
        model_zh=settings.nlp.model_zh,
        max_chars=settings.nlp.max_chars,
    )
    report = AnalyzeReport()
    n_process = workers or settings.nlp.workers
    version = PIPELINE_VERSION if reanalyze else None
    last_id = 0
    while limit is None or report.analysed < limit:
        size = settings.nlp.batch_size
        if limit is not None:
            size = min(size, limit - report.analysed)
        if worker:
            with store.claim_analysis_batch(size, version=version) as (batch, save):
                _run_batch(analyzer, batch, save, n_process, report)
        else:
            batch = store.pending_analysis(size, after_id=last_id, version=version)
            last_id = batch[-1].id or last_id if batch else last_id
            _run_batch(analyzer, batch, store.save_analysis, n_process, report)
        if not batch:
            break
        if progress is not None:
            progress(len(batch))
    return report


def _run_batch(
    analyzer: Analyzer,
    batch: list[Article],
    save: Callable[[int, Analysis], None],
    n_process: int,
    report: AnalyzeReport,
) -> None:
    for article, analysis in analyzer.analyze_many(batch, n_process=n_process):
        assert article.id is not None
        save(article.id, analysis)
        report.add(article, analysis)
