"""The export ledger: which ticket each exported issue became, per tracker, kept in the run's SQLite state file.

Tables (this module owns every table whose name starts with ``export_``)::

    export_ledger   one row per (tracker, destination, fingerprint): the ticket key and URL, the figures
                    and quote digests last sent, when it was created and last updated
    export_events   one row per action taken on a tracker (created, updated, adopted): an audit trail

``tracker`` is the tracker family (``jira``, ``github``, ``gitlab``,
``zendesk``, ``roundup``; Jira v2 and v3 share ``jira``), ``destination``
says where on it (``https://example.atlassian.net project CX``). Neither ever
holds a credential.

A row is written only after the tracker confirmed the ticket, each answer of
the tracker (one ticket, or one bulk chunk) in one transaction (``BEGIN IMMEDIATE``), so a crash or a failed request leaves the
ledger saying exactly what exists. A dry run opens the file read-only and
never creates it.

Pushes through one state file run one at a time (:meth:`Ledger.exclusive`, an
OS file lock beside it that dies with its process): two exports started
together would otherwise both find nothing and both create.

Example:
    >>> import tempfile
    >>> ledger = Ledger(Path(tempfile.mkdtemp()) / "state.sqlite")
    >>> ledger.record(Entry("jira", "https://x.example project CX", "cfp-1", "LOG-1", "CX-1", "https://x.example/browse/CX-1",
    ...                     {"n_comments": 3}, ["a1"]), "created")
    >>> ledger.get("jira", "https://x.example project CX", "cfp-1").ticket_key
    'CX-1'
    >>> ledger.close()
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from analyzer.errors import ExportError, OutputError
from analyzer.export.http import now_iso
from analyzer.reporter import NullReporter, Reporter

SCHEMA = """
CREATE TABLE IF NOT EXISTS export_ledger (
    tracker      TEXT NOT NULL,
    destination  TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    issue_id     TEXT NOT NULL,
    ticket_key   TEXT NOT NULL,
    ticket_url   TEXT,
    sent_state   TEXT NOT NULL DEFAULT '{}',
    sent_quotes  TEXT NOT NULL DEFAULT '[]',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (tracker, destination, fingerprint)
);
CREATE TABLE IF NOT EXISTS export_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    tracker      TEXT NOT NULL,
    destination  TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    issue_id     TEXT NOT NULL,
    ticket_key   TEXT NOT NULL,
    action       TEXT NOT NULL
);
"""
ACTIONS = ("created", "updated", "adopted")
LOCK_WAIT = 600.0  # seconds a push waits for another push through the same state file


@dataclass
class Entry:
    """One ledger row: the ticket an issue became on one tracker destination.

    Example:
        >>> Entry("github", "github.com/o/r", "cfp-1", "A-1", "#4").sent_quotes
        []
    """

    tracker: str
    destination: str
    fingerprint: str
    issue_id: str
    ticket_key: str
    ticket_url: str | None = None
    sent_state: dict[str, Any] = field(default_factory=dict)
    sent_quotes: list[str] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""


class Ledger:
    """The ledger tables in one SQLite file.

    Args:
        path: the SQLite state file (created with its parent folder if missing, unless ``readonly``).
        readonly: open for reading only (dry runs); a missing file or table reads as an empty ledger.

    Raises:
        OutputError: the file cannot be opened or is not an SQLite database.
    """

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._conn: sqlite3.Connection | None = None
        try:
            if readonly:
                if self.path.is_file():
                    self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, isolation_level=None)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                with self._transaction() as conn:
                    for statement in SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
        except (sqlite3.Error, OSError) as error:
            raise OutputError(f"{self.path}: cannot be used as the state store ({error}); pass another file with --store") from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        assert self._conn is not None
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def lock_path(self) -> Path:
        """The lock file of pushes through this state file."""
        return self.path.with_name(self.path.name + ".export-lock")

    @contextmanager
    def exclusive(self, reporter: Reporter | None = None, wait: float | None = None) -> Iterator[None]:
        """Hold the push lock of this state file; wait (saying so) while another push holds it.

        Read the ledger inside it: what the other push recorded is then seen.

        Raises:
            ExportError: another push held the lock for longer than ``wait`` seconds.
        """
        wait = LOCK_WAIT if wait is None else wait
        lock = FileLock(self.lock_path)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            (reporter or NullReporter()).info(f"another export is pushing through {self.path}; waiting for it to finish")
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise ExportError(f"{self.path}: another export has been pushing through this state file for over {wait:.0f} s; "
                                  f"let it finish and run again (a stopped export releases {self.lock_path.name} by itself)") from None
        try:
            yield
        finally:
            lock.release()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
        if self._conn is None:
            return []
        self._conn.row_factory = sqlite3.Row
        try:
            return list(self._conn.execute(sql, params))
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return []
            raise OutputError(f"{self.path}: cannot read the export ledger ({error})") from None

    @staticmethod
    def _entry(row: sqlite3.Row) -> Entry:
        return Entry(row["tracker"], row["destination"], row["fingerprint"], row["issue_id"], row["ticket_key"], row["ticket_url"],
                     json.loads(row["sent_state"] or "{}"), json.loads(row["sent_quotes"] or "[]"), row["created_at"], row["updated_at"])

    def get(self, tracker: str, destination: str, fingerprint: str) -> Entry | None:
        """The entry of one fingerprint on one destination, or None."""
        rows = self._rows("SELECT * FROM export_ledger WHERE tracker = ? AND destination = ? AND fingerprint = ?",
                          (tracker, destination, fingerprint))
        return self._entry(rows[0]) if rows else None

    def entries(self, tracker: str | None = None, destination: str | None = None) -> list[Entry]:
        """Every entry, optionally of one tracker family and destination, oldest first."""
        sql, params = "SELECT * FROM export_ledger WHERE 1 = 1", []
        if tracker is not None:
            sql, params = sql + " AND tracker = ?", [*params, tracker]
        if destination is not None:
            sql, params = sql + " AND destination = ?", [*params, destination]
        return [self._entry(row) for row in self._rows(sql + " ORDER BY created_at, fingerprint", tuple(params))]

    def events(self) -> list[dict[str, Any]]:
        """The audit trail, oldest first."""
        return [dict(row) for row in self._rows("SELECT * FROM export_events ORDER BY id", ())]

    def record(self, entry: Entry, action: str) -> None:
        """Insert or update one entry and log the action, in one transaction.

        Call it only once the tracker has confirmed the ticket.
        """
        self.record_many([(entry, action)])

    def record_many(self, items: Sequence[tuple[Entry, str]]) -> None:
        """Record several confirmed tickets (one answer of the tracker, e.g. a bulk create) in one transaction."""
        for _, action in items:
            if action not in ACTIONS:
                raise ValueError(f"action must be one of {ACTIONS}, got {action!r}")
        if not items:
            return
        if self.readonly or self._conn is None:
            raise OutputError(f"{self.path}: opened read-only; a dry run records nothing")
        stamp = now_iso()
        try:
            with self._transaction() as conn:
                for entry, action in items:
                    entry.created_at = entry.created_at or stamp
                    entry.updated_at = stamp
                    conn.execute(
                        "INSERT INTO export_ledger (tracker, destination, fingerprint, issue_id, ticket_key, ticket_url, sent_state,"
                        " sent_quotes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (tracker, destination, fingerprint) DO UPDATE SET issue_id = excluded.issue_id,"
                        " ticket_key = excluded.ticket_key, ticket_url = excluded.ticket_url, sent_state = excluded.sent_state,"
                        " sent_quotes = excluded.sent_quotes, updated_at = excluded.updated_at",
                        (entry.tracker, entry.destination, entry.fingerprint, entry.issue_id, entry.ticket_key, entry.ticket_url,
                         json.dumps(entry.sent_state, sort_keys=True), json.dumps(entry.sent_quotes), entry.created_at, entry.updated_at))
                    conn.execute("INSERT INTO export_events (at, tracker, destination, fingerprint, issue_id, ticket_key, action)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 (stamp, entry.tracker, entry.destination, entry.fingerprint, entry.issue_id, entry.ticket_key, action))
        except sqlite3.Error as error:
            keys = ", ".join(entry.ticket_key for entry, _ in items)
            raise OutputError(f"{self.path}: cannot write the export ledger ({error}); the tracker already has {keys}; "
                              "the next run finds them by fingerprint") from None
