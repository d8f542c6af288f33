"""NPS arithmetic, bands, respondents, segments, periods, impact with intervals, report and plain-language text."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from analyzer import nps as N
from analyzer import schema as S
from analyzer.config import NpsSettings
from analyzer.errors import UsageError
from tests import nps_synth


def _resp(scores: list[int | None], issues: list[set[str]] | None = None, **extra: list) -> pd.DataFrame:
    """A respondent table built by hand: one row per respondent."""
    frame = pd.DataFrame({S.NPS_SCORE: pd.array(scores, dtype="Int64")})
    frame[S.ISSUE_IDS] = [frozenset(s) for s in (issues or [set()] * len(scores))]
    frame[S.TOUCHPOINTS] = [frozenset()] * len(scores)
    for column, values in extra.items():
        frame[column] = values
    return frame


def _comments(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame[S.COMMENT_ID] = frame[S.COMMENT_ID].astype("string")
    frame[S.RESPONDENT_ID] = frame[S.RESPONDENT_ID].astype("string")
    frame[S.NPS_SCORE] = pd.array(frame[S.NPS_SCORE].tolist(), dtype="Int64")
    return frame


# -- arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "expected", "value"),
    [
        ([7, 8, 7, 8], N.NpsValue(4, 0, 4, 0), 0.0),  # all passive
        ([0, 6, 3], N.NpsValue(3, 0, 0, 3), -100.0),  # all detractor
        ([9, 10], N.NpsValue(2, 2, 0, 0), 100.0),  # all promoter
        ([10], N.NpsValue(1, 1, 0, 0), 100.0),  # a single respondent
        ([6], N.NpsValue(1, 0, 0, 1), -100.0),
        ([8], N.NpsValue(1, 0, 1, 0), 0.0),
        ([10, 0], N.NpsValue(2, 1, 0, 1), 0.0),  # tie: as many promoters as detractors
        ([9, 6, 8, 7], N.NpsValue(4, 1, 2, 1), 0.0),  # group edges 6/7 and 8/9
        ([10, 10, 6], N.NpsValue(3, 2, 0, 1), 100 / 3),
        ([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0], N.NpsValue(11, 2, 2, 7), -500 / 11),
    ],
)
def test_nps_arithmetic_hand_computed(scores: list[int], expected: N.NpsValue, value: float) -> None:
    got = N.nps(scores)
    assert got == expected
    assert got.nps == pytest.approx(value, abs=1e-12)
    assert got.promoters + got.passives + got.detractors == got.n


def test_nps_exact_fraction_and_shares() -> None:
    got = N.nps([10, 10, 6])
    assert got.exact == Fraction(100, 3)
    assert (got.promoter_pct, got.passive_pct, got.detractor_pct) == pytest.approx((200 / 3, 0.0, 100 / 3))


def test_nps_missing_scores_are_not_in_the_base() -> None:
    assert N.nps([10, None, pd.NA, float("nan"), 0]) == N.NpsValue(2, 1, 0, 1)
    assert N.nps(pd.Series([9, None], dtype="Int64")) == N.NpsValue(1, 1, 0, 0)


@pytest.mark.parametrize("scores", [[], [None], pd.Series([], dtype="Int64")])
def test_nps_empty_input_gives_no_score(scores: object) -> None:
    got = N.nps(scores)
    assert got.n == 0 and got.nps is None and got.exact is None and got.margin_95 is None
    assert N.band(got.nps) == "no NPS answers, so no score to read"


@pytest.mark.parametrize(("bad", "message"), [([11], "NPS score 11 is not a whole number from 0 to 10"), ([-1], "NPS score -1"),
                                              ([7.5], "NPS score 7.5"), (["x"], "NPS score 'x' is not a number")])
def test_nps_refuses_scores_outside_0_to_10(bad: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        N.nps(bad)


def test_nps_margin_is_zero_when_all_answers_are_in_one_group() -> None:
    assert N.nps([7, 8]).margin_95 == 0.0
    assert N.nps([10, 0]).margin_95 == pytest.approx(196 * math.sqrt(0.5))


@pytest.mark.parametrize(
    ("value", "code"),
    [(100, "favourite"), (50.01, "favourite"), (50, "between"), (47.5, "between"), (45.01, "between"), (45, "known"), (10, "known"),
     (9.99, "not_valued"), (0, "not_valued"), (-100, "not_valued"), (None, "none"), (float("nan"), "none")],
)
def test_nps_band_edges(value: float | None, code: str) -> None:
    assert N.band_code(value) == code
    assert N.band(value) == N.BANDS[code]


def test_nps_band_texts_say_what_the_issue_says() -> None:
    assert N.band(60) == "above 50: customers treat the brand as a favourite and recommend it"
    assert N.band(30) == "10 to 45: customers know the brand, but it must become more customer-oriented"
    assert N.band(5) == "below 10: customers do not value the company; much must change before they recommend it"
    assert "close to favourite territory" in N.band(48)


# -- respondents -----------------------------------------------------------------------


def test_nps_respondent_is_the_id_or_the_comment() -> None:
    comments = _comments([
        {"comment_id": "c1", "respondent_id": "A", "nps_score": 3, "issue_ids": "late", "touchpoints": "logistics"},
        {"comment_id": "c2", "respondent_id": "A", "nps_score": None, "issue_ids": "rude;late", "touchpoints": "support"},
        {"comment_id": "c3", "respondent_id": None, "nps_score": 10, "issue_ids": "", "touchpoints": ""},
        {"comment_id": "c4", "respondent_id": " ", "nps_score": 8, "issue_ids": None, "touchpoints": None},
    ])
    table = N.respondents(comments).table
    assert table[S.RESPONDENT_ID].tolist() == ["A", "c3", "c4"]
    assert table[N.FROM_COMMENT].tolist() == [False, True, True]
    assert table[N.N_COMMENTS].tolist() == [2, 1, 1]
    assert table[S.NPS_SCORE].tolist() == [3, 10, 8]
    assert table[S.NPS_GROUP].tolist() == ["detractor", "promoter", "passive"]
    assert table[S.ISSUE_IDS].tolist() == [frozenset({"late", "rude"}), frozenset(), frozenset()]
    assert table[S.TOUCHPOINTS].iloc[0] == frozenset({"logistics", "support"})


def test_nps_respondent_with_different_scores_is_a_conflict_left_out() -> None:
    comments = _comments([
        {"comment_id": "c1", "respondent_id": "A", "nps_score": 9, "source_line": 3},
        {"comment_id": "c2", "respondent_id": "B", "nps_score": 2, "source_line": 4},
        {"comment_id": "c3", "respondent_id": "A", "nps_score": 9, "source_line": 5},
        {"comment_id": "c4", "respondent_id": "A", "nps_score": 1, "source_line": 8},
    ])
    resp = N.respondents(comments)
    assert resp.table[N.CONFLICT].tolist() == [True, False]
    assert resp.table[S.NPS_SCORE].tolist() == [pd.NA, 2]
    assert N.nps(resp.table[S.NPS_SCORE]) == N.NpsValue(1, 0, 0, 1)
    row = resp.conflicts.iloc[0]
    assert (row[S.REJECT_LINE], row[S.REJECT_PROBLEM], row[S.RESPONDENT_ID], row[S.COMMENT_ID]) == (3, "conflicting_nps", "A", "c1;c3;c4")
    assert row[S.REJECT_REASON] == (
        "respondent 'A' gave different scores: 9 (line 3), 9 (line 5), 1 (line 8); left out of the NPS; give one score per respondent"
    )


def test_nps_repeated_equal_score_is_not_a_conflict() -> None:
    comments = _comments([{"comment_id": f"c{i}", "respondent_id": "A", "nps_score": 7} for i in range(3)])
    resp = N.respondents(comments)
    assert resp.conflicts.empty and resp.table[S.NPS_SCORE].tolist() == [7]


def test_nps_respondent_channel_language_and_date() -> None:
    comments = _comments([
        {"comment_id": "c1", "respondent_id": "A", "nps_score": 9, "channel": "chat", "lang": "ru", "date": pd.Timestamp("2026-05-03")},
        {"comment_id": "c2", "respondent_id": "A", "nps_score": 9, "channel": "phone", "lang": "en", "date": pd.Timestamp("2026-05-01")},
        {"comment_id": "c3", "respondent_id": "A", "nps_score": 9, "channel": "phone", "lang": "ru", "date": pd.NaT},
        {"comment_id": "c4", "respondent_id": "B", "nps_score": 9, "channel": None, "lang": "kk", "date": pd.NaT},
    ])
    table = N.respondents(comments).table
    assert table[S.CHANNEL].tolist() == ["phone", pd.NA]  # most frequent
    assert table[S.LANG].tolist() == ["ru", "kk"]
    assert str(table[S.DATE].iloc[0].date()) == "2026-05-01" and pd.isna(table[S.DATE].iloc[1])  # earliest comment


def test_nps_respondent_ties_go_to_the_value_seen_first() -> None:
    comments = _comments([
        {"comment_id": "c1", "respondent_id": "A", "nps_score": 9, "channel": "email"},
        {"comment_id": "c2", "respondent_id": "A", "nps_score": 9, "channel": "chat"},
    ])
    assert N.respondents(comments).table[S.CHANNEL].tolist() == ["email"]


def test_nps_respondents_leave_the_comments_unchanged() -> None:
    comments, _ = nps_synth.make(50, {"ISSUE-A": 0.2}, seed=4)
    before = comments.copy()
    N.respondents(comments)
    pd.testing.assert_frame_equal(comments, before)


def test_nps_respondents_need_the_contract_columns() -> None:
    from analyzer.errors import MissingColumns

    with pytest.raises(MissingColumns, match="stage 'nps' needs column"):
        N.respondents(pd.DataFrame({"comment_id": ["1"]}))


# -- segments and periods ----------------------------------------------------------------


def test_nps_breakdown_per_issue_counts_a_respondent_in_each_issue() -> None:
    resp = _resp([0, 10, 8, 9], [{"late", "rude"}, {"late"}, set(), {"rude"}])
    got = N.breakdown(resp, "issue", min_n=2).set_index("segment")
    assert got.loc["late", ["n", "promoters", "detractors", "nps"]].tolist() == [2, 1, 1, 0.0]
    assert got.loc["rude", ["n", "nps"]].tolist() == [2, 0.0]
    assert set(got["note"]) == {""}


def test_nps_breakdown_by_channel_and_language() -> None:
    resp = _resp([10, 0, 9], channel=pd.array(["chat", "chat", None], dtype="string"), lang=pd.array(["en", "ru", "ru"], dtype="string"))
    assert N.breakdown(resp, "channel", min_n=1)[["segment", "n", "nps"]].values.tolist() == [["chat", 2, 0.0], ["(unknown)", 1, 100.0]]
    lang = N.breakdown(resp, "language", min_n=3)
    assert lang[["segment", "n", "nps"]].values.tolist() == [["ru", 2, 0.0], ["en", 1, 100.0]]
    assert lang["note"].tolist() == ["fewer than 3 answers: read with care"] * 2


def test_nps_breakdown_refuses_unknown_segments() -> None:
    with pytest.raises(UsageError, match="accepted: period, channel, touchpoint, language, lang, issue"):
        N.breakdown(_resp([1]), "weather")


def test_nps_periods_choose_weeks_for_short_spans_and_keep_empty_periods() -> None:
    resp = _resp([10, 0, 9], date=pd.to_datetime(["2026-01-05", "2026-01-07", "2026-01-20"]))
    got = N.periods(resp)
    assert got["freq"].iloc[0] == "week"
    assert got[["period", "n"]].values.tolist() == [["2026-W02", 2], ["2026-W03", 0], ["2026-W04", 1]]
    assert got["nps"].iloc[0] == 0.0 and math.isnan(got["nps"].iloc[1])
    assert str(got["start"].iloc[0].date()) == "2026-01-05"  # weeks start on Monday


@pytest.mark.parametrize(("freq", "labels"), [("month", ["2026-01", "2026-02"]), ("quarter", ["2026-Q1"]),
                                              ("day", ["2026-01-31", "2026-02-01"])])
def test_nps_periods_with_a_given_length(freq: str, labels: list[str]) -> None:
    resp = _resp([10, 0], date=pd.to_datetime(["2026-01-31", "2026-02-01"]))
    assert N.periods(resp, freq)["period"].tolist() == labels


def test_nps_periods_without_dates_are_empty_and_bad_lengths_refused() -> None:
    resp = _resp([10, 0], date=pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]"))
    assert N.periods(resp).empty
    with pytest.raises(UsageError, match="accepted: day, week, month, quarter"):
        N.periods(resp, "fortnight")


def test_nps_change_decomposes_exactly() -> None:
    comments, issues = nps_synth.make(3000, {"ISSUE-A": 0.3, "ISSUE-B": 0.1}, seed=5, days=59)
    resp = N.respondents(comments)
    moved = N.change(resp, issues, freq="month")
    assert (moved.a, moved.b) == ("2026-01", "2026-02")
    d = moved.by_driver
    assert np.allclose(d["mention_part"] + d["score_part"], d["impact_change"])
    assert np.allclose(d["impact_change"] + d["others_change"], moved.total)
    assert np.allclose(d["impact_a"], d["share_a"] * (d["nps_with_a"] - d["nps_without_a"]))


def test_nps_change_hand_case_mention_share_versus_score() -> None:
    # Period a: 4 respondents, 1 mentions "late" and is a detractor. Period b: 2 of 4 mention it, one detractor and one passive.
    resp = _resp([0, 10, 10, 10, 0, 8, 10, 10], [{"late"}, set(), set(), set(), {"late"}, {"late"}, set(), set()],
                 date=pd.to_datetime(["2026-01-10"] * 4 + ["2026-02-10"] * 4))
    moved = N.change(resp, freq="month", min_mentions=1)
    row = moved.by_driver.iloc[0]
    # a: s=1/4, with=-100, without=100, gap=-200, impact=-50. b: s=1/2, with=-50, without=100, gap=-150, impact=-75.
    assert (row["share_a"], row["share_b"], row["impact_a"], row["impact_b"]) == (0.25, 0.5, -50.0, -75.0)
    assert row["mention_part"] == pytest.approx(0.25 * (-175))  # more people mention it
    assert row["score_part"] == pytest.approx(0.375 * 50)  # but those who do score less badly
    assert moved.total == pytest.approx(-25.0)


def test_nps_change_text_names_both_parts_and_the_short_ones() -> None:
    resp = _resp([0, 10, 10, 10, 0, 8, 10, 10], [{"late"}, set(), set(), {"rude"}, {"late"}, {"late"}, set(), set()],
                 date=pd.to_datetime(["2026-01-10"] * 4 + ["2026-02-10"] * 4))
    lines = N.change_text(N.change(resp, freq="month", min_mentions=1))
    assert lines[0] == ("NPS 50.0 in 2026-01 (partial: data from 2026-01-10) -> 25.0 in 2026-02 (partial: data to 2026-02-10): "
                        "-25.0 points, within the margin of error (±117.5), so not a clear change")
    assert lines[2] == ("late: costs 25.0 more NPS points than in 2026-01 "
                        "(43.8 lost because more people mention it; 18.8 won back because those who mention it score higher relative to the others)")
    # rude was mentioned by one promoter in January and by nobody in February: its absence lowers the NPS.
    assert lines[3] == "rude: costs 16.7 more NPS points than in 2026-01 (16.7 lost because fewer people mention it; those who mention it score as before)"


def test_nps_change_text_falls_back_to_touchpoints_and_never_prints_an_empty_list() -> None:
    dates = pd.to_datetime(["2026-01-10"] * 4 + ["2026-02-10"] * 4)
    resp = _resp([0, 10, 10, 10, 0, 8, 10, 10], [{"late"}, set(), set(), set(), set(), set(), set(), set()], date=dates)
    resp[S.TOUCHPOINTS] = [frozenset({"logistics"}), frozenset({"logistics"}), frozenset(), frozenset(),
                           frozenset({"logistics"}), frozenset({"logistics"}), frozenset(), frozenset()]
    lines = N.change_text(N.change(resp, freq="month", min_mentions=2))
    # "late" has one mention in January: too few; logistics can be compared, so the lines are per driver.
    assert lines[1].startswith("per driver, largest change first") and lines[2].startswith("logistics (touchpoint): costs 25.0")
    lines = N.change_text(N.change(resp, freq="month", min_mentions=5))
    assert not any(line.startswith("per ") for line in lines)
    assert lines[-1].endswith("too few mentions in one of the two periods to compare")


def test_nps_change_refuses_unknown_periods_and_single_period() -> None:
    resp = _resp([10, 0], date=pd.to_datetime(["2026-01-10", "2026-01-11"]))
    with pytest.raises(UsageError, match="needs two periods with answers; found 1"):
        N.change(resp, freq="month")
    with pytest.raises(UsageError, match="NPS period '2025-12' has no answers"):
        N.change(resp, a="2025-12", b="2026-01", freq="month")


# -- drivers: impact, intervals, guard ------------------------------------------------------


def test_nps_drivers_hand_computed_impact() -> None:
    # late: scores 0, 3, 9 -> NPS -33.3; the others 10, 10, 8 -> 66.7; all six: 16.7; impact 16.7 - 66.7 = -50.
    resp = _resp([0, 3, 10, 9, 10, 8], [{"late"}, {"late"}, set(), {"late"}, set(), set()])
    row = N.drivers(resp, min_mentions=3, n_boot=500).iloc[0]
    assert row["driver"] == "late" and row["mentions"] == 3
    assert row["nps_with"] == pytest.approx(-100 / 3)
    assert row["nps_without"] == pytest.approx(200 / 3)
    assert row["impact"] == pytest.approx(-50.0)
    assert row["detractors_mentioning"] == 1.0 and row["promoters_mentioning"] == pytest.approx(1 / 3)
    assert row["detractor_share_with"] == pytest.approx(2 / 3) and row["detractor_share_without"] == 0.0
    assert row["detractor_lift"] == pytest.approx(2.0)
    assert row["ci_low"] <= row["impact"] <= row["ci_high"]


def test_nps_drivers_below_min_mentions_say_not_enough_data() -> None:
    resp = _resp([0, 3, 10, 9, 10, 8], [{"late"}, {"late"}, set(), {"late"}, set(), set()])
    row = N.drivers(resp, min_mentions=4, n_boot=100).iloc[0]
    assert row["verdict"] == "not enough data"
    assert row["note"] == "3 respondent(s) mention it; at least 4 needed"
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"]) and not row["significant"]
    assert all(math.isnan(row[c]) for c in N.BLANK_WHEN_SHORT) and row["mentions"] == 3  # never a bare number
    assert N.top_drivers_text(N.drivers(resp, min_mentions=4, n_boot=100)) == [
        "No driver has enough mentions to say what it costs.",
        "Not enough data to say what 1 more driver costs: late (3)",
    ]
    report = N.nps_report(_comments([{"comment_id": f"c{i}", "respondent_id": None, "nps_score": s, "issue_ids": "late" if i < 3 else ""}
                                     for i, s in enumerate([0, 3, 9, 10, 9, 8])]), settings=NpsSettings(n_boot=0, min_mentions=4))
    assert N.top_drivers_text(report)[-1] == ("Not enough data to say what 1 more driver costs (each needs 4 respondents who mention it "
                                              "and 4 who do not): late (3)")


def test_nps_drivers_everyone_mentioning_leaves_nobody_to_compare() -> None:
    resp = _resp([0, 10, 9, 8], [{"late"}] * 4)
    row = N.drivers(resp, min_mentions=1, n_boot=50).iloc[0]
    assert row["verdict"] == "not enough data" and row["note"] == "only 0 respondent(s) do not mention it; at least 1 needed"
    assert math.isnan(row["nps_without"])


def test_nps_drivers_intervals_contain_the_estimate_and_are_deterministic() -> None:
    comments, issues = nps_synth.make(1500, {"ISSUE-A": 0.3, "ISSUE-B": 0.1}, seed=6)
    resp = N.respondents(comments)
    first = N.drivers(resp, issues, n_boot=300, seed=11)
    again = N.drivers(resp, issues, n_boot=300, seed=11)
    other = N.drivers(resp, issues, n_boot=300, seed=12)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["ci_low"].fillna(0), other["ci_low"].fillna(0))
    ready = first[first["verdict"] != "not enough data"]
    assert len(ready) > 5
    assert ((ready["ci_low"] <= ready["impact"]) & (ready["impact"] <= ready["ci_high"])).all()
    assert ((ready["ci_high"] - ready["ci_low"]) > 0).all()


def test_nps_drivers_praise_only_when_asked() -> None:
    resp = _resp([0, 10, 9, 3], [{"late"}, {"nice"}, {"nice"}, set()])
    issues = pd.DataFrame({"issue_id": ["late", "nice"], "title": ["late delivery", "kind staff"], "kind": ["complaint", "praise"],
                           "touchpoint": ["logistics", "support"]})
    assert N.drivers(resp, issues, min_mentions=1, n_boot=0)["driver"].tolist() == ["late"]
    both = N.drivers(resp, issues, min_mentions=1, n_boot=0, include_praise=True)
    assert sorted(both["driver"]) == ["late", "nice"]
    assert both.set_index("driver").loc["nice", "title"] == "kind staff"


def test_nps_drivers_issue_ids_missing_from_the_issue_table_are_kept() -> None:
    resp = _resp([0, 10], [{"mystery"}, set()])
    got = N.drivers(resp, pd.DataFrame({"issue_id": ["late"], "title": ["late"], "kind": ["complaint"]}), min_mentions=1, n_boot=0)
    assert got["driver"].tolist() == ["late", "mystery"] or got["driver"].tolist() == ["mystery", "late"]
    assert got.set_index("driver").loc["mystery", "title"] == "mystery"


def test_nps_drivers_issues_and_touchpoints_share_one_ranking_by_cost() -> None:
    comments, issues = nps_synth.make(800, {"ISSUE-A": 0.3}, seed=7)
    got = N.drivers(N.respondents(comments), issues, n_boot=0)
    assert got["rank"].tolist() == list(range(1, len(got) + 1)) and set(got["driver_type"]) == {"issue", "touchpoint"}
    enough = got[got["verdict"] != "not enough data"]
    short = got[got["verdict"] == "not enough data"]
    assert len(enough) and (short.empty or enough["rank"].max() < short["rank"].min())
    assert enough["impact"].is_monotonic_increasing  # most costly first, whatever its type
    assert list(got.columns) == N.DRIVER_COLUMNS


def test_nps_drivers_ties_are_ordered_by_id() -> None:
    resp = _resp([0, 0, 10, 10], [{"b"}, {"a"}, set(), set()])
    got = N.drivers(resp, min_mentions=1, n_boot=0)
    assert got["driver"].tolist() == ["a", "b"] and got["impact"].iloc[0] == got["impact"].iloc[1]


@pytest.mark.parametrize("scores", [[7, 8, 7, 8, 7, 8], [0, 1, 2, 3, 4, 5], [9, 10, 9, 10, 9, 10]])
def test_nps_drivers_survive_one_group_only(scores: list[int]) -> None:
    resp = _resp(scores, [{"late"}, {"late"}, {"late"}, set(), set(), {"rude"}])
    got = N.drivers(resp, min_mentions=1, n_boot=100)
    assert (got["impact"].fillna(0) == 0).all()
    assert not got["significant"].any()


def test_nps_drivers_refuse_bad_parameters() -> None:
    resp = _resp([1])
    with pytest.raises(UsageError, match="min mentions 0"):
        N.drivers(resp, min_mentions=0)
    with pytest.raises(UsageError, match="accepted: holm, fdr_bh, bonferroni"):
        N.drivers(resp, correction="magic")
    with pytest.raises(UsageError, match="bootstrap replicates -1"):
        N.drivers(resp, n_boot=-1)


def test_nps_drivers_with_no_scores_at_all() -> None:
    resp = _resp([None, None], [{"late"}, set()])
    got = N.drivers(resp, pd.DataFrame({"issue_id": ["late"]}), n_boot=10)
    assert got["mentions"].tolist() == [0] and got["verdict"].tolist() == ["not enough data"]
    empty = N.drivers(resp, n_boot=10)
    assert empty.empty and list(empty.columns) == N.DRIVER_COLUMNS


# -- report and text ----------------------------------------------------------------------


def test_nps_report_json_is_strict_json_with_the_promised_parts() -> None:
    comments, issues = nps_synth.make(600, {"ISSUE-A": 0.3}, seed=8)
    report = N.nps_report(comments, issues, settings=NpsSettings(n_boot=100))
    data = report.to_json()
    json.dumps(data, allow_nan=False)
    assert set(data) >= {"overall", "band", "respondents", "periods", "change", "breakdowns", "top_drivers", "coverage", "parameters"}
    assert data["overall"]["n"] == 600 and data["band"]["text"] == N.band(data["overall"]["nps"])
    assert data["periods"]["freq"] == "month" and len(data["periods"]["rows"]) == 6
    assert sum(row["n"] for row in data["periods"]["rows"]) == 600
    assert set(data["breakdowns"]) == {"channel", "language", "touchpoint", "issue"}
    assert data["change"]["a"] == "2026-05" and data["change"]["b"] == "2026-06"
    assert data["coverage"] is None


def test_nps_report_without_any_score_is_empty_not_broken() -> None:
    comments = _comments([{"comment_id": "c1", "respondent_id": "A", "nps_score": None, "issue_ids": "late"}])
    report = N.nps_report(comments, settings=NpsSettings(n_boot=10))
    assert report.overall.n == 0 and report.band == "no NPS answers, so no score to read"
    json.dumps(report.to_json(), allow_nan=False)
    assert N.summary_lines(report)[0] == "NPS: no respondent has a score"


def test_nps_top_drivers_text_plain_language() -> None:
    comments, issues = nps_synth.make(3000, {"ISSUE-A": 0.3}, rates={"ISSUE-A": 0.2}, seed=9)
    report = N.nps_report(comments, issues, settings=NpsSettings(n_boot=200))
    lines = N.top_drivers_text(report)
    assert 1 <= len(lines) <= 5
    first = report.drivers.iloc[0]
    cost, low, high = -first["impact"], -first["ci_high"], -first["ci_low"]
    assert lines[0] == (f"Problem a costs about {cost:.1f} NPS points (95% CI {low:.1f}-{high:.1f}); "
                        f"{first['detractors_mentioning']:.0%} of detractors mention it versus {first['promoters_mentioning']:.0%} of promoters")
    assert "Why detractors?" in N.summary_lines(report)


def _driver_row(**changes: object) -> dict:
    row = {"rank": 1, "driver": "I1", "driver_type": "issue", "title": "rude operator", "mentions": 80, "impact": -1.5, "ci_low": -3.0,
           "ci_high": 0.4, "detractors_mentioning": 0.12, "promoters_mentioning": 0.1, "significant": False, "verdict": "no clear effect",
           "note": ""}
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "Rude operator costs about 1.5 NPS points (95% CI -0.4 to 3.0); 12% of detractors mention it versus 10% of promoters; "
             "not a significant driver of detractors, and its interval includes 0"),
        ({"verdict": "costs NPS but no own effect once other drivers are counted", "ci_high": -0.2},
         "Rude operator costs about 1.5 NPS points (95% CI 0.2-3.0); 12% of detractors mention it versus 10% of promoters; "
         "it shows no effect of its own once overlapping drivers are counted"),
        ({"verdict": "more detractors once other drivers are counted, but its NPS cost is not clear", "significant": True},
         "Rude operator costs about 1.5 NPS points (95% CI -0.4 to 3.0); 12% of detractors mention it versus 10% of promoters; "
         "more of its mentioners are detractors once other drivers are counted, but its cost in points may be 0"),
        ({"impact": 2.0, "ci_low": 0.5, "ci_high": 3.5, "verdict": "linked to fewer detractors", "significant": True},
         "Rude operator goes with a higher NPS, about 2.0 points more (95% CI -3.5 to -0.5); 12% of detractors mention it versus 10% of promoters"),
        ({"driver_type": "touchpoint", "title": "logistics", "verdict": "driver of detractors", "ci_high": -0.5},
         "Logistics (touchpoint) costs about 1.5 NPS points (95% CI 0.5-3.0); 12% of detractors mention it versus 10% of promoters"),
        ({"promoters_mentioning": float("nan"), "verdict": "driver of detractors", "ci_high": -0.5},
         "Rude operator costs about 1.5 NPS points (95% CI 0.5-3.0); 12% of detractors mention it (there are no promoters to compare)"),
    ],
)
def test_nps_top_drivers_text_honest_wording(changes: dict, expected: str) -> None:
    row = _driver_row(**changes)
    assert N.words.driver_sentence(row) == expected
    assert N.top_drivers_text(pd.DataFrame([row])) == ([expected] if row["impact"] < 0 else ["No driver with enough mentions lowers the NPS."])


def test_nps_top_drivers_text_without_drivers() -> None:
    assert N.top_drivers_text(pd.DataFrame(columns=N.DRIVER_COLUMNS)) == [
        "No issue or touchpoint was mentioned by respondents with a score, so no driver can be named."
    ]


def test_respondents_when_no_comment_mentions_any_issue() -> None:
    from analyzer.nps.respondents import respondents

    comments = pd.DataFrame({"comment_id": ["1", "2"], "respondent_id": ["a", "b"], "nps_score": pd.array([9, 3], dtype="Int64"),
                             "touchpoints": ["", ""], "issue_ids": ["", ""]})
    table = respondents(comments).table
    assert len(table) == 2 and all(not ids for ids in table["issue_ids"])


def test_nps_partial_last_period_is_marked_and_compared_with_its_margin() -> None:
    days = pd.date_range("2026-01-01", "2026-03-17", freq="D")
    scores = [10 if i % 3 else 0 for i in range(len(days))]
    resp = _resp(scores, [set()] * len(days), date=days)
    table = N.periods(resp, "month")
    assert table["partial"].tolist() == [False, False, True] and str(table["data_to"].iloc[-1].date()) == "2026-03-17"
    moved = N.change(resp, freq="month")
    assert moved.partial_a is None and moved.partial_b == "data to 2026-03-17"
    assert moved.margin_95 == pytest.approx(math.hypot(moved.nps_a.margin_95, moved.nps_b.margin_95))
    assert moved.to_dict()["clear"] is False and "so not a clear change" in N.change_text(moved)[0]
    assert "2026-03 (partial: data to 2026-03-17)" in N.change_text(moved)[0]
