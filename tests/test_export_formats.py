"""Export files and payloads: official JSON schemas, the Jira CSV read back, neutralised spreadsheet cells, atomic folders."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pandas as pd
import pytest

from analyzer.errors import OutputExists
from analyzer.export.blocks import ticket_blocks, update_blocks
from analyzer.export.github import github_payload
from analyzer.export.gitlab import gitlab_payload
from analyzer.export.issues import issue_from_dict, load_issues, select_issues
from analyzer.export.jira import adf_document, jira_bulk_payloads, jira_payload
from analyzer.export.render import render_wiki
from analyzer.export.targets import PayloadOptions, get_target, write_export
from analyzer.export.tickets import build_tickets
from analyzer.export.zendesk import zendesk_payload

from .conftest import DATA
from .test_export_issues import SAMPLE_ISSUES, make_issues, write_analysis

SCHEMAS = DATA / "schemas"


def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    return cls(schema)


ADF = _validator("jira-adf-v1-full.json")
JIRA_ISSUE = _validator("jira-cloud-create-issue.json")
JIRA_BULK = _validator("jira-cloud-create-issues-bulk.json")
GITHUB = _validator("github-issues-create.json")


@pytest.fixture(scope="module")
def tickets(tmp_path_factory):
    folder = write_analysis(tmp_path_factory.mktemp("formats") / "analysis")
    return build_tickets(select_issues(load_issues(folder), include_praise=True))


def test_export_formats_schemas_reject_bad_payloads() -> None:
    # the validators are real: they refuse what the trackers refuse
    assert not ADF.is_valid({"type": "text", "text": "bare text at top level"})
    assert not ADF.is_valid({"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}]})
    assert not GITHUB.is_valid({"body": "no title"})
    assert not JIRA_ISSUE.is_valid({"fields": {}, "properties": [{"key": "k", "value": 1, "extra": True}]})


def test_export_formats_jira_v3_payloads_and_adf_validate(tickets) -> None:
    for ticket in tickets:
        payload = jira_payload(ticket, project="CX")
        JIRA_ISSUE.validate(payload)
        ADF.validate(payload["fields"]["description"])
        ADF.validate(adf_document(update_blocks(ticket, {"n_comments": 1}, ["a new quote"])))
        fields = payload["fields"]
        assert fields["summary"] == ticket.title and fields["priority"] == {"name": ticket.priority}
        assert fields["labels"] == list(ticket.labels) and ticket.fingerprint in fields["labels"]
        assert fields["project"] == {"key": "CX"} and fields["issuetype"] == {"name": "Task"}
        assert payload["properties"] == [{"key": "complaint-analyzer", "value": {"fingerprint": ticket.fingerprint,
                                                                                  "issue_id": ticket.issue.issue_id}}]


def test_export_formats_jira_bulk_validates_in_chunks_of_50() -> None:
    many = build_tickets(issue_from_dict(row) for row in make_issues(120))
    bodies = jira_bulk_payloads(many, project="CX")
    assert [len(b["issueUpdates"]) for b in bodies] == [50, 50, 20]
    for body in bodies:
        JIRA_BULK.validate(body)


def test_export_formats_jira_v2_has_wiki_text_description(tickets) -> None:
    payload = jira_payload(tickets[0], project="10001", version=2)
    JIRA_ISSUE.validate(payload)
    assert payload["fields"]["project"] == {"id": "10001"}
    assert payload["fields"]["description"] == render_wiki(ticket_blocks(tickets[0]))


def test_export_formats_github_payloads_validate(tickets) -> None:
    for ticket in tickets:
        payload = github_payload(ticket)
        GITHUB.validate(payload)
        assert len(payload["title"]) <= 256 and len(payload["body"]) <= 65_536
        assert "complaint-analyzer" in payload["labels"] and ticket.fingerprint not in payload["labels"]
        assert payload["body"].rstrip().endswith(f"<!-- complaint-analyzer fingerprint: {ticket.fingerprint} -->")


def test_export_formats_gitlab_and_zendesk_payloads(tickets) -> None:
    ticket = tickets[0]
    gitlab = gitlab_payload(ticket)
    assert gitlab["labels"].split(",") == [*ticket.labels, "priority-highest"]
    zendesk = zendesk_payload(ticket)["ticket"]
    assert zendesk["external_id"] == ticket.fingerprint and zendesk["priority"] == "urgent" and ticket.fingerprint in zendesk["tags"]


def _read_jira_csv(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM: it would end up in the first header name
    with open(path, encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert all(len(row) == len(header) for row in rows)
    records = []
    for row in rows:
        record: dict[str, Any] = {"Labels": []}
        for name, value in zip(header, row, strict=True):
            if name == "Labels":
                record["Labels"] += [value] if value else []
            else:
                record[name] = value
        records.append(record)
    return records


def test_export_formats_jira_csv_parses_back_into_the_same_fields(tickets, tmp_path: Path) -> None:
    write_export(get_target("jira-csv"), tickets, tmp_path / "out", PayloadOptions(issue_type="Bug"))
    path = tmp_path / "out" / "jira-import.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[:4] == ["Summary", "Issue Type", "Priority", "Description"] and header[-1] == "Component/s"
    assert header[4:-1] == ["Labels"] * max(len(t.labels) for t in tickets)
    records = _read_jira_csv(path)
    assert len(records) == len(tickets)
    for record, ticket in zip(records, tickets, strict=True):
        title = ticket.title if not ticket.title.startswith("=") else "'" + ticket.title
        assert record == {"Summary": title, "Issue Type": "Bug", "Priority": ticket.priority,
                          "Description": render_wiki(ticket_blocks(ticket)), "Labels": list(ticket.labels), "Component/s": ticket.component}
    # quotes, commas, newlines and non-Latin text survive the round trip
    assert '\\"никто не позвонил\\"' not in records[0]["Description"] and '"никто не позвонил"' in records[0]["Description"]
    assert "\n" in records[0]["Description"]


RISKY = ["=1+1", "+1 hidden fee", "-5% off", "@SUM(A1)", "\tTab", "\rCR"]


@pytest.mark.parametrize("target", ["jira-csv", "csv", "xlsx"])
def test_export_formats_spreadsheet_cells_are_neutralised(tmp_path: Path, target: str) -> None:
    rows = [{"issue_id": f"R-{n}", "kind": "complaint", "touchpoint": "price", "title": text, "examples": [text, "fine"],
             "n_comments": 5, "status": "active"} for n, text in enumerate(RISKY)]
    tickets = build_tickets(issue_from_dict(row) for row in rows)
    paths = write_export(get_target(target), tickets, tmp_path / target)
    data = next(p for p in paths if p.name != "manifest.json")
    if target == "xlsx":
        sheet = openpyxl.load_workbook(data).active
        cells = [str(c.value) for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    elif target == "csv":
        frame = pd.read_csv(data, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        cells = [v for column in frame.columns for v in frame[column]]
    else:
        with open(data, encoding="utf-8", newline="") as handle:
            cells = [v for row in list(csv.reader(handle))[1:] for v in row]
    assert cells
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    titles = {c for c in cells if c.lstrip("'") in RISKY}
    assert titles >= {"'" + text for text in RISKY[:4]}  # tabs and CRs at the start of a title or quote are tidied away before


def test_export_formats_generic_json_and_markdown(tickets, tmp_path: Path) -> None:
    write_export(get_target("json"), tickets, tmp_path / "json")
    records = json.loads((tmp_path / "json" / "issues.json").read_text(encoding="utf-8"))
    assert [r["fingerprint"] for r in records] == [t.fingerprint for t in tickets]
    assert records[0]["quotes"][1] == "Courier never called, write to [EMAIL]"
    write_export(get_target("markdown"), tickets, tmp_path / "md")
    text = (tmp_path / "md" / "issues.md").read_text(encoding="utf-8")
    assert text.count("\n## ") == len(tickets) and "## Late delivery (Highest)" in text


def test_export_formats_payload_files(tickets, tmp_path: Path) -> None:
    paths = write_export(get_target("jira"), tickets, tmp_path / "jira", PayloadOptions(project="CX"))
    assert [p.name for p in paths] == ["bulk-001.json", "issues.jsonl", "manifest.json"]
    for line in (tmp_path / "jira" / "issues.jsonl").read_text(encoding="utf-8").splitlines():
        JIRA_ISSUE.validate(json.loads(line))
    JIRA_BULK.validate(json.loads((tmp_path / "jira" / "bulk-001.json").read_text(encoding="utf-8")))
    write_export(get_target("github"), tickets, tmp_path / "github")
    for line in (tmp_path / "github" / "issues.jsonl").read_text(encoding="utf-8").splitlines():
        GITHUB.validate(json.loads(line))
    manifest = json.loads((tmp_path / "github" / "manifest.json").read_text())
    assert manifest["target"] == "github" and [i["fingerprint"] for i in manifest["issues"]] == [t.fingerprint for t in tickets]
    paths = write_export(get_target("zendesk"), tickets, tmp_path / "zendesk")
    assert [p.name for p in paths] == ["create_many-001.json", "manifest.json", "tickets.jsonl"]


def test_export_formats_folder_is_replaced_whole_and_only_if_it_is_an_export(tickets, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    write_export(get_target("jira"), tickets, folder)
    write_export(get_target("csv"), tickets[:1], folder)  # a previous export: replaced as a whole
    assert sorted(p.name for p in folder.iterdir()) == ["issues.csv", "manifest.json"]
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(OutputExists) as caught:
        write_export(get_target("csv"), tickets, other)
    assert str(caught.value) == f"{other}: holds files that are not an earlier export; pass --force to replace it or --out to write elsewhere"
    assert (other / "notes.txt").read_text() == "keep me"


def test_export_formats_failed_write_leaves_previous_export(tickets, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "out"
    write_export(get_target("json"), tickets, folder)
    before = (folder / "issues.json").read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("analyzer.export.files.write_tickets_json", boom)
    from analyzer.export import targets

    monkeypatch.setitem(targets.TARGETS, "json", targets.Target("json", None, "x", targets._single(boom, "issues.json")))
    with pytest.raises(RuntimeError):
        write_export(targets.TARGETS["json"], tickets, folder)
    assert (folder / "issues.json").read_bytes() == before


def test_export_formats_sample_has_all_kinds() -> None:
    assert {row["kind"] for row in SAMPLE_ISSUES} == {"complaint", "praise"}
