"""Guessing the role of each input column, with overrides and clear errors."""

from __future__ import annotations

import pytest

from analyzer.io.columns import map_columns
from analyzer.config import ColumnChoice
from analyzer.errors import NoTextColumn, UnknownColumn

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
