"""Checking a parsed taxonomy document: every problem at once, each with its place in the file.

:func:`check_document` walks what :mod:`tomllib` made of a taxonomy file and returns its parts as
plain values (a :class:`CheckedDocument`) together with every problem found, e.g.
``[touchpoints -> billing -> seeds -> ru] must be a list of strings, got int 5``.
It knows the rules of the file (names, keys, language codes, scores); the format version and the
defaults it applies are given by :mod:`analyzer.classify.taxonomy`, which builds the
:class:`~analyzer.classify.taxonomy.Taxonomy` from the parts.

Example:
    >>> checked, problems = check_document({"touchpoints": {"billing": {"keyword": ["bill"]}}}, "my.toml",
    ...                                    version=1, sentiments=("negative", "positive"), scores={"negative": -1, "positive": 1})
    >>> problems
    ["[touchpoints -> billing] unknown key 'keyword' (did you mean 'seeds'?)"]
    >>> check_document({"touchpoints": {"billing": {"seeds": {"en": ["bill"]}}}}, "my.toml",
    ...                version=1, sentiments=("negative", "positive"), scores={"negative": -1, "positive": 1})[0].touchpoints
    (CheckedTouchpoint(name='billing', title='billing', description='', seeds={'en': ('bill',)}),)
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["ISO_639_1", "NAME_PATTERN", "CheckedDocument", "CheckedTouchpoint", "check_document", "check_labels", "did_you_mean"]

# Touchpoint and sentiment names. '/', '#' and ':' are allowed because labels in public training
# sets use them ("anecdotes/miscellaneous", "food#quality").
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_/#:-]*$")
_NAME_RULE = "use lower-case letters, digits and _ - / # :, starting with a letter or digit"

_TOP_KEYS = ("version", "name", "sentiments", "touchpoints", "issues", "export")  # [export] is read and checked by analyzer.export
_SENTIMENT_KEYS = ("labels", "scores")
_TOUCHPOINT_KEYS = ("title", "description", "seeds")
# Keys people plausibly write for ours, which difflib cannot guess (too little spelling in common).
_ALIASES = {
    "keyword": "seeds", "keywords": "seeds", "terms": "seeds", "words": "seeds", "hints": "seeds", "seed": "seeds",
    "label": "title", "display": "title", "desc": "description", "about": "description",
    "sentiment": "sentiments", "touchpoint": "touchpoints", "topics": "touchpoints", "categories": "touchpoints",
    "aspects": "touchpoints", "score": "scores", "weights": "scores", "values": "labels", "classes": "labels",
}

# ISO 639-1: every two-letter language code.
ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en
    eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv
    ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne
    ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st
    su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
    """.split()
)
# Country codes and language names written where a language code belongs.
_LANGUAGE_GUESSES = {
    "gr": "el", "greek": "el", "ir": "fa", "farsi": "fa", "persian": "fa", "kz": "kk", "kazakh": "kk", "md": "ro",
    "romanian": "ro", "russian": "ru", "english": "en", "ua": "uk", "jp": "ja", "cn": "zh", "dk": "da", "cz": "cs",
}
_EXAMPLE_LANGUAGES = "en, ru, ro, el, fa, kk"


class CheckedTouchpoint(NamedTuple):
    """A touchpoint table as checked: the fields of a :class:`~analyzer.classify.taxonomy.Touchpoint`."""

    name: str
    title: str
    description: str
    seeds: dict[str, tuple[str, ...]]


class CheckedDocument(NamedTuple):
    """The parts of a taxonomy document that passed the checks, defaults filled in."""

    name: str
    version: int
    touchpoints: tuple[CheckedTouchpoint, ...]
    sentiments: tuple[str, ...]
    sentiment_scores: dict[str, float]
    ignore: tuple[str, ...] = ()


def check_document(
    document: Mapping[str, Any], source: str, *, version: int, sentiments: tuple[str, ...], scores: Mapping[str, float]
) -> tuple[CheckedDocument | None, list[str]]:
    """Check a parsed taxonomy document; ``source`` gives the default name (its file stem).

    Args:
        document: what :func:`tomllib.loads` returned.
        source: where the document came from.
        version: the only format version accepted (and assumed when the document gives none).
        sentiments: the sentiment labels used when the document has no ``[sentiments]`` table.
        scores: scores of well-known sentiment labels, used for labels the document gives none for.

    Returns:
        The checked parts, or None when there are problems, and the problems, each with its place.
    """
    checker = _Checker(source, version, sentiments, scores)
    checked = checker.check(document)
    return checked, checker.problems


def _where(path: tuple[str, ...]) -> str:
    if not path:
        return "[top level]"
    shown = [part if part and part.strip() == part and part.isprintable() else repr(part) for part in path]
    return "[" + " -> ".join(shown) + "]"


def _got(value: Any) -> str:
    """'int 5', 'str 'x'', 'table', 'list': the type of a bad value and, when short, the value."""
    if isinstance(value, dict):
        return "table"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "None"
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{type(value).__name__} {shown}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the choice ``word`` was probably meant to be, or an empty string.

    Example:
        >>> did_you_mean("keywords", ["title", "seeds"]), did_you_mean("prices", ["price"]), did_you_mean("zz", ["price"])
        (" (did you mean 'seeds'?)", " (did you mean 'price'?)", '')
    """
    choices = list(choices)
    guess = _ALIASES.get(word.lower())
    if guess not in choices:
        close = difflib.get_close_matches(word.lower(), choices, n=1)
        guess = close[0] if close else None
    return f" (did you mean {guess!r}?)" if guess else ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _term_key(term: str) -> str:
    """How two seed terms are compared for repeats: same letters, ignoring case and spacing."""
    return " ".join(unicodedata.normalize("NFC", term).casefold().split())


def check_labels(labels: Iterable[Any], kind: str, problems: list[str]) -> list[str]:
    """The labels that are non-blank strings; a problem is added to ``problems`` for each other one.

    Example:
        >>> problems = []
        >>> check_labels(["price", " ", 3], "touchpoint label", problems), problems
        (['price'], ["touchpoint label 2 must be a non-blank string, got str ' '", 'touchpoint label 3 must be a non-blank string, got int 3'])
    """
    good: list[str] = []
    for number, label in enumerate(labels, 1):
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{kind} {number} must be a non-blank string, got {_got(label)}")
        else:
            good.append(label)
    return good


class _Checker:
    """Walks a parsed document once, collecting every problem with its location."""

    def __init__(self, source: str, version: int, sentiments: tuple[str, ...], scores: Mapping[str, float]) -> None:
        self.source = source
        self.version = version
        self.default_sentiments = sentiments
        self.known_scores = scores
        self.problems: list[str] = []

    def add(self, path: tuple[str, ...], message: str) -> None:
        self.problems.append(f"{_where(path)} {message}")

    def unknown_keys(self, path: tuple[str, ...], table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f"; accepted keys: {', '.join(allowed)}"
                self.add(path, f"unknown key {key!r}{hint}")

    def check(self, document: Mapping[str, Any]) -> CheckedDocument | None:
        self.unknown_keys((), document, _TOP_KEYS)
        version = document.get("version", self.version)
        if not isinstance(version, int) or isinstance(version, bool) or version != self.version:
            self.add(("version",), f"must be {self.version}, the only taxonomy format this analyzer reads, got {_got(version)}")
        name = document.get("name", Path(self.source).stem)
        if not isinstance(name, str) or not name.strip():
            self.add(("name",), f"must be a non-blank string, got {_got(name)}")
        sentiments, scores = self.check_sentiments(document.get("sentiments"))
        touchpoints = self.check_touchpoints(document.get("touchpoints"))
        ignore = self.check_issues(document.get("issues"))
        if self.problems:
            return None
        return CheckedDocument(name, version, touchpoints, sentiments, scores, ignore)

    def check_issues(self, table: Any) -> tuple[str, ...]:
        """``[issues] ignore``: words and names (brands, handles) that never name or form an issue."""
        path = ("issues",)
        if table is None:
            return ()
        if not isinstance(table, dict):
            self.add(path, f"must be a table with an ignore list, got {_got(table)}")
            return ()
        self.unknown_keys(path, table, ("ignore",))
        terms = table.get("ignore", [])
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            self.add((*path, "ignore"), f"must be a list of non-blank strings, got {_got(terms)}")
            return ()
        return tuple(dict.fromkeys(t.strip() for t in terms))

    def check_sentiments(self, table: Any) -> tuple[tuple[str, ...], dict[str, float]]:
        path = ("sentiments",)
        if table is None:
            return self.default_sentiments, {label: self.known_scores[label] for label in self.default_sentiments}
        if not isinstance(table, dict):
            self.add(path, f"must be a table with labels and scores, got {_got(table)}")
            return (), {}
        self.unknown_keys(path, table, _SENTIMENT_KEYS)
        labels = self.check_sentiment_labels(table.get("labels", list(self.default_sentiments)))
        scores: dict[str, float] = {}
        given = table.get("scores", {})
        if not isinstance(given, dict):
            self.add((*path, "scores"), f"must be a table of label = number, got {_got(given)}")
            given = {}
        for label, value in given.items():
            if label not in labels:
                self.add((*path, "scores", label), f"is not one of [sentiments -> labels] ({', '.join(labels)})")
            elif not _is_number(value) or not math.isfinite(value) or not -1 <= value <= 1:
                self.add((*path, "scores", label), f"must be a number between -1 and 1, got {_got(value)}")
            else:
                scores[label] = float(value)
        for label in labels:
            if label not in scores and label not in given:
                if label in self.known_scores:
                    scores[label] = self.known_scores[label]
                else:
                    self.add((*path, "scores"), f"has no score for {label!r}; give one between -1 and 1")
        return tuple(labels), scores

    def check_sentiment_labels(self, labels: Any) -> list[str]:
        path = ("sentiments", "labels")
        if not isinstance(labels, list):
            self.add(path, f"must be a list of strings, got {_got(labels)}")
            return []
        good: list[str] = []
        for number, label in enumerate(labels, 1):
            if not isinstance(label, str):
                self.add(path, f"item {number} must be a string, got {_got(label)}")
            elif not NAME_PATTERN.match(label):
                self.add(path, f"item {number} {label!r} is not a valid label: {_NAME_RULE}")
            elif label in good:
                self.add(path, f"repeats {label!r} (items {labels.index(label) + 1} and {number})")
            else:
                good.append(label)
        if len(labels) < 2:
            self.add(path, f"must list at least two labels, got {len(labels)}")
        return good

    def check_touchpoints(self, table: Any) -> tuple[CheckedTouchpoint, ...]:
        path = ("touchpoints",)
        if table is None:
            self.add(path, "is missing: a taxonomy needs at least one touchpoint")
            return ()
        if not isinstance(table, dict):
            self.add(path, f"must be a table with one table per touchpoint, got {_got(table)}")
            return ()
        if not table:
            self.add(path, "is empty: a taxonomy needs at least one touchpoint")
        touchpoints = []
        for name, body in table.items():
            touchpoint = self.check_touchpoint(name, body)
            if touchpoint is not None:
                touchpoints.append(touchpoint)
        return tuple(touchpoints)

    def check_touchpoint(self, name: str, body: Any) -> CheckedTouchpoint | None:
        path = ("touchpoints", name)
        if not NAME_PATTERN.match(name):
            fixed = name.strip().lower().replace(" ", "_")
            hint = f" (did you mean {fixed!r}?)" if NAME_PATTERN.match(fixed) else ""
            self.add(path, f"is not a valid touchpoint name{hint}: {_NAME_RULE}")
        if not isinstance(body, dict):
            self.add(path, f"must be a table with title, description and seeds, got {_got(body)}")
            return None
        self.unknown_keys(path, body, _TOUCHPOINT_KEYS)
        title = body.get("title", name)
        if not isinstance(title, str) or not title.strip():
            self.add((*path, "title"), f"must be a non-blank string, got {_got(title)}")
        description = body.get("description", "")
        if not isinstance(description, str):
            self.add((*path, "description"), f"must be a string, got {_got(description)}")
        seeds = self.check_seeds(path + ("seeds",), body.get("seeds", {}))
        if not isinstance(title, str) or not isinstance(description, str):
            return None
        return CheckedTouchpoint(name, title, description, seeds)

    def check_seeds(self, path: tuple[str, ...], seeds: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(seeds, dict):
            self.add(path, f"must be a table of term lists by language code (en = [...]), got {_got(seeds)}")
            return {}
        checked: dict[str, tuple[str, ...]] = {}
        for lang, terms in seeds.items():
            where = (*path, lang)
            if lang not in ISO_639_1:
                guess = lang.lower() if lang.lower() in ISO_639_1 else _LANGUAGE_GUESSES.get(lang.lower())
                hint = f" (did you mean {guess!r}?)" if guess else ""
                accepted = f"use two lower-case letters such as {_EXAMPLE_LANGUAGES}"
                self.add(where, f"is not an ISO 639-1 language code{hint}; {accepted}")
            if not isinstance(terms, list):
                self.add(where, f"must be a list of strings, got {_got(terms)}")
                continue
            seen: dict[str, int] = {}
            good: list[str] = []
            for number, term in enumerate(terms, 1):
                if not isinstance(term, str):
                    self.add(where, f"item {number} must be a string, got {_got(term)}")
                elif not term.strip():
                    self.add(where, f"item {number} is blank")
                elif _term_key(term) in seen:
                    self.add(where, f"repeats {term!r} (items {seen[_term_key(term)]} and {number})")
                else:
                    seen[_term_key(term)] = number
                    good.append(term)
            checked[lang] = tuple(good)
        return checked
