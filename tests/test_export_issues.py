"""Reading issues.json of an analysis folder and choosing what to export; sample analysis folders for the other export tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from analyzer.errors import ExportError, UsageError
from analyzer.export.issues import Issue, fingerprint_of, load_issues, select_issues, store_path

SAMPLE_ISSUES: list[dict[str, Any]] = [
    {"issue_id": "LOG-K2Q7", "kind": "complaint", "touchpoint": "logistics", "title": "Late delivery",
     "key_phrases": ["late", "courier", "days"], "examples": ["Parcel arrived 5 days late", "Courier never called, write to ivan@example.com",
                                                              'Ждал доставку неделю, "никто не позвонил"'],
     "n_comments": 62, "n_segments": 70, "share_negative": 0.93, "languages": ["en", "ru"], "first_seen": "2024-01-03",
     "last_seen": "2024-03-28", "trend": "growing", "nps_impact": -4.2, "nps_impact_low": -6.0, "nps_impact_high": -2.1,
     "detractor_lift": 1.8, "status": "active", "fingerprint": "cfp-3f2a9c1d04ab"},
    {"issue_id": "SUP-7H3M", "kind": "complaint", "touchpoint": "support", "title": "Operator was rude",
     "key_phrases": ["rude", "operator"], "examples": ["The operator was rude to me", "Ο χειριστής ήταν αγενής", "Operatorul a fost nepoliticos"],
     "n_comments": 14, "n_segments": 15, "share_negative": 0.8, "languages": ["en", "el", "ro"], "first_seen": "2024-02-01",
     "last_seen": "2024-03-20", "trend": "stable", "nps_impact": -0.8, "nps_impact_low": -2.0, "nps_impact_high": 0.4,
     "detractor_lift": None, "status": "active", "fingerprint": "cfp-51b0e2aa7c19"},
    {"issue_id": "PRC-9X1Z", "kind": "complaint", "touchpoint": "price", "title": "=HYPERLINK(\"http://evil\",\"Hidden fees\")",
     "key_phrases": ["fee"], "examples": ["+1 hidden fee again", "-5% discount never applied", "@cashier charged twice"],
     "n_comments": 6, "n_segments": 6, "share_negative": 0.5, "languages": ["en"], "first_seen": None, "last_seen": None,
     "trend": "new", "nps_impact": None, "nps_impact_low": None, "nps_impact_high": None, "detractor_lift": None, "status": "active"},
    {"issue_id": "WEB-2B8D", "kind": "complaint", "touchpoint": "website", "title": "App crashes at checkout",
     "key_phrases": ["crash"], "examples": ["App crashed"], "n_comments": 30, "n_segments": 31, "share_negative": 1.0,
     "languages": ["en"], "first_seen": "2024-01-10", "last_seen": "2024-02-10", "trend": "shrinking", "nps_impact": -1.0,
     "nps_impact_low": -1.5, "nps_impact_high": -0.5, "detractor_lift": 1.2, "status": "ignored", "fingerprint": "cfp-0a0b0c0d0e0f"},
    {"issue_id": "SUP-P001", "kind": "praise", "touchpoint": "support", "title": "Friendly staff",
     "key_phrases": ["friendly"], "examples": ["Very friendly staff"], "n_comments": 40, "n_segments": 41, "share_negative": 0.0,
     "languages": ["en"], "first_seen": "2024-01-01", "last_seen": "2024-03-01", "trend": "stable", "nps_impact": 2.0,
     "nps_impact_low": 1.0, "nps_impact_high": 3.0, "detractor_lift": None, "status": "active", "fingerprint": "cfp-9999aaaabbbb"},
]


def write_analysis(folder: Path, issues: list[dict[str, Any]] | None = None, store: str | None = "state.sqlite") -> Path:
    """An analysis folder as `analyze` writes it: summary.json (naming the state store) and issues.json."""
    folder.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {"counts": {"rows_read": 100}}
    if store is not None:
        summary["store"] = {"path": store}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (folder / "issues.json").write_text(json.dumps(SAMPLE_ISSUES if issues is None else issues, ensure_ascii=False), encoding="utf-8")
    return folder


def make_issues(count: int, prefix: str = "BLK", **overrides: Any) -> list[dict[str, Any]]:
    """``count`` distinct active complaints (for bulk tests)."""
    return [{"issue_id": f"{prefix}-{n:04d}", "kind": "complaint", "touchpoint": "logistics", "title": f"Problem number {n}",
             "examples": [f"quote {n} a", f"quote {n} b", f"quote {n} c"], "n_comments": 5 + n % 7, "n_segments": 6 + n % 7,
             "share_negative": 0.9, "trend": "stable", "status": "active", **overrides} for n in range(count)]


def test_export_issues_load_reads_every_issue(tmp_path: Path) -> None:
    issues = load_issues(write_analysis(tmp_path / "analysis"))
    assert [i.issue_id for i in issues] == [row["issue_id"] for row in SAMPLE_ISSUES]
    first = issues[0]
    assert first.examples[1].startswith("Courier never called") and first.languages == ("en", "ru")
    assert first.nps_impact == -4.2 and first.fingerprint == "cfp-3f2a9c1d04ab"
    assert issues[2].fingerprint == fingerprint_of("PRC-9X1Z") and issues[2].nps_impact is None


def test_export_issues_fingerprint_when_absent_is_stable() -> None:
    import hashlib

    assert fingerprint_of("LOG-K2Q7") == "cfp-" + hashlib.sha256(b"issue:LOG-K2Q7").hexdigest()[:12]
    assert Issue("LOG-K2Q7", "complaint", "logistics", "x").fingerprint == fingerprint_of("LOG-K2Q7")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "{d}: no such folder; expected the output folder of an analysis run (analyze comments.csv --out FOLDER)"),
        ("file", "{d}: is a file; expected the output folder of an analysis run (it holds summary.json and issues.json)"),
        ("empty", "{d}: not an analysis folder (no summary.json or issues.json); pass the output folder of analyze, "
                  "which holds summary.json and issues.json"),
        ("bad_json", "{d}/issues.json: not valid JSON (line 1 column 2: Expecting property name enclosed in double quotes); "
                     "run the analysis again or restore the file"),
        ("not_list", "{d}/issues.json: expected a JSON list of issues, got str"),
        ("no_title", "{d}/issues.json: issue 1: lacks title; every issue needs issue_id, touchpoint, title"),
        ("bad_count", "{d}/issues.json: issue 1 (A-1): n_comments must be a number or null, got 'many'"),
        ("bad_fp", "{d}/issues.json: issue 1 (A-1): fingerprint 'has space' is not usable as a label; expected letters, digits and . _ : - only"),
        ("dup_fp", "{d}/issues.json: issues A-1 and A-2 share fingerprint cfp-1; fingerprints must be unique"),
    ],
)
def test_export_issues_load_errors_say_what_is_wrong(tmp_path: Path, setup: str, message: str) -> None:
    folder = tmp_path / "analysis"
    row = {"issue_id": "A-1", "touchpoint": "price", "title": "Dear"}
    if setup == "file":
        folder.write_text("x")
    elif setup == "empty":
        folder.mkdir()
    elif setup != "missing":
        write_analysis(folder, [])
        content = {"bad_json": "{oops", "not_list": '"hello"', "no_title": json.dumps([{"issue_id": "A-1", "touchpoint": "p"}]),
                   "bad_count": json.dumps([{**row, "n_comments": "many"}]), "bad_fp": json.dumps([{**row, "fingerprint": "has space"}]),
                   "dup_fp": json.dumps([{**row, "fingerprint": "cfp-1"}, {**row, "issue_id": "A-2", "fingerprint": "cfp-1"}])}[setup]
        (folder / "issues.json").write_text(content)
    with pytest.raises(ExportError) as caught:
        load_issues(folder)
    assert str(caught.value) == message.format(d=folder)
    assert caught.value.exit_code == 5


def test_export_issues_select_defaults_to_active_complaints_largest_first(tmp_path: Path) -> None:
    issues = load_issues(write_analysis(tmp_path / "a"))
    assert [i.issue_id for i in select_issues(issues)] == ["LOG-K2Q7", "SUP-7H3M", "PRC-9X1Z"]
    assert [i.issue_id for i in select_issues(issues, include_praise=True)] == ["LOG-K2Q7", "SUP-P001", "SUP-7H3M", "PRC-9X1Z"]
    assert [i.issue_id for i in select_issues(issues, top=2)] == ["LOG-K2Q7", "SUP-7H3M"]
    assert [i.issue_id for i in select_issues(issues, min_comments=10)] == ["LOG-K2Q7", "SUP-7H3M"]
    assert [i.issue_id for i in select_issues(issues, touchpoints=["support"])] == ["SUP-7H3M"]


def test_export_issues_select_unknown_touchpoint_lists_the_known_ones(tmp_path: Path) -> None:
    issues = load_issues(write_analysis(tmp_path / "a"))
    with pytest.raises(UsageError) as caught:
        select_issues(issues, touchpoints=["logistic"])
    assert str(caught.value) == "--touchpoint: logistic matches no issue of this run; touchpoints with issues: logistics, price, support, website"


@pytest.mark.parametrize(("store", "expected"), [("state.sqlite", "{d}/state.sqlite"), ("/abs/state.db", "/abs/state.db"), (None, None)])
def test_export_issues_store_path(tmp_path: Path, store: str | None, expected: str | None) -> None:
    folder = write_analysis(tmp_path / "a", store=store)
    found = store_path(folder)
    assert (None if found is None else str(found)) == (None if expected is None else expected.format(d=folder))


@pytest.mark.parametrize("summary", [{"issues": {"store": "/x/state.sqlite", "max_issues": 30}}, {"store": "/x/state.sqlite"},
                                     {"store": {"path": "/x/state.sqlite"}}, {"issues": {"store": None}, "store": {"path": "/x/state.sqlite"}}])
def test_export_issues_store_path_shapes(tmp_path: Path, summary: dict) -> None:
    folder = write_analysis(tmp_path / "a")
    (folder / "summary.json").write_text(json.dumps(summary))
    assert store_path(folder) == Path("/x/state.sqlite")
