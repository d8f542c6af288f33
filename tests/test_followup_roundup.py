"""End to end against a real Roundup tracker: analyse, export, close the ticket through Roundup's REST API, analyse again, read the check.

The early file holds the sample's comments (dated before today) and 40 complaints about couriers who never
call; the ticket filed for that issue is closed today through Roundup's REST interface, as a user would, and
the later file adds the sample's comments again, dated after today, with no courier complaint among them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep
from typer.testing import CliRunner

from analyzer.cli.app import app
from analyzer.export.ledger import Ledger
from analyzer.followup.compare import FEWER, STILL_OPEN
from analyzer.report.rebuild import rebuild

from .conftest import SAMPLE
from .roundup_server import RoundupServer
from .test_export_roundup import roundup  # noqa: F401 - the session's Roundup tracker

runner = CliRunner()
FAST = ["--adapt", "off", "--group-issues", "terms", "--min-mentions", "10"]
OPENERS = ["The courier never called before delivery", "Courier did not call ahead", "The courier never phoned before coming",
           "No call from the courier before delivery", "The courier didn't call before delivering"]
ENDINGS = ["and I missed my parcel.", "so the parcel went back.", "again, parcel missed.", "and nobody was home for the parcel.",
           "so I had to go to the depot for the parcel.", "and left no note about the parcel.", "for the third time, parcel missed.",
           "and the parcel was returned."]


def _sample(start: datetime, prefix: str) -> pd.DataFrame:
    rows = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    rows["date"] = [(start + timedelta(days=n % 50)).date().isoformat() for n in range(len(rows))]
    rows["id"] = prefix + rows["id"]
    rows["respondent_id"] = [prefix + r if r else "" for r in rows["respondent_id"]]
    return rows


def _files(folder: Path, today: datetime) -> tuple[Path, Path]:
    early = _sample(today - timedelta(days=70), "E")
    courier = pd.DataFrame({"id": [f"X{n:03d}" for n in range(40)], "channel": "courier", "respondent_id": [f"RX{n}" for n in range(40)],
                            "nps_score": [str(n % 4) for n in range(40)], "comment": [f"{o} {e}" for o in OPENERS for e in ENDINGS],
                            "date": [(today - timedelta(days=60 - n)).date().isoformat() for n in range(40)]})
    early = pd.concat([early, courier[early.columns]], ignore_index=True)
    later = pd.concat([early, _sample(today + timedelta(days=1), "L")], ignore_index=True)
    paths = folder / "early.csv", folder / "later.csv"
    early.to_csv(paths[0], index=False)
    later.to_csv(paths[1], index=False)
    return paths


def _analyze(path: Path, out: Path, store: Path, *extra: str, env: dict[str, str] | None = None):
    result = runner.invoke(app, [str(path), "--out", str(out), "--store", str(store), *FAST, *extra], env=env)
    assert result.exit_code == 0, result.output
    return result


def _close(server: RoundupServer, key: str) -> None:
    """Set the issue's status to resolved through Roundup's REST interface (what its web form does), etag first."""
    session, url = server.session(), f"{server.url}/rest/data/issue/{key.removeprefix('issue')}"
    etag = session.get(url, timeout=30).json()["data"]["@etag"]
    answer = session.patch(url, json={"@op": "replace", "status": "resolved", "@etag": etag}, timeout=30)
    assert answer.status_code == 200, answer.text


def test_followup_roundup_ticket_closed_then_fewer_mentions(roundup: RoundupServer, tmp_path: Path) -> None:  # noqa: F811
    today = datetime.now(UTC)
    early, later = _files(tmp_path, today)
    store = tmp_path / "state.sqlite"
    env = {"ROUNDUP_USER": roundup.user, "ROUNDUP_PASSWORD": roundup.password}

    # 1. the early file: nothing exported yet, so no tickets table and no summary entry
    first = _analyze(early, tmp_path / "a1", store)
    assert not (tmp_path / "a1" / "tickets.csv").exists() and json.loads((tmp_path / "a1" / "summary.json").read_text())["tickets"] is None
    assert "Exported tickets" not in first.output

    # 2. export the largest issue (the couriers) to Roundup
    pushed = runner.invoke(app, ["export", str(tmp_path / "a1"), "--to", "roundup", "--push", "--top", "1"], env={**env, "ROUNDUP_URL": roundup.url})
    assert pushed.exit_code == 0, pushed.output
    with Ledger(store, readonly=True) as ledger:
        (entry,) = ledger.entries("roundup")
    issues1 = pd.read_csv(tmp_path / "a1" / "issues.csv", dtype=str).set_index("issue_id")
    members = issues1.loc[entry.issue_id, "comment_ids"].split(";")
    assert sum(m.startswith("X") for m in members) >= 30  # the test's premise: the exported issue is the courier one

    # 3. checked while open: read online, still open, no figures
    _analyze(early, tmp_path / "a2", store, "--check-tickets", env=env)
    still = pd.read_csv(tmp_path / "a2" / "tickets.csv", dtype=str, keep_default_na=False)
    assert still[["ticket_key", "status", "status_source", "tracker_status", "verdict"]].values.tolist() == [
        [entry.ticket_key, "open", "tracker", "unread", STILL_OPEN]]
    assert still.loc[0, "comments_before"] == "" and still.loc[0, "closed_at"] == ""

    # 4. the ticket is closed on Roundup, later comments arrive, and the next run checks again
    _close(roundup, entry.ticket_key)
    done = _analyze(later, tmp_path / "a3", store, "--check-tickets", env=env)
    out = tmp_path / "a3"
    tickets = pd.read_csv(out / "tickets.csv", keep_default_na=False)
    assert len(tickets) == 1
    row = tickets.iloc[0]
    closed_day = today.date().isoformat()
    assert (row["issue_id"], row["tracker"], row["ticket_key"], row["ticket_url"]) == (entry.issue_id, "roundup", entry.ticket_key, entry.ticket_url)
    assert (row["status"], row["closed_at"], row["status_source"], row["tracker_status"]) == ("closed", closed_day, "tracker", "resolved")

    # the figures, recounted from comments.csv of the same run
    comments = pd.read_csv(out / "comments.csv", dtype=str, keep_default_na=False)
    mentions = comments["issue_ids"].str.split(";").map(lambda ids: entry.issue_id in ids)
    before, after = comments["date"] < closed_day, comments["date"] > closed_day
    counts = [int(before.sum()), int((mentions & before).sum()), int(after.sum()), int((mentions & after).sum())]
    assert [int(row[c]) for c in ("comments_before", "mentions_before", "comments_after", "mentions_after")] == counts
    assert counts[1] >= 30 and counts[3] < counts[1] / 2  # a few sample comments about couriers join it on both sides
    assert row["share_before"] == pytest.approx(counts[1] / counts[0]) and row["share_after"] == pytest.approx(counts[3] / counts[2])
    low, high = confint_proportions_2indep(counts[3], counts[2], counts[1], counts[0], method="newcomb", compare="diff")
    assert (row["share_change_low"], row["share_change_high"]) == (pytest.approx(float(low)), pytest.approx(float(high)))
    assert high < 0 and row["verdict"] == FEWER
    assert row["period"] in ("week", "month") and row["mentions_per_period_before"] > row["mentions_per_period_after"]
    # NPS: a cost with its interval before; after, too few respondents mention it: "not enough data", no number
    assert int(row["nps_mentions_before"]) >= 30 and float(row["nps_cost_before"]) > 0
    assert float(row["nps_cost_before_low"]) <= float(row["nps_cost_before"]) <= float(row["nps_cost_before_high"])
    assert int(row["nps_mentions_after"]) < 10 and row["nps_cost_after"] == "" and row["nps_cost_after_low"] == ""
    assert "after: not enough data" in row["nps_note"]

    issues = pd.read_csv(out / "issues.csv", dtype=str, keep_default_na=False).set_index("issue_id")
    assert issues.loc[entry.issue_id, ["ticket_key", "ticket_url", "ticket_status", "ticket_closed_at"]].tolist() == [
        entry.ticket_key, entry.ticket_url, "closed", closed_day]
    others = issues.drop(index=entry.issue_id)
    assert (others[["ticket_key", "ticket_status", "ticket_closed_at"]] == "").all().all()

    summary = json.loads((out / "summary.json").read_text())
    assert summary["tickets"] == {"exported": 1, "open": 0, "closed": 1, "unknown": 0, "status_from": {"tracker": 1, "file": 0, "unknown": 0},
                                  "verdicts": {FEWER: 1}, "checked_online": True, "status_file": None}
    assert "tickets.csv" in summary["outputs"]
    assert f"Exported tickets: 1 (0 open, 1 closed, 0 unknown): 1 {FEWER}" in done.output
    page = (out / "report.html").read_text(encoding="utf-8")
    check = page[page.index('<h2 id="check">'):page.index("</section>", page.index('<h2 id="check">'))]
    assert f'<a href="{entry.ticket_url}">{entry.ticket_key}</a>' in check and f"closed {closed_day}" in check and FEWER in check
    assert "→ not enough data</td>" in check  # the NPS cost after closing: too few respondents, no number
    assert f"ticket {entry.ticket_key} closed {closed_day}" in check  # the issue's comments per period, the closing period marked
    assert f"({entry.ticket_key}, closed {closed_day}): {FEWER}" in rebuild(out, "md").read_text(encoding="utf-8")

    # 5. offline: a status file gives another closing day and wins; no tracker is asked (no credentials given)
    status = tmp_path / "status.csv"
    earlier = (today - timedelta(days=30)).date().isoformat()
    status.write_text(f"key,status,closed_at\n{entry.ticket_key},closed,{earlier}\n", encoding="utf-8")
    _analyze(later, tmp_path / "a4", store, "--ticket-status", str(status))
    offline = pd.read_csv(tmp_path / "a4" / "tickets.csv", keep_default_na=False).iloc[0]
    assert (offline["status"], offline["closed_at"], offline["status_source"], offline["tracker_status"]) == ("closed", earlier, "file", "")
    assert int(offline["comments_before"]) < counts[0]  # the sides moved with the day
    summary = json.loads((tmp_path / "a4" / "summary.json").read_text())["tickets"]
    assert summary["status_from"] == {"tracker": 0, "file": 1, "unknown": 0} and summary["checked_online"] is False
    assert summary["status_file"] == str(status)
