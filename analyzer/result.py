"""What a run returns: the output tables (:class:`Result`) and a typed :class:`RunSummary`.

The summary is what ``summary.json`` holds; :meth:`RunSummary.to_dict` gives
exactly that shape (``analyze export`` reads it back from the file).

Example:
    >>> counts = Counts(rows_read=3, rows_analyzed=2, rows_rejected=1, segments=4, redactions=0, with_nps=0)
    >>> counts.rows_read == counts.rows_analyzed + counts.rows_rejected
    True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from analyzer.issues.store import IssueRun
    from analyzer.nps.report import NpsReport


@dataclass(frozen=True)
class InputInfo:
    """The input as read: name, format, encoding, delimiter, checksum and blank lines skipped."""

    name: str
    format: str
    encoding: str | None
    delimiter: str | None
    sha256: str
    blank_lines_skipped: int


@dataclass(frozen=True)
class Counts:
    """Rows read = analysed + rejected; segments, redactions and scores among the analysed ones."""

    rows_read: int
    rows_analyzed: int
    rows_rejected: int
    segments: int
    redactions: int
    with_nps: int
    redactions_in_rejects: int = 0


@dataclass(frozen=True)
class DateSpan:
    """First and last comment date (ISO)."""

    first: str
    last: str


@dataclass(frozen=True)
class ModelInfo:
    """The model that classified the run: where it came from, its name, creation date, featurizer and checksum."""

    path: str | None
    name: str | None
    created: str | None
    featurizer: str | None
    sha256: str | None


@dataclass(frozen=True)
class IssueStats:
    """What issue discovery found, and the caps and store it ran with."""

    issues: int
    praise_groups: int
    ignored: int
    complaint_segments: int
    coverage: float
    other_share: float
    filler_segments: int
    kinds: dict[str, int]
    max_issues: int
    min_size: int
    store: str | None
    sub_issues: int = 0
    grouped_by: str = "terms"  # meaning (e5 vectors, across touchpoints and languages) or terms
    vectors: dict[str, int] = field(default_factory=dict)  # texts whose vector came from the state file, were embedded, or beyond the budget
    background: list[str] = field(default_factory=list)  # the file's background names (a brand, its handle), never issue terms


@dataclass(frozen=True)
class NpsSummary:
    """Overall NPS with its counts and band; the answers file and join coverage when there was one."""

    nps: float | None
    band: str
    respondents: int
    promoters: int
    passives: int
    detractors: int
    significant_drivers: int
    answers_file: dict[str, Any] | None = None
    coverage: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The summary.json form: the answers file and coverage only when present."""
        return {k: v for k, v in asdict(self).items() if v is not None or k not in ("answers_file", "coverage")}


@dataclass(frozen=True)
class TicketSummary:
    """The exported tickets followed up in a run: how many, their statuses and where each was read, the verdicts."""

    exported: int
    open: int
    closed: int
    unknown: int
    status_from: dict[str, int]
    verdicts: dict[str, int]
    checked_online: bool
    status_file: str | None = None


@dataclass(frozen=True)
class RunSummary:
    """One run in figures: input, column mapping, counts, languages, dates, parameters, versions, model, adaptation, issues, NPS, tickets."""

    input: InputInfo
    columns: dict[str, str | None]
    columns_how: dict[str, str]
    counts: Counts
    rejects_by_problem: dict[str, int]
    languages: dict[str, int]
    dates: DateSpan | None
    parameters: dict[str, Any]
    versions: dict[str, str]
    started_at: str
    seconds: float
    model: ModelInfo
    adaptation: dict[str, Any]
    touchpoints: dict[str, int]
    sentiments: dict[str, int]
    issues: IssueStats
    nps: NpsSummary | None
    tickets: TicketSummary | None = None  # None: the state file records no exported ticket

    def to_dict(self) -> dict[str, Any]:
        """The summary as ``summary.json`` holds it (nested plain dicts, field order kept)."""
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for name, value in out.items():
            if name == "nps":
                out[name] = value.to_dict() if value is not None else None
            elif hasattr(value, "__dataclass_fields__"):
                out[name] = asdict(value)
        return out


@dataclass
class Result:
    """The output tables of one run, plus its summary and log.

    Attributes:
        comments: one row per analysed comment (see ``analyzer.schema.COMMENT_COLUMNS``).
        segments: one row per (sentence or clause, touchpoint) pair (see ``analyzer.schema.SEGMENT_COLUMNS``).
        rejects: one row per refused input row, with its line and reason.
        issues: one row per issue, praise group or "other" group (see ``analyzer.schema.ISSUE_COLUMNS``).
        summary: counts, languages, column mapping, parameters, versions, input checksum.
        log: every message the run reported, timestamped.
        issue_runs: this run's counts per issue, for the store (see :func:`analyzer.pipeline.remember`).
        nps: NPS overall, per period and segment, and its drivers; None when no comment or answer has a score.
        vectors: e5 vectors the run used, by cache key, for the state file.
        tickets: one row per exported ticket with its status and before/after figures (:mod:`analyzer.followup`);
            None when the state file records no exported ticket.
    """

    comments: pd.DataFrame
    segments: pd.DataFrame
    rejects: pd.DataFrame
    issues: pd.DataFrame
    summary: RunSummary
    log: list[str] = field(default_factory=list)
    issue_runs: list[IssueRun] = field(default_factory=list)
    nps: NpsReport | None = None
    vectors: dict[str, Any] = field(default_factory=dict)
    tickets: pd.DataFrame | None = None
