"""The ``analyze report`` command: a thin typer layer over :func:`analyzer.report.rebuild.rebuild`.

Example:
    >>> from typer.testing import CliRunner
    >>> from analyzer.cli.app import app
    >>> "--format" in CliRunner().invoke(app, ["report", "--help"]).output
    True
"""

# ruff: noqa: E501  (typer options are declared one per line with their help text)
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from analyzer.cli.common import Debug, Quiet, reported

EPILOG = """
\b
Examples:
  analyze report analysis                      rebuild analysis/report.html from the files beside it
  analyze report analysis --format md          a digest to paste into a ticket or chat (analysis/report.md)
  analyze report analysis --format xlsx        one sheet per table (analysis/report.xlsx)
"""


def report_command(
    folder: Annotated[Path, typer.Argument(help="The --out folder of a finished run.", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", help="html (the page), md (a digest) or xlsx (one sheet per table).")] = "html",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write. Default: FOLDER/report.<format>.")] = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Rebuild the report from a run's saved outputs: the HTML page, a Markdown digest or an XLSX workbook."""
    with reported(debug):
        from analyzer.report.rebuild import rebuild

        written = rebuild(folder, fmt.lower(), output)
    if not quiet:
        Console().print(f"Wrote [bold]{escape(str(written))}[/bold]", highlight=False)
