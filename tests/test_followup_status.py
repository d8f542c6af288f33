"""The --ticket-status file: good rows read, every bad row one clear line naming file, line and column, usage exit code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli.app import app
from analyzer.errors import UsageError
from analyzer.followup.status import read_status_file

from .conftest import SAMPLE

runner = CliRunner()


def _file(tmp_path: Path, text: str, name: str = "status.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_followup_status_file_reads_keys_statuses_and_days(tmp_path) -> None:
    path = _file(tmp_path, "\ufeffKey;Status;Closed_At;note\nCX-1; CLOSED ;2026-02-03;fixed\n#4;open;;\n\nissue7,x;closed;2026-02-05T23:30:00+00:00;\n")
    statuses = read_status_file(path)
    assert list(statuses) == ["CX-1", "#4", "issue7,x"]
    assert [(s.status, s.closed_at, s.source) for s in statuses.values()] == [
        ("closed", date(2026, 2, 3), "file"), ("open", None, "file"), ("closed", date(2026, 2, 5), "file")]


GOLDEN = [
    ("key,status,closed_at\nCX-1,done,\n",
     ["{p} line 2, column status: 'done' is not a status; accepted: open, closed"]),
    ("key,status,closed_at\nCX-1,closed,03/02/2026\n",
     ["{p} line 2, column closed_at: '03/02/2026' is not an ISO date; accepted: YYYY-MM-DD (or an ISO date and time), empty for an open ticket"]),
    ("key,status,closed_at\nCX-1,closed,\n",
     ["{p} line 2, column closed_at: empty, but the ticket is closed; give the day it was closed as YYYY-MM-DD"]),
    ("key,status,closed_at\nCX-1,open,2026-02-03\n",
     ["{p} line 2, column closed_at: '2026-02-03' given, but the ticket is open; leave closed_at empty for an open ticket"]),
    ("key,status,closed_at\n,open,\n",
     ["{p} line 2, column key: empty; give the ticket key as exported (e.g. CX-12, #4, issue7)"]),
    ("key,status,closed_at\nCX-1,open,\nCX-1,closed,2026-02-03\n",
     ["{p} line 3, column key: 'CX-1' is listed again (first on line 2); give each ticket once"]),
    ("key,status,closed_at\nCX-1,open,,extra\n",
     ["{p} line 2: 4 fields, the header has 3; quote fields that hold the separator"]),
    ("key,status,closed_at\nCX-1,,\nCX-2,closed,2026-13-01\nCX-3,open,\n",
     ["{p} line 2, column status: empty is not a status; accepted: open, closed",
      "{p} line 3, column closed_at: '2026-13-01' is not an ISO date; accepted: YYYY-MM-DD (or an ISO date and time), empty for an open ticket"]),
]


@pytest.mark.parametrize(("text", "lines"), GOLDEN)
def test_followup_status_file_bad_rows_are_each_named(tmp_path, text, lines) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        read_status_file(path)
    message = str(caught.value).splitlines()
    assert message[0] == f"--ticket-status: {len(lines)} bad row{'s' if len(lines) > 1 else ''} in {path}:"
    assert message[1:] == [line.format(p=path) for line in lines]


@pytest.mark.parametrize(("text", "expected"), [
    ("", "{p}: the file is empty; expected a header key,status,closed_at and one row per ticket"),
    ("key,state\nCX-1,open\n", "{p} line 1: missing column(s) status, closed_at; expected a header key,status,closed_at (found: key, state)"),
    ("key,status,closed_at\n", "{p}: no ticket rows under the header; add one row per ticket: key,status,closed_at"),
])
def test_followup_status_file_whole_file_problems(tmp_path, text, expected) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        read_status_file(path)
    assert str(caught.value) == "--ticket-status: " + expected.format(p=path)


def test_followup_status_file_not_utf8_and_missing(tmp_path) -> None:
    path = _file(tmp_path, "key,status,closed_at\nCX-é,open,\n", encoding="cp1252")
    with pytest.raises(UsageError, match=r"byte 25 is not UTF-8; save the file as UTF-8 CSV"):
        read_status_file(path)
    with pytest.raises(UsageError, match=r"no such file; give a CSV with the columns key,status,closed_at"):
        read_status_file(tmp_path / "missing.csv")


def test_followup_status_file_many_bad_rows_are_capped(tmp_path) -> None:
    rows = "".join(f"K{n},maybe,\n" for n in range(25))
    with pytest.raises(UsageError) as caught:
        read_status_file(_file(tmp_path, "key,status,closed_at\n" + rows))
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("--ticket-status: 25 bad rows in") and len(lines) == 22 and lines[-1] == "... and 5 more"


def test_followup_status_file_bad_is_a_usage_error_before_the_analysis(tmp_path) -> None:
    path = _file(tmp_path, "key,status,closed_at\nCX-1,done,\n")
    out = tmp_path / "analysis"
    result = runner.invoke(app, [str(SAMPLE), "--out", str(out), "--ticket-status", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: --ticket-status: 1 bad row in {path}:", f"{path} line 2, column status: 'done' is not a status; accepted: open, closed"]
    assert "Traceback" not in result.output and not out.exists() and not (tmp_path / "analysis.sqlite").exists()


def test_followup_check_tickets_without_credentials_is_a_usage_error_before_the_analysis(tmp_path, monkeypatch) -> None:
    import keyring

    from analyzer.export.ledger import Entry, Ledger

    for name in ("ROUNDUP_USER", "ROUNDUP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(keyring, "get_password", lambda service, user: None)  # whatever this machine's keyring holds
    store = tmp_path / "state.sqlite"
    with Ledger(store) as ledger:
        ledger.record(Entry("roundup", "http://127.0.0.1:9/tracker", "cfp-1", "A", "issue1"), "created")
    out = tmp_path / "analysis"
    result = runner.invoke(app, [str(SAMPLE), "--out", str(out), "--store", str(store), "--check-tickets"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("Error: --check-tickets: cannot read the statuses of the roundup tickets at http://127.0.0.1:9/tracker: "
                                     "set ROUNDUP_USER and ROUNDUP_PASSWORD (the token may instead be stored with: keyring set feedback-analyzer roundup)")
    assert not out.exists()
