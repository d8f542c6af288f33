"""The term space issues live in: TF-IDF over content lemmas/stems and their bigrams, and issue fingerprints in it.

Terms are plain strings (``"courier"``, ``"courier late"``), so a fingerprint
(an issue's top terms with weights) means the same thing in every run and can
be kept in the SQLite store, shown to a user, and compared with the next run's
segments whatever else that run contains. The vocabulary is sorted and IDF is
a count over the run's segments, so the space does not depend on row order.

Example:
    >>> space = TermSpace.fit([("The courier was late", "en"), ("Courier late again", "en"), ("Rude operator", "en")])
    >>> fp = space.fingerprint(space.transform([("courier late", "en")]))
    >>> sorted(fp)
    ['courier', 'courier late', 'late']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from analyzer.issues.kinds import content_runs, phrase_terms

# An issue's fingerprint keeps this many of its heaviest terms.
FINGERPRINT_TERMS = 50

Text = tuple[str, str]  # (text, lang)


def terms(text: str, lang: str, exclude: frozenset[str] = frozenset()) -> list[str]:
    """Content lemmas/stems and the bigrams of consecutive content words (not across punctuation; see :func:`phrase_terms`).

    Terms that contain a word of ``exclude`` (the file's background, see :mod:`analyzer.issues.background`) are left out.

    Example:
        >>> terms("The courier did not call, sadly", "en")
        ['courier', 'call', 'sad', 'not call']
        >>> terms("Acme courier late", "en", frozenset({"acm"}))
        ['courier', 'late', 'courier late']
    """
    found = [term for run in content_runs(text, lang) for term, _ in phrase_terms(run, lang)]
    if exclude:
        found = [t for t in found if not exclude.intersection(t.split(" "))]
    return [t for t in found if " " not in t] + [t for t in found if " " in t]


def _identity(items: list[str]) -> list[str]:
    return items


@dataclass
class TermSpace:
    """A fitted TF-IDF vocabulary over terms; rows come out L2-normalised (all-zero when a text has no term)."""

    vectorizer: TfidfVectorizer
    exclude: frozenset[str] = frozenset()  # background words: never part of a term

    @classmethod
    def fit(cls, texts: Iterable[Text], exclude: frozenset[str] = frozenset()) -> TermSpace:
        """Learn the vocabulary and IDF from ``(text, lang)`` pairs (order does not matter)."""
        return cls._fit([terms(text, lang, exclude) for text, lang in texts], exclude)

    @classmethod
    def fit_transform(cls, texts: Sequence[Text], exclude: frozenset[str] = frozenset()) -> tuple[TermSpace, sp.csr_matrix]:
        """:meth:`fit` and :meth:`transform` of the same texts, finding each text's terms once."""
        docs = [terms(text, lang, exclude) for text, lang in texts]
        space = cls._fit(docs, exclude)
        return space, space._transform(docs)

    @classmethod
    def _fit(cls, docs: list[list[str]], exclude: frozenset[str] = frozenset()) -> TermSpace:
        vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float64)
        vectorizer.fit(docs if any(docs) else [["<empty>"]])
        return cls(vectorizer, exclude)

    @property
    def vocabulary(self) -> dict[str, int]:
        """Term -> column."""
        return self.vectorizer.vocabulary_

    def transform(self, texts: Iterable[Text]) -> sp.csr_matrix:
        """One L2-normalised row per ``(text, lang)``."""
        return self._transform([terms(text, lang, self.exclude) for text, lang in texts])

    def _transform(self, docs: list[list[str]]) -> sp.csr_matrix:
        if not docs:
            return sp.csr_matrix((0, len(self.vocabulary)))
        return self.vectorizer.transform(docs).tocsr()

    def fingerprint(self, rows: sp.spmatrix, size: int = FINGERPRINT_TERMS) -> dict[str, float]:
        """The mean of ``rows`` cut to its ``size`` heaviest terms, L2-normalised, as ``{term: weight}``.

        Ties are broken by term so the result does not depend on row order.
        """
        mean = np.asarray(rows.mean(axis=0)).ravel()
        names = self._names()
        nonzero = np.flatnonzero(mean > 0)
        order = sorted(nonzero, key=lambda j: (-round(float(mean[j]), 9), names[j]))[:size]
        if not order:
            return {}
        weights = mean[order] / np.linalg.norm(mean[order])
        return {str(names[j]): round(float(w), 6) for j, w in zip(order, weights, strict=True)}

    def _names(self) -> np.ndarray:
        """Column -> term, built once (scikit-learn rebuilds and sorts it on every call)."""
        if getattr(self, "_names_cache", None) is None:
            self._names_cache = self.vectorizer.get_feature_names_out()
        return self._names_cache

    def fingerprint_matrix(self, fingerprints: Sequence[Mapping[str, float]]) -> sp.csr_matrix:
        """Fingerprints as rows over this space's columns (terms the space lacks are dropped), L2-normalised."""
        vocab = self.vocabulary
        rows, cols, vals = [], [], []
        for i, fp in enumerate(fingerprints):
            for term, weight in fp.items():
                j = vocab.get(term)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
                    vals.append(weight)
        matrix = sp.csr_matrix((vals, (rows, cols)), shape=(len(fingerprints), len(vocab)))
        return normalize(matrix)


def similarity(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine similarity of two fingerprints.

    Example:
        >>> round(similarity({"late": 0.6, "courier": 0.8}, {"late": 1.0}), 2)
        0.6
    """
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    na, nb = np.sqrt(sum(w * w for w in a.values())), np.sqrt(sum(w * w for w in b.values()))
    return float(dot / (na * nb)) if na and nb else 0.0
