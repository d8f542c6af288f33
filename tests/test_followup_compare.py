"""Before/after arithmetic of the follow-up, on small cases computed by hand, and the table it fills."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from analyzer.export.ledger import Entry
from analyzer.followup import compare as C
from analyzer.followup.status import TicketStatus
from analyzer.followup.tickets import TICKET_COLUMNS, TicketInputs, gather, issue_columns, summarize, ticket_rows


def _comments(days: list[str], ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(days), "issue_ids": pd.array(ids, dtype="string")})


def test_followup_sides_leave_the_closing_day_and_undated_comments_out() -> None:
    c = _comments(["2026-03-01", "2026-03-05", "2026-03-09", "2026-03-10", "2026-03-10", "2026-03-11", "2026-03-31"],
                  ["A", "B;A", "", "A", "", "", "A;C"])
    c = pd.concat([c, pd.DataFrame({"date": [pd.NaT], "issue_ids": pd.array(["A"], dtype="string")})], ignore_index=True)
    before, after = C.sides(c[c["date"].notna()], "A", date(2026, 3, 10))
    assert before == C.Side(comments=3, mentions=2, days=9)   # 1, 5, 9 March; 9 days from 1 to 10 March
    assert after == C.Side(comments=2, mentions=1, days=21)   # 11 and 31 March
    assert before.per_period("week") == pytest.approx(2 / 9 * 7) and after.per_period("month") == pytest.approx(1 / 21 * 30.4375)
    assert C.sides(c[c["date"].notna()], "AB", date(2026, 3, 10))[0].mentions == 0  # ids match whole, not as substrings


def test_followup_wilson_interval_by_hand() -> None:
    low, high = C.wilson_interval(0, 50)
    assert low == pytest.approx(0.0, abs=1e-12) and high == pytest.approx(1.96**2 / (50 + 1.96**2), abs=1e-4)  # x = 0: upper bound z^2 / (n + z^2)
    low, high = C.wilson_interval(5, 10)
    half = 1.959964 * math.sqrt(0.25 / 10 + 1.959964**2 / 400) / (1 + 1.959964**2 / 10)
    assert (low, high) == (pytest.approx(0.5 - half), pytest.approx(0.5 + half))


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(20, 100, 5, 100), (3, 3, 1, 5), (0, 40, 6, 40), (11, 453, 0, 440), (7, 31, 7, 31)])
def test_followup_newcombe_matches_statsmodels(x1, n1, x2, n2) -> None:
    expected = confint_proportions_2indep(x2, n2, x1, n1, method="newcomb", compare="diff")  # after - before
    assert C.newcombe_interval(x1, n1, x2, n2) == (pytest.approx(float(expected[0])), pytest.approx(float(expected[1])))


def _two_sides(before: tuple[int, int], after: tuple[int, int]) -> pd.DataFrame:
    """``before = (comments, mentions)`` on 1-20 January, ``after`` on 1-20 March; the ticket closes on 15 February."""
    days, ids = [], []
    for (n, m), month in ((before, "01"), (after, "03")):
        days += [f"2026-{month}-{1 + k % 20:02d}" for k in range(n)]
        ids += ["A"] * m + [""] * (n - m)
    return _comments(days, ids)


def test_followup_compare_fewer_mentions_when_the_interval_is_below_zero() -> None:
    figures = C.compare(_two_sides((40, 12), (40, 1)), "A", date(2026, 2, 15), min_mentions=30, n_boot=0)
    assert (figures["comments_before"], figures["mentions_before"], figures["comments_after"], figures["mentions_after"]) == (40, 12, 40, 1)
    assert figures["share_before"] == 0.3 and figures["share_after"] == 0.025 and figures["share_change"] == pytest.approx(-0.275)
    expected = confint_proportions_2indep(1, 40, 12, 40, method="newcomb", compare="diff")
    assert figures["share_change_high"] == pytest.approx(float(expected[1])) and figures["share_change_high"] < 0
    assert figures["verdict"] == C.FEWER and figures["nps_note"] == "no NPS scores" and math.isnan(figures["nps_cost_before"])


def test_followup_compare_no_clear_change_and_more_mentions() -> None:
    assert C.compare(_two_sides((40, 6), (40, 4)), "A", date(2026, 2, 15), min_mentions=30, n_boot=0)["verdict"] == C.NO_CLEAR_CHANGE
    assert C.compare(_two_sides((40, 1), (40, 15)), "A", date(2026, 2, 15), min_mentions=30, n_boot=0)["verdict"] == C.MORE


def test_followup_compare_not_enough_data_after_gives_no_share_and_no_change() -> None:
    figures = C.compare(_two_sides((40, 12), (29, 0)), "A", date(2026, 2, 15), min_mentions=30, n_boot=0)
    assert figures["verdict"] == C.NOT_ENOUGH_AFTER and figures["comments_after"] == 29 and figures["mentions_after"] == 0
    assert figures["share_before"] == 0.3
    assert all(math.isnan(figures[k]) for k in ("share_after", "share_change", "share_change_low", "share_change_high"))
    assert C.compare(_two_sides((29, 12), (40, 0)), "A", date(2026, 2, 15), min_mentions=30, n_boot=0)["verdict"] == C.NOT_ENOUGH_BEFORE


def _respondents(before: list[tuple[int, bool]], after: list[tuple[int, bool]]) -> pd.DataFrame:
    rows = [("2026-01-05", s, m) for s, m in before] + [("2026-03-05", s, m) for s, m in after]
    return pd.DataFrame({"date": pd.to_datetime([r[0] for r in rows]), "nps_score": pd.array([r[1] for r in rows], dtype="Int64"),
                         "issue_ids": [frozenset({"A", "B"}) if r[2] else frozenset({"B"}) for r in rows]})


def test_followup_nps_cost_by_hand_and_not_enough_data_after() -> None:
    # before: two detractors mention A, two promoters do not: NPS 0 overall, 100 without the mentioners: A costs 100 points.
    # after: one detractor mentions A (below min_mentions 2): no number, "not enough data".
    resp = _respondents([(0, True), (3, True), (10, False), (9, False)], [(2, True), (10, False), (10, False)])
    figures = C.compare(_two_sides((40, 12), (40, 1)), "A", date(2026, 2, 15), respondents=resp, min_mentions=2, n_boot=200)
    assert figures["nps_mentions_before"] == 2 and figures["nps_cost_before"] == pytest.approx(100.0)
    assert figures["nps_cost_before_low"] <= 100.0 <= figures["nps_cost_before_high"]
    assert figures["nps_mentions_after"] == 1 and math.isnan(figures["nps_cost_after"]) and math.isnan(figures["nps_cost_after_low"])
    assert figures["nps_note"] == "after: not enough data (1 respondent(s) mention it; at least 2 needed)"


def test_followup_nps_cost_of_a_side_without_scores() -> None:
    resp = _respondents([(0, True), (3, True), (10, False), (9, False)], [])
    figures = C.compare(_two_sides((40, 12), (40, 1)), "A", date(2026, 2, 15), respondents=resp, min_mentions=2, n_boot=0)
    assert figures["nps_note"] == "after: no NPS scores" and math.isnan(figures["nps_cost_after"]) and figures["nps_mentions_after"] == 0


ENTRIES = [Entry("roundup", "http://t.example", "cfp-1", "A", "issue1", "http://t.example/issue1"),
           Entry("github", "https://api.github.com repo o/r", "cfp-2", "B", "#4", "https://github.com/o/r/issues/4"),
           Entry("jira", "https://j.example project CX", "cfp-1", "A", "CX-9", None)]


def test_followup_ticket_rows_statuses_figures_and_issue_columns() -> None:
    statuses = {"issue1": TicketStatus("issue1", "closed", date(2026, 2, 15), "file"), "#4": TicketStatus("#4", "open", None, "file")}
    online = {("jira", "https://j.example project CX", "CX-9"): TicketStatus("CX-9", "closed", None, "tracker", "Done", "no day")}
    table = ticket_rows(ENTRIES, statuses, online, comments=_two_sides((40, 12), (40, 1)), titles={"A": "Late"}, min_mentions=30, n_boot=0)
    assert list(table.columns) == TICKET_COLUMNS and len(table) == 3
    assert table["verdict"].tolist() == [C.FEWER, C.STILL_OPEN, C.CLOSED_NO_DAY]
    assert table["status_source"].tolist() == ["file", "file", "tracker"] and table["closed_at"].tolist() == ["2026-02-15", "", ""]
    assert table.loc[0, "title"] == "Late" and table.loc[0, "mentions_before"] == 12 and pd.isna(table.loc[1, "mentions_before"])
    assert str(table["mentions_before"].dtype) == "Int64" and str(table["share_change"].dtype) == "float64"
    issues = issue_columns(pd.DataFrame({"issue_id": ["A", "B", "C"]}), table)
    assert issues["ticket_key"].tolist() == ["issue1;CX-9", "#4", pd.NA]
    assert issues["ticket_status"].tolist() == ["closed;closed", "open", pd.NA] and issues["ticket_closed_at"].tolist() == ["2026-02-15", pd.NA, pd.NA]
    summary = summarize(table, checked_online=True, status_file="s.csv")
    assert (summary.exported, summary.open, summary.closed, summary.unknown) == (3, 1, 2, 0)
    assert summary.status_from == {"tracker": 1, "file": 2, "unknown": 0}
    assert summary.verdicts == {C.FEWER: 1, C.STILL_OPEN: 1, C.CLOSED_NO_DAY: 1}


def test_followup_unread_status_is_unknown_and_says_how_to_read_it() -> None:
    table = ticket_rows(ENTRIES[:1], None, None, comments=_two_sides((40, 12), (40, 1)))
    assert table.loc[0, "status"] == "unknown" and table.loc[0, "status_source"] == "unknown" and table.loc[0, "verdict"] == C.STATUS_UNKNOWN
    assert "--check-tickets" in table.loc[0, "status_note"]


def test_followup_plain_run_contacts_no_tracker(tmp_path, monkeypatch) -> None:
    from analyzer.config import TicketCheck
    from analyzer.export.ledger import Ledger
    from analyzer.followup import online

    with Ledger(tmp_path / "s.sqlite") as ledger:
        ledger.record(ENTRIES[0], "created")

    def forbidden(*args, **kwargs):
        raise AssertionError("a tracker was contacted")

    monkeypatch.setattr(online, "read_online", forbidden)
    inputs = gather(tmp_path / "s.sqlite", TicketCheck())
    assert [e.ticket_key for e in inputs.entries] == ["issue1"] and inputs.online is None and inputs.from_file is None
    with pytest.raises(AssertionError, match="contacted"):
        gather(tmp_path / "s.sqlite", TicketCheck(online=True))
    assert gather(tmp_path / "missing.sqlite", TicketCheck(online=True)) == TicketInputs()  # nothing exported: nothing to read
