"""End to end: NPS from the comment file itself and from a separate answers file."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from analyzer import schema as S
from analyzer.cli.app import app
from analyzer.nps.drivers import DRIVER_COLUMNS

from .conftest import SAMPLE

runner = CliRunner()


def _run(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_same_file_scores_give_nps_outputs(tmp_path) -> None:
    result = _run(SAMPLE, "--out", tmp_path / "a", "--min-mentions", "5")
    assert result.exit_code == 0, result.output
    out = tmp_path / "a"
    report = json.loads((out / "nps.json").read_text())
    summary = json.loads((out / "summary.json").read_text())
    assert summary["nps"]["respondents"] == report["overall"]["n"] > 0
    drivers = pd.read_csv(out / "nps_drivers.csv")
    assert list(drivers.columns) == DRIVER_COLUMNS
    issues = pd.read_csv(out / "issues.csv").set_index(S.ISSUE_ID)
    known = drivers[(drivers["driver_type"] == "issue") & drivers["impact"].notna()].set_index("driver")
    assert len(known)
    for issue_id, row in known.iterrows():
        assert issues.loc[issue_id, S.NPS_IMPACT] == row["impact"]
    assert "Why detractors?" in result.output


def test_separate_answers_file_is_joined_on_respondent(tmp_path, write_file) -> None:
    comments = write_file("c.csv", "id,respondent,comment\n1,R1,The courier was late again\n2,R2,Courier late and rude\n"
                                   "3,R3,Great prices\n4,R9,Nobody answers the phone\n")
    answers = write_file("a.csv", "respondent,score\nR1,3\nR2,5\nR3,10\nR4,9\nR5,eleven\n")
    result = _run(comments, "--nps", answers, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    nps = summary["nps"]
    assert nps["respondents"] == 4  # R1, R2, R3 with comments, R4 without: still in the base
    assert nps["answers_file"]["rejected"] == 1 and nps["answers_file"]["rows_read"] == 5
    rejects = pd.read_csv(tmp_path / "o" / "nps_rejects.csv", dtype=str)
    assert "R9" in set(rejects[S.RESPONDENT_ID]) and "R5" in set(rejects[S.RESPONDENT_ID])


def test_cli_nps_answers_file_obeys_max_input_mb(tmp_path) -> None:
    comments = tmp_path / "comments.csv"
    comments.write_text("id,respondent_id,comment\nC1,R1,The courier was late\n", encoding="utf-8")
    answers = tmp_path / "answers.csv"
    answers.write_text("respondent_id,nps\n" + "".join(f"R{i},{i % 11}\n" for i in range(120_000)), encoding="utf-8")
    result = runner.invoke(app, [str(comments), "--nps", str(answers), "--max-input-mb", "1", "--out", str(tmp_path / "out")])
    assert result.exit_code == 3, result.output
    assert "answers.csv" in result.output and "--max-input-mb" in result.output
