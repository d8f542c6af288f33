"""The tickets table in every output format, and the issues' ticket columns when nothing was exported."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

import analyzer
from analyzer import schema as S
from analyzer.config import AnalysisConfig
from analyzer.export.ledger import Entry
from analyzer.followup.status import TicketStatus
from analyzer.followup.tickets import TICKET_COLUMNS, TicketInputs, follow_up
from analyzer.report.folder import output_tables, write_outputs


def _result():
    texts = ["The courier was late again", "Courier late, parcel late", "The courier came late", "Nice staff", "The courier was late today"]
    frame = pd.DataFrame({"text": texts, "date": [f"2026-0{m}-10" for m in (1, 1, 3, 3, 3)]})
    return analyzer.analyze(frame, AnalysisConfig(adapt=analyzer.config.AdaptSettings(mode="off"), group_issues="terms"))


def test_followup_tickets_table_is_written_in_every_format(tmp_path) -> None:
    result = _result()
    entry = Entry("roundup", "http://t.example", "cfp-1", "LOG-X", "issue1", "http://t.example/issue1")
    inputs = TicketInputs([entry], {"issue1": TicketStatus("issue1", "closed", date(2026, 2, 1), "file")}, None, "s.csv")
    result = follow_up(result, inputs, AnalysisConfig())
    assert list(output_tables(result)) == ["comments", "segments", "rejects", "issues", "tickets"]
    written = {p.name for p in write_outputs(result, tmp_path / "out", formats=["csv", "parquet", "jsonl", "xlsx"])}
    assert {"tickets.csv", "tickets.parquet", "tickets.jsonl", "analysis.xlsx"} <= written
    parquet = pd.read_parquet(tmp_path / "out" / "tickets.parquet")
    assert list(parquet.columns) == TICKET_COLUMNS and parquet.loc[0, "closed_at"] == "2026-02-01"
    assert parquet.loc[0, "comments_before"] == 2 and parquet.loc[0, "comments_after"] == 3  # January before, March after
    assert parquet.loc[0, "verdict"] == "closed, not enough data after"  # 3 comments after, 30 needed
    assert "tickets" in pd.ExcelFile(tmp_path / "out" / "analysis.xlsx").sheet_names
    first = json.loads((tmp_path / "out" / "tickets.jsonl").read_text().splitlines()[0])
    assert first["ticket_key"] == "issue1" and first["share_change"] is None
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["tickets"]["status_file"] == "s.csv"


def test_followup_nothing_exported_leaves_empty_ticket_columns_and_no_table(tmp_path) -> None:
    result = follow_up(_result(), TicketInputs(), AnalysisConfig())
    assert result.tickets is None and result.summary.tickets is None
    issues = output_tables(result)["issues"]
    assert list(issues.columns) == S.ISSUE_OUTPUT and issues[S.TICKET_KEY].isna().all()
    assert str(issues[S.TICKET_STATUS].dtype) == "string"
    write_outputs(result, tmp_path / "out")
    assert not (tmp_path / "out" / "tickets.csv").exists()
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["tickets"] is None


def test_followup_readme_lists_the_tickets_columns() -> None:
    import re

    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    found = re.search(r"`tickets.csv` \| exported ticket[^|]*\| `([^`]*)`", readme)
    assert found is not None and found.group(1).split(", ") == TICKET_COLUMNS
    issues = re.search(r"`issues.csv` \| [^|]*\| `([^`]*)`", readme)
    assert issues is not None and issues.group(1).split(", ") == S.ISSUE_OUTPUT
