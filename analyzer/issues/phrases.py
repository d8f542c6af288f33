"""Naming an issue: key phrases, a title and representative quotes, in the issue's own dominant language.

Key phrases are the terms (lemmas/stems and bigrams) that are frequent in the
issue and rare in the other issues of the same touchpoint (class TF-IDF),
counted in the dominant language only, so the same word written in several
languages never names an issue three times. Each is shown in its most frequent
written form. A bigram replaces the words it contains when it is nearly as
frequent as they are. The title is the first two key phrases; nothing is
translated or invented.

Example:
    >>> members = [("The courier was late, no call", "en"), ("Courier late again", "en"), ("courier late, no call ahead", "en")]
    >>> others = [("Rude operator", "en")]
    >>> phrases = key_phrases(members, Background.of(members + others))
    >>> phrases[:2], title(phrases)
    (['courier late', 'no call'], 'Courier late, no call')
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from analyzer.issues.kinds import content_runs, phrase_terms

Text = tuple[str, str]
MAX_PHRASES = 5
BIGRAM_KEEP = 0.5  # a bigram wins over its words when it is at least this share of the rarer word's frequency


def dominant_language(members: Sequence[Text]) -> str:
    """The most frequent language of the members; ties go to the alphabetically first code.

    Example:
        >>> dominant_language([("a", "ru"), ("b", "en"), ("c", "ru")])
        'ru'
    """
    counts = Counter(lang for _, lang in members)
    return min(counts, key=lambda lang: (-counts[lang], lang)) if counts else "unknown"


@lru_cache(maxsize=200_000)
def _doc_terms(text: str, lang: str) -> dict[str, tuple[str, ...]]:
    """Normalised term -> surface words, for the words and bigrams of one text (first occurrence)."""
    found: dict[str, tuple[str, ...]] = {}
    for run in content_runs(text, lang):
        for term, surface in phrase_terms(run, lang):
            found.setdefault(term, surface)
    return found


@dataclass
class Background:
    """Document frequency of every term per language over the texts issues are told apart from."""

    df: dict[str, Counter[str]]
    n: Counter[str]
    exclude: frozenset[str] = frozenset()  # the file's background names (see analyzer.issues.background)

    @classmethod
    def of(cls, texts: Sequence[Text], exclude: frozenset[str] = frozenset()) -> Background:
        """Count over ``(text, lang)`` pairs: the segments of one list, all issues included."""
        df: dict[str, Counter[str]] = {}
        n: Counter[str] = Counter()
        for text, lang in texts:
            df.setdefault(lang, Counter()).update(_doc_terms(text, lang).keys())
            n[lang] += 1
        return cls(df, n, exclude)


def term_scores(members: Sequence[Text], background: Background) -> tuple[str, dict[str, float], dict[str, Counter[tuple[str, ...]]]]:
    """The dominant language, each distinctive term's score (class TF-IDF) and its written forms.

    Args:
        members: ``(text, lang)`` of the issue's segments.
        background: term counts over every segment the issue is told apart from, members included.
    """
    lang = dominant_language(members)
    own = [text for text, text_lang in members if text_lang == lang]
    df_in: Counter[str] = Counter()
    surfaces: dict[str, Counter[tuple[str, ...]]] = {}
    for text in own:
        for term, surface in _doc_terms(text, lang).items():
            if background.exclude.intersection(term.split(" ")):
                continue
            df_in[term] += 1
            surfaces.setdefault(term, Counter())[surface] += 1
    df_all = background.df.get(lang, Counter())
    n_all = max(1, background.n[lang])
    least = 2 if len(own) >= 3 else 1
    scores = {term: (count / len(own)) * math.log(1 + n_all / max(df_all[term], count))
              for term, count in df_in.items() if count >= least}
    for term in list(scores):
        words = term.split(" ")
        if len(words) == 2 and df_in[term] >= BIGRAM_KEEP * min(df_in[words[0]], df_in[words[1]]):
            scores[term] *= 1.5
    return lang, scores, surfaces


def key_phrases(members: Sequence[Text], background: Background, limit: int = MAX_PHRASES) -> list[str]:
    """Up to ``limit`` distinctive phrases of ``members`` against ``background``.

    Args:
        members: ``(text, lang)`` of the issue's segments.
        background: term counts over every segment of the issue's list, members included.
        limit: how many phrases at most.
    """
    _, scores, surfaces = term_scores(members, background)
    chosen: list[str] = []
    for term in sorted(scores, key=lambda t: (-round(scores[t], 9), t)):
        words = set(term.split(" "))
        if any(words <= set(c.split(" ")) or set(c.split(" ")) <= words for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return [" ".join(min(surfaces[t], key=lambda s: (-surfaces[t][s], s))) for t in chosen]


def title(phrases: Sequence[str], fallback: str = "") -> str:
    """The first two key phrases, capitalised: "Courier late, no call".

    Example:
        >>> title([]), title([], "Other logistics")
        ('', 'Other logistics')
    """
    if not phrases:
        return fallback
    text = ", ".join(phrases[:2])
    return text[:1].upper() + text[1:]
