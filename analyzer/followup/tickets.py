"""The follow-up of one run: the ``tickets`` table, the ticket columns of the issues table, and the summary's ``tickets`` entry.

:func:`gather` runs before the analysis (so a bad status file or missing
credentials fail before the long part): it reads the export ledger of the
state file, the ``--ticket-status`` file and, with ``--check-tickets``, every
ticket's status from its tracker. :func:`follow_up` runs after it: one row
per exported ticket with its status and the before/after figures of
:mod:`analyzer.followup.compare`.

A status in the status file wins over the tracker's; a ticket neither
describes has status ``unknown`` (``status_source`` ``unknown``) and a note
saying how to read it.

Example:
    >>> import pandas as pd
    >>> from analyzer.export.ledger import Entry
    >>> entry = Entry("jira", "https://x.example project CX", "cfp-1", "LOG-1", "CX-1", "https://x.example/browse/CX-1")
    >>> rows = ticket_rows([entry], {"CX-1": TicketStatus("CX-1", "open", None, "file")}, None, comments=pd.DataFrame())
    >>> rows.loc[0, ["ticket_key", "status", "status_source", "verdict"]].tolist()
    ['CX-1', 'open', 'file', 'still open']
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analyzer import schema as S
from analyzer.export.ledger import Entry, Ledger
from analyzer.followup.compare import compare, verdict
from analyzer.followup.status import CLOSED, OPEN, UNKNOWN, TicketStatus, read_status_file
from analyzer.reporter import NullReporter, Reporter
from analyzer.result import Result, TicketSummary

if TYPE_CHECKING:
    from analyzer.config import AnalysisConfig, TicketCheck
    from analyzer.followup.online import OnlineSettings

IDENTITY = ["issue_id", "title", "tracker", "destination", "ticket_key", "ticket_url", "status", "closed_at", "status_source",
            "tracker_status", "status_note"]
FIGURES = ["period", "comments_before", "mentions_before", "mentions_per_period_before", "share_before",
           "comments_after", "mentions_after", "mentions_per_period_after", "share_after", "share_change", "share_change_low", "share_change_high",
           "nps_mentions_before", "nps_cost_before", "nps_cost_before_low", "nps_cost_before_high",
           "nps_mentions_after", "nps_cost_after", "nps_cost_after_low", "nps_cost_after_high", "nps_note"]
TICKET_COLUMNS = [*IDENTITY, *FIGURES, "verdict"]
"""The columns of ``tickets.csv``, in order."""
COUNTS = {"comments_before", "mentions_before", "comments_after", "mentions_after", "nps_mentions_before", "nps_mentions_after"}
TEXTS = {*IDENTITY, "period", "nps_note", "verdict"}
NOT_READ = "not read: pass --check-tickets to read it from the tracker, or list it in a --ticket-status file"


@dataclass
class TicketInputs:
    """What :func:`gather` read before the analysis: the ledger's tickets and the statuses found for them."""

    entries: list[Entry] = field(default_factory=list)
    from_file: dict[str, TicketStatus] | None = None
    online: dict[tuple[str, str, str], TicketStatus] | None = None
    status_file: str | None = None


def gather(state_path: Path, check: TicketCheck, reporter: Reporter | None = None, settings: OnlineSettings | None = None) -> TicketInputs:
    """Read the ledger's tickets and their statuses: from the status file, and from the trackers when ``check.online``.

    Raises:
        UsageError: the status file is bad, or ``--check-tickets`` lacks a tracker's credentials.
    """
    reporter = reporter or NullReporter()
    inputs = TicketInputs()
    if check.status_file is not None:
        inputs.from_file = read_status_file(check.status_file)
        inputs.status_file = str(check.status_file)
    with Ledger(state_path, readonly=True) as ledger:
        inputs.entries = ledger.entries()
    if not inputs.entries:
        if check.online or check.status_file is not None:
            reporter.warn(f"{state_path}: no exported tickets recorded (analyze export --push records them); nothing to follow up")
        return inputs
    if inputs.from_file is not None:
        known = {entry.ticket_key for entry in inputs.entries}
        strangers = [key for key in inputs.from_file if key not in known]
        if strangers:
            reporter.warn(f"{check.status_file}: {len(strangers)} key(s) match no exported ticket and are not used: "
                          f"{', '.join(strangers[:5])}{' ...' if len(strangers) > 5 else ''}")
    if check.online:
        from analyzer.followup.online import OnlineSettings, read_online

        wanted = [e for e in inputs.entries if inputs.from_file is None or e.ticket_key not in inputs.from_file]
        settings = settings or OnlineSettings(timeout=check.timeout)
        inputs.online = read_online(wanted, settings, reporter)
    return inputs


def status_of(entry: Entry, from_file: Mapping[str, TicketStatus] | None, online: Mapping[tuple[str, str, str], TicketStatus] | None) -> TicketStatus:
    """The status a ticket is followed up with: the status file's, else the tracker's, else unknown.

    Example:
        >>> status_of(Entry("github", "g repo o/r", "cfp-1", "A-1", "#4"), None, None).note.startswith("not read")
        True
    """
    if from_file is not None and entry.ticket_key in from_file:
        return from_file[entry.ticket_key]
    if online is not None and (entry.tracker, entry.destination, entry.ticket_key) in online:
        return online[(entry.tracker, entry.destination, entry.ticket_key)]
    return TicketStatus(entry.ticket_key, UNKNOWN, None, "unknown", note=NOT_READ)


def ticket_rows(entries: Sequence[Entry], from_file: Mapping[str, TicketStatus] | None, online: Mapping[tuple[str, str, str], TicketStatus] | None,
                *, comments: pd.DataFrame, respondents: pd.DataFrame | None = None, titles: Mapping[str, str] | None = None,
                resolve: Callable[[str], str] | None = None, min_mentions: int = 30, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """One row per exported ticket (columns :data:`TICKET_COLUMNS`); figures only for closed tickets with a known day."""
    rows: list[dict[str, Any]] = []
    for entry in entries:
        issue_id = resolve(entry.issue_id) if resolve else entry.issue_id
        status = status_of(entry, from_file, online)
        row: dict[str, Any] = {
            "issue_id": issue_id, "title": (titles or {}).get(issue_id, ""), "tracker": entry.tracker, "destination": entry.destination,
            "ticket_key": entry.ticket_key, "ticket_url": entry.ticket_url or "", "status": status.status,
            "closed_at": status.closed_at.isoformat() if status.closed_at else "", "status_source": status.source,
            "tracker_status": status.tracker_status, "status_note": status.note,
        }
        if status.status == CLOSED and status.closed_at is not None and S.DATE in comments.columns:
            row.update(compare(comments, issue_id, status.closed_at, respondents=respondents, min_mentions=min_mentions, n_boot=n_boot, seed=seed))
        else:
            has_dates = S.DATE in comments.columns and bool(comments[S.DATE].notna().any())
            row["verdict"] = verdict(status.status, 0, 0, float("nan"), float("nan"), min_comments=min_mentions,
                                     has_day=status.closed_at is not None, has_dates=has_dates)
        rows.append(row)
    return conform_tickets(pd.DataFrame(rows))


def conform_tickets(frame: pd.DataFrame) -> pd.DataFrame:
    """The tickets table in :data:`TICKET_COLUMNS` order and dtypes: text as ``string``, counts as ``Int64``, figures as ``float64``.

    Example:
        >>> conform_tickets(pd.DataFrame()).shape
        (0, 33)
    """
    frame = frame.reindex(columns=TICKET_COLUMNS)
    for column in TICKET_COLUMNS:
        if column in TEXTS:
            frame[column] = frame[column].astype("string").fillna("") if column not in ("period", "nps_note") else frame[column].astype("string")
        elif column in COUNTS:
            frame[column] = frame[column].astype("Float64").astype("Int64")
        else:
            frame[column] = frame[column].astype("float64")
    return frame


def issue_columns(issues: pd.DataFrame, tickets: pd.DataFrame | None) -> pd.DataFrame:
    """The issues table with its ticket columns (``ticket_key``, ``ticket_url``, ``ticket_status``, ``ticket_closed_at``) filled in.

    Example:
        >>> t = conform_tickets(pd.DataFrame({"issue_id": ["A"], "ticket_key": ["CX-1"], "status": ["closed"], "closed_at": ["2026-02-03"]}))
        >>> issue_columns(pd.DataFrame({"issue_id": ["A", "B"]}), t)["ticket_closed_at"].tolist()
        ['2026-02-03', <NA>]
    """
    out = issues.copy()
    source = {S.TICKET_KEY: "ticket_key", S.TICKET_URL: "ticket_url", S.TICKET_STATUS: "status", S.TICKET_CLOSED_AT: "closed_at"}
    for column, name in source.items():
        values: dict[str, str] = {}
        if tickets is not None and len(tickets):
            for issue_id, group in tickets.groupby("issue_id", sort=False):
                parts = [str(v) for v in group[name].fillna("") if str(v)]
                if parts:
                    values[str(issue_id)] = ";".join(parts)
        mapped = out[S.ISSUE_ID].astype(str).map(values) if S.ISSUE_ID in out.columns else pd.Series([], dtype=object)
        out[column] = pd.array(mapped.tolist(), dtype="string") if len(out) else pd.array([], dtype="string")
    return out


def summarize(tickets: pd.DataFrame, *, checked_online: bool, status_file: str | None) -> TicketSummary:
    """The summary's ``tickets`` entry.

    Example:
        >>> t = conform_tickets(pd.DataFrame({"status": ["open", "closed"], "status_source": ["file", "tracker"],
        ...                                   "verdict": ["still open", "no clear change"]}))
        >>> summarize(t, checked_online=True, status_file=None).status_from
        {'tracker': 1, 'file': 1, 'unknown': 0}
    """
    status = Counter(tickets["status"].tolist())
    sources = Counter(tickets["status_source"].tolist())
    return TicketSummary(exported=len(tickets), open=status.get(OPEN, 0), closed=status.get(CLOSED, 0), unknown=status.get(UNKNOWN, 0),
                         status_from={name: sources.get(name, 0) for name in ("tracker", "file", "unknown")},
                         verdicts=dict(Counter(tickets["verdict"].tolist()).most_common()), checked_online=checked_online,
                         status_file=status_file)


def follow_up(result: Result, inputs: TicketInputs, config: AnalysisConfig, *, titles: Mapping[str, str] | None = None,
              resolve: Callable[[str], str] | None = None) -> Result:
    """The run's result with the tickets table, the issues' ticket columns and the summary's ``tickets`` entry.

    With no exported ticket the issues get empty ticket columns and there is no tickets table.
    """
    if not inputs.entries:
        return dataclasses.replace(result, issues=issue_columns(result.issues, None))
    known = dict(titles or {})
    if len(result.issues):
        known.update({str(i): str(t) for i, t in zip(result.issues[S.ISSUE_ID], result.issues[S.ISSUE_TITLE], strict=True)})
    respondents = result.nps.respondents.table if result.nps is not None else None
    nps = config.nps
    table = ticket_rows(inputs.entries, inputs.from_file, inputs.online, comments=result.comments, respondents=respondents, titles=known,
                        resolve=resolve, min_mentions=nps.min_mentions, n_boot=nps.n_boot, seed=nps.seed)
    summary = dataclasses.replace(result.summary, tickets=summarize(table, checked_online=inputs.online is not None,
                                                                      status_file=inputs.status_file))
    return dataclasses.replace(result, issues=issue_columns(result.issues, table), tickets=table, summary=summary)

