"""Text features: lemmas and stems per language, character n-grams, the featurizer registry."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.base import clone

from analyzer.classify.features import TfidfFeatures, as_frame, make_featurizer
from analyzer.errors import UsageError
from analyzer.text.tokens import normalize_tokens


@pytest.mark.parametrize(
    ("text", "lang", "tokens"),
    [
        ("Курьеры опоздали на 2 часа!", "ru", ["курьер", "опоздать", "на", "<num>", "час"]),
        ("The couriers were late again", "en", ["the", "courier", "were", "late", "again"]),
        ("Curierii au întârziat", "ro", ["curier", "au", "întârz"]),
        ("Οι κούριερ άργησαν", "el", ["οι", "κουριερ", "αργ"]),
        ("Курьерлер тағы кешікті", "kk", ["курьерлер", "тағы", "кешікті"]),
        ("快递 太慢", "unknown", ["快递", "太慢"]),
    ],
)
def test_features_normalize_tokens_per_language(text: str, lang: str, tokens: list[str]) -> None:
    assert normalize_tokens(text, lang) == tokens


def test_features_persian_keeps_zwnj_words_whole() -> None:
    assert normalize_tokens("می\u200cخواهم", "fa")[0].startswith("می\u200c")


def test_features_tfidf_contract_and_unseen_words() -> None:
    X = pd.DataFrame({"text": ["late courier", "rude operator", "Курьер опоздал"], "lang": ["en", "en", "ru"]})
    feats = TfidfFeatures(min_df=1)
    assert clone(feats).get_params() == feats.get_params()
    matrix = feats.fit(X).transform(pd.DataFrame({"text": ["couriers were lately late", "zzzz"], "lang": ["en", "en"]}))
    assert matrix.shape == (2, feats.n_features_out_)
    assert matrix[0].nnz > 0  # unseen inflections still share character n-grams
    names = feats.get_feature_names_out()
    assert names[0].startswith("w:") and names[-1].startswith("c:")
    assert feats.word_.stop_words_ is None and all(type(v) is int for v in feats.char_.vocabulary_.values())


def test_features_as_frame_accepts_strings_and_frames() -> None:
    assert as_frame(["a", None]).to_dict("list") == {"text": ["a", ""], "lang": ["unknown", "unknown"]}
    assert as_frame(pd.DataFrame({"text": ["a"], "lang": [None]}))["lang"].tolist() == ["unknown"]


def test_features_unknown_featurizer_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match="--featurizer: 'bert' is unknown; accepted: tfidf, e5"):
        make_featurizer("bert")
