"""`coopwatch analyze`: every stored article not yet analysed, in batches, rerun-safe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
) -> AnalyzeReport:
    """Analyse pending articles batch by batch; each batch is stored before the next starts,
    so an interrupted run loses at most one batch and a rerun picks up where it stopped."""
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
        batch = store.pending_analysis(size, after_id=last_id, version=version)
        if not batch:
            break
        last_id = batch[-1].id or last_id
        for article, analysis in analyzer.analyze_many(batch, n_process=n_process):
            assert article.id is not None
            store.save_analysis(article.id, analysis)
            report.analysed += 1
            report.languages[analysis.language] = report.languages.get(analysis.language, 0) + 1
            report.districts += len(analysis.districts)
            report.pairings += len(analysis.pairings)
            report.initiatives += len(analysis.initiatives)
            report.amounts += len(analysis.amounts)
            if analysis.error:
                report.failed += 1
                report.errors.append(f"{article.url}: {analysis.error}")
        if progress is not None:
            progress(len(batch))
    return report
