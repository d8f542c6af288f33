"""Reading input files of every supported format into one raw table of strings.

A reader knows nothing about comments: it returns the header, every record as
strings (``None`` for an absent cell) with the line it starts on, and the
records it could not read at all (ragged rows, broken JSON lines) as rejects.
``analyzer.io.ingest`` then maps columns and checks values.

Formats: CSV, TSV, semicolon- or pipe-separated text, XLSX, JSON Lines (and a
JSON array of objects), Parquet. The format comes from the extension and is
checked against the content (an ``.csv`` that is really an XLSX is read as
XLSX). Text encodings are detected with charset-normalizer unless given.
Format, encoding and delimiter detection, and the front-door check of a path
(:func:`check_source`: missing, empty, unreadable, image, archive, executable,
...), live in :mod:`analyzer.io.sniff`; they are re-exported here.

Every reader works within :class:`Limits` (file size, rows, columns, cells,
field length, JSON nesting, unpacked XLSX/Parquet size): a hostile or absurd
file fails with one :class:`~analyzer.errors.InputTooLarge` line instead of
exhausting memory or time. ``docs/reliability.md`` lists the limits and the
tests that prove them.

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
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from analyzer.errors import EmptyFile, InputTooLarge, UnreadableFile, UnsupportedFormat, UsageError
from analyzer.io.sniff import (
    ENCODING_HELP,
    NO_DELIMITER,
    SNIFF_BYTES,
    check_bytes,
    check_source,
    decode,
    show_delimiter,
    size_text,
    sniff_delimiter,
    sniff_format,
)

__all__ = ["DEFAULT_LIMITS", "ENCODING_HELP", "FORMATS", "Limits", "RawTable", "check_source", "decode", "read_table", "sniff_delimiter",
           "sniff_format", "to_cell", "unique_columns"]

FORMATS = ("csv", "tsv", "xlsx", "jsonl", "parquet")
_EOL = re.compile(r"\r\n|\r|\n")
# Control characters and line breaks in a column name become one space (a name must fit on one line).
_NAME_JUNK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
MAX_NAME_CHARS = 200
# Excel's own limits: a sheet row number beyond this is not a real workbook.
_XLSX_MAX_ROW = 1_048_576
_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Safety limits every reader enforces; exceeding one raises :class:`~analyzer.errors.InputTooLarge`.

    The defaults keep the reader's own memory within a few GB on any input
    (see ``docs/reliability.md`` for the measurements) while accepting any real
    comment export of up to a million rows.

    Attributes:
        max_bytes: size of the input file (or standard input).
        max_rows: records in the file (accepted and rejected rows; blank lines not counted).
        max_columns: columns in the header (Excel's own maximum).
        max_cells: rows times columns.
        max_field_chars: one field of delimited text; rows with fields longer than ``--max-chars``
            but within this limit are rejected one by one, a longer field (usually an unclosed
            quote) stops the file.
        max_line_delimiters: field separators on one physical line (bounds the fields a single record can have).
        max_json_depth: nesting of objects and arrays within one JSON value.
        max_unpacked_bytes: declared uncompressed size of an XLSX's parts or a Parquet file's data.
        max_unpack_ratio: uncompressed-to-compressed ratio of one XLSX part over 1 MiB (a zip bomb's is ~1000).
        max_zip_members: parts in an XLSX file.

    Example:
        >>> Limits().max_bytes // 2**20, Limits(max_rows=10).max_rows
        (256, 10)
    """

    max_bytes: int = 256 * _MIB
    max_rows: int = 1_000_000
    max_columns: int = 16_384
    max_cells: int = 50_000_000
    max_field_chars: int = 10_000_000
    max_line_delimiters: int = 1_000_000
    max_json_depth: int = 64
    max_unpacked_bytes: int = 1024 * _MIB
    max_unpack_ratio: int = 100
    max_zip_members: int = 10_000


DEFAULT_LIMITS = Limits()


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
    limits: Limits | None = None,
) -> RawTable:
    """Read a file, a path or a binary stream into a :class:`RawTable`.

    Args:
        source: a path, or a binary file object (``sys.stdin.buffer`` for ``-``).
        name: how to call the input in messages; defaults to the path.
        encoding: text encoding to use instead of detecting one.
        format: one of :data:`FORMATS` to skip detection.
        limits: safety limits; :data:`DEFAULT_LIMITS` when not given.

    Raises:
        InputTooLarge: the input exceeds one of ``limits`` (checked before it is read where possible).
        MissingFile, UnreadableFile, EmptyFile, UnsupportedFormat: as :func:`~analyzer.io.sniff.check_source` says
            for a path; a stream's bytes get the same content check (:func:`~analyzer.io.sniff.check_bytes`).

    Example:
        >>> read_table(io.BytesIO(b"a;b\\n1;2\\n"), name="x.csv").delimiter
        ';'
    """
    limits = limits or DEFAULT_LIMITS
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or str(path)
        check_source(path, name=name, max_bytes=limits.max_bytes)  # kind, size, permissions, magic bytes: one line each
        try:
            data = path.read_bytes()
        except OSError as exc:  # removed or locked since it was checked
            raise UnreadableFile(f"{name}: cannot be read ({exc.strerror or type(exc).__name__}); give a file you can read") from None
        suffix = path.suffix.lower()
    else:
        name = name or getattr(source, "name", "<stream>")
        data = source.read(limits.max_bytes + 1)
        if len(data) > limits.max_bytes:
            raise InputTooLarge(f"{name}: the input is larger than {size_text(limits.max_bytes)}, the most that is read (--max-input-mb); "
                                f"split it into smaller files")
        suffix = Path(str(name)).suffix.lower()
    if format is not None and format not in FORMATS:
        raise UsageError(f"--input-format: '{format}' is not a format; accepted: {', '.join(FORMATS)}")
    if not data or data.isspace():
        raise EmptyFile(f"{name}: the file is empty; expected a header row and at least one comment")
    if not isinstance(source, (str, Path)):
        check_bytes(data, name)  # a path was checked by check_source
    checksum = hashlib.sha256(data).hexdigest()
    fmt = format or sniff_format(data, suffix, name)
    if fmt == "xlsx":
        table = _read_xlsx(data, name, limits)
    elif fmt == "parquet":
        table = _read_parquet(data, name, limits)
    else:
        text, used, confident = decode(data, name, encoding)
        del data  # the text is all the parsers need; do not hold both
        if fmt == "jsonl":
            table = _read_json(text, name, limits)
        else:
            table = _read_delimited(text, name, "\t" if fmt == "tsv" else None, limits)
        table.encoding = used
        how = "given" if encoding else "detected" if confident else "guessed with low confidence; check the text or give --encoding"
        table.notes.insert(0, f"encoding: {used} ({how})")
    table.checksum = checksum
    if not table.columns:
        raise EmptyFile(f"{name}: no header row found; expected a first row naming the columns (e.g. id,comment)")
    if not table.rows and not table.rejects:
        raise EmptyFile(f"{name}: the file has a header ({_list_names(table.columns)}) but no data rows")
    return table


def _list_names(columns: list[str], most: int = 20) -> str:
    shown = ", ".join(columns[:most])
    return shown + (f", ... ({len(columns) - most:,} more)" if len(columns) > most else "")


def _check_shape(name: str, rows: int, columns: int, limits: Limits, where: str = "") -> None:
    """Raise :class:`InputTooLarge` when ``rows`` records of ``columns`` cells exceed the limits."""
    if rows > limits.max_rows:
        raise InputTooLarge(f"{name}: {where}more than {limits.max_rows:,} rows; at most {limits.max_rows:,} are read; split the file")
    if columns > limits.max_columns:
        raise InputTooLarge(f"{name}: {where}{columns:,} columns; at most {limits.max_columns:,} are read; drop the columns you do not need")
    if rows * columns > limits.max_cells:
        raise InputTooLarge(f"{name}: {where}more than {limits.max_cells:,} cells ({rows:,} rows x {columns:,} columns); at most "
                            f"{limits.max_cells:,} are read; drop unneeded columns or split the file")


def _physical_lines(text: str, start: int = 0) -> Iterator[str]:
    """Yield the lines of ``text`` with their endings, as ``io.StringIO(text, newline="")`` would, one copy at a time.

    Example:
        >>> list(_physical_lines("a\\r\\nb\\rc\\nd"))
        ['a\\r\\n', 'b\\r', 'c\\n', 'd']
    """
    end = len(text)
    while start < end:
        eol = _EOL.search(text, start)
        stop = eol.end() if eol else end
        yield text[start:stop]
        start = stop


def _read_delimited(text: str, name: str, delimiter: str | None, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    # Fields longer than --max-chars are judged by ingest, with a line number; only absurd ones stop csv here.
    # The limit is process-wide in the csv module: set it for this read only.
    previous = csv.field_size_limit(2 * SNIFF_BYTES)  # the sniffer reads a bounded sample; any field in it may be whole
    try:
        offset = 1 if text.startswith("\ufeff") else 0
        delimiter = delimiter or sniff_delimiter(text[offset : offset + SNIFF_BYTES])
        csv.field_size_limit(limits.max_field_chars)
        return _parse_delimited(text, name, delimiter, limits, offset)
    finally:
        csv.field_size_limit(previous)


def _parse_delimited(text: str, name: str, delimiter: str, limits: Limits, offset: int) -> RawTable:
    physical = 0

    def lines() -> Iterator[str]:
        nonlocal physical
        for line in _physical_lines(text, offset):
            physical += 1
            if len(line) > limits.max_line_delimiters and line.count(delimiter) > limits.max_line_delimiters:
                raise InputTooLarge(f"{name}: line {physical} holds more than {limits.max_line_delimiters:,} '{show_delimiter(delimiter)}' "
                                    f"separators; at most {limits.max_columns:,} columns are read")
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=False)
    header: list[str] | None = None
    width = 0
    rows: list[list[str | None]] = []
    line_numbers: list[int] = []
    rejects: list[tuple[int, str, str, list[str | None]]] = []
    blank = 0
    notes: list[str] = []
    previous_end = 0
    while True:
        try:
            record = next(reader, None)
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise InputTooLarge(f"{name}: line {previous_end + 1}: a field runs past {limits.max_field_chars:,} characters, the most "
                                    f"that is read; check the quoting from that line on (an unclosed quote makes the rest of "
                                    f"the file one field)") from None
            raise UnsupportedFormat(f"{name}: line {previous_end + 1}: cannot be read as delimited text ({error}); "
                                    f"accepted: CSV, TSV, semicolon- or pipe-separated text") from None
        if record is None:
            break
        start, previous_end = previous_end + 1, reader.line_num
        if not record or (len(record) == 1 and not record[0].strip()):
            # Only an empty or whitespace-only line is blank; a line of empty fields is a record.
            blank += 1
            continue
        if header is None:
            _check_shape(name, 0, len(record), limits, "the header has ")
            header = unique_columns(record, notes)
            width = len(header)
            continue
        _check_shape(name, len(rows) + len(rejects) + 1, width, limits)
        if len(record) != width:
            rejects.append((start, "ragged", f"row has {len(record)} fields but the header has {width}; "
                                   f"quote fields that contain '{show_delimiter(delimiter)}' or line breaks", list(record)))
            continue
        rows.append(record)
        line_numbers.append(start)
    if delimiter != NO_DELIMITER:
        notes.insert(0, f"delimiter: {show_delimiter(delimiter)}")
    fmt = "tsv" if delimiter == "\t" else "csv"
    return RawTable(header or [], rows, line_numbers, rejects, fmt, delimiter=delimiter, blank_lines=blank, notes=notes)


def unique_columns(names: list[object], notes: list[str]) -> list[str]:
    """Make header names one-line, non-empty and unique (``comment``, ``comment.2``), noting each change.

    Line breaks and control characters in a name become one space, and a name
    longer than :data:`MAX_NAME_CHARS` is cut, so every name can be typed after
    ``--text-col`` and shown in a one-line message.

    Example:
        >>> unique_columns(["a", "", "a", "Comment\\n(optional)"], [])
        ['a', 'column_2', 'a.2', 'Comment (optional)']
    """
    seen: Counter[str] = Counter()
    result = []
    for position, raw in enumerate(names, start=1):
        name = str(raw).strip().lstrip("\ufeff") if raw is not None else ""
        cleaned = _NAME_JUNK.sub(" ", name).strip()
        if len(cleaned) > MAX_NAME_CHARS:
            cleaned = cleaned[: MAX_NAME_CHARS - 1].rstrip() + "…"
        if cleaned != name:
            notes.append(f"header: column {position}'s name had line breaks, control characters or over {MAX_NAME_CHARS} "
                         f"characters; called it {cleaned}")
            name = cleaned
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
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _depth_over(value: object, limit: int) -> bool:
    """Whether ``value`` nests objects and arrays more than ``limit`` levels deep (checked without recursion).

    Example:
        >>> _depth_over({"a": [[1]]}, 3), _depth_over({"a": [[1]]}, 2)
        (False, True)
    """
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _read_json(text: str, name: str, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    offset = 1 if text.startswith("\ufeff") else 0
    head = text[offset : offset + 4096]
    first = offset + len(head) - len(head.lstrip())
    records: list[tuple[int, object, str | None]] = []
    blank = 0
    array_document = text.startswith("[", first)
    # Records of an array are located by item number, JSON Lines by line number.
    accepted = "an array of JSON objects" if array_document else "one JSON object per line"
    if array_document:
        try:
            array = json.loads(text[first:])
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            raise UnsupportedFormat(
                f"{name}: not valid JSON ({_json_problem(exc)}); accepted: JSON Lines, one object per line, or one array of objects"
            ) from None
        if not isinstance(array, list):
            raise UnsupportedFormat(f"{name}: the JSON is not an array of objects; accepted: JSON Lines or an array of objects")
        _check_shape(name, len(array), 1, limits)
        records.extend((n, item, None) for n, item in enumerate(array, start=1))  # a preview is made for rejects only
    else:
        # JSON Lines are separated by \n alone: U+2028, U+0085 and the like may stand unescaped inside a JSON string.
        n = 0
        for n, line in enumerate(text[offset:].split("\n"), start=1):
            if not line.strip():
                blank += 1
                continue
            _check_shape(name, len(records) + 1, 1, limits)
            try:
                records.append((n, json.loads(line), line))
            except (json.JSONDecodeError, RecursionError, ValueError) as exc:
                records.append((n, exc, line))
        if text.endswith("\n") and n:
            blank -= 1  # the final line break ends the last line; it does not start a blank one
    keys: dict[str, None] = {}
    for _, item, _ in records:
        if isinstance(item, dict):
            for key in item:
                if key not in keys:
                    keys[key] = None
                    if len(keys) > limits.max_columns:
                        raise InputTooLarge(f"{name}: the JSON objects have more than {limits.max_columns:,} different keys; at most "
                                            f"{limits.max_columns:,} columns are read; drop the keys you do not need")
    _check_shape(name, len(records), len(keys), limits)
    notes: list[str] = []
    columns = unique_columns(list(keys), notes)
    rows: list[list[str | None]] = []
    lines: list[int] = []
    rejects: list[tuple[int, str, str, list[str | None]]] = []
    for n, item, raw in records:
        problem = RecursionError() if isinstance(item, dict) and _depth_over(item, limits.max_json_depth) else item
        if isinstance(item, dict) and problem is item:
            rows.append([to_cell(item.get(key)) for key in keys])
            lines.append(n)
            continue
        raw = _json_preview(item) if raw is None else raw
        if isinstance(problem, Exception):
            rejects.append((n, "bad_json", f"not valid JSON ({_json_problem(problem)}); accepted: {accepted}", [raw]))
        else:
            rejects.append((n, "bad_json", f"a JSON {_json_type(item)} where an object was expected; accepted: {accepted}", [raw]))
    if columns:
        notes.insert(0, f"columns from JSON keys: {', '.join(columns)}")
    return RawTable(columns, rows, lines, rejects, "jsonl", blank_lines=blank, notes=notes)


def _json_preview(item: object) -> str:
    """The first 200 characters of an array item as JSON, for rejects.csv."""
    try:
        return json.dumps(item, ensure_ascii=False)[:200]
    except (RecursionError, ValueError):
        return ""


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array"}.get(type(value), type(value).__name__)


def _json_problem(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return f"nested too deeply; at most {DEFAULT_LIMITS.max_json_depth} levels of objects and arrays"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    return str(exc).split(";")[0]


def _check_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a zip whose directory declares absurd sizes, before any part is unpacked.

    Python's zipfile never unpacks more than a part's declared size, so the
    declared sizes bound what opening the workbook can cost.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError (unknown zip versions), ValueError, ... on hostile bytes
        raise UnsupportedFormat(f"{name}: cannot open as an Excel workbook ({type(exc).__name__}); accepted: .xlsx saved by Excel or "
                                f"LibreOffice") from None
    if len(members) > limits.max_zip_members:
        raise InputTooLarge(f"{name}: the workbook has {len(members):,} parts; at most {limits.max_zip_members:,} are read; "
                            f"save it again from Excel or as CSV")
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        raise InputTooLarge(f"{name}: the workbook unpacks to {size_text(total)}; at most {size_text(limits.max_unpacked_bytes)} is read; "
                            f"save it as CSV or split it")
    for member in members:
        if member.file_size > _MIB and member.file_size > limits.max_unpack_ratio * max(member.compress_size, 1):
            raise InputTooLarge(f"{name}: part {member.filename[:80]} unpacks {member.file_size // max(member.compress_size, 1):,} times "
                                f"larger than it is stored (a zip bomb?); at most {limits.max_unpack_ratio} times is read; save it "
                                f"again from Excel or as CSV")


def _read_xlsx(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    from openpyxl import load_workbook

    _check_zip(data, name, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken zips
        raise UnsupportedFormat(f"{name}: cannot open as an Excel workbook ({type(exc).__name__}); accepted: .xlsx saved by Excel or LibreOffice") from None
    try:
        if not book.worksheets:
            raise UnsupportedFormat(f"{name}: the workbook has no worksheet; accepted: .xlsx with the comments on its first sheet")
        sheet = book.worksheets[0]
        notes = [f"sheet: {sheet.title}" + (f" (first of {len(book.worksheets)})" if len(book.worksheets) > 1 else "")]
        # The stored dimension can claim A1:XFD1048576 for one cell; rows are then only as long as their last cell.
        sheet.reset_dimensions()
        return _read_sheet(sheet, name, limits, notes)
    finally:
        book.close()


def _read_sheet(sheet: object, name: str, limits: Limits, notes: list[str]) -> RawTable:
    header: list[str] | None = None
    rows: list[list[str | None]] = []
    lines: list[int] = []
    rejects: list[tuple[int, str, str, list[str | None]]] = []
    blank = cells_seen = 0
    number = 0
    values_by_row = sheet.iter_rows(values_only=True)  # type: ignore[attr-defined]
    while True:
        try:
            values = next(values_by_row, None)
        except Exception as exc:  # the sheet XML is parsed lazily: a broken cell surfaces here
            raise UnsupportedFormat(f"{name}: sheet row {number + 1} cannot be read ({type(exc).__name__}: {str(exc)[:100]}); accepted: "
                                    f".xlsx saved by Excel or LibreOffice") from None
        if values is None:
            break
        number += 1
        cells_seen += len(values)
        if number > _XLSX_MAX_ROW or cells_seen > limits.max_cells or len(values) > limits.max_columns:
            if number > _XLSX_MAX_ROW:
                raise InputTooLarge(f"{name}: the sheet has rows past row {_XLSX_MAX_ROW:,}, Excel's last; save it again from Excel or as CSV")
            _check_shape(name, number, len(values), limits, "the sheet has ")
            raise InputTooLarge(f"{name}: the sheet has more than {limits.max_cells:,} cells; at most {limits.max_cells:,} are read; "
                                f"delete unused rows and columns or save it as CSV")
        cells = [to_cell(v) for v in values]
        if all(c is None or not c.strip() for c in cells):
            blank += 1
            continue
        if header is None:
            while cells and (cells[-1] is None or not cells[-1].strip()):
                cells.pop()
            header = unique_columns(cells, notes)
            continue
        _check_shape(name, len(rows) + len(rejects) + 1, len(header), limits)
        extra = [c for c in cells[len(header):] if c is not None and c.strip()]
        if extra:
            rejects.append((number, "ragged", f"row has values beyond the header's {len(header)} columns; give every column a header", cells))
            continue
        cells = (cells + [None] * len(header))[: len(header)]
        rows.append(cells)
        lines.append(number)
    return RawTable(header or [], rows, lines, rejects, "xlsx", blank_lines=blank, notes=notes)


def _read_parquet(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    import pyarrow.parquet as pq

    problem = "accepted: Parquet files written by pandas, Arrow or Spark"
    try:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise UnsupportedFormat(f"{name}: cannot read as Parquet ({type(exc).__name__}); {problem}") from None
    # The footer is checked before any data is unpacked: dictionary and run-length encoding make tiny files of huge tables.
    _check_shape(name, meta.num_rows, meta.num_columns, limits)
    if unpacked > limits.max_unpacked_bytes:
        raise InputTooLarge(f"{name}: the Parquet data unpacks to {size_text(unpacked)}; at most {size_text(limits.max_unpacked_bytes)} is read; "
                            f"split the file")
    try:
        table = pq.read_table(io.BytesIO(data))
        _check_shape(name, table.num_rows, table.num_columns, limits)
        data_columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        rows = [[to_cell(col[i]) for col in data_columns] for i in range(table.num_rows)]
    except InputTooLarge:
        raise
    except Exception as exc:  # damaged pages, invalid UTF-8 in a string column, ...
        raise UnsupportedFormat(f"{name}: cannot read as Parquet ({type(exc).__name__}); {problem}") from None
    notes: list[str] = []
    columns = unique_columns(table.column_names, notes)
    return RawTable(columns, rows, list(range(1, table.num_rows + 1)), [], "parquet", notes=notes)
