"""Word tokens for every language: spaCy's tokenizer, then pymorphy3 lemmas for Russian and Snowball stems for English, Romanian, Greek, Persian.

Kazakh and unknown-language words are only lower-cased. The classifiers'
features and the issue terms both start from these tokens.

Example:
    >>> normalize_tokens("Курьеры опоздали на 2 часа!", "ru")
    ['курьер', 'опоздать', 'на', '<num>', 'час']
"""

from __future__ import annotations

from functools import cache, lru_cache

from analyzer.text.segment import sentence_pipeline

PUNCT = "<punct>"
_SNOWBALL = {"en": "english", "ro": "romanian", "el": "greek", "fa": "persian", "ru": "russian"}


@lru_cache(maxsize=200_000)
def _russian_lemma(word: str) -> str:
    return _morph().parse(word)[0].normal_form


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@cache
def _stemmer(lang: str):
    import snowballstemmer

    return snowballstemmer.stemmer(_SNOWBALL[lang])


@lru_cache(maxsize=200_000)
def _stem(lang: str, word: str) -> str:
    return _stemmer(lang).stemWord(word)


def normalize_tokens(text: str, lang: str) -> list[str]:
    """Lower-cased lemmas or stems of the word tokens; numbers become ``<num>``.

    Results are cached per (text, language): training featurizes the same
    texts once per fold.

    Example:
        >>> normalize_tokens("The couriers were late again", "en")
        ['the', 'courier', 'were', 'late', 'again']
    """
    return list(_normalize_tokens(text, lang))


@lru_cache(maxsize=100_000)
def _normalize_tokens(text: str, lang: str) -> tuple[str, ...]:
    return tuple(norm for _, norm in token_pairs(text, lang) if norm != PUNCT)


@lru_cache(maxsize=100_000)
def token_pairs(text: str, lang: str) -> tuple[tuple[str, str], ...]:
    """``(surface, normalised)`` for every token: the lower-cased word as written and its lemma or stem.

    Punctuation comes as ``(mark, PUNCT)`` so phrases can stop at it. Key
    phrases are counted on the normalised forms and shown in the most frequent
    surface form.

    Example:
        >>> token_pairs("Couriers late!", "en")
        (('couriers', 'courier'), ('late', 'late'), ('!', '<punct>'))
    """
    pairs: list[tuple[str, str]] = []
    for token in sentence_pipeline(lang).tokenizer(text):
        if token.is_space:
            continue
        if token.is_punct:
            pairs.append((token.text, PUNCT))
            continue
        word = token.lower_
        if token.like_num:
            pairs.append((word, "<num>"))
            continue
        norm = word
        if lang == "ru" and word.isalpha():
            norm = _russian_lemma(word)
        elif lang in _SNOWBALL and word.isalpha():
            norm = _stem(lang, word)
        pairs.append((word, norm))
    return tuple(pairs)
