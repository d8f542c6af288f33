"""The HTML report: NPS per period as a line, each issue's comments per period as bars, and nothing without dates."""

from __future__ import annotations

import re

import pandas as pd

import analyzer
from analyzer.report.html import render_report


def _frame(dated: bool) -> pd.DataFrame:
    texts = ["The courier was late again", "courier late, no call", "the courier was late and rude", "Courier late, as usual",
             "Great prices this week"]
    frame = pd.DataFrame({"text": texts * 2, "nps": [2, 3, 1, 6, 10, 0, 9, 4, 5, 10]})
    if dated:
        frame["date"] = ["2026-01-10"] * 5 + ["2026-06-12"] * 3 + ["2026-07-01"] * 2
    return frame


def test_report_draws_nps_per_period_and_each_issues_comments_per_period() -> None:
    result = analyzer.analyze(_frame(dated=True))
    page = render_report(result)
    points = re.findall(r'<circle [^>]*><title>([^<]*)</title>', page)
    assert points == [f"{row.period}: NPS {row.nps:.1f} ({row.n} answers)" for row in result.nps.periods.itertuples() if row.n > 0]
    assert len(points) >= 2
    issue = result.issues[result.issues["kind"] == "complaint"].iloc[0]
    dates = result.comments.loc[result.comments["issue_ids"].str.contains(issue["issue_id"], regex=False), "date"]
    expected = dates.dt.to_period("M").value_counts()
    chart = re.search(r'aria-label="comments per month, 2026-01 to 2026-07"><title>[^<]*</title>(.*?)</svg>', page, re.S)
    assert chart is not None
    bars = dict(re.findall(r"<title>(\d{4}-\d\d): (\d+) comment\(s\)</title>", chart.group(1)))
    assert len(bars) == 7  # every month from the first to the last, empty ones too
    assert {month: int(n) for month, n in bars.items() if int(n)} == {str(p): int(n) for p, n in expected.items()}


def test_report_without_dates_draws_no_timelines() -> None:
    page = render_report(analyzer.analyze(_frame(dated=False)))
    assert "comments per" not in page and "<polyline" not in page and "<th>over time</th>" not in page
