"""Terminal presentation for the CLI: a rich reporter and the run summary.

Kept out of the library stages: they only ever talk to a
:class:`~analyzer.reporter.Reporter`.

Example:
    >>> import io
    >>> from rich.console import Console
    >>> RichReporter(Console(file=io.StringIO()), quiet=True).info("not shown")
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

if TYPE_CHECKING:  # the commands import this module before the analysis libraries load
    from analyzer.classify.labels import LabeledSet
    from analyzer.classify.modelio import FeedbackModel
    from analyzer.classify.training import Evaluation
    from analyzer.result import Result

T = TypeVar("T")
PROGRESS_AFTER_SECONDS = 2.0


class RichReporter:
    """Reports to a rich console; progress bars appear only for steps that run longer than two seconds."""

    def __init__(self, console: Console, *, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet

    def info(self, message: str) -> None:
        """Print a decision or step, dimmed."""
        if not self.quiet:
            self.console.print(f"[dim]{escape(message)}[/dim]", highlight=False, soft_wrap=True)

    def warn(self, message: str) -> None:
        """Print a warning."""
        if not self.quiet:
            self.console.print(f"[yellow]warning:[/yellow] {escape(message)}", highlight=False, soft_wrap=True)

    def track(self, items: Iterable[T], total: int, description: str) -> Iterator[T]:
        """Yield items; draw a progress bar once the step has run for two seconds."""
        if self.quiet or not self.console.is_terminal:
            yield from items
            return
        start = time.monotonic()
        progress: Progress | None = None
        task = None
        try:
            for done, item in enumerate(items):
                if progress is None and time.monotonic() - start > PROGRESS_AFTER_SECONDS:
                    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                        TimeRemainingColumn(), console=self.console, transient=True)
                    progress.start()
                    task = progress.add_task(description, total=total, completed=done)
                if progress is not None and task is not None:
                    progress.advance(task)
                yield item
        finally:
            if progress is not None:
                progress.stop()


def print_summary(console: Console, result: Result, written: list[Path]) -> None:
    """Print rows read/analysed/rejected, languages, segments and the files written.

    Example:
        >>> import io, analyzer, pandas as pd
        >>> out = io.StringIO()
        >>> print_summary(Console(file=out, width=100), analyzer.analyze(pd.DataFrame({"text": ["hello there"]})), [])
        >>> "rows read" in out.getvalue()
        True
    """
    summary = result.summary
    counts = summary.counts
    table = Table(title=f"Analysis of {escape(summary.input.name)}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("rows read", f"{counts.rows_read:,}")
    table.add_row("rows analyzed", f"{counts.rows_analyzed:,}")
    rejected = f"{counts.rows_rejected:,}"
    if summary.rejects_by_problem:
        rejected += "  (" + ", ".join(f"{k} {v}" for k, v in summary.rejects_by_problem.items()) + ")"
    table.add_row("rows rejected", rejected)
    table.add_row("segments", f"{counts.segments:,}")
    table.add_row("languages", ", ".join(f"{code} {n}" for code, n in summary.languages.items()) or "-")
    table.add_row("model adapted", f"{summary.adaptation['path']}: {summary.adaptation['reason']}")
    table.add_row("touchpoints", ", ".join(f"{tp} {n}" for tp, n in summary.touchpoints.items()) or "-")
    table.add_row("comment sentiment", ", ".join(f"{s} {n}" for s, n in summary.sentiments.items()) or "-")
    table.add_row("with NPS score", f"{counts.with_nps:,}")
    if summary.dates:
        table.add_row("dates", f"{summary.dates.first} .. {summary.dates.last}")
    redacted = f"{counts.redactions:,}" + (f" (+{counts.redactions_in_rejects:,} in rejected rows)" if counts.redactions_in_rejects else "")
    table.add_row("personal data redacted", redacted if summary.parameters["redact"] else "off (--no-redact)")
    issues = summary.issues
    table.add_row("issues", f"{issues.issues} issue(s) with {issues.sub_issues} sub-issue(s), {issues.praise_groups} praise group(s), "
                            f"grouped by {issues.grouped_by}; "
                            f"{issues.coverage:.0%} of {issues.complaint_segments:,} complaint segments in a named issue, "
                            f"{issues.other_share:.0%} other, {issues.filler_segments:,} filler segment(s) left out")
    vectors = issues.vectors or {}
    if vectors:
        table.add_row("issue vectors", f"{vectors.get('cached', 0):,} from the state file, {vectors.get('embedded', 0):,} embedded now"
                                       + (f", {vectors['beyond_budget']:,} beyond --embed-budget (matched by words)" if vectors.get("beyond_budget") else ""))
    console.print(table)
    print_top_issues(console, result.issues)
    if result.nps is not None:
        from analyzer.nps.report import summary_lines

        for line in summary_lines(result.nps):
            console.print(escape(line), highlight=False, style="bold" if line == "Why detractors?" else None)
    if written:
        folder = written[0].parent
        console.print(f"Wrote {len(written)} files to [bold]{escape(str(folder))}[/bold]: "
                      + ", ".join(escape(p.name) for p in written), highlight=False)


def print_tickets(console: Console, result: Result) -> None:
    """One line on the exported tickets followed up (nothing when none was exported); the figures are in tickets.csv."""
    tickets = result.summary.tickets
    if tickets is not None:
        verdicts = ", ".join(f"{n} {v}" for v, n in tickets.verdicts.items())
        console.print(f"Exported tickets: {tickets.exported} ({tickets.open} open, {tickets.closed} closed, {tickets.unknown} unknown): "
                      f"{escape(verdicts)}; see tickets.csv", highlight=False, soft_wrap=True)


def print_top_issues(console: Console, issues: Any, n: int = 5) -> None:
    """Two short tables: the largest active complaint issues, and those with the highest negative share.

    Example:
        >>> import io, pandas as pd
        >>> out = io.StringIO()
        >>> print_top_issues(Console(file=out, width=120), pd.DataFrame({"issue_id": ["LOG-AAAA"], "kind": ["complaint"], "status": ["active"],
        ...     "touchpoint": ["logistics"], "title": ["Courier late"], "n_comments": [4], "share_negative": [0.75], "trend": ["new"], "languages": ["en"]}))
        >>> "Courier late" in out.getvalue()
        True
    """
    active = issues[(issues["kind"] == "complaint") & (issues["status"] == "active")]
    if active.empty:
        return
    by_size = active.sort_values(["n_comments", "issue_id"], ascending=[False, True]).head(n)
    by_negative = active.sort_values(["share_negative", "n_comments", "issue_id"], ascending=[False, False, True]).head(n)
    for caption, rows in (("Top issues by size", by_size), ("Top issues by negative share", by_negative)):
        table = Table(title=caption, title_justify="left")
        for name in ("id", "issue", "touchpoint", "comments", "negative", "trend", "languages"):
            table.add_column(name, justify="right" if name in ("comments", "negative") else "left")
        for row in rows.itertuples():
            table.add_row(row.issue_id, escape(str(row.title)), escape(str(row.touchpoint)), f"{row.n_comments:,}",
                          f"{row.share_negative:.0%}", row.trend, str(row.languages))
        console.print(table)


def print_labeled_rejects(reporter: RichReporter, data: LabeledSet, limit: int = 10) -> None:
    """Warn about every refused row of a labeled file: the count, then the first ``limit`` with lines and reasons."""
    if not data.rejects:
        return
    reporter.warn(f"{data.source}: {len(data.rejects)} of {data.rows_read} row(s) not used:")
    for line, reason in data.rejects[:limit]:
        reporter.warn(f"  line {line}: {reason}")
    if len(data.rejects) > limit:
        reporter.warn(f"  ... and {len(data.rejects) - limit} more")


def _prf_table(title: str, report: dict[str, Any]) -> Table:
    table = Table(title=title, title_justify="left")
    for name in ("touchpoint", "precision", "recall", "F1", "support"):
        table.add_column(name, justify="left" if name == "touchpoint" else "right")
    for name, row in report["per_class"].items():
        table.add_row(escape(name), f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["support"]))
    micro = report["micro"]
    table.add_row("[bold]micro[/bold]", f"{micro['precision']:.3f}", f"{micro['recall']:.3f}", f"[bold]{micro['f1']:.3f}[/bold]", "")
    return table


def print_train_report(console: Console, model: FeedbackModel, folder: Path) -> None:
    """Cross-validated per-touchpoint P/R/F1, sentiment accuracy, and where the model went."""
    metrics = model.card["metrics"]
    if metrics["touchpoints"]:
        console.print(_prf_table(f"Touchpoints, {metrics['cross_validation_folds']}-fold cross-validated", metrics["touchpoints"]))
    sentiment = metrics["sentiment"]
    console.print(f"Sentiment accuracy (cross-validated, {sentiment['n']:,} pairs): [bold]{sentiment['accuracy']:.3f}[/bold]")
    console.print(f"Saved model to [bold]{escape(str(folder))}[/bold] (card: model_card.json); "
                  f"use it with: analyze FILE --model {escape(str(folder))}", highlight=False)


def print_evaluation(console: Console, evaluation: Evaluation, predictions: Path | None) -> None:
    """Touchpoint P/R/F1, sentiment accuracy given gold touchpoints, and the confusion table."""
    metrics = evaluation.metrics
    if "touchpoints" in metrics:
        console.print(_prf_table("Touchpoints", metrics["touchpoints"]))
    sentiment = metrics["sentiment_given_gold"]
    if sentiment["accuracy"] is not None:
        console.print(f"Sentiment accuracy given gold touchpoints ({sentiment['pairs']:,} pairs): [bold]{sentiment['accuracy']:.3f}[/bold]")
    if "confusion" in metrics:
        predicted = sorted({p for row in metrics["confusion"].values() for p in row})
        table = Table(title="Confusions (rows: gold, columns: predicted)", title_justify="left")
        table.add_column("gold")
        for name in predicted:
            table.add_column(escape(name), justify="right")
        for gold, row in metrics["confusion"].items():
            table.add_row(escape(gold), *[str(row.get(p, "")) for p in predicted])
        console.print(table)
    if predictions is not None:
        console.print(f"Wrote predictions to [bold]{escape(str(predictions))}[/bold]", highlight=False)
