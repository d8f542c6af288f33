"""Plain language: the "Why detractors?" sentences from a driver table and the lines describing a change between periods.

Each sentence says what a driver costs in NPS points with its 95% interval, who
mentions it, and how sure the reading is (its verdict, see :data:`analyzer.nps.drivers.VERDICTS`).

Example:
    >>> from analyzer.nps.drivers import DRIVER_COLUMNS
    >>> top_drivers_text(pd.DataFrame(columns=DRIVER_COLUMNS))
    ['No issue or touchpoint was mentioned by respondents with a score, so no driver can be named.']
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import pandas as pd

from analyzer.nps.change import PeriodChange
from analyzer.nps.drivers import ISSUE, NO_CLEAR_EFFECT, NO_OWN_EFFECT, NOT_ENOUGH, NOT_ESTIMABLE, TOUCHPOINT


class HasDrivers(Protocol):
    """Anything holding a driver table, such as :class:`analyzer.nps.report.NpsReport`."""

    drivers: pd.DataFrame


def top_drivers_text(report: HasDrivers | pd.DataFrame, n: int = 5) -> list[str]:
    """The "Why detractors?" sentences: the top ``n`` issue drivers with enough data, then touchpoints to fill up to ``n``.

    Example:
        >>> d = pd.DataFrame([{"rank": 1, "driver": "I1", "driver_type": "issue", "title": "late delivery", "mentions": 120,
        ...     "impact": -6.2, "ci_low": -9.0, "ci_high": -3.1, "detractors_mentioning": 0.41, "promoters_mentioning": 0.09,
        ...     "significant": True, "verdict": "driver of detractors", "note": ""}])
        >>> top_drivers_text(d)
        ['Late delivery costs about 6.2 NPS points (95% CI 3.1-9.0); 41% of detractors mention it versus 9% of promoters']
    """
    frame = report if isinstance(report, pd.DataFrame) else report.drivers
    if frame.empty:
        return ["No issue or touchpoint was mentioned by respondents with a score, so no driver can be named."]
    kind = ISSUE if (frame["driver_type"] == ISSUE).any() else TOUCHPOINT
    rows = frame[frame["driver_type"] == kind].sort_values("rank", kind="stable")
    ready = pd.concat([part[part["verdict"] != NOT_ENOUGH].sort_values("rank", kind="stable")
                       for part in (rows, frame[(frame["driver_type"] == TOUCHPOINT) & (kind == ISSUE)])])
    lines = [_driver_sentence(row) for row in ready.head(n).to_dict("records")]
    short = rows[rows["verdict"] == NOT_ENOUGH]
    if len(short):
        names = ", ".join(_title(r, capital=False) for r in short.head(3).to_dict("records")) + (", ..." if len(short) > 3 else "")
        what = "issue(s)" if kind == ISSUE else "touchpoint(s)"
        lines.append(f"{len(short)} more {what} ({names}): not enough data to say what they cost ({short.iloc[0]['note']})")
    if not lines:
        lines = ["No driver has enough mentions to say what it costs."]
    return lines


def _title(row: dict[str, Any], capital: bool = True) -> str:
    title = str(row["title"]) + (" (touchpoint)" if row["driver_type"] == TOUCHPOINT else "")
    return title[:1].upper() + title[1:] if capital else title


def _driver_sentence(row: dict[str, Any]) -> str:
    cost, low, high = -row["impact"], -row["ci_high"], -row["ci_low"]
    if math.isnan(low) or math.isnan(high):
        interval = "no interval computed"
    elif low < 0 or high < 0:
        interval = f"95% CI {low:.1f} to {high:.1f}"
    else:
        interval = f"95% CI {low:.1f}-{high:.1f}"
    if cost >= 0:
        head = f"{_title(row)} costs about {cost:.1f} NPS points ({interval})"
    else:
        head = f"{_title(row)} goes with a higher NPS, about {-cost:.1f} points more ({interval})"
    dm, pm = row["detractors_mentioning"], row["promoters_mentioning"]
    if isinstance(dm, float) and math.isnan(dm):
        tail = "there are no detractors to compare"
    elif isinstance(pm, float) and math.isnan(pm):
        tail = f"{dm:.0%} of detractors mention it (there are no promoters to compare)"
    else:
        tail = f"{dm:.0%} of detractors mention it versus {pm:.0%} of promoters"
    sentence = f"{head}; {tail}"
    if row["verdict"] == NO_OWN_EFFECT:
        sentence += "; it shows no effect of its own once overlapping issues are counted"
    elif row["verdict"] == NO_CLEAR_EFFECT:
        sentence += "; not a significant driver of detractors"
    elif row["verdict"] == NOT_ESTIMABLE:
        sentence += "; the driver model could not estimate it"
    return sentence


def change_text(moved: PeriodChange, n: int = 3) -> list[str]:
    """Plain-language lines for the largest per-driver changes between two periods.

    Example:
        >>> from analyzer.nps.change import change
        >>> t = pd.DataFrame({"nps_score": pd.array([10, 10, 0, 0, 0, 10], dtype="Int64"),
        ...                   "date": pd.to_datetime(["2026-01-05"] * 3 + ["2026-06-05"] * 3),
        ...                   "issue_ids": [frozenset(), frozenset(), frozenset({"late"}), frozenset({"late"}), frozenset({"late"}), frozenset()]})
        >>> change_text(change(t, min_mentions=1))[2]
        'late: costs 66.7 more NPS points than in 2026-01 (66.7 lost because more people mention it; those who mention it score as before)'
    """
    total = moved.total
    head = f"NPS {moved.nps_a.nps:.1f} in {moved.a} -> {moved.nps_b.nps:.1f} in {moved.b} ({total:+.1f})" if total is not None \
        else f"NPS change {moved.a} -> {moved.b}: not enough answers"
    lines = [head]
    drivers = moved.by_driver
    comparable = drivers["enough_data"] & drivers["impact_change"].abs().ge(0.05)
    # Issues when any can be compared, else touchpoints: the coarser reading beats none.
    use = drivers["driver_type"] == ISSUE if (comparable & (drivers["driver_type"] == ISSUE)).any() else drivers["driver_type"].notna()
    rows, ready = drivers[use], drivers[use & comparable]
    if len(ready):
        kind = "issue" if (ready["driver_type"] == ISSUE).all() else "driver"
        lines.append(f"per {kind}, largest change first (point estimates without intervals: small changes may be noise):")
    for row in ready.head(n).to_dict("records"):
        delta = row["impact_change"]
        more_mention = row["share_b"] > row["share_a"]
        lower_score = row["score_part"] < 0  # it has the sign of the change of the gap between mentioners and the others
        mention = _change_part(-row["mention_part"], "more" if more_mention else "fewer", "people mention it", "as many people mention it")
        score = _change_part(-row["score_part"], "lower" if lower_score else "higher", "", "those who mention it score as before",
                             template="those who mention it score {word} relative to the others")
        more = "more" if delta < 0 else "fewer"
        lines.append(f"{_title(row, capital=False)}: costs {abs(delta):.1f} {more} NPS points than in {moved.a} ({mention}; {score})")
    short = int((~rows["enough_data"]).sum())
    if short:
        lines.append(f"{short} more driver(s) have too few mentions in one of the two periods to compare")
    return lines


def _change_part(cost: float, word: str, rest: str, same: str, template: str = "{word} {rest}") -> str:
    if abs(cost) < 0.05:
        return same
    return f"{abs(cost):.1f} {'lost' if cost > 0 else 'won back'} because " + template.format(word=word, rest=rest)
