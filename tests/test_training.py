"""Training and evaluation: label sets from data, model cards, SemEval-style metrics."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.classify.labels import read_labeled
from analyzer.classify.modelio import load_model
from analyzer.classify.training import compare_to_existing, evaluate, train


def _restaurant_rows() -> pd.DataFrame:
    rows = []
    for i in range(5):
        rows += [(f"the food was great {i}", "food#quality:positive"), (f"the waiter was rude {i}", "service:negative"),
                 (f"great food, rude waiter {i}", "food#quality:positive;service:negative"),
                 (f"the food was awful {i}", "food#quality:negative"), (f"lovely waiter {i}", "service:positive"),
                 (f"we came on a tuesday {i}", "anecdotes/miscellaneous:neutral")]
    return pd.DataFrame(rows, columns=["text", "labels"])


def test_training_label_set_comes_from_the_data() -> None:
    model = train(read_labeled(_restaurant_rows()), cv=2)
    assert model.card["labels"] == ["anecdotes/miscellaneous", "food#quality", "service"]
    assert model.card["training_data"]["label_counts"]["service:negative"] == 10
    assert model.card["training_data"]["seed_terms_used"] is True
    assert model.cv_f1 is not None


def test_training_sentiment_only_file_has_no_touchpoint_model() -> None:
    frame = pd.DataFrame({"text": [f"{w} {i}" for i in range(5) for w in ("good", "bad", "great", "awful")],
                          "sentiment": ["positive", "negative", "positive", "negative"] * 5})
    model = train(read_labeled(frame), cv=2)
    assert model.touchpoints is None and model.cv_f1 is None
    assert model.card["labels"] == [] and model.card["sentiments"] == ["negative", "positive"]
    result = evaluate(model, read_labeled(frame))
    assert "touchpoints" not in result.metrics and result.metrics["sentiment_given_gold"]["pairs"] == 20


def test_training_evaluate_scores_pairs_like_semeval(small_model, small_labeled) -> None:
    model = load_model(small_model)
    data = read_labeled(small_labeled)
    result = evaluate(model, data)
    m = result.metrics
    assert m["rows"] == len(data.texts)
    assert m["touchpoints"]["micro"]["f1"] > 0.8  # it has seen these rows
    assert m["sentiment_given_gold"]["pairs"] == sum(len(p) for p in data.pairs)
    assert list(result.predictions.columns) == ["text", "gold", "predicted", "sentiment_given_gold"]
    gold_tps = [[p.rsplit(":", 1)[0] for p in row.split(";") if p] for row in result.predictions["gold"]]
    given = [[p.rsplit(":", 1)[0] for p in row.split(";") if p] for row in result.predictions["sentiment_given_gold"]]
    assert gold_tps == given
    assert "(none)" in m["confusion"]


@pytest.mark.parametrize(("new", "card", "expected"), [
    (0.80, {"metrics": {"touchpoints": {"micro": {"f1": 0.85}}}}, 0.05),
    (0.90, {"metrics": {"touchpoints": {"micro": {"f1": 0.85}}}}, -0.05),
    (None, {"metrics": {"touchpoints": {"micro": {"f1": 0.85}}}}, None),
    (0.80, {"metrics": {"touchpoints": None}}, None),
])
def test_training_compare_to_existing(new, card, expected) -> None:
    assert compare_to_existing(new, card) == expected
