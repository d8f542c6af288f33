"""Pushing to Jira, GitHub, GitLab and Zendesk (mocked HTTP): search before create, bulk chunks, partial failure, never twice."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from analyzer.errors import ExportError
from analyzer.export.auth import Secret
from analyzer.export.credentials import Connection
from analyzer.export.issues import issue_from_dict
from analyzer.export.ledger import Ledger
from analyzer.export.push import Created, PushFailed, Tracker, push
from analyzer.export.targets import ClientSettings, PayloadOptions, get_target
from analyzer.export.tickets import build_tickets

from .roundup_server import free_port
from .test_export_formats import ADF, JIRA_BULK
from .test_export_issues import make_issues

SITE = "https://acme.atlassian.net"
TOKEN = "jira-TOKEN-do-not-leak-91"


def _tickets(count: int, **overrides: Any):
    return build_tickets(issue_from_dict(row) for row in make_issues(count, **overrides))


class FakeJira:
    """A stateful Jira (search/jql, issue/bulk, comments) behind `responses`; `script` injects answers per bulk call."""

    def __init__(self, version: int = 3) -> None:
        self.version = version
        self.issues: list[dict[str, Any]] = []
        self.filed = 0  # keys are never reused, as in Jira
        self.comments: dict[str, list[Any]] = {}
        self.bulk_sizes: list[int] = []
        self.bulk_bodies: list[dict[str, Any]] = []
        self.script: list[Any] = []
        self.reject: set[str] = set()  # summaries the server refuses
        self.search_status: int | None = None
        api = f"{SITE}/rest/api/{version}"
        if version == 3:
            responses.add_callback(responses.POST, f"{api}/search/jql", callback=self._search)
        else:
            responses.add_callback(responses.GET, re.compile(rf"{re.escape(api)}/search\?.*"), callback=self._search)
        responses.add_callback(responses.POST, f"{api}/issue/bulk", callback=self._bulk)
        responses.add_callback(responses.POST, re.compile(rf"{re.escape(api)}/issue/[A-Z]+-\d+/comment"), callback=self._comment)

    def add(self, labels: list[str], summary: str = "filed by hand") -> str:
        self.filed += 1
        number = self.filed
        self.issues.append({"id": str(10000 + number), "key": f"CX-{number}", "fields": {"labels": labels, "summary": summary}})
        return f"CX-{number}"

    def _search(self, request) -> tuple[int, dict[str, str], str]:
        if self.search_status:
            return self.search_status, {}, json.dumps({"errorMessages": ["nope"]})
        if self.version == 3:
            jql = json.loads(request.body)["jql"]
        else:
            jql = parse_qs(urlsplit(request.url).query)["jql"][0]
        assert jql.startswith('project = "CX" AND labels in (')
        wanted = set(re.findall(r'"(cfp-[0-9a-f]+)"', jql))
        hits = [i for i in self.issues if wanted & set(i["fields"]["labels"])]
        body = {"issues": hits, "isLast": True} if self.version == 3 else {"issues": hits, "total": len(hits), "startAt": 0}
        return 200, {}, json.dumps(body)

    def _bulk(self, request) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        self.bulk_bodies.append(body)
        updates = body["issueUpdates"]
        self.bulk_sizes.append(len(updates))
        step = self.script.pop(0) if self.script else "ok"
        if isinstance(step, tuple):  # (status, headers): answer without doing anything
            return step[0], step[1], json.dumps({"errorMessages": ["scripted"]})
        created, errors = [], []
        for n, update in enumerate(updates):
            fields = update["fields"]
            if fields["summary"] in self.reject:
                reason = "Field 'labels' cannot be set. It is not on the appropriate screen"
                errors.append({"failedElementNumber": n, "status": 400, "elementErrors": {"errorMessages": [], "errors": {"labels": reason}}})
                continue
            key = self.add(fields["labels"], fields["summary"])
            created.append({"id": self.issues[-1]["id"], "key": key, "self": f"{SITE}/rest/api/3/issue/{key}"})
        if step == "500-after-create":  # the server made them but the answer was lost
            return 500, {}, json.dumps({"errorMessages": ["Internal server error"]})
        if step == "drop-answers":  # an answer that cannot be paired by position
            created = created[1:]
        return (201 if created or not errors else 400), {}, json.dumps({"issues": created, "errors": errors})

    def _comment(self, request) -> tuple[int, dict[str, str], str]:
        key = request.url.rstrip("/").split("/")[-2]
        if key not in {i["key"] for i in self.issues}:
            return 404, {}, json.dumps({"errorMessages": ["Issue does not exist or you do not have permission to see it."]})
        self.comments.setdefault(key, []).append(json.loads(request.body)["body"])
        return 201, {}, json.dumps({"id": "1"})

    def posts(self, suffix: str) -> int:
        return sum(1 for c in responses.calls if c.request.method == "POST" and c.request.url.endswith(suffix))


def _jira(version: int = 3, sleep: list[float] | None = None, url: str = SITE):
    target = get_target("jira" if version == 3 else "jira-v2")
    settings = ClientSettings(sleep=(sleep if sleep is not None else []).append, min_interval=0.0, retries=2)
    return target.connect(Connection("jira", url, "CX", "me@acme.example", Secret(TOKEN)), PayloadOptions(project="CX"), settings)


@pytest.fixture
def ledger(tmp_path: Path):
    with Ledger(tmp_path / "state.sqlite") as opened:
        yield opened


def _assert_no_token(ledger: Ledger, *texts: str) -> None:
    for text in texts:
        assert TOKEN not in text
    assert TOKEN.encode() not in ledger.path.read_bytes()
    with sqlite3.connect(ledger.path) as conn:
        for table in ("export_ledger", "export_events"):
            for row in conn.execute(f"SELECT * FROM {table}"):  # noqa: S608 - fixed table names
                assert all(TOKEN not in str(value) for value in row)


@responses.activate
def test_export_push_jira_bulk_in_chunks_of_50_and_never_twice(ledger: Ledger) -> None:
    fake = FakeJira()
    tickets = _tickets(120)
    report = push(tickets, _jira(), ledger)
    assert fake.bulk_sizes == [50, 50, 20] and len(fake.issues) == 120
    assert report.count("created") == 120 and report.summary() == "Jira https://acme.atlassian.net project CX: 120 created"
    for body in fake.bulk_bodies:
        JIRA_BULK.validate(body)
    entries = ledger.entries("jira")
    assert len(entries) == 120 and {e.ticket_key for e in entries} == {i["key"] for i in fake.issues}
    assert all(e.destination == "https://acme.atlassian.net project CX" for e in entries)

    again = push(tickets, _jira(), ledger)
    assert again.count("unchanged") == 120 and fake.bulk_sizes == [50, 50, 20] and fake.comments == {}
    assert fake.posts("/search/jql") == 3  # only the first run searched: the ledger knows every ticket now
    _assert_no_token(ledger, report.summary())


@responses.activate
def test_export_push_jira_updates_new_counts_and_quotes_as_a_comment(ledger: Ledger) -> None:
    fake = FakeJira()
    push(_tickets(3), _jira(), ledger)
    rows = make_issues(3)
    rows[0]["n_comments"] += 10
    rows[1]["examples"] = [*rows[1]["examples"][:2], "a brand new quote"]
    changed = build_tickets(issue_from_dict(r) for r in rows)
    report = push(changed, _jira(), ledger)
    assert [o.action for o in report.outcomes] == ["updated", "updated", "unchanged"]
    assert len(fake.issues) == 3 and sorted(fake.comments) == ["CX-1", "CX-2"]
    first = json.dumps(fake.comments["CX-1"][0])
    assert f"{rows[0]['n_comments']} (was {rows[0]['n_comments'] - 10})" in first and "New quotes" not in first
    second = json.dumps(fake.comments["CX-2"][0])
    assert "a brand new quote" in second and "quote 1 a" not in second
    for comment in fake.comments["CX-1"] + fake.comments["CX-2"]:
        ADF.validate(comment)
    assert ledger.get("jira", "https://acme.atlassian.net project CX", changed[0].fingerprint).sent_state["n_comments"] == rows[0]["n_comments"]
    assert [e["action"] for e in ledger.events()] == ["created"] * 3 + ["updated"] * 2
    assert push(changed, _jira(), ledger).count("unchanged") == 3  # the update itself is not repeated


@responses.activate
def test_export_push_jira_ticket_gone_from_the_tracker_is_found_again_or_filed_anew(ledger: Ledger) -> None:
    fake = FakeJira()
    push(_tickets(3), _jira(), ledger)
    del fake.issues[0]  # CX-1 deleted by someone
    fake.issues[0]["key"] = "OPS-7"  # CX-2 moved to another project; it keeps its labels
    rows = make_issues(3)
    for row in rows:
        row["n_comments"] += 5
    changed = build_tickets(issue_from_dict(r) for r in rows)
    report = push(changed, _jira(), ledger)
    assert [(o.action, o.key) for o in report.outcomes] == [("created", "CX-4"), ("adopted", "OPS-7"), ("updated", "CX-3")]
    assert sorted(i["key"] for i in fake.issues) == ["CX-3", "CX-4", "OPS-7"]
    assert sorted(fake.comments) == ["CX-3", "OPS-7"]  # the adopted ticket gets the full figures, the known one the change
    dest = "https://acme.atlassian.net project CX"
    assert [ledger.get("jira", dest, t.fingerprint).ticket_key for t in changed] == ["CX-4", "OPS-7", "CX-3"]
    again = push(changed, _jira(), ledger)
    assert again.count("unchanged") == 3 and len(fake.issues) == 3  # one ticket per fingerprint, nothing filed twice


@responses.activate
def test_export_push_jira_searches_before_creating(ledger: Ledger) -> None:
    fake = FakeJira()
    tickets = _tickets(3)
    fake.add(["customer-complaint", tickets[0].fingerprint])  # filed earlier, ledger lost or another machine
    fake.add(["customer-complaint", tickets[2].fingerprint])
    report = push(tickets, _jira(), ledger)
    assert [(o.action, o.key) for o in report.outcomes] == [("adopted", "CX-1"), ("created", "CX-3"), ("adopted", "CX-2")]
    assert len(fake.issues) == 3 and fake.bulk_sizes == [1] and sorted(fake.comments) == ["CX-1", "CX-2"]
    assert {e.ticket_key for e in ledger.entries()} == {"CX-1", "CX-2", "CX-3"}


@responses.activate
def test_export_push_jira_partial_failure_then_rerun_finishes(ledger: Ledger) -> None:
    fake = FakeJira()
    tickets = _tickets(5)
    fake.reject = {"Problem number 1"}
    with pytest.raises(PushFailed) as caught:
        push(tickets, _jira(), ledger)
    assert str(caught.value) == ("Jira at https://acme.atlassian.net project CX: 1 of 5 issues could not be exported "
                                 "(BLK-0001: 400: labels: Field 'labels' cannot be set. It is not on the appropriate screen); "
                                 "the others are recorded; fix the cause and run again")
    assert [o.action for o in caught.value.report.outcomes] == ["created", "failed", "created", "created", "created"]
    assert len(ledger.entries()) == 4 and len(fake.issues) == 4
    fake.reject = set()
    report = push(tickets, _jira(), ledger)
    assert [o.action for o in report.outcomes] == ["unchanged", "created", "unchanged", "unchanged", "unchanged"]
    assert len(fake.issues) == 5 and len(ledger.entries()) == 5 and fake.bulk_sizes == [5, 1]


@responses.activate
def test_export_push_jira_500_mid_bulk_keeps_ledger_consistent_and_rerun_completes(ledger: Ledger) -> None:
    fake = FakeJira()
    tickets = _tickets(120)
    fake.script = ["ok", (500, {})]
    with pytest.raises(PushFailed) as caught:
        push(tickets, _jira(), ledger)
    message = str(caught.value)
    assert message.startswith("Jira at https://acme.atlassian.net: 500 Internal Server Error during bulk create of 50 issues (chunk 2 of 3)")
    assert message.endswith("stopped: 50 of 120 tickets were created or updated and recorded before it; "
                            "run the same command again to finish (nothing already filed is filed twice)")
    assert caught.value.report.count("created") == 50 and caught.value.report.count("not reached") == 70
    assert len(ledger.entries()) == 50 and len(fake.issues) == 50
    report = push(tickets, _jira(), ledger)
    assert report.count("unchanged") == 50 and report.count("created") == 70
    assert fake.bulk_sizes == [50, 50, 50, 20] and len(fake.issues) == 120 and len(ledger.entries()) == 120


@responses.activate
def test_export_push_jira_lost_answer_is_found_by_search_not_duplicated(ledger: Ledger) -> None:
    fake = FakeJira()
    tickets = _tickets(120)
    fake.script = ["ok", "500-after-create"]  # Jira made the second chunk but the answer was a 500
    with pytest.raises(PushFailed):
        push(tickets, _jira(), ledger)
    assert len(ledger.entries()) == 50 and len(fake.issues) == 100
    report = push(tickets, _jira(), ledger)
    assert report.count("adopted") == 50 and report.count("created") == 20 and report.count("unchanged") == 50
    assert len(fake.issues) == 120 and len({i["fields"]["labels"][-1] for i in fake.issues}) == 120


@responses.activate
def test_export_push_jira_unpairable_answer_is_resolved_by_search(ledger: Ledger) -> None:
    fake = FakeJira()
    fake.script = ["drop-answers"]
    report = push(_tickets(4), _jira(), ledger)
    assert report.count("created") == 4 and len(fake.issues) == 4
    assert {e.ticket_key for e in ledger.entries()} == {"CX-1", "CX-2", "CX-3", "CX-4"}


@responses.activate
def test_export_push_jira_401_is_clear_and_leaks_nothing(ledger: Ledger) -> None:
    fake = FakeJira()
    fake.search_status = 401
    with pytest.raises(PushFailed) as caught:
        push(_tickets(2), _jira(), ledger)
    assert str(caught.value).startswith("Jira at https://acme.atlassian.net: 401 Unauthorized during search; "
                                        "check JIRA_EMAIL and JIRA_TOKEN (or --user and --token); stopped: 0 of 2")
    assert caught.value.exit_code == 5 and ledger.entries() == [] and fake.issues == []
    _assert_no_token(ledger, str(caught.value))


@responses.activate
def test_export_push_jira_429_with_retry_after_then_success(ledger: Ledger) -> None:
    fake = FakeJira()
    fake.script = [(429, {"Retry-After": "3"})]
    slept: list[float] = []
    report = push(_tickets(2), _jira(sleep=slept), ledger)
    assert slept == [3.0] and report.count("created") == 2 and fake.bulk_sizes == [2, 2] and len(fake.issues) == 2


def test_export_push_jira_tracker_down(ledger: Ledger) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(PushFailed) as caught:
        push(_tickets(2), _jira(url=url), ledger)
    assert str(caught.value).startswith(f"Jira at {url}: connection refused during search after 3 tries; check the URL and that the tracker is up")
    assert ledger.entries() == []


@responses.activate
def test_export_push_jira_dry_run_searches_and_writes_nothing(tmp_path: Path) -> None:
    fake = FakeJira()
    tickets = _tickets(3)
    fake.add(["customer-complaint", tickets[1].fingerprint])
    store = tmp_path / "never.sqlite"
    with Ledger(store, readonly=True) as readonly:
        report = push(tickets, _jira(), readonly, dry_run=True)
    assert [(o.action, o.key) for o in report.outcomes] == [("would create", None), ("would update", "CX-1"), ("would create", None)]
    assert not store.exists() and fake.bulk_sizes == [] and fake.comments == {}


@responses.activate
def test_export_push_jira_v2_uses_get_search_and_wiki_text(ledger: Ledger) -> None:
    fake = FakeJira(version=2)
    tickets = _tickets(2)
    fake.add(["x", tickets[0].fingerprint])
    report = push(tickets, _jira(version=2), ledger)
    assert [o.action for o in report.outcomes] == ["adopted", "created"]
    assert isinstance(fake.bulk_bodies[0]["issueUpdates"][0]["fields"]["description"], str)
    assert isinstance(fake.comments["CX-1"][0], str) and "Update from the feedback analyzer" in fake.comments["CX-1"][0]


# GitHub, GitLab, Zendesk: one create per request, the same never-twice rules.

GH = "https://api.github.com"


def _client_settings(slept: list[float]) -> ClientSettings:
    return ClientSettings(sleep=slept.append, retries=1)


@responses.activate
def test_export_push_github_label_plus_marker_search_and_serial_creates(ledger: Ledger) -> None:
    tickets = _tickets(3)
    marker = f"<!-- complaint-analyzer fingerprint: {tickets[0].fingerprint} -->"
    page2 = f"{GH}/repositories/1/issues?labels=complaint-analyzer&state=all&per_page=100&page=2"
    responses.get(f"{GH}/repos/octo/shop/issues", match=[responses.matchers.query_param_matcher(
        {"labels": "complaint-analyzer", "state": "all", "per_page": "100"})],
        json=[{"number": 7, "html_url": f"{GH}/7", "body": "no marker here"},
              {"number": 8, "html_url": f"{GH}/8", "body": f"a pull request\n{marker}", "pull_request": {}}],
        headers={"Link": f'<{page2}>; rel="next"'})
    responses.get(page2, json=[{"number": 3, "html_url": "https://github.com/octo/shop/issues/3", "body": f"text\n\n{marker}"}])
    created = iter(range(20, 30))
    responses.add_callback(responses.POST, f"{GH}/repos/octo/shop/issues",
                           callback=lambda r: (201, {}, json.dumps({"number": (n := next(created)), "html_url": f"{GH}/{n}"})))
    responses.post(f"{GH}/repos/octo/shop/issues/3/comments", status=201, json={"id": 1})
    slept: list[float] = []
    tracker = get_target("github").connect(Connection("github", GH, "octo/shop", None, Secret(TOKEN)), PayloadOptions(), _client_settings(slept))
    report = push(tickets, tracker, ledger)
    assert [(o.action, o.key) for o in report.outcomes] == [("adopted", "#3"), ("created", "#20"), ("created", "#21")]
    assert len(slept) >= 1 and all(0 < s <= 1.0 for s in slept)  # creates are spaced by a second
    sent = json.loads(next(c for c in responses.calls if c.request.url.endswith("/issues") and c.request.method == "POST").request.body)
    assert sent["labels"][-2:] == ["complaint-analyzer", "priority-low"] and "<!-- complaint-analyzer fingerprint" in sent["body"]
    assert responses.calls[0].request.headers["X-GitHub-Api-Version"] == "2022-11-28"
    again = push(tickets, tracker, ledger)
    assert again.count("unchanged") == 3


@responses.activate
def test_export_push_github_422_fails_one_issue_only(ledger: Ledger) -> None:
    responses.get(f"{GH}/repos/octo/shop/issues", json=[])
    responses.post(f"{GH}/repos/octo/shop/issues", status=422, json={"message": "Validation Failed",
                                                                    "errors": [{"message": "title is too long (maximum is 256 characters)"}]})
    responses.post(f"{GH}/repos/octo/shop/issues", status=201, json={"number": 5, "html_url": f"{GH}/5"})
    tracker = get_target("github").connect(Connection("github", GH, "octo/shop", None, Secret(TOKEN)), PayloadOptions(), _client_settings([]))
    with pytest.raises(PushFailed) as caught:
        push(_tickets(2), tracker, ledger)
    assert "1 of 2 issues could not be exported (BLK-0000: GitHub at https://api.github.com: 422 during create of BLK-0000: " \
           "Validation Failed; title is too long (maximum is 256 characters))" in str(caught.value)
    assert [o.action for o in caught.value.report.outcomes] == ["failed", "created"] and len(ledger.entries()) == 1


@responses.activate
def test_export_push_gitlab_label_search_create_and_note(ledger: Ledger) -> None:
    base = "https://gitlab.example/api/v4/projects/shop%2Fweb"
    tickets = _tickets(2)
    responses.get(f"{base}/issues", match=[responses.matchers.query_param_matcher({"labels": tickets[0].fingerprint, "state": "all", "per_page": "20"})],
                  json=[{"iid": 4, "web_url": "https://gitlab.example/shop/web/-/issues/4", "labels": [tickets[0].fingerprint]}])
    responses.get(f"{base}/issues", json=[])
    responses.post(f"{base}/issues", status=201, json={"iid": 9, "web_url": "https://gitlab.example/shop/web/-/issues/9"})
    responses.post(f"{base}/issues/4/notes", status=201, json={"id": 1})
    tracker = get_target("gitlab").connect(Connection("gitlab", "https://gitlab.example", "shop/web", None, Secret(TOKEN)), PayloadOptions(),
                                           _client_settings([]))
    report = push(tickets, tracker, ledger)
    assert [(o.action, o.key) for o in report.outcomes] == [("adopted", "#4"), ("created", "#9")]
    create = next(c for c in responses.calls if c.request.method == "POST" and c.request.url.endswith("/issues"))
    assert create.request.headers["PRIVATE-TOKEN"] == TOKEN and tickets[1].fingerprint in json.loads(create.request.body)["labels"].split(",")
    _assert_no_token(ledger)


@responses.activate
def test_export_push_zendesk_external_id_search_create_and_comment(ledger: Ledger) -> None:
    base = "https://acme.zendesk.com/api/v2"
    tickets = _tickets(2)
    responses.get(f"{base}/tickets.json", match=[responses.matchers.query_param_matcher({"external_id": tickets[0].fingerprint})],
                  json={"tickets": [{"id": 77, "external_id": tickets[0].fingerprint}]})
    responses.get(f"{base}/tickets.json", json={"tickets": []})
    responses.post(f"{base}/tickets.json", status=201, json={"ticket": {"id": 78}})
    responses.put(f"{base}/tickets/77.json", json={"ticket": {"id": 77}})
    tracker = get_target("zendesk").connect(Connection("zendesk", "https://acme.zendesk.com", None, "agent@acme.example", Secret(TOKEN)),
                                            PayloadOptions(), _client_settings([]))
    report = push(tickets, tracker, ledger)
    assert [(o.action, o.key) for o in report.outcomes] == [("adopted", "77"), ("created", "78")]
    put = next(c for c in responses.calls if c.request.method == "PUT")
    assert json.loads(put.request.body)["ticket"]["comment"]["public"] is False
    post = next(c for c in responses.calls if c.request.method == "POST")
    assert json.loads(post.request.body)["ticket"]["external_id"] == tickets[1].fingerprint


class _LaggingTracker(Tracker):
    """A tracker whose search does not see tickets filed moments ago (search indexes lag) and whose creates are slow."""

    family, name, destination = "fake", "Fake", "mem://board"

    def __init__(self, board: list[str], guard: threading.Lock) -> None:
        self.board, self.guard = board, guard

    def find(self, tickets):
        return {}

    def create(self, tickets):
        for ticket in tickets:
            time.sleep(0.05)
            with self.guard:
                self.board.append(ticket.fingerprint)
                key = f"F-{len(self.board)}"
            yield [Created(ticket, key)]

    def update(self, found, ticket, previous, new_quotes) -> None:
        raise AssertionError("nothing changed: no update is due")


def test_push_two_pushes_at_once_file_each_ticket_once(tmp_path: Path) -> None:
    tickets, board, guard = _tickets(4), [], threading.Lock()
    reports, errors = [], []

    def run() -> None:
        try:
            with Ledger(tmp_path / "state.sqlite") as ledger:
                reports.append(push(tickets, _LaggingTracker(board, guard), ledger))
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert sorted(board) == sorted(t.fingerprint for t in tickets)  # each filed once, though search saw nothing
    assert sorted(tuple(o.action for o in r.outcomes) for r in reports) == [("created",) * 4, ("unchanged",) * 4]


def test_push_waiting_for_another_push_too_long_is_one_clear_error(tmp_path: Path) -> None:
    holder = Ledger(tmp_path / "state.sqlite")
    with holder.exclusive(), Ledger(tmp_path / "state.sqlite") as ledger:
        with pytest.raises(ExportError, match=r"state.sqlite: another export has been pushing through this state file for over 0 s"):
            with ledger.exclusive(wait=0.2):
                pass
        assert push(_tickets(1), _LaggingTracker([], threading.Lock()), ledger, dry_run=True).outcomes[0].action == "would create"
    holder.close()
    with Ledger(tmp_path / "state.sqlite") as ledger, ledger.exclusive(wait=0):  # released with its holder
        pass
