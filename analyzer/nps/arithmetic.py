"""NPS arithmetic: the promoter / passive / detractor rule, the score with its counts, and the bands it is read in.

Promoters score :data:`PROMOTER_MIN` to 10 (9-10), detractors 0 to
:data:`DETRACTOR_MAX` (0-6), passives the rest (7-8); NPS = % promoters -
% detractors, passives counting in the base only. This module holds the only
definition of that rule: group scores with :func:`nps_groups`,
:func:`is_promoter` and :func:`is_detractor` rather than comparing them.

Bands are read on the exact score: above 50 a favourite; 45 < NPS <= 50
between the bands (50 itself is not "above 50"); 10 <= NPS <= 45 known but
must become more customer-oriented; below 10 customers do not value the company.

Example:
    >>> nps([10, 9, 8, 2])
    NpsValue(n=4, promoters=2, passives=1, detractors=1)
    >>> nps_groups([10, 7, 6, None]).tolist()
    ['promoter', 'passive', 'detractor', <NA>]
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from analyzer.nps.tables import is_missing

PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"
PROMOTER_MIN = 9
"""The lowest promoter score."""
DETRACTOR_MAX = 6
"""The highest detractor score."""
ACCEPTED_SCORES = "accepted: whole numbers 0 to 10"

BANDS: dict[str, str] = {
    "favourite": "above 50: customers treat the brand as a favourite and recommend it",
    "between": "45 to 50: close to favourite territory (above 50); the brand is well known and liked",
    "known": "10 to 45: customers know the brand, but it must become more customer-oriented",
    "not_valued": "below 10: customers do not value the company; much must change before they recommend it",
    "none": "no NPS answers, so no score to read",
}


def margins_95(n: Any, promoters: Any, detractors: Any) -> np.ndarray:
    """Half-widths of the normal-approximation 95% intervals of NPS values from their counts (NaN where n is 0).

    Example:
        >>> margins_95([100, 0], [50, 0], [30, 0]).round(1).tolist()
        [17.1, nan]
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p, d = np.asarray(promoters, dtype=float) / n, np.asarray(detractors, dtype=float) / n
        return 1.96 * 100 * np.sqrt(np.clip(p + d - (p - d) ** 2, 0.0, None) / n)


def float_scores(scores: Any) -> np.ndarray:
    """Scores (an Int64 column, a list with ``None``) as a float array, NaN where missing.

    Example:
        >>> float_scores(pd.Series([9, None], dtype="Int64")).tolist()
        [9.0, nan]
    """
    return pd.Series(scores).astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def is_promoter(scores: np.ndarray) -> np.ndarray:
    """Which float scores are promoters (missing ones are not)."""
    return np.asarray(scores) >= PROMOTER_MIN


def is_detractor(scores: np.ndarray) -> np.ndarray:
    """Which float scores are detractors (missing ones are not)."""
    return np.asarray(scores) <= DETRACTOR_MAX


def nps_groups(scores: Any) -> pd.api.extensions.ExtensionArray:
    """``promoter``, ``passive`` or ``detractor`` for each score, ``<NA>`` where it is missing.

    Example:
        >>> nps_groups(pd.Series([9, 8, 0, None], dtype="Int64")).tolist()
        ['promoter', 'passive', 'detractor', <NA>]
    """
    numbers = float_scores(scores)
    groups = np.select([is_promoter(numbers), is_detractor(numbers), ~np.isnan(numbers)], [PROMOTER, DETRACTOR, PASSIVE], default="")
    return pd.array(np.where(groups == "", None, groups), dtype="string")


@dataclass(frozen=True)
class NpsValue:
    """Exact NPS arithmetic with its counts.

    Attributes:
        n: respondents with a score (the base; passives included).
        promoters, passives, detractors: counts, summing to ``n``.

    Example:
        >>> v = NpsValue(n=4, promoters=2, passives=1, detractors=1)
        >>> v.nps, v.exact, v.promoter_pct
        (25.0, Fraction(25, 1), 50.0)
    """

    n: int
    promoters: int
    passives: int
    detractors: int

    @property
    def nps(self) -> float | None:
        """% promoters - % detractors, from -100 to 100; ``None`` when nobody answered."""
        return None if self.n == 0 else 100 * (self.promoters - self.detractors) / self.n

    @property
    def exact(self) -> Fraction | None:
        """The NPS as an exact fraction (``Fraction(100, 3)`` for 33.33...)."""
        return None if self.n == 0 else Fraction(100 * (self.promoters - self.detractors), self.n)

    @property
    def promoter_pct(self) -> float | None:
        """Share of promoters in percent."""
        return None if self.n == 0 else 100 * self.promoters / self.n

    @property
    def passive_pct(self) -> float | None:
        """Share of passives in percent."""
        return None if self.n == 0 else 100 * self.passives / self.n

    @property
    def detractor_pct(self) -> float | None:
        """Share of detractors in percent."""
        return None if self.n == 0 else 100 * self.detractors / self.n

    @property
    def margin_95(self) -> float | None:
        """Half-width of the normal-approximation 95% interval, in NPS points (0 when every answer is in one group).

        Example:
            >>> round(NpsValue(100, 50, 20, 30).margin_95, 1)
            17.1
        """
        return None if self.n == 0 else float(margins_95(self.n, self.promoters, self.detractors))

    def to_dict(self) -> dict[str, Any]:
        """Counts, shares and score for ``nps.json``.

        Example:
            >>> NpsValue(2, 1, 0, 1).to_dict()["nps"]
            0.0
        """
        return {
            "n": self.n, "promoters": self.promoters, "passives": self.passives, "detractors": self.detractors,
            "nps": self.nps, "promoter_pct": self.promoter_pct, "passive_pct": self.passive_pct,
            "detractor_pct": self.detractor_pct, "margin_95": self.margin_95,
        }


def nps(scores: Iterable[object]) -> NpsValue:
    """Count promoters, passives and detractors among 0-10 scores; missing ones (None, NA, NaN) are not in the base.

    An empty input (or only missing scores) gives ``n == 0`` and ``nps is None``.

    Raises:
        ValueError: a score is not a whole number from 0 to 10 (the pipeline rejects those at ingestion).

    Example:
        >>> nps([10, 9, 8, 7, 6, 0, None])
        NpsValue(n=6, promoters=2, passives=2, detractors=2)
        >>> nps([]).nps is None
        True
    """
    values = scores if isinstance(scores, pd.Series) else pd.Series(list(scores), dtype=object)
    try:
        numbers = pd.to_numeric(values, errors="raise").astype("Float64").dropna().to_numpy(dtype=float)
    except (TypeError, ValueError):
        bad = next(v for v in values if not is_missing(v) and not isinstance(v, (int, float, np.number)))
        raise ValueError(f"NPS score {bad!r} is not a number; {ACCEPTED_SCORES}") from None
    wrong = numbers[(numbers != np.round(numbers)) | (numbers < 0) | (numbers > 10)]
    if len(wrong):
        raise ValueError(f"NPS score {wrong[0]:g} is not a whole number from 0 to 10; {ACCEPTED_SCORES}")
    return count(numbers)


def count(numbers: np.ndarray) -> NpsValue:
    """The :class:`NpsValue` of checked float scores without missing ones (:func:`nps` checks them first).

    Example:
        >>> count(np.array([10.0, 7.0, 3.0]))
        NpsValue(n=3, promoters=1, passives=1, detractors=1)
    """
    promoters = int(is_promoter(numbers).sum())
    detractors = int(is_detractor(numbers).sum())
    return NpsValue(len(numbers), promoters, len(numbers) - promoters - detractors, detractors)


def band_code(value: float | None) -> str:
    """The band of an NPS: ``favourite``, ``between``, ``known``, ``not_valued`` or ``none`` (see :data:`BANDS`).

    Edges: 50 is ``between`` (not above 50), 45 and 10 are ``known``.

    Example:
        >>> [band_code(v) for v in (50.1, 50, 45.5, 45, 10, 9.9, None)]
        ['favourite', 'between', 'between', 'known', 'known', 'not_valued', 'none']
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "none"
    if value > 50:
        return "favourite"
    if value > 45:
        return "between"
    if value >= 10:
        return "known"
    return "not_valued"


def band(value: float | None) -> str:
    """The plain-language reading of an NPS, printed next to the score.

    Example:
        >>> band(62.0)
        'above 50: customers treat the brand as a favourite and recommend it'
        >>> band(47.0)
        '45 to 50: close to favourite territory (above 50); the brand is well known and liked'
    """
    return BANDS[band_code(value)]
