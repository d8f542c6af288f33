"""The taxonomy: touchpoints, their seed terms per language, and sentiment labels with scores.

One TOML file describes it (``analyzer/classify/taxonomy.toml`` ships as the default).
:func:`load_taxonomy` reads it with the standard library's :mod:`tomllib`,
checks the whole document, and either returns a frozen :class:`Taxonomy` or
raises one :class:`TaxonomyError` listing every problem with its place in the
file, e.g. ``[touchpoints -> billing -> seeds -> ru] must be a list of strings, got int 5``.
Stages receive the :class:`Taxonomy` object; they never open the file.

Example:
    >>> taxonomy = load_taxonomy()
    >>> taxonomy.names
    ('advertising', 'website', 'product', 'support', 'logistics', 'price', 'premises', 'other')
    >>> taxonomy.get("logistics").title
    'Delivery & pickup'
    >>> "курьер" in taxonomy.seed_terms("ru")["logistics"]
    True
    >>> taxonomy.score("negative")
    -1.0
"""

from __future__ import annotations

import difflib
import importlib.resources
import math
import re
import tomllib
import unicodedata
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from analyzer.errors import UsageError

__all__ = [
    "DEFAULT_SCORES",
    "DEFAULT_SENTIMENTS",
    "DEFAULT_SOURCE",
    "FrozenMap",
    "Taxonomy",
    "TaxonomyError",
    "Touchpoint",
    "UnknownTouchpoint",
    "load_taxonomy",
    "parse_taxonomy",
    "taxonomy_from_labels",
]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# How the packaged default names itself in `Taxonomy.source` and in error messages.
DEFAULT_SOURCE = "analyzer/classify/taxonomy.toml"
DEFAULT_SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")
# Scores of the sentiment labels common in training data; any other label needs a score in the file.
DEFAULT_SCORES: Mapping[str, float] = MappingProxyType({"negative": -1.0, "neutral": 0.0, "positive": 1.0, "conflict": 0.0})
_DEFAULT_SENTIMENT_SCORES = {label: DEFAULT_SCORES[label] for label in DEFAULT_SENTIMENTS}
FORMAT_VERSION = 1

# Touchpoint and sentiment names. '/', '#' and ':' are allowed because labels in public training
# sets use them ("anecdotes/miscellaneous", "food#quality").
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_/#:-]*$")
_NAME_RULE = "use lower-case letters, digits and _ - / # :, starting with a letter or digit"

_TOP_KEYS = ("version", "name", "sentiments", "touchpoints", "export")  # [export] is read and checked by analyzer.export
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


class TaxonomyError(UsageError):
    """The taxonomy file cannot be read or does not describe a valid taxonomy.

    ``problems`` lists each problem on its own, without the file name.

    Example:
        >>> error = TaxonomyError("my.toml: 1 problem in the taxonomy: [version] must be 1", ["[version] must be 1"])
        >>> error.problems
        ['[version] must be 1']
    """

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.problems: list[str] = list(problems) or [message]


class UnknownTouchpoint(TaxonomyError):
    """A touchpoint name that the taxonomy does not define.

    Example:
        >>> str(UnknownTouchpoint("'x' is not a touchpoint of this taxonomy"))
        "'x' is not a touchpoint of this taxonomy"
    """


class FrozenMap(Mapping[K, V]):
    """A read-only, hashable, picklable mapping that keeps insertion order.

    Equality is that of a ``dict``; the hash is that of its items, so the values must be hashable.

    Example:
        >>> seeds = FrozenMap({"en": ("courier",)})
        >>> seeds["en"], len(seeds), hash(seeds) == hash(FrozenMap({"en": ("courier",)}))
        (('courier',), 1, True)
        >>> seeds["ru"] = ("курьер",)
        Traceback (most recent call last):
        ...
        TypeError: 'FrozenMap' object does not support item assignment
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = (), /) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __reduce__(self) -> tuple[type, tuple[dict[K, V]]]:
        return (type(self), (self._data,))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"


@dataclass(frozen=True)
class Touchpoint:
    """One step of the customer journey a comment can be about.

    Attributes:
        name: identifier used in outputs and training labels, e.g. ``logistics`` or ``food#quality``.
        title: label shown in reports; the name when left empty.
        description: what belongs to this touchpoint and what does not.
        seeds: seed terms by ISO 639-1 language code; any mapping of iterables is frozen to
            a :class:`FrozenMap` of tuples.

    Example:
        >>> tp = Touchpoint("logistics", "Delivery", "Getting the order to the customer.", {"en": ["courier", "parcel"]})
        >>> tp.seeds["en"]
        ('courier', 'parcel')
        >>> Touchpoint("food#quality").title
        'food#quality'
    """

    name: str
    title: str = ""
    description: str = ""
    seeds: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        frozen: dict[str, tuple[str, ...]] = {}
        for lang, terms in self.seeds.items():
            if isinstance(terms, str):
                raise TypeError(f"seeds[{lang!r}] must be a list of terms, not the single string {terms!r}")
            frozen[lang] = tuple(terms)
        object.__setattr__(self, "seeds", FrozenMap(frozen))
        if not self.title:
            object.__setattr__(self, "title", self.name)

    def terms(self, lang: str) -> tuple[str, ...]:
        """Seed terms in one language; empty when the touchpoint has none in it.

        Example:
            >>> Touchpoint("logistics", seeds={"en": ["courier"]}).terms("ru")
            ()
        """
        return self.seeds.get(lang.lower(), ())


@dataclass(frozen=True)
class Taxonomy:
    """Touchpoints in report order plus the sentiment labels and their scores.

    Attributes:
        name: name of the taxonomy, shown in reports and model cards.
        version: format version of the file it came from.
        touchpoints: the touchpoints, in the order reports list them.
        sentiments: sentiment labels, from most negative to most positive.
        sentiment_scores: score in [-1, 1] of each sentiment label.
        source: where it came from: a file path, ``analyzer/classify/taxonomy.toml`` or ``training labels``.

    Example:
        >>> taxonomy = Taxonomy("mine", 1, (Touchpoint("price"), Touchpoint("other")))
        >>> taxonomy.names, taxonomy.sentiments, taxonomy.score("positive")
        (('price', 'other'), ('negative', 'neutral', 'positive'), 1.0)
    """

    name: str
    version: int
    touchpoints: tuple[Touchpoint, ...]
    sentiments: tuple[str, ...] = DEFAULT_SENTIMENTS
    sentiment_scores: Mapping[str, float] = field(default_factory=lambda: FrozenMap(_DEFAULT_SENTIMENT_SCORES))
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "touchpoints", tuple(self.touchpoints))
        object.__setattr__(self, "sentiments", tuple(self.sentiments))
        object.__setattr__(self, "sentiment_scores", FrozenMap({k: float(v) for k, v in self.sentiment_scores.items()}))
        names = [tp.name for tp in self.touchpoints]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise TaxonomyError(f"{self.source or self.name}: touchpoint names must be unique; repeated: {', '.join(repeated)}")

    @property
    def names(self) -> tuple[str, ...]:
        """Touchpoint names in report order.

        Example:
            >>> load_taxonomy().names[-1]
            'other'
        """
        return tuple(tp.name for tp in self.touchpoints)

    def __contains__(self, name: object) -> bool:
        return any(tp.name == name for tp in self.touchpoints)

    def get(self, name: str) -> Touchpoint:
        """The touchpoint called ``name``.

        Raises:
            UnknownTouchpoint: no touchpoint has that name; the message lists those that exist.

        Example:
            >>> load_taxonomy().get("price").title
            'Price & payment'
            >>> load_taxonomy().get("prices")  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            analyzer.classify.taxonomy.UnknownTouchpoint: 'prices' is not a touchpoint ... (did you mean 'price'?); touchpoints: ...
        """
        for tp in self.touchpoints:
            if tp.name == name:
                return tp
        raise UnknownTouchpoint(
            f"{name!r} is not a touchpoint of this taxonomy{_did_you_mean(str(name), self.names)}; "
            f"touchpoints: {', '.join(self.names)}"
        )

    def score(self, sentiment: str) -> float:
        """Score of a sentiment label; 0.0 for a label the taxonomy does not know.

        Example:
            >>> taxonomy = load_taxonomy()
            >>> taxonomy.score("positive"), taxonomy.score("negative"), taxonomy.score("sarcastic")
            (1.0, -1.0, 0.0)
        """
        return self.sentiment_scores.get(sentiment, 0.0)

    def seed_terms(self, lang: str) -> Mapping[str, tuple[str, ...]]:
        """Seed terms in one language for every touchpoint, in report order (empty tuples where none).

        Example:
            >>> terms = load_taxonomy().seed_terms("el")
            >>> "κούριερ" in terms["logistics"], terms["other"]
            (True, ())
        """
        return FrozenMap((tp.name, tp.terms(lang)) for tp in self.touchpoints)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and check a taxonomy file; ``None`` reads the default shipped with the analyzer.

    Raises:
        TaxonomyError: the file is missing, is not UTF-8 TOML, or describes an invalid taxonomy;
            the message names the file and every problem, and ``problems`` lists them.

    Example:
        >>> load_taxonomy().name
        'customer journey (default)'
        >>> load_taxonomy("no/such/taxonomy.toml")
        Traceback (most recent call last):
        ...
        analyzer.classify.taxonomy.TaxonomyError: no/such/taxonomy.toml: no such taxonomy file
    """
    if path is None:
        data = (importlib.resources.files("analyzer.classify") / "taxonomy.toml").read_bytes()
        return parse_taxonomy(_decode(data, DEFAULT_SOURCE), DEFAULT_SOURCE)
    source = str(path)
    file = Path(path)
    if not file.exists():
        raise TaxonomyError(f"{source}: no such taxonomy file", ["no such taxonomy file"])
    if not file.is_file():
        raise TaxonomyError(f"{source}: is a folder, not a taxonomy file", ["is a folder, not a taxonomy file"])
    try:
        data = file.read_bytes()
    except OSError as exc:
        problem = f"cannot be read: {exc.strerror or exc}"
        raise TaxonomyError(f"{source}: {problem}", [problem]) from exc
    return parse_taxonomy(_decode(data, source), source)


def parse_taxonomy(text: str, source: str = "<string>") -> Taxonomy:
    r"""Parse and check taxonomy TOML given as text; ``source`` names it in messages.

    Raises:
        TaxonomyError: the text is not TOML or describes an invalid taxonomy.

    Example:
        >>> parse_taxonomy('[touchpoints.billing]\ntitle = "Billing"').names
        ('billing',)
        >>> try:
        ...     parse_taxonomy('[touchpoints.billing]\nkeyword = ["bill"]', "my.toml")
        ... except TaxonomyError as error:
        ...     print(error)
        my.toml: 1 problem in the taxonomy: [touchpoints -> billing] unknown key 'keyword' (did you mean 'seeds'?)
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problem = _syntax_problem(str(exc))
        raise TaxonomyError(f"{source}: {problem}", [problem]) from None
    checker = _Checker(source)
    taxonomy = checker.check(document)
    if checker.problems or taxonomy is None:
        raise _problems_error(source, checker.problems)
    return taxonomy


def taxonomy_from_labels(labels: Iterable[str], sentiments: Iterable[str], base: Taxonomy | None = None) -> Taxonomy:
    """A taxonomy whose touchpoints are exactly the given labels, as a model trained on them needs.

    Touchpoints come in sorted order and keep each label as written. Where ``base`` has a
    touchpoint of the same name (compared exactly, then ignoring case) its title, description and
    seeds are reused; otherwise the label is its own title. Sentiments are ordered by score, then
    name; a score comes from ``base`` when it knows the label, else negative -1, positive 1,
    neutral and conflict 0, anything else 0. With no sentiments at all, those of ``base`` (or the
    default three) are kept.

    Raises:
        TaxonomyError: a label is blank or not a string, or there are no touchpoint labels.

    Example:
        >>> taxonomy = taxonomy_from_labels(["food#quality", "anecdotes/miscellaneous", "price"],
        ...                                 ["positive", "conflict", "negative", "neutral"], base=load_taxonomy())
        >>> taxonomy.names
        ('anecdotes/miscellaneous', 'food#quality', 'price')
        >>> taxonomy.get("price").title, taxonomy.get("food#quality").title
        ('Price & payment', 'food#quality')
        >>> taxonomy.sentiments, taxonomy.score("conflict")
        (('negative', 'conflict', 'neutral', 'positive'), 0.0)
    """
    source = "training labels"
    problems: list[str] = []
    touchpoint_names = _check_labels(labels, "touchpoint label", problems)
    sentiment_names = _check_labels(sentiments, "sentiment label", problems)
    if not touchpoint_names and not problems:
        problems.append("no touchpoint labels given: a taxonomy needs at least one touchpoint")
    if problems:
        raise _problems_error(source, problems)

    base_touchpoints = {tp.name: tp for tp in base.touchpoints} if base else {}
    touchpoints = []
    for name in sorted(set(touchpoint_names)):
        match = _lookup(base_touchpoints, name)
        if match is None:
            touchpoints.append(Touchpoint(name, name))
        else:
            touchpoints.append(Touchpoint(name, match.title, match.description, match.seeds))

    if not sentiment_names:
        sentiment_names = list(base.sentiments if base else DEFAULT_SENTIMENTS)
    base_scores = dict(base.sentiment_scores) if base else {}
    scores: dict[str, float] = {}
    for label in dict.fromkeys(sentiment_names):
        known = _lookup(base_scores, label)
        if known is None:
            known = _lookup(DEFAULT_SCORES, label)
        scores[label] = 0.0 if known is None else known
    ordered = tuple(sorted(scores, key=lambda label: (scores[label], label)))
    return Taxonomy(
        name=source,
        version=FORMAT_VERSION,
        touchpoints=tuple(touchpoints),
        sentiments=ordered,
        sentiment_scores=scores,
        source=source,
    )


# --- reading -------------------------------------------------------------------------------------

_TOML_POSITION = re.compile(r"^(?P<reason>.*?) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$", re.S)


def _syntax_problem(message: str) -> str:
    """Turn tomllib's message into ours: 'not valid TOML at line L, column C: <reason>'."""
    match = _TOML_POSITION.match(message)
    if not match:
        return f"not valid TOML: {message}"
    where = f"line {match['line']}, column {match['column']}" if match["line"] else "the end of the file"
    reason = match["reason"]
    if reason == "Cannot overwrite a value":
        reason += " (a key is given twice)"
    return f"not valid TOML at {where}: {reason}"


def _problems_error(source: str, problems: list[str]) -> TaxonomyError:
    count = len(problems)
    return TaxonomyError(f"{source}: {count} problem{'s' if count != 1 else ''} in the taxonomy: {'; '.join(problems)}", problems)


def _decode(data: bytes, source: str) -> str:
    # utf-8-sig: Windows editors often save a byte-order mark, which tomllib would reject.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem = f"not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line} cannot be decoded; save the file as UTF-8"
        raise TaxonomyError(f"{source}: {problem}", [problem]) from None


# --- checking ------------------------------------------------------------------------------------


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


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
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


_T = TypeVar("_T")


def _lookup(mapping: Mapping[str, _T], key: str) -> _T | None:
    if key in mapping:
        return mapping[key]
    folded = key.casefold()
    return next((value for name, value in mapping.items() if name.casefold() == folded), None)


def _check_labels(labels: Iterable[Any], kind: str, problems: list[str]) -> list[str]:
    good: list[str] = []
    for number, label in enumerate(labels, 1):
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{kind} {number} must be a non-blank string, got {_got(label)}")
        else:
            good.append(label)
    return good


class _Checker:
    """Walks a parsed document once, collecting every problem with its location."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def add(self, path: tuple[str, ...], message: str) -> None:
        self.problems.append(f"{_where(path)} {message}")

    def unknown_keys(self, path: tuple[str, ...], table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                hint = _did_you_mean(key, allowed) or f"; accepted keys: {', '.join(allowed)}"
                self.add(path, f"unknown key {key!r}{hint}")

    def check(self, document: Mapping[str, Any]) -> Taxonomy | None:
        self.unknown_keys((), document, _TOP_KEYS)
        version = document.get("version", FORMAT_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version != FORMAT_VERSION:
            self.add(("version",), f"must be {FORMAT_VERSION}, the only taxonomy format this analyzer reads, got {_got(version)}")
        name = document.get("name", Path(self.source).stem)
        if not isinstance(name, str) or not name.strip():
            self.add(("name",), f"must be a non-blank string, got {_got(name)}")
        sentiments, scores = self.check_sentiments(document.get("sentiments"))
        touchpoints = self.check_touchpoints(document.get("touchpoints"))
        if self.problems:
            return None
        return Taxonomy(name, version, touchpoints, sentiments, scores, self.source)

    def check_sentiments(self, table: Any) -> tuple[tuple[str, ...], dict[str, float]]:
        path = ("sentiments",)
        if table is None:
            return DEFAULT_SENTIMENTS, dict(_DEFAULT_SENTIMENT_SCORES)
        if not isinstance(table, dict):
            self.add(path, f"must be a table with labels and scores, got {_got(table)}")
            return (), {}
        self.unknown_keys(path, table, _SENTIMENT_KEYS)
        labels = self.check_sentiment_labels(table.get("labels", list(DEFAULT_SENTIMENTS)))
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
                if label in DEFAULT_SCORES:
                    scores[label] = DEFAULT_SCORES[label]
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

    def check_touchpoints(self, table: Any) -> tuple[Touchpoint, ...]:
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

    def check_touchpoint(self, name: str, body: Any) -> Touchpoint | None:
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
        return Touchpoint(name, title, description, seeds)

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
