"""What every command shares: the examples, the --quiet and --debug options and other shared ones, and turning errors into one line and an exit code.

Example:
    >>> import typer
    >>> with reported(debug=False):
    ...     pass
"""

# ruff: noqa: E501  (typer options are declared one per line with their help text)
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from analyzer.errors import AnalyzerError

EXAMPLES = """
\b
Examples:
  analyze comments.csv                      analyse a file, outputs in analysis/ beside it
  analyze comments.xlsx --out report --force
  analyze export.csv --text-col Remark --nps-col "Score 0-10" --encoding cp1251
  cat comments.csv | analyze - --out analysis
  analyze comments.csv --languages en,ru --format parquet --format xlsx
  analyze comments.csv --model my-model
  analyze train labeled.csv --out my-model
  analyze evaluate test.csv --model my-model --predictions predictions.csv
  analyze comments.csv --max-issues 10 --min-size 5 --store team.sqlite
  analyze comments.csv --nps answers.csv --nps-respondent-col client --min-mentions 20
  analyze issues list --store team.sqlite
  analyze issues rename LOG-JNS6 "Courier does not call ahead" --store team.sqlite
  analyze issues merge LOG-JNS6 LOG-UX22 --store team.sqlite
  analyze later.csv --store team.sqlite --check-tickets
  analyze later.csv --store team.sqlite --ticket-status status.csv
"""


# Options shared by several commands, declared once.
TextColumn = Annotated[str | None, typer.Option("--text-col", help="Column holding the text. Default: guessed.")]
LabelsColumn = Annotated[str | None, typer.Option("--labels-col", help="Column of touchpoint:sentiment pairs. Default: labels.")]
SentimentColumn = Annotated[str | None, typer.Option("--sentiment-col", help="Column of overall sentiment, for sentiment-only files. Default: sentiment.")]
StorePath = Annotated[Path | None, typer.Option("--store", help="SQLite state file with the issue catalog. Default: <output folder>.sqlite beside the output folder.")]
LabeledEncoding = Annotated[str | None, typer.Option("--encoding", help="Text encoding of the file. Default: detected.")]


Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
Debug = Annotated[bool, typer.Option("--debug", help="Show the full traceback of an error.")]

err_console = Console(stderr=True)


@contextmanager
def reported(debug: bool) -> Iterator[None]:
    """Turn any error in the body into one line on stderr and an exit code (the traceback only with --debug)."""
    try:
        yield
    except typer.Exit:
        raise
    except AnalyzerError as error:
        if debug:
            raise
        err_console.print(f"[red]Error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        err_console.print("Interrupted; previous outputs and models were left as they were.")
        raise typer.Exit(130) from None
    except Exception as error:  # a bug: one line unless --debug, never a bare traceback
        if debug:
            raise
        err_console.print(f"[red]Internal error:[/red] {escape(type(error).__name__)}: {escape(str(error))} "
                          "(run again with --debug for the traceback and please report it)", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def split_languages(value: str) -> tuple[str, ...]:
    """``--languages en, RU`` as a tuple of codes.

    Example:
        >>> split_languages("en, RU,,kk")
        ('en', 'ru', 'kk')
    """
    return tuple(code.strip().lower() for code in value.split(",") if code.strip())
