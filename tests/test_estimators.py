"""The classifiers follow the scikit-learn contract and learn sentiment per touchpoint."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analyzer.classify.estimators import SentimentClassifier, TouchpointClassifier, _best_threshold
from analyzer.classify.features import TfidfFeatures
from analyzer.errors import ModelError

TEXTS = ["the courier was late", "courier never came", "parcel arrived crushed", "the operator was rude",
         "operator hung up on me", "support chat never answered", "great food", "the soup was cold"]
LABELS = [["logistics"], ["logistics"], ["logistics"], ["support"], ["support"], ["support"], ["product"], ["product"]]


@pytest.fixture(scope="module")
def touchpoints() -> TouchpointClassifier:
    X = pd.DataFrame({"text": [f"{t} {i}" for i in range(4) for t in TEXTS], "lang": "en"})
    return TouchpointClassifier(featurizer=TfidfFeatures(min_df=1), cv=3).fit(X, LABELS * 4)


def test_estimators_init_only_stores_parameters() -> None:
    clf = TouchpointClassifier(C=2.0, cv=4)
    assert clf.get_params()["C"] == 2.0 and clone(clf).get_params()["cv"] == 4
    assert not [k for k in vars(clf) if k.endswith("_")]
    with pytest.raises(NotFittedError):
        clf.predict_proba(["x"])


def test_estimators_touchpoints_fit_and_predict(touchpoints: TouchpointClassifier) -> None:
    assert list(touchpoints.classes_) == ["logistics", "product", "support"]
    assert touchpoints.thresholds_.shape == (3,)
    proba = touchpoints.predict_proba(pd.DataFrame({"text": ["the courier was very late", "rude operator"]}))
    assert proba.shape == (2, 3) and ((proba >= 0) & (proba <= 1)).all()
    assert touchpoints.predict(["the courier was very late", "rude operator"]) == [["logistics"], ["support"]]
    report = touchpoints.cv_report_
    assert set(report["per_class"]) == {"logistics", "product", "support"} and 0 <= report["micro"]["f1"] <= 1


def test_estimators_training_is_reproducible() -> None:
    X = pd.DataFrame({"text": [f"{t} {i}" for i in range(4) for t in TEXTS]})
    a = TouchpointClassifier(featurizer=TfidfFeatures(min_df=1), cv=3).fit(X, LABELS * 4)
    b = TouchpointClassifier(featurizer=TfidfFeatures(min_df=1), cv=3).fit(X, LABELS * 4)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_estimators_rare_touchpoints_are_dropped_and_named() -> None:
    X = [f"{t} {i}" for i in range(4) for t in TEXTS] + ["a lonely remark"]
    clf = TouchpointClassifier(featurizer=TfidfFeatures(min_df=1), cv=3).fit(X, LABELS * 4 + [["rare"]])
    assert clf.dropped_ == ["rare"] and "rare" not in clf.classes_


def test_estimators_too_few_touchpoints_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="at least two touchpoints"):
        TouchpointClassifier(cv=2).fit(["a", "b", "c"], [["x"], ["x"], ["x"]])


def test_estimators_sentiment_differs_by_touchpoint_for_the_same_text() -> None:
    rows = []
    for i in range(6):
        rows += [(f"the food was great {i}", "food", "positive"), (f"the waiter was rude {i}", "service", "negative"),
                 (f"great food, rude waiter {i}", "food", "positive"), (f"great food, rude waiter {i}", "service", "negative"),
                 (f"the food was awful {i}", "food", "negative"), (f"the waiter was lovely {i}", "service", "positive")]
    X = pd.DataFrame({"text": [r[0] for r in rows], "touchpoint": [r[1] for r in rows]})
    y = [r[2] for r in rows]
    clf = SentimentClassifier(featurizer=TfidfFeatures(min_df=1), cv=3).fit(X, y)
    query = pd.DataFrame({"text": ["great food, rude waiter"] * 2, "touchpoint": ["food", "service"]})
    assert clf.predict(query).tolist() == ["positive", "negative"]
    scores = clf.score_of(clf.predict_proba(query))
    assert scores[0] > 0 > scores[1] and np.abs(scores).max() <= 1
    flat = SentimentClassifier(featurizer=TfidfFeatures(min_df=1), by_touchpoint=False, cv=3).fit(X, y)
    assert len(set(flat.predict(query))) == 1  # without touchpoint blocks the two pairs cannot differ


def test_estimators_threshold_tuning_picks_the_f1_optimum() -> None:
    proba = np.array([0.9, 0.8, 0.35, 0.3, 0.1])
    truth = np.array([1, 1, 1, 0, 0])
    assert _best_threshold(proba, truth) == pytest.approx(0.325)


def test_estimators_fallback_gives_the_nearest_touchpoint_only_when_set(touchpoints: TouchpointClassifier) -> None:
    proba = np.array([[0.04, 0.03, 0.02], [0.3, 0.1, 0.2]])
    saved = touchpoints.thresholds_
    touchpoints.thresholds_ = np.array([0.9, 0.9, 0.9])
    try:
        assert touchpoints.decide(proba) == [[], []]
        touchpoints.fallback_ = 0.2
        assert touchpoints.decide(proba) == [[], ["logistics"]]
    finally:
        touchpoints.thresholds_ = saved
        del touchpoints.fallback_


def test_estimators_sentiment_without_cv_and_with_weights() -> None:
    X = pd.DataFrame({"text": [f"{t} {i}" for i in range(4) for t in ("great courier", "awful courier", "lovely staff", "rude staff")]})
    y = ["positive", "negative", "positive", "negative"] * 4
    plain = SentimentClassifier(featurizer=TfidfFeatures(min_df=1), cv=0).fit(X, y)
    assert plain.cv_report_ is None
    # The same texts labelled the other way: at a weight near zero they barely count, at a high weight they win.
    X2 = pd.concat([X, X], ignore_index=True)
    y2 = y + ["negative" if v == "positive" else "positive" for v in y]
    probe = pd.DataFrame({"text": ["great courier 0"]})
    light = SentimentClassifier(featurizer=TfidfFeatures(min_df=1), cv=0).fit(X2, y2, sample_weight=[1.0] * 16 + [1e-3] * 16)
    heavy = SentimentClassifier(featurizer=TfidfFeatures(min_df=1), cv=0).fit(X2, y2, sample_weight=[1.0] * 16 + [20.0] * 16)
    assert light.predict(probe)[0] == "positive" and heavy.predict(probe)[0] == "negative"
