"""Reading every supported format and encoding into a raw table, with line numbers and structural rejects."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from analyzer.errors import EmptyFile, MissingFile, UnreadableEncoding, UnsupportedFormat, UsageError
from analyzer.io.readers import read_table
from analyzer.io.sniff import decode, sniff_delimiter

TEXTS = {
    "en": "The courier was late, but the operator was kind",
    "ru": "Курьер опоздал, но оператор был вежлив",
    "ro": "Curierul a întârziat, dar operatorul a fost amabil",
    "el": "Ο κούριερ άργησε, αλλά ο υπάλληλος ήταν ευγενικός",
    "fa": "پیک دیر آمد، اما اپراتور مؤدب بود و می‌خواست کمک کند",
    "kk": "Курьер кешікті, бірақ оператор сыпайы болды",
}


def _csv(text: str, delimiter: str = ",") -> str:
    return f"id{delimiter}comment{delimiter}nps\n1{delimiter}\"{text}\"{delimiter}7\n2{delimiter}second remark{delimiter}\n"


@pytest.mark.parametrize(
    ("encoding", "lang"),
    [("utf-8", "fa"), ("utf-8-sig", "ru"), ("utf-16", "el"), ("utf-16-le", "en"), ("cp1251", "ru"), ("kz1048", "kk"),
     ("cp1253", "el"), ("cp1250", "ro")],
)
def test_readers_detects_encoding(encoding: str, lang: str) -> None:
    text = TEXTS[lang]
    data = _csv(text).encode(encoding)
    table = read_table(io.BytesIO(data), name="x.csv")
    assert table.rows[0][1] == text
    assert table.columns == ["id", "comment", "nps"]


def test_readers_detects_cp1256_persian() -> None:
    # cp1256 has no Persian yeh/keheh: exports carry the Arabic letters, which prepare maps back.
    text = "پيک دير آمد اما اپراتور مودب بود و کمک کرد"
    table = read_table(io.BytesIO(_csv(text).encode("cp1256")), name="x.csv")
    assert table.rows[0][1] == text
    assert table.encoding == "cp1256"


def test_readers_given_encoding_wrong_is_one_clear_error() -> None:
    data = _csv(TEXTS["ru"]).encode("cp1251")
    with pytest.raises(UnreadableEncoding, match=r"^x\.csv: byte 0x\w\w on line 2 \(offset \d+\) is not valid utf-8; give the real one with --encoding"):
        read_table(io.BytesIO(data), name="x.csv", encoding="utf-8")


def test_readers_unknown_encoding_name_is_usage_error() -> None:
    with pytest.raises(UsageError, match="--encoding: 'klingon' is not an encoding Python knows"):
        decode(b"a,b\n", "x.csv", "klingon")


@pytest.mark.parametrize(("delimiter", "name"), [(",", "x.csv"), (";", "x.csv"), ("\t", "x.tsv"), ("\t", "x.txt"), ("|", "x.csv")])
def test_readers_sniffs_delimiter(delimiter: str, name: str) -> None:
    table = read_table(io.BytesIO(_csv("a, b; c", delimiter).encode()), name=name)
    assert table.columns == ["id", "comment", "nps"]
    assert table.rows == [["1", "a, b; c", "7"], ["2", "second remark", ""]]


def test_readers_single_column_keeps_commas() -> None:
    table = read_table(io.BytesIO(b"comment\nlate, very late\nrude, slow\n"), name="x.csv")
    assert table.columns == ["comment"]
    assert table.rows == [["late, very late"], ["rude, slow"]]


def test_readers_sniff_delimiter_prefers_consistent_split() -> None:
    assert sniff_delimiter("id;text\n1;late, rude\n2;ok\n") == ";"


def test_readers_line_numbers_count_embedded_newlines_and_blank_lines() -> None:
    data = 'id,comment\n1,"two\nlines"\n\n2,three\n3,"a ""quoted""\nword"\n4,end\n'
    table = read_table(io.BytesIO(data.encode()), name="x.csv")
    assert table.lines == [2, 5, 6, 8]
    assert table.rows[2][1] == 'a "quoted"\nword'
    assert table.blank_lines == 1


def test_readers_ragged_rows_become_rejects_with_lines() -> None:
    data = "id,comment,nps\n1,fine,9\n2,too,many,fields\n3,short\n4,ok,5\n"
    table = read_table(io.BytesIO(data.encode()), name="x.csv")
    assert [r[0] for r in table.rows] == ["1", "4"]
    assert [(line, problem) for line, problem, _, _ in table.rejects] == [(3, "ragged"), (4, "ragged")]
    assert "row has 4 fields but the header has 3" in table.rejects[0][2]
    assert table.n_read == 4


def test_readers_line_of_empty_fields_is_a_record_not_blank() -> None:
    table = read_table(io.BytesIO(b",\n1,first\n,\n"), name="x.csv")
    assert table.columns == ["column_1", "column_2"]
    assert table.rows == [["1", "first"], ["", ""]]
    assert table.blank_lines == 0


def test_readers_duplicate_and_empty_headers_are_renamed() -> None:
    table = read_table(io.BytesIO(b"comment,,comment\na,b,c\n"), name="x.csv")
    assert table.columns == ["comment", "column_2", "comment.2"]
    assert any("repeats 'comment'" in note for note in table.notes)


def test_readers_jsonl_with_bad_lines() -> None:
    lines = [json.dumps({"id": 1, "comment": "late", "nps": 3}, ensure_ascii=False), "{broken", "[1, 2]",
             "", json.dumps({"comment": "Курьер опоздал", "extra": {"a": 1}}, ensure_ascii=False)]
    table = read_table(io.BytesIO("\n".join(lines).encode()), name="x.jsonl")
    assert table.format == "jsonl"
    assert table.columns == ["id", "comment", "nps", "extra"]
    assert table.rows == [["1", "late", "3", None], [None, "Курьер опоздал", None, '{"a": 1}']]
    assert table.lines == [1, 5]
    assert [(line, problem) for line, problem, _, _ in table.rejects] == [(2, "bad_json"), (3, "bad_json")]


def test_readers_deeply_nested_json_line_is_rejected_not_crashing() -> None:
    deep = '{"comment": ' + "[" * 100_000 + "]" * 100_000 + "}"
    table = read_table(io.BytesIO(('{"comment": "ok"}\n' + deep + "\n").encode()), name="x.jsonl")
    assert table.rejects[0][0] == 2 and "nested too deeply" in table.rejects[0][2]


def test_readers_json_array_of_objects() -> None:
    table = read_table(io.BytesIO(b'[{"text": "a"}, {"text": "b"}]'), name="x.json")
    assert table.rows == [["a"], ["b"]]


def test_readers_xlsx_rows_are_sheet_rows(tmp_path) -> None:
    path = tmp_path / "c.xlsx"
    frame = pd.DataFrame({"id": [1, 2], "comment": ["Курьер опоздал", "=1+1"], "date": pd.to_datetime(["2026-05-01", "2026-06-02"])})
    frame.to_excel(path, index=False)
    table = read_table(path)
    assert table.format == "xlsx"
    assert table.rows[0][:2] == ["1", "Курьер опоздал"]
    assert table.rows[0][2].startswith("2026-05-01")
    assert table.lines == [2, 3]


def test_readers_xlsx_with_csv_extension_is_sniffed(tmp_path) -> None:
    path = tmp_path / "really.csv"
    pd.DataFrame({"comment": ["hello there"]}).to_excel(path, index=False, engine="openpyxl")
    assert read_table(path).format == "xlsx"


def test_readers_parquet(tmp_path) -> None:
    path = tmp_path / "c.parquet"
    pd.DataFrame({"comment": ["a", None], "nps": [7.0, None]}).to_parquet(path)
    table = read_table(path)
    assert table.rows == [["a", "7"], [None, None]]
    assert table.lines == [1, 2]


@pytest.mark.parametrize(
    ("content", "name", "error", "message"),
    [
        (b"", "empty.csv", EmptyFile, "empty.csv: the file is empty; expected a header row and at least one comment"),
        (b"  \n\n", "blank.csv", EmptyFile, "blank.csv: the file is empty; expected a header row and at least one comment"),
        (b"id,comment\n", "header.csv", EmptyFile, "header.csv: the file has a header (id, comment) but no data rows"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls", UnsupportedFormat,
         "old.xls: this is an old binary Excel (.xls) file; save it as .xlsx or CSV and try again"),
        (b"id,comment\n1,a\n", "fake.xlsx", UnsupportedFormat,
         "fake.xlsx: the extension says xlsx but the content is not; accepted: real .xlsx or .parquet files, or CSV/TSV/JSONL text"),
    ],
)
def test_readers_whole_file_problems(content: bytes, name: str, error: type, message: str) -> None:
    with pytest.raises(error) as caught:
        read_table(io.BytesIO(content), name=name)
    assert str(caught.value) == message


def test_readers_missing_file(tmp_path) -> None:
    with pytest.raises(MissingFile, match="nope.csv: no such file; give the path of a CSV, TSV, XLSX, JSONL or Parquet file"):
        read_table(tmp_path / "nope.csv", name="nope.csv")


def test_readers_checksum_is_of_the_bytes() -> None:
    import hashlib

    data = b"comment\nhello\n"
    assert read_table(io.BytesIO(data), name="x.csv").checksum == hashlib.sha256(data).hexdigest()
