"""GitHub issues: payloads for ``POST /repos/{owner}/{repo}/issues`` and a client.

GitHub gets one static label, ``complaint-analyzer``, on every exported issue
plus a hidden marker at the end of the body
(``<!-- complaint-analyzer fingerprint: cfp-... -->``): a label per
fingerprint would clutter the repository. Searching lists the issues with the
static label (all states, 100 a page) and reads the markers; customer words
are escaped, so no quote can fake a marker. Creates are sent one at a time,
at least a second apart, as GitHub asks for content-creating requests.

Example:
    >>> from analyzer.export.issues import Issue
    >>> from analyzer.export.tickets import build_ticket
    >>> body = github_payload(build_ticket(Issue("A", "complaint", "price", "Dear", n_comments=12)))
    >>> body["labels"], body["body"].splitlines()[-1]
    (['customer-complaint', 'price', 'complaint-analyzer', 'priority-low'], '<!-- complaint-analyzer fingerprint: cfp-452ce8883cf1 -->')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from analyzer.errors import UsageError
from analyzer.export.blocks import MARKER_RE, ticket_blocks, update_blocks
from analyzer.export.http import HttpClient
from analyzer.export.push import CLOSED, OPEN, Created, Found, TicketState, Tracker, day_of
from analyzer.export.render import render_markdown
from analyzer.export.tickets import Ticket, slug_label

STATIC_LABEL = "complaint-analyzer"
BODY_MAX = 65_536
REPO_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def priority_label(ticket: Ticket) -> str:
    """The label that carries the priority on trackers without a priority field.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_ticket
        >>> priority_label(build_ticket(Issue("A", "complaint", "price", "Dear")))
        'priority-lowest'
    """
    return slug_label(f"priority {ticket.priority}")


def github_payload(ticket: Ticket) -> dict[str, Any]:
    """The create-issue body: title, Markdown body ending with the fingerprint marker, labels.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_ticket
        >>> sorted(github_payload(build_ticket(Issue("A", "complaint", "price", "Dear"))))
        ['body', 'labels', 'title']
    """
    labels = [label for label in ticket.labels if label != ticket.fingerprint]
    body = render_markdown(ticket_blocks(ticket))
    if len(body) > BODY_MAX:  # cannot happen with 5 quotes of 500 characters, but GitHub answers 422 above it
        marker = body[body.rindex("<!--"):]
        body = body[: BODY_MAX - len(marker) - 3] + "…\n\n" + marker
    return {"title": ticket.title, "body": body, "labels": list(dict.fromkeys([*labels, STATIC_LABEL, priority_label(ticket)]))}


def github_state(data: Mapping[str, Any]) -> TicketState:
    """A ticket's state from ``GET /repos/{owner}/{repo}/issues/{number}``: ``state``, ``closed_at`` and ``state_reason``.

    Example:
        >>> github_state({"state": "closed", "closed_at": "2026-02-03T10:00:00Z", "state_reason": "completed"})
        TicketState(status='closed', closed_at='2026-02-03', tracker_status='closed (completed)')
        >>> github_state({"state": "open", "closed_at": None}).status
        'open'
    """
    state = str(data.get("state") or "")
    reason = data.get("state_reason")
    shown = f"{state} ({reason})" if reason and state == "closed" else state
    if state == "closed":
        return TicketState(CLOSED, day_of(data.get("closed_at")), shown)
    return TicketState(OPEN, None, shown)


def check_repo(repo: str | None) -> str:
    """Return ``owner/name`` or raise :class:`UsageError`.

    Example:
        >>> check_repo("octo/shop")
        'octo/shop'
    """
    if not repo or not REPO_PATTERN.match(repo):
        shown = f"{repo!r} is not" if repo else "GitHub needs"
        raise UsageError(f"--project: {shown} a repository as owner/name (or set GITHUB_REPOSITORY), e.g. --project octo/shop")
    return repo


class GitHubTracker(Tracker):
    """GitHub (or GitHub Enterprise) issues of one repository through REST."""

    family = "github"
    name = "GitHub"

    def __init__(self, client: HttpClient, repo: str) -> None:
        self.client = client
        self.repo = repo
        self.destination = f"{client.base_url} repo {repo}"

    def find(self, tickets: Sequence[Ticket]) -> dict[str, Found]:
        """List the issues with the static label (all states, every page) and read their fingerprint markers."""
        wanted = {t.fingerprint for t in tickets}
        found: dict[str, tuple[int, Found]] = {}
        url: str | None = f"repos/{self.repo}/issues"
        params: dict[str, Any] | None = {"labels": STATIC_LABEL, "state": "all", "per_page": 100}
        while url:
            response = self.client.request("GET", url, params=params, what="search")
            for item in response.json() or []:
                if not isinstance(item, dict) or "pull_request" in item:
                    continue
                for fp in MARKER_RE.findall(item.get("body") or ""):
                    number = int(item.get("number") or 0)
                    if fp in wanted and (fp not in found or number < found[fp][0]):
                        found[fp] = (number, Found(f"#{number}", item.get("html_url")))
            url, params = response.links.get("next", {}).get("url"), None
        return {fp: value for fp, (_, value) in found.items()}

    def create_one(self, ticket: Ticket) -> Created:
        """Create one issue (the client keeps a second between creates)."""
        data = self.client.send_json("POST", f"repos/{self.repo}/issues", github_payload(ticket), safe=False,
                                     what=f"create of {ticket.issue.issue_id}")
        return Created(ticket, f"#{data['number']}", data.get("html_url"))

    def update(self, found: Found, ticket: Ticket, previous: Mapping[str, Any] | None, new_quotes: Sequence[str]) -> None:
        """Comment with the new figures and quotes."""
        number = found.key.lstrip("#")
        self.client.send_json("POST", f"repos/{self.repo}/issues/{number}/comments",
                              {"body": render_markdown(update_blocks(ticket, previous, new_quotes))}, safe=False, what=f"comment on {found.key}")

    def status(self, key: str) -> TicketState:
        """Read the issue's state and closing time (see :func:`github_state`)."""
        data = self.client.get_json(f"repos/{self.repo}/issues/{key.lstrip('#')}", what=f"status read of {key}")
        return github_state(data)
