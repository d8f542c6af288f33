"""The Markdown digest of a run: a few lines and two tables to paste into a ticket or a chat.

Example:
    >>> import tempfile, analyzer, pandas as pd
    >>> from analyzer.report.folder import write_outputs
    >>> folder = Path(tempfile.mkdtemp()) / "out"
    >>> _ = write_outputs(analyzer.analyze(pd.DataFrame({"text": ["The courier was late again", "courier late, again"]})), folder)
    >>> print(markdown_digest(load_run(folder)).splitlines()[0])
    # Feedback analysis: <DataFrame>
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analyzer import schema as S
from analyzer.nps.words import impact_text
from analyzer.report.charts import active_complaints
from analyzer.report.saved import SavedRun, load_run

__all__ = ["load_run", "markdown_digest"]

TOP = 10


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown_digest(run: SavedRun, top: int = TOP) -> str:
    """The digest: counts, NPS with its band and last change, "Why detractors?", the largest issues, praise and exported tickets."""
    s, counts = run.summary, run.summary.get("counts", {})
    lines = [f"# Feedback analysis: {s.get('input', {}).get('name', '')}", ""]
    dates = s.get("dates")
    lines.append(f"{counts.get('rows_read', 0):,} rows read, {counts.get('rows_analyzed', 0):,} analysed, {counts.get('rows_rejected', 0):,} rejected"
                 + (f"; comments from {dates['first']} to {dates['last']}" if dates else "") + ".")
    nps = run.nps
    if nps and nps.get("overall", {}).get("n"):
        o = nps["overall"]
        lines += ["", f"**NPS {o['nps']:.1f}** over {o['n']:,} respondents ({o['promoters']:,} promoters, {o['passives']:,} passives, "
                      f"{o['detractors']:,} detractors): {nps['band']['text']}."]
        lines += ["", *[f"{line}." for line in nps.get("change_text", [])[:1]]]
        lines += ["", "## Why detractors?", ""] + [f"- {line}" for line in nps.get("top_drivers", [])]
    complaints = active_complaints(run.issues).head(top)
    if len(complaints):
        table = pd.DataFrame({
            "issue": [_cell(t) for t in complaints[S.ISSUE_TITLE]], "id": complaints[S.ISSUE_ID].tolist(),
            "comments": complaints[S.N_COMMENTS].astype(int).tolist(), "negative": [f"{v:.0%}" for v in complaints[S.SHARE_NEGATIVE]],
            "trend": complaints[S.TREND].tolist(), "NPS impact": [impact_text(r) for r in complaints.to_dict("records")],
        })
        total = len(active_complaints(run.issues))
        lines += ["", f"## Recurring issues ({min(top, total)} largest of {total})", "", table.to_markdown(index=False)]
    praise = run.issues[(run.issues[S.ISSUE_KIND] == "praise") & (run.issues[S.ISSUE_STATUS] == "active")] if len(run.issues) else run.issues
    if len(praise):
        praise = praise.sort_values([S.N_COMMENTS, S.ISSUE_ID], ascending=[False, True]).head(5)
        named = zip(praise[S.ISSUE_TITLE], praise[S.N_COMMENTS], strict=True)
        lines += ["", "## What customers praise", ""] + [f"- {_cell(t)} ({int(n)} comments)" for t, n in named]
    if run.tickets is not None and len(run.tickets):
        lines += ["", "## Did the fix work?", ""]
        for t in run.tickets.to_dict("records"):
            closed = f" {t['closed_at']}" if isinstance(t.get("closed_at"), str) and t["closed_at"] else ""
            lines.append(f"- {_cell(t['title'])} ({t['ticket_key']}, {t['status']}{closed}): {t['verdict']}")
    lines += ["", f"Full report: report.html in {Path(run.folder).name}/ (tables in the CSV files beside it)."]
    return "\n".join(lines) + "\n"
