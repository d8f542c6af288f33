"""Writing outputs: contract columns, formula neutralisation, refusal to overwrite, atomic replacement."""

from __future__ import annotations

import os

import pandas as pd
import pytest

import analyzer
from analyzer.errors import OutputExists
from analyzer.io import atomic
from analyzer.io.atomic import recover
from analyzer.report.folder import write_outputs
from analyzer.report.tables import WRITERS, neutralize_formulas


@pytest.fixture(scope="module")
def result():
    frame = pd.DataFrame({"comment": ["=HYPERLINK(\"http://x\")", "Late courier, but kind operator.", "-", "@risk"],
                          "nps": [1, 9, None, 5], "date": ["2026-05-01", "2026-05-02", "", "2026-06-01"]})
    return analyzer.analyze(frame)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+7 701", "'+7 701"), ("-", "'-"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("fine", "fine"), ("a=b", "a=b")],
)
def test_outputs_neutralize_formulas(value: str, expected: str) -> None:
    frame = pd.DataFrame({"t": pd.array([value], dtype="string"), "n": [-1]})
    got = neutralize_formulas(frame)
    assert got["t"].tolist() == [expected]
    assert got["n"].tolist() == [-1]
    assert frame["t"].tolist() == [value]


def test_outputs_csv_cells_are_neutralised_on_disk(tmp_path, result) -> None:
    write_outputs(result, tmp_path / "o")
    text = (tmp_path / "o" / "comments.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@risk" in text
    assert (tmp_path / "o" / "comments.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_outputs_dates_written_as_days(tmp_path, result) -> None:
    write_outputs(result, tmp_path / "o")
    comments = pd.read_csv(tmp_path / "o" / "comments.csv", dtype=str)
    assert comments["date"].tolist()[:2] == ["2026-05-01", "2026-05-02"]


def test_outputs_never_write_raw_text(tmp_path) -> None:
    res = analyzer.analyze(pd.DataFrame({"comment": ["mail me at ivan.petrov@example.com"]}))
    paths = write_outputs(res, tmp_path / "o", formats=["csv", "jsonl", "parquet", "xlsx"])
    for path in paths:
        if path.suffix in (".csv", ".jsonl", ".log", ".json"):
            assert "ivan.petrov" not in path.read_text(encoding="utf-8-sig"), path.name
    assert "ivan.petrov" not in pd.read_parquet(tmp_path / "o" / "comments.parquet").to_string()


def test_outputs_refuse_a_previous_run_without_force(tmp_path, result) -> None:
    write_outputs(result, tmp_path / "o")
    with pytest.raises(OutputExists):
        write_outputs(result, tmp_path / "o")
    write_outputs(result, tmp_path / "o", force=True)


def test_outputs_failure_while_writing_keeps_the_previous_run(tmp_path, result, monkeypatch) -> None:
    out = tmp_path / "o"
    write_outputs(result, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(frame, path):
        raise OSError("disk full")

    monkeypatch.setitem(WRITERS, "jsonl", (".jsonl", boom))
    with pytest.raises(OSError):
        write_outputs(result, out, formats=["jsonl"], force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["o"]


@pytest.mark.parametrize("exchange", [True, False])
def test_outputs_replace_whole_folder(tmp_path, result, monkeypatch, exchange: bool) -> None:
    if not exchange:
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    out = tmp_path / "o"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    write_outputs(result, out, force=True)
    assert not (out / "stale.txt").exists() and (out / "summary.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["o"]


def test_outputs_recover_an_interrupted_two_rename_swap(tmp_path, result) -> None:
    out = tmp_path / "o"
    write_outputs(result, out)
    os.rename(out, tmp_path / ".o.previous")  # as if the process died between the two renames
    assert recover(out) is True
    assert (out / "summary.json").exists()


def test_outputs_summary_lists_the_files(tmp_path, result) -> None:
    import json

    paths = write_outputs(result, tmp_path / "o", formats=["parquet"])
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert sorted(summary["outputs"]) == sorted(p.name for p in paths)
