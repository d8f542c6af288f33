"""Titles people can act on: the members' own most representative short phrase, never a keyword pair.

An issue's title is a clause one of its members wrote, in the issue's dominant
language: each of the most central member texts (``CENTRAL_SHARE`` of them,
at least ``CENTRAL_MIN``; the analysis text, without handles or links) is cut
into clauses at punctuation, and the clause of ``MIN_WORDS``-``MAX_WORDS``
words (a longer clause offers its runs of ``WINDOW`` consecutive words, as
long Persian or Russian sentences often have no inner punctuation) whose terms weigh most in the issue (the class TF-IDF scores of
:func:`analyzer.issues.phrases.term_scores`, summed over its distinct terms and
divided by the square root of their number, so a clause is not rewarded for
length alone) wins, ties going to the clause written by more members, then to
the shorter. A clause holding one of the file's background names (the brand,
its handle), a link or an ``@`` is never chosen; nor is one already taken by
another issue, so no two issues share a title. The chosen clause is shown as
written, with its first letter capitalised.

Example:
    >>> from analyzer.issues.phrases import Background
    >>> members = [("The courier was late again, no call", "en"), ("Courier late again", "en"), ("courier late, no call ahead", "en")]
    >>> title_for(members, Background.of(members + [("Rude operator", "en")]), set())
    'Courier late'
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from analyzer.issues.phrases import Background, dominant_language, term_scores
from analyzer.issues.terms import terms

MIN_WORDS, MAX_WORDS = 2, 9
WINDOW = 6  # a clause longer than MAX_WORDS words offers its runs of this many consecutive words instead
RUN_WEIGHT = 0.8  # a run cut out of a longer clause counts for less than a whole clause
CENTRAL_SHARE, CENTRAL_MIN = 0.3, 5  # titles come from the most central members: this share of them, at least this many
MAX_CHARS = 80
_CLAUSE = re.compile(r"[^.,;:!?()\n«»\"“”…]+")
_WORD = re.compile(r"\w+")
_FORBIDDEN = re.compile(r"@|https?:|www\.|\[[A-Z_]+\]", re.IGNORECASE)  # handles, links and redaction placeholders


def title_for(members: Sequence[tuple[str, str]], background: Background, taken: set[str], fallback: str = "") -> str:
    """The title of an issue whose ``members`` are ``(analysis text, lang)``, most central first; added to ``taken``.

    Args:
        members: the issue's segments as analysis text.
        background: term counts of the issue's list and the file's background names (``background.exclude``).
        taken: titles other issues already have (case-folded); the new title is added.
        fallback: used when no member has a usable clause.
    """
    lang = dominant_language(members)
    _, scores, _ = term_scores(members, background)
    support: Counter[str] = Counter()
    written: dict[str, str] = {}
    cut: set[str] = set()  # keys that are runs cut out of a longer clause
    own = [text for text, text_lang in members if text_lang == lang]
    central = set(own[:max(CENTRAL_MIN, math.ceil(CENTRAL_SHARE * len(own)))])
    for text in own:
        if text not in central:
            continue
        for clause, is_run in {piece for c in _CLAUSE.findall(text) for piece in _pieces(c.strip(" -–—'’"))}:
            key = " ".join(_WORD.findall(clause.casefold()))
            if key and MIN_WORDS <= len(key.split()) <= MAX_WORDS and len(clause) <= MAX_CHARS and not _FORBIDDEN.search(clause):
                support[key] += 1
                written.setdefault(key, clause)
                if is_run:
                    cut.add(key)
    weight = {key: _weight(written[key], lang, scores, background.exclude) * (RUN_WEIGHT if key in cut else 1.0) for key in support}
    ranked = sorted(support, key=lambda key: (-weight[key], -support[key], len(key), key))
    for key in ranked:
        if key not in taken and weight[key] > 0:
            taken.add(key)
            return _capitalise(written[key])
    base = _capitalise(fallback.strip()) or "Issue"
    title, n = base, 2
    while title.casefold() in taken:
        title, n = f"{base} ({n})", n + 1
    taken.add(title.casefold())
    return title


def _pieces(clause: str) -> list[tuple[str, bool]]:
    """``(phrase, is a run)``: the clause itself, or, when it is longer than MAX_WORDS words, each run of WINDOW words in it."""
    words = clause.split()
    if len(words) <= MAX_WORDS:
        return [(clause, False)]
    return [(" ".join(words[i:i + WINDOW]), True) for i in range(len(words) - WINDOW + 1)]


def _weight(clause: str, lang: str, scores: dict[str, float], exclude: frozenset[str]) -> float:
    """Summed scores of the clause's distinct terms over the square root of their number.

    0 when it names a background term; halved when fewer than two of its words are distinctive (it would not say what is wrong).
    """
    found = set(terms(clause, lang))
    if not found or any(exclude.intersection(t.split(" ")) for t in found):
        return 0.0
    weight = sum(scores.get(t, 0.0) for t in found) / math.sqrt(len(found))
    distinctive = sum(1 for t in found if " " not in t and scores.get(t, 0.0) > 0)
    return weight if distinctive >= 2 else weight / 2


def _capitalise(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text[:1].upper() + text[1:]
