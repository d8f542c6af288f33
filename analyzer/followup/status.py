"""Where each exported ticket stands: :class:`TicketStatus`, and the offline status file (``--ticket-status FILE``).

The file is a CSV with a header and the columns ``key,status,closed_at``
(other columns are ignored; ``,``, ``;`` or tab separated; UTF-8):

* ``key``: the ticket key as the export ledger holds it (``CX-12``, ``#4``, ``issue7``, ``1234``);
* ``status``: ``open`` or ``closed`` (any case);
* ``closed_at``: the day it was closed, ``YYYY-MM-DD`` (an ISO date and time is cut to its day);
  required when closed, empty when open.

Every bad row is reported, one line each, naming the file, the line and the
column and saying what is accepted; the whole file is then refused
(:class:`~analyzer.errors.UsageError`, the usage exit code): a half-read
status file would give verdicts about the wrong tickets.

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "status.csv"
    >>> _ = path.write_text("key,status,closed_at\\nCX-1,Closed,2026-02-03\\nCX-2,open,\\n")
    >>> statuses = read_status_file(path)
    >>> statuses["CX-1"].status, statuses["CX-1"].closed_at, statuses["CX-2"].source
    ('closed', datetime.date(2026, 2, 3), 'file')
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from analyzer.errors import UsageError

OPEN, CLOSED, UNKNOWN = "open", "closed", "unknown"
STATUSES = (OPEN, CLOSED)
SOURCES = ("tracker", "file", "unknown")
"""Where a status came from: read online from the tracker, from the status file, or not known."""
COLUMNS = ("key", "status", "closed_at")
MAX_LINES = 20  # bad rows listed in full; the rest are counted
OPTION = "--ticket-status"


@dataclass(frozen=True)
class TicketStatus:
    """One ticket's status for the follow-up.

    Attributes:
        key: the ticket key.
        status: ``open``, ``closed`` or ``unknown``.
        closed_at: the day it was closed (None unless closed and known).
        source: one of :data:`SOURCES`.
        tracker_status: the tracker's own name for the status, when read online.
        note: why the status is unknown, or what to know about it.

    Example:
        >>> TicketStatus("CX-1", UNKNOWN, None, "unknown", note="no credentials").closed_at is None
        True
    """

    key: str
    status: str
    closed_at: date | None
    source: str
    tracker_status: str = ""
    note: str = ""


def parse_day(text: str) -> date | None:
    """An ISO date (or date and time, cut to its day), or None when it is not one.

    Example:
        >>> parse_day("2026-02-03"), parse_day("2026-02-03T23:10:00+02:00"), parse_day("03/02/2026")
        (datetime.date(2026, 2, 3), datetime.date(2026, 2, 3), None)
    """
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{OPTION}: {path}: no such file; give a CSV with the columns key,status,closed_at") from None
    except IsADirectoryError:
        raise UsageError(f"{OPTION}: {path}: is a folder; give a CSV file with the columns key,status,closed_at") from None
    except OSError as error:
        raise UsageError(f"{OPTION}: {path}: cannot be read ({error.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UsageError(f"{OPTION}: {path}: byte {error.start + 1} is not UTF-8; save the file as UTF-8 CSV") from None


def _delimiter(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _row_status(path: Path, line: int, row: dict[str, str]) -> tuple[TicketStatus | None, list[str]]:
    where = f"{path} line {line}"
    key = (row.get("key") or "").strip()
    raw_status = (row.get("status") or "").strip()
    raw_day = (row.get("closed_at") or "").strip()
    problems: list[str] = []
    if not key:
        problems.append(f"{where}, column key: empty; give the ticket key as exported (e.g. CX-12, #4, issue7)")
    status = raw_status.lower()
    if status not in STATUSES:
        shown = repr(raw_status) if raw_status else "empty"
        problems.append(f"{where}, column status: {shown} is not a status; accepted: open, closed")
    day = parse_day(raw_day) if raw_day else None
    if raw_day and day is None:
        problems.append(f"{where}, column closed_at: {raw_day!r} is not an ISO date; accepted: YYYY-MM-DD (or an ISO date and time), "
                        "empty for an open ticket")
    elif status == CLOSED and not raw_day:
        problems.append(f"{where}, column closed_at: empty, but the ticket is closed; give the day it was closed as YYYY-MM-DD")
    elif status == OPEN and raw_day:
        problems.append(f"{where}, column closed_at: {raw_day!r} given, but the ticket is open; leave closed_at empty for an open ticket")
    if problems:
        return None, problems
    return TicketStatus(key, status, day, "file"), []


def read_status_file(path: str | Path) -> dict[str, TicketStatus]:
    """Read a status file into statuses by ticket key (see the module docstring for the format).

    Raises:
        UsageError: the file cannot be read, lacks a column, holds no rows, or has bad rows (each one listed on its own line).

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "s.csv"
        >>> _ = path.write_text("key,status,closed_at\\nCX-1,done,\\n")
        >>> read_status_file(path)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        analyzer.errors.UsageError: --ticket-status: 1 bad row in .../s.csv:
        .../s.csv line 2, column status: 'done' is not a status; accepted: open, closed
    """
    path = Path(path)
    text = _decode(path)
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise UsageError(f"{OPTION}: {path}: the file is empty; expected a header key,status,closed_at and one row per ticket")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise UsageError(f"{OPTION}: {path} line 1: missing column(s) {', '.join(missing)}; expected a header key,status,closed_at "
                         f"(found: {', '.join(h for h in header if h) or 'nothing'})")
    reader.fieldnames = header
    statuses: dict[str, TicketStatus] = {}
    first_line: dict[str, int] = {}
    problems: list[str] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue  # a blank line
            if None in row:
                problems.append(f"{path} line {line}: {len(header) + len(row[None])} fields, the header has {len(header)}; "  # type: ignore[index]
                                "quote fields that hold the separator")
                continue
            status, found = _row_status(path, line, row)
            problems += found
            if status is None:
                continue
            if status.key in statuses:
                problems.append(f"{path} line {line}, column key: {status.key!r} is listed again (first on line {first_line[status.key]}); "
                                "give each ticket once")
                continue
            statuses[status.key] = status
            first_line[status.key] = line
    except csv.Error as error:
        problems.append(f"{path} line {reader.line_num}: not readable as CSV ({error})")
    if problems:
        shown = problems[:MAX_LINES]
        more = f"\n... and {len(problems) - MAX_LINES} more" if len(problems) > MAX_LINES else ""
        raise UsageError(f"{OPTION}: {len(problems)} bad row{'s' if len(problems) != 1 else ''} in {path}:\n" + "\n".join(shown) + more)
    if not statuses:
        raise UsageError(f"{OPTION}: {path}: no ticket rows under the header; add one row per ticket: key,status,closed_at")
    return statuses
