"""The self-contained HTML report: summary, NPS and "Why detractors?", touchpoint chart, issues with quotes, praise.

One file with inline CSS and SVG, no scripts and nothing fetched from the
network, so it can be mailed or opened offline. Every piece of user text goes
through Jinja2's autoescaping: a comment containing ``<script>`` shows as text.

Example:
    >>> import analyzer, pandas as pd
    >>> texts = ["<script>alert(1)</script> The courier was late", "The courier was late again", "courier late, <b>again</b>"]
    >>> page = render_report(analyzer.analyze(pd.DataFrame({"text": texts})))
    >>> "<script>" in page, "&lt;script&gt;" in page, "<b>" in page
    (False, True, False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from analyzer import schema as S

if TYPE_CHECKING:
    from analyzer.pipeline import Result

_BAR_WIDTH = 500
_SENTIMENT_CSS = (("negative", "neg"), ("neutral", "neu"), ("positive", "pos"))


def _environment() -> Environment:
    return Environment(loader=PackageLoader("analyzer", "templates"), autoescape=select_autoescape(default=True, default_for_string=True))


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


def render_report(result: Result) -> str:
    """The report of one run as an HTML string."""
    from analyzer.nps import top_drivers_text
    from analyzer.outputs import issues_json

    issues = issues_json(result.issues.reindex(columns=S.ISSUE_OUTPUT)) if len(result.issues) else []
    active = [i for i in issues if i[S.ISSUE_STATUS] == "active"]
    nps = result.summary.get("nps")
    template = _environment().get_template("report.html.j2")
    return template.render(
        summary=result.summary,
        counts=result.summary["counts"],
        nps=nps,
        nps_lines=top_drivers_text(result.nps) if result.nps is not None else [],
        touchpoint_bars=_touchpoint_bars(result),
        issue_stats=result.summary["issues"],
        complaints=[i for i in active if i[S.ISSUE_KIND] == "complaint"],
        praise=[i for i in active if i[S.ISSUE_KIND] == "praise"],
    )
