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
    """One screen: what was read and analysed, the issues, the largest ones, NPS with its top drivers, and where the files are.

    Example:
        >>> import io, analyzer, pandas as pd
        >>> out = io.StringIO()
        >>> print_summary(Console(file=out, width=100), analyzer.analyze(pd.DataFrame({"text": ["hello there"]})), [])
        >>> "rows read" in out.getvalue()
        True
    """
    summary = result.summary
    counts = summary.counts
    rejected = f"{counts.rows_rejected:,} rejected" + (" (" + ", ".join(f"{k} {v}" for k, v in summary.rejects_by_problem.items()) + ")"
                                                       if summary.rejects_by_problem else "")
    dates = f"; {summary.dates.first} .. {summary.dates.last}" if summary.dates else ""
    lines = [f"[bold]{escape(summary.input.name)}[/bold]: {counts.rows_read:,} rows read, {counts.rows_analyzed:,} analysed, {escape(rejected)}; "
             f"{counts.segments:,} segments{dates}",
             "languages " + (", ".join(f"{code} {n}" for code, n in summary.languages.items()) or "-")
             + f"; personal data redacted: {f'{counts.redactions:,}' if summary.parameters['redact'] else 'off'}"
             + f"; model adapted: {escape(str(summary.adaptation['path']))}"]
    issues = summary.issues
    vectors = issues.vectors or {}
    lines.append(f"{issues.issues} issue(s) ({issues.sub_issues} parts) and {issues.praise_groups} praise group(s), by {issues.grouped_by}; "
                 f"{issues.coverage:.0%} of {issues.complaint_segments:,} complaint segments named, {issues.other_share:.0%} other"
                 + (f"; vectors {vectors.get('cached', 0):,} cached, {vectors.get('embedded', 0):,} embedded" if vectors else "")
                 + (f", {vectors['beyond_budget']:,} beyond --embed-budget" if vectors.get("beyond_budget") else ""))
    for line in lines:
        console.print(line, highlight=False, soft_wrap=True)
    print_top_issues(console, result.issues)
    if result.nps is not None:
        from analyzer.nps.report import summary_lines

        for line in summary_lines(result.nps, n=3):
            console.print(escape(line), highlight=False, style="bold" if line == "Why detractors?" else None, soft_wrap=True)
    if written:
        folder = written[0].parent
        page = folder / "report.html"
        console.print(f"Wrote {len(written)} files to [bold]{escape(str(folder))}[/bold]; open [bold]{escape(str(page))}[/bold]", highlight=False)


def print_tickets(console: Console, result: Result) -> None:
    """One line on the exported tickets followed up (nothing when none was exported); the figures are in tickets.csv."""
    tickets = result.summary.tickets
    if tickets is not None:
        verdicts = ", ".join(f"{n} {v}" for v, n in tickets.verdicts.items())
        console.print(f"Exported tickets: {tickets.exported} ({tickets.open} open, {tickets.closed} closed, {tickets.unknown} unknown): "
                      f"{escape(verdicts)}; see tickets.csv", highlight=False, soft_wrap=True)


def print_top_issues(console: Console, issues: Any, n: int = 5) -> None:
    """The largest active complaint issues, one line each (their NPS impact, or "not enough data").

    Example:
        >>> import io, pandas as pd
        >>> out = io.StringIO()
        >>> print_top_issues(Console(file=out, width=120), pd.DataFrame({"issue_id": ["LOG-AAAA"], "kind": ["complaint"], "status": ["active"],
        ...     "touchpoint": ["logistics"], "title": ["Courier late"], "n_comments": [4], "share_negative": [0.75], "trend": ["new"], "languages": ["en"]}))
        >>> "Courier late" in out.getvalue(), out.getvalue().count("Top issues")
        (True, 1)
    """
    active = issues[(issues["kind"] == "complaint") & (issues["status"] == "active")]
    if active.empty:
        return
    rows = active.sort_values(["n_comments", "issue_id"], ascending=[False, True]).head(n)
    table = Table(title=f"Top issues ({len(rows)} largest of {len(active)})", title_justify="left", box=None, pad_edge=False)
    widths = {"id": 8, "comments": 8, "negative": 8, "trend": 9, "NPS impact": 15}  # all but the title keep their width
    widths["issue"] = max(16, min(44, console.width - sum(widths.values()) - 2 * len(widths) - 2))
    for name in ("id", "issue", "comments", "negative", "trend", "NPS impact"):
        table.add_column(name, justify="right" if name in ("comments", "negative") else "left", no_wrap=True, overflow="ellipsis",
                         min_width=widths[name] if name != "issue" else None, max_width=widths[name] if name == "issue" else None)
    from analyzer.nps.words import impact_text

    for row in rows.to_dict("records"):
        table.add_row(row["issue_id"], escape(str(row["title"])), f"{row['n_comments']:,}", f"{row['share_negative']:.0%}", row["trend"],
                      impact_text(row))
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
