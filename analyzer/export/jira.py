"""Jira: the CSV importer file, REST v3 payloads (description in Atlassian Document Format), v2 payloads, and a client.

* ``jira-csv``: ``Summary, Issue Type, Priority, Description, Labels...,
  Component/s``; UTF-8 without BOM (a BOM can end up in the first header
  name), one ``Labels`` column per label, padded with empty cells; the
  description in Jira wiki markup with customer words escaped.
* ``jira`` (v3, Cloud): ``description`` is an ADF document built from
  paragraphs, a heading, a bullet list and a blockquote.
* ``jira-v2`` (Data Center, Server): the same payload with a wiki-markup
  description.

Every payload carries the fingerprint as a label (JQL ``labels = "cfp-..."``
finds it exactly) and as the issue property ``complaint-analyzer``.
Creating uses ``/issue/bulk`` in chunks of 50; updating adds a comment.

Example:
    >>> from analyzer.export.issues import Issue
    >>> from analyzer.export.tickets import build_ticket
    >>> payload = jira_payload(build_ticket(Issue("LOG-1", "complaint", "logistics", "Late delivery")), project="CX")
    >>> payload["fields"]["summary"], payload["fields"]["description"]["type"], payload["fields"]["labels"][-1]
    ('Late delivery', 'doc', 'cfp-ecec2d02ab4b')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from analyzer.errors import UsageError
from analyzer.export.blocks import Block, Facts, Heading, Marker, Paragraph, Quotes, ticket_blocks, update_blocks
from analyzer.export.http import HttpClient, body_message
from analyzer.export.push import CLOSED, OPEN, Created, Failed, Found, TicketState, Tracker, day_of
from analyzer.export.render import render_wiki
from analyzer.export.tickets import Ticket

BULK_SIZE = 50
SEARCH_CHUNK = 50
PROPERTY_KEY = "complaint-analyzer"
PROJECT_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$|^\d+$")


def _text(text: str, *marks: str) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": text}
    if marks:
        node["marks"] = [{"type": mark} for mark in marks]
    return node


def _paragraph(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": [n for n in nodes if n.get("text")]}


def adf_document(blocks: Sequence[Block]) -> dict[str, Any]:
    """An Atlassian Document Format (version 1) document for the blocks; text is never interpreted as markup.

    Example:
        >>> adf_document([Paragraph("Hi"), Facts((("Trend", "growing"),))])["content"][1]["content"][0]["content"][0]["content"]
        [{'type': 'text', 'text': 'Trend:', 'marks': [{'type': 'strong'}]}, {'type': 'text', 'text': ' growing'}]
    """
    content: list[dict[str, Any]] = []
    for block in blocks:
        if isinstance(block, Paragraph) and block.text:
            content.append(_paragraph(_text(block.text)))
        elif isinstance(block, Heading) and block.text:
            content.append({"type": "heading", "attrs": {"level": 3}, "content": [_text(block.text)]})
        elif isinstance(block, Facts) and block.items:
            content.append({"type": "bulletList", "content": [
                {"type": "listItem", "content": [_paragraph(_text(f"{label}:", "strong"), _text(f" {value}"))]}
                for label, value in block.items]})
        elif isinstance(block, Quotes) and block.items:
            content.append({"type": "blockquote", "content": [_paragraph(_text(q)) for q in block.items if q]})
        elif isinstance(block, Marker):
            continue  # Jira finds tickets by label; no hidden text needed
    return {"type": "doc", "version": 1, "content": content}


def jira_state(data: Mapping[str, Any]) -> TicketState:
    """A ticket's state from ``GET /rest/api/2/issue/{key}?fields=status,resolutiondate,statuscategorychangedate``.

    Closed means the status is in Jira's ``done`` category (whatever the workflow calls it); the closed day is
    ``resolutiondate``, else the day the status category last changed.

    Example:
        >>> jira_state({"fields": {"status": {"name": "Done", "statusCategory": {"key": "done"}},
        ...                        "resolutiondate": "2026-02-03T10:00:00.000+0000"}})
        TicketState(status='closed', closed_at='2026-02-03', tracker_status='Done')
        >>> jira_state({"fields": {"status": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}}}}).status
        'open'
    """
    fields = data.get("fields") or {}
    status = fields.get("status") or {}
    name = str(status.get("name") or "")
    if (status.get("statusCategory") or {}).get("key") == "done":
        return TicketState(CLOSED, day_of(fields.get("resolutiondate")) or day_of(fields.get("statuscategorychangedate")), name)
    return TicketState(OPEN, None, name)


def check_project(project: str | None, required: bool) -> str | None:
    """Return a Jira project key or id, or raise :class:`UsageError`; ``required`` when pushing.

    Example:
        >>> check_project("CX", True)
        'CX'
    """
    if not project:
        if required:
            raise UsageError("--project: Jira needs a project key to create and find issues (or set JIRA_PROJECT), e.g. --project CX")
        return None
    if not PROJECT_PATTERN.match(project):
        raise UsageError(f"--project: {project!r} is not a Jira project key or id; expected e.g. CX or 10001")
    return project


def jira_payload(ticket: Ticket, *, project: str | None = None, issue_type: str = "Task", version: int = 3) -> dict[str, Any]:
    """The create-issue body (``IssueUpdateDetails``) of one ticket for REST v3 (ADF) or v2 (wiki text).

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_ticket
        >>> body = jira_payload(build_ticket(Issue("A", "complaint", "price", "Dear")), version=2)
        >>> isinstance(body["fields"]["description"], str), "project" in body["fields"]
        (True, False)
    """
    blocks = ticket_blocks(ticket)
    fields: dict[str, Any] = {}
    if project:
        fields["project"] = {"id": project} if project.isdigit() else {"key": project}
    fields.update({
        "issuetype": {"name": issue_type},
        "summary": ticket.title,
        "description": adf_document(blocks) if version == 3 else render_wiki(blocks),
        "labels": list(ticket.labels),
        "priority": {"name": ticket.priority},
    })
    if ticket.component:
        fields["components"] = [{"name": ticket.component}]
    return {"fields": fields,
            "properties": [{"key": PROPERTY_KEY, "value": {"fingerprint": ticket.fingerprint, "issue_id": ticket.issue.issue_id}}]}


def jira_bulk_payloads(tickets: Sequence[Ticket], **options: Any) -> list[dict[str, Any]]:
    """Bulk-create bodies (``IssuesUpdateBean``), 50 issues each.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_tickets
        >>> tickets = build_tickets(Issue(f"A{n}", "complaint", "price", "Dear") for n in range(120))
        >>> [len(b["issueUpdates"]) for b in jira_bulk_payloads(tickets, project="CX")]
        [50, 50, 20]
    """
    return [{"issueUpdates": [jira_payload(t, **options) for t in tickets[start:start + BULK_SIZE]]}
            for start in range(0, len(tickets), BULK_SIZE)]


CSV_FIXED = ("Summary", "Issue Type", "Priority", "Description")


def jira_csv_table(tickets: Sequence[Ticket], issue_type: str = "Task") -> tuple[list[str], list[list[str]]]:
    """Header and rows for Jira's CSV importer: one ``Labels`` column per label, padded; formulas neutralised.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_tickets
        >>> header, rows = jira_csv_table(build_tickets([Issue("A", "complaint", "price", "=cmd|' /C calc'!A0")]))
        >>> header
        ['Summary', 'Issue Type', 'Priority', 'Description', 'Labels', 'Labels', 'Labels', 'Component/s']
        >>> rows[0][0]
        "'=cmd|' /C calc'!A0"
    """
    import pandas as pd

    from analyzer.report.tables import neutralize_formulas

    width = max((len(t.labels) for t in tickets), default=1)
    header = [*CSV_FIXED, *["Labels"] * width, "Component/s"]
    rows = [[t.title, issue_type, t.priority, render_wiki(ticket_blocks(t)), *t.labels, *[""] * (width - len(t.labels)),
             t.component or ""] for t in tickets]
    # Positional column names: the repeated "Labels" header would make pandas columns ambiguous.
    frame = neutralize_formulas(pd.DataFrame(rows, columns=[f"c{n}" for n in range(len(header))], dtype=object))
    return header, [[("" if value is None else str(value)) for value in row] for row in frame.itertuples(index=False)]


def write_jira_csv(tickets: Sequence[Ticket], path: Path, issue_type: str = "Task") -> None:
    """Write the Jira CSV importer file (UTF-8, no BOM, minimal quoting, embedded quotes doubled).

    Example:
        >>> import tempfile
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_tickets
        >>> path = Path(tempfile.mkdtemp()) / "jira.csv"
        >>> write_jira_csv(build_tickets([Issue("A", "complaint", "price", 'Too "dear", really')]), path)
        >>> next(csv.reader(path.open(encoding="utf-8", newline="")))[:3]
        ['Summary', 'Issue Type', 'Priority']
    """
    header, rows = jira_csv_table(tickets, issue_type)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)


def _element_errors(error: Mapping[str, Any]) -> str:
    element = error.get("elementErrors") or {}
    parts = [str(m) for m in element.get("errorMessages") or []]
    parts += [f"{field}: {message}" for field, message in (element.get("errors") or {}).items()]
    status = error.get("status")
    return (f"{status}: " if status else "") + ("; ".join(parts) or "rejected without a reason")


class JiraTracker(Tracker):
    """Jira Cloud (v3) or Data Center/Server (v2) through REST.

    Args:
        client: the HTTP client for the site.
        project: the project key (or id).
        version: 3 (Cloud, ADF descriptions) or 2 (Data Center, wiki text).
        issue_type: the issue type name to create.
    """

    family = "jira"

    def __init__(self, client: HttpClient, project: str, *, version: int = 3, issue_type: str = "Task") -> None:
        self.client = client
        self.project = project
        self.version = version
        self.issue_type = issue_type
        self.name = "Jira" if version == 3 else "Jira (v2)"
        self.destination = f"{client.base_url} project {project}"

    def _url(self, key: str) -> str:
        return f"{self.client.base_url}/browse/{key}"

    def _search(self, jql: str) -> Iterator[dict[str, Any]]:
        if self.version == 3:
            token: str | None = None
            while True:
                body: dict[str, Any] = {"jql": jql, "fields": ["labels"], "maxResults": 100}
                if token:
                    body["nextPageToken"] = token
                data = self.client.send_json("POST", "rest/api/3/search/jql", body, safe=True, what="search")
                yield from data.get("issues") or []
                token = data.get("nextPageToken")
                if data.get("isLast", True) or not token:
                    return
        start = 0
        while True:
            data = self.client.get_json("rest/api/2/search", params={"jql": jql, "fields": "labels", "maxResults": 100, "startAt": start},
                                        what="search")
            issues = data.get("issues") or []
            yield from issues
            start += len(issues)
            if not issues or start >= int(data.get("total") or 0):
                return

    def find(self, tickets: Sequence[Ticket]) -> dict[str, Found]:
        """Search by fingerprint label, 50 fingerprints per JQL query; the oldest ticket wins if there are several."""
        found: dict[str, tuple[int, Found]] = {}
        wanted = [t.fingerprint for t in tickets]
        for start in range(0, len(wanted), SEARCH_CHUNK):
            chunk = wanted[start:start + SEARCH_CHUNK]
            quoted = ", ".join(f'"{fp}"' for fp in chunk)
            project = self.project if self.project.isdigit() else f'"{self.project}"'
            for item in self._search(f"project = {project} AND labels in ({quoted})"):
                labels = set((item.get("fields") or {}).get("labels") or [])
                order = int(item["id"]) if str(item.get("id", "")).isdigit() else 0
                for fp in chunk:
                    if fp in labels and (fp not in found or order < found[fp][0]):
                        found[fp] = (order, Found(item["key"], self._url(item["key"])))
        return {fp: value for fp, (_, value) in found.items()}

    def create(self, tickets: Sequence[Ticket]) -> Iterator[list[Created | Failed]]:
        """Bulk-create in chunks of 50; yields the confirmed tickets and per-issue failures of each chunk as it is answered."""
        bodies = jira_bulk_payloads(tickets, project=self.project, issue_type=self.issue_type, version=self.version)
        for number, body in enumerate(bodies):
            chunk = list(tickets[number * BULK_SIZE:(number + 1) * BULK_SIZE])
            chunk_no = f"chunk {number + 1} of {len(bodies)}"
            response = self.client.request("POST", f"rest/api/{self.version}/issue/bulk", json=body, ok=(400,), safe=False,
                                           what=f"bulk create of {len(chunk)} issues ({chunk_no})")
            try:
                data = response.json()
            except ValueError:
                data = {}
            created = [item for item in data.get("issues") or [] if isinstance(item, dict) and item.get("key")]
            errors = {int(e["failedElementNumber"]): _element_errors(e) for e in data.get("errors") or []
                      if isinstance(e, dict) and str(e.get("failedElementNumber", "")).isdigit()}
            if response.status_code == 400 and not errors and not created:
                message = f"400: {body_message(response)}"
                errors = dict.fromkeys(range(len(chunk)), message)
            succeeded = [n for n in range(len(chunk)) if n not in errors]
            if len(created) == len(succeeded):
                pairs = {n: Found(item["key"], self._url(item["key"])) for n, item in zip(succeeded, created, strict=True)}
            else:  # cannot pair answers with requests by position: ask Jira which fingerprint each new issue carries
                by_fp = self.find([chunk[n] for n in succeeded])
                pairs = {n: by_fp[chunk[n].fingerprint] for n in succeeded if chunk[n].fingerprint in by_fp}
            yield [Created(ticket, pairs[n].key, pairs[n].url) if n in pairs
                   else Failed(ticket, errors.get(n, "Jira did not confirm this issue; the next run searches for it"))
                   for n, ticket in enumerate(chunk)]

    def update(self, found: Found, ticket: Ticket, previous: Mapping[str, Any] | None, new_quotes: Sequence[str]) -> None:
        """Add a comment with the new figures and quotes."""
        blocks = update_blocks(ticket, previous, new_quotes)
        body = {"body": adf_document(blocks) if self.version == 3 else render_wiki(blocks)}
        self.client.send_json("POST", f"rest/api/{self.version}/issue/{found.key}/comment", body, safe=False, what=f"comment on {found.key}")

    def status(self, key: str) -> TicketState:
        """Read the issue's status category and resolution date (REST v2, which Cloud and Data Center both serve; see :func:`jira_state`)."""
        data = self.client.get_json(f"rest/api/2/issue/{quote(key, safe='')}", params={"fields": "status,resolutiondate,statuscategorychangedate"},
                                    what=f"status read of {key}")
        return jira_state(data)
