"""The classify stage: long segments table, comment roll-up, inputs untouched."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer import schema as S
from analyzer.classify.modelio import load_model
from analyzer.classify.stage import classify, combine_labels, roll_up


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return pd.DataFrame({
        S.COMMENT_ID: ["c1", "c1", "c2", "c3"],
        S.SEGMENT_ID: ["c1-1", "c1-2", "c2-1", "c3-1"],
        S.TEXT: ["The courier was two hours late", "the operator was very kind and helpful", "ok",
                 "Приложение вылетает при оплате, и в чате никто не отвечает"],
        S.LANG: ["en", "en", "en", "ru"],
    })


def test_classify_long_table_and_roll_up(small_model, segments) -> None:
    before = segments.copy()
    out = classify(segments, load_model(small_model))
    pd.testing.assert_frame_equal(segments, before)
    assert out[S.SEGMENT_ID].tolist()[:2] == ["c1-1", "c1-2"]
    first = out[out[S.SEGMENT_ID] == "c1-1"]
    assert first[S.TOUCHPOINT].tolist() == ["logistics"] and first[S.SENTIMENT].tolist() == ["negative"]
    assert out[out[S.SEGMENT_ID] == "c1-2"][S.TOUCHPOINT].tolist() == ["support"]
    assert out[S.TOUCHPOINT_CONFIDENCE].between(0, 1).all() and out[S.SENTIMENT_SCORE].between(-1, 1).all()
    assert set(out[S.SEGMENT_ID]) == set(segments[S.SEGMENT_ID])
    comments = roll_up(pd.DataFrame({S.COMMENT_ID: ["c1", "c2", "c3"]}), out)
    assert comments.loc[0, S.LABELS] == "logistics:negative;support:positive"
    assert comments.loc[0, S.SENTIMENT] == "mixed"


@pytest.mark.parametrize(("labels", "label"), [(["positive"], "positive"), (["negative", "neutral"], "negative"), (["neutral"], "neutral"),
                                               (["positive", "negative"], "mixed"), (["conflict"], "mixed"), ([], "neutral")])
def test_classify_combine_labels(labels, label) -> None:
    assert combine_labels(labels) == label


def test_classify_comment_without_segments_rows_gets_no_labels() -> None:
    empty = pd.DataFrame({S.COMMENT_ID: pd.Series([], dtype="string"), S.TOUCHPOINT: pd.Series([], dtype="string"),
                          S.SENTIMENT: pd.Series([], dtype="string"), S.SENTIMENT_SCORE: pd.Series([], dtype=float)})
    out = roll_up(pd.DataFrame({S.COMMENT_ID: ["c9"]}), empty)
    assert pd.isna(out.loc[0, S.LABELS]) and pd.isna(out.loc[0, S.SENTIMENT])
