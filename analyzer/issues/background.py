"""The file's background: names that fill a large share of its complaints (the company, its brand, its handle).

In a file of tweets to one bank, the bank's name is in every other complaint;
it says who the complaint is to, not what it is about, so it must neither tie
complaints together nor name an issue. A word is background when

- it appears in at least ``SHARE`` of the file's complaint and praise segments
  (and in at least ``MIN_DOCS`` of them), and
- it is written as a name: capitalised in most of its occurrences that do not
  start the text, or in Latin letters inside a text of another script
  ("Сбербанк" and "Sberbank" in Russian tweets), or it is the name inside an
  ``@handle`` or ``#hashtag`` of the file;

or when the taxonomy lists it under ``[issues] ignore``. Generic words such as
"service" are frequent too but are not names: they stay.

Background terms are given as the normalised forms the issue term space uses
(:func:`analyzer.text.tokens.token_pairs`), so they can be dropped from terms and titles.

Example:
    >>> texts = [("Acme lost my parcel", "en"), ("Acme charged me twice", "en"), ("Late again, Acme", "en"), ("Rude staff", "en")]
    >>> sorted(background_terms(texts, handles=["acme"], min_docs=2))  # the word and its stem
    ['acm', 'acme']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from analyzer.text.tokens import PUNCT, token_pairs

SHARE = 0.1
MIN_DOCS = 10
NAME_SHARE = 0.6  # of a word's non-initial occurrences that must be capitalised for it to be a name
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")


def background_terms(texts: Sequence[tuple[str, str]], handles: Iterable[str] = (), ignore: Iterable[str] = (),
                     *, share: float = SHARE, min_docs: int = MIN_DOCS) -> frozenset[str]:
    """Normalised terms that are background in ``texts`` (``(analysis text, lang)``), plus the ``ignore`` list.

    Args:
        texts: the segments issues are formed from, as analysis text (see :func:`analyzer.text.social.for_analysis`).
        handles: names found in the file's ``@handles`` and ``#hashtags`` (lower case).
        ignore: words the taxonomy lists under ``[issues] ignore``; a leading ``@`` or ``#`` is dropped.
        share: the document share from which a name is background.
        min_docs: fewer documents than this never make a name background.
    """
    handle_set = {h.lower() for h in handles}
    df: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    langs: dict[str, Counter[str]] = {}
    for text, lang in texts:
        words = _WORD.findall(text)
        non_latin = bool(_NON_LATIN.search(text))
        for i, word in enumerate(words):
            key = word.lower()
            if i:
                seen[key] += 1
                capital[key] += word[:1].isupper()
            if non_latin and _LATIN.search(word):
                capital[key] += 1
                seen[key] += 1
        for key in {w.lower() for w in words}:
            df[key] += 1
            langs.setdefault(key, Counter())[lang] += 1
    floor = max(min_docs, share * len(texts))
    names = {w for w, n in df.items()
             if n >= floor and (w in handle_set or (seen[w] and capital[w] >= NAME_SHARE * seen[w]))}
    found = {norm for w in names for norm in _norms(w, langs[w].most_common(1)[0][0])}
    for term in ignore:
        word = term.strip().lstrip("@#").lower()
        if word:
            found.update(_norms(word, "en"))
            found.update(norm for lang in {la for _, la in texts} for norm in _norms(word, lang))
    return frozenset(found)


def _norms(word: str, lang: str) -> set[str]:
    """The word itself and the normalised forms the term space gives it in ``lang``."""
    return {word} | {norm for _, norm in token_pairs(word, lang) if norm not in (PUNCT, "<num>")}
