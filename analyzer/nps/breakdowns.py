"""NPS per segment (channel, language, touchpoint, issue) and per period, every period from the first to the last.

Period lengths follow :func:`analyzer.periods.period_length` unless one is given
(``day``, ``week``, ``month`` or ``quarter``); weeks are ISO weeks, Monday to Sunday.

Example:
    >>> t = pd.DataFrame({"nps_score": pd.array([10, 2], dtype="Int64"), "date": pd.to_datetime(["2026-01-05", "2026-01-14"])})
    >>> periods(t)[["period", "n", "nps"]].values.tolist()
    [['2026-W02', 1, 100.0], ['2026-W03', 1, -100.0]]
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from analyzer import schema as S
from analyzer.errors import UsageError
from analyzer.nps.arithmetic import band_code, count, float_scores
from analyzer.nps.respondents import Respondents, table_of
from analyzer.periods import PANDAS_FREQ, period_length

BREAKDOWN_BY = {"period": S.DATE, "channel": S.CHANNEL, "touchpoint": S.TOUCHPOINTS, "language": S.LANG, "lang": S.LANG, "issue": S.ISSUE_IDS}


def breakdown(resp: Respondents | pd.DataFrame, by: str, *, freq: str | None = None, min_n: int = 30) -> pd.DataFrame:
    """NPS per segment: ``period``, ``channel``, ``touchpoint``, ``language`` or ``issue``.

    A respondent counts in every touchpoint and issue they mention; respondents without a channel or language
    form the segment ``(unknown)``; periods come from :func:`periods`. Segments with fewer than ``min_n`` answers
    carry a note saying so.

    Returns:
        ``by, segment, n, promoters, passives, detractors, nps, promoter_pct, detractor_pct, band, note``, largest first
        (periods in time order).

    Example:
        >>> t = pd.DataFrame({"nps_score": pd.array([10, 3, 8], dtype="Int64"), "channel": pd.array(["chat", "chat", None], dtype="string")})
        >>> breakdown(t, "channel", min_n=1)[["segment", "n", "nps"]].values.tolist()
        [['chat', 2, 0.0], ['(unknown)', 1, 0.0]]
    """
    if by not in BREAKDOWN_BY:
        raise UsageError(f"NPS breakdown by '{by}' is not available; accepted: {', '.join(BREAKDOWN_BY)}")
    table = table_of(resp)
    if by == "period":
        frame = periods(table, freq).rename(columns={"period": "segment"})
        frame = frame.drop(columns=[c for c in ("start", "end", "freq") if c in frame.columns])
    else:
        scored = table[table[S.NPS_SCORE].notna()]
        column = BREAKDOWN_BY[by]
        scores = float_scores(scored[S.NPS_SCORE])
        if by in ("touchpoint", "issue"):
            sets = scored[column] if column in scored.columns else pd.Series([frozenset()] * len(scored))
            lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
            segment = pd.Series(list(itertools.chain.from_iterable(sorted(s) for s in sets)), dtype=object)
            scores = np.repeat(scores, lengths)
        else:
            values = scored[column] if column in scored.columns else pd.Series([None] * len(scored))
            segment = values.astype("string").fillna("(unknown)").to_numpy(dtype=object)
        rows = [_segment_row(name, group) for name, group in pd.Series(scores).groupby(np.asarray(segment, dtype=object), sort=False)] \
            if len(scores) else []
        frame = pd.DataFrame(rows, columns=["segment", "n", "promoters", "passives", "detractors", "nps", "promoter_pct", "detractor_pct"])
        frame = frame.sort_values(["n", "segment"], ascending=[False, True], kind="stable").reset_index(drop=True)
    frame.insert(0, "by", by)
    frame["band"] = [band_code(v) for v in frame["nps"]]
    frame["note"] = np.where(frame["n"] < min_n, f"fewer than {min_n} answers: read with care", "")
    return frame.reset_index(drop=True)


def _segment_row(name: object, scores: pd.Series) -> tuple[Any, ...]:
    v = count(scores.to_numpy())
    return (str(name), v.n, v.promoters, v.passives, v.detractors, v.nps, v.promoter_pct, v.detractor_pct)


def period_freq(resp: Respondents | pd.DataFrame, freq: str | None = None) -> str:
    """``freq`` checked, or when ``None`` the length :func:`analyzer.periods.period_length` gives the scored respondents' dates.

    Raises:
        UsageError: ``freq`` is not ``day``, ``week``, ``month`` or ``quarter``.

    Example:
        >>> t = pd.DataFrame({"nps_score": pd.array([9, None], dtype="Int64"), "date": pd.to_datetime(["2026-01-01", "2026-09-01"])})
        >>> period_freq(t), period_freq(t, "quarter")
        ('week', 'quarter')
    """
    if freq is not None:
        if freq not in PANDAS_FREQ:
            raise UsageError(f"NPS period '{freq}' is not a period length; accepted: {', '.join(PANDAS_FREQ)}")
        return freq
    table = table_of(resp)
    return period_length(table.loc[table[S.NPS_SCORE].notna(), S.DATE])


def period_label(period: pd.Period, freq: str) -> str:
    """How a period is written: ``2026-05``, ``2026-W19`` (ISO week), ``2026-Q2``, ``2026-05-31``.

    Example:
        >>> period_label(pd.Period("2026-05-06", freq="W-SUN"), "week"), period_label(pd.Period("2026-05", freq="Q"), "quarter")
        ('2026-W19', '2026-Q2')
    """
    if freq == "week":
        year, week, _ = period.start_time.isocalendar()
        return f"{year}-W{week:02d}"
    if freq == "quarter":
        return f"{period.year}-Q{period.quarter}"
    return str(period)


def assign_periods(table: pd.DataFrame, freq: str) -> tuple[np.ndarray, pd.PeriodIndex]:
    """Period ordinal of each scored, dated respondent (-1 otherwise) and every period from the first to the last."""
    dated = (table[S.NPS_SCORE].notna() & table[S.DATE].notna()).to_numpy()
    which = np.full(len(table), -1, dtype=np.int64)
    if not dated.any():
        return which, pd.PeriodIndex([], freq=PANDAS_FREQ[freq])
    assigned = pd.PeriodIndex(table.loc[dated, S.DATE].to_numpy(dtype="datetime64[ns]"), freq=PANDAS_FREQ[freq])
    which[dated] = assigned.asi8
    span = pd.period_range(assigned.min(), assigned.max(), freq=PANDAS_FREQ[freq])
    return which, span


def data_span(table: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day with a scored, dated answer (``NaT`` twice when there is none).

    Example:
        >>> data_span(pd.DataFrame({"nps_score": pd.array([3, None], dtype="Int64"), "date": pd.to_datetime(["2026-02-03", "2026-09-01"])}))
        (Timestamp('2026-02-03 00:00:00'), Timestamp('2026-02-03 00:00:00'))
    """
    dates = table.loc[table[S.NPS_SCORE].notna(), S.DATE].dropna()
    if dates.empty:
        return pd.NaT, pd.NaT
    return dates.min().normalize(), dates.max().normalize()


def periods(resp: Respondents | pd.DataFrame, freq: str | None = None) -> pd.DataFrame:
    """NPS per period over the respondents with a date, every period from the first to the last (empty ones with n 0).

    Args:
        resp: respondents (their ``date`` is the answer's date, else their earliest comment's).
        freq: ``day``, ``week`` (ISO, Monday to Sunday), ``month`` or ``quarter``; chosen by :func:`period_freq` when ``None``.

    Returns:
        ``period`` (``2026-05``, ``2026-W19``, ``2026-Q2``, ``2026-05-31``), ``start``, ``end``, ``freq``, ``n``,
        ``promoters``, ``passives``, ``detractors``, ``nps``, ``promoter_pct``, ``detractor_pct``; ``nps`` is NaN for empty periods.
        ``partial`` is true for a first or last period the data covers only in part (answers from ``data_from`` to ``data_to``):
        a month that ends on the 17th is not a month.

    Example:
        >>> t = pd.DataFrame({"nps_score": pd.array([10, 2, 9], dtype="Int64"), "date": pd.to_datetime(["2026-01-03", "2026-03-09", "2026-06-30"])})
        >>> periods(t)[["period", "n", "nps"]].values.tolist()
        [['2026-01', 1, 100.0], ['2026-02', 0, nan], ['2026-03', 1, -100.0], ['2026-04', 0, nan], ['2026-05', 0, nan], ['2026-06', 1, 100.0]]
        >>> periods(t)["partial"].tolist()  # the data start on January 3rd and end on June 30th
        [True, False, False, False, False, False]
    """
    table = table_of(resp)
    freq = period_freq(table, freq)
    which, span = assign_periods(table, freq)
    scores = float_scores(table[S.NPS_SCORE])
    first, last = data_span(table)
    rows = []
    for period in span:
        v = count(scores[which == period.ordinal])
        start, end = period.start_time.normalize(), period.end_time.normalize()
        partial = bool(first > start or last < end)
        rows.append((period_label(period, freq), start, end, freq, v.n, v.promoters, v.passives, v.detractors, v.nps, v.promoter_pct,
                     v.detractor_pct, partial, max(start, first), min(end, last)))
    frame = pd.DataFrame(rows, columns=["period", "start", "end", "freq", "n", "promoters", "passives", "detractors", "nps", "promoter_pct",
                                        "detractor_pct", "partial", "data_from", "data_to"])
    for column in ("nps", "promoter_pct", "detractor_pct"):
        frame[column] = frame[column].astype("float64")
    return frame
