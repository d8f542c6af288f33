"""``analyze issues``: look after the issue catalog kept in the state file (list, rename, merge, ignore, history).

Each command opens the state file (:class:`analyzer.issues.store.Store`) and
calls one of its methods; nothing here loads the analysis libraries.
"""

# ruff: noqa: E501  (typer options are declared one per line with their help text)
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from analyzer.cli.common import EXAMPLES, Debug, reported

issues_app = typer.Typer(name="issues", help="Look after the issue catalog kept in the state file: list, rename, merge, ignore, history.",
                         no_args_is_help=True, rich_markup_mode=None, epilog=EXAMPLES)
IssueStore = Annotated[Path, typer.Option("--store", help="The state file. Default: analysis.sqlite in the current folder (where `analyze comments.csv` puts it for a file here).")]


@contextmanager
def _existing_store(path: Path) -> Iterator[Any]:
    """The state file at ``path``, opened for the body and closed after; a missing file is a usage error."""
    from analyzer.errors import UsageError
    from analyzer.issues.store import Store

    if not path.is_file():
        raise UsageError(f"{path}: no state file there; run `analyze FILE` first (it writes <output folder>.sqlite) or pass --store")
    state = Store.open(path)
    try:
        yield state
    finally:
        state.close()


@issues_app.command("list")
def issues_list(
    store: IssueStore = Path("analysis.sqlite"),
    all_: Annotated[bool, typer.Option("--all", help="Include merged issues.")] = False,
    debug: Debug = False,
) -> None:
    """List the catalog: id, status, touchpoint, title and comments in the latest run."""
    from rich.table import Table

    with reported(debug):
        with _existing_store(store) as state:
            catalog, latest = state.catalog(), state.latest_counts()
    table = Table(title=f"Issues in {escape(str(store))}", title_justify="left")
    for name in ("id", "kind", "status", "touchpoint", "title", "comments (latest run)", "first seen"):
        table.add_column(name)
    for issue in sorted(catalog, key=lambda i: (i.status != "active", -latest.get(i.issue_id, (0, ""))[0], i.issue_id)):
        if issue.status == "merged" and not all_:
            continue
        status = f"merged into {issue.merged_into}" if issue.status == "merged" else issue.status
        table.add_row(issue.issue_id, issue.kind, status, escape(issue.touchpoint), escape(issue.title),
                      str(latest.get(issue.issue_id, (0, ""))[0]), issue.created_at[:10])
    Console().print(table)


@issues_app.command("rename")
def issues_rename(
    issue_id: Annotated[str, typer.Argument(help="Issue id, e.g. LOG-JNS6.", show_default=False)],
    title: Annotated[str, typer.Argument(help="The new title; later runs keep it. An empty string restores the automatic title.", show_default=False)],
    store: IssueStore = Path("analysis.sqlite"),
    debug: Debug = False,
) -> None:
    """Give an issue your own title."""
    with reported(debug):
        with _existing_store(store) as state:
            state.rename(issue_id, title)
    typer.echo(f"{issue_id}: renamed to '{title}'" if title.strip() else f"{issue_id}: automatic title restored")


@issues_app.command("merge")
def issues_merge(
    keep: Annotated[str, typer.Argument(help="The issue that stays.", show_default=False)],
    other: Annotated[str, typer.Argument(help="The issue folded into it; its comments count under KEEP from the next run on.", show_default=False)],
    store: IssueStore = Path("analysis.sqlite"),
    debug: Debug = False,
) -> None:
    """Merge one issue into another."""
    with reported(debug):
        with _existing_store(store) as state:
            state.merge(keep, other)
    typer.echo(f"{other}: merged into {keep}; the next run counts its comments under {keep}")


@issues_app.command("ignore")
def issues_ignore(
    issue_id: Annotated[str, typer.Argument(help="Issue id.", show_default=False)],
    restore: Annotated[bool, typer.Option("--restore", help="Make an ignored issue active again.")] = False,
    store: IssueStore = Path("analysis.sqlite"),
    debug: Debug = False,
) -> None:
    """Leave an issue out of summaries and exports (it keeps its comments, so it does not come back as new)."""
    with reported(debug):
        with _existing_store(store) as state:
            state.ignore(issue_id, restore=restore)
    typer.echo(f"{issue_id}: {'active again' if restore else 'ignored'}")


@issues_app.command("history")
def issues_history(
    issue_id: Annotated[str, typer.Argument(help="Issue id.", show_default=False)],
    store: IssueStore = Path("analysis.sqlite"),
    debug: Debug = False,
) -> None:
    """An issue's counts in every run and everything that happened to it."""
    from rich.table import Table

    with reported(debug):
        with _existing_store(store) as state:
            found = state.history(issue_id)
    issue = found["issue"]
    console = Console()
    console.print(f"[bold]{issue.issue_id}[/bold] {escape(issue.title)} ({escape(issue.touchpoint)}, {issue.kind}, {issue.status})", highlight=False)
    console.print(f"key phrases: {escape('; '.join(issue.key_phrases))}", highlight=False)
    runs = Table(title="Runs", title_justify="left")
    for name in ("run", "date", "input", "comments", "of all", "segments", "negative", "trend"):
        runs.add_column(name)
    for r in found["runs"]:
        runs.add_row(str(r["run_id"]), r["started_at"][:19], escape(str(r["input"])), str(r["n_comments"]), str(r["run_comments"]),
                     str(r["n_segments"]), f"{r['share_negative']:.0%}" if r["share_negative"] is not None else "-", str(r["trend"]))
    console.print(runs)
    events = Table(title="Events", title_justify="left")
    for name in ("date", "event", "detail"):
        events.add_column(name)
    for e in found["events"]:
        events.add_row(e["at"][:19], e["action"], escape(", ".join(f"{k}: {v}" for k, v in e["detail"].items())))
    console.print(events)
