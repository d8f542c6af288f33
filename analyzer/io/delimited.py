"""The delimited-text reader: CSV, TSV, semicolon- or pipe-separated text, already decoded to a string.

The delimiter is sniffed from the start of the text unless given
(:func:`~analyzer.io.sniff.sniff_delimiter`). The first non-blank record is
the header; a record with more or fewer fields than the header is a
``ragged`` reject with its line, and blank lines are counted and skipped. A
line with absurdly many separators, or a field longer than
:attr:`~analyzer.io.limits.Limits.max_field_chars` (usually an unclosed
quote), stops the file with one :class:`~analyzer.errors.InputTooLarge` line.

Example:
    >>> table = read_delimited("id;text\\n1;late\\n\\n2;ok;extra\\n", "c.csv", None)
    >>> table.delimiter, table.rows, table.lines, table.blank_lines, [r[:2] for r in table.rejects]
    (';', [['1', 'late']], [2], 1, [(4, 'ragged')])
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from analyzer.errors import InputTooLarge, UnsupportedFormat
from analyzer.io.limits import DEFAULT_LIMITS, Limits, check_shape
from analyzer.io.raw_table import RawTable, unique_columns
from analyzer.io.sniff import NO_DELIMITER, SNIFF_BYTES, show_delimiter, sniff_delimiter

_EOL = re.compile(r"\r\n|\r|\n")


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


def read_delimited(text: str, name: str, delimiter: str | None, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    """Read decoded delimited text into a :class:`~analyzer.io.raw_table.RawTable`; ``delimiter=None`` sniffs it."""
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
            check_shape(name, 0, len(record), limits, "the header has ")
            header = unique_columns(record, notes)
            width = len(header)
            continue
        check_shape(name, len(rows) + len(rejects) + 1, width, limits)
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
