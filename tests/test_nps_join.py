"""Separate answers file: reading (guessed and named columns, rejects with reasons), joining and coverage."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from analyzer import nps as N
from analyzer import schema as S
from analyzer.config import NpsSettings
from analyzer.errors import EmptyFile, InputError, UnknownColumn
from analyzer.nps.join import Answers, join, read_answers
from tests import nps_synth

DATA = Path(__file__).resolve().parent / "data" / "nps"


def _comments(rows: list[tuple[str, str | None, int | None]], **extra: list) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            S.COMMENT_ID: pd.array([r[0] for r in rows], dtype="string"),
            S.SOURCE_LINE: pd.array(range(2, len(rows) + 2), dtype="int64"),
            S.RESPONDENT_ID: pd.array([r[1] for r in rows], dtype="string"),
            S.NPS_SCORE: pd.array([r[2] for r in rows], dtype="Int64"),
        }
    )
    for column, values in extra.items():
        frame[column] = values
    return frame


def _answers(text: str) -> Answers:
    return read_answers(io.BytesIO(text.encode()), name="answers.csv")


# -- reading: golden files -------------------------------------------------------------


def test_nps_join_reads_good_answers_with_guessed_columns() -> None:
    got = read_answers(DATA / "answers_good.csv")
    assert got.columns == {"respondent": "customer_id", "nps": "score", "date": "date"}
    assert got.how == {"respondent": "by name", "nps": "by name", "date": "by name"}
    assert got.answers[S.RESPONDENT_ID].tolist() == ["R1", "R2", "R3", "R4"]
    assert got.answers[S.NPS_SCORE].tolist() == [9, 3, 7, 10]
    assert got.answers[S.NPS_GROUP].tolist() == ["promoter", "detractor", "passive", "promoter"]
    assert str(got.answers[S.DATE].iloc[3].date()) == "2026-06-01"
    assert got.rows_read == 4 and got.rejects.empty


@pytest.mark.parametrize(
    ("line", "problem", "reason"),
    [
        (2, "bad_nps", "score '11' is outside 0-10; accepted: whole numbers 0 to 10"),
        (3, "bad_nps", "score '-1' is outside 0-10; accepted: whole numbers 0 to 10"),
        (4, "bad_nps", "score 'abc' is not a whole number; accepted: whole numbers 0 to 10"),
        (5, "bad_nps", "score '7.5' is not a whole number; accepted: whole numbers 0 to 10"),
        (6, "bad_nps", "score is empty; every answer needs a score; accepted: whole numbers 0 to 10"),
    ],
)
def test_nps_join_bad_scores_are_rejected_with_reasons(line: int, problem: str, reason: str) -> None:
    got = read_answers(DATA / "bad_scores.csv")
    row = got.rejects.set_index(S.REJECT_LINE).loc[line]
    assert (row[S.REJECT_COLUMN], row[S.REJECT_PROBLEM], row[S.REJECT_REASON]) == ("score", problem, reason)
    assert got.answers[S.RESPONDENT_ID].tolist() == ["R6"]
    assert got.rows_read == 6


def test_nps_join_rejects_keep_the_original_cells() -> None:
    got = read_answers(DATA / "bad_scores.csv")
    assert got.rejects.iloc[0][["customer_id", "score"]].tolist() == ["R1", "11"]


def test_nps_join_missing_respondent_is_rejected() -> None:
    got = read_answers(DATA / "missing_respondent.csv")
    assert got.rejects[S.REJECT_LINE].tolist() == [2, 4]
    assert set(got.rejects[S.REJECT_PROBLEM]) == {"missing_respondent"}
    assert got.rejects[S.REJECT_REASON].iloc[0] == "customer_id is empty; every answer needs the respondent id its comments carry"
    assert got.answers[S.RESPONDENT_ID].tolist() == ["R2"]


def test_nps_join_conflicting_duplicates_are_rejected_identical_ones_collapsed() -> None:
    got = read_answers(DATA / "conflicting_answers.csv")
    assert got.answers[S.RESPONDENT_ID].tolist() == ["R2", "R3"]
    assert got.duplicates == 1
    assert got.rejects[S.REJECT_LINE].tolist() == [2, 4]
    assert set(got.rejects[S.REJECT_PROBLEM]) == {"conflicting_nps"}
    assert got.rejects[S.REJECT_REASON].iloc[0] == (
        "respondent 'R1' has conflicting answers 9 (line 2), 3 (line 4); all of them are left out of the NPS; keep one answer per respondent"
    )
    assert got.rows_read == 5  # 2 kept + 1 collapsed + 2 rejected


def test_nps_join_bad_date_and_ragged_rows_are_rejected() -> None:
    dated = read_answers(DATA / "bad_date.csv")
    assert dated.rejects[S.REJECT_PROBLEM].tolist() == ["bad_date"]
    assert dated.rejects[S.REJECT_REASON].iloc[0].startswith("date 'yesterday' is not a date; accepted: 2026-05-31")
    ragged = read_answers(DATA / "ragged.csv")
    assert ragged.rejects[[S.REJECT_LINE, S.REJECT_PROBLEM]].values.tolist() == [[3, "ragged"]]


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("empty.csv", EmptyFile, "empty.csv: the file is empty; expected a header row and at least one comment"),
        ("header_only.csv", EmptyFile, "header_only.csv: the file has a header (customer_id, score) but no data rows"),
        ("no_score_column.csv", InputError,
         "no_score_column.csv: no column holds the 0-10 NPS score (columns: 'customer_id', 'comment'); name it with --nps-score-col "
         "or call it nps, score, recommend or ltr"),
        ("no_respondent_column.csv", InputError,
         "no_respondent_column.csv: no column holds the respondent id (columns: 'score', 'date'); name it with --nps-respondent-col "
         "or call it respondent_id, customer_id, client_id or id"),
        ("unguessable.csv", InputError,
         "unguessable.csv: no column holds the respondent id (columns: 'who', 'how_likely', 'when'); name it with --nps-respondent-col "
         "or call it respondent_id, customer_id, client_id or id"),
    ],
)
def test_nps_join_unusable_files_give_one_line_errors(name: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        read_answers(DATA / name, name=name)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_nps_join_cp1251_semicolon_file_with_russian_headers() -> None:
    got = read_answers(DATA / "cp1251_semicolon.csv")
    assert got.columns["respondent"] == "Клиент" and got.columns["nps"] == "Оценка"
    assert got.notes[0] == "encoding: cp1251 (detected)"
    assert len(got.answers) == 20 and got.answers[S.RESPONDENT_ID].iloc[0] == "К-1"


def test_nps_join_id_column_is_taken_as_the_respondent() -> None:
    got = read_answers(DATA / "id_only.csv")
    assert got.columns["respondent"] == "id" and got.answers[S.NPS_SCORE].tolist() == [9, 2]


def test_nps_join_named_columns_override_guessing() -> None:
    got = read_answers(DATA / "unguessable.csv", respondent_col="who", nps_col="how_likely", date_col="when")
    assert got.how == {"respondent": "given", "nps": "given", "date": "given"}
    assert got.answers[S.NPS_SCORE].tolist() == [9, 2]
    assert got.describe()[0] == "answers respondent column: 'who' (given; override with --nps-respondent-col)"


def test_nps_join_named_column_beats_a_guessable_one() -> None:
    got = _answers("customer_id,score,other_score\nR1,9,3\n")
    assert got.answers[S.NPS_SCORE].tolist() == [9]
    named = read_answers(io.BytesIO(b"customer_id,score,other_score\nR1,9,3\n"), nps_col="other_score", name="a.csv")
    assert named.answers[S.NPS_SCORE].tolist() == [3]


def test_nps_join_unknown_named_column_lists_the_real_ones() -> None:
    with pytest.raises(UnknownColumn) as caught:
        read_answers(DATA / "answers_good.csv", nps_col="rating", name="answers.csv")
    assert str(caught.value) == (
        "answers.csv: --nps-score-col 'rating' is not a column of the file; its columns are 'customer_id', 'score', 'date'"
    )


def test_nps_join_reads_a_dataframe_and_reports_decisions() -> None:
    from analyzer.reporter import RecordingReporter

    reporter = RecordingReporter()
    got = read_answers(pd.DataFrame({"client_id": ["A", "B"], "nps": [10, 12]}), reporter=reporter)
    assert got.answers[S.RESPONDENT_ID].tolist() == ["A"]
    assert any("answers respondent column: 'client_id' (by name" in line for line in reporter.lines)
    assert any("WARN" in line and "1 of 2 answer(s) rejected" in line for line in reporter.lines)


# -- joining ---------------------------------------------------------------------------


def test_nps_join_coverage_counts_both_ways() -> None:
    answers = read_answers(DATA / "answers_good.csv")  # R1..R4
    comments = _comments([("c1", "R1", None), ("c2", "R1", None), ("c3", "R2", None), ("c4", "R9", None), ("c5", None, None)])
    joined = join(comments, answers)
    c = joined.coverage
    assert (c.answers, c.answers_with_comments, c.answers_without_comments) == (4, 2, 2)
    assert (c.comments, c.comments_with_answer, c.comments_without_answer, c.comments_without_respondent) == (5, 3, 2, 1)
    assert (c.respondent_ids, c.respondent_ids_unmatched) == (3, 1)
    assert c.to_dict()["answers_with_comments_pct"] == 50.0
    assert c.describe()[1] == "comments with an answer: 3 of 5 (60.0%)"


def test_nps_join_unmatched_comments_are_listed_with_reasons() -> None:
    answers = read_answers(DATA / "answers_good.csv")
    comments = _comments([("c1", "R1", None), ("c4", "R9", None), ("c5", None, 4)])
    unmatched = join(comments, answers).unmatched
    assert unmatched[[S.REJECT_LINE, S.REJECT_PROBLEM, S.RESPONDENT_ID, S.COMMENT_ID]].astype(object).where(unmatched.notna(), None).values.tolist() == [
        [3, "no_answer", "R9", "c4"],
        [4, "no_respondent", None, "c5"],
    ]
    assert unmatched[S.REJECT_REASON].tolist() == [
        f"respondent_id 'R9' of comment 'c4' matches no answer in {DATA / 'answers_good.csv'}; it is analysed but not in the NPS base",
        "comment 'c5' has no respondent id, so it cannot be joined to an answer; its own score 4 is used",
    ]


def test_nps_join_answers_file_wins_over_a_disagreeing_comment_score() -> None:
    answers = _answers("respondent_id,nps\nR1,9\n")
    comments = _comments([("c1", "R1", 2), ("c2", "R1", 9)])
    joined = join(comments, answers)
    assert joined.conflicts[S.COMMENT_ID].tolist() == ["c1"]
    assert joined.conflicts[S.REJECT_REASON].iloc[0] == "comment 'c1' has score 2 but answers.csv gives respondent 'R1' 9; the answers file wins"
    resp = N.respondents(comments, joined)
    assert resp.table[S.NPS_SCORE].tolist() == [9]
    assert resp.table[N.SCORE_SOURCE].tolist() == ["answers"]
    assert resp.conflicts[S.REJECT_PROBLEM].tolist() == ["nps_disagrees"]


def test_nps_join_answers_without_comments_stay_in_the_base() -> None:
    answers = read_answers(DATA / "answers_good.csv")  # R1 9, R2 3, R3 7, R4 10
    comments = _comments([("c1", "R1", None), ("c2", "R1", None)], issue_ids=["late", ""])
    resp = N.respondents(comments, answers)
    table = resp.table.set_index(S.RESPONDENT_ID)
    assert sorted(table.index) == ["R1", "R2", "R3", "R4"]
    assert table.loc["R4", N.N_COMMENTS] == 0 and table.loc["R4", S.ISSUE_IDS] == frozenset()
    assert table.loc["R1", S.ISSUE_IDS] == frozenset({"late"})
    assert N.nps(resp.table[S.NPS_SCORE]) == N.NpsValue(4, 2, 1, 1)
    assert str(table.loc["R4", S.DATE].date()) == "2026-06-01"  # the answer's date


def test_nps_join_unmatched_comment_keeps_its_own_score() -> None:
    answers = _answers("respondent_id,nps\nR1,9\n")
    comments = _comments([("c1", "R7", 3), ("c2", "R8", None)])
    table = N.respondents(comments, answers).table.set_index(S.RESPONDENT_ID)
    assert table.loc["R7", S.NPS_SCORE] == 3 and table.loc["R7", N.SCORE_SOURCE] == "comment"
    assert pd.isna(table.loc["R8", S.NPS_SCORE])
    assert table.loc["R1", S.NPS_SCORE] == 9


def test_nps_join_answers_settle_a_same_file_conflict() -> None:
    comments = _comments([("c1", "R1", 9), ("c2", "R1", 2)])
    assert N.respondents(comments).table[N.CONFLICT].tolist() == [True]
    resp = N.respondents(comments, _answers("respondent_id,nps\nR1,9\n"))
    assert resp.table[N.CONFLICT].tolist() == [False]
    assert resp.conflicts[S.REJECT_PROBLEM].tolist() == ["nps_disagrees"]  # c2's 2 against the answer's 9


def test_nps_join_gives_the_same_nps_as_same_file_mode() -> None:
    comments, issues = nps_synth.make(400, {"ISSUE-A": 0.3}, seed=3)
    bare, answers_frame = nps_synth.split_answers(comments)
    answers = read_answers(answers_frame, respondent_col="respondent_id", nps_col="nps", date_col="date")
    same = N.nps_report(comments, issues, settings=NpsSettings(n_boot=0))
    separate = N.nps_report(bare, issues, answers, settings=NpsSettings(n_boot=0))
    assert same.overall == separate.overall
    assert separate.coverage is not None and separate.coverage.comments_with_answer == len(bare)
    pd.testing.assert_frame_equal(same.drivers, separate.drivers)


def test_nps_join_report_rejects_gather_every_nps_row_problem() -> None:
    answers = read_answers(DATA / "bad_scores.csv")  # R6 8 kept, 5 rejected
    comments = _comments([("c1", "R6", 2), ("c2", "R9", None)])
    report = N.nps_report(comments, answers=answers, settings=NpsSettings(n_boot=0))
    rejects = report.rejects()
    assert rejects["file"].value_counts().to_dict() == {str(DATA / "bad_scores.csv"): 5, "comments": 2}
    assert set(rejects[S.REJECT_PROBLEM]) == {"bad_nps", "no_answer", "nps_disagrees"}
    assert list(rejects.columns) == ["file", *N.CONFLICT_COLUMNS]
    assert report.to_json()["coverage"]["respondent_ids_unmatched"] == 1


def test_nps_join_does_not_change_the_comments() -> None:
    comments = _comments([("c1", "R1", 2), ("c2", None, None)])
    before = comments.copy()
    N.respondents(comments, _answers("respondent_id,nps\nR1,9\n"))
    pd.testing.assert_frame_equal(comments, before)
