"""Generic export files: CSV, XLSX, JSON and Markdown, one row or section per ticket.

CSV and XLSX cells go through :func:`analyzer.report.tables.neutralize_formulas`
(the CSV through :func:`analyzer.report.tables.write_csv`: UTF-8 with BOM, so Excel
shows every script), so a cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return cannot run as a formula.

Example:
    >>> from analyzer.export.issues import Issue
    >>> from analyzer.export.tickets import build_tickets
    >>> tickets_frame(build_tickets([Issue("A", "complaint", "price", "Dear", examples=("x", "y"))]))[["issue_id", "quote_1", "quote_3"]].values.tolist()
    [['A', 'x', '']]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzer.export.blocks import ticket_blocks
from analyzer.export.render import md_escape, render_markdown, render_plain
from analyzer.export.tickets import MAX_QUOTES, Ticket

if TYPE_CHECKING:
    import pandas as pd


def ticket_record(ticket: Ticket) -> dict[str, Any]:
    """Everything a ticket says, as plain JSON-ready values.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_ticket
        >>> ticket_record(build_ticket(Issue("A", "complaint", "price", "Dear")))["labels"]
        ['customer-complaint', 'price', 'cfp-452ce8883cf1']
    """
    i = ticket.issue
    return {"fingerprint": ticket.fingerprint, "issue_id": i.issue_id, "title": ticket.title, "priority": ticket.priority,
            "priority_reason": ticket.priority_reason, "kind": i.kind, "touchpoint": i.touchpoint, "component": ticket.component,
            "labels": list(ticket.labels), "n_comments": i.n_comments, "n_segments": i.n_segments, "share_negative": i.share_negative,
            "trend": i.trend, "nps_impact": i.nps_impact, "nps_impact_low": i.nps_impact_low, "nps_impact_high": i.nps_impact_high,
            "detractor_lift": i.detractor_lift, "first_seen": i.first_seen, "last_seen": i.last_seen, "languages": list(i.languages),
            "key_phrases": list(i.key_phrases), "quotes": list(ticket.quotes), "description": render_plain(ticket_blocks(ticket))}


def tickets_frame(tickets: Sequence[Ticket]) -> pd.DataFrame:
    """One row per ticket for CSV and XLSX: lists joined with ``; ``, quotes in ``quote_1`` .. ``quote_5``."""
    import pandas as pd

    rows = []
    for ticket in tickets:
        record = ticket_record(ticket)
        quotes = record.pop("quotes")
        record.pop("description")
        for key in ("labels", "languages", "key_phrases"):
            record[key] = "; ".join(record[key])
        record.update({f"quote_{n + 1}": quotes[n] if n < len(quotes) else "" for n in range(MAX_QUOTES)})
        rows.append(record)
    return pd.DataFrame(rows)


def write_tickets_csv(tickets: Sequence[Ticket], path: Path) -> None:
    """Write ``tickets_frame`` as CSV (formulas neutralised)."""
    from analyzer.report.tables import write_csv

    write_csv(tickets_frame(tickets), path)


def write_tickets_xlsx(tickets: Sequence[Ticket], path: Path) -> None:
    """Write ``tickets_frame`` as an Excel workbook, sheet ``issues`` (formulas neutralised)."""
    import pandas as pd

    from analyzer.report.tables import neutralize_formulas

    with pd.ExcelWriter(path, engine="openpyxl") as book:
        neutralize_formulas(tickets_frame(tickets)).to_excel(book, sheet_name="issues", index=False)


def write_tickets_json(tickets: Sequence[Ticket], path: Path) -> None:
    """Write a JSON list of :func:`ticket_record` objects (UTF-8, not ASCII-escaped)."""
    path.write_text(json.dumps([ticket_record(t) for t in tickets], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_tickets_markdown(tickets: Sequence[Ticket], path: Path) -> None:
    """Write one Markdown section per ticket, customer words escaped."""
    sections = ["# Recurring issues to file\n"]
    for ticket in tickets:
        sections.append(f"## {md_escape(ticket.title)} ({ticket.priority})\n\n{render_markdown(ticket_blocks(ticket))}\n")
    path.write_text("\n".join(sections), encoding="utf-8")


def write_jsonl(objects: Sequence[Any], path: Path) -> None:
    """Write one JSON object per line (UTF-8).

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "x.jsonl"
        >>> write_jsonl([{"a": "é"}], path)
        >>> path.read_text(encoding="utf-8")
        '{"a": "é"}\\n'
    """
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8")
