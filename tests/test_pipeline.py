"""The composed pipeline on a DataFrame and on the sample file."""

from __future__ import annotations

import pandas as pd

import analyzer
from analyzer import schema as S

from .conftest import SAMPLE


def test_pipeline_dataframe_in_result_out() -> None:
    frame = pd.DataFrame({"review": ["Courier was late, but the operator was kind.", "  ", "Wrong bill again"], "score": [3, 5, 11]})
    result = analyzer.analyze(frame)
    assert result.summary.to_dict()["counts"] == {"rows_read": 3, "rows_analyzed": 1, "rows_rejected": 2, "segments": 2, "redactions": 0,
                                        "with_nps": 1, "redactions_in_rejects": 0}
    assert result.segments[S.TEXT].tolist() == ["Courier was late", "the operator was kind."]
    assert result.summary.to_dict()["rejects_by_problem"] == {"empty_text": 1, "bad_nps": 1}
    assert any("text column: 'review'" in line for line in result.log)


def test_pipeline_sample_counts_hold_and_every_comment_has_segments() -> None:
    result = analyzer.analyze(SAMPLE)
    counts = result.summary.to_dict()["counts"]
    assert counts["rows_read"] == counts["rows_analyzed"] + counts["rows_rejected"]
    assert set(result.segments[S.COMMENT_ID]) == set(result.comments[S.COMMENT_ID])
    assert counts["redactions"] >= 13


def test_pipeline_is_deterministic_under_row_order() -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    first = analyzer.analyze(frame)
    second = analyzer.analyze(frame.sample(frac=1, random_state=3))
    key = [S.COMMENT_ID, S.SEGMENT_ID]
    a = first.segments.sort_values(key).reset_index(drop=True)
    b = second.segments.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
