"""Zendesk tickets: payloads for ``POST /api/v2/tickets.json`` and a client.

The fingerprint is the ticket's ``external_id`` (and a tag), so
``GET /api/v2/tickets.json?external_id=cfp-...`` finds it exactly. Priorities
map to Zendesk's four (Highest -> urgent, High -> high, Medium -> normal,
Low and Lowest -> low); the type is ``problem``. Updates are private comments.

Example:
    >>> from analyzer.export.issues import Issue
    >>> from analyzer.export.tickets import build_ticket
    >>> ticket = zendesk_payload(build_ticket(Issue("A", "complaint", "price", "Dear")))["ticket"]
    >>> ticket["external_id"], ticket["priority"], ticket["type"]
    ('cfp-452ce8883cf1', 'low', 'problem')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analyzer.export.blocks import ticket_blocks, update_blocks
from analyzer.export.http import HttpClient
from analyzer.export.push import CLOSED, OPEN, Created, Found, TicketState, Tracker, day_of
from analyzer.export.render import render_plain
from analyzer.export.tickets import TRACKER_PRIORITIES, Ticket

CREATE_MANY_SIZE = 100
CLOSED_STATUSES = frozenset({"solved", "closed"})


def zendesk_state(ticket: Mapping[str, Any], metric: Mapping[str, Any] | None = None) -> TicketState:
    """A ticket's state from ``GET /api/v2/tickets/{id}.json`` (``ticket``) and, when solved, its ``ticket_metric``.

    The solved day is the metric's ``solved_at``; without it, the ticket's ``updated_at``.

    Example:
        >>> zendesk_state({"status": "solved", "updated_at": "2026-02-09T10:00:00Z"}, {"solved_at": "2026-02-03T10:00:00Z"})
        TicketState(status='closed', closed_at='2026-02-03', tracker_status='solved')
        >>> zendesk_state({"status": "pending"}).status
        'open'
    """
    status = str(ticket.get("status") or "")
    if status in CLOSED_STATUSES:
        return TicketState(CLOSED, day_of((metric or {}).get("solved_at")) or day_of(ticket.get("updated_at")), status)
    return TicketState(OPEN, None, status)


def zendesk_payload(ticket: Ticket) -> dict[str, Any]:
    """The create-ticket body ``{"ticket": {...}}`` with ``external_id`` set to the fingerprint.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_ticket
        >>> zendesk_payload(build_ticket(Issue("A", "complaint", "price", "Dear")))["ticket"]["tags"]
        ['customer-complaint', 'price', 'cfp-452ce8883cf1']
    """
    return {"ticket": {"subject": ticket.title, "comment": {"body": render_plain(ticket_blocks(ticket)), "public": False},
                       "priority": TRACKER_PRIORITIES["zendesk"][ticket.priority], "type": "problem", "tags": list(ticket.labels),
                       "external_id": ticket.fingerprint}}


class ZendeskTracker(Tracker):
    """Tickets of one Zendesk account through the v2 API."""

    family = "zendesk"
    name = "Zendesk"

    def __init__(self, client: HttpClient) -> None:
        self.client = client
        self.destination = client.base_url

    def find(self, tickets: Sequence[Ticket]) -> dict[str, Found]:
        """One lookup per fingerprint by ``external_id``; the oldest ticket wins if there are several."""
        found: dict[str, Found] = {}
        for ticket in tickets:
            data = self.client.get_json("api/v2/tickets.json", params={"external_id": ticket.fingerprint}, what="search")
            items = [i for i in data.get("tickets") or [] if isinstance(i, dict) and i.get("external_id", ticket.fingerprint) == ticket.fingerprint]
            if items:
                first = min(items, key=lambda i: int(i.get("id") or 0))
                found[ticket.fingerprint] = Found(str(first["id"]), f"{self.client.base_url}/agent/tickets/{first['id']}")
        return found

    def create_one(self, ticket: Ticket) -> Created:
        """Create one ticket (one at a time: ``create_many`` is an asynchronous job that confirms nothing at once)."""
        data = self.client.send_json("POST", "api/v2/tickets.json", zendesk_payload(ticket), safe=False,
                                     what=f"create of {ticket.issue.issue_id}")
        number = data["ticket"]["id"]
        return Created(ticket, str(number), f"{self.client.base_url}/agent/tickets/{number}")

    def update(self, found: Found, ticket: Ticket, previous: Mapping[str, Any] | None, new_quotes: Sequence[str]) -> None:
        """Add a private comment with the new figures and quotes."""
        body = {"ticket": {"comment": {"body": render_plain(update_blocks(ticket, previous, new_quotes)), "public": False}}}
        self.client.send_json("PUT", f"api/v2/tickets/{found.key}.json", body, safe=False, what=f"comment on ticket {found.key}")

    def status(self, key: str) -> TicketState:
        """Read the ticket's status and, when solved, the day it was solved (see :func:`zendesk_state`)."""
        ticket = self.client.get_json(f"api/v2/tickets/{key}.json", what=f"status read of ticket {key}").get("ticket") or {}
        metric = None
        if str(ticket.get("status") or "") in CLOSED_STATUSES:
            metric = self.client.get_json(f"api/v2/tickets/{key}/metrics.json", what=f"metrics read of ticket {key}").get("ticket_metric")
        return zendesk_state(ticket, metric)
