"""Before versus after a ticket was closed: mentions, their share of comments with a 95% interval, NPS cost; one verdict.

Sides: *before* holds the dated comments of the days before the closing day,
*after* those of the days after it; the closing day itself is left out (its
comments may precede or follow the fix), and so are comments without a date.

* **Mentions per period**: mentions on a side divided by the days it spans,
  times the period's days (7 for ``week``, 30.44 for ``month``; the period
  follows :func:`analyzer.periods.period_length` of all the dates).
* **Share**: mentions / comments on a side; the change is after - before,
  with Newcombe's hybrid score interval (two Wilson intervals), which keeps
  its 95% coverage for small counts and shares near 0, where a fixed issue
  lands. A side with fewer than ``min_comments`` comments (``--min-mentions``)
  gets no share: "not enough data".
* **NPS cost**: :func:`analyzer.nps.drivers.drivers` on the respondents of
  each side (split by the respondent's date), for this issue alone, so its
  min-mentions rule applies: below ``--min-mentions`` respondents mentioning it
  (or not mentioning it) the side says "not enough data" and gets no number.
  Cost = -impact (points of NPS lost), its interval the bootstrap one.

Verdicts (:data:`VERDICTS`): a closed ticket with enough comments on both
sides is "fewer mentions since closing" only when the whole interval of the
change is below 0, "more mentions since closing" only when it is above 0, and
"no clear change" otherwise.

Example:
    >>> [round(v, 4) for v in newcombe_interval(20, 100, 5, 100)]  # 20% before, 5% after
    [-0.2433, -0.0592]
    >>> verdict("closed", 100, 100, -0.2433, -0.0592, min_comments=30)
    'fewer mentions since closing'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from analyzer import schema as S
from analyzer.periods import period_length

PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4375, "quarter": 91.3125}

STILL_OPEN = "still open"
STATUS_UNKNOWN = "status unknown"
CLOSED_NO_DAY = "closed, day not known"
CLOSED_NO_DATES = "closed, comments have no dates"
NOT_ENOUGH_AFTER = "closed, not enough data after"
NOT_ENOUGH_BEFORE = "closed, not enough data before"
FEWER = "fewer mentions since closing"
MORE = "more mentions since closing"
NO_CLEAR_CHANGE = "no clear change"
VERDICTS = (FEWER, NO_CLEAR_CHANGE, MORE, NOT_ENOUGH_AFTER, NOT_ENOUGH_BEFORE, CLOSED_NO_DATES, CLOSED_NO_DAY, STILL_OPEN, STATUS_UNKNOWN)
"""Every value of the tickets table's ``verdict`` column."""
NOT_ENOUGH = "not enough data"


def wilson_interval(x: int, n: int) -> tuple[float, float]:
    """Wilson's score 95% interval of a proportion x / n (statsmodels' ``proportion_confint``); NaN twice when n is 0.

    Example:
        >>> [round(v, 4) for v in wilson_interval(0, 50)]
        [0.0, 0.0713]
    """
    if n <= 0:
        return math.nan, math.nan
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(x, n, alpha=0.05, method="wilson")
    return max(0.0, float(low)), min(1.0, float(high))


def newcombe_interval(x_before: int, n_before: int, x_after: int, n_after: int) -> tuple[float, float]:
    """Newcombe's hybrid score 95% interval of the change in share, after - before (statsmodels' ``confint_proportions_2indep``).

    Example:
        >>> [round(v, 4) for v in newcombe_interval(10, 40, 10, 40)]
        [-0.1865, 0.1865]
    """
    if n_before <= 0 or n_after <= 0:
        return math.nan, math.nan
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(x_after, n_after, x_before, n_before, method="newcomb", compare="diff", alpha=0.05)
    return float(low), float(high)


def verdict(status: str, n_before: int, n_after: int, low: float, high: float, *, min_comments: int, has_day: bool = True,
            has_dates: bool = True) -> str:
    """The one verdict a ticket's figures support (see the module docstring).

    Example:
        >>> verdict("open", 0, 0, math.nan, math.nan, min_comments=30)
        'still open'
        >>> verdict("closed", 200, 12, math.nan, math.nan, min_comments=30)
        'closed, not enough data after'
        >>> verdict("closed", 200, 200, -0.05, 0.02, min_comments=30)
        'no clear change'
    """
    if status == "open":
        return STILL_OPEN
    if status != "closed":
        return STATUS_UNKNOWN
    if not has_day:
        return CLOSED_NO_DAY
    if not has_dates:
        return CLOSED_NO_DATES
    if n_after < min_comments:
        return NOT_ENOUGH_AFTER
    if n_before < min_comments:
        return NOT_ENOUGH_BEFORE
    if high < 0:
        return FEWER
    if low > 0:
        return MORE
    return NO_CLEAR_CHANGE


@dataclass(frozen=True)
class Side:
    """The comments of one side: how many, how many mention the issue, and the days the side spans.

    Example:
        >>> Side(comments=40, mentions=10, days=14).per_period("week")
        5.0
    """

    comments: int
    mentions: int
    days: int

    def share(self, min_comments: int) -> float:
        """Mentions / comments, or NaN below ``min_comments`` comments."""
        return self.mentions / self.comments if self.comments >= max(1, min_comments) else math.nan

    def per_period(self, period: str) -> float:
        """Mentions per period (NaN when the side spans no day)."""
        return self.mentions / self.days * PERIOD_DAYS[period] if self.days > 0 else math.nan


def _mentions(issue_ids: pd.Series, issue_id: str) -> pd.Series:
    return issue_ids.fillna("").astype(str).map(lambda text: issue_id in text.split(";"))


def sides(comments: pd.DataFrame, issue_id: str, closed: date) -> tuple[Side, Side]:
    """The before and after sides of one issue around its closing day (the day itself in neither).

    Example:
        >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-01-01", "2026-01-10", "2026-01-10", "2026-01-11", "2026-01-21"]),
        ...                   "issue_ids": ["LOG-1", "LOG-1;SUP-2", "", "", "LOG-1"]})
        >>> sides(c, "LOG-1", date(2026, 1, 11))
        (Side(comments=3, mentions=2, days=10), Side(comments=1, mentions=1, days=10))
    """
    days = pd.to_datetime(comments[S.DATE]).dt.normalize()
    mentions = _mentions(comments[S.ISSUE_IDS], issue_id)
    day = pd.Timestamp(closed)
    before, after = days < day, days > day
    span_before = (day - days[before].min()).days if before.any() else 0
    span_after = (days[after].max() - day).days if after.any() else 0
    return (Side(int(before.sum()), int((mentions & before).sum()), int(span_before)),
            Side(int(after.sum()), int((mentions & after).sum()), int(span_after)))


def nps_cost(table: pd.DataFrame, issue_id: str, *, min_mentions: int, n_boot: int, seed: int) -> tuple[float, float, float, int, str]:
    """The NPS cost of one issue among some respondents: cost, its interval, respondents mentioning it, and a note.

    ``table`` holds ``nps_score`` and ``issue_ids`` (frozensets). Below ``min_mentions`` the figures are NaN and
    the note says "not enough data" and why.

    Example:
        >>> t = pd.DataFrame({"nps_score": pd.array([0, 2, 10, 9, 10, 8], dtype="Int64"),
        ...                   "issue_ids": [frozenset({"A"}), frozenset({"A"}), frozenset(), frozenset({"A"}), frozenset(), frozenset()]})
        >>> cost, low, high, n, note = nps_cost(t, "A", min_mentions=2, n_boot=0, seed=0)
        >>> round(cost, 1), n, note
        (50.0, 3, '')
        >>> nps_cost(t, "A", min_mentions=4, n_boot=0, seed=0)[4]
        'not enough data (3 respondent(s) mention it; at least 4 needed)'
    """
    from analyzer.nps.drivers import NOT_ENOUGH as DRIVERS_NOT_ENOUGH
    from analyzer.nps.drivers import drivers

    scored = table[table[S.NPS_SCORE].notna()] if len(table) else table
    if not len(scored):
        return math.nan, math.nan, math.nan, 0, "no NPS scores"
    own = pd.DataFrame({S.NPS_SCORE: scored[S.NPS_SCORE].astype("Int64").to_numpy(),
                        S.ISSUE_IDS: [frozenset({issue_id}) if issue_id in ids else frozenset() for ids in scored[S.ISSUE_IDS]]})
    issue = pd.DataFrame({S.ISSUE_ID: [issue_id], S.ISSUE_KIND: ["complaint"], S.ISSUE_TITLE: [issue_id], S.TOUCHPOINT: [""]})
    frame = drivers(own, issue, min_mentions=min_mentions, n_boot=n_boot, seed=seed)
    row = frame[frame["driver"] == issue_id].iloc[0]
    mentions = int(row["mentions"])
    if row["verdict"] == DRIVERS_NOT_ENOUGH:
        return math.nan, math.nan, math.nan, mentions, f"{NOT_ENOUGH} ({row['note']})" if row["note"] else NOT_ENOUGH
    cost = -float(row["impact"])
    low, high = -float(row["ci_high"]), -float(row["ci_low"])
    return cost, low, high, mentions, ""


def compare(comments: pd.DataFrame, issue_id: str, closed: date, *, respondents: pd.DataFrame | None = None, min_mentions: int = 30,
            n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Every before/after figure of one closed issue, as the tickets table's columns (verdict included).

    Args:
        comments: the run's comments (``date``, ``issue_ids``).
        issue_id: the issue.
        closed: the day its ticket was closed.
        respondents: the run's respondent table (``date``, ``nps_score``, ``issue_ids``), None without NPS.
        min_mentions: a side needs this many comments for a share, and this many respondents mentioning the issue for an NPS cost.
        n_boot: bootstrap replicates for the NPS cost's interval (0: none).
        seed: the bootstrap's seed.

    Example:
        >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-01-0%d" % d for d in range(1, 10)]),
        ...                   "issue_ids": ["A", "A", "A", "", "", "", "", "A", ""]})
        >>> figures = compare(c, "A", date(2026, 1, 4), min_mentions=3, n_boot=0)
        >>> figures["mentions_before"], figures["mentions_after"], round(figures["share_change"], 2), figures["verdict"]
        (3, 1, -0.8, 'fewer mentions since closing')
    """
    dated = comments[comments[S.DATE].notna()]
    before, after = sides(dated, issue_id, closed)
    period = period_length(dated[S.DATE])
    share_before, share_after = before.share(min_mentions), after.share(min_mentions)
    enough = not (math.isnan(share_before) or math.isnan(share_after))
    low, high = newcombe_interval(before.mentions, before.comments, after.mentions, after.comments) if enough else (math.nan, math.nan)
    figures: dict[str, Any] = {
        "period": period,
        "comments_before": before.comments, "mentions_before": before.mentions, "mentions_per_period_before": before.per_period(period),
        "share_before": share_before,
        "comments_after": after.comments, "mentions_after": after.mentions, "mentions_per_period_after": after.per_period(period),
        "share_after": share_after,
        "share_change": share_after - share_before if enough else math.nan, "share_change_low": low, "share_change_high": high,
    }
    notes = []
    for side in ("before", "after"):
        if respondents is None:
            figures.update({f"nps_mentions_{side}": 0, f"nps_cost_{side}": math.nan, f"nps_cost_{side}_low": math.nan,
                            f"nps_cost_{side}_high": math.nan})
            continue
        days = pd.to_datetime(respondents[S.DATE]).dt.normalize()
        chosen = respondents[(days < pd.Timestamp(closed)) if side == "before" else (days > pd.Timestamp(closed))]
        cost, cost_low, cost_high, n, note = nps_cost(chosen, issue_id, min_mentions=min_mentions, n_boot=n_boot, seed=seed)
        figures.update({f"nps_mentions_{side}": n, f"nps_cost_{side}": cost, f"nps_cost_{side}_low": cost_low, f"nps_cost_{side}_high": cost_high})
        if note:
            notes.append(f"{side}: {note}")
    figures["nps_note"] = "no NPS scores" if respondents is None else "; ".join(notes)
    figures["verdict"] = verdict("closed", before.comments, after.comments, low, high, min_comments=min_mentions, has_dates=len(dated) > 0)
    return figures
