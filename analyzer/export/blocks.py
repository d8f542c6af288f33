"""The text of a ticket as a few kinds of blocks every renderer (Markdown, plain text, Jira wiki, ADF) knows.

:func:`ticket_blocks` gives the description of a new ticket, :func:`update_blocks` the comment
that updates an existing one; :mod:`analyzer.export.render` turns blocks into Markdown, plain
text or Jira wiki markup, :mod:`analyzer.export.jira` into ADF.

Example:
    >>> from analyzer.export.issues import Issue
    >>> from analyzer.export.tickets import build_ticket
    >>> blocks = ticket_blocks(build_ticket(Issue("LOG-1", "complaint", "logistics", "Late delivery", n_comments=12)))
    >>> blocks[0]
    Paragraph(text='Recurring customer complaint found by the feedback analyzer: 12 comments about Late delivery.')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.export.tickets import Ticket

__all__ = ["MARKER_RE", "Block", "Facts", "Heading", "Marker", "Paragraph", "Quotes", "facts", "ticket_blocks", "update_blocks"]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text."""

    text: str


@dataclass(frozen=True)
class Heading:
    """A small heading."""

    text: str


@dataclass(frozen=True)
class Facts:
    """A list of ``label: value`` lines."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Quotes:
    """Customer quotes."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Marker:
    """The hidden fingerprint marker (only Markdown shows it, as an HTML comment)."""

    fingerprint: str


Block = Paragraph | Heading | Facts | Quotes | Marker
MARKER_RE = re.compile(r"^<!-- complaint-analyzer fingerprint: ([A-Za-z0-9][A-Za-z0-9._:-]{0,99}) -->$", re.MULTILINE)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "unknown" if value is None else f"{value:.{digits}f}"


def facts(ticket: Ticket) -> tuple[tuple[str, str], ...]:
    """The facts every ticket lists: touchpoint, counts, trend, NPS impact, dates, ids.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_ticket
        >>> dict(facts(build_ticket(Issue("A", "complaint", "price", "Dear", n_comments=3, nps_impact=-1.5,
        ...                                 nps_impact_low=-2.5, nps_impact_high=-0.5))))["NPS impact"]
        '-1.5 points (interval -2.5 to -0.5)'
    """
    i = ticket.issue
    items = [("Touchpoint", f"{ticket.component} ({i.touchpoint})" if ticket.component else i.touchpoint),
             ("Comments", f"{i.n_comments} in {i.n_segments} segments, {i.share_negative:.0%} negative"),
             ("Trend", i.trend or "unknown")]
    if i.nps_impact is not None:
        interval = (f" (interval {_fmt(i.nps_impact_low)} to {_fmt(i.nps_impact_high)})"
                    if i.nps_impact_low is not None and i.nps_impact_high is not None else "")
        items.append(("NPS impact", f"{_fmt(i.nps_impact)} points{interval}"))
    else:
        items.append(("NPS impact", "unknown (no NPS answers linked)"))
    if i.detractor_lift is not None:
        items.append(("Detractor lift", f"{i.detractor_lift:.2f}"))
    items.append(("Seen", f"{i.first_seen or 'unknown'} to {i.last_seen or 'unknown'}"))
    if i.languages:
        items.append(("Languages", ", ".join(i.languages)))
    if i.key_phrases:
        items.append(("Key phrases", ", ".join(i.key_phrases)))
    items += [("Priority", ticket.priority_reason), ("Issue", i.issue_id), ("Fingerprint", ticket.fingerprint)]
    return tuple(items)


def ticket_blocks(ticket: Ticket) -> list[Block]:
    """The description of a new ticket.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_ticket
        >>> [type(b).__name__ for b in ticket_blocks(build_ticket(Issue("A", "complaint", "price", "Dear", examples=("x",))))]
        ['Paragraph', 'Facts', 'Heading', 'Quotes', 'Paragraph', 'Marker']
    """
    i = ticket.issue
    what = "complaint" if i.kind == "complaint" else i.kind
    blocks: list[Block] = [Paragraph(f"Recurring customer {what} found by the feedback analyzer: {i.n_comments} comments "
                                     f"about {ticket.title}."), Facts(facts(ticket))]
    if ticket.quotes:
        blocks += [Heading("What customers say"), Quotes(ticket.quotes)]
    blocks += [Paragraph(f"Exported by the feedback analyzer. Keep the label or marker {ticket.fingerprint}: "
                         "later exports find this ticket by it and update it instead of filing it again."),
               Marker(ticket.fingerprint)]
    return blocks


def update_blocks(ticket: Ticket, previous: Mapping[str, Any] | None, new_quotes: Sequence[str]) -> list[Block]:
    """The comment that updates an existing ticket: new figures (with the ones last sent) and new quotes.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_ticket
        >>> blocks = update_blocks(build_ticket(Issue("A", "complaint", "price", "Dear", n_comments=5)), {"n_comments": 3}, [])
        >>> blocks[1].items[0]
        ('Comments', '5 (was 3)')
    """
    i = ticket.issue
    previous = previous or {}

    def was(key: str, now: Any, shown: str, fmt: str = "{}") -> str:
        before = previous.get(key)
        return shown if before is None or before == now else f"{shown} (was {fmt.format(before)})"

    items = [("Comments", was("n_comments", i.n_comments, str(i.n_comments))),
             ("Segments", was("n_segments", i.n_segments, str(i.n_segments))),
             ("Negative", was("share_negative", round(i.share_negative, 3), f"{i.share_negative:.0%}", "{:.0%}")),
             ("Trend", was("trend", i.trend, i.trend or "unknown")),
             ("NPS impact", dict(facts(ticket))["NPS impact"]),
             ("Last seen", i.last_seen or "unknown"),
             ("Priority", ticket.priority_reason)]
    blocks: list[Block] = [Paragraph(f"Update from the feedback analyzer for issue {i.issue_id} ({ticket.fingerprint})."),
                           Facts(tuple(items))]
    if new_quotes:
        blocks += [Heading("New quotes"), Quotes(tuple(new_quotes))]
    return blocks
