"""End to end against a real tracker: Roundup from PyPI, served in-process on 127.0.0.1, driven through `analyze export`."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli.app import app
from analyzer.export.ledger import Ledger

from .roundup_server import RoundupServer, free_port, running_roundup
from .test_export_issues import SAMPLE_ISSUES, write_analysis

runner = CliRunner()


@pytest.fixture(scope="session")
def roundup(tmp_path_factory):
    with running_roundup(tmp_path_factory.mktemp("roundup")) as server:
        yield server


def _issues(prefix: str) -> list[dict]:
    """The sample issues with ids and fingerprints of their own, so tests sharing the tracker do not meet."""
    rows = copy.deepcopy(SAMPLE_ISSUES)
    for row in rows:
        row["issue_id"] = f"{prefix}-{row['issue_id']}"
        row.pop("fingerprint", None)
    return rows


def _export(server: RoundupServer, outdir: Path, *extra: str, password: str | None = None):
    env = {"ROUNDUP_URL": server.url, "ROUNDUP_USER": server.user, "ROUNDUP_PASSWORD": password or server.password}
    return runner.invoke(app, ["export", str(outdir), "--to", "roundup", "--push", *extra], env=env)


def _fingerprints(outdir: Path) -> list[str]:
    from analyzer.export.issues import load_issues, select_issues

    return [i.fingerprint for i in select_issues(load_issues(outdir))]


def test_export_roundup_push_twice_updates_and_never_duplicates(roundup: RoundupServer, tmp_path: Path) -> None:
    rows = _issues("E2E")
    outdir = write_analysis(tmp_path / "analysis", rows)
    first = _export(roundup, outdir)
    assert first.exit_code == 0, first.output
    assert first.output.count("created ") == 3 and "Roundup " + roundup.url + ": 3 created" in first.output
    fingerprints = _fingerprints(outdir)

    # listed back: one issue per exported fingerprint, with title, priority and keywords
    listed = {fp: roundup.issues_with_keyword(fp) for fp in fingerprints}
    assert all(len(found) == 1 for found in listed.values())
    late = listed[fingerprints[0]][0]
    assert late["title"] == "Late delivery" and late["priority"]["name"] == "critical"
    assert {k["name"] for k in late["keyword"]} == {"customer-complaint", "logistics", "delivery", fingerprints[0]}  # labels from the packaged taxonomy
    text = roundup.message(late["messages"][0]["id"])
    assert "Comments: 62 in 70 segments, 93% negative" in text and "Courier never called, write to [EMAIL]" in text

    # the same export again: nothing created, nothing posted
    second = _export(roundup, outdir)
    assert second.exit_code == 0, second.output
    assert second.output.count("unchanged ") == 3 and "3 unchanged" in second.output
    assert all(len(roundup.issues_with_keyword(fp)) == 1 for fp in fingerprints)
    assert len(roundup.issues_with_keyword(fingerprints[0])[0]["messages"]) == 1

    # a later run with new counts and a new quote: the ticket gets a message, no new ticket
    rows[0]["n_comments"] = 75
    rows[0]["examples"] = [*rows[0]["examples"][:2], "Still waiting for my parcel"]
    (outdir / "issues.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    third = _export(roundup, outdir)
    assert third.exit_code == 0, third.output
    assert "1 updated, 2 unchanged" in third.output
    updated = roundup.issues_with_keyword(fingerprints[0])
    assert len(updated) == 1 and len(updated[0]["messages"]) == 2
    update = roundup.message(updated[0]["messages"][-1]["id"])
    assert "Comments: 75 (was 62)" in update and "Still waiting for my parcel" in update and "Parcel arrived 5 days late" not in update

    with Ledger(outdir / "state.sqlite", readonly=True) as ledger:
        entries = ledger.entries("roundup")
        events = [e["action"] for e in ledger.events()]
    assert {e.fingerprint for e in entries} == set(fingerprints) and events == ["created"] * 3 + ["updated"]
    assert all(e.ticket_url == f"{roundup.url}/{e.ticket_key}" for e in entries)


def test_export_roundup_dry_run_says_what_would_happen_and_writes_nothing(roundup: RoundupServer, tmp_path: Path) -> None:
    outdir = write_analysis(tmp_path / "analysis", _issues("DRY"))
    assert _export(roundup, outdir, "--top", "1").exit_code == 0
    ledger_before = (outdir / "state.sqlite").read_bytes()
    issues_before = len(roundup.issues())
    result = _export(roundup, outdir, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("unchanged     issue") and lines[1].startswith("would create  -") and lines[2].startswith("would create  -")
    assert lines[-1] == f"Roundup {roundup.url}: 2 would create, 1 unchanged (dry run: nothing was written)"
    assert (outdir / "state.sqlite").read_bytes() == ledger_before and len(roundup.issues()) == issues_before


def test_export_roundup_lost_ledger_finds_tickets_instead_of_filing_them_again(roundup: RoundupServer, tmp_path: Path) -> None:
    outdir = write_analysis(tmp_path / "analysis", _issues("LOST"))
    assert _export(roundup, outdir).exit_code == 0
    (outdir / "state.sqlite").unlink()  # a crash between create and ledger write, or another machine
    result = _export(roundup, outdir)
    assert result.exit_code == 0, result.output
    assert "3 adopted" in result.output and "created" not in result.output
    assert all(len(roundup.issues_with_keyword(fp)) == 1 for fp in _fingerprints(outdir))


def test_export_roundup_wrong_password_is_a_clear_error_without_the_password(roundup: RoundupServer, tmp_path: Path) -> None:
    outdir = write_analysis(tmp_path / "analysis", _issues("AUTH"))
    wrong = "wrong-Pa55word-xyz"
    result = _export(roundup, outdir, password=wrong)
    assert result.exit_code == 5
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: Roundup at {roundup.url}: 401 Unauthorized during keyword list; check ROUNDUP_USER and ROUNDUP_PASSWORD "
        "(or --user and --token); stopped: 0 of 3 tickets were created or updated and recorded before it; run the same command again to "
        "finish (nothing already filed is filed twice)")
    assert wrong not in result.output and roundup.password not in result.output
    assert wrong.encode() not in (outdir / "state.sqlite").read_bytes()


def test_export_roundup_tracker_down(tmp_path: Path, monkeypatch) -> None:
    from analyzer.export import targets

    slept: list[float] = []
    monkeypatch.setattr(targets, "ClientSettings", functools.partial(targets.ClientSettings, sleep=slept.append))
    outdir = write_analysis(tmp_path / "analysis", _issues("DOWN"))
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(app, ["export", str(outdir), "--to", "roundup", "--push", "--url", url, "--user", "admin", "--timeout", "2"],
                           env={"ROUNDUP_PASSWORD": "pw-not-used-1"})
    assert result.exit_code == 5
    assert f"Error: Roundup at {url}: connection refused during keyword list after 5 tries; check the URL and that the tracker is up" in result.stderr
    with Ledger(outdir / "state.sqlite", readonly=True) as ledger:
        assert ledger.entries() == []
    assert slept == [0.5, 1.0, 2.0, 4.0]  # backoff between the tries
