"""Reading input files of every supported format into one raw table of strings.

A reader knows nothing about comments: it returns the header, every record as
strings (``None`` for an absent cell) with the line it starts on, and the
records it could not read at all (ragged rows, broken JSON lines) as rejects.
``analyzer.ingest`` then maps columns and checks values.

Formats: CSV, TSV, semicolon- or pipe-separated text, XLSX, JSON Lines (and a
JSON array of objects), Parquet. The format comes from the extension and is
checked against the content (an ``.csv`` that is really an XLSX is read as
XLSX). Text encodings are detected with charset-normalizer unless given.

Example:
    >>> table = read_table(io.BytesIO(b"id,comment\\n1,late courier\\n"), name="c.csv")
    >>> table.columns, table.rows, table.lines
    (['id', 'comment'], [['1', 'late courier']], [2])
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from analyzer.errors import EmptyFile, MissingFile, UnreadableEncoding, UnsupportedFormat, UsageError

FORMATS = ("csv", "tsv", "xlsx", "jsonl", "parquet")
ENCODING_HELP = "give the real one with --encoding (e.g. utf-8, utf-16, cp1251, kz1048, cp1253, cp1256, cp1250)"

# Legacy code pages charset-normalizer chooses between first; the project's
# languages are written in these when they are not written in Unicode.
_LEGACY_ENCODINGS = ["cp1251", "kz1048", "cp1253", "cp1256", "cp1250", "cp1252", "koi8_r", "cp866", "iso8859_7", "mac_cyrillic"]
# Letters that Russian text in cp1251 almost never contains but that appear
# when Kazakh text written in KZ-1048 is decoded as cp1251.
_KZ1048_TELLS = set("ЉЊЋЏљњћџЌќЎўҐґ")
_SNIFF_BYTES = 256 * 1024
_DELIMITERS = [",", ";", "\t", "|"]
# A character no CSV uses, so a one-column file keeps its commas.
_NO_DELIMITER = "\x1f"


@dataclass
class RawTable:
    """What a reader found: header, records as strings, start lines, unreadable records.

    Attributes:
        columns: unique, non-empty column names in file order.
        rows: one list of cell strings (or ``None``) per record, as long as ``columns``.
        lines: the line (CSV/JSONL), sheet row (XLSX) or record number (Parquet) of each row.
        rejects: ``(line, problem, reason, cells)`` for records that could not be read into columns.
        format: one of :data:`FORMATS`.
        encoding: the text encoding used, ``None`` for binary formats.
        delimiter: the field separator for delimited text.
        blank_lines: blank lines skipped (they hold no data).
        checksum: SHA-256 of the input bytes.
        notes: what was decided on the user's behalf (detected encoding, renamed headers).
    """

    columns: list[str]
    rows: list[list[str | None]]
    lines: list[int]
    rejects: list[tuple[int, str, str, list[str | None]]] = field(default_factory=list)
    format: str = "csv"
    encoding: str | None = None
    delimiter: str | None = None
    blank_lines: int = 0
    checksum: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def n_read(self) -> int:
        """Records read: rows plus records rejected by the reader (blank lines are not records)."""
        return len(self.lines) + len(self.rejects)


def read_table(
    source: str | Path | BinaryIO,
    *,
    name: str | None = None,
    encoding: str | None = None,
    format: str | None = None,
) -> RawTable:
    """Read a file, a path or a binary stream into a :class:`RawTable`.

    Args:
        source: a path, or a binary file object (``sys.stdin.buffer`` for ``-``).
        name: how to call the input in messages; defaults to the path.
        encoding: text encoding to use instead of detecting one.
        format: one of :data:`FORMATS` to skip detection.

    Example:
        >>> read_table(io.BytesIO(b"a;b\\n1;2\\n"), name="x.csv").delimiter
        ';'
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or str(path)
        if not path.exists():
            raise MissingFile(f"{name}: no such file; give the path of a CSV, TSV, XLSX, JSONL or Parquet file, or - for CSV on standard input")
        if not path.is_file():
            raise MissingFile(f"{name}: is a directory, not a file; give the path of a CSV, TSV, XLSX, JSONL or Parquet file")
        data = path.read_bytes()
        suffix = path.suffix.lower()
    else:
        name = name or getattr(source, "name", "<stream>")
        data = source.read()
        suffix = Path(str(name)).suffix.lower()
    if format is not None and format not in FORMATS:
        raise UsageError(f"--input-format: '{format}' is not a format; accepted: {', '.join(FORMATS)}")
    if not data.strip():
        raise EmptyFile(f"{name}: the file is empty; expected a header row and at least one comment")
    fmt = format or sniff_format(data, suffix, name)
    if fmt == "xlsx":
        table = _read_xlsx(data, name)
    elif fmt == "parquet":
        table = _read_parquet(data, name)
    else:
        text, used, confident = decode(data, name, encoding)
        if fmt == "jsonl":
            table = _read_json(text, name)
        else:
            table = _read_delimited(text, name, "\t" if fmt == "tsv" else None)
        table.encoding = used
        how = "given" if encoding else "detected" if confident else "guessed with low confidence; check the text or give --encoding"
        table.notes.insert(0, f"encoding: {used} ({how})")
    table.checksum = hashlib.sha256(data).hexdigest()
    if not table.columns:
        raise EmptyFile(f"{name}: no header row found; expected a first row naming the columns (e.g. id,comment)")
    if not table.rows and not table.rejects:
        raise EmptyFile(f"{name}: the file has a header ({', '.join(table.columns)}) but no data rows")
    return table


def sniff_format(data: bytes, suffix: str, name: str) -> str:
    """Tell the format from the content first, the extension second.

    Example:
        >>> sniff_format(b'{"text": "hi"}', ".txt", "x.txt")
        'jsonl'
    """
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFormat(f"{name}: this is an old binary Excel (.xls) file; save it as .xlsx or CSV and try again")
    if suffix in (".xlsx", ".xlsm", ".parquet", ".pq"):
        raise UnsupportedFormat(
            f"{name}: the extension says {suffix[1:]} but the content is not; accepted: real .xlsx or .parquet files, or CSV/TSV/JSONL text"
        )
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if head.startswith(b"{") or head.startswith(b"["):
        return "jsonl"
    return "csv"


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str, bool]:
    """Decode bytes to text, with the given encoding or a detected one.

    BOMs decide first (UTF-8, UTF-16, UTF-32), then strict UTF-8, then
    charset-normalizer among the legacy code pages of the project's languages,
    then among all it knows.

    Returns:
        The text, the name of the encoding used, and whether the detector was confident
        (False when it had to accept a reading it found chaotic).

    Example:
        >>> decode("Привет, как дела?".encode("cp1251") * 20, "x.csv")[1:]
        ('cp1251', True)
    """
    if encoding:
        return _decode_as(data, name, encoding), encoding, True
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                     (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _decode_as(data, name, enc), enc, True
    sample = data[:_SNIFF_BYTES]
    if sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM: every other byte of ASCII text is zero.
        enc = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return _decode_as(data, name, enc), enc, True
    try:
        return data.decode("utf-8"), "utf-8", True
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample, cp_isolation=_LEGACY_ENCODINGS).best() or from_bytes(sample).best()
    confident = best is not None
    if best is None:
        # Short or odd texts look "chaotic" to the detector; accept its least chaotic legacy reading.
        best = from_bytes(sample, cp_isolation=_LEGACY_ENCODINGS, threshold=1.0).best()
    if best is None:
        raise UnreadableEncoding(f"{name}: cannot tell the text encoding (not UTF-8, UTF-16 or a known code page); {ENCODING_HELP}")
    enc = best.encoding
    text = _decode_as(data, name, enc)
    if enc == "cp1251" and _KZ1048_TELLS.intersection(text):
        try:
            text, enc = data.decode("kz1048"), "kz1048"
        except UnicodeDecodeError:
            pass
    return text, enc, confident


def _decode_as(data: bytes, name: str, encoding: str) -> str:
    try:
        if encoding.replace("_", "-").lower() in ("utf-8", "utf8") and data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
        return data.decode(encoding)
    except LookupError:
        raise UsageError(f"--encoding: '{encoding}' is not an encoding Python knows; {ENCODING_HELP}") from None
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableEncoding(
            f"{name}: byte 0x{bad} on line {line} (offset {exc.start}) is not valid {encoding}; {ENCODING_HELP}"
        ) from None


def _read_delimited(text: str, name: str, delimiter: str | None) -> RawTable:
    csv.field_size_limit(2**31 - 1)  # long fields are judged by ingest, with a line number, not by csv
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: list[str] | None = None
    rows: list[list[str | None]] = []
    lines: list[int] = []
    rejects: list[tuple[int, str, str, list[str | None]]] = []
    blank = 0
    notes: list[str] = []
    previous_end = 0
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not record or (len(record) == 1 and not record[0].strip()):
            # Only an empty or whitespace-only line is blank; a line of empty fields is a record.
            blank += 1
            continue
        if header is None:
            header = unique_columns(record, notes)
            continue
        if len(record) != len(header):
            rejects.append((start, "ragged", f"row has {len(record)} fields but the header has {len(header)}; "
                                   f"quote fields that contain '{_show(delimiter)}' or line breaks", list(record)))
            continue
        rows.append(record)
        lines.append(start)
    if delimiter != _NO_DELIMITER:
        notes.insert(0, f"delimiter: {_show(delimiter)}")
    fmt = "tsv" if delimiter == "\t" else "csv"
    return RawTable(header or [], rows, lines, rejects, fmt, delimiter=delimiter, blank_lines=blank, notes=notes)


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent number of fields.

    Example:
        >>> sniff_delimiter("id;text\\n1;a, b\\n2;c\\n")
        ';'
    """
    sample = "\n".join(text[:_SNIFF_BYTES].splitlines()[:50])
    best, best_key = _NO_DELIMITER, (0.0, 1)
    for delimiter in _DELIMITERS:
        counts = [len(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False) if r]
        if not counts or counts[0] < 2:
            continue
        agreement = sum(1 for c in counts if c == counts[0]) / len(counts)
        key = (agreement, counts[0])
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _show(delimiter: str) -> str:
    return {"\t": "tab", _NO_DELIMITER: "none"}.get(delimiter, delimiter)


def unique_columns(names: list[object], notes: list[str]) -> list[str]:
    """Make header names non-empty and unique (``comment``, ``comment.2``), noting each change.

    Example:
        >>> unique_columns(["a", "", "a"], [])
        ['a', 'column_2', 'a.2']
    """
    seen: Counter[str] = Counter()
    result = []
    for position, raw in enumerate(names, start=1):
        name = str(raw).strip().lstrip("\ufeff") if raw is not None else ""
        if not name:
            name = f"column_{position}"
            notes.append(f"header: column {position} has no name; called it {name}")
        seen[name] += 1
        if seen[name] > 1:
            renamed = f"{name}.{seen[name]}"
            notes.append(f"header: column {position} repeats '{name}'; called it {renamed}")
            name = renamed
        result.append(name)
    return result


def to_cell(value: object) -> str | None:
    """Turn a cell of a typed format into the string a CSV would have held.

    Example:
        >>> to_cell(7.0), to_cell(None), to_cell(dt.date(2026, 5, 1))
        ('7', None, '2026-05-01')
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _read_json(text: str, name: str) -> RawTable:
    if text.startswith("\ufeff"):
        text = text[1:]
    stripped = text.lstrip()
    records: list[tuple[int, object, str]] = []
    blank = 0
    if stripped.startswith("["):
        try:
            array = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise UnsupportedFormat(
                f"{name}: not valid JSON ({_json_problem(exc)}); accepted: JSON Lines, one object per line, or one array of objects"
            ) from None
        if not isinstance(array, list):
            raise UnsupportedFormat(f"{name}: the JSON is not an array of objects; accepted: JSON Lines or an array of objects")
        records = [(n, item, json.dumps(item, ensure_ascii=False)[:200]) for n, item in enumerate(array, start=1)]
    else:
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                blank += 1
                continue
            try:
                records.append((n, json.loads(line), line))
            except (json.JSONDecodeError, RecursionError) as exc:
                records.append((n, exc, line))
    columns: list[str] = []
    known: set[str] = set()
    for _, item, _ in records:
        if isinstance(item, dict):
            for key in item:
                if key not in known:
                    known.add(key)
                    columns.append(key)
    rows: list[list[str | None]] = []
    lines: list[int] = []
    rejects: list[tuple[int, str, str, list[str | None]]] = []
    for n, item, raw in records:
        if isinstance(item, Exception):
            rejects.append((n, "bad_json", f"not valid JSON ({_json_problem(item)}); accepted: one JSON object per line", [raw]))
        elif not isinstance(item, dict):
            rejects.append((n, "bad_json", f"a JSON {type(item).__name__} where an object was expected; accepted: one JSON object per line", [raw]))
        else:
            rows.append([to_cell(item.get(key)) for key in columns])
            lines.append(n)
    notes = [f"columns from JSON keys: {', '.join(columns)}"] if columns else []
    return RawTable(columns, rows, lines, rejects, "jsonl", blank_lines=blank, notes=notes)


def _json_problem(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    return str(exc)


def _read_xlsx(data: bytes, name: str) -> RawTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken zips
        raise UnsupportedFormat(f"{name}: cannot open as an Excel workbook ({type(exc).__name__}); accepted: .xlsx saved by Excel or LibreOffice") from None
    sheet = book.worksheets[0]
    header: list[str] | None = None
    rows: list[list[str | None]] = []
    lines: list[int] = []
    rejects: list[tuple[int, str, str, list[str | None]]] = []
    notes = [f"sheet: {sheet.title}" + (f" (first of {len(book.worksheets)})" if len(book.worksheets) > 1 else "")]
    blank = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [to_cell(v) for v in values]
        if all(c is None or not c.strip() for c in cells):
            blank += 1
            continue
        if header is None:
            while cells and (cells[-1] is None or not cells[-1].strip()):
                cells.pop()
            header = unique_columns(cells, notes)
            continue
        extra = [c for c in cells[len(header):] if c is not None and c.strip()]
        if extra:
            rejects.append((number, "ragged", f"row has values beyond the header's {len(header)} columns; give every column a header", cells))
            continue
        cells = (cells + [None] * len(header))[: len(header)]
        rows.append(cells)
        lines.append(number)
    book.close()
    return RawTable(header or [], rows, lines, rejects, "xlsx", blank_lines=blank, notes=notes)


def _read_parquet(data: bytes, name: str) -> RawTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise UnsupportedFormat(f"{name}: cannot read as Parquet ({type(exc).__name__}); accepted: Parquet files written by pandas, Arrow or Spark") from None
    notes: list[str] = []
    columns = unique_columns(table.column_names, notes)
    data_columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    rows = [[to_cell(col[i]) for col in data_columns] for i in range(table.num_rows)]
    return RawTable(columns, rows, list(range(1, table.num_rows + 1)), [], "parquet", notes=notes)
