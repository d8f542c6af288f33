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
from collections.abc import Mapping
from typing import Any, Protocol

import pandas as pd

from analyzer.nps.change import PeriodChange
from analyzer.nps.drivers import (
    FEWER_DETRACTORS_GAIN_UNCLEAR,
    ISSUE,
    MORE_DETRACTORS_COST_UNCLEAR,
    NO_CLEAR_EFFECT,
    NO_OWN_EFFECT,
    NO_OWN_GAIN,
    NOT_ENOUGH,
    NOT_ESTIMABLE,
    TOUCHPOINT,
)


class HasDrivers(Protocol):
    """Anything holding a driver table, such as :class:`analyzer.nps.report.NpsReport`."""

    drivers: pd.DataFrame


def top_drivers_text(report: HasDrivers | pd.DataFrame, n: int = 5) -> list[str]:
    """The "Why detractors?" sentences: the ``n`` costliest drivers with enough data, issues and touchpoints together.

    Drivers are read in the table's ``rank`` (what they cost, see :func:`analyzer.nps.drivers.drivers`); only those
    that lower the NPS are named. A last line names the drivers with too few mentions, each with its count.

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
    frame = frame.sort_values("rank", kind="stable")
    ready = frame[(frame["verdict"] != NOT_ENOUGH) & (frame["impact"] < 0)]
    lines = [driver_sentence(row) for row in ready.head(n).to_dict("records")]
    if not lines:
        tested = int((frame["verdict"] != NOT_ENOUGH).sum())
        lines = ["No driver with enough mentions lowers the NPS." if tested else "No driver has enough mentions to say what it costs."]
    short = frame[frame["verdict"] == NOT_ENOUGH].sort_values(["mentions", "driver"], ascending=[False, True], kind="stable")
    if len(short):
        lines.append(not_enough_text(short, int(_needed(report))))
    return lines


def impact_text(row: Mapping[str, Any]) -> str:
    """An issue row's NPS impact in one cell: "not enough data", "-" without NPS, else the figure with its interval.

    Example:
        >>> impact_text({"nps_verdict": "not enough data", "nps_impact": float("nan")}), impact_text({"nps_impact": None})
        ('not enough data', '-')
        >>> impact_text({"nps_verdict": "driver of detractors", "nps_impact": -6.2, "nps_impact_low": -9.0, "nps_impact_high": -3.1})
        '-6.2 (-9.0 to -3.1)'
    """
    if row.get("nps_verdict") == NOT_ENOUGH:
        return NOT_ENOUGH
    value, low, high = row.get("nps_impact"), row.get("nps_impact_low"), row.get("nps_impact_high")
    if value is None or pd.isna(value):
        return "-"
    return f"{value:+.1f}" + ("" if low is None or pd.isna(low) else f" ({low:+.1f} to {high:+.1f})")


def not_enough_text(short: pd.DataFrame, needed: int, n: int = 3) -> str:
    """One sentence naming the drivers with too few mentions, each with its count of mentioning respondents.

    Example:
        >>> short = pd.DataFrame({"driver_type": ["issue", "touchpoint"], "title": ["late", "price"], "mentions": [14, 9]})
        >>> not_enough_text(short, 30)
        'Not enough data to say what 2 more drivers cost (each needs 30 respondents who mention it and 30 who do not): late (14), price (touchpoint, 9)'
    """
    rows = short.to_dict("records")
    named = ", ".join(f"{_title(r, capital=False, count=int(r['mentions']))}" for r in rows[:n])
    rest = f", and {len(rows) - n} more" if len(rows) > n else ""
    what = "1 more driver costs" if len(rows) == 1 else f"{len(rows)} more drivers cost"
    needed_text = f" (each needs {needed} respondents who mention it and {needed} who do not)" if needed else ""
    return f"Not enough data to say what {what}{needed_text}: {named}{rest}"


def _needed(report: HasDrivers | pd.DataFrame) -> int:
    parameters = getattr(report, "parameters", None) or {}
    return int(parameters.get("min_mentions", 0))


def _title(row: dict[str, Any], capital: bool = True, count: int | None = None) -> str:
    extra = ["touchpoint"] if row["driver_type"] == TOUCHPOINT else []
    extra += [str(count)] if count is not None else []
    title = str(row["title"]) + (f" ({', '.join(extra)})" if extra else "")
    return title[:1].upper() + title[1:] if capital else title


def driver_sentence(row: dict[str, Any]) -> str:
    """One driver in words: what it costs (or adds) in NPS points with its interval, who mentions it, and its verdict's reading."""
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
    reading = _READINGS.get(row["verdict"])
    return f"{sentence}; {reading}" if reading else sentence


_READINGS = {
    NO_OWN_EFFECT: "it shows no effect of its own once overlapping drivers are counted",
    NO_OWN_GAIN: "it shows no effect of its own once overlapping drivers are counted",
    NO_CLEAR_EFFECT: "not a significant driver of detractors, and its interval includes 0",
    MORE_DETRACTORS_COST_UNCLEAR: "more of its mentioners are detractors once other drivers are counted, but its cost in points may be 0",
    FEWER_DETRACTORS_GAIN_UNCLEAR: "fewer of its mentioners are detractors once other drivers are counted, but its effect in points may be 0",
    NOT_ESTIMABLE: "the driver model could not estimate it",
}
"""What each verdict adds to a driver's sentence; the two firm verdicts add nothing (the figures say it)."""


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
    lines = [change_head(moved)]
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


def change_head(moved: PeriodChange) -> str:
    """The change between two periods in one line: both scores, partial periods marked, the change against its margin of error.

    Example:
        >>> from analyzer.nps.arithmetic import NpsValue
        >>> c = PeriodChange("2026-09", "2026-10", "month", NpsValue(51, 11, 9, 31), NpsValue(49, 4, 8, 37), pd.DataFrame(), partial_b="data to 2026-10-17")
        >>> change_head(c)
        'NPS -39.2 in 2026-09 -> -67.3 in 2026-10 (partial: data to 2026-10-17): -28.1 points, within the margin of error (±28.4), so not a clear change'
    """
    name_a = f"{moved.a} (partial: {moved.partial_a})" if moved.partial_a else moved.a
    name_b = f"{moved.b} (partial: {moved.partial_b})" if moved.partial_b else moved.b
    total, margin = moved.total, moved.margin_95
    if total is None or margin is None:
        return f"NPS change {name_a} -> {name_b}: not enough answers"
    head = f"NPS {moved.nps_a.nps:.1f} in {name_a} -> {moved.nps_b.nps:.1f} in {name_b}: {total:+.1f} points"
    if moved.clear:
        return f"{head}, beyond the margin of error (±{margin:.1f})"
    return f"{head}, within the margin of error (±{margin:.1f}), so not a clear change"


def _change_part(cost: float, word: str, rest: str, same: str, template: str = "{word} {rest}") -> str:
    if abs(cost) < 0.05:
        return same
    return f"{abs(cost):.1f} {'lost' if cost > 0 else 'won back'} because " + template.format(word=word, rest=rest)
