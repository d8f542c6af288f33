"""The ``analyze`` command: a thin typer layer over the library, one module per command group.

``analyze FILE`` runs the analysis (it is the ``run`` command, picked when the
first argument is not a command name); ``train``, ``evaluate``, ``export``,
``report`` and ``issues`` hang off the same app. Each command parses its options and calls
one library function (:mod:`analyzer.cli.run`, :mod:`analyzer.cli.train`,
:mod:`analyzer.cli.export`, :mod:`analyzer.cli.issues`).

Example:
    >>> from typer.testing import CliRunner
    >>> CliRunner().invoke(app, ["--version"]).output.startswith("analyze ")
    True
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import click
import typer
from rich.markup import escape
from typer.core import TyperGroup

from analyzer import __version__
from analyzer.cli import export, issues, report, run, train
from analyzer.cli.common import EXAMPLES, err_console

# typer ships its own copy of click; its exception base is reached through a public typer exception.
_CLICK_EXCEPTION = next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "ClickException")


class DefaultCommandGroup(TyperGroup):
    """A group that runs ``run`` when the first argument is not one of its commands or options."""

    default_command = "run"
    group_options = ("--help", "-h", "--version", "--install-completion", "--show-completion")

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """Run the app; a usage error click catches itself (bad option value, unknown option) is one line too."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            value = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _CLICK_EXCEPTION as error:
            if type(error).__name__ == "NoArgsIsHelpError":  # bare `analyze`: the help text, as click shows it
                error.show()
            else:
                err_console.print(f"Error: {escape(error.format_message())} (see --help)", highlight=False, soft_wrap=True)
            sys.exit(error.exit_code)
        except typer.Abort:
            err_console.print("Aborted.")
            sys.exit(1)
        sys.exit(value if isinstance(value, int) else 0)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Insert the default command name before a file argument or a run option."""
        if args and args[0] not in self.commands and args[0] not in self.group_options:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=DefaultCommandGroup,
    name="analyze",
    help="Turn customer comments into touchpoints, sentiment and a short list of recurring issues.\n" + EXAMPLES,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"analyze {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Turn customer comments into touchpoints, sentiment and a short list of recurring issues."""




app.command("run", epilog=EXAMPLES)(run.run_command)
app.command("train", epilog=EXAMPLES)(train.train_command)
app.command("evaluate", epilog=EXAMPLES)(train.evaluate_command)
app.command("export", epilog=export.EPILOG)(export.export_command)
app.command("report", epilog=report.EPILOG)(report.report_command)
app.add_typer(issues.issues_app)

if __name__ == "__main__":  # python -m analyzer.cli.app
    app()
