"""Classification stage: touchpoints and sentiment for every segment, rolled up per comment.

The segments table comes back in long form: one row per (segment, touchpoint)
pair, so a clause about two touchpoints appears twice, each with its own
sentiment; a segment with no touchpoint appears once with an empty
``touchpoint``. Its key is ``(segment_id, touchpoint)``.

Comments gain ``touchpoints`` (``;``-joined), ``labels`` (``touchpoint:sentiment``
pairs, as in training files), ``sentiment`` and ``sentiment_score``. A
comment's sentiment is ``mixed`` when its pairs are both positive and
negative, else negative or positive if any pair is, else neutral; its score is
the mean of the pair scores. A touchpoint mentioned in several segments of one
comment gets its sentiment the same way.

Example:
    >>> combine_labels(["positive", "negative"])
    'mixed'
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from analyzer import schema as S
from analyzer.classify.labels import format_labels
from analyzer.classify.modelio import FeedbackModel
from analyzer.reporter import NullReporter, Reporter

_BATCH = 2_000


def combine_labels(labels: list[str]) -> str:
    """One sentiment for several pairs: mixed when both positive and negative occur, else the one that does.

    Example:
        >>> [combine_labels(s) for s in (["positive", "neutral"], ["negative"], ["neutral"], ["negative", "positive"], [])]
        ['positive', 'negative', 'neutral', 'mixed', 'neutral']
    """
    found = set(labels)
    if ("positive" in found and "negative" in found) or "conflict" in found:
        return "mixed"
    return "negative" if "negative" in found else "positive" if "positive" in found else "neutral"


def classify(segments: pd.DataFrame, model: FeedbackModel, reporter: Reporter | None = None) -> pd.DataFrame:
    """Predict touchpoints and their sentiment for every segment; return the long segments table.

    Args:
        segments: from :func:`analyzer.text.segment.segment`.
        model: a loaded :class:`~analyzer.classify.modelio.FeedbackModel`.
        reporter: shows progress over batches.
    """
    reporter = reporter or NullReporter()
    S.check_columns(segments, [S.COMMENT_ID, S.SEGMENT_ID, S.TEXT, S.LANG], stage="classify")
    frame = pd.DataFrame({"text": segments[S.TEXT].astype("string").fillna(""), "lang": segments[S.LANG]}).reset_index(drop=True)
    source_rows: list[int] = []
    touchpoints: list[str | None] = []
    confidence: list[float] = []
    index = {str(c): j for j, c in enumerate(model.touchpoints.classes_)} if model.touchpoints is not None else {}
    batches = range(0, len(frame), _BATCH)
    for start in reporter.track(batches, len(batches), "Classifying touchpoints"):
        part = frame.iloc[start : start + _BATCH]
        if model.touchpoints is None:
            found: list[list[str]] = [[] for _ in range(len(part))]
            proba = np.zeros((len(part), 0))
        else:
            proba = model.touchpoints.predict_proba(part)
            found = model.touchpoints.decide(proba)
        for offset, labels in enumerate(found):
            row = start + offset
            if labels:
                for tp in labels:
                    source_rows.append(row)
                    touchpoints.append(tp)
                    confidence.append(float(proba[offset, index[tp]]))
            else:
                source_rows.append(row)
                touchpoints.append(None)
                confidence.append(float(1.0 - proba[offset].max()) if proba.shape[1] else 1.0)
    pairs = pd.DataFrame({"text": frame["text"].iloc[source_rows].tolist(), "lang": frame["lang"].iloc[source_rows].tolist(),
                          "touchpoint": touchpoints})
    labels_out: list[str] = []
    scores_out: list[float] = []
    confidence_out: list[float] = []
    for start in reporter.track(range(0, len(pairs), _BATCH), -(-len(pairs) // _BATCH), "Classifying sentiment"):
        part = pairs.iloc[start : start + _BATCH]
        proba = model.sentiment.predict_proba(part)
        labels_out.extend(str(c) for c in model.sentiment.classes_[proba.argmax(axis=1)])
        scores_out.extend(model.sentiment.score_of(proba).round(4).tolist())
        confidence_out.extend(proba.max(axis=1).round(4).tolist())
    out = segments.reset_index(drop=True).iloc[source_rows].reset_index(drop=True)
    out[S.TOUCHPOINT] = pd.array(touchpoints, dtype="string")
    out[S.TOUCHPOINT_CONFIDENCE] = np.round(confidence, 4)
    out[S.SENTIMENT] = pd.array(labels_out, dtype="string")
    out[S.SENTIMENT_SCORE] = np.asarray(scores_out, dtype=float)
    out[S.SENTIMENT_CONFIDENCE] = np.asarray(confidence_out, dtype=float)
    return out


def roll_up(comments: pd.DataFrame, classified: pd.DataFrame) -> pd.DataFrame:
    """Add ``touchpoints``, ``labels``, ``sentiment`` and ``sentiment_score`` to the comments table.

    Example:
        >>> comments = pd.DataFrame({"comment_id": ["c1"]})
        >>> segs = pd.DataFrame({"comment_id": ["c1", "c1"], "touchpoint": ["logistics", "support"],
        ...                      "sentiment": ["negative", "positive"], "sentiment_score": [-0.9, 0.8]})
        >>> roll_up(comments, segs).loc[0, ["labels", "sentiment"]].tolist()
        ['logistics:negative;support:positive', 'mixed']
    """
    S.check_columns(classified, [S.COMMENT_ID, S.TOUCHPOINT, S.SENTIMENT, S.SENTIMENT_SCORE], stage="roll_up")
    by_comment: dict[str, list[tuple[str | None, str, float]]] = defaultdict(list)
    for cid, tp, label, score in zip(classified[S.COMMENT_ID], classified[S.TOUCHPOINT], classified[S.SENTIMENT],
                                     classified[S.SENTIMENT_SCORE], strict=True):
        by_comment[cid].append((None if pd.isna(tp) else str(tp), str(label), float(score)))
    touchpoints, labels, sentiments, scores = [], [], [], []
    for cid in comments[S.COMMENT_ID]:
        items = by_comment.get(cid, [])
        per_tp: dict[str, list[tuple[str, float]]] = {}
        for tp, label, score in items:
            if tp is not None:
                per_tp.setdefault(tp, []).append((label, score))
        pairs = [(tp, combine_labels([label for label, _ in found])) for tp, found in per_tp.items()]
        all_scores = [score for _, _, score in items]
        touchpoints.append(";".join(per_tp) or None)
        labels.append(format_labels(pairs) or None)
        sentiments.append(combine_labels([label for _, label, _ in items]) if items else None)
        scores.append(round(float(np.mean(all_scores)), 4) if items else np.nan)
    out = comments.copy()
    out[S.TOUCHPOINTS] = pd.array(touchpoints, dtype="string")
    out[S.LABELS] = pd.array(labels, dtype="string")
    out[S.SENTIMENT] = pd.array(sentiments, dtype="string")
    out[S.SENTIMENT_SCORE] = np.asarray(scores, dtype=float)
    return out
