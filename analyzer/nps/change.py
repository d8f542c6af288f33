"""The NPS change between two periods, split per driver into a mention-share part and a score part (see :class:`PeriodChange`).

Example:
    >>> t = pd.DataFrame({"nps_score": pd.array([10, 0, 0, 0], dtype="Int64"),
    ...                   "date": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-06-05", "2026-06-06"])})
    >>> moved = change(t)
    >>> moved.a, moved.b, moved.total
    ('2026-01', '2026-06', -100.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analyzer import schema as S
from analyzer.errors import UsageError
from analyzer.nps.arithmetic import NpsValue, count, float_scores, is_detractor, is_promoter
from analyzer.nps.breakdowns import assign_periods, data_span, period_freq, period_label
from analyzer.nps.drivers import driver_matrix
from analyzer.nps.respondents import Respondents, table_of
from analyzer.nps.tables import records

SHARE_ALONE = "not mentioned in one period: compared by mention share alone"
"""The note of a driver mentioned in one period only: it is compared, all of its change being mention share."""


@dataclass
class PeriodChange:
    """The NPS change between two periods, split per driver into a mention-share part and a score part.

    For a driver in period t: share ``s_t`` of respondents mention it, the gap ``g_t`` = NPS of mentioners - NPS
    of the others, and its impact ``s_t * g_t`` (= NPS_t - NPS of non-mentioners, the ``impact`` of :func:`analyzer.nps.drivers.drivers`).
    The change of its impact splits exactly (symmetric shift-share):

        impact_b - impact_a = (s_b - s_a) * (g_a + g_b) / 2   [mention_part: more or fewer people mention it]
                            + (s_a + s_b) / 2 * (g_b - g_a)   [score_part: those who mention it score differently]

    and NPS_b - NPS_a = impact_change + others_change, where ``others_change`` is the change of the NPS among
    respondents who do not mention the driver. When nobody mentions it in one period its gap is taken from the
    other period (all its change is then mention share).

    Attributes:
        a, b: period labels; ``nps_a``, ``nps_b`` the two scores and ``n_a``, ``n_b`` their bases.
        by_driver: ``driver, driver_type, title, mentions_a, mentions_b, share_a, share_b, nps_with_a, nps_with_b,
            nps_without_a, nps_without_b, impact_a, impact_b, impact_change, mention_part, score_part, others_change,
            enough_data, note``, largest absolute change first.
    """

    a: str
    b: str
    freq: str
    nps_a: NpsValue
    nps_b: NpsValue
    by_driver: pd.DataFrame
    partial_a: str | None = None
    partial_b: str | None = None

    @property
    def total(self) -> float | None:
        """NPS of period b minus NPS of period a."""
        if self.nps_a.nps is None or self.nps_b.nps is None:
            return None
        return self.nps_b.nps - self.nps_a.nps

    @property
    def margin_95(self) -> float | None:
        """Half-width of the 95% interval of :attr:`total` (independent periods: the two margins added in quadrature).

        Example:
            >>> c = PeriodChange("a", "b", "month", NpsValue(100, 50, 20, 30), NpsValue(100, 30, 20, 50), pd.DataFrame())
            >>> round(c.total, 1), round(c.margin_95, 1), c.clear
            (-40.0, 24.2, True)
        """
        if self.nps_a.margin_95 is None or self.nps_b.margin_95 is None:
            return None
        return float(np.hypot(self.nps_a.margin_95, self.nps_b.margin_95))

    @property
    def clear(self) -> bool:
        """Whether the change is larger than its margin of error (a change inside it may be noise)."""
        return self.total is not None and self.margin_95 is not None and abs(self.total) > self.margin_95

    def to_dict(self) -> dict[str, Any]:
        """The change for ``nps.json``: the two scores, the change with its margin of error, partial periods, per driver."""
        return {"a": self.a, "b": self.b, "freq": self.freq, "nps_a": self.nps_a.to_dict(), "nps_b": self.nps_b.to_dict(),
                "total": self.total, "margin_95": self.margin_95, "clear": self.clear,
                "partial_a": self.partial_a, "partial_b": self.partial_b, "by_driver": records(self.by_driver)}


def change(
    resp: Respondents | pd.DataFrame,
    issues: pd.DataFrame | None = None,
    a: str | None = None,
    b: str | None = None,
    *,
    freq: str | None = None,
    min_mentions: int = 30,
    include_praise: bool = False,
) -> PeriodChange:
    """Decompose the NPS change between periods ``a`` and ``b`` per driver (see :class:`PeriodChange` for the formula).

    Args:
        resp: respondents with dates.
        issues: as for :func:`analyzer.nps.drivers.drivers`.
        a: the earlier period's label as :func:`analyzer.nps.breakdowns.periods` writes it; ``None`` (with ``b`` ``None``)
            takes the last two periods with answers.
        b: the later period's label.
        freq: period length, chosen by :func:`analyzer.nps.breakdowns.period_freq` when ``None``.
        min_mentions: a driver with fewer mentions in either period gets ``enough_data`` false and a note (unless it is
            not mentioned at all in one period and at least this often in the other: then its change is all mention share).
        include_praise: add praise issues.

    Raises:
        UsageError: a period label is unknown, or there are fewer than two periods with answers.

    Example:
        >>> t = pd.DataFrame({"nps_score": pd.array([10, 10, 0, 0, 0, 10], dtype="Int64"),
        ...                   "date": pd.to_datetime(["2026-01-05"] * 3 + ["2026-06-05"] * 3),
        ...                   "issue_ids": [frozenset(), frozenset(), frozenset({"late"}), frozenset({"late"}), frozenset({"late"}), frozenset()]})
        >>> c = change(t, min_mentions=1)
        >>> c.a, c.b, round(c.total, 1)
        ('2026-01', '2026-06', -66.7)
        >>> c.by_driver.loc[0, ["impact_change", "mention_part", "score_part"]].round(1).tolist()
        [-66.7, -66.7, 0.0]
    """
    table = table_of(resp)
    freq = period_freq(table, freq)
    which, span = assign_periods(table, freq)
    labels = {period_label(p, freq): p for p in span}
    present = set(np.unique(which[which >= 0]).tolist())
    answered = [label for label, p in labels.items() if p.ordinal in present]
    if a is None and b is None:
        if len(answered) < 2:
            raise UsageError(f"an NPS change needs two periods with answers; found {len(answered)} ({', '.join(answered) or 'no dated answers'})")
        a, b = answered[-2], answered[-1]
    for label in (a, b):
        if label not in answered:
            raise UsageError(f"NPS period '{label}' has no answers or is not a {freq} label; accepted: {', '.join(answered) or 'none'}")
    assert a is not None and b is not None
    scored = table[table[S.NPS_SCORE].notna()].reset_index(drop=True)
    has_score = table[S.NPS_SCORE].notna().to_numpy()
    in_a, in_b = which[has_score] == labels[a].ordinal, which[has_score] == labels[b].ordinal
    found = driver_matrix(scored, issues, include_praise)
    scores = float_scores(scored[S.NPS_SCORE])

    def parts(mask: np.ndarray) -> tuple[NpsValue, np.ndarray, np.ndarray, np.ndarray]:
        sub = found.mentions[mask]
        v = count(scores[mask])
        m = np.asarray(sub.sum(axis=0)).ravel()
        return v, m, sub.T @ is_promoter(scores[mask]).astype(float), sub.T @ is_detractor(scores[mask]).astype(float)

    va, ma, pa, da = parts(in_a)
    vb, mb, pb, db = parts(in_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_a, share_b = ma / va.n, mb / vb.n
        with_a, with_b = 100 * (pa - da) / ma, 100 * (pb - db) / mb
        without_a = 100 * ((va.promoters - pa) - (va.detractors - da)) / (va.n - ma)
        without_b = 100 * ((vb.promoters - pb) - (vb.detractors - db)) / (vb.n - mb)
    gap_a, gap_b = with_a - without_a, with_b - without_b
    gap_a = np.where(ma == 0, gap_b, gap_a)
    gap_b = np.where(mb == 0, gap_a, gap_b)
    gap_a, gap_b = np.where((ma == 0) & (mb == 0), 0.0, gap_a), np.where((ma == 0) & (mb == 0), 0.0, gap_b)
    impact_a, impact_b = share_a * gap_a, share_b * gap_b
    notes = []
    enough = []
    for j in range(len(found.names)):
        low, high = min(ma[j], mb[j]), max(ma[j], mb[j])
        if va.n - ma[j] == 0 or vb.n - mb[j] == 0:
            notes.append("everybody mentions it in one period, so there is nobody to compare with")
        elif high < min_mentions:
            notes.append(f"at most {int(high)} mention(s) in a period; at least {min_mentions} needed")
        elif 0 < low < min_mentions:
            notes.append(f"{int(low)} mention(s) in one period; at least {min_mentions} needed")
        elif low == 0:
            notes.append(SHARE_ALONE)
        else:
            notes.append("")
        enough.append(notes[-1] in ("", SHARE_ALONE))
    frame = pd.DataFrame(
        {
            "driver": found.names, "driver_type": found.types, "title": found.titles,
            "mentions_a": ma.astype("int64"), "mentions_b": mb.astype("int64"), "share_a": share_a, "share_b": share_b,
            "nps_with_a": with_a, "nps_with_b": with_b, "nps_without_a": without_a, "nps_without_b": without_b,
            "impact_a": impact_a, "impact_b": impact_b, "impact_change": impact_b - impact_a,
            "mention_part": (share_b - share_a) * (gap_a + gap_b) / 2, "score_part": (share_a + share_b) / 2 * (gap_b - gap_a),
            "others_change": without_b - without_a, "enough_data": enough, "note": notes,
        }
    )
    order = frame["impact_change"].abs().fillna(-1).sort_values(ascending=False, kind="stable").index
    first, last = data_span(table)
    partial = {label: _partial(labels[label], first, last) for label in (a, b)}
    return PeriodChange(a, b, freq, va, vb, frame.loc[order].reset_index(drop=True), partial[a], partial[b])


def _partial(period: pd.Period, first: pd.Timestamp, last: pd.Timestamp) -> str | None:
    """``from DAY`` / ``to DAY`` when the data cover only part of ``period``, else ``None``."""
    start, end = period.start_time.normalize(), period.end_time.normalize()
    if last < end:
        return f"data to {last.date()}" if first <= start else f"data {first.date()} to {last.date()}"
    if first > start:
        return f"data from {first.date()}"
    return None
