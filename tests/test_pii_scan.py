"""Every file a run writes, scanned (tracker issue 7): no personal data, no live spreadsheet formula, escaped HTML.

A run of ``analyze`` on a file laden with e-mails, phone numbers, card numbers and IBANs (every layout of
``tests/test_redact.py`` in each of the six languages it is natural in), with formula payloads and ``<script>``
in its cells, writes its outputs in every format. Then every file in the output folder is scanned, whatever
its name (``issues.csv`` and later outputs are covered without changing this test), and so is every SQLite
store beside or inside it, all tables dumped:

* no value the redactor finds, and none of the planted values (digits compared with separators stripped);
* the summary's redaction audit counts every planted value;
* no CSV or XLSX cell starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return unless it is a plain number;
  no XLSX cell is a formula;
* an HTML file (when a run writes one) shows ``<script>`` as text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analyzer.cli.app import app
from analyzer.text.redact import Redactor

from .test_redact import LAYOUTS, TEMPLATES

runner = CliRunner()
REDACTOR = Redactor()
FORMULAS = ["=HYPERLINK(\"http://x\",\"click\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1", "\r=1+1"]
SCRIPT = "<script>alert(1)</script>"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
TEXT_SUFFIXES = {".csv", ".tsv", ".json", ".jsonl", ".log", ".txt", ".md", ".html", ".htm", ".xml", ".yaml", ".yml", ".toml"}


def _planted() -> list[tuple[str, str, str]]:
    """(language, kind, value) for every layout in every language it is natural in."""
    return [(lang, kind, value) for kind, value, langs in LAYOUTS for lang in langs]


def _pii_file(path: Path, *, pii_in_other_columns: bool = False, formula_headers: bool = False,
              cr_in_rejected_cells: bool = False) -> tuple[int, int]:
    """Write the PII-laden comments file; return how many planted values sit in accepted and in rejected rows."""
    header = ["id", "comment", "nps", "channel", "respondent_id"] + (["=cmd|' /C calc'!A0", "@risk"] if formula_headers else [])
    rows = []
    accepted = rejected = 0
    for n, (lang, kind, value) in enumerate(_planted(), start=1):
        reject = n % 7 == 0  # every seventh row has an NPS of 11 and goes to rejects.csv with its cells
        channel = FORMULAS[n % len(FORMULAS)] if n % 3 == 0 else "chat"
        respondent = f"r{n}"
        row_id = str(n) if n % 5 else FORMULAS[n % len(FORMULAS)] + str(n)
        if reject and not cr_in_rejected_cells:
            row_id = row_id.replace("\r", "")  # a rejected row keeps its cells as read; a bare CR in one has its own test
        if pii_in_other_columns and n % 4 == 0:
            channel, respondent, row_id = f"email {value}", value, value + f"#{n}"
        comment = TEMPLATES[kind][lang].format(value)
        if n % 6 == 0:
            comment = FORMULAS[n % len(FORMULAS)] + " " + comment
        if n % 11 == 0:
            comment += " " + SCRIPT
        rows.append([row_id, comment, "11" if reject else str(n % 11), channel, respondent] + (["x", "y"] if formula_headers else []))
        rejected += reject
        accepted += not reject
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return accepted, rejected


def _run(tmp_path: Path, **kwargs) -> tuple[Path, tuple[int, int]]:
    source = tmp_path / "pii.csv"
    counts = _pii_file(source, **kwargs)
    out = tmp_path / "analysis"
    result = runner.invoke(app, [str(source), "--out", str(out), "--format", "parquet", "--format", "jsonl", "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    return out, counts


# --- reading every output generically ------------------------------------------------------


def _cells(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every value a file holds, whatever its kind."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        for r, row in enumerate(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))):
            for c, cell in enumerate(row):
                yield f"{path.name} row {r} col {c}", cell
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        yield f"{path.name} {sheet.title}!{cell.coordinate}", str(cell.value)
    elif suffix in (".parquet", ".pq"):
        frame = pd.read_parquet(path)
        for column in frame.columns:
            yield f"{path.name} header", str(column)
            for i, value in enumerate(frame[column].tolist()):
                yield f"{path.name} {column}[{i}]", str(value)
    elif suffix in (".sqlite", ".sqlite3", ".db"):
        yield from _sqlite_cells(path)
    elif suffix in TEXT_SUFFIXES:
        for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
            yield f"{path.name} line {n}", line
    else:
        # Unknown kinds (a model, a lock file, ...) are read as text: any readable PII in them is caught too.
        yield path.name, path.read_bytes().decode("utf-8", errors="replace")


def _sqlite_cells(path: Path) -> Iterator[tuple[str, str]]:
    """Every table of a store, value by value (a dump line would join numbers of different columns)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in db.execute("select name from sqlite_master where type = 'table'")]
        for table in tables:
            cursor = db.execute(f'select * from "{table}"')
            for column in cursor.description:
                yield f"{path.name} {table} header", column[0]
            for i, row in enumerate(cursor):
                for column, value in zip(cursor.description, row, strict=True):
                    if value is not None:
                        text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
                        yield f"{path.name} {table}.{column[0]}[{i}]", text
    finally:
        db.close()


def _output_files(out: Path) -> list[Path]:
    files = [p for p in out.rglob("*") if p.is_file()]
    files += [p for pattern in ("*.sqlite", "*.sqlite3", "*.db") for p in out.parent.glob(pattern)]
    return sorted(set(files))


# Decimal fractions (scores, NPS impacts, fingerprints) are not phone numbers, though their digits look like one.
_FRACTION = re.compile(r"(?<![\w.+])-?\d{1,3}\.\d{4,}(?![\w.])")


def _digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(c)) for c in text if unicodedata.decimal(c, None) is not None)


def _leaks(out: Path, planted: list[str]) -> list[str]:
    numbers = {_digits(v) for v in planted if len(_digits(v)) >= 7}
    words = {v.lower() for v in planted if "@" in v} | {v.replace(" ", "").replace("\u00a0", "").lower() for v in planted
                                                       if re.match(r"[A-Za-z]{2}\d\d", v)}
    found = []
    for path in _output_files(out):
        for where, text in _cells(path):
            text = _FRACTION.sub("0.0", text)
            hits = [f"{r.kind} {text[r.start:r.end]!r}" for r in REDACTOR.find(text)]
            squeezed = re.sub(r"[\s\u00a0]", "", text).lower()
            digits = _digits(text)
            hits += [f"planted number {n}" for n in numbers if n in digits]
            hits += [f"planted {w}" for w in words if w in squeezed or w in text.lower()]
            found += [f"{where}: {hit}" for hit in hits]
    return found


def _risky(cell: str) -> bool:
    """A cell a spreadsheet would run: it starts with =, +, -, @, tab or CR and is not a plain number."""
    return bool(cell) and cell[0] in "=+-@\t\r" and not _PLAIN_NUMBER.fullmatch(cell)


def _formula_cells(out: Path) -> list[str]:
    risky = []
    for path in _output_files(out):
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            for sheet in load_workbook(path).worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if cell.data_type == "f":
                            risky.append(f"{path.name} {sheet.title}!{cell.coordinate}: formula {cell.value!r}")
                        elif isinstance(cell.value, str) and _risky(cell.value):
                            risky.append(f"{path.name} {sheet.title}!{cell.coordinate}: {cell.value!r}")
        elif path.suffix.lower() == ".csv":
            for where, cell in _cells(path):
                if _risky(cell):
                    risky.append(f"{where}: {cell!r}")
    return risky


# --- the tests -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pii_run(tmp_path_factory) -> tuple[Path, tuple[int, int]]:
    return _run(tmp_path_factory.mktemp("pii"))


def test_pii_scan_covers_every_kind_and_language() -> None:
    planted = _planted()
    assert {kind for _, kind, _ in planted} == {"email", "phone", "card", "iban"}
    assert {lang for lang, _, _ in planted} == {"en", "ru", "ro", "el", "fa", "kk"}
    assert len(planted) > 140


def test_pii_scan_finds_nothing_in_any_output(pii_run) -> None:
    out, _ = pii_run
    names = {p.name for p in _output_files(out)}
    assert {"comments.csv", "segments.csv", "rejects.csv", "summary.json", "run.log", "analysis.xlsx", "comments.parquet",
            "comments.jsonl"} <= names
    assert _leaks(out, [value for _, _, value in _planted()]) == []


def test_pii_scan_the_scanner_sees_a_leak(pii_run, tmp_path) -> None:
    """The scan itself is checked: a copy of the outputs with one planted value put back is caught in every format."""
    import shutil

    out, _ = pii_run
    copy = tmp_path / "leaky"
    shutil.copytree(out, copy)
    text = (copy / "comments.csv").read_text(encoding="utf-8-sig").replace("[PHONE]", "+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹", 1)
    (copy / "comments.csv").write_text(text, encoding="utf-8-sig")
    db = sqlite3.connect(copy.parent / "store.sqlite")
    db.execute("create table t (x text)")
    db.execute("insert into t values ('Ion_Popescu@Yahoo.RO')")
    db.commit()
    db.close()
    leaks = _leaks(copy, [value for _, _, value in _planted()])
    assert any(leak.startswith("comments.csv") and "phone" in leak for leak in leaks)
    assert any(leak.startswith("store.sqlite") for leak in leaks)


def test_pii_scan_redaction_audit_counts_every_planted_value(pii_run) -> None:
    out, (accepted, rejected) = pii_run
    counts = json.loads((out / "summary.json").read_text(encoding="utf-8"))["counts"]
    assert counts["rows_rejected"] == rejected and counts["rows_analyzed"] == accepted
    assert counts["redactions"] == accepted
    assert counts["redactions_in_rejects"] == rejected
    log = (out / "run.log").read_text(encoding="utf-8")
    assert re.search(r"redacted: card \d+, email \d+, iban \d+, phone \d+", log)


def test_pii_scan_no_cell_runs_as_a_formula(pii_run) -> None:
    out, _ = pii_run
    assert _formula_cells(out) == []
    comments = pd.read_csv(out / "comments.csv", dtype=str, keep_default_na=False)
    assert comments["channel"].str.startswith("'=HYPERLINK").any() and comments["comment_id"].str.startswith("'").any()


def test_pii_scan_html_shows_script_as_text(pii_run) -> None:
    out, _ = pii_run
    pages = [p for p in _output_files(out) if p.suffix.lower() in (".html", ".htm")]
    assert pages, "every run writes report.html"
    for page in pages:
        assert SCRIPT not in page.read_text(encoding="utf-8"), page.name


def test_pii_scan_personal_data_in_other_columns_is_redacted_too(tmp_path) -> None:
    out, _ = _run(tmp_path, pii_in_other_columns=True)
    assert _leaks(out, [value for _, _, value in _planted()]) == []


def test_pii_scan_formula_column_names_are_neutralised(tmp_path) -> None:
    out, _ = _run(tmp_path, formula_headers=True)
    assert _formula_cells(out) == []


def test_pii_scan_a_carriage_return_inside_a_cell_does_not_split_the_row(tmp_path) -> None:
    out, _ = _run(tmp_path, cr_in_rejected_cells=True)
    assert _formula_cells(out) == []
