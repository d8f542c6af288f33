"""The SQLite state file: the issue catalog and every run's counts, kept between runs.

One file (``analysis.sqlite`` beside the ``analysis/`` output folder by
default, ``--store PATH`` to share one) holds:

- ``issues``: the catalog. Each issue's id, touchpoint, kind, language, fingerprint
  (its heaviest terms, see :mod:`analyzer.issues.terms`), the title and key phrases
  the last run gave it, a title the user chose, and its status: ``active``,
  ``ignored``, or ``merged`` (then ``merged_into`` names the issue that took it
  over; its fingerprint keeps matching, for the surviving id).
- ``runs`` and ``issue_runs``: when each run happened, on what input, and each
  issue's counts in it (for trends and ``analyze issues history``).
- ``events``: created, renamed, merged, ignored, restored, split: who became what, when.

Every write is one transaction, so a crash leaves the file as it was before
the write. Other modules keep their own tables in the same file (the export
ledger's tables start with ``export_``).

Example:
    >>> store = Store.open(":memory:")
    >>> store.add_run(RunRecord("2026-11-22T10:00:00", "c.csv", "ab12", 10, [
    ...     IssueRun("LOG-AAAA", "logistics", "complaint", "en", {"late": 1.0}, "Late", ["late"], 4, 3, 1.0, None, None, "new")]))
    1
    >>> store.rename("LOG-AAAA", "Courier late")
    >>> store.get("LOG-AAAA").title
    'Courier late'
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from analyzer.errors import OutputError, UsageError
from analyzer.issues.vector_cache import pack_vector, remember_vectors, unpack_vector

SCHEMA_VERSION = 2  # 2: issues.centroid and the text_vectors cache
ACTIVE, IGNORED, MERGED = "active", "ignored", "merged"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    input_name TEXT,
    input_sha256 TEXT,
    n_comments INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS issues (
    issue_id TEXT PRIMARY KEY,
    touchpoint TEXT NOT NULL,
    kind TEXT NOT NULL,
    lang TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    auto_title TEXT NOT NULL,
    user_title TEXT,
    key_phrases TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    merged_into TEXT REFERENCES issues(issue_id),
    split_from TEXT REFERENCES issues(issue_id),
    created_run INTEGER REFERENCES runs(run_id),
    created_at TEXT NOT NULL,
    centroid BLOB
);
CREATE TABLE IF NOT EXISTS issue_runs (
    run_id INTEGER NOT NULL REFERENCES runs(run_id),
    issue_id TEXT NOT NULL REFERENCES issues(issue_id),
    n_segments INTEGER NOT NULL,
    n_comments INTEGER NOT NULL,
    share_negative REAL,
    first_seen TEXT,
    last_seen TEXT,
    trend TEXT,
    PRIMARY KEY (run_id, issue_id)
);
CREATE TABLE IF NOT EXISTS events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    issue_id TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT,
    run_id INTEGER
);
CREATE TABLE IF NOT EXISTS text_vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL, used_at INTEGER NOT NULL);
"""



def fingerprint_code(issue_id: str) -> str:
    """The stable fingerprint of an issue, which tickets carry: ``cfp-`` and 12 hex digits of the id's sha256.

    Example:
        >>> fingerprint_code("LOG-JNS6")
        'cfp-607c05acf6af'
    """
    return "cfp-" + hashlib.sha256(f"issue:{issue_id}".encode()).hexdigest()[:12]


@dataclass
class CatalogIssue:
    """One issue as the store knows it."""

    issue_id: str
    touchpoint: str
    kind: str
    lang: str
    fingerprint: dict[str, float]
    auto_title: str
    user_title: str | None
    key_phrases: list[str]
    status: str
    merged_into: str | None
    split_from: str | None
    created_at: str
    centroid: np.ndarray | None = None  # mean e5 vector of its members when it was found by meaning

    @property
    def title(self) -> str:
        """The user's title when they gave one, else the last automatic one."""
        return self.user_title or self.auto_title


@dataclass
class IssueRun:
    """An issue's state in one run: what the catalog learns from it."""

    issue_id: str
    touchpoint: str
    kind: str
    lang: str
    fingerprint: dict[str, float]
    auto_title: str
    key_phrases: list[str]
    n_segments: int
    n_comments: int
    share_negative: float | None
    first_seen: str | None
    last_seen: str | None
    trend: str
    split_from: str | None = None
    centroid: np.ndarray | None = None


@dataclass
class RunRecord:
    """A finished run: when, on what, how many comments, and its issues."""

    started_at: str
    input_name: str | None
    input_sha256: str | None
    n_comments: int
    issues: list[IssueRun] = field(default_factory=list)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # text key -> e5 vector, for the cache


class Store:
    """The state file. Open with :meth:`open`; every method that writes is one transaction."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self.connection = connection
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open (creating when absent) the state file at ``path``.

        Raises:
            OutputError: the file is not an analyzer store, is from a newer version, or cannot be written.
        """
        name = str(path)
        if name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(name, isolation_level=None, timeout=30)
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA journal_mode = WAL" if name != ":memory:" else "PRAGMA journal_mode = MEMORY")
            store = cls(connection, name)
            with store._transaction():
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    connection.execute(statement)
                row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                if row is None:
                    connection.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                elif int(row[0]) < SCHEMA_VERSION:  # version 1: issues had no centroid
                    columns = {r[1] for r in connection.execute("PRAGMA table_info(issues)")}
                    if "centroid" not in columns:
                        connection.execute("ALTER TABLE issues ADD COLUMN centroid BLOB")
                    connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
                elif int(row[0]) > SCHEMA_VERSION:
                    raise OutputError(f"{name}: the state file is from a newer analyzer (schema {row[0]}, this one reads {SCHEMA_VERSION}); "
                                      "upgrade the analyzer or pass another --store")
        except sqlite3.DatabaseError as exc:
            raise OutputError(f"{name}: cannot be used as the state file ({exc}); pass --store with a new or existing analyzer store") from exc
        return store

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    # reading ----------------------------------------------------------------
    def catalog(self) -> list[CatalogIssue]:
        """Every issue ever recorded, in id order."""
        rows = self.connection.execute(
            "SELECT issue_id, touchpoint, kind, lang, fingerprint, auto_title, user_title, key_phrases, status, merged_into, split_from, created_at, "
            "centroid FROM issues ORDER BY issue_id").fetchall()
        return [CatalogIssue(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], json.loads(r[7]), r[8], r[9], r[10], r[11], unpack_vector(r[12]))
                for r in rows]

    def get(self, issue_id: str) -> CatalogIssue:
        """One issue by id.

        Raises:
            UsageError: no issue has that id (the message says how to list them).
        """
        for issue in self.catalog():
            if issue.issue_id == issue_id:
                return issue
        raise UsageError(f"{self.path}: no issue '{issue_id}'; `analyze issues list` shows the ids")

    def resolve(self, issue_id: str) -> str:
        """The id an issue's segments count under: itself, or the issue it was merged into (followed to the end)."""
        seen = {issue_id}
        current = issue_id
        while True:
            row = self.connection.execute("SELECT merged_into FROM issues WHERE issue_id = ?", (current,)).fetchone()
            if row is None or row[0] is None or row[0] in seen:
                return current
            current = row[0]
            seen.add(current)

    def last_run(self) -> tuple[int, int, dict[str, int]] | None:
        """``(run_id, n_comments, {issue_id: n_comments})`` of the latest run, or None before the first."""
        row = self.connection.execute("SELECT run_id, n_comments FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        counts = dict(self.connection.execute("SELECT issue_id, n_comments FROM issue_runs WHERE run_id = ?", (row[0],)).fetchall())
        return row[0], row[1], counts

    def first_seen_runs(self) -> dict[str, str]:
        """Issue id -> start time of the first run it had comments in."""
        rows = self.connection.execute(
            "SELECT ir.issue_id, MIN(r.started_at) FROM issue_runs ir JOIN runs r USING (run_id) WHERE ir.n_comments > 0 GROUP BY ir.issue_id")
        return dict(rows.fetchall())

    def history(self, issue_id: str) -> dict[str, Any]:
        """The issue, its counts in every run, and its events, for ``analyze issues history``."""
        issue = self.get(issue_id)
        runs = self.connection.execute(
            "SELECT r.run_id, r.started_at, r.input_name, r.n_comments, ir.n_comments, ir.n_segments, ir.share_negative, ir.trend "
            "FROM issue_runs ir JOIN runs r USING (run_id) WHERE ir.issue_id = ? ORDER BY r.run_id", (issue_id,)).fetchall()
        events = self.connection.execute(
            "SELECT at, action, detail, run_id FROM events WHERE issue_id = ? ORDER BY event_id", (issue_id,)).fetchall()
        return {
            "issue": issue,
            "runs": [dict(zip(("run_id", "started_at", "input", "run_comments", "n_comments", "n_segments", "share_negative", "trend"), r,
                              strict=True)) for r in runs],
            "events": [{"at": at, "action": action, "detail": json.loads(detail) if detail else {}, "run_id": run_id}
                       for at, action, detail, run_id in events],
        }

    def latest_counts(self) -> dict[str, tuple[int, str]]:
        """Issue id -> (comments in its latest run, that run's start time)."""
        rows = self.connection.execute(
            "SELECT ir.issue_id, ir.n_comments, r.started_at FROM issue_runs ir JOIN runs r USING (run_id) "
            "WHERE ir.run_id = (SELECT MAX(run_id) FROM issue_runs x WHERE x.issue_id = ir.issue_id)").fetchall()
        return {issue_id: (n, at) for issue_id, n, at in rows}

    # writing ----------------------------------------------------------------
    def add_run(self, run: RunRecord) -> int:
        """Record a finished run and its issues in one transaction; new issues join the catalog. Returns the run id."""
        with self._transaction() as db:
            cursor = db.execute("INSERT INTO runs (started_at, input_name, input_sha256, n_comments) VALUES (?, ?, ?, ?)",
                                (run.started_at, run.input_name, run.input_sha256, run.n_comments))
            run_id = int(cursor.lastrowid)
            for item in run.issues:
                known = db.execute("SELECT 1 FROM issues WHERE issue_id = ?", (item.issue_id,)).fetchone()
                if known is None:
                    db.execute("INSERT INTO issues (issue_id, touchpoint, kind, lang, fingerprint, auto_title, key_phrases, split_from, created_run, "
                               "created_at, centroid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               (item.issue_id, item.touchpoint, item.kind, item.lang, json.dumps(item.fingerprint, ensure_ascii=False), item.auto_title,
                                json.dumps(item.key_phrases, ensure_ascii=False), item.split_from, run_id, run.started_at, pack_vector(item.centroid)))
                    action, detail = ("split", {"from": item.split_from}) if item.split_from else ("created", {"title": item.auto_title})
                    self._event(item.issue_id, action, detail, run_id, at=run.started_at)
                else:
                    # an issue from before issues were found by meaning gets its centroid the first time it is
                    db.execute("UPDATE issues SET auto_title = ?, key_phrases = ?, centroid = COALESCE(centroid, ?) WHERE issue_id = ?",
                               (item.auto_title, json.dumps(item.key_phrases, ensure_ascii=False), pack_vector(item.centroid), item.issue_id))
                db.execute("INSERT INTO issue_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (run_id, item.issue_id, item.n_segments, item.n_comments, item.share_negative, item.first_seen, item.last_seen, item.trend))
            if run.vectors:
                remember_vectors(db, run.vectors, run_id)
        return run_id

    def rename(self, issue_id: str, title: str) -> None:
        """Give an issue the user's own title; later runs keep it. An empty title restores the automatic one."""
        issue = self.get(issue_id)
        with self._transaction() as db:
            db.execute("UPDATE issues SET user_title = ? WHERE issue_id = ?", (title.strip() or None, issue_id))
            self._event(issue_id, "renamed", {"from": issue.title, "to": title.strip() or issue.auto_title})

    def merge(self, keep: str, other: str) -> None:
        """Fold ``other`` into ``keep``: later runs count ``other``'s segments under ``keep``.

        Raises:
            UsageError: the ids are the same, unknown, of different kinds, or ``keep`` was itself merged away.
        """
        target, source = self.get(keep), self.get(other)
        if keep == other:
            raise UsageError(f"merge: {keep} and {other} are the same issue; give two different ids")
        if target.status == MERGED:
            raise UsageError(f"merge: {keep} was merged into {target.merged_into}; merge into {self.resolve(keep)} instead")
        if source.status == MERGED:
            raise UsageError(f"merge: {other} is already merged into {source.merged_into}")
        if target.kind != source.kind:
            raise UsageError(f"merge: {keep} is a {target.kind} group and {other} a {source.kind} group; only groups of one kind merge")
        with self._transaction() as db:
            db.execute("UPDATE issues SET status = ?, merged_into = ? WHERE issue_id = ?", (MERGED, keep, other))
            db.execute("UPDATE issues SET merged_into = ? WHERE merged_into = ?", (keep, other))
            self._event(other, "merged", {"into": keep})
            self._event(keep, "absorbed", {"from": other})

    def ignore(self, issue_id: str, restore: bool = False) -> None:
        """Mark an issue ignored (left out of summaries and exports), or active again with ``restore``."""
        issue = self.get(issue_id)
        if issue.status == MERGED:
            raise UsageError(f"ignore: {issue_id} is merged into {issue.merged_into}; ignore {self.resolve(issue_id)} instead")
        with self._transaction() as db:
            db.execute("UPDATE issues SET status = ? WHERE issue_id = ?", (ACTIVE if restore else IGNORED, issue_id))
            self._event(issue_id, "restored" if restore else "ignored", {})

    def _event(self, issue_id: str, action: str, detail: dict[str, Any], run_id: int | None = None, at: str | None = None) -> None:
        self.connection.execute("INSERT INTO events (at, issue_id, action, detail, run_id) VALUES (?, ?, ?, ?, ?)",
                                (at or datetime.now(UTC).isoformat(timespec="seconds"), issue_id, action,
                                 json.dumps(detail, ensure_ascii=False), run_id))
