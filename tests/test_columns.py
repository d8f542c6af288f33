"""Guessing the role of each input column, with overrides and clear errors."""

from __future__ import annotations

import pytest

from analyzer.config import ColumnChoice
from analyzer.errors import NoTextColumn, UnknownColumn, UsageError
from analyzer.io.columns import map_columns

ROW = ["1", "Курьер опоздал на два часа", "3", "2026-05-01", "R1", "phone"]


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["id", "comment", "nps_score", "date", "respondent_id", "channel"],
         {"text": "comment", "id": "id", "nps": "nps_score", "date": "date", "respondent": "respondent_id", "channel": "channel"}),
        (["ID", "Отзыв", "Оценка", "Дата", "Клиент", "Канал"],
         {"text": "Отзыв", "id": "ID", "nps": "Оценка", "date": "Дата", "respondent": "Клиент", "channel": "Канал"}),
        (["Comment ID", "Verbatim", "Likelihood to recommend", "Created at", "Customer ID", "Source"],
         {"text": "Verbatim", "id": "Comment ID", "nps": "Likelihood to recommend", "date": "Created at", "respondent": "Customer ID", "channel": "Source"}),
        (["id", "σχόλιο", "βαθμολογία", "ημερομηνία", "πελάτης", "κανάλι"],
         {"text": "σχόλιο", "nps": "βαθμολογία", "date": "ημερομηνία", "respondent": "πελάτης", "channel": "κανάλι"}),
        (["id", "نظر", "امتیاز", "تاریخ", "مشتری", "کانال"], {"text": "نظر", "nps": "امتیاز", "date": "تاریخ", "channel": "کانال"}),
        (["id", "пікір", "баға", "күні", "тұтынушы", "арна"], {"text": "пікір", "nps": "баға", "date": "күні", "channel": "арна"}),
        (["nr", "comentariu", "scor", "data", "client", "canal"], {"text": "comentariu", "nps": "scor", "date": "data", "channel": "canal"}),
    ],
)
def test_columns_guessed_by_name(columns: list[str], expected: dict[str, str]) -> None:
    mapping = map_columns(columns, [ROW], ColumnChoice(), "x.csv")
    for role, column in expected.items():
        assert getattr(mapping, role) == column, role
        assert mapping.how[role] == "by name"


def test_columns_text_guessed_by_content() -> None:
    mapping = map_columns(["a", "b", "c"], [["1", "short", "The courier was two hours late again"], ["2", "x", "Rude operator"]],
                          ColumnChoice(), "x.csv")
    assert mapping.text == "c" and mapping.how["text"] == "by content"


def test_columns_given_names_win() -> None:
    mapping = map_columns(["comment", "remark", "score"], [["a", "b", "1"]], ColumnChoice(text="remark", nps="score"), "x.csv")
    assert (mapping.text, mapping.how["text"]) == ("remark", "given")
    assert mapping.describe()[0] == "text column: 'remark' (given; override with --text-col)"


def test_columns_unknown_given_column_lists_the_real_ones() -> None:
    with pytest.raises(UnknownColumn) as caught:
        map_columns(["id", "comment"], [["1", "a"]], ColumnChoice(nps="score"), "x.csv")
    assert str(caught.value) == "x.csv: --nps-col 'score' is not a column of the file; its columns are 'id', 'comment'"


def test_columns_no_text_column() -> None:
    with pytest.raises(NoTextColumn) as caught:
        map_columns(["id", "nps"], [["1", "7"], ["2", "9"]], ColumnChoice(), "x.csv")
    assert str(caught.value).startswith("x.csv: no column holds comment text (columns: 'id', 'nps'); name it with --text-col")


# --- whole words, never substrings ------------------------------------------


@pytest.mark.parametrize(
    "columns",
    [
        ["id", "comment", "sentiment"],
        ["id", "comment", "timestamp_of_payment"],
        ["id", "comment", "lifetime_value"],
        ["id", "comment", "update_count", "candidate", "runtime", "Datenschutz", "overtime"],
    ],
)
def test_columns_substrings_are_not_dates(columns: list[str]) -> None:
    mapping = map_columns(columns, [["1", "The courier was late"] + ["x"] * (len(columns) - 2)], ColumnChoice(), "x.csv")
    assert mapping.date is None
    assert mapping.text == "comment"


@pytest.mark.parametrize(
    ("columns", "role"),
    [
        (["comment", "paid_amount", "valid", "video_url"], "id"),
        (["comment", "underscore_count"], "nps"),
        (["comment", "clientele_size"], "respondent"),
        (["comment", "channeling"], "channel"),
    ],
)
def test_columns_substrings_do_not_give_a_role(columns: list[str], role: str) -> None:
    mapping = map_columns(columns, [["The courier was late"] + ["7"] * (len(columns) - 1)], ColumnChoice(), "x.csv")
    assert getattr(mapping, role) is None, mapping


@pytest.mark.parametrize("columns", [["nps", "context"], ["nps", "pretext"], ["nps", "sentiment"]])
def test_columns_substrings_are_not_the_text(columns: list[str]) -> None:
    with pytest.raises(NoTextColumn):
        map_columns(columns, [["7", "ok"], ["3", "bad"]], ColumnChoice(), "x.csv")


def test_columns_sentiment_is_not_text_even_by_content() -> None:
    rows = [["1", "rather negative overall, sadly"], ["2", "mostly positive though mixed"]]
    with pytest.raises(NoTextColumn):
        map_columns(["id", "sentiment"], rows, ColumnChoice(), "x.csv")


@pytest.mark.parametrize(
    ("column", "role"),
    [
        ("Date", "date"), ("created_at", "date"), ("CreatedAt", "date"), ("Дата", "date"), ("submission_date", "date"),
        ("ReviewDate", "date"), ("Date (UTC)", "date"), ("Timestamp (UTC)", "date"), ("date_of_visit", "date"), ("Дата отзыва", "date"),
        ("تاریخ ثبت", "date"),
        ("Score 0-10", "nps"), ("NPS score", "nps"), ("NPSScore", "nps"), ("How likely are you to recommend us? (0-10)", "nps"),
        ("Comment", "text"), ("Customer comment", "text"), ("Customer feedback", "text"), ("Комментарий клиента", "text"),
        ("review_body", "text"), ("Текст отзыва", "text"),
        ("Comment ID", "id"), ("feedback_id", "id"), ("CommentId", "id"),
        ("Customer ID (hashed)", "respondent"), ("client_id", "respondent"), ("CustomerID", "respondent"),
        ("Channel", "channel"), ("sales_channel", "channel"), ("Канал связи", "channel"),
    ],
)
def test_columns_words_of_a_name_give_its_role(column: str, role: str) -> None:
    columns = [column, "remark"] if role != "text" else [column]
    mapping = map_columns(columns, [["7", "The courier was late"][: len(columns)]], ColumnChoice(), "x.csv")
    assert getattr(mapping, role) == column
    assert mapping.how[role] == "by name"


def test_columns_known_names_win_over_words_of_other_names() -> None:
    # "Customer comment" must not be taken as the respondent because "customer" is a respondent word.
    mapping = map_columns(["Customer comment", "Customer ID", "Comment ID"], [["late", "R1", "1"]], ColumnChoice(), "x.csv")
    assert (mapping.text, mapping.respondent, mapping.id) == ("Customer comment", "Customer ID", "Comment ID")


# --- switching a role off ----------------------------------------------------


@pytest.mark.parametrize("word", ["none", "None", "NONE"])
def test_columns_a_role_can_be_switched_off(word: str) -> None:
    columns = ["id", "comment", "date", "nps", "respondent_id", "channel"]
    choice = ColumnChoice(id=word, date=word, nps=word, respondent=word, channel=word)
    mapping = map_columns(columns, [ROW], choice, "x.csv")
    assert mapping.text == "comment"
    for role in ("id", "date", "nps", "respondent", "channel"):
        assert getattr(mapping, role) is None, role
        assert mapping.how[role] == "switched off"
    assert "date column: none (switched off with --date-col none)" in mapping.describe()


def test_columns_a_switched_off_role_guesses_nothing_else() -> None:
    mapping = map_columns(["comment", "Дата отзыва", "created_at"], [["late", "2026-05-01", "2026-05-01"]], ColumnChoice(date="none"), "x.csv")
    assert mapping.date is None and mapping.how["date"] == "switched off"
    assert mapping.text == "comment"


def test_columns_text_cannot_be_switched_off() -> None:
    with pytest.raises(UsageError) as caught:
        map_columns(["id", "comment"], [["1", "a"]], ColumnChoice(text="none"), "x.csv")
    assert str(caught.value) == ("--text-col: 'none' cannot be used; the comment text column is required, so name the column that "
                                 "holds the comments (e.g. --text-col comment) or leave the option out to have it guessed")
    assert caught.value.exit_code == 2
