"""The self-contained HTML report, built from a run's saved outputs (:mod:`analyzer.report.saved`).

One file with inline CSS and SVG charts (:mod:`analyzer.report.svg`), no
scripts and nothing fetched, so it can be mailed, opened offline and printed.
Every chart has its numbers in an expandable table beneath it
(:mod:`analyzer.report.charts`), every issue expands to all its comments, and
a driver below ``--min-mentions`` reads "not enough data", never a bare number.
At phone width the tables become stacked cards and the charts scale. Every
piece of user text goes through Jinja2's autoescaping: a comment containing
``<script>`` shows as text.

Example:
    >>> import tempfile, analyzer, pandas as pd
    >>> from analyzer.report.folder import write_outputs
    >>> texts = ["<script>alert(1)</script> The courier was late and rude", "The courier was late again", "courier late, <b>again</b>"]
    >>> folder = Path(tempfile.mkdtemp()) / "out"
    >>> _ = write_outputs(analyzer.analyze(pd.DataFrame({"text": texts})), folder)
    >>> page = (folder / "report.html").read_text(encoding="utf-8")
    >>> "<script>" in page, "&lt;script&gt;" in page, "<b>again</b>" in page, "&lt;b&gt;again&lt;/b&gt;" in page
    (False, True, False, True)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from analyzer import schema as S
from analyzer.nps.words import impact_text
from analyzer.periods import period_length
from analyzer.report import charts as C
from analyzer.report import svg
from analyzer.report.saved import SavedRun

DRILL_MAX = 300
"""Comments listed under one issue; beyond this the page says how many more segments.csv holds."""


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("analyzer.report", "templates"), autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["num"] = _num
    env.filters["pct"] = lambda v: "-" if _missing(v) else f"{100 * float(v):.0f}%"
    env.filters["table"] = _table
    return env


def _table(frame: pd.DataFrame, index: bool = True) -> dict[str, Any]:
    """A frame as header and rows of text for the template: numbers rounded, shares as percentages, missing as "-"."""
    if index and not isinstance(frame.index, pd.RangeIndex):  # a named index (period, touchpoint) is the first column
        frame = frame.reset_index()
    columns = [" ".join(str(part) for part in c if str(part)) if isinstance(c, tuple) else str(c) for c in frame.columns]
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for name, value in zip(columns, values, strict=True):
            if _missing(value):
                cells.append("-")
            elif isinstance(value, float):
                cells.append(f"{100 * value:.1f}%" if "share" in name else f"{value:,.1f}")
            else:
                cells.append(f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value))
        rows.append(cells)
    return {"columns": columns, "rows": rows}


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _num(value: Any, digits: int = 1, sign: bool = False) -> str:
    if _missing(value):
        return "-"
    return f"{float(value):+.{digits}f}" if sign else f"{float(value):,.{digits}f}"


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    return [] if frame is None or frame.empty else frame.to_dict("records")


def _drill_down(run: SavedRun) -> dict[str, dict[str, Any]]:
    """Per issue (and praise group): every member comment with its id, sentiment in the issue, score, part and text."""
    seg = run.segments.dropna(subset=[S.ISSUE_ID])
    if seg.empty:
        return {}
    comments = run.comments.set_index(S.COMMENT_ID)
    parts = dict(zip(run.issues[S.ISSUE_ID], run.issues[S.ISSUE_TITLE], strict=True)) if len(run.issues) else {}
    firsts = seg.drop_duplicates([S.ISSUE_ID, S.COMMENT_ID])
    out = {}
    for issue_id, group in firsts.groupby(S.ISSUE_ID, sort=False):
        rows = []
        for seg_row in group.head(DRILL_MAX).to_dict("records"):
            cid = seg_row[S.COMMENT_ID]
            comment = comments.loc[cid] if cid in comments.index else None
            score = comment[S.NPS_SCORE] if comment is not None and S.NPS_SCORE in comments.columns else None
            part = seg_row.get(S.SUB_ISSUE_ID)
            rows.append({"id": cid, "sentiment": seg_row.get(S.SENTIMENT) or "-", "score": "-" if _missing(score) else int(score),
                         "part": parts.get(part, "") if isinstance(part, str) else "",
                         "text": str(comment[S.TEXT]) if comment is not None else str(seg_row.get(S.TEXT, ""))})
        out[str(issue_id)] = {"rows": rows, "more": max(0, len(group) - DRILL_MAX)}
    return out


def _issue_rows(run: SavedRun) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    issues = _records(run.issues)
    for row in issues:
        row["impact_text"] = impact_text(row)
        row["touchpoint_list"] = ", ".join((str(row.get(S.TOUCHPOINTS) or row.get(S.TOUCHPOINT) or "")).split(";")[:3])
        row["language_list"] = ", ".join(str(row.get(S.LANGUAGES) or "").split(";"))
        row["quotes"] = [q for q in str(row.get(S.EXAMPLES) or "").split("\n") if q]
    parts: dict[str, list[dict[str, Any]]] = {}
    for row in issues:
        if row[S.ISSUE_STATUS] == "sub":
            parts.setdefault(str(row[S.PARENT_ID]), []).append(row)
    active = [r for r in issues if r[S.ISSUE_STATUS] == "active"]
    by_size = sorted(active, key=lambda r: (-int(r[S.N_COMMENTS]), str(r[S.ISSUE_ID])))
    others = [r for r in issues if r[S.ISSUE_STATUS] == "other"]
    complaints = [r for r in by_size if r[S.ISSUE_KIND] == "complaint"] + [r for r in others if r[S.ISSUE_KIND] == "complaint"]
    praise = [r for r in by_size if r[S.ISSUE_KIND] == "praise"] + [r for r in others if r[S.ISSUE_KIND] == "praise"]
    return complaints, praise, parts


def _over_time(run: SavedRun, titles: dict[str, str]) -> list[dict[str, Any]]:
    """The over-time charts: mentions per touchpoint and per top issue, and NPS among their mentioners when there are answers."""
    freq = (run.nps or {}).get("periods", {}).get("freq")
    partial = [r["period"] for r in (run.nps or {}).get("periods", {}).get("rows", []) if r.get("partial")]
    top_ids = [str(i) for i in C.active_complaints(run.issues)[S.ISSUE_ID].head(6)] if len(run.issues) else []
    out = []
    for column, names, what in ((S.TOUCHPOINTS, None, "touchpoint"), (S.ISSUE_IDS, top_ids, "issue")):
        table = C.mentions_over_time(run.comments, column, names, freq=freq)
        if table.empty or len(table) < 2 or table.columns.empty:
            continue
        title = f"Comments per {freq or 'period'} mentioning each {what}" + (" (the six largest issues)" if what == "issue" else "")
        out.append({"title": title, "svg": svg.line_chart(table, f"mentions-{what}", title, "comments", labels=titles, partial=partial),
                    "table": table.rename(columns=lambda c: titles.get(c, c))})
        trend = C.nps_trends(run.nps, what, titles)
        if trend.empty or not trend["enough"].any():
            continue
        wide = trend.pivot_table(index="period", columns="driver", values="nps", aggfunc="first", dropna=False).reindex(columns=trend["driver"].unique())
        counts = trend.pivot_table(index="period", columns="driver", values="n", aggfunc="first").reindex(index=wide.index, columns=wide.columns)
        title = f"NPS per {freq} among respondents mentioning each {what}"
        out.append({"title": title, "note": "Points with fewer respondents than --min-mentions are left out (the table shows them).",
                    "svg": svg.line_chart(wide, f"nps-{what}", title, "NPS", labels=titles, counts=counts, ylim=(-100, 100), partial=partial),
                    "table": pd.concat({"NPS": wide.round(1), "respondents": counts}, axis=1).rename(columns=lambda c: titles.get(c, c), level=1)})
    return out


def _ticket_charts(run: SavedRun) -> list[dict[str, Any]]:
    """For each closed ticket with dated comments: the issue's comments per period, the closing period marked."""
    if run.tickets is None or run.tickets.empty:
        return []
    freq = (run.nps or {}).get("periods", {}).get("freq")
    out = []
    for t in run.tickets.to_dict("records"):
        closed = t.get("closed_at")
        if t.get("status") != "closed" or _missing(closed) or not closed:
            continue
        table = C.mentions_over_time(run.comments, S.ISSUE_IDS, [str(t["issue_id"])], freq=freq)
        if table.empty or len(table) < 2 or table.columns.empty:
            continue
        mark = C.period_of(str(closed), freq or period_length(run.comments[S.DATE]))
        title = f"{svg.short(str(t['title']), 40)}: comments per {freq or 'period'}, ticket {t['ticket_key']} closed {closed}"
        out.append({"title": title, "table": table.rename(columns={str(t["issue_id"]): "comments"}),
                    "svg": svg.line_chart(table.rename(columns={str(t["issue_id"]): "comments"}), f"ticket-{t['issue_id']}", title, "comments",
                                          mark=(mark, "closed"))})
    return out


def report_context(run: SavedRun) -> dict[str, Any]:
    """Everything the template shows, computed from the saved outputs."""
    summary, nps = run.summary, run.nps
    complaints, praise, parts = _issue_rows(run)
    titles = {str(r[S.ISSUE_ID]): str(r[S.ISSUE_TITLE]) for r in _records(run.issues)}
    pareto = C.pareto(run.issues)
    heat = C.touchpoint_sentiment(run.segments)
    enough, short = C.driver_impacts(run.drivers)
    periods = C.nps_periods(nps)
    segments = C.nps_segments(nps)
    languages = C.languages(summary)
    ctx: dict[str, Any] = {
        "summary": summary, "counts": summary.get("counts", {}), "issue_stats": summary.get("issues", {}), "nps": nps,
        "overall": (nps or {}).get("overall"), "change": (nps or {}).get("change"), "top_drivers": (nps or {}).get("top_drivers", []),
        "change_line": ((nps or {}).get("change_text") or [""])[0],
        "complaints": complaints, "praise": praise, "parts": parts, "drill": _drill_down(run), "drill_max": DRILL_MAX,
        "pareto": {"svg": svg.pareto_chart(pareto), "table": pareto} if len(pareto) else None,
        "heatmap": {"svg": svg.heatmap_chart(heat), "table": heat} if len(heat) else None,
        "drivers": {"svg": svg.forest_chart(enough) if len(enough) else None, "rows": _records(enough), "short": _records(short)},
        "over_time": _over_time(run, titles),
        "languages": {"svg": svg.bar_chart(languages["language"].tolist(), languages["share"].tolist(), "languages", "Comments per language",
                                           "share of comments", percent=True), "table": languages} if len(languages) else None,
        "quality": C.data_quality(summary, nps),
        "tickets": _records(run.tickets),
        "ticket_charts": _ticket_charts(run),
        "min_mentions": (nps or {}).get("parameters", {}).get("min_mentions"),
    }
    if int((periods["n"] > 0).sum()) >= 2:
        table = periods.set_index("period")[["nps"]].rename(columns={"nps": "NPS"})
        ctx["nps_chart"] = {"svg": svg.line_chart(table, "nps-periods", "NPS per period", "NPS", counts=periods.set_index("period")[["n"]],
                                                  ylim=(-100, 100), partial=periods.loc[periods["partial"].astype(bool), "period"].tolist()),
                            "rows": _records(periods)}
    ctx["segments"] = [{"by": by, "rows": _records(frame),
                        "svg": svg.bar_chart(frame["segment"].astype(str).tolist(), frame["nps"].tolist(), f"segment-{by}", f"NPS by {by}", "NPS",
                                             errors=frame["margin_95"].tolist(), counts=frame["n"].astype(int).tolist())}
                       for by, frame in segments.items() if len(frame)]
    return ctx


def render_report(run: SavedRun) -> str:
    """The report page of a saved run as an HTML string."""
    return _environment().get_template("report.html.j2").render(**report_context(run))


def write_report(run: SavedRun, path: Path) -> Path:
    """Write the page of ``run`` to ``path`` (UTF-8); returns the path."""
    path.write_text(render_report(run), encoding="utf-8")
    return path
