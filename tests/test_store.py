"""The SQLite state file: catalog, runs, renames, merges, ignores, history, transactions and bad files."""

from __future__ import annotations

import sqlite3

import pytest

from analyzer.errors import OutputError, UsageError
from analyzer.issues.store import IssueRun, RunRecord, Store


def _issue(issue_id: str, kind: str = "complaint", n: int = 5) -> IssueRun:
    return IssueRun(issue_id, "logistics", kind, "en", {"late": 0.8, "courier": 0.6}, f"Title {issue_id}", ["late"], n, n, 1.0, None, None, "new")


@pytest.fixture
def store(tmp_path) -> Store:
    state = Store.open(tmp_path / "state.sqlite")
    state.add_run(RunRecord("2026-11-01T10:00:00", "a.csv", "aa", 100, [_issue("LOG-AAAA"), _issue("LOG-BBBB", n=3), _issue("LOG-PPPP", "praise")]))
    return state


def test_catalog_and_runs_round_trip(store, tmp_path) -> None:
    store.close()
    again = Store.open(tmp_path / "state.sqlite")
    assert [i.issue_id for i in again.catalog()] == ["LOG-AAAA", "LOG-BBBB", "LOG-PPPP"]
    assert again.get("LOG-AAAA").fingerprint == {"late": 0.8, "courier": 0.6}
    assert again.last_run() == (1, 100, {"LOG-AAAA": 5, "LOG-BBBB": 3, "LOG-PPPP": 5})
    assert again.first_seen_runs()["LOG-AAAA"] == "2026-11-01T10:00:00"


def test_second_run_updates_titles_not_identity(store) -> None:
    changed = _issue("LOG-AAAA", n=9)
    changed.auto_title = "New automatic title"
    store.add_run(RunRecord("2026-11-08T10:00:00", "b.csv", "bb", 120, [changed]))
    issue = store.get("LOG-AAAA")
    assert issue.title == "New automatic title" and issue.created_at == "2026-11-01T10:00:00"
    assert [r["n_comments"] for r in store.history("LOG-AAAA")["runs"]] == [5, 9]


def test_rename_keeps_user_title_over_later_automatic_ones(store) -> None:
    store.rename("LOG-AAAA", "Courier does not call")
    store.add_run(RunRecord("2026-11-08T10:00:00", "b.csv", "bb", 120, [_issue("LOG-AAAA")]))
    assert store.get("LOG-AAAA").title == "Courier does not call"
    store.rename("LOG-AAAA", "")
    assert store.get("LOG-AAAA").title == "Title LOG-AAAA"
    assert [e["action"] for e in store.history("LOG-AAAA")["events"]] == ["created", "renamed", "renamed"]


def test_merge_resolves_chains_and_refuses_nonsense(store) -> None:
    store.add_run(RunRecord("2026-11-08T10:00:00", "b.csv", "bb", 120, [_issue("LOG-CCCC")]))
    store.merge("LOG-BBBB", "LOG-CCCC")
    store.merge("LOG-AAAA", "LOG-BBBB")
    assert store.resolve("LOG-CCCC") == "LOG-AAAA" and store.get("LOG-CCCC").merged_into == "LOG-AAAA"
    with pytest.raises(UsageError, match="same issue"):
        store.merge("LOG-AAAA", "LOG-AAAA")
    with pytest.raises(UsageError, match="merged into"):
        store.merge("LOG-BBBB", "LOG-AAAA")
    with pytest.raises(UsageError, match="praise"):
        store.merge("LOG-AAAA", "LOG-PPPP")
    with pytest.raises(UsageError, match="no issue 'LOG-ZZZZ'"):
        store.merge("LOG-AAAA", "LOG-ZZZZ")


def test_ignore_and_restore(store) -> None:
    store.ignore("LOG-BBBB")
    assert store.get("LOG-BBBB").status == "ignored"
    store.ignore("LOG-BBBB", restore=True)
    assert store.get("LOG-BBBB").status == "active"


def test_a_failing_write_leaves_the_store_as_it_was(store) -> None:
    broken = _issue("LOG-DDDD")
    broken.fingerprint = {"late": object()}  # not JSON: the insert fails half way through the run
    with pytest.raises(TypeError):
        store.add_run(RunRecord("2026-11-08T10:00:00", "b.csv", "bb", 120, [_issue("LOG-EEEE"), broken]))
    assert [i.issue_id for i in store.catalog()] == ["LOG-AAAA", "LOG-BBBB", "LOG-PPPP"]
    assert store.last_run()[0] == 1


def test_a_file_that_is_not_a_store_is_refused(tmp_path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(OutputError, match="cannot be used as the state file"):
        Store.open(path)


def test_a_store_from_a_newer_version_is_refused(tmp_path) -> None:
    path = tmp_path / "new.sqlite"
    Store.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(OutputError, match="newer analyzer"):
        Store.open(path)
