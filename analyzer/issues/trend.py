"""An issue's trend: new, growing, stable or shrinking.

With comment dates, the last period (a week or a month, by the one rule of
:mod:`analyzer.periods`) is compared with the one before it; without dates,
this run is compared with the previous run in the store. Either way the
measure is the issue's share of all comments in the period (or run), so a
busier month alone does not make an issue grow:

- ``new``: the issue has no comment before the last period (or was absent from the previous run);
- ``growing``: its share rose by half or more and by at least ``MIN_CHANGE`` comments at the later volume;
- ``shrinking``: its share fell by a third or more, by at least ``MIN_CHANGE`` comments;
- ``stable``: anything else.

An issue seen only before the previous period is ``growing`` when it is back
with ``MIN_CHANGE`` comments or more in the last one, ``shrinking`` when absent
from both.

Example:
    >>> trend_of(later=12, later_total=100, earlier=4, earlier_total=100)
    'growing'
    >>> trend_of(later=5, later_total=100, earlier=4, earlier_total=100)
    'stable'
"""

from __future__ import annotations

import pandas as pd

from analyzer.periods import PANDAS_FREQ, period_length

RATIO = 1.5
MIN_CHANGE = 2


def trend_of(later: int, later_total: int, earlier: int, earlier_total: int) -> str:
    """Compare the issue's share of comments in a later and an earlier period (or run)."""
    if earlier == 0:
        return "new"
    if later_total == 0 or earlier_total == 0:
        return "stable"
    expected = earlier / earlier_total * later_total  # the earlier share at the later volume
    if later >= RATIO * expected and later - expected >= MIN_CHANGE:
        return "growing"
    if later <= expected / RATIO and expected - later >= MIN_CHANGE:
        return "shrinking"
    return "stable"


def period_trend(issue_dates: pd.Series, all_dates: pd.Series) -> str:
    """Trend from comment dates: the issue's comments versus all comments, last period against the one before.

    Args:
        issue_dates: one date per comment of the issue.
        all_dates: one date per comment of the run.

    Example:
        >>> days = pd.Series(pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-13"]))
        >>> period_trend(days.iloc[2:], days)
        'new'
    """
    freq = PANDAS_FREQ[period_length(all_dates)]
    periods = all_dates.dt.to_period(freq)
    last = periods.max()
    issue_periods = issue_dates.dt.to_period(freq)
    if (issue_periods < last).sum() == 0:
        return "new"
    later, earlier = int((issue_periods == last).sum()), int((issue_periods == last - 1).sum())
    if earlier == 0:  # seen in older periods only: back again, or gone quiet
        return "growing" if later >= MIN_CHANGE else "shrinking" if later == 0 else "stable"
    return trend_of(later, int((periods == last).sum()), earlier, int((periods == last - 1).sum()))


def run_trend(issue_id: str, n_comments: int, run_comments: int, last_run: tuple[int, int, dict[str, int]] | None) -> str:
    """Trend without dates: this run against the store's previous run.

    Example:
        >>> run_trend("LOG-AAAA", 3, 100, None), run_trend("LOG-AAAA", 3, 100, (1, 100, {"LOG-AAAA": 10}))
        ('new', 'shrinking')
    """
    if last_run is None:
        return "new"
    _, previous_total, counts = last_run
    return trend_of(n_comments, run_comments, counts.get(issue_id, 0), previous_total)
