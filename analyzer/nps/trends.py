"""NPS over time per touchpoint and for the largest issues: who mentions it each period, and how they score.

Example:
    >>> t = pd.DataFrame({"nps_score": pd.array([10, 0, 9, 0], dtype="Int64"),
    ...                   "date": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-02-05", "2026-02-06"]),
    ...                   "touchpoints": [frozenset({"price"}), frozenset({"price"}), frozenset({"price"}), frozenset()],
    ...                   "issue_ids": [frozenset()] * 4})
    >>> trends(t, freq="month", min_n=2)[["period", "driver", "n", "nps", "enough"]].values.tolist()
    [['2026-01', 'price', 2, 0.0, True], ['2026-02', 'price', 1, 100.0, False]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer import schema as S
from analyzer.nps.arithmetic import count, float_scores
from analyzer.nps.breakdowns import assign_periods, period_freq, period_label
from analyzer.nps.respondents import Respondents, table_of

TREND_COLUMNS = ["period", "driver", "driver_type", "n", "share", "nps", "margin_95", "enough"]
"""One row per period and driver: respondents mentioning it, their share of the period's respondents, their NPS and its margin."""


def trends(resp: Respondents | pd.DataFrame, issues: pd.DataFrame | None = None, *, freq: str | None = None, top_issues: int = 6,
           min_n: int = 30) -> pd.DataFrame:
    """NPS per period among respondents mentioning each touchpoint and each of the ``top_issues`` most mentioned issues.

    Args:
        resp: respondents with dates, scores, ``touchpoints`` and ``issue_ids`` (frozensets).
        issues: the issues table; when given, only active complaint issues are followed.
        freq: the period length (chosen by :func:`analyzer.nps.breakdowns.period_freq` when ``None``).
        top_issues: how many issues to follow, most mentioned first.
        min_n: a point with fewer mentioning respondents has ``enough`` false: a chart leaves it out and says so.

    Returns:
        :data:`TREND_COLUMNS`; empty without dated scores.
    """
    table = table_of(resp)
    freq = period_freq(table, freq)
    which, span = assign_periods(table, freq)
    keep = which >= 0
    if not keep.any():
        return pd.DataFrame(columns=TREND_COLUMNS)
    scores = float_scores(table[S.NPS_SCORE])[keep]
    which = which[keep]
    rows = []
    for kind, column in (("touchpoint", S.TOUCHPOINTS), ("issue", S.ISSUE_IDS)):
        if column not in table.columns:
            continue
        sets = table.loc[keep, column].tolist()
        names = _followed(sets, issues if kind == "issue" else None, top_issues if kind == "issue" else None)
        for name in names:
            mentions = np.fromiter((name in s for s in sets), dtype=bool, count=len(sets))
            for period in span:
                here = which == period.ordinal
                v = count(scores[here & mentions])
                total = int(here.sum())
                rows.append((period_label(period, freq), name, kind, v.n, v.n / total if total else np.nan, v.nps, v.margin_95, v.n >= min_n))
    frame = pd.DataFrame(rows, columns=TREND_COLUMNS)
    for column in ("share", "nps", "margin_95"):
        frame[column] = frame[column].astype("float64")
    return frame


def _followed(sets: list[frozenset[str]], issues: pd.DataFrame | None, top: int | None) -> list[str]:
    """The names to follow, most mentioned first (ties by name): every touchpoint, or the top active complaint issues."""
    counts: dict[str, int] = {}
    for s in sets:
        for name in s:
            counts[name] = counts.get(name, 0) + 1
    if issues is not None and len(issues) and S.ISSUE_STATUS in issues.columns:
        allowed = set(issues.loc[(issues[S.ISSUE_STATUS] == "active") & (issues.get(S.ISSUE_KIND, "complaint") == "complaint"), S.ISSUE_ID])
        counts = {k: v for k, v in counts.items() if k in allowed}
    names = sorted(counts, key=lambda k: (-counts[k], k))
    return names[:top] if top is not None else names
