"""The export ledger in the run's SQLite state file: own tables only, one transaction per record, read-only dry runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from analyzer.errors import OutputError
from analyzer.export.ledger import Entry, Ledger

DEST = "https://acme.atlassian.net project CX"


def _entry(fp: str = "cfp-1", key: str = "CX-1", n: int = 3) -> Entry:
    return Entry("jira", DEST, fp, "LOG-1", key, f"https://acme.atlassian.net/browse/{key}", {"n_comments": n}, ["q1"])


def test_export_ledger_lives_beside_other_modules_tables(tmp_path: Path) -> None:
    store = tmp_path / "state.sqlite"
    with sqlite3.connect(store) as conn:
        conn.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, started TEXT)")
        conn.execute("INSERT INTO runs (started) VALUES ('2024-01-01')")
    with Ledger(store) as ledger:
        ledger.record(_entry(), "created")
    with sqlite3.connect(store) as conn:
        tables = sorted(row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence'"))
        assert tables == ["export_events", "export_ledger", "runs"]
        assert conn.execute("SELECT started FROM runs").fetchall() == [("2024-01-01",)]


def test_export_ledger_record_upserts_and_logs_events(tmp_path: Path) -> None:
    with Ledger(tmp_path / "s.sqlite") as ledger:
        ledger.record(_entry(), "created")
        created_at = ledger.get("jira", DEST, "cfp-1").created_at
        ledger.record(_entry(n=9), "updated")
        entry = ledger.get("jira", DEST, "cfp-1")
        assert entry.sent_state == {"n_comments": 9} and entry.created_at == created_at and entry.sent_quotes == ["q1"]
        assert [e["action"] for e in ledger.events()] == ["created", "updated"]
        assert ledger.get("jira", "elsewhere", "cfp-1") is None and ledger.get("github", DEST, "cfp-1") is None
        assert len(ledger.entries("jira", DEST)) == 1 and ledger.entries("github") == []


def test_export_ledger_a_failed_write_leaves_nothing_half_done(tmp_path: Path, monkeypatch) -> None:
    with Ledger(tmp_path / "s.sqlite") as ledger:
        ledger.record(_entry(), "created")
        with sqlite3.connect(tmp_path / "s.sqlite") as conn:  # make the event insert fail after the ledger upsert
            conn.execute("CREATE TRIGGER no_events BEFORE INSERT ON export_events BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        with pytest.raises(OutputError) as caught:
            ledger.record(_entry("cfp-2", "CX-2"), "created")
        assert str(caught.value).endswith("cannot write the export ledger (disk full); the tracker already has CX-2; the next run finds them by fingerprint")
        assert ledger.get("jira", DEST, "cfp-2") is None and len(ledger.entries()) == 1


def test_export_ledger_read_only_never_creates_the_file(tmp_path: Path) -> None:
    store = tmp_path / "missing.sqlite"
    with Ledger(store, readonly=True) as ledger:
        assert ledger.entries() == [] and ledger.get("jira", DEST, "cfp-1") is None
        with pytest.raises(OutputError, match="opened read-only; a dry run records nothing"):
            ledger.record(_entry(), "created")
    assert not store.exists()
    sqlite3.connect(tmp_path / "other.sqlite").close()  # a store without our tables reads as empty
    with Ledger(tmp_path / "other.sqlite", readonly=True) as ledger:
        assert ledger.entries() == []


def test_export_ledger_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("this is not sqlite " * 100)
    with pytest.raises(OutputError) as caught:
        Ledger(bad)
    assert str(caught.value) == f"{bad}: cannot be used as the state store (file is not a database); pass another file with --store"
