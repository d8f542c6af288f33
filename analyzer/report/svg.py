"""Charts drawn by matplotlib into static SVG for the report: no script, nothing fetched, text kept as text.

Why matplotlib and not a JavaScript chart library (Vega-Lite through altair):
the page must open from an e-mail attachment with scripts blocked and print
cleanly; a Vega page needs its runtime inline (about 800 KB) or from a CDN,
and draws nothing without scripts. matplotlib draws the same bar, heat-map,
interval and line charts once, at report time, into SVG of a few KB each.
Text stays ``<text>`` (``svg.fonttype = none``), so the browser shapes
Persian, Greek and Cyrillic itself and the words can be selected and read by
screen readers; every mark that stands for a number carries a ``<title>``
(its hover text) and each chart has a title, axis labels and a text
alternative. The colours are the Okabe-Ito palette, cividis and single-hue blues, chosen
to stay distinguishable for colour-blind readers.

Example:
    >>> import pandas as pd
    >>> svg = pareto_chart(pd.DataFrame({"issue_id": ["A"], "title": ["late"], "comments": [4], "share_negative": [1.0], "cumulative_share": [1.0]}))
    >>> svg.startswith("<svg") and "<title>late: 4 comments, 100% negative" in svg and "<script" not in svg
    True
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np
import pandas as pd

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
SENTIMENT_COLOURS = {"negative": "#D55E00", "mixed": "#E69F00", "neutral": "#BBBBBB", "positive": "#0072B2"}
WIDTH = 7.2  # inches at 72 dpi: a 518 px wide drawing that CSS scales to the column


def _figure(height: float) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH, height), dpi=72)
    return fig


def short(text: str, limit: int = 38) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis (axis labels; the hover text keeps it whole)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def to_svg(fig: Any, name: str, description: str, tips: dict[str, str]) -> str:
    """The figure as an inline ``<svg>`` that scales to its column, with a text alternative and a ``<title>`` per tipped mark."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name, "svg.id": name}), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs missing from the layout font: the browser draws the text itself
        fig.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.05, metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1', svg, count=1)
    svg = svg.replace("<svg", f'<svg class="chart" role="img" aria-label="{escape(description)}"', 1)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    for gid, tip in tips.items():
        svg = svg.replace(f'<g id="{gid}">', f'<g id="{gid}"><title>{escape(tip)}</title>', 1)
    for written in ("font-family:'DejaVu Sans'", "font-family: 'DejaVu Sans'"):  # the page's own font, not the layout font
        svg = svg.replace(written, "font-family: system-ui, sans-serif")
    return svg


def _style(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=9)


def pareto_chart(frame: pd.DataFrame) -> str:
    """Issues by size (bars coloured by negative share, cividis) with the cumulative share of issue comments (line)."""
    from matplotlib import colormaps

    fig = _figure(3.6)
    ax = fig.add_subplot()
    x = np.arange(len(frame))
    cmap = colormaps["cividis_r"]
    tips = {}
    bars = ax.bar(x, frame["comments"], color=[cmap(0.15 + 0.85 * v) for v in frame["share_negative"]])
    for i, (bar, row) in enumerate(zip(bars, frame.to_dict("records"), strict=True)):
        gid = f"pareto-{i}"
        bar.set_gid(gid)
        tips[gid] = f"{row['title']}: {row['comments']} comments, {row['share_negative']:.0%} negative, {row['cumulative_share']:.0%} of issue comments so far"
    ax.set_xticks(x, [short(t, 24) for t in frame["title"]], rotation=55, ha="right", fontsize=8)
    ax.set_ylabel("comments")
    ax.set_xlabel("issue, largest first")
    ax.set_title("Issues by size (colour: share negative, darker = more)", fontsize=11, loc="left")
    line_ax = ax.twinx()
    line_ax.plot(x, 100 * frame["cumulative_share"], color="#D55E00", marker="o", markersize=3, linewidth=1.5)
    line_ax.set_ylim(0, 105)
    line_ax.set_ylabel("cumulative % of issue comments", color="#D55E00")
    _style(ax)
    line_ax.spines[["top"]].set_visible(False)
    return to_svg(fig, "pareto", "Bar chart of issues by number of comments with the cumulative share; the table below lists every value.", tips)


def heatmap_chart(counts: pd.DataFrame) -> str:
    """Touchpoints x sentiment: each cell's count, its colour the share of the touchpoint's segments."""
    shares = counts.div(counts.sum(axis=1).replace(0, 1), axis=0)
    fig = _figure(0.45 * len(counts) + 1.3)
    ax = fig.add_subplot()
    ax.imshow(shares.to_numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    tips = {}
    for i, touchpoint in enumerate(counts.index):
        for j, sentiment in enumerate(counts.columns):
            n, share = int(counts.iat[i, j]), float(shares.iat[i, j])
            text = ax.text(j, i, f"{n}\n{share:.0%}", ha="center", va="center", fontsize=8, color="white" if share > 0.5 else "black")
            gid = f"heat-{i}-{j}"
            text.set_gid(gid)
            tips[gid] = f"{touchpoint}, {sentiment}: {n} segments ({share:.0%} of the touchpoint's)"
    ax.set_xticks(range(len(counts.columns)), list(counts.columns))
    ax.set_yticks(range(len(counts.index)), [short(t, 24) for t in counts.index])
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("sentiment of the segment", fontsize=9)
    ax.set_ylabel("touchpoint", fontsize=9)
    ax.set_title("Segments per touchpoint and sentiment (count and row share)", fontsize=11, loc="left", pad=8)
    ax.tick_params(length=0, labelsize=9)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return to_svg(fig, "heatmap", "Heat map of segments per touchpoint and sentiment; the table below lists every count.", tips)


def forest_chart(enough: pd.DataFrame) -> str:
    """Each driver's NPS impact with its 95% interval, issues and touchpoints together, most costly on top."""
    fig = _figure(0.32 * len(enough) + 1.2)
    ax = fig.add_subplot()
    y = np.arange(len(enough))[::-1]
    tips = {}
    for yi, row in zip(y, enough.to_dict("records"), strict=True):
        colour = OKABE_ITO[0] if row["driver_type"] == "issue" else OKABE_ITO[1]
        low, high = row["ci_low"], row["ci_high"]
        has_interval = not (pd.isna(low) or pd.isna(high))
        if has_interval:
            ax.plot([low, high], [yi, yi], color=colour, linewidth=2)
        point = ax.plot([row["impact"]], [yi], marker="o" if row["driver_type"] == "issue" else "s", color=colour, markersize=5)[0]
        gid = f"forest-{int(yi)}"
        point.set_gid(gid)
        interval = f"95% CI {low:+.1f} to {high:+.1f}" if has_interval else "no interval"
        tips[gid] = f"{row['label']}: impact {row['impact']:+.1f} NPS points ({interval}), {row['mentions']} respondents; {row['verdict']}"
    ax.axvline(0, color="#666666", linewidth=0.8)
    ax.set_yticks(y, [short(t, 34) for t in enough["label"]])
    ax.set_xlabel("NPS impact in points (negative: lowers the NPS); line: 95% interval")
    ax.set_title("Why detractors? Impact of each issue (circle) and touchpoint (square)", fontsize=11, loc="left")
    _style(ax)
    return to_svg(fig, "forest", "Interval chart of each driver's NPS impact; the table below lists every value.", tips)


def line_chart(table: pd.DataFrame, name: str, title: str, ylabel: str, *, labels: dict[str, str] | None = None,
               counts: pd.DataFrame | None = None, ylim: tuple[float, float] | None = None, partial: Sequence[str] = (),
               mark: tuple[str, str] | None = None) -> str:
    """One line per column of ``table`` (periods as rows); missing values leave gaps; a partial period is marked on the axis.

    ``mark`` (period, label) draws a dashed vertical line at that period, such as the day a ticket was closed.
    """
    fig = _figure(3.2)
    ax = fig.add_subplot()
    x = np.arange(len(table))
    tips = {}
    for k, column in enumerate(table.columns):
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        label = short((labels or {}).get(column, column), 30)
        ax.plot(x, table[column].astype(float), color=colour, marker="os^vD<>p"[k % 8], markersize=4, linewidth=1.5, label=label)
        for i, value in enumerate(table[column]):
            if pd.isna(value):
                continue
            gid = f"{name}-{k}-{i}"
            dot = ax.plot([i], [value], linestyle="none", marker="o", markersize=9, alpha=0)[0]
            dot.set_gid(gid)
            n = f" ({int(counts.iat[i, k])} respondents)" if counts is not None else ""
            tips[gid] = f"{label}, {table.index[i]}: {value:.1f}{n}"
    if mark is not None and mark[0] in list(table.index):
        at = list(table.index).index(mark[0])
        ax.axvline(at, color="#D55E00", linestyle="--", linewidth=1.2)
        ax.annotate(mark[1], (at, 1), xycoords=("data", "axes fraction"), xytext=(3, -10), textcoords="offset points", fontsize=8, color="#D55E00")
    ticks = [f"{p}\n(partial)" if p in partial else str(p) for p in table.index]
    step = max(1, len(ticks) // 8)
    ax.set_xticks(x[::step], ticks[::step], fontsize=8)
    ax.set_xlim(-0.5, len(x) - 0.5)
    ax.set_xlabel("period")
    if ylim:
        ax.set_ylim(*ylim)
        ax.axhline(0, color="#999999", linewidth=0.6)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=11, loc="left")
    if len(table.columns) > 1:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    _style(ax)
    return to_svg(fig, name, f"Line chart: {title}; the table below lists every value.", tips)


def bar_chart(labels: Sequence[str], values: Sequence[float], name: str, title: str, xlabel: str, *,
              errors: Sequence[float] | None = None, counts: Sequence[int] | None = None, percent: bool = False) -> str:
    """Horizontal bars (with 95% margins when given), first label on top."""
    fig = _figure(0.3 * len(labels) + 1.1)
    ax = fig.add_subplot()
    y = np.arange(len(labels))[::-1]
    bars = ax.barh(y, values, xerr=errors, color=OKABE_ITO[4], ecolor="#222222", capsize=2, height=0.6)
    tips = {}
    for i, bar in enumerate(bars):
        gid = f"{name}-{i}"
        bar.set_gid(gid)
        value = f"{values[i]:.0%}" if percent else f"{values[i]:.1f}"
        margin = f" ± {errors[i]:.1f}" if errors is not None and not pd.isna(errors[i]) else ""
        n = f" ({counts[i]:,} respondents)" if counts is not None else ""
        tips[gid] = f"{labels[i]}: {value}{margin}{n}"
    ax.set_yticks(y, [short(t, 30) for t in labels])
    if percent:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if any(v < 0 for v in values):
        ax.axvline(0, color="#666666", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=11, loc="left")
    _style(ax)
    return to_svg(fig, name, f"Bar chart: {title}; the table below lists every value.", tips)
