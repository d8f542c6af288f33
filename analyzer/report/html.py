"""The self-contained HTML report: summary, NPS, touchpoint chart, issues over time with quotes, praise.

It shows the NPS per period and "Why detractors?", and each issue's comments per
period (the periods its trend compares).

One file with inline CSS and SVG, no scripts and nothing fetched from the
network, so it can be mailed or opened offline. Every piece of user text goes
through Jinja2's autoescaping: a comment containing ``<script>`` shows as text.

Example:
    >>> import analyzer, pandas as pd
    >>> texts = ["<script>alert(1)</script> The courier was late and rude", "The courier was late again", "courier late, <b>again</b>"]
    >>> page = render_report(analyzer.analyze(pd.DataFrame({"text": texts})))
    >>> "<script>" in page, "&lt;script&gt;" in page, "<b>" in page
    (False, True, False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from analyzer import schema as S
from analyzer.nps.report import top_drivers_text
from analyzer.periods import PANDAS_FREQ, period_length
from analyzer.report.tables import issues_json

if TYPE_CHECKING:
    from analyzer.result import Result

_BAR_WIDTH = 500
_SENTIMENT_CSS = (("negative", "neg"), ("neutral", "neu"), ("positive", "pos"))
_SPARK_WIDTH, _SPARK_HEIGHT = 120, 24
_NPS_WIDTH, _NPS_HEIGHT, _NPS_LEFT = 560, 150, 40


def _environment() -> Environment:
    return Environment(loader=PackageLoader("analyzer.report", "templates"), autoescape=select_autoescape(default=True, default_for_string=True))


def _touchpoint_bars(result: Result) -> list[dict[str, Any]]:
    segments = result.segments[result.segments[S.TOUCHPOINT].fillna("") != ""]
    counts = segments.groupby([S.TOUCHPOINT, S.SENTIMENT]).size().unstack(fill_value=0)
    totals = counts.sum(axis=1).sort_values(ascending=False)
    scale = _BAR_WIDTH / max(1, int(totals.max())) if len(totals) else 1.0
    bars = []
    for row, (name, total) in enumerate(totals.items()):
        x, parts = 0.0, []
        for sentiment, css in _SENTIMENT_CSS:
            n = int(counts.loc[name].get(sentiment, 0))
            parts.append({"css": css, "x": round(x, 1), "width": round(n * scale, 1), "label": f"{sentiment}: {n}"})
            x += n * scale
        bars.append({"name": name, "row": row, "parts": parts, "total": int(total), "width": round(x, 1)})
    return bars


def _period_name(period: pd.Period) -> str:
    return f"week of {period.start_time.date()}" if period.freqstr.startswith("W") else str(period)


def _issue_timelines(result: Result) -> dict[str, dict[str, Any]]:
    """Comments per period of each issue (the periods its trend compares), as the bars of a small SVG; empty without dates.

    Each issue's bars are scaled to its own busiest period, which the tooltip names with every count.
    """
    comments = result.comments[[S.DATE, S.ISSUE_IDS]].dropna(subset=[S.DATE])
    if comments.empty:
        return {}
    length = period_length(comments[S.DATE])
    freq = PANDAS_FREQ[length]
    periods = comments[S.DATE].dt.to_period(freq)
    span = pd.period_range(periods.min(), periods.max(), freq=freq)
    ids = comments[S.ISSUE_IDS].fillna("").str.split(";").explode()
    ids = ids[ids != ""]
    counts = pd.crosstab(ids.to_numpy(), periods.loc[ids.index].to_numpy()).reindex(columns=span, fill_value=0)
    step = _SPARK_WIDTH / len(span)
    timelines = {}
    for issue_id, row in counts.iterrows():
        top = max(1, int(row.max()))
        bars = [{"x": round(i * step, 1), "width": round(max(step - 1, 1), 1), "height": round(_SPARK_HEIGHT * int(n) / top, 1),
                 "label": f"{_period_name(period)}: {int(n)} comment(s)"} for i, (period, n) in enumerate(row.items())]
        timelines[str(issue_id)] = {"bars": bars, "label": f"comments per {length}, "
                                                          f"{_period_name(span[0])} to {_period_name(span[-1])}"}
    return timelines


def _nps_points(result: Result) -> list[dict[str, Any]]:
    """NPS per period as the points of a line chart from -100 to 100; empty with fewer than two periods."""
    if result.nps is None:
        return []
    table = result.nps.periods
    table = table[table["n"] > 0] if len(table) else table
    if len(table) < 2:
        return []
    step = (_NPS_WIDTH - _NPS_LEFT - 20) / (len(table) - 1)
    middle = _NPS_HEIGHT / 2 - 10
    return [{"x": round(_NPS_LEFT + i * step, 1), "y": round(middle - row["nps"] * (middle - 10) / 100, 1), "period": str(row["period"]),
             "label": f"{row['period']}: NPS {row['nps']:.1f} ({int(row['n'])} answers)"}
            for i, row in enumerate(table.to_dict("records"))]


def render_report(result: Result) -> str:
    """The report of one run as an HTML string."""
    issues = issues_json(result.issues.reindex(columns=S.ISSUE_OUTPUT)) if len(result.issues) else []
    active = [i for i in issues if i[S.ISSUE_STATUS] == "active"]
    parts: dict[str, list[dict]] = {}
    for i in issues:
        if i[S.ISSUE_STATUS] == "sub":
            parts.setdefault(i[S.PARENT_ID], []).append(i)
    nps = result.summary.nps
    template = _environment().get_template("report.html.j2")
    return template.render(
        summary=result.summary,
        counts=result.summary.counts,
        nps=nps,
        nps_lines=top_drivers_text(result.nps) if result.nps is not None else [],
        touchpoint_bars=_touchpoint_bars(result),
        nps_points=_nps_points(result),
        nps_chart={"width": _NPS_WIDTH, "height": _NPS_HEIGHT, "left": _NPS_LEFT, "middle": _NPS_HEIGHT / 2 - 10},
        timelines=_issue_timelines(result),
        spark={"width": _SPARK_WIDTH, "height": _SPARK_HEIGHT},
        issue_stats=result.summary.issues,
        complaints=[i for i in active if i[S.ISSUE_KIND] == "complaint"],
        praise=[i for i in active if i[S.ISSUE_KIND] == "praise"],
        parts=parts,
    )
