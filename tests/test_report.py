"""The report: the data behind every chart, the page built from saved outputs, and `analyze report` (html, md, xlsx)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import analyzer
from analyzer import schema as S
from analyzer.cli.app import app
from analyzer.config import AdaptSettings, AnalysisConfig, NpsSettings
from analyzer.report import charts as C
from analyzer.report.folder import write_outputs
from analyzer.report.rebuild import rebuild
from analyzer.report.saved import load_run


def _frame(dated: bool) -> pd.DataFrame:
    texts = ["The courier was late again", "courier late, no call", "the courier was late and rude", "Courier late, as usual",
             "Great prices this week", "=HYPERLINK(\"http://x.example\") the app crashes at checkout", "The app crashes when I pay"]
    frame = pd.DataFrame({"text": texts * 3, "nps": [2, 3, 1, 6, 10, 0, 4] * 3})
    if dated:
        frame["date"] = ["2026-01-10"] * 7 + ["2026-02-12"] * 7 + ["2026-03-01"] * 7
    return frame


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "out"
    config = AnalysisConfig(nps=NpsSettings(min_mentions=5, n_boot=200))
    write_outputs(analyzer.analyze(_frame(dated=True), config), folder)
    return folder


# -- the data behind the charts -------------------------------------------------------------------


def test_charts_pareto_is_sorted_with_a_cumulative_share_ending_at_one(saved: Path) -> None:
    run = load_run(saved)
    table = C.pareto(run.issues)
    active = run.issues[(run.issues["kind"] == "complaint") & (run.issues["status"] == "active")]
    assert table["comments"].tolist() == sorted(active["n_comments"].astype(int), reverse=True)[: C.PARETO_MAX]
    assert table["cumulative_share"].is_monotonic_increasing and table["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_charts_heatmap_counts_every_segment_with_a_touchpoint(saved: Path) -> None:
    run = load_run(saved)
    counts = C.touchpoint_sentiment(run.segments)
    assert int(counts.to_numpy().sum()) == int((run.segments["touchpoint"].fillna("") != "").sum())
    assert list(counts.columns) == [s for s in C.SENTIMENT_ORDER if s in set(run.segments["sentiment"])]
    assert counts.sum(axis=1).is_monotonic_decreasing


def test_charts_drivers_split_by_enough_data_and_rank_by_cost() -> None:
    drivers = pd.DataFrame({"driver": ["a", "price", "b"], "driver_type": ["issue", "touchpoint", "issue"], "title": ["late", "price", "rude"],
                            "mentions": [40, 90, 4], "impact": [-1.0, -7.4, float("nan")], "ci_low": [-3.0, -9.4, float("nan")],
                            "ci_high": [1.0, -5.6, float("nan")], "verdict": ["no clear effect", "driver of detractors", "not enough data"]})
    enough, short = C.driver_impacts(drivers)
    assert enough["label"].tolist() == ["price (touchpoint)", "late"] and short["driver"].tolist() == ["b"]


def test_charts_nps_periods_carry_their_margin_and_the_partial_mark() -> None:
    nps = {"periods": {"rows": [{"period": "2026-01", "n": 100, "promoters": 50, "passives": 20, "detractors": 30, "nps": 20.0, "partial": False},
                                {"period": "2026-02", "n": 0, "promoters": 0, "passives": 0, "detractors": 0, "nps": None, "partial": False},
                                {"period": "2026-03", "n": 10, "promoters": 1, "passives": 1, "detractors": 8, "nps": -70.0, "partial": True}]}}
    table = C.nps_periods(nps)
    assert table["period"].tolist() == ["2026-01", "2026-02", "2026-03"] and table["partial"].tolist() == [False, False, True]
    assert table["nps"].isna().tolist() == [False, True, False]
    assert table["margin_95"].iloc[0] == pytest.approx(17.1, abs=0.05)


def test_charts_mentions_over_time_count_comments_per_period(saved: Path) -> None:
    run = load_run(saved)
    table = C.mentions_over_time(run.comments, "touchpoints", freq="month")
    assert table.index.tolist() == ["2026-01", "2026-02", "2026-03"]
    for touchpoint in table.columns:
        mentions = run.comments["touchpoints"].fillna("").str.split(";").map(lambda names, t=touchpoint: t in names)
        assert table[touchpoint].sum() == int(mentions.sum())


def test_charts_data_quality_adds_up(saved: Path) -> None:
    quality = C.data_quality(load_run(saved).summary, None).set_index("what")["count"]
    assert quality["rows read"] == quality["rows analysed"] + quality["rows rejected"] == 21


# -- the page ----------------------------------------------------------------------------------------


def test_report_page_is_the_one_analyze_report_rebuilds(saved: Path, tmp_path: Path) -> None:
    page = (saved / "report.html").read_text(encoding="utf-8")
    assert rebuild(saved, "html", tmp_path / "again.html").read_text(encoding="utf-8") == page
    assert "<script" not in page and "http://" not in page.replace('"http://www.w3.org/', "").replace("http://x.example", "")


def test_report_page_points_and_figures_equal_the_saved_json(saved: Path) -> None:
    page = (saved / "report.html").read_text(encoding="utf-8")
    nps = json.loads((saved / "nps.json").read_text(encoding="utf-8"))
    summary = json.loads((saved / "summary.json").read_text(encoding="utf-8"))
    tips = re.findall(r"<title>NPS, (\d{4}-W?\d\d): (-?[\d.]+) \((\d+) respondents\)</title>", page)
    assert tips == [(r["period"], f"{r['nps']:.1f}", str(r["n"])) for r in nps["periods"]["rows"] if r["n"]]
    assert re.search(r'id="kpi-nps">([^<]*)<', page).group(1) == f"{nps['overall']['nps']:.1f}"
    assert re.search(r'id="kpi-rows-read">([^<]*)<', page).group(1) == f"{summary['counts']['rows_read']:,}"
    for key in ("issues", "coverage"):
        assert f'id="kpi-{key}"' in page


def test_report_issue_below_min_mentions_reads_not_enough_data_never_a_number(saved: Path) -> None:
    run = load_run(saved)
    short = run.issues[run.issues["nps_verdict"] == "not enough data"]
    assert len(short) and short["nps_impact"].isna().all()
    page = (saved / "report.html").read_text(encoding="utf-8")
    row = re.search(rf'<tr id="{short.iloc[0]["issue_id"]}">(.*?)</tr>', page, re.S).group(1)
    assert 'data-label="NPS impact">not enough data</td>' in row


def test_report_every_issue_expands_to_all_its_comments(saved: Path) -> None:
    run = load_run(saved)
    page = (saved / "report.html").read_text(encoding="utf-8")
    for issue in run.issues[run.issues["status"] == "active"].to_dict("records"):
        block = re.search(rf'<tr class="drill" data-issue="{issue["issue_id"]}">(.*?)</details>', page, re.S)
        if block is None:  # praise groups are listed in their own table
            continue
        listed = re.findall(r'<td data-label="id">([^<]*)</td>', block.group(1))
        assert sorted(listed) == sorted(issue["comment_ids"].split(";")) and len(listed) == issue["n_comments"]


def test_report_formula_cells_are_read_back_as_written(saved: Path) -> None:
    run = load_run(saved)
    assert run.comments["text"].str.startswith("=HYPERLINK").sum() == 3
    assert run.comments["nps_score"].dtype == "Int64" and pd.api.types.is_datetime64_any_dtype(run.comments["date"])


def test_report_without_dates_draws_no_lines_over_time(tmp_path: Path) -> None:
    write_outputs(analyzer.analyze(_frame(dated=False)), tmp_path / "out")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Over time" not in page and "NPS per period" not in page and "Why detractors?" in page


# -- analyze report ------------------------------------------------------------------------------------


def test_analyze_report_md_and_xlsx(saved: Path) -> None:
    runner = CliRunner()
    got = runner.invoke(app, ["report", str(saved), "--format", "md"])
    assert got.exit_code == 0, got.output
    digest = (saved / "report.md").read_text(encoding="utf-8")
    assert digest.startswith("# Feedback analysis") and "## Why detractors?" in digest and "| issue " in digest
    got = runner.invoke(app, ["report", str(saved), "--format", "xlsx"])
    assert got.exit_code == 0, got.output
    book = openpyxl.load_workbook(saved / "report.xlsx")
    assert book.sheetnames == ["comments", "segments", "rejects", "issues", "nps_drivers"]
    texts = [row[2] for row in book["comments"].iter_rows(min_row=2, values_only=True)]
    assert all(not str(t).startswith("=") for t in texts) and any(str(t).startswith("'=HYPERLINK") for t in texts)


def test_analyze_report_errors_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    got = runner.invoke(app, ["report", str(tmp_path / "nowhere")])
    assert got.exit_code == 2 and "no such folder" in got.output and len(got.output.strip().splitlines()) == 1
    (tmp_path / "empty").mkdir()
    got = runner.invoke(app, ["report", str(tmp_path / "empty")])
    assert got.exit_code == 2 and "no summary.json" in got.output
    got = runner.invoke(app, ["report", str(tmp_path / "empty"), "--format", "pdf"])
    assert got.exit_code == 2 and "accepted: html, md, xlsx" in got.output


def test_columns_written_are_the_contract(saved: Path) -> None:
    issues = pd.read_csv(saved / "issues.csv", encoding="utf-8-sig", nrows=0)
    assert S.NPS_VERDICT in issues.columns


def test_other_group_counts_its_real_mentions_among_the_drivers() -> None:
    texts = ["The courier was late again", "courier late, no call", "the courier was late and rude", "Courier late, as usual"] * 3 + [
        "The price of the sofa doubled, terrible", "Parking near the store is impossible, awful", "Lovely staff, thank you"]
    frame = pd.DataFrame({"text": texts, "nps": [i % 11 for i in range(len(texts))]})
    config = AnalysisConfig(min_issue_size=4, adapt=AdaptSettings(mode="off"), nps=NpsSettings(min_mentions=1, n_boot=0, include_praise=True))
    result = analyzer.analyze(frame, config)
    other = result.issues[result.issues["status"] == "other"]
    assert len(other), "a lone praise comment is below --min-size: it folds into an 'other' group"
    drivers = result.nps.drivers.set_index("driver")
    for row in other.to_dict("records"):
        members = set(result.segments.loc[result.segments["issue_id"] == row["issue_id"], "comment_id"])
        assert drivers.loc[row["issue_id"], "mentions"] == len(members) > 0  # every comment is its own respondent here
