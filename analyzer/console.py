"""Terminal presentation for the CLI: a rich reporter and the run summary.

Kept out of the library stages: they only ever talk to a
:class:`~analyzer.reporter.Reporter`.

Example:
    >>> from rich.console import Console
    >>> RichReporter(Console(file=io.StringIO()), quiet=True).info("not shown")
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from analyzer.pipeline import Result

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
        >>> import analyzer, pandas as pd
        >>> out = io.StringIO()
        >>> print_summary(Console(file=out, width=100), analyzer.analyze(pd.DataFrame({"text": ["hello there"]})), [])
        >>> "rows read" in out.getvalue()
        True
    """
    summary = result.summary
    counts = summary["counts"]
    table = Table(title=f"Analysis of {escape(summary['input']['name'])}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("rows read", f"{counts['rows_read']:,}")
    table.add_row("rows analyzed", f"{counts['rows_analyzed']:,}")
    rejected = f"{counts['rows_rejected']:,}"
    if summary["rejects_by_problem"]:
        rejected += "  (" + ", ".join(f"{k} {v}" for k, v in summary["rejects_by_problem"].items()) + ")"
    table.add_row("rows rejected", rejected)
    table.add_row("segments", f"{counts['segments']:,}")
    table.add_row("languages", ", ".join(f"{code} {n}" for code, n in summary["languages"].items()) or "-")
    table.add_row("with NPS score", f"{counts['with_nps']:,}")
    if summary["dates"]:
        table.add_row("dates", f"{summary['dates']['first']} .. {summary['dates']['last']}")
    table.add_row("personal data redacted", f"{counts['redactions']:,}" if summary["parameters"]["redact"] else "off (--no-redact)")
    console.print(table)
    if written:
        folder = written[0].parent
        console.print(f"Wrote {len(written)} files to [bold]{escape(str(folder))}[/bold]: "
                      + ", ".join(escape(p.name) for p in written), highlight=False)
