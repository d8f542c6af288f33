"""End to end: issues from the sample file, a state file beside the outputs, and the ``analyze issues`` commands."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from analyzer import schema as S
from analyzer.cli.app import app

from .conftest import SAMPLE

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("issues")
    shutil.copy(SAMPLE, folder / "comments.csv")
    first = _run(folder / "comments.csv", "-q")
    assert first.exit_code == 0, first.output
    issues_1 = pd.read_csv(folder / "analysis" / "issues.csv", dtype=str, keep_default_na=False)
    segments_1 = pd.read_csv(folder / "analysis" / "segments.csv", dtype=str, keep_default_na=False)
    second = _run(folder / "comments.csv", "--force")
    assert second.exit_code == 0, second.output
    return folder, issues_1, segments_1, second.output


def test_issues_csv_follows_the_contract(two_runs) -> None:
    folder, issues, _, _ = two_runs
    assert list(issues.columns) == S.ISSUE_OUTPUT
    active = issues[issues[S.ISSUE_STATUS] == "active"]
    assert len(active[active[S.ISSUE_KIND] == "complaint"]) >= 10
    assert active[S.ISSUE_ID].is_unique and active[S.FINGERPRINT].str.match(r"^cfp-[0-9a-f]{12}$").all()
    assert (active[S.N_COMMENTS].astype(int) >= 3).all()
    assert set(issues[S.TREND]) <= {"new", "growing", "stable", "shrinking"}
    records = json.loads((folder / "analysis" / "issues.json").read_text())
    assert len(records) == len(issues) and isinstance(records[0][S.EXAMPLES], list)


def test_comments_and_segments_carry_issue_ids(two_runs) -> None:
    folder, issues, segments, _ = two_runs
    comments = pd.read_csv(folder / "analysis" / "comments.csv", dtype=str, keep_default_na=False)
    named = set(issues.loc[issues[S.ISSUE_STATUS] == "active", S.ISSUE_ID])
    ids = {i for cell in comments[S.ISSUE_IDS] for i in cell.split(";") if i}
    assert ids and ids <= named
    assert set(segments[S.ISSUE_ID]) - {""} <= set(issues[S.ISSUE_ID])


def test_second_run_with_the_store_keeps_every_assignment(two_runs) -> None:
    folder, issues_1, segments_1, output = two_runs
    segments_2 = pd.read_csv(folder / "analysis" / "segments.csv", dtype=str, keep_default_na=False)
    assert segments_2[S.ISSUE_ID].tolist() == segments_1[S.ISSUE_ID].tolist()
    summary = json.loads((folder / "analysis" / "summary.json").read_text())
    assert summary["issues"]["store"] == str(folder / "analysis.sqlite")
    assert 0 <= summary["issues"]["coverage"] <= 1 and summary["issues"]["filler_segments"] > 0
    assert output.count("Top issues (") == 1 and "largest of" in output  # one table, not two identical ones


def test_issue_commands(two_runs) -> None:
    folder, issues, _, _ = two_runs
    store = folder / "analysis.sqlite"
    active = issues[(issues[S.ISSUE_STATUS] == "active") & (issues[S.ISSUE_KIND] == "complaint")][S.ISSUE_ID].tolist()
    listed = _run("issues", "list", "--store", store)
    assert listed.exit_code == 0 and active[0] in listed.output
    assert _run("issues", "rename", active[0], "Courier does not call ahead", "--store", store).exit_code == 0
    assert _run("issues", "merge", active[0], active[1], "--store", store).exit_code == 0
    assert _run("issues", "ignore", active[2], "--store", store).exit_code == 0
    history = _run("issues", "history", active[0], "--store", store)
    assert history.exit_code == 0 and "Courier does not call ahead" in history.output and "absorbed" in history.output
    third = _run(folder / "comments.csv", "--force", "-q")
    assert third.exit_code == 0, third.output
    issues_3 = pd.read_csv(folder / "analysis" / "issues.csv", dtype=str, keep_default_na=False).set_index(S.ISSUE_ID)
    assert issues_3.loc[active[0], S.ISSUE_TITLE] == "Courier does not call ahead"
    assert active[1] not in issues_3.index
    assert issues_3.loc[active[2], S.ISSUE_STATUS] == "ignored"


def test_issue_commands_explain_a_missing_store_or_id(tmp_path) -> None:
    missing = _run("issues", "list", "--store", tmp_path / "none.sqlite")
    assert missing.exit_code == 2 and "no state file there" in missing.output
    assert len(missing.output.strip().splitlines()) == 1


def test_bad_issue_options_are_usage_errors(tmp_path) -> None:
    result = _run(SAMPLE, "--out", tmp_path / "x", "--max-issues", "0")
    assert result.exit_code == 2 and "--max-issues" in result.output
