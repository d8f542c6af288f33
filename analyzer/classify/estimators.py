"""The classifiers: multi-label touchpoints per text, and sentiment per (text, touchpoint) pair.

Both follow the scikit-learn estimator contract (``__init__`` stores
parameters, ``fit`` returns ``self``, learned attributes end in ``_``) and
take the featurizer as a parameter, so it can be swapped (``tfidf``, ``e5``).

* :class:`TouchpointClassifier` is one calibrated linear SVM per touchpoint
  (Platt scaling fitted on held-out folds). Each touchpoint gets its own
  decision threshold, tuned on out-of-fold probabilities to maximise its F1.
  The cross-validated report uses, for each fold, thresholds tuned on the
  other folds only, so it is not flattered by the tuning.
* :class:`SentimentClassifier` predicts the sentiment of a text *about* a
  touchpoint: features are the text's features plus a copy of its word
  features in a block of their own for that touchpoint, so "great food,
  rude waiter" can be positive for food and negative for service. Its score
  in [-1, 1] is the expected value of the sentiment scores under the
  predicted probabilities.

Example:
    >>> import pandas as pd
    >>> X = pd.DataFrame({"text": ["late courier", "courier never came", "rude operator", "operator hung up"] * 3})
    >>> Y = [["logistics"], ["logistics"], ["support"], ["support"]] * 3
    >>> clf = TouchpointClassifier(featurizer=TfidfFeatures(min_df=1), cv=3).fit(X, Y)
    >>> clf.predict(pd.DataFrame({"text": ["the courier was late"]}))
    [['logistics']]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from analyzer.classify.features import TfidfFeatures, as_frame
from analyzer.classify.taxonomy import DEFAULT_SCORES
from analyzer.errors import ModelError

_THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.025), 3)
MIN_EXAMPLES = 3  # a touchpoint or sentiment needs this many examples to be learned


def _calibrated_svm(C: float, smaller_side: int, random_state: int) -> CalibratedClassifierCV:
    folds = StratifiedKFold(n_splits=max(2, min(3, smaller_side)), shuffle=True, random_state=random_state)
    return CalibratedClassifierCV(LinearSVC(C=C, random_state=random_state), method="sigmoid", cv=folds, ensemble=False)


def _best_threshold(proba: np.ndarray, truth: np.ndarray) -> float:
    """The grid threshold with the best F1 of ``proba >= t`` against ``truth`` (ties: the lowest)."""
    truth = truth.astype(bool)
    if not truth.any():
        return 0.5
    hits = proba[:, None] >= _THRESHOLD_GRID[None, :]
    tp = (hits & truth[:, None]).sum(axis=0)
    f1 = 2 * tp / (hits.sum(axis=0) + truth.sum())
    return float(_THRESHOLD_GRID[int(np.argmax(f1))])


class TouchpointClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label touchpoint detection with calibrated probabilities and per-class thresholds.

    Args:
        featurizer: an unfitted transformer from texts to features (default :class:`TfidfFeatures`).
        C: regularisation of the linear SVMs (larger fits the training data more closely).
        cv: folds for the out-of-fold probabilities that tune thresholds and give the CV report.
        random_state: seed of every fold split, so training is reproducible.
    """

    def __init__(self, featurizer: object = None, C: float = 0.5, cv: int = 5, random_state: int = 0) -> None:
        self.featurizer = featurizer
        self.C = C
        self.cv = cv
        self.random_state = random_state

    def _fit_classes(self, F: sp.spmatrix, B: np.ndarray) -> list[CalibratedClassifierCV | DummyClassifier]:
        models = []
        for j in range(B.shape[1]):
            positives = int(B[:, j].sum())
            smaller_side = min(positives, len(B) - positives)
            if smaller_side < 2:
                # Too few examples of one side in this fold to calibrate: predict the observed rate.
                models.append(DummyClassifier(strategy="prior").fit(F, B[:, j]))
            else:
                models.append(_calibrated_svm(self.C, smaller_side, self.random_state).fit(F, B[:, j]))
        return models

    @staticmethod
    def _proba(models: Sequence[CalibratedClassifierCV | DummyClassifier], F: sp.spmatrix) -> np.ndarray:
        columns = []
        for model in models:
            proba = model.predict_proba(F)
            columns.append(proba[:, list(model.classes_).index(1)] if 1 in model.classes_ else np.zeros(F.shape[0]))
        return np.column_stack(columns) if columns else np.zeros((F.shape[0], 0))

    def fit(self, X: object, Y: Sequence[Sequence[str]], extra_X: object = None, extra_Y: Sequence[Sequence[str]] | None = None) -> TouchpointClassifier:
        """Learn touchpoints from texts and their label lists (an empty list means no touchpoint).

        Args:
            X: texts (DataFrame with ``text`` and ``lang``, or strings).
            Y: per text, its touchpoint names.
            extra_X: examples added to every training fold and to the final fit but never scored
                (the taxonomy's seed terms), so they help without flattering the report.
            extra_Y: the touchpoint names of ``extra_X``.

        Raises:
            ModelError: fewer than two touchpoints have enough examples.
        """
        frame = as_frame(X)
        if len(frame) != len(Y):
            raise ModelError(f"{len(frame)} texts but {len(Y)} label lists")
        extra = as_frame(extra_X) if extra_X is not None else as_frame([])
        extra_Y = list(extra_Y or [])
        counts = pd.Series([tp for row in Y for tp in set(row)], dtype="string").value_counts()
        kept = sorted(counts[counts >= MIN_EXAMPLES].index)
        self.dropped_ = sorted(counts[counts < MIN_EXAMPLES].index)
        if len(kept) < 2:
            raise ModelError(f"touchpoints need at least {MIN_EXAMPLES} examples each and at least two touchpoints; "
                             f"found {dict(counts)}")
        self.binarizer_ = MultiLabelBinarizer(classes=kept).fit([kept])
        self.classes_ = np.asarray(kept, dtype=object)
        keep = set(kept)
        B = self.binarizer_.transform([[tp for tp in row if tp in keep] for row in Y])
        Be = self.binarizer_.transform([[tp for tp in row if tp in keep] for row in extra_Y]) if extra_Y else np.zeros((0, len(kept)), int)
        self.featurizer_ = clone(self.featurizer) if self.featurizer is not None else TfidfFeatures()
        self.featurizer_.fit(pd.concat([frame, extra], ignore_index=True))
        F = self.featurizer_.transform(frame)
        Fe = self.featurizer_.transform(extra) if len(extra) else None

        folds = KFold(n_splits=max(2, min(self.cv, len(frame))), shuffle=True, random_state=self.random_state)
        oof = np.zeros(B.shape, dtype=float)
        fold_of = np.zeros(len(frame), dtype=int)
        for k, (train, test) in enumerate(folds.split(F)):
            Ft, Bt = F[train], B[train]
            if Fe is not None:
                Ft, Bt = sp.vstack([Ft, Fe]), np.vstack([Bt, Be])
            oof[test] = self._proba(self._fit_classes(Ft, Bt), F[test])
            fold_of[test] = k
        self.thresholds_ = np.array([_best_threshold(oof[:, j], B[:, j]) for j in range(B.shape[1])])
        self.cv_report_ = self._honest_report(oof, B, fold_of)
        Fa, Ba = (sp.vstack([F, Fe]), np.vstack([B, Be])) if Fe is not None else (F, B)
        self.estimators_ = self._fit_classes(Fa, Ba)
        return self

    def _honest_report(self, oof: np.ndarray, B: np.ndarray, fold_of: np.ndarray) -> dict[str, object]:
        predicted = np.zeros_like(B)
        for k in np.unique(fold_of):
            inside, outside = fold_of == k, fold_of != k
            thresholds = [_best_threshold(oof[outside, j], B[outside, j]) for j in range(B.shape[1])]
            predicted[inside] = oof[inside] >= np.asarray(thresholds)
        return multilabel_report(B, predicted, list(self.classes_))

    def predict_proba(self, X: object) -> np.ndarray:
        """Calibrated probability of each touchpoint (columns in ``classes_`` order)."""
        check_is_fitted(self, "estimators_")
        return self._proba(self.estimators_, self.featurizer_.transform(as_frame(X)))

    def predict(self, X: object) -> list[list[str]]:
        """Touchpoints whose probability reaches their tuned threshold, most probable first."""
        return self.decide(self.predict_proba(X))

    def decide(self, proba: np.ndarray) -> list[list[str]]:
        """Apply the tuned thresholds to probabilities from :meth:`predict_proba`.

        A classifier given a ``fallback_`` probability (the student of :mod:`analyzer.classify.adapt` is) gives a
        text that no touchpoint reaches its most probable touchpoint when that probability reaches ``fallback_``.
        """
        return decide_touchpoints(proba, self.thresholds_, self.classes_, getattr(self, "fallback_", None))


def decide_touchpoints(proba: np.ndarray, thresholds: np.ndarray, classes: Sequence[str], fallback: float | None = None) -> list[list[str]]:
    """Per row, the classes whose probability reaches their threshold, most probable first.

    When none does and ``fallback`` is given, the most probable class if it reaches ``fallback``.

    Example:
        >>> decide_touchpoints(np.array([[0.6, 0.1], [0.3, 0.1]]), np.array([0.5, 0.5]), ["a", "b"], fallback=0.2)
        [['a'], ['a']]
    """
    out = []
    for row in proba:
        order = np.argsort(-row)
        hits = [j for j in order if row[j] >= thresholds[j]]
        if not hits and fallback is not None and len(row) and row[order[0]] >= fallback:
            hits = [order[0]]
        out.append([str(classes[j]) for j in hits])
    return out


def multilabel_report(truth: np.ndarray, predicted: np.ndarray, classes: list[str]) -> dict[str, object]:
    """Micro and per-class precision, recall, F1 and support of a multi-label prediction.

    Example:
        >>> multilabel_report(np.array([[1, 0], [0, 1]]), np.array([[1, 0], [1, 1]]), ["a", "b"])["micro"]["f1"]
        0.8
    """
    p, r, f, s = precision_recall_fscore_support(truth, predicted, average=None, zero_division=0)
    mp, mr, mf, _ = precision_recall_fscore_support(truth, predicted, average="micro", zero_division=0)
    return {
        "micro": {"precision": round(float(mp), 4), "recall": round(float(mr), 4), "f1": round(float(mf), 4)},
        "per_class": {
            name: {"precision": round(float(p[j]), 4), "recall": round(float(r[j]), 4), "f1": round(float(f[j]), 4), "support": int(s[j])}
            for j, name in enumerate(classes)
        },
    }


def _pairs_frame(X: object) -> pd.DataFrame:
    frame = as_frame(X)
    touchpoint = X["touchpoint"] if isinstance(X, pd.DataFrame) and "touchpoint" in X.columns else pd.Series([None] * len(frame))
    frame["touchpoint"] = pd.Series(touchpoint).astype("string").reset_index(drop=True)
    return frame


class SentimentClassifier(ClassifierMixin, BaseEstimator):
    """Sentiment of a text about a touchpoint (or of the whole text when the touchpoint is missing).

    Args:
        featurizer: an unfitted transformer from texts to features (default :class:`TfidfFeatures`).
        C: regularisation of the linear SVM.
        by_touchpoint: add a per-touchpoint copy of the word features (aspect-specific weights).
        cv: folds for the cross-validated accuracy in ``cv_report_`` (0: no report, ``cv_report_`` is ``None``).
        random_state: seed of the fold split.
        scores: sentiment label -> score in [-1, 1]; labels not listed score 0.
    """

    def __init__(self, featurizer: object = None, C: float = 0.5, by_touchpoint: bool = True, cv: int = 5,
                 random_state: int = 0, scores: Mapping[str, float] | None = None) -> None:
        self.featurizer = featurizer
        self.C = C
        self.by_touchpoint = by_touchpoint
        self.cv = cv
        self.random_state = random_state
        self.scores = scores

    def _features(self, frame: pd.DataFrame) -> sp.csr_matrix:
        # A segment about k touchpoints comes as k rows of one text: featurise each (text, lang) once.
        codes, _ = pd.factorize(pd.MultiIndex.from_frame(frame[["text", "lang"]]))
        _, first = np.unique(codes, return_index=True)
        F = sp.csr_matrix(self.featurizer_.transform(frame.iloc[first]))[codes]
        if not self.by_touchpoint or not self.touchpoints_:
            return F
        width = self.block_width_
        index = {tp: j for j, tp in enumerate(self.touchpoints_)}
        block = F[:, :width].tocoo()
        which = np.array([index.get(tp, -1) if isinstance(tp, str) else -1 for tp in frame["touchpoint"].tolist()])
        keep = which[block.row] >= 0
        rows, cols = block.row[keep], block.col[keep] + which[block.row[keep]] * width
        extra = sp.csr_matrix((block.data[keep], (rows, cols)), shape=(F.shape[0], width * len(self.touchpoints_)))
        return sp.hstack([F, extra], format="csr")

    def fit(self, X: object, y: Sequence[str], sample_weight: Sequence[float] | None = None) -> SentimentClassifier:
        """Learn from (text, touchpoint) pairs and their sentiment labels.

        Args:
            X: (text, touchpoint) pairs.
            y: their sentiment labels.
            sample_weight: per pair, how much it counts (default 1); the final fit uses it, the report does not.

        With ``cv=0`` no cross-validated report is made (``cv_report_`` is ``None``): the fit for a run's own
        file (:mod:`analyzer.classify.adapt`) needs no report and no extra time.

        Raises:
            ModelError: fewer than two sentiment labels have enough examples.
        """
        frame = _pairs_frame(X)
        labels = pd.Series(list(y), dtype="string")
        counts = labels.value_counts()
        kept = sorted(counts[counts >= MIN_EXAMPLES].index)
        if len(kept) < 2:
            raise ModelError(f"sentiment needs at least two labels with {MIN_EXAMPLES}+ examples; found {dict(counts)}")
        mask = labels.isin(kept).to_numpy()
        frame, labels = frame[mask].reset_index(drop=True), labels[mask].reset_index(drop=True)
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)[mask]
        self.classes_ = np.asarray(kept, dtype=object)
        self.featurizer_ = clone(self.featurizer) if self.featurizer is not None else TfidfFeatures()
        self.featurizer_.fit(frame.drop_duplicates("text"))
        self.touchpoints_ = sorted(t for t in frame["touchpoint"].dropna().unique())
        words = getattr(self.featurizer_, "word_", None)
        self.block_width_ = len(words.vocabulary_) if words is not None else int(self.featurizer_.transform(frame.head(1)).shape[1])
        F = self._features(frame)
        y_arr = labels.to_numpy(dtype=object)
        self.cv_report_ = self._cross_validate(F, y_arr, int(counts[kept].min())) if self.cv else None
        self.estimator_ = self._make(y_arr).fit(F, y_arr, sample_weight=weights)
        return self

    def _cross_validate(self, F: sp.csr_matrix, y: np.ndarray, smallest: int) -> dict[str, object]:
        folds = StratifiedKFold(n_splits=max(2, min(self.cv, smallest)), shuffle=True, random_state=self.random_state)
        predicted = np.empty(len(y), dtype=object)
        for train, test in folds.split(F, y):
            predicted[test] = self._make(y[train]).fit(F[train], y[train]).predict(F[test])
        return {"accuracy": round(float(accuracy_score(y, predicted)), 4),
                "per_class": multiclass_report(y, predicted, list(self.classes_)), "n": int(len(y))}

    def _make(self, y: np.ndarray) -> CalibratedClassifierCV:
        return _calibrated_svm(self.C, int(pd.Series(y).value_counts().min()), self.random_state)

    def predict_proba(self, X: object) -> np.ndarray:
        """Calibrated probability of each sentiment (columns in ``classes_`` order)."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(self._features(_pairs_frame(X)))

    def predict(self, X: object) -> np.ndarray:
        """The most probable sentiment per (text, touchpoint) pair."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def score_of(self, proba: np.ndarray) -> np.ndarray:
        """Sentiment score in [-1, 1]: the expected score under ``proba``.

        Example:
            >>> clf = SentimentClassifier()
            >>> clf.classes_ = np.array(["negative", "positive"], dtype=object)
            >>> clf.score_of(np.array([[0.25, 0.75]])).tolist()
            [0.5]
        """
        table = {**DEFAULT_SCORES, **(self.scores or {})}
        weights = np.array([table.get(str(c), 0.0) for c in self.classes_])
        return np.clip(proba @ weights, -1.0, 1.0)


def multiclass_report(truth: Sequence[str], predicted: Sequence[str], classes: list[str]) -> dict[str, dict[str, float]]:
    """Per-class precision, recall, F1 and support.

    Example:
        >>> multiclass_report(["a", "b"], ["a", "a"], ["a", "b"])["a"]["recall"]
        1.0
    """
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=classes, zero_division=0)
    return {c: {"precision": round(float(p[j]), 4), "recall": round(float(r[j]), 4), "f1": round(float(f[j]), 4), "support": int(s[j])}
            for j, c in enumerate(classes)}
