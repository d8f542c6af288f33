"""Each tracker's status read, against recorded answers (HTTP faked with ``responses``), and the online reader's error handling."""

from __future__ import annotations

import base64
from datetime import date

import pytest
import responses

from analyzer.errors import UsageError
from analyzer.export.ledger import Entry
from analyzer.export.push import TicketState
from analyzer.followup.online import OnlineSettings, read_online, split_destination, tracker_for

ENV = {"JIRA_EMAIL": "me@x.example", "JIRA_TOKEN": "jira-SECRET-1", "GITHUB_TOKEN": "ghp-SECRET-2", "GITLAB_TOKEN": "glpat-SECRET-3",
       "ZENDESK_EMAIL": "agent@z.example", "ZENDESK_TOKEN": "zd-SECRET-4", "ROUNDUP_USER": "admin", "ROUNDUP_PASSWORD": "ru-SECRET-5"}
SETTINGS = OnlineSettings(environ=ENV, keyring_get=None, retries=0)

# Answers as the trackers give them (trimmed to the fields read, plus some around them).
ROUNDUP_CLOSED = {"data": {"id": "7", "type": "issue", "link": "http://rt.example/tracker/rest/data/issue/7", "attributes": {
    "activity": "2026-02-03.16:30:49", "status": {"id": "8", "link": "http://rt.example/tracker/rest/data/status/8", "name": "resolved"}},
    "@etag": "\"bbd0\""}}
GITHUB_CLOSED = {"number": 4, "state": "closed", "state_reason": "completed", "closed_at": "2026-02-04T09:12:00Z", "title": "Late delivery",
                 "html_url": "https://github.com/o/r/issues/4", "labels": [{"name": "complaint-analyzer"}]}
GITLAB_CLOSED = {"iid": 3, "state": "closed", "closed_at": "2026-02-05T10:00:00.000Z", "updated_at": "2026-02-07T10:00:00.000Z",
                 "web_url": "https://gitlab.com/shop/web/-/issues/3"}
JIRA_DONE = {"id": "10042", "key": "CX-9", "fields": {"resolutiondate": "2026-02-06T11:00:00.000+0000", "statuscategorychangedate":
             "2026-02-06T11:00:01.000+0000", "status": {"name": "Fertig", "statusCategory": {"id": 3, "key": "done", "name": "Done"}}}}
ZENDESK_SOLVED = {"ticket": {"id": 55, "status": "solved", "updated_at": "2026-02-10T08:00:00Z", "external_id": "cfp-1"}}
ZENDESK_METRIC = {"ticket_metric": {"ticket_id": 55, "solved_at": "2026-02-07T15:00:00Z"}}

CASES = [
    ("roundup", "http://rt.example/tracker", "issue7", "http://rt.example/tracker/rest/data/issue/7", ROUNDUP_CLOSED,
     TicketState("closed", "2026-02-03", "resolved")),
    ("github", "https://api.github.com repo o/r", "#4", "https://api.github.com/repos/o/r/issues/4", GITHUB_CLOSED,
     TicketState("closed", "2026-02-04", "closed (completed)")),
    ("gitlab", "https://gitlab.com project shop/web", "#3", "https://gitlab.com/api/v4/projects/shop%2Fweb/issues/3", GITLAB_CLOSED,
     TicketState("closed", "2026-02-05", "closed")),
    ("jira", "https://j.example project CX", "CX-9", "https://j.example/rest/api/2/issue/CX-9", JIRA_DONE,
     TicketState("closed", "2026-02-06", "Fertig")),
]


@pytest.mark.parametrize(("family", "destination", "key", "url", "answer", "expected"), CASES)
@responses.activate
def test_followup_tracker_reads_a_closed_ticket(family, destination, key, url, answer, expected) -> None:
    responses.get(url, json=answer)
    assert tracker_for(family, destination, SETTINGS).status(key) == expected
    request = responses.calls[0].request
    assert request.method == "GET" and request.headers.get("Authorization", request.headers.get("PRIVATE-TOKEN"))


@responses.activate
def test_followup_tracker_reads_open_tickets() -> None:
    responses.get("http://rt.example/tracker/rest/data/issue/8", json={"data": {"attributes": {
        "activity": "2026-02-03.16:30:49", "status": {"id": "5", "name": "in-progress"}}}})
    responses.get("https://api.github.com/repos/o/r/issues/5", json={"number": 5, "state": "open", "closed_at": None, "state_reason": "reopened"})
    responses.get("https://gitlab.com/api/v4/projects/shop%2Fweb/issues/4", json={"iid": 4, "state": "opened", "closed_at": None})
    responses.get("https://j.example/rest/api/2/issue/CX-10", json={"fields": {"status": {"name": "In Review", "statusCategory": {"key": "indeterminate"}}}})
    responses.get("https://z.example/api/v2/tickets/56.json", json={"ticket": {"id": 56, "status": "pending"}})
    got = [tracker_for("roundup", "http://rt.example/tracker", SETTINGS).status("issue8"),
           tracker_for("github", "https://api.github.com repo o/r", SETTINGS).status("#5"),
           tracker_for("gitlab", "https://gitlab.com project shop/web", SETTINGS).status("#4"),
           tracker_for("jira", "https://j.example project CX", SETTINGS).status("CX-10"),
           tracker_for("zendesk", "https://z.example", SETTINGS).status("56")]
    assert got == [TicketState("open", None, "in-progress"), TicketState("open", None, "open"), TicketState("open", None, "opened"),
                   TicketState("open", None, "In Review"), TicketState("open", None, "pending")]
    assert len(responses.calls) == 5  # an open Zendesk ticket needs no metrics read


@responses.activate
def test_followup_zendesk_solved_day_comes_from_the_ticket_metric() -> None:
    responses.get("https://z.example/api/v2/tickets/55.json", json=ZENDESK_SOLVED)
    responses.get("https://z.example/api/v2/tickets/55/metrics.json", json=ZENDESK_METRIC)
    assert tracker_for("zendesk", "https://z.example", SETTINGS).status("55") == TicketState("closed", "2026-02-07", "solved")
    sent = responses.calls[0].request.headers["Authorization"]
    assert base64.b64decode(sent.split()[1]).decode() == "agent@z.example/token:zd-SECRET-4"


@responses.activate
def test_followup_read_online_keeps_going_past_a_missing_ticket_and_stops_a_refusing_tracker() -> None:
    responses.get("http://rt.example/tracker/rest/data/issue/7", json=ROUNDUP_CLOSED)
    responses.get("http://rt.example/tracker/rest/data/issue/9", status=404, json={"error": {"status": 404, "msg": "issue9 not found"}})
    responses.get("https://api.github.com/repos/o/r/issues/4", status=401, json={"message": "Bad credentials"})
    entries = [Entry("roundup", "http://rt.example/tracker", "cfp-1", "A", "issue7"), Entry("roundup", "http://rt.example/tracker", "cfp-2", "B", "issue9"),
               Entry("github", "https://api.github.com repo o/r", "cfp-1", "A", "#4"), Entry("github", "https://api.github.com repo o/r", "cfp-3", "C", "#6")]
    warnings: list[str] = []

    class Recorder:
        def info(self, message: str) -> None:
            pass

        def warn(self, message: str) -> None:
            warnings.append(message)

    found = read_online(entries, SETTINGS, Recorder())
    closed = found[("roundup", "http://rt.example/tracker", "issue7")]
    assert (closed.status, closed.closed_at, closed.source, closed.tracker_status) == ("closed", date(2026, 2, 3), "tracker", "resolved")
    missing = found[("roundup", "http://rt.example/tracker", "issue9")]
    assert missing.status == "unknown" and "404 during status read of issue9: issue9 not found" in missing.note
    refused = [found[("github", "https://api.github.com repo o/r", key)] for key in ("#4", "#6")]
    assert all(s.status == "unknown" and "401 Unauthorized during status read of #4; check GITHUB_TOKEN" in s.note for s in refused)
    assert len(responses.calls) == 3  # #6 is not asked once the tracker refused the credentials
    assert len(warnings) == 2 and not any("SECRET" in w for w in warnings) and not any("SECRET" in s.note for s in found.values())


def test_followup_missing_credentials_are_a_usage_error_naming_the_variables() -> None:
    with pytest.raises(UsageError) as caught:
        read_online([Entry("gitlab", "https://gitlab.com project shop/web", "cfp-1", "A", "#3")], OnlineSettings(environ={}, keyring_get=None))
    assert str(caught.value) == ("--check-tickets: cannot read the statuses of the gitlab tickets at https://gitlab.com project shop/web: "
                                 "set GITLAB_TOKEN (the token may instead be stored with: keyring set feedback-analyzer gitlab)")
    with pytest.raises(UsageError, match=r"zendesk tickets at https://z.example: set ZENDESK_EMAIL and ZENDESK_TOKEN \(the token"):
        tracker_for("zendesk", "https://z.example", OnlineSettings(environ={"ZENDESK_TOKEN": "t"}, keyring_get=None))


def test_followup_destinations_split_as_the_export_writes_them() -> None:
    assert split_destination("gitlab", "https://gitlab.example/x project 42") == ("https://gitlab.example/x", "42")
    assert split_destination("zendesk", "https://z.example") == ("https://z.example", None)
    with pytest.raises(UsageError, match="not '<url> repo <name>'"):
        split_destination("github", "https://api.github.com")
    with pytest.raises(UsageError, match="known: jira, github"):
        tracker_for("trello", "https://t.example", SETTINGS)
