"""The data behind every chart of the report, from a run's saved outputs; each table is also shown under its chart.

Every function returns a small frame whose rows are what the chart draws, so a
reader can trace any bar or point to its counts (the page prints the same
frame in an expandable table) and the tests check the figures, not pixels.

Example:
    >>> issues = pd.DataFrame({"issue_id": ["A", "B", "C"], "kind": ["complaint"] * 3, "status": ["active"] * 3,
    ...                        "title": ["late", "rude", "lost"], "n_comments": [6, 3, 1], "share_negative": [1.0, 0.5, 0.0]})
    >>> pareto(issues)[["issue_id", "comments", "cumulative_share"]].values.tolist()
    [['A', 6, 0.6], ['B', 3, 0.9], ['C', 1, 1.0]]
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from analyzer import schema as S
from analyzer.nps.arithmetic import margins_95
from analyzer.nps.breakdowns import period_label
from analyzer.periods import PANDAS_FREQ, period_length

SENTIMENT_ORDER = ("negative", "mixed", "neutral", "positive")
PARETO_MAX = 20


def active_complaints(issues: pd.DataFrame) -> pd.DataFrame:
    """Active complaint issues, largest first (ties by id)."""
    if issues.empty:
        return issues
    keep = (issues[S.ISSUE_KIND] == "complaint") & (issues[S.ISSUE_STATUS] == "active")
    return issues[keep].sort_values([S.N_COMMENTS, S.ISSUE_ID], ascending=[False, True], kind="stable")


def pareto(issues: pd.DataFrame, top: int = PARETO_MAX) -> pd.DataFrame:
    """Issues by size with their negative share and the cumulative share of all issue comments (the ``top`` largest)."""
    active = active_complaints(issues)
    total = int(active[S.N_COMMENTS].sum()) if len(active) else 0
    frame = pd.DataFrame({"issue_id": active[S.ISSUE_ID].astype(str).tolist(), "title": active[S.ISSUE_TITLE].astype(str).tolist(),
                          "comments": [int(n) for n in active[S.N_COMMENTS]],
                          "share_negative": [float(v) for v in active[S.SHARE_NEGATIVE]]})
    frame["cumulative_share"] = (frame["comments"].cumsum() / total).round(4) if total else []
    return frame.head(top).reset_index(drop=True)


def touchpoint_sentiment(segments: pd.DataFrame) -> pd.DataFrame:
    """Segments per touchpoint (rows, largest first) and sentiment (columns in :data:`SENTIMENT_ORDER`)."""
    named = segments[segments[S.TOUCHPOINT].fillna("") != ""]
    if named.empty:
        return pd.DataFrame()
    counts = pd.crosstab(named[S.TOUCHPOINT].astype(str), named[S.SENTIMENT].fillna("unknown").astype(str))
    columns = [c for c in SENTIMENT_ORDER if c in counts.columns] + sorted(c for c in counts.columns if c not in SENTIMENT_ORDER)
    counts = counts[columns]
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    counts.index.name, counts.columns.name = "touchpoint", None
    return counts


def driver_impacts(drivers: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drivers with enough data by what they cost (issues and touchpoints together), and those without (by mentions)."""
    if drivers is None or drivers.empty:
        empty = pd.DataFrame(columns=["driver", "label", "driver_type", "mentions", "impact", "ci_low", "ci_high", "verdict"])
        return empty, empty
    frame = drivers.copy()
    frame["label"] = [f"{t} (touchpoint)" if k == "touchpoint" else str(t) for t, k in zip(frame["title"], frame["driver_type"], strict=True)]
    frame["mentions"] = frame["mentions"].astype("int64")
    columns = ["driver", "label", "driver_type", "mentions", "impact", "ci_low", "ci_high", "verdict"]
    enough = frame[frame["verdict"] != "not enough data"].sort_values(["impact", "driver"], kind="stable")[columns]
    short = frame[frame["verdict"] == "not enough data"].sort_values(["mentions", "driver"], ascending=[False, True], kind="stable")[columns]
    return enough.reset_index(drop=True), short.reset_index(drop=True)


def nps_periods(nps: dict[str, Any] | None) -> pd.DataFrame:
    """NPS per period, every period from the first to the last (empty ones without NPS): ``period, n, nps, margin_95, partial``."""
    rows = (nps or {}).get("periods", {}).get("rows", [])
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["period", "n", "nps", "margin_95", "partial"])
    frame = frame.copy()
    frame["nps"] = pd.to_numeric(frame["nps"], errors="coerce").where(frame["n"] > 0)
    frame["margin_95"] = margins_95(frame["n"], frame["promoters"], frame["detractors"])
    frame["partial"] = frame["partial"] if "partial" in frame.columns else False
    return frame[["period", "n", "nps", "margin_95", "partial"]].reset_index(drop=True)


def nps_trends(nps: dict[str, Any] | None, kind: str, titles: dict[str, str] | None = None) -> pd.DataFrame:
    """NPS per period among mentioners of each touchpoint (``kind="touchpoint"``) or top issue; points below the minimum blanked."""
    frame = pd.DataFrame((nps or {}).get("trends", []))
    if frame.empty:
        return pd.DataFrame(columns=["period", "driver", "label", "n", "nps", "enough"])
    frame = frame[frame["driver_type"] == kind].copy()
    frame["label"] = frame["driver"].map(lambda d: (titles or {}).get(d, d))
    frame["nps"] = frame["nps"].where(frame["enough"].astype(bool))
    return frame[["period", "driver", "label", "n", "nps", "enough"]].reset_index(drop=True)


def mentions_over_time(comments: pd.DataFrame, column: str, names: list[str] | None = None, top: int = 8, freq: str | None = None) -> pd.DataFrame:
    """Comments per period mentioning each touchpoint (``column="touchpoints"``) or issue (``"issue_ids"``), periods as rows.

    ``freq`` is the NPS periods' length when there are NPS answers (so both charts share their periods), else the dates' own.

    Example:
        >>> c = pd.DataFrame({"date": pd.to_datetime(["2026-01-02", "2026-01-09", "2026-02-03"]), "touchpoints": ["price;support", "price", ""]})
        >>> mentions_over_time(c, "touchpoints", freq="month").to_dict("index")
        {'2026-01': {'price': 2, 'support': 1}, '2026-02': {'price': 0, 'support': 0}}
    """
    dated = comments.dropna(subset=[S.DATE])
    if dated.empty or column not in dated.columns:
        return pd.DataFrame()
    length = freq or period_length(dated[S.DATE])
    periods = dated[S.DATE].dt.to_period(PANDAS_FREQ[length])
    span = pd.period_range(periods.min(), periods.max(), freq=PANDAS_FREQ[length])
    mentioned = dated[column].fillna("").astype(str).str.split(";").explode()
    mentioned = mentioned[mentioned != ""]
    table = pd.crosstab(periods.loc[mentioned.index].to_numpy(), mentioned.to_numpy()).reindex(span, fill_value=0)
    order = names if names is not None else table.sum().sort_values(ascending=False, kind="stable").index.tolist()[:top]
    table = table.reindex(columns=[n for n in order if n in table.columns])
    table.index = pd.Index([period_label(p, length) for p in table.index], name="period")
    table.columns.name = None
    return table


def period_of(day: str, freq: str) -> str:
    """The label of the period holding ``day``, written as the charts write it.

    Example:
        >>> period_of("2026-10-17", "month"), period_of("2026-10-17", "week")
        ('2026-10', '2026-W42')
    """
    return period_label(pd.Timestamp(day).to_period(PANDAS_FREQ[freq]), freq)


def nps_segments(nps: dict[str, Any] | None, skip: tuple[str, ...] = ("touchpoint", "issue")) -> dict[str, pd.DataFrame]:
    """NPS per segment of every breakdown in ``nps.json`` (channel, language, ...) with its margin of error."""
    out = {}
    for by, rows in (nps or {}).get("breakdowns", {}).items():
        frame = pd.DataFrame(rows)
        if by in skip or frame.empty:
            continue
        frame["margin_95"] = margins_95(frame["n"], frame["promoters"], frame["detractors"])
        out[by] = frame[["segment", "n", "nps", "margin_95", "note"]].reset_index(drop=True)
    return out


def languages(summary: dict[str, Any]) -> pd.DataFrame:
    """Comments per language, largest first, with their share."""
    counts = summary.get("languages", {})
    total = sum(counts.values())
    return pd.DataFrame([{"language": k, "comments": int(v), "share": v / total if total else math.nan} for k, v in counts.items()])


def data_quality(summary: dict[str, Any], nps: dict[str, Any] | None) -> pd.DataFrame:
    """What the figures rest on: rows read, analysed and rejected by reason, redactions, NPS join coverage."""
    counts = summary.get("counts", {})
    rows = [("rows read", counts.get("rows_read", 0)), ("rows analysed", counts.get("rows_analyzed", 0)),
            ("rows rejected", counts.get("rows_rejected", 0))]
    rows += [(f"  rejected: {problem}", n) for problem, n in summary.get("rejects_by_problem", {}).items()]
    rows += [("personal data redacted (comments)", counts.get("redactions", 0)),
             ("personal data redacted (rejected rows)", counts.get("redactions_in_rejects", 0)),
             ("comments with an NPS score", counts.get("with_nps", 0))]
    coverage = (nps or {}).get("coverage") or {}
    rows += [(f"NPS join: {key.replace('_', ' ')}", value) for key, value in coverage.items() if isinstance(value, int | float)]
    return pd.DataFrame(rows, columns=["what", "count"])
