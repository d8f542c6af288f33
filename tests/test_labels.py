"""Labeled data: the touchpoint:sentiment pair format, bad rows with lines, sentiment-only files."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from analyzer.classify.labels import LabelFormatError, format_labels, parse_labels, read_labeled
from analyzer.errors import InputError

from .conftest import LABELED, ROOT

SHARED = ROOT.parent / "shared" / "data"


@pytest.mark.parametrize(
    ("cell", "pairs"),
    [
        ("food:positive", [("food", "positive")]),
        ("anecdotes/miscellaneous:neutral", [("anecdotes/miscellaneous", "neutral")]),
        ("food#quality:Positive; service:negative", [("food#quality", "positive"), ("service", "negative")]),
        ("service:speed:negative", [("service:speed", "negative")]),
        ("food:positive;food:positive", [("food", "positive")]),
        ("food:positive;food:negative", [("food", "positive"), ("food", "negative")]),
        ("", []),
        (None, []),
        (" ; ", []),
    ],
)
def test_labels_parse_splits_at_the_last_colon(cell, pairs) -> None:
    assert parse_labels(cell) == pairs


@pytest.mark.parametrize("cell", ["food", "food:", ":positive", "food:positive;service"])
def test_labels_parse_rejects_bad_pairs(cell: str) -> None:
    with pytest.raises(LabelFormatError):
        parse_labels(cell)


def test_labels_format_is_the_inverse() -> None:
    pairs = [("food#quality", "positive"), ("anecdotes/miscellaneous", "neutral")]
    assert parse_labels(format_labels(pairs)) == pairs


def test_labels_bad_rows_are_reported_with_lines() -> None:
    data = "text,labels\nlate courier,logistics:negative\n,support:positive\nrude,support\nok,\n  ,\nbill,price:negative;x\n"
    got = read_labeled(io.BytesIO(data.encode()), name="l.csv")
    assert got.texts == ["late courier", "ok"]
    assert got.pairs == [[("logistics", "negative")], []]
    assert got.rejects == [(3, "text is empty"), (4, "labels: 'support' is not touchpoint:sentiment"), (6, "text is empty"),
                           (7, "labels: 'x' is not touchpoint:sentiment")]
    assert got.rows_read == 6 == len(got.texts) + len(got.rejects)


def test_labels_sentiment_only_file() -> None:
    got = read_labeled(pd.DataFrame({"text": ["good", "bad", "meh"], "sentiment": ["Positive", "negative", ""]}))
    assert got.pairs is None
    assert got.sentiments == ["positive", "negative"]
    assert got.rejects == [(3, "sentiment is empty; give the row's sentiment (e.g. negative, neutral, positive)")]


def test_labels_no_label_column_is_one_clear_error() -> None:
    with pytest.raises(InputError, match=r"^x\.csv: no labels or sentiment column \(columns: 'text', 'score'\); accepted: a 'labels' column"):
        read_labeled(io.BytesIO(b"text,score\nhello there,3\n"), name="x.csv")


def test_labels_the_shipped_sample_parses_cleanly() -> None:
    got = read_labeled(LABELED)
    assert got.rejects == []
    assert len(got.texts) >= 3000
    assert got.touchpoints == ["advertising", "logistics", "other", "premises", "price", "product", "support", "website"]
    assert got.sentiment_labels == ["negative", "neutral", "positive"]
    assert set(got.langs) == {"en", "ru", "ro", "el", "fa", "kk"}


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not beside the checkout")
@pytest.mark.parametrize("name", ["semeval14_train.csv", "semeval16_train.csv", "mams_val.csv", "sentirueval15_train.csv",
                                  "sentipers_train.csv"])
def test_labels_reads_the_public_benchmark_files(name: str) -> None:
    got = read_labeled(SHARED / name)
    assert len(got.texts) + len(got.rejects) == got.rows_read
    assert len(got.texts) > 100


def test_labeled_texts_are_redacted_so_a_model_never_learns_personal_data() -> None:
    data = pd.DataFrame({"text": ["Call me on +44 20 7946 0958, the courier was late", "mail ivan.petrov@example.com about the refund"],
                         "labels": ["logistics:negative", "price:negative"]})
    texts = read_labeled(data).texts
    assert "7946" not in " ".join(texts) and "ivan.petrov" not in " ".join(texts)
    assert "[PHONE]" in texts[0] and "[EMAIL]" in texts[1]
    assert "ivan.petrov@example.com" in read_labeled(data, redact=False).texts[1]
