"""The ``analyze export`` command: a thin typer layer over :func:`analyzer.export.run.export_issues`.

It is registered on the app in :mod:`analyzer.cli.app`; the options and error
handling every command shares come from :mod:`analyzer.cli.common`.

Example:
    >>> from typer.testing import CliRunner
    >>> from analyzer.cli.app import app
    >>> "--dry-run" in CliRunner().invoke(app, ["export", "--help"]).output
    True
"""

# ruff: noqa: E501  (typer options are declared one per line with their help text)
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from analyzer.cli.common import Debug, Quiet, reported

if TYPE_CHECKING:  # the export modules are imported when the command runs, not when the CLI starts
    from analyzer.export.push import PushReport
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



def _line(console: Console, action: str, key: str | None, ticket: Ticket, message: str = "") -> None:
    extra = f"  [red]{escape(message)}[/red]" if message else ""
    console.print(f"{action:<13} {escape(key or '-'):<10} {escape(ticket.issue.issue_id):<12} {escape(ticket.title)}{extra}",
                  highlight=False, soft_wrap=True)


def print_report(console: Console, report: PushReport) -> None:
    """One line per ticket (what happened, the ticket key, the issue) and a summary line."""
    for outcome in report.outcomes:
        _line(console, outcome.action, outcome.key, outcome.ticket, outcome.message)
    console.print(escape(report.summary()) + (" (dry run: nothing was written)" if report.dry_run else ""), highlight=False, soft_wrap=True)


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
    from analyzer.export.push import PushFailed
    from analyzer.export.run import ExportRequest, export_issues

    console = Console(quiet=quiet)
    request = ExportRequest(outdir, to, top=top, min_comments=min_comments, touchpoints=tuple(touchpoint), include_praise=include_praise,
                            push=push_, dry_run=dry_run, out=out, force=force, store=store, url=url, project=project, user=user,
                            token=token, issue_type=issue_type, priority=priority, priority_rule=priority_rule, taxonomy=taxonomy,
                            timeout=timeout)
    with reported(debug):
        try:
            done = export_issues(request)
        except PushFailed as failure:
            print_report(console, failure.report)
            raise
    if not done.tickets:
        console.print(f"No issues to export: {done.n_issues} in {escape(str(outdir))}, none active and matching the filters.", highlight=False)
    elif push_:
        assert done.report is not None
        print_report(console, done.report)
    elif dry_run:
        if done.report is not None:
            for outcome in done.report.outcomes:
                _line(console, outcome.action, outcome.key, outcome.ticket)
        else:
            for ticket in done.tickets:
                _line(console, "would write", None, ticket)
        console.print(f"Would write {escape(', '.join(done.planned))} to {escape(str(done.folder))} (dry run: nothing was written)",
                      highlight=False, soft_wrap=True)
    else:
        console.print(f"Wrote {len(done.written)} files for {len(done.tickets)} issues to {escape(str(done.folder))}: "
                      f"{escape(', '.join(p.name for p in done.written))}", highlight=False, soft_wrap=True)
