"""End-to-end tests of the ``analyze`` command on the sample file and on one golden file per bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from analyzer import __version__
from analyzer import schema as S
from analyzer.cli.app import app

from .conftest import DATA, SAMPLE

runner = CliRunner()


def _run(*args: str, input: bytes | None = None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> tuple[object, Path]:
    out = tmp_path_factory.mktemp("sample") / "analysis"
    result = _run(str(SAMPLE), "--out", str(out))
    return result, out


def test_cli_sample_run_writes_every_output(sample_run) -> None:
    result, out = sample_run
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["comments.csv", "issues.csv", "issues.json", "nps.json", "nps_drivers.csv", "nps_rejects.csv",
                                                   "rejects.csv", "report.html", "run.log", "segments.csv", "summary.json"]
    summary = json.loads((out / "summary.json").read_text())
    counts = summary["counts"]
    assert counts["rows_read"] == counts["rows_analyzed"] + counts["rows_rejected"]
    assert counts["rows_read"] >= 400
    assert set(summary["languages"]) >= {"en", "ru", "ro", "el", "fa", "kk"}
    assert summary["input"]["sha256"] and summary["versions"]["analyzer"] == __version__
    assert "rows read" in result.output and "Wrote 11 files" in result.output


def test_cli_sample_summary_fits_one_screen_with_one_issue_table(sample_run) -> None:
    result, out = sample_run
    summary_part = result.output[result.output.index("rows read") - 200:] if "rows read" in result.output else result.output
    lines = [line for line in summary_part.splitlines() if line.strip()]
    assert len(lines) <= 30, "\n".join(lines)
    assert result.output.count("Top issues (") == 1 and "Why detractors?" in result.output
    assert f"open {out / 'report.html'}" in result.output.replace("\n", "")


def test_cli_json_prints_the_summary_file(tmp_path: Path) -> None:
    out = tmp_path / "analysis"
    result = runner.invoke(app, [str(SAMPLE), "--out", str(out), "--json", "--adapt", "off"], catch_exceptions=False)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_cli_sample_outputs_follow_the_contract(sample_run) -> None:
    _, out = sample_run
    comments = pd.read_csv(out / "comments.csv", dtype=str)
    segments = pd.read_csv(out / "segments.csv", dtype=str)
    assert list(comments.columns) == S.COMMENT_OUTPUT
    assert list(segments.columns) == S.SEGMENT_OUTPUT
    assert segments[S.TOUCHPOINT].dropna().isin(["advertising", "website", "product", "support", "logistics", "price", "premises",
                                                 "other"]).all()
    assert comments[S.SENTIMENT].isin(["negative", "neutral", "positive", "mixed"]).all()
    assert set(segments["comment_id"]) == set(comments["comment_id"])
    assert "raw_text" not in comments.columns


def test_cli_sample_outputs_hold_no_personal_data(sample_run) -> None:
    from analyzer.text.redact import Redactor

    _, out = sample_run
    redactor = Redactor()
    for name in ("comments.csv", "segments.csv", "rejects.csv", "run.log"):
        text = (out / name).read_text(encoding="utf-8-sig")
        assert redactor.find(text) == [], name
    assert json.loads((out / "summary.json").read_text())["counts"]["redactions"] > 0


def test_cli_refuses_to_overwrite_without_force(sample_run) -> None:
    _, out = sample_run
    before = (out / "summary.json").read_text()
    result = _run(str(SAMPLE), "--out", str(out), "--quiet")
    assert result.exit_code == 6
    assert result.stderr.strip() == f"Error: {out}: already holds a previous run; pass --force to replace it or --out to write elsewhere"
    assert (out / "summary.json").read_text() == before


def test_cli_force_replaces_and_extra_formats(tmp_path) -> None:
    out = tmp_path / "a"
    assert _run(str(DATA / "bad_nps.csv"), "--out", str(out), "-q").exit_code == 0
    result = _run(str(DATA / "bad_nps.csv"), "--out", str(out), "--force", "--format", "parquet", "--format", "jsonl",
                  "--format", "xlsx", "-q")
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"comments.parquet", "segments.jsonl", "rejects.parquet", "analysis.xlsx", "comments.csv"} <= names
    assert len(pd.read_parquet(out / "comments.parquet")) == 1


def test_cli_quiet_prints_nothing(tmp_path) -> None:
    result = _run(str(DATA / "bad_nps.csv"), "--out", str(tmp_path / "q"), "--quiet")
    assert result.exit_code == 0 and result.output == ""


def test_cli_default_output_folder_is_beside_the_input(tmp_path) -> None:
    copy = tmp_path / "in.csv"
    shutil.copy(DATA / "bad_nps.csv", copy)
    assert _run(str(copy), "-q").exit_code == 0
    assert (tmp_path / "analysis" / "comments.csv").exists()


def test_cli_options_before_the_file(tmp_path) -> None:
    result = _run("--out", str(tmp_path / "o"), "-q", str(DATA / "bad_nps.csv"))
    assert result.exit_code == 0, result.output


def test_cli_reads_stdin(tmp_path) -> None:
    result = _run("-", "--out", str(tmp_path / "s"), input=b"comment,nps\nCourier was late,3\n")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "s" / "summary.json").read_text())["input"]["name"] == "<stdin>"


def test_cli_prints_every_column_guess(tmp_path) -> None:
    result = _run(str(DATA / "cp1251_export.csv"), "--out", str(tmp_path / "g"))
    assert result.exit_code == 0, result.output
    assert "text column: 'отзыв' (by name; override with --text-col)" in result.stderr
    assert "nps column: 'оценка' (by name; override with --nps-col)" in result.stderr
    assert "encoding: cp1251 (detected)" in result.stderr


@pytest.mark.parametrize(
    ("name", "args", "code", "line"),
    [
        ("missing.csv", [], 3, "Error: {path}: no such file; give the path of a CSV, TSV, XLSX, JSONL or Parquet file, or - for CSV on standard input"),
        ("empty.csv", [], 3, "Error: {path}: the file is empty; expected a header row and at least one comment"),
        ("header_only.csv", [], 3, "Error: {path}: the file has a header (id, comment, nps) but no data rows"),
        ("no_text_column.csv", [], 3, "Error: {path}: no column holds comment text (columns: 'id', 'nps', 'date'); name it with --text-col "
                                      "or call it comment, text, feedback, verbatim, review, отзыв or комментарий"),
        ("cp1251_export.csv", ["--encoding", "utf-8"], 3,
         "Error: {path}: byte 0xee on line 1 (offset 3) is not valid utf-8; give the real one with --encoding "
         "(e.g. utf-8, utf-16, cp1251, kz1048, cp1253, cp1256, cp1250)"),
        ("cp1251_export.csv", ["--encoding", "nope"], 2,
         "Error: --encoding: 'nope' is not an encoding Python knows; give the real one with --encoding "
         "(e.g. utf-8, utf-16, cp1251, kz1048, cp1253, cp1256, cp1250)"),
        ("old_excel.xls", [], 3, "Error: {path}: this is an old binary Excel (.xls) file; save it as .xlsx or CSV and try again"),
        ("bad_nps.csv", ["--text-col", "Comment"], 3, "Error: {path}: --text-col 'Comment' is not a column of the file; "
                                                     "its columns are 'id', 'comment', 'nps'"),
        ("bad_nps.csv", ["--languages", "en,xx"], 2, "Error: --languages: xx not supported; accepted ISO 639-1 codes: "),
        ("bad_nps.csv", ["--format", "pdf"], 2, "Error: --format: pdf not supported; accepted: csv, parquet, jsonl, xlsx"),
    ],
)
def test_cli_whole_file_problem_is_one_line(tmp_path, name: str, args: list[str], code: int, line: str) -> None:
    path = DATA / name
    result = _run(str(path), "--out", str(tmp_path / "o"), *args)
    assert result.exit_code == code
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    expected = line.format(path=path)
    assert errors[0] == expected if not expected.endswith(": ") else errors[0].startswith(expected)
    assert result.stderr.rstrip().endswith(errors[0])
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "args", "rejected"),
    [
        ("blank_comments.csv", [], [(3, "empty_text"), (4, "empty_text")]),
        ("bad_nps.csv", [], [(2, "bad_nps"), (3, "bad_nps"), (5, "bad_nps"), (6, "bad_nps")]),
        ("bad_dates.csv", [], [(3, "bad_date"), (4, "bad_date")]),
        ("duplicate_ids.csv", [], [(4, "duplicate_id"), (5, "duplicate_id")]),
        ("ragged_rows.csv", [], [(3, "ragged"), (4, "ragged")]),
        ("long_field.csv", [], [(3, "too_long")]),
        ("broken_lines.jsonl", [], [(2, "bad_json"), (3, "bad_json"), (4, "bad_json")]),
    ],
)
def test_cli_row_problems_go_to_rejects(tmp_path, name: str, args: list[str], rejected: list[tuple[int, str]]) -> None:
    out = tmp_path / "o"
    result = _run(str(DATA / name), "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    rejects = pd.read_csv(out / "rejects.csv", dtype={"line": int, "problem": str})
    assert list(zip(rejects["line"], rejects["problem"], strict=True)) == rejected
    assert rejects["reason"].notna().all()
    summary = json.loads((out / "summary.json").read_text())["counts"]
    assert summary["rows_rejected"] == len(rejected)
    assert summary["rows_read"] == summary["rows_analyzed"] + summary["rows_rejected"]
    assert "row(s) rejected; see rejects.csv" in result.stderr


def test_cli_debug_shows_the_traceback(tmp_path) -> None:
    from analyzer.errors import EmptyFile

    with pytest.raises(EmptyFile):
        _run(str(DATA / "empty.csv"), "--out", str(tmp_path / "o"), "--debug")


def test_cli_version() -> None:
    assert _run("--version").output == f"analyze {__version__}\n"


@pytest.mark.parametrize("command", [[]] + [[name] for name in typer.main.get_command(app).commands])
def test_cli_every_command_has_help(command: list[str]) -> None:
    result = _run(*command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output


def test_cli_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "Usage:" in result.output


def test_cli_shell_completion_is_offered() -> None:
    assert "--install-completion" in _run("--help").output


def test_cli_train_evaluate_and_use_a_model(tmp_path, small_labeled) -> None:
    model = tmp_path / "model"
    result = _run("train", str(small_labeled), "--out", str(model), "--cv", "3")
    assert result.exit_code == 0, result.output
    assert "micro" in result.output and "Sentiment accuracy (cross-validated" in result.output
    assert {p.name for p in model.iterdir()} == {"model.skops", "model_card.json"}

    predictions = tmp_path / "pred.csv"
    result = _run("evaluate", str(small_labeled), "--model", str(model), "--predictions", str(predictions))
    assert result.exit_code == 0, result.output
    assert "Sentiment accuracy given gold touchpoints" in result.output and "Confusions" in result.output
    assert list(pd.read_csv(predictions).columns) == ["text", "gold", "predicted", "sentiment_given_gold"]

    result = _run("evaluate", str(small_labeled), "--model", str(model), "--json")
    metrics = json.loads(result.stdout)
    assert metrics["touchpoints"]["micro"]["f1"] > 0.5 and metrics["sentiment_given_gold"]["accuracy"] > 0.5

    out = tmp_path / "a"
    assert _run(str(DATA / "bad_nps.csv"), "--model", str(model), "--out", str(out), "-q").exit_code == 0
    assert json.loads((out / "summary.json").read_text())["model"]["path"] == str(model)


def test_cli_train_refuses_to_replace_a_better_model(tmp_path, small_labeled) -> None:
    model = tmp_path / "model"
    assert _run("train", str(small_labeled), "--out", str(model), "--cv", "3", "-q").exit_code == 0
    card = json.loads((model / "model_card.json").read_text())
    card["metrics"]["touchpoints"]["micro"]["f1"] = 0.999  # pretend the saved model is excellent
    (model / "model_card.json").write_text(json.dumps(card))
    result = _run("train", str(small_labeled), "--out", str(model), "--cv", "3", "-q")
    assert result.exit_code == 4
    assert result.stderr.startswith(f"Error: {model}: holds a model with cross-validated touchpoint F1 0.999, better than this one's ")
    assert "pass --force to replace it or --out to save elsewhere" in result.stderr
    assert _run("train", str(small_labeled), "--out", str(model), "--cv", "3", "-q", "--force").exit_code == 0


@pytest.mark.parametrize(("args", "code", "start"), [
    (["--model", "{tmp}/nothing"], 4, "Error: {tmp}/nothing: no model folder here; train one with: analyze train LABELED.csv --out"),
])
def test_cli_bad_model_is_one_line(tmp_path, args, code, start) -> None:
    args = [a.format(tmp=tmp_path) for a in args]
    result = _run(str(DATA / "bad_nps.csv"), "--out", str(tmp_path / "o"), *args)
    assert result.exit_code == code
    assert result.stderr.startswith(start.format(tmp=tmp_path))


def test_cli_an_unexpected_bug_is_one_line_not_a_traceback(tmp_path, monkeypatch) -> None:
    import analyzer.pipeline

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(analyzer.pipeline, "analyze", boom)
    result = _run(str(DATA / "bad_nps.csv"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.strip() == "Internal error: RuntimeError: boom (run again with --debug for the traceback and please report it)"


def test_cli_rejected_rows_are_redacted_too(tmp_path) -> None:
    from analyzer.text.redact import Redactor

    data = "id,comment,nps\n1,Call me on +44 20 7946 0958 about the refund,11\n2,mail ivan.petrov@example.com,abc\n3,fine,9\n"
    path = tmp_path / "pii.csv"
    path.write_text(data)
    out = tmp_path / "o"
    assert _run(str(path), "--out", str(out), "-q").exit_code == 0
    rejects = (out / "rejects.csv").read_text(encoding="utf-8-sig")
    assert "[PHONE]" in rejects and "[EMAIL]" in rejects
    for name in ("comments.csv", "segments.csv", "rejects.csv", "run.log", "summary.json"):
        assert Redactor().find((out / name).read_text(encoding="utf-8-sig")) == [], name
    assert json.loads((out / "summary.json").read_text())["counts"]["redactions_in_rejects"] == 2


def test_cli_train_with_a_bad_taxonomy_lists_every_problem_in_one_line(tmp_path, small_labeled) -> None:
    bad = DATA / "taxonomy" / "bad_many.toml"
    result = _run("train", str(small_labeled), "--out", str(tmp_path / "m"), "--taxonomy", str(bad))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {bad}: ") and " problems in the taxonomy: [" in lines[0]
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("args", [["train", "x.csv", "--cv", "1"], ["--bogus"], ["issues", "bogus"], ["run"]])
def test_cli_usage_errors_caught_by_click_are_one_line(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and lines[0].endswith("(see --help)"), result.output
