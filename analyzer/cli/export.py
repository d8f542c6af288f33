"""The ``analyze export`` command: a thin typer layer over :mod:`analyzer.export`.

It is registered on the app in :mod:`analyzer.cli.app`; the options and error
handling every command shares come from :mod:`analyzer.cli.common`.

Example:
    >>> from typer.testing import CliRunner
    >>> from analyzer.cli.app import app
    >>> "--dry-run" in CliRunner().invoke(app, ["export", "--help"]).output
    True
"""

# ruff: noqa: E501  (typer options are declared one per line with their help text, as in analyzer/cli/app.py)
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from analyzer.cli.common import Debug, Quiet, reported
from analyzer.errors import UsageError

if TYPE_CHECKING:  # the export modules are imported when the command runs, not when the CLI starts
    from analyzer.export.push import PushReport
    from analyzer.export.targets import PayloadOptions, Target
    from analyzer.export.tickets import Ticket

EPILOG = """
\b
Priority rule (override with --priority-rule or --priority):
  points = one per comments threshold reached (default 10, 50)
         + one per negative-share threshold reached (default 0.75)
         + one per NPS-impact threshold reached (default 1, 3 points;
           none when unknown or when its interval includes 0)
  0 Lowest, 1 Low, 2 Medium, 3 High, 4+ Highest

\b
Credentials (options first, then environment, then keyring "feedback-analyzer"):
  jira     JIRA_URL, JIRA_PROJECT, JIRA_EMAIL (Cloud), JIRA_TOKEN
  github   GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_API_URL
  gitlab   GITLAB_PROJECT, GITLAB_TOKEN, GITLAB_URL
  zendesk  ZENDESK_URL, ZENDESK_EMAIL, ZENDESK_TOKEN
  roundup  ROUNDUP_URL, ROUNDUP_USER, ROUNDUP_PASSWORD

\b
Examples:
  analyze export analysis --to jira-csv
  analyze export analysis --to jira --project CX --top 10
  analyze export analysis --to github --push --dry-run
  analyze export analysis --to roundup --push --url http://127.0.0.1:8917/tracker
"""



def read_touchpoint_mapping(path: Path | None) -> dict[str, dict[str, object]]:
    """The ``[export.touchpoints]`` tables of a taxonomy TOML file (the packaged one when ``path`` is None).

    Raises:
        UsageError: the file cannot be read or the tables do not fit.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "t.toml"
        >>> _ = path.write_text('[export.touchpoints.logistics]\\ncomponent = "Delivery"\\n')
        >>> read_touchpoint_mapping(path)
        {'logistics': {'component': 'Delivery'}}
    """
    from analyzer.export.tickets import check_mapping

    source = path or Path(__file__).resolve().parent.parent / "classify" / "taxonomy.toml"
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"--taxonomy: {source} cannot be read ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"--taxonomy: {source} is not valid TOML ({error})") from None
    section = data.get("export", {})
    touchpoints = section.get("touchpoints", {}) if isinstance(section, dict) else None
    if not isinstance(touchpoints, dict):
        raise UsageError(f"--taxonomy: {source}: [export.touchpoints] must be a table of tables, one per touchpoint")
    return check_mapping(touchpoints, f"{source.name}: export.touchpoints")


def _line(console: Console, action: str, key: str | None, ticket: Ticket, message: str = "") -> None:
    extra = f"  [red]{escape(message)}[/red]" if message else ""
    console.print(f"{action:<13} {escape(key or '-'):<10} {escape(ticket.issue.issue_id):<12} {escape(ticket.title)}{extra}",
                  highlight=False, soft_wrap=True)


def print_report(console: Console, report: PushReport) -> None:
    """One line per ticket (what happened, the ticket key, the issue) and a summary line."""
    for outcome in report.outcomes:
        _line(console, outcome.action, outcome.key, outcome.ticket, outcome.message)
    console.print(escape(report.summary()) + (" (dry run: nothing was written)" if report.dry_run else ""), highlight=False, soft_wrap=True)


def _ledger_path(outdir: Path, store: Path | None) -> Path:
    from analyzer.export.issues import store_path

    path = store or store_path(outdir)
    if path is None:
        raise UsageError(f"--store: {outdir / 'summary.json'} names no state store (\"store\": {{\"path\": ...}}); "
                         "pass the SQLite state file with --store")
    return path


def export_command(
    outdir: Annotated[Path, typer.Argument(help="Output folder of an analysis run (holds summary.json and issues.json).", show_default=False)],
    to: Annotated[str, typer.Option("--to", "-t", help="Target: jira-csv, jira, jira-v2, github, gitlab, zendesk, roundup, csv, xlsx, json, markdown.",
                                    show_default=False)],
    top: Annotated[int | None, typer.Option("--top", min=1, help="Export only the N largest issues (most comments first).")] = None,
    min_comments: Annotated[int, typer.Option("--min-comments", min=0, help="Export only issues with at least K comments.")] = 0,
    touchpoint: Annotated[list[str], typer.Option("--touchpoint", help="Export only issues of this touchpoint (repeatable).")] = [],  # noqa: B006
    include_praise: Annotated[bool, typer.Option("--include-praise", help="Export praise groups too (default: complaints only).")] = False,
    push_: Annotated[bool, typer.Option("--push", help="Send to the tracker (jira, jira-v2, github, gitlab, zendesk, roundup) instead of writing files.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would be created, updated or written, and write nothing.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the files. Default: OUTDIR/export/TARGET.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an --out folder that holds something other than an earlier export.")] = False,
    store: Annotated[Path | None, typer.Option("--store", help="SQLite state file holding the export ledger. Default: the one summary.json names.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Tracker URL. Default: from the environment (JIRA_URL, ROUNDUP_URL, ...).")] = None,
    project: Annotated[str | None, typer.Option("--project", "--repo", help="Jira project key, GitLab project id or path, or GitHub owner/repo.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="User or e-mail for trackers that need one (Jira Cloud, Zendesk, Roundup).")] = None,
    token: Annotated[str | None, typer.Option("--token", help="API token or password; prefer the environment variable, options show in the process list.")] = None,
    issue_type: Annotated[str, typer.Option("--issue-type", help="Jira issue type to create.")] = "Task",
    priority: Annotated[str | None, typer.Option("--priority", help="Give every ticket this priority: Highest, High, Medium, Low or Lowest.")] = None,
    priority_rule: Annotated[str | None, typer.Option("--priority-rule", help="Thresholds, e.g. \"comments=10,50;negative=0.75;nps=1,3\" (the default).")] = None,
    taxonomy: Annotated[Path | None, typer.Option("--taxonomy", help="Taxonomy TOML whose [export.touchpoints] maps touchpoints to components and labels. Default: the packaged one.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=1.0, help="Seconds to wait for each tracker answer.")] = 30.0,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Export recurring issues to a ticketing tool or a file, never filing the same issue twice.

    Without --push, payload targets write files to OUTDIR/export/TARGET. With --push, each issue is looked up in the
    export ledger and searched on the tracker by its fingerprint; a known ticket gets a comment with new counts and
    quotes (only when they changed), an unknown one is created.
    """
    from analyzer.export.issues import load_issues, select_issues
    from analyzer.export.targets import PayloadOptions, get_target, pushable, write_export
    from analyzer.export.tickets import PriorityRule, build_tickets

    console = Console(quiet=quiet)
    with reported(debug):
        target = get_target(to)
        if push_ and target.connect is None:
            raise UsageError(f"--push: {target.name} is a file target; --push works with {', '.join(pushable())}")
        rule = PriorityRule.parse(priority_rule, priority)
        mapping = read_touchpoint_mapping(taxonomy)
        issues = load_issues(outdir)
        selected = select_issues(issues, top=top, min_comments=min_comments, touchpoints=touchpoint, include_praise=include_praise)
        tickets = build_tickets(selected, rule, mapping)
        options = PayloadOptions(project=project, issue_type=issue_type)
        if not tickets:
            console.print(f"No issues to export: {len(issues)} in {escape(str(outdir))}, none active and matching the filters.", highlight=False)
            return
        if push_:
            _push(console, target, tickets, options, outdir=outdir, store=store, dry_run=dry_run, url=url, user=user, token=token,
                  timeout=timeout)
        elif dry_run:
            _plan_files(console, target, tickets, options, outdir=outdir, out=out, store=store)
        else:
            folder = out or outdir / "export" / target.name
            written = write_export(target, tickets, folder, options, force=force)
            console.print(f"Wrote {len(written)} files for {len(tickets)} issues to {escape(str(folder))}: "
                          f"{escape(', '.join(p.name for p in written))}", highlight=False, soft_wrap=True)


def _push(console: Console, target: Target, tickets: list[Ticket], options: PayloadOptions, *, outdir: Path, store: Path | None,
          dry_run: bool, url: str | None, user: str | None, token: str | None, timeout: float) -> None:
    from analyzer.export.credentials import resolve_connection
    from analyzer.export.ledger import Ledger
    from analyzer.export.push import PushFailed, push
    from analyzer.export.targets import ClientSettings

    assert target.family is not None and target.connect is not None
    connection = resolve_connection(target.family, url=url, project=options.project, user=user, token=token)
    tracker = target.connect(connection, options, ClientSettings(timeout=timeout))
    with Ledger(_ledger_path(outdir, store), readonly=dry_run) as ledger:
        try:
            report = push(tickets, tracker, ledger, dry_run=dry_run)
        except PushFailed as failure:
            print_report(console, failure.report)
            raise
    print_report(console, report)


def _plan_files(console: Console, target: Target, tickets: list[Ticket], options: PayloadOptions, *, outdir: Path, out: Path | None,
                store: Path | None) -> None:
    from analyzer.export.issues import store_path
    from analyzer.export.ledger import Ledger
    from analyzer.export.push import ledger_plan
    from analyzer.export.targets import file_names

    folder = out or outdir / "export" / target.name
    path = store or store_path(outdir)
    if target.family is not None and path is not None:
        with Ledger(path, readonly=True) as ledger:
            plan = ledger_plan(tickets, ledger, target.family)
        for outcome in plan.outcomes:
            _line(console, outcome.action, outcome.key, outcome.ticket)
    else:
        for ticket in tickets:
            _line(console, "would write", None, ticket)
    console.print(f"Would write {escape(', '.join(file_names(target, tickets, options)))} to {escape(str(folder))} "
                  "(dry run: nothing was written)", highlight=False, soft_wrap=True)
