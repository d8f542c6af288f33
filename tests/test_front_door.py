"""The front door: an input that cannot be a table fails at once with one line, and wrong column guesses stop the run.

Part one checks :func:`analyzer.io.readers.check_source` on every kind of wrong file (missing, directory, unreadable,
empty, images, archives, executables, databases, other binary data) and that real tables of every format pass it.
Part two runs the golden files of ``tests/data`` through the ``analyze`` command end to end, each with its expected
exit code and one-line message (as ``tests/test_cli.py`` does for the older golden files).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analyzer.errors import EmptyFile, InputError, InputTooLarge, MissingFile, UnreadableFile, UnsupportedFormat
from analyzer.io.readers import read_table
from analyzer.io.sniff import check_source

from .conftest import DATA

ACCEPTED = "accepted: CSV, TSV, XLSX, JSON Lines, JSON or Parquet files"
CSV = "id,comment\n1,The courier was late\n"


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("create table comments (id integer, comment text)")
        db.execute("insert into comments values (1, 'late')")
    return path


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("pixel.csv", (DATA / "pixel.png").read_bytes(), "a PNG image"),
        ("photo.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 20, "a JPEG image"),
        ("anim.csv", b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "a GIF image"),
        ("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
        ("a.out", (DATA / "elf_header.csv").read_bytes(), "an ELF executable"),
        ("setup.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48, "a Windows executable"),
        ("data.csv", b"\x00\x01\x02\x03\xfe\xff\x00\x00" * 64, "binary data (it holds NUL bytes and is not UTF-16 text)"),
        ("zeros.csv", b"\x00" * 1000, "binary data (it holds NUL bytes and is not UTF-16 text)"),
        ("c.csv.bz2", b"BZh91AY&SY\x00\x00", "a bzip2-compressed file"),
        ("c.csv.xz", b"\xfd7zXZ\x00\x00\x04", "an xz-compressed file"),
        ("c.7z", b"7z\xbc\xaf\x27\x1c\x00\x04", "a 7-Zip archive"),
        ("empty.zip", b"PK\x05\x06" + b"\x00" * 18, "an empty ZIP archive"),
    ],
)
def test_front_door_binary_files_are_named(tmp_path, name: str, content: bytes, what: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnsupportedFormat) as caught:
        check_source(path)
    assert str(caught.value).startswith(f"{path}: looks like {what}, not a table; ")
    assert str(caught.value).endswith(ACCEPTED)


def test_front_door_png_message_in_full(tmp_path) -> None:
    path = tmp_path / "comments.csv"
    path.write_bytes((DATA / "pixel.png").read_bytes())
    with pytest.raises(UnsupportedFormat) as caught:
        check_source(path, name="comments.csv")
    assert str(caught.value) == f"comments.csv: looks like a PNG image, not a table; {ACCEPTED}"


def test_front_door_gzip_says_decompress_first(tmp_path) -> None:
    path = tmp_path / "comments.csv.gz"
    path.write_bytes(gzip.compress(CSV.encode()))
    with pytest.raises(UnsupportedFormat) as caught:
        check_source(path, name="comments.csv.gz")
    assert str(caught.value) == ("comments.csv.gz: looks like a gzip-compressed file, not a table; decompress it first and give the "
                                 f"file inside (e.g. gunzip); {ACCEPTED}")


def test_front_door_sqlite_database(tmp_path) -> None:
    with pytest.raises(UnsupportedFormat, match=r"looks like an SQLite database, not a table; export the table as CSV"):
        check_source(_sqlite(tmp_path / "comments.db"))


@pytest.mark.parametrize(
    ("parts", "what"),
    [
        ({"comments.csv": CSV.encode()}, "a ZIP archive with no Excel workbook in it, not a table; unpack it first"),
        ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}, "a Word document, not a table"),
        ({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}, "a PowerPoint presentation, not a table"),
        ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
         "an OpenDocument spreadsheet (.ods), not a table; save it as .xlsx or CSV"),
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00"}, "an Excel binary workbook (.xlsb), not a table"),
    ],
)
def test_front_door_zip_that_is_not_a_workbook(tmp_path, parts: dict[str, bytes], what: str) -> None:
    path = _zip(tmp_path / "upload.xlsx", parts)
    with pytest.raises(UnsupportedFormat) as caught:
        check_source(path)
    assert f"looks like {what}" in str(caught.value) and str(caught.value).endswith(ACCEPTED)


def _xlsx(path: Path) -> Path:
    pd.DataFrame({"comment": ["late courier"]}).to_excel(path, index=False)
    return path


def _parquet(path: Path) -> Path:
    pd.DataFrame({"comment": ["late courier"]}).to_parquet(path)
    return path


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("c.csv", lambda p: p.write_bytes(CSV.encode())),
        ("c.tsv", lambda p: p.write_bytes(CSV.replace(",", "\t").encode())),
        ("c.jsonl", lambda p: p.write_bytes(b'{"comment": "late"}\n')),
        ("c.json", lambda p: p.write_bytes(b'[{"comment": "late"}]')),
        ("bom16.csv", lambda p: p.write_bytes(CSV.encode("utf-16"))),
        ("le16.csv", lambda p: p.write_bytes(CSV.encode("utf-16-le"))),
        ("be16.csv", lambda p: p.write_bytes("id,comment\n1,Курьер опоздал\n".encode("utf-16-be"))),
        ("utf32.csv", lambda p: p.write_bytes(CSV.encode("utf-32-le"))),
        ("cp1251.csv", lambda p: p.write_bytes("id,comment\n1,Курьер опоздал\n".encode("cp1251"))),
        ("stray_nul.csv", lambda p: p.write_bytes(b"id,comment\n1,a stray \x00\x01 in a cell\n2,and a normal comment\n")),
        ("c.xlsx", _xlsx),
        ("really_xlsx.csv", _xlsx),
        ("c.parquet", _parquet),
        ("broken.xlsx", lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 40)),  # left to the XLSX reader's own message
    ],
)
def test_front_door_tables_pass(tmp_path, name: str, make) -> None:
    path = tmp_path / name
    make(path)
    check_source(path)


def test_front_door_missing_and_directory(tmp_path) -> None:
    with pytest.raises(MissingFile) as caught:
        check_source(tmp_path / "nope.csv", name="nope.csv")
    assert str(caught.value) == ("nope.csv: no such file; give the path of a CSV, TSV, XLSX, JSONL or Parquet file, or - for CSV on "
                                 "standard input")
    with pytest.raises(MissingFile, match="nope/x.csv: no such file"):
        check_source(tmp_path / "nope" / "x.csv", name="nope/x.csv")
    with pytest.raises(MissingFile) as caught:
        check_source(tmp_path, name="folder")
    assert str(caught.value) == "folder: is a directory, not a file; give the path of a CSV, TSV, XLSX, JSONL or Parquet file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_front_door_named_pipe_is_not_a_regular_file(tmp_path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(MissingFile, match=r"pipe.csv: is not a regular file \(a device, pipe or socket\); .* or - to read CSV"):
        check_source(fifo)  # must not block waiting for a writer


def test_front_door_empty_and_blank(tmp_path) -> None:
    for content in (b"", b"  \n\r\n\t"):
        path = tmp_path / "empty.csv"
        path.write_bytes(content)
        with pytest.raises(EmptyFile) as caught:
            check_source(path, name="empty.csv")
        assert str(caught.value) == "empty.csv: the file is empty; expected a header row and at least one comment"


def test_front_door_unreadable_file(tmp_path, monkeypatch) -> None:
    path = tmp_path / "locked.csv"
    path.write_text(CSV)

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(UnreadableFile) as caught:
        check_source(path, name="locked.csv")
    assert str(caught.value) == "locked.csv: cannot be read (permission denied); make it readable (e.g. chmod u+r) or give a copy you can read"
    assert isinstance(caught.value, InputError) and caught.value.exit_code == 3


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_front_door_unreadable_file_for_real(tmp_path) -> None:
    path = tmp_path / "locked.csv"
    path.write_text(CSV)
    path.chmod(0)
    try:
        with pytest.raises(UnreadableFile, match="permission denied"):
            check_source(path)
    finally:
        path.chmod(0o600)


def test_front_door_size_limit(tmp_path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(CSV.encode() * 100)
    check_source(path, max_bytes=10_000)
    with pytest.raises(InputTooLarge, match=r"big.csv: the file is 3,400 bytes; at most 1,000 bytes is read \(--max-input-mb\)"):
        check_source(path, name="big.csv", max_bytes=1000)


def test_front_door_stdin_is_not_checked() -> None:
    assert check_source("-") is None


def test_front_door_is_quick_on_a_large_file(tmp_path) -> None:
    path = tmp_path / "large.csv"
    path.write_bytes(b"id,comment\n" + b"1,the courier was late again and nobody called\n" * 400_000)  # ~19 MB
    started = time.perf_counter()
    check_source(path)
    assert time.perf_counter() - started < 0.2


def test_front_door_imports_nothing_heavy() -> None:
    code = ("import sys, analyzer.io.readers as r; r.check_source('-'); "
            "print(sorted(m for m in ('pandas', 'numpy', 'openpyxl', 'pyarrow', 'sklearn', 'spacy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_front_door_read_table_gives_the_same_messages(tmp_path) -> None:
    path = tmp_path / "comments.csv"
    path.write_bytes((DATA / "pixel.png").read_bytes())
    with pytest.raises(UnsupportedFormat) as from_path:
        read_table(path, name="comments.csv")
    with pytest.raises(UnsupportedFormat) as from_stream:
        read_table(io.BytesIO(path.read_bytes()), name="comments.csv")
    assert str(from_path.value) == str(from_stream.value) == f"comments.csv: looks like a PNG image, not a table; {ACCEPTED}"
    archive = _zip(tmp_path / "c.xlsx", {"comments.csv": CSV.encode()})
    with pytest.raises(UnsupportedFormat, match="looks like a ZIP archive with no Excel workbook in it"):
        read_table(io.BytesIO(archive.read_bytes()), name="c.xlsx")
    with pytest.raises(UnsupportedFormat, match="cannot open as an Excel workbook"):
        read_table(io.BytesIO(b"PK\x03\x04" + b"\x00" * 40), name="broken.xlsx")
    assert read_table(io.BytesIO(CSV.encode("utf-16-le")), name="le16.csv").rows == [["1", "The courier was late"]]


# --- golden files through the command -----------------------------------------

runner = CliRunner()


def _run(*args: str):
    from analyzer.cli.app import app

    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    ("name", "args", "columns"),
    [
        # "sentiment" holds the letters of "time": it is no date column, and no text either.
        ("sentiment_no_date.csv", [], {"text": "comment", "id": "id", "date": None}),
        # Every date-like header only contains a date word ("lifetime", "runtime", "overtime"): none is a date.
        ("substring_headers.csv", [], {"text": "feedback", "id": "id", "date": None}),
        # The advice of the guessed-column error works: the file has no date column.
        ("guessed_wrong_date.csv", ["--date-col", "none"], {"text": "comment", "date": None}),
    ],
)
def test_front_door_golden_files_that_run(tmp_path, name: str, args: list[str], columns: dict[str, str | None]) -> None:
    out = tmp_path / "o"
    result = _run(str(DATA / name), "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert {role: summary["columns"][role] for role in columns} == columns
    assert summary["counts"]["rows_rejected"] == 0
    assert summary["counts"]["rows_analyzed"] == summary["counts"]["rows_read"] > 0


@pytest.mark.parametrize(
    ("name", "args", "code", "line"),
    [
        ("all_rejected.csv", [], 3, "Error: {path}: all 6 rows were rejected (empty_text: 6), so nothing is left to analyse; the first, "
                                    "on line 2: comment is empty; a comment needs at least one non-space character"),
        ("guessed_wrong_date.csv", [], 3, "Error: {path}: column 'time' was guessed as the date column, and 8 of 8 rows were rejected "
                                          "for it (bad_date); name the right column with --date-col NAME, or say the file has none "
                                          "with --date-col none"),
        ("sentiment_no_date.csv", ["--text-col", "none"], 2,
         "Error: --text-col: 'none' cannot be used; the comment text column is required, so name the column that holds the comments "
         "(e.g. --text-col comment) or leave the option out to have it guessed"),
        ("pixel.png", [], 3, f"Error: {{path}}: looks like a PNG image, not a table; {ACCEPTED}"),
        ("elf_header.csv", [], 3, f"Error: {{path}}: looks like an ELF executable, not a table; {ACCEPTED}"),
        ("gzipped.csv.gz", [], 3, "Error: {path}: looks like a gzip-compressed file, not a table; decompress it first and give the file "
                                  f"inside (e.g. gunzip); {ACCEPTED}"),
    ],
)
def test_front_door_golden_bad_inputs_are_one_line(tmp_path, name: str, args: list[str], code: int, line: str) -> None:
    path = DATA / name
    result = _run(str(path), "--out", str(tmp_path / "o"), *args)
    assert result.exit_code == code, result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("Error:")]
    assert errors == [line.format(path=path)], result.stderr
    assert result.stderr.rstrip().endswith(errors[0])
    assert "Traceback" not in result.output
    assert not (tmp_path / "o" / "summary.json").exists()
