"""GitLab issues: payloads for ``POST /api/v4/projects/:id/issues`` and a client.

The fingerprint is a label (``cfp-...``; GitLab creates missing labels), so
``GET /projects/:id/issues?labels=cfp-...&state=all`` finds a ticket exactly.
Labels go as one comma-separated string; slugified labels hold no commas.

Example:
    >>> from analyzer.export.issues import Issue
    >>> from analyzer.export.tickets import build_ticket
    >>> gitlab_payload(build_ticket(Issue("A", "complaint", "price", "Dear")))["labels"]
    'customer-complaint,price,cfp-452ce8883cf1,priority-lowest'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from analyzer.errors import UsageError
from analyzer.export.blocks import ticket_blocks, update_blocks
from analyzer.export.github import priority_label
from analyzer.export.http import HttpClient
from analyzer.export.push import CLOSED, OPEN, Created, Found, TicketState, Tracker, day_of
from analyzer.export.render import render_markdown
from analyzer.export.tickets import Ticket


def gitlab_payload(ticket: Ticket) -> dict[str, Any]:
    """The create-issue body: title, Markdown description, labels as a comma-separated string.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_ticket
        >>> sorted(gitlab_payload(build_ticket(Issue("A", "complaint", "price", "Dear"))))
        ['description', 'issue_type', 'labels', 'title']
    """
    labels = list(dict.fromkeys([*ticket.labels, priority_label(ticket)]))
    return {"title": ticket.title, "description": render_markdown(ticket_blocks(ticket)), "labels": ",".join(labels),
            "issue_type": "issue"}


def gitlab_state(data: Mapping[str, Any]) -> TicketState:
    """A ticket's state from ``GET /projects/:id/issues/:iid``: ``state`` (``opened``/``closed``) and ``closed_at``.

    Example:
        >>> gitlab_state({"state": "closed", "closed_at": "2026-02-03T10:00:00.000Z"})
        TicketState(status='closed', closed_at='2026-02-03', tracker_status='closed')
        >>> gitlab_state({"state": "opened"}).status
        'open'
    """
    state = str(data.get("state") or "")
    if state == "closed":
        return TicketState(CLOSED, day_of(data.get("closed_at")), state)
    return TicketState(OPEN, None, state)


def check_project(project: str | None) -> str:
    """Return a GitLab project id or ``group/path``, or raise :class:`UsageError`.

    Example:
        >>> check_project("shop/web")
        'shop/web'
    """
    if not project or not project.strip():
        raise UsageError("--project: GitLab needs a project id or path (or set GITLAB_PROJECT), e.g. --project 42 or --project shop/web")
    return project.strip()


class GitLabTracker(Tracker):
    """Issues of one GitLab project through the v4 API."""

    family = "gitlab"
    name = "GitLab"

    def __init__(self, client: HttpClient, project: str) -> None:
        self.client = client
        self.project = project
        self.path = f"api/v4/projects/{quote(project, safe='')}"
        self.destination = f"{client.base_url} project {project}"

    def find(self, tickets: Sequence[Ticket]) -> dict[str, Found]:
        """One search per fingerprint label; the oldest issue wins if there are several."""
        found: dict[str, Found] = {}
        for ticket in tickets:
            items = self.client.get_json(f"{self.path}/issues", params={"labels": ticket.fingerprint, "state": "all", "per_page": 20},
                                         what="search")
            items = [i for i in items or [] if isinstance(i, dict) and ticket.fingerprint in (i.get("labels") or [ticket.fingerprint])]
            if items:
                first = min(items, key=lambda i: int(i.get("iid") or 0))
                found[ticket.fingerprint] = Found(f"#{first['iid']}", first.get("web_url"))
        return found

    def create_one(self, ticket: Ticket) -> Created:
        """Create one issue."""
        data = self.client.send_json("POST", f"{self.path}/issues", gitlab_payload(ticket), safe=False,
                                     what=f"create of {ticket.issue.issue_id}")
        return Created(ticket, f"#{data['iid']}", data.get("web_url"))

    def update(self, found: Found, ticket: Ticket, previous: Mapping[str, Any] | None, new_quotes: Sequence[str]) -> None:
        """Add a note with the new figures and quotes."""
        self.client.send_json("POST", f"{self.path}/issues/{found.key.lstrip('#')}/notes",
                              {"body": render_markdown(update_blocks(ticket, previous, new_quotes))}, safe=False, what=f"note on {found.key}")

    def status(self, key: str) -> TicketState:
        """Read the issue's state and closing time (see :func:`gitlab_state`)."""
        return gitlab_state(self.client.get_json(f"{self.path}/issues/{key.lstrip('#')}", what=f"status read of {key}"))
