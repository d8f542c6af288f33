"""What every command shares: the --quiet and --debug options, and turning errors into one line and an exit code.

Example:
    >>> import typer
    >>> with reported(debug=False):
    ...     pass
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from analyzer.errors import AnalyzerError

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
