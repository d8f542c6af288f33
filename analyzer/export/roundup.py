"""Roundup: an open-source issue tracker with a REST API (``/rest/data/...``), used for real end-to-end tests.

The fingerprint, the kind label and the touchpoint labels are keywords (the
classic template's labels); a keyword must exist before an issue can name it,
so missing ones are created first. The description is the issue's first
message; updates add a message. Priorities map to the classic template's
(Highest -> critical, High -> urgent, Medium -> bug, Low -> feature, Lowest
-> wish).

Every request that changes something needs ``X-Requested-With`` and an
``Origin`` equal to the tracker's origin; a change to an issue needs its
current ``@etag``.

Example:
    >>> from analyzer.export.issues import Issue
    >>> from analyzer.export.tickets import build_ticket
    >>> roundup_payload(build_ticket(Issue("A", "complaint", "price", "Dear")))["issue"]
    {'title': 'Dear', 'priority': 'wish', 'keyword': ['customer-complaint', 'price', 'cfp-452ce8883cf1']}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from analyzer.export.blocks import ticket_blocks, update_blocks
from analyzer.export.http import HttpClient, TrackerRejected
from analyzer.export.push import CLOSED, OPEN, Created, Found, TicketState, Tracker, day_of
from analyzer.export.render import render_plain
from analyzer.export.tickets import TRACKER_PRIORITIES, Ticket

PAGE = 500
CLOSED_STATUSES = frozenset({"resolved", "done-cbb"})  # the classic template's statuses of finished work


def roundup_state(data: Mapping[str, Any]) -> TicketState:
    """A ticket's state from ``GET rest/data/issue/N?@fields=status,activity&@verbose=2``.

    Roundup's REST API gives no status history, so the closed day is the issue's last ``activity``: a message
    added after closing moves it (``--ticket-status`` gives the exact day).

    Example:
        >>> roundup_state({"data": {"attributes": {"activity": "2026-02-03.10:00:00", "status": {"id": "8", "name": "resolved"}}}})
        TicketState(status='closed', closed_at='2026-02-03', tracker_status='resolved')
        >>> roundup_state({"data": {"attributes": {"activity": "2026-02-03.10:00:00", "status": {"id": "1", "name": "unread"}}}}).status
        'open'
    """
    attributes = (data.get("data") or {}).get("attributes") or {}
    status = attributes.get("status")
    name = str(status.get("name") or status.get("id") or "") if isinstance(status, dict) else str(status or "")
    if name in CLOSED_STATUSES:
        return TicketState(CLOSED, day_of(attributes.get("activity")), name)
    return TicketState(OPEN, None, name)


def roundup_payload(ticket: Ticket) -> dict[str, Any]:
    """What one ticket becomes on Roundup: the issue (keywords by name) and its first message.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_ticket
        >>> roundup_payload(build_ticket(Issue("A", "complaint", "price", "Dear")))["msg"]["content"].splitlines()[0]
        'Recurring customer complaint found by the feedback analyzer: 0 comments about Dear.'
    """
    return {"issue": {"title": ticket.title, "priority": TRACKER_PRIORITIES["roundup"][ticket.priority], "keyword": list(ticket.labels)},
            "msg": {"content": render_plain(ticket_blocks(ticket))}}


def roundup_headers(base_url: str) -> dict[str, str]:
    """The headers Roundup's REST API requires on every request that changes something.

    Example:
        >>> roundup_headers("http://127.0.0.1:8917/tracker")["Origin"]
        'http://127.0.0.1:8917'
    """
    parts = urlsplit(base_url)
    return {"X-Requested-With": "rest", "Origin": f"{parts.scheme}://{parts.netloc}", "Referer": base_url.rstrip("/") + "/"}


class RoundupTracker(Tracker):
    """Issues of one Roundup tracker through its REST API.

    Args:
        client: the HTTP client (basic auth, :func:`roundup_headers` set).
        user: the user name the client logs in as (messages need their author id).
    """

    family = "roundup"
    name = "Roundup"

    def __init__(self, client: HttpClient, user: str) -> None:
        self.client = client
        self.user = user
        self.destination = client.base_url
        self._keywords: dict[str, str] | None = None
        self._author: str | None = None

    def _url(self, number: str) -> str:
        return f"{self.client.base_url}/issue{number}"

    def keywords(self) -> dict[str, str]:
        """Every keyword on the tracker, name to id (read once, then kept up to date as keywords are created)."""
        if self._keywords is None:
            names: dict[str, str] = {}
            page = 1
            while True:
                data = self.client.get_json("rest/data/keyword", params={"@fields": "name", "@page_size": PAGE, "@page_index": page},
                                            what="keyword list")
                items = (data.get("data") or {}).get("collection") or []
                names.update({str(i["name"]): str(i["id"]) for i in items if isinstance(i, dict) and "name" in i})
                if len(items) < PAGE:
                    break
                page += 1
            self._keywords = names
        return self._keywords

    def _keyword_ids(self, names: Sequence[str]) -> list[str]:
        known = self.keywords()
        for name in names:
            if name not in known:
                data = self.client.send_json("POST", "rest/data/keyword", {"name": name}, safe=False, what=f"create of keyword {name}")
                known[name] = str(data["data"]["id"])
        return [known[name] for name in names]

    def _author_id(self) -> str:
        if self._author is None:
            data = self.client.get_json(f"rest/data/user/username={quote(self.user, safe='')}", what="user lookup")
            self._author = str(data["data"]["id"])
        return self._author

    def find(self, tickets: Sequence[Ticket]) -> dict[str, Found]:
        """Look each fingerprint keyword up (exact name), then the issues carrying it; the oldest wins."""
        found: dict[str, Found] = {}
        known = self.keywords()
        for ticket in tickets:
            keyword = known.get(ticket.fingerprint)
            if keyword is None:
                continue  # asking for an unknown keyword is a 400; no keyword means no issue
            data = self.client.get_json("rest/data/issue", params={"keyword": keyword, "@fields": "title"}, what="search")
            numbers = sorted(int(i["id"]) for i in (data.get("data") or {}).get("collection") or [] if str(i.get("id", "")).isdigit())
            if numbers:
                found[ticket.fingerprint] = Found(f"issue{numbers[0]}", self._url(str(numbers[0])))
        return found

    def _message(self, content: str, what: str) -> str:
        data = self.client.send_json("POST", "rest/data/msg", {"content": content, "author": self._author_id()}, safe=False, what=what)
        return str(data["data"]["id"])

    def create_one(self, ticket: Ticket) -> Created:
        """Create the keywords, the first message and the issue."""
        payload = roundup_payload(ticket)
        keywords = self._keyword_ids(payload["issue"]["keyword"])
        message = self._message(payload["msg"]["content"], f"message for {ticket.issue.issue_id}")
        issue = {**payload["issue"], "keyword": keywords, "messages": [message]}
        data = self.client.send_json("POST", "rest/data/issue", issue, safe=False, what=f"create of {ticket.issue.issue_id}")
        number = str(data["data"]["id"])
        return Created(ticket, f"issue{number}", self._url(number))

    def update(self, found: Found, ticket: Ticket, previous: Mapping[str, Any] | None, new_quotes: Sequence[str]) -> None:
        """Add a message with the new figures and quotes to the issue."""
        number = found.key.removeprefix("issue")
        message = self._message(render_plain(update_blocks(ticket, previous, new_quotes)), f"update message for {found.key}")
        for attempt in range(2):  # someone may change the issue between our read and our write: re-read once
            etag = self.client.get_json(f"rest/data/issue/{number}", what=f"read of {found.key}")["data"]["@etag"]
            try:
                self.client.send_json("PATCH", f"rest/data/issue/{number}", {"@op": "add", "messages": [message], "@etag": etag},
                                      safe=False, what=f"update of {found.key}")
                return
            except TrackerRejected as error:
                if error.status != 412 or attempt:
                    raise

    def status(self, key: str) -> TicketState:
        """Read the issue's status and last activity (see :func:`roundup_state`)."""
        number = key.removeprefix("issue")
        data = self.client.get_json(f"rest/data/issue/{quote(number, safe='')}", params={"@fields": "status,activity", "@verbose": 2},
                                    what=f"status read of {key}")
        return roundup_state(data)

    def list_issues(self) -> list[dict[str, Any]]:
        """Every issue with its title, priority, status and keyword names (to check an export)."""
        data = self.client.get_json("rest/data/issue", params={"@fields": "title,priority,status,keyword,messages", "@verbose": 2,
                                                               "@page_size": PAGE}, what="issue list")
        return list((data.get("data") or {}).get("collection") or [])
