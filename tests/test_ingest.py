"""Ingestion: row checks, rejects with lines and reasons, stable ids, and rows read = analysed + rejected."""

from __future__ import annotations

import io
import random

import pandas as pd
import pytest

from analyzer import schema as S
from analyzer.config import AnalysisConfig, ColumnChoice
from analyzer.io.ingest import parse_dates, read_comments

GOOD = "id,comment,nps,date\n1,Courier was late,3,2026-05-01\n"


def _ingest(body: str, **config):
    return read_comments(io.BytesIO((GOOD + body).encode()), AnalysisConfig(**config), name="x.csv")


@pytest.mark.parametrize(
    ("row", "problem", "reason"),
    [
        ("2,,5,2026-05-02", "empty_text", "comment is empty; a comment needs at least one non-space character"),
        ("2,   ,5,2026-05-02", "empty_text", "comment is empty; a comment needs at least one non-space character"),
        ("2,\x00\x01,5,2026-05-02", "empty_text", "comment is empty; a comment needs at least one non-space character"),
        ("2,Rude operator,11,2026-05-02", "bad_nps", "nps '11' is outside 0-10; accepted: whole numbers 0 to 10, or empty"),
        ("2,Rude operator,-1,2026-05-02", "bad_nps", "nps '-1' is outside 0-10; accepted: whole numbers 0 to 10, or empty"),
        ("2,Rude operator,abc,2026-05-02", "bad_nps", "nps 'abc' is not a whole number; accepted: whole numbers 0 to 10, or empty"),
        ("2,Rude operator,7.5,2026-05-02", "bad_nps", "nps '7.5' is not a whole number; accepted: whole numbers 0 to 10, or empty"),
        ("2,Rude operator,7,yesterday", "bad_date",
         "date 'yesterday' is not a date; accepted: 2026-05-31, 2026-05-31T14:05, 31.05.2026, 31/05/2026, 05/31/2026"),
        ("2,Rude operator,7,2026-13-45", "bad_date",
         "date '2026-13-45' is not a date; accepted: 2026-05-31, 2026-05-31T14:05, 31.05.2026, 31/05/2026, 05/31/2026"),
        ("1,Rude operator,7,2026-05-02", "duplicate_id", "id '1' repeats the id on line 2; ids must be unique"),
    ],
)
def test_ingest_row_problem_goes_to_rejects(row: str, problem: str, reason: str) -> None:
    got = _ingest(row + "\n")
    assert len(got.comments) == 1 and len(got.rejects) == 1
    reject = got.rejects.iloc[0]
    assert (reject[S.REJECT_LINE], reject[S.REJECT_PROBLEM], reject[S.REJECT_REASON]) == (3, problem, reason)
    assert got.rows_read == 2


def test_ingest_several_problems_in_one_row_are_all_named() -> None:
    got = _ingest("2,,12,soon\n")
    assert got.rejects.iloc[0][S.REJECT_REASON].count(";") >= 3
    assert got.rejects.iloc[0][S.REJECT_COLUMN] == "comment"


def test_ingest_too_long_field() -> None:
    got = _ingest("2," + "x" * 60 + ",5,2026-05-02\n", max_field_chars=50)
    assert got.rejects.iloc[0][S.REJECT_REASON] == "comment has 60 characters; at most 50 are accepted (--max-chars)"


def test_ingest_rejects_keep_the_original_cells() -> None:
    got = _ingest("2,Rude operator,11,2026-05-02\n")
    assert got.rejects.iloc[0][["id", "comment", "nps", "date"]].tolist() == ["2", "Rude operator", "11", "2026-05-02"]


def test_ingest_valid_values_are_typed() -> None:
    got = read_comments(io.BytesIO(b"comment,nps,date,channel\n a ,\" 10 \",31.05.2026, chat \nb,,,\n"), name="x.csv")
    c = got.comments
    assert c[S.NPS_SCORE].tolist() == [10, pd.NA]
    assert str(c[S.DATE].iloc[0].date()) == "2026-05-31" and pd.isna(c[S.DATE].iloc[1])
    assert c[S.CHANNEL].tolist() == ["chat", pd.NA]
    assert c[S.NPS_SCORE].dtype == "Int64"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2026-05-31", "2026-06-01T10:15:00"], ["2026-05-31", "2026-06-01"]),
        (["31/05/2026", "01/06/2026"], ["2026-05-31", "2026-06-01"]),
        (["05/31/2026", "06/01/2026"], ["2026-05-31", "2026-06-01"]),
        (["31.05.2026 14:05", "01.06.2026"], ["2026-05-31", "2026-06-01"]),
        (["2026-05-31T10:00:00+03:00"], ["2026-05-31"]),
    ],
)
def test_ingest_parse_dates_layouts(values: list[str], expected: list[str]) -> None:
    assert parse_dates(pd.Series(values)).dt.strftime("%Y-%m-%d").tolist() == expected


def test_ingest_generated_ids_are_stable_and_order_independent() -> None:
    rows = [f"remark number {i},{i % 11}" for i in range(30)] + ["same text,5", "same text,5"]
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)

    def ids(lines: list[str]) -> dict[str, str]:
        got = read_comments(io.BytesIO(("comment,nps\n" + "\n".join(lines)).encode()), name="x.csv").comments
        return dict(zip(got[S.COMMENT_ID], got[S.RAW_TEXT], strict=True))

    first, again, reordered = ids(rows), ids(rows), ids(shuffled)
    assert first == again == reordered
    assert len(first) == 32


def test_ingest_empty_ids_are_generated_not_rejected() -> None:
    got = read_comments(io.BytesIO(b"id,comment\n,first\n7,second\n,third\n"), name="x.csv")
    assert len(got.rejects) == 0
    ids = got.comments[S.COMMENT_ID].tolist()
    assert ids[1] == "7" and ids[0].startswith("c") and ids[0] != ids[2]


def test_ingest_dataframe_input() -> None:
    frame = pd.DataFrame({"Feedback": ["late", None, "rude"], "Score": [3, 5, 99]})
    got = read_comments(frame, AnalysisConfig(columns=ColumnChoice(nps="Score")))
    assert got.comments[S.RAW_TEXT].tolist() == ["late"]
    assert got.rejects[S.REJECT_LINE].tolist() == [2, 3]
    assert got.rejects[S.REJECT_PROBLEM].tolist() == ["empty_text", "bad_nps"]


def test_ingest_rows_read_is_analysed_plus_rejected_on_a_mixed_file() -> None:
    body = "2,,5,2026-05-02\n3,ok,99,2026-05-02\n4,a,b,c,d\n\n5,fine,9,2026-05-03\n1,dup,1,2026-05-01\n"
    got = _ingest(body)
    assert got.rows_read == 6 == len(got.comments) + len(got.rejects)
    assert got.rejects[S.REJECT_LINE].tolist() == [3, 4, 5, 8]
    assert got.table.blank_lines == 1


def test_ingest_reports_decisions() -> None:
    from analyzer.reporter import RecordingReporter

    rec = RecordingReporter()
    read_comments(io.BytesIO(GOOD.encode()), reporter=rec, name="x.csv")
    text = "\n".join(rec.lines)
    assert "x.csv: encoding: utf-8 (detected)" in text
    assert "text column: 'comment' (by name; override with --text-col)" in text
    assert "respondent column: none found (name one with --respondent-col)" in text


# --- a run that cannot be right stops -------------------------------------------


def _read(text: str, **config):
    return read_comments(io.BytesIO(text.encode()), AnalysisConfig(**config), name="comments.csv")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("comment,time\n" + "".join(f"remark {i},{i} min\n" for i in range(8)),
         "comments.csv: column 'time' was guessed as the date column, and 8 of 8 rows were rejected for it (bad_date); "
         "name the right column with --date-col NAME, or say the file has none with --date-col none"),
        ("comment,sentiment_score\n" + "".join(f"remark {i},0.{i + 1}\n" for i in range(4)) + "remark 9,1\n",
         "comments.csv: column 'sentiment_score' was guessed as the NPS score column, and 4 of 5 rows were rejected for it (bad_nps); "
         "name the right column with --nps-col NAME, or say the file has none with --nps-col none"),
        ("ticket_id,comment\n" + "".join(f"T1,remark {i}\n" for i in range(4)),
         "comments.csv: column 'ticket_id' was guessed as the comment id column, and 3 of 4 rows were rejected for it (duplicate_id); "
         "name the right column with --id-col NAME, or say the file has none with --id-col none"),
    ],
)
def test_ingest_a_guessed_column_rejecting_most_rows_stops_the_run(text: str, message: str) -> None:
    from analyzer.errors import GuessedColumnRejected

    with pytest.raises(GuessedColumnRejected) as caught:
        _read(text)
    assert str(caught.value) == message
    assert caught.value.exit_code == 3


def test_ingest_the_override_in_the_message_works() -> None:
    text = "comment,time\n" + "".join(f"remark {i},{i} min\n" for i in range(8))
    assert len(_read(text, columns=ColumnChoice(date="none")).comments) == 8


def test_ingest_half_or_fewer_rejected_for_a_guessed_column_is_fine() -> None:
    got = _read("comment,time\nremark 1,2026-05-01\nremark 2,2026-05-02\nremark 3,soon\nremark 4,later\n")
    assert (len(got.comments), len(got.rejects)) == (2, 2)


def test_ingest_a_named_or_role_named_column_is_not_blamed() -> None:
    text = "comment,time,nps\n" + "".join(f"remark {i},{i} min,{20 + i}\n" for i in range(8)) + "fine,2026-05-01,7\n"
    assert len(_read(text, columns=ColumnChoice(date="time")).comments) == 1  # given: the user's choice
    # A column called just "nps" is the NPS column, however bad its values: it was not a guess that could be wrong.
    assert len(_read("comment,nps\nlate,11\nrude,abc\nok,7\n").rejects) == 2


def test_ingest_empty_comments_do_not_blame_the_text_column() -> None:
    got = _read("comment,nps\n" + ",5\n" * 6 + "late courier,3\n")
    assert (len(got.comments), len(got.rejects)) == (1, 6)


@pytest.mark.parametrize(
    ("text", "config", "message"),
    [
        ("id,comment\n" + "".join(f"{i}, \n" for i in range(1, 13)), {},
         "comments.csv: all 12 rows were rejected (empty_text: 12), so nothing is left to analyse; the first, on line 2: "
         "comment is empty; a comment needs at least one non-space character"),
        ("id,comment,nps\n1,,5\n2,late,11\n3,rude,12\n4,x,y,z\n", {},
         "comments.csv: all 4 rows were rejected (bad_nps: 2, empty_text: 1, ragged: 1), so nothing is left to analyse; the first, "
         "on line 2: comment is empty; a comment needs at least one non-space character"),
        ("comment,when\nlate,ann@example.com\n", {"columns": ColumnChoice(date="when")},
         "comments.csv: the only row was rejected (bad_date), so nothing is left to analyse; on line 2: when '[EMAIL]' is "
         "not a date; accepted: 2026-05-31, 2026-05-31T14:05, 31.05.2026, 31/05/2026, 05/31/2026"),
    ],
)
def test_ingest_all_rows_rejected_stops_the_run(text: str, config: dict, message: str) -> None:
    from analyzer.errors import AllRowsRejected

    with pytest.raises(AllRowsRejected) as caught:
        _read(text, **config)
    assert str(caught.value) == message
    assert caught.value.exit_code == 3


def test_ingest_all_rejected_dataframe_stops_too() -> None:
    from analyzer.errors import AllRowsRejected

    with pytest.raises(AllRowsRejected, match=r"^<DataFrame>: all 2 rows were rejected \(empty_text: 2\)"):
        read_comments(pd.DataFrame({"comment": ["", None], "nps": [3, 4]}))


def test_ingest_all_rejected_message_is_one_line_whatever_the_cells_hold() -> None:
    from analyzer.errors import AllRowsRejected

    with pytest.raises(AllRowsRejected) as caught:
        _read('comment,nps\nlate,"a\u2028b\rc"\n', redact=False)
    assert str(caught.value).endswith("on line 2: nps 'a b c' is not a whole number; accepted: whole numbers 0 to 10, or empty")
