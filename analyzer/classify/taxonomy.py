"""The taxonomy: touchpoints, their seed terms per language, and sentiment labels with scores.

One TOML file describes it (``analyzer/classify/taxonomy.toml`` ships as the default).
:func:`load_taxonomy` reads it with the standard library's :mod:`tomllib`,
checks the whole document (:mod:`analyzer.classify.taxonomy_check` holds the rules), and either
returns a frozen :class:`Taxonomy` or raises one :class:`TaxonomyError` listing every problem with
its place in the file, e.g. ``[touchpoints -> billing -> seeds -> ru] must be a list of strings, got int 5``.
:func:`taxonomy_from_labels` builds a taxonomy from the labels of a training set instead.
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

import importlib.resources
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from analyzer.classify.frozen_map import FrozenMap
from analyzer.classify.taxonomy_check import check_document, check_labels, did_you_mean
from analyzer.errors import UsageError

__all__ = [
    "DEFAULT_SCORES",
    "DEFAULT_SENTIMENTS",
    "DEFAULT_SOURCE",
    "Taxonomy",
    "TaxonomyError",
    "Touchpoint",
    "UnknownTouchpoint",
    "load_taxonomy",
    "parse_taxonomy",
    "taxonomy_from_labels",
]

# How the packaged default names itself in `Taxonomy.source` and in error messages.
DEFAULT_SOURCE = "analyzer/classify/taxonomy.toml"
DEFAULT_SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")
# Scores of the sentiment labels common in training data; any other label needs a score in the file.
DEFAULT_SCORES: Mapping[str, float] = MappingProxyType({"negative": -1.0, "neutral": 0.0, "positive": 1.0, "conflict": 0.0})
_DEFAULT_SENTIMENT_SCORES = {label: DEFAULT_SCORES[label] for label in DEFAULT_SENTIMENTS}
FORMAT_VERSION = 1


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
        ignore: words and names (a brand, its handle) that never form or name an issue (``[issues] ignore``).

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
    ignore: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "touchpoints", tuple(self.touchpoints))
        object.__setattr__(self, "ignore", tuple(self.ignore))
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
            f"{name!r} is not a touchpoint of this taxonomy{did_you_mean(str(name), self.names)}; "
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
    checked, problems = check_document(document, source, version=FORMAT_VERSION, sentiments=DEFAULT_SENTIMENTS, scores=DEFAULT_SCORES)
    if problems or checked is None:
        raise _problems_error(source, problems)
    touchpoints = tuple(Touchpoint(*fields) for fields in checked.touchpoints)
    return Taxonomy(checked.name, checked.version, touchpoints, checked.sentiments, checked.sentiment_scores, source, checked.ignore)


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
    touchpoint_names = check_labels(labels, "touchpoint label", problems)
    sentiment_names = check_labels(sentiments, "sentiment label", problems)
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
        ignore=base.ignore if base is not None else (),
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


_T = TypeVar("_T")


def _lookup(mapping: Mapping[str, _T], key: str) -> _T | None:
    if key in mapping:
        return mapping[key]
    folded = key.casefold()
    return next((value for name, value in mapping.items() if name.casefold() == folded), None)
