"""One rule for period length, used by issue trends, NPS periods and the report.

Dates spanning more than :data:`MONTHS_AFTER_DAYS` days are compared month by
month, shorter spans week by week (ISO weeks, Monday to Sunday). A file with
no dates counts in months (there is nothing to split).

Example:
    >>> import pandas as pd
    >>> period_length(pd.Series(pd.to_datetime(["2026-01-01", "2026-03-11"])))  # 69 days
    'week'
    >>> period_length(pd.Series(pd.to_datetime(["2026-01-01", "2026-06-01"])))
    'month'
    >>> PANDAS_FREQ["week"], PANDAS_FREQ["month"]
    ('W-SUN', 'M')
"""

from __future__ import annotations

import pandas as pd

MONTHS_AFTER_DAYS = 92
"""Spans longer than this (about a quarter) are split into months: at least three points on a monthly line."""

PANDAS_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q"}
"""Period lengths by name, as pandas ``Period`` frequencies (``W-SUN``: weeks ending Sunday, so starting Monday)."""


def period_length(dates: pd.Series) -> str:
    """``month`` when the (non-missing) dates span more than :data:`MONTHS_AFTER_DAYS` days or there are none, else ``week``."""
    dates = pd.to_datetime(dates.dropna())
    if dates.empty:
        return "month"
    return "month" if (dates.max() - dates.min()).days > MONTHS_AFTER_DAYS else "week"
