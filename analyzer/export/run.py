"""One export, as ``analyze export`` runs it: read a run's issues, pick them, build tickets, then push, plan or write files.

:func:`export_issues` is the whole job; the command only prints its
:class:`ExportOutcome`. The touchpoint mapping (components and labels per
touchpoint) comes from the ``[export.touchpoints]`` tables of a taxonomy file.

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "t.toml"
    >>> _ = path.write_text('[export.touchpoints.logistics]\\ncomponent = "Delivery"\\n')
    >>> read_touchpoint_mapping(path)
    {'logistics': {'component': 'Delivery'}}
"""

from __future__ import annotations

import importlib.resources
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.errors import UsageError
from analyzer.export import targets
from analyzer.export.credentials import resolve_connection
from analyzer.export.issues import load_issues, select_issues, store_path
from analyzer.export.ledger import Ledger
from analyzer.export.push import PushReport, ledger_plan, push
from analyzer.export.targets import PayloadOptions, Target, file_names, get_target, pushable, write_export
from analyzer.export.tickets import PriorityRule, Ticket, build_tickets, check_mapping


@dataclass(frozen=True)
class ExportRequest:
    """Everything one export depends on (the ``analyze export`` options).

    Attributes:
        outdir: the output folder of an analysis run (holds ``summary.json`` and ``issues.json``).
        to: the target name (``jira-csv``, ``jira``, ``github``, ...; see :func:`analyzer.export.targets.get_target`).
        top, min_comments, touchpoints, include_praise: which issues (see :func:`analyzer.export.issues.select_issues`).
        push: send to the tracker instead of writing files; ``dry_run`` says what would happen and writes nothing.
        out, force: the folder for file targets (default ``OUTDIR/export/TARGET``) and whether to replace it.
        store: the state file holding the export ledger (default: the one ``summary.json`` names).
        url, project, user, token: the tracker connection (options first, then environment, then keyring).
        issue_type, priority, priority_rule, taxonomy, timeout: payload and HTTP settings.
    """

    outdir: Path
    to: str
    top: int | None = None
    min_comments: int = 0
    touchpoints: tuple[str, ...] = ()
    include_praise: bool = False
    push: bool = False
    dry_run: bool = False
    out: Path | None = None
    force: bool = False
    store: Path | None = None
    url: str | None = None
    project: str | None = None
    user: str | None = None
    token: str | None = None
    issue_type: str = "Task"
    priority: str | None = None
    priority_rule: str | None = None
    taxonomy: Path | None = None
    timeout: float = 30.0


@dataclass
class ExportOutcome:
    """What an export did.

    Attributes:
        target: the target exported to.
        n_issues: issues in the run's folder (before the filters).
        tickets: the tickets built from the selected issues (empty: nothing to export, nothing done).
        folder: where files were (or would be) written; None for a push.
        report: one outcome per ticket: a push's (or a dry run's), or the ledger's plan for a dry run of files.
        written: the files written; ``planned`` the names a dry run would write.
    """

    target: Target
    n_issues: int
    tickets: list[Ticket]
    folder: Path | None = None
    report: PushReport | None = None
    written: list[Path] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)


def read_touchpoint_mapping(path: Path | None) -> dict[str, dict[str, object]]:
    """The ``[export.touchpoints]`` tables of a taxonomy TOML file (the packaged one when ``path`` is None)."""
    source = path or Path(str(importlib.resources.files("analyzer.classify") / "taxonomy.toml"))
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


def export_issues(request: ExportRequest) -> ExportOutcome:
    """Run one export: push to the tracker, plan (dry run) or write the target's files.

    Raises:
        UsageError: an unknown target, --push with a file target, a bad rule or mapping, no ledger for a push.
        PushFailed: a push stopped part way; its ``report`` says what was done (all of it is in the ledger).
        ExportError, OutputError: the run's folder cannot be read, the tracker refused, the folder cannot be written.
    """
    target = get_target(request.to)
    if request.push and target.connect is None:
        raise UsageError(f"--push: {target.name} is a file target; --push works with {', '.join(pushable())}")
    rule = PriorityRule.parse(request.priority_rule, request.priority)
    mapping = read_touchpoint_mapping(request.taxonomy)
    issues = load_issues(request.outdir)
    selected = select_issues(issues, top=request.top, min_comments=request.min_comments, touchpoints=list(request.touchpoints),
                             include_praise=request.include_praise)
    outcome = ExportOutcome(target, len(issues), build_tickets(selected, rule, mapping))
    options = PayloadOptions(project=request.project, issue_type=request.issue_type)
    if not outcome.tickets:
        return outcome
    if request.push:
        outcome.report = _push(request, target, outcome.tickets, options)
        return outcome
    outcome.folder = request.out or request.outdir / "export" / target.name
    if request.dry_run:
        ledger_path = request.store or store_path(request.outdir)
        if target.family is not None and ledger_path is not None:
            with Ledger(ledger_path, readonly=True) as ledger:
                outcome.report = ledger_plan(outcome.tickets, ledger, target.family)
        outcome.planned = file_names(target, outcome.tickets, options)
    else:
        outcome.written = write_export(target, outcome.tickets, outcome.folder, options, force=request.force)
    return outcome


def _push(request: ExportRequest, target: Target, tickets: list[Ticket], options: PayloadOptions) -> PushReport:
    assert target.family is not None and target.connect is not None
    connection = resolve_connection(target.family, url=request.url, project=options.project, user=request.user, token=request.token)
    tracker = target.connect(connection, options, targets.ClientSettings(timeout=request.timeout))  # looked up at call time: tests replace it
    ledger_path = request.store or store_path(request.outdir)
    if ledger_path is None:
        raise UsageError(f"--store: {request.outdir / 'summary.json'} names no state store (\"store\": {{\"path\": ...}}); "
                         "pass the SQLite state file with --store")
    with Ledger(ledger_path, readonly=request.dry_run) as ledger:
        return push(tickets, tracker, ledger, dry_run=request.dry_run)
