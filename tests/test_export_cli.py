"""`analyze export` on the command line: files, dry runs, pushes, and one clear error line with its exit code."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
import responses
from typer.testing import CliRunner

from analyzer.cli.app import app
from analyzer.export.ledger import Ledger

from .test_export_issues import write_analysis

runner = CliRunner()
TOKEN = "cli-TOKEN-never-printed-55"


def _run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, ["export", *args], env=env)


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    return write_analysis(tmp_path / "analysis")


def test_export_cli_help_documents_the_rule_and_the_variables() -> None:
    result = runner.invoke(app, ["export", "--help"])
    assert result.exit_code == 0
    for text in ("--to", "--top", "--min-comments", "--touchpoint", "--dry-run", "--push", "--priority-rule", "--include-praise",
                 "0 Lowest, 1 Low, 2 Medium, 3 High, 4+ Highest", "JIRA_TOKEN", "GITHUB_TOKEN", "ROUNDUP_PASSWORD", "keyring"):
        assert text in result.output
    assert "export" in runner.invoke(app, ["--help"]).output


@pytest.mark.parametrize(
    ("target", "names"),
    [
        ("jira-csv", ["jira-import.csv", "manifest.json"]),
        ("jira", ["bulk-001.json", "issues.jsonl", "manifest.json"]),
        ("jira-v2", ["bulk-001.json", "issues.jsonl", "manifest.json"]),
        ("github", ["issues.jsonl", "manifest.json"]),
        ("gitlab", ["issues.jsonl", "manifest.json"]),
        ("zendesk", ["create_many-001.json", "manifest.json", "tickets.jsonl"]),
        ("roundup", ["issues.jsonl", "manifest.json"]),
        ("csv", ["issues.csv", "manifest.json"]),
        ("xlsx", ["issues.xlsx", "manifest.json"]),
        ("json", ["issues.json", "manifest.json"]),
        ("markdown", ["issues.md", "manifest.json"]),
    ],
)
def test_export_cli_file_targets_write_into_outdir_export(outdir: Path, target: str, names: list[str]) -> None:
    result = _run(str(outdir), "--to", target, "--project", "CX")
    assert result.exit_code == 0, result.output
    folder = outdir / "export" / target
    assert sorted(p.name for p in folder.iterdir()) == names
    assert result.output.strip() == f"Wrote {len(names)} files for 3 issues to {folder}: {', '.join(names)}"
    assert not (outdir / "state.sqlite").exists()  # writing files records nothing


def test_export_cli_filters_and_out(outdir: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    result = _run(str(outdir), "--to", "json", "--top", "1", "--touchpoint", "logistics", "--touchpoint", "support", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert [r["issue_id"] for r in json.loads((out / "issues.json").read_text())] == ["LOG-K2Q7"]
    result = _run(str(outdir), "--to", "json", "--include-praise", "--min-comments", "20", "--out", str(out))
    assert [r["issue_id"] for r in json.loads((out / "issues.json").read_text())] == ["LOG-K2Q7", "SUP-P001"]
    result = _run(str(outdir), "--to", "json", "--priority", "high", "--priority-rule", "comments=1", "--out", str(out))
    assert {r["priority"] for r in json.loads((out / "issues.json").read_text())} == {"High"}


def test_export_cli_taxonomy_mapping(outdir: Path, tmp_path: Path) -> None:
    taxonomy = tmp_path / "taxonomy.toml"
    taxonomy.write_text('[export.touchpoints.logistics]\ncomponent = "Delivery"\nlabels = ["courier"]\n')
    result = _run(str(outdir), "--to", "json", "--taxonomy", str(taxonomy))
    assert result.exit_code == 0, result.output
    first = json.loads((outdir / "export" / "json" / "issues.json").read_text())[0]
    assert first["component"] == "Delivery" and first["labels"] == ["customer-complaint", "courier", "cfp-3f2a9c1d04ab"]


def test_export_cli_dry_run_for_files_writes_nothing(outdir: Path) -> None:
    result = _run(str(outdir), "--to", "jira-csv", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("would create  -          LOG-K2Q7     Late delivery")
    assert result.output.splitlines()[-1] == (f"Would write jira-import.csv, manifest.json to {outdir / 'export' / 'jira-csv'} "
                                              "(dry run: nothing was written)")
    assert not (outdir / "export").exists() and not (outdir / "state.sqlite").exists()
    result = _run(str(outdir), "--to", "csv", "--dry-run")
    assert result.output.splitlines()[0].startswith("would write   -          LOG-K2Q7")


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (["--to", "trello"], 2, "Error: --to: 'trello' is not a target; accepted: jira-csv, jira, jira-v2, github, gitlab, zendesk, roundup, csv, "
                                "xlsx, json, markdown"),
        (["--to", "csv", "--push"], 2, "Error: --push: csv is a file target; --push works with jira, jira-v2, github, gitlab, zendesk, roundup"),
        (["--to", "json", "--touchpoint", "parking"], 2,
         "Error: --touchpoint: parking matches no issue of this run; touchpoints with issues: logistics, price, support, website"),
        (["--to", "json", "--priority-rule", "size=2"], 2,
         "Error: --priority-rule: 'size=2' is not understood; accepted: comments=N[,N...]; negative=F[,F...] (shares 0-1); nps=F[,F...] (NPS points)"),
        (["--to", "jira", "--push"], 2, "Error: --url: jira needs the tracker's URL (or set JIRA_URL), e.g. --url https://example.atlassian.net"),
        (["--to", "jira", "--push", "--url", "https://acme.atlassian.net"], 2,
         "Error: --token: no jira credentials; set JIRA_TOKEN, pass --token, or store one with: keyring set feedback-analyzer jira"),
        (["--to", "jira", "--push", "--url", "https://u:p@acme.atlassian.net", "--token", TOKEN], 2,
         "Error: --url: holds credentials; give them with the token and user options or environment variables instead"),
        (["--to", "jira", "--push", "--url", "https://acme.atlassian.net", "--token", TOKEN], 2,
         "Error: --project: Jira needs a project key to create and find issues (or set JIRA_PROJECT), e.g. --project CX"),
        (["--to", "github", "--push", "--token", TOKEN, "--repo", "not a repo"], 2,
         "Error: --project: 'not a repo' is not a repository as owner/name (or set GITHUB_REPOSITORY), e.g. --project octo/shop"),
    ],
)
def test_export_cli_errors_are_one_line_with_exit_code(outdir: Path, monkeypatch, args: list[str], code: int, line: str) -> None:
    monkeypatch.setattr("analyzer.export.credentials.keyring_token", lambda family: None)
    for name in ("JIRA_URL", "JIRA_TOKEN", "JIRA_EMAIL", "JIRA_PROJECT", "GITHUB_TOKEN", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    result = _run(str(outdir), *args)
    assert result.exit_code == code, result.output
    assert result.stderr.strip() == line
    assert TOKEN not in result.output


def test_export_cli_missing_folder_exits_5(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "nope"), "--to", "csv")
    assert result.exit_code == 5
    assert result.stderr.strip() == (f"Error: {tmp_path / 'nope'}: no such folder; expected the output folder of an analysis run "
                                     "(analyze comments.csv --out FOLDER)")


def test_export_cli_push_needs_a_store(tmp_path: Path) -> None:
    outdir = write_analysis(tmp_path / "analysis", store=None)
    result = _run(str(outdir), "--to", "gitlab", "--push", "--project", "1", "--token", TOKEN)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"Error: --store: {outdir / 'summary.json'} names no state store (\"store\": {{\"path\": ...}}); "
                                     "pass the SQLite state file with --store")


def test_export_cli_out_folder_with_other_files_is_refused(outdir: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("x")
    result = _run(str(outdir), "--to", "csv", "--out", str(mine))
    assert result.exit_code == 6
    assert result.stderr.strip() == f"Error: {mine}: holds files that are not an earlier export; pass --force to replace it or --out to write elsewhere"
    assert _run(str(outdir), "--to", "csv", "--out", str(mine), "--force").exit_code == 0
    result = _run(str(outdir), "--to", "csv", "--out", str(outdir), "--force")  # never the analysis itself, even with --force
    assert result.exit_code == 6
    assert result.stderr.strip() == f"Error: {outdir}: is an analysis folder and would be replaced by the export; choose another place with --out"
    assert (outdir / "issues.json").is_file()


@responses.activate
def test_export_cli_push_jira_401_never_prints_the_token(outdir: Path) -> None:
    responses.post("https://acme.atlassian.net/rest/api/3/search/jql", status=401, json={"errorMessages": [f"token {TOKEN} rejected"]})
    env = {"JIRA_URL": "https://acme.atlassian.net", "JIRA_EMAIL": "me@acme.example", "JIRA_TOKEN": TOKEN, "JIRA_PROJECT": "CX"}
    result = _run(str(outdir), "--to", "jira", "--push", env=env)
    assert result.exit_code == 5
    assert result.stderr.strip().startswith("Error: Jira at https://acme.atlassian.net: 401 Unauthorized during search; "
                                            "check JIRA_EMAIL and JIRA_TOKEN (or --user and --token); stopped: 0 of 3")
    assert TOKEN not in result.output
    with Ledger(outdir / "state.sqlite", readonly=True) as ledger:
        assert ledger.entries() == []
    assert TOKEN.encode() not in (outdir / "state.sqlite").read_bytes()


@responses.activate
def test_export_cli_push_github_then_dry_run_then_again(outdir: Path, monkeypatch) -> None:
    from analyzer.export import targets

    slept: list[float] = []
    monkeypatch.setattr(targets, "ClientSettings", functools.partial(targets.ClientSettings, sleep=slept.append))
    api = "https://api.github.com/repos/octo/shop/issues"
    responses.get(api, json=[])
    numbers = iter(range(1, 10))
    responses.add_callback(responses.POST, api, callback=lambda r: (201, {}, json.dumps({"number": (n := next(numbers)),
                                                                                          "html_url": f"https://github.com/octo/shop/issues/{n}"})))
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "octo/shop"}
    first = runner.invoke(app, ["export", str(outdir), "--to", "github", "--push"], env=env)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[-1] == "GitHub https://api.github.com repo octo/shop: 3 created"
    assert len(slept) == 2 and all(0.5 < s <= 1.0 for s in slept)  # a second between creates, as GitHub asks
    posts = sum(1 for c in responses.calls if c.request.method == "POST")
    dry = runner.invoke(app, ["export", str(outdir), "--to", "github", "--dry-run"], env=env)  # ledger only, no credentials used
    assert dry.exit_code == 0 and dry.output.count("unchanged") == 3
    again = runner.invoke(app, ["export", str(outdir), "--to", "github", "--push"], env=env)
    assert again.output.splitlines()[-1] == "GitHub https://api.github.com repo octo/shop: 3 unchanged"
    assert sum(1 for c in responses.calls if c.request.method == "POST") == posts
    assert TOKEN not in first.output + dry.output + again.output
    assert TOKEN.encode() not in (outdir / "state.sqlite").read_bytes()
    assert not (outdir / "export").exists()  # pushing writes no payload files


def test_export_cli_nothing_to_export(tmp_path: Path) -> None:
    outdir = write_analysis(tmp_path / "analysis", [])
    result = _run(str(outdir), "--to", "csv")
    assert result.exit_code == 0 and result.output.strip().startswith("No issues to export: 0 in")
