"""Reading input files of every supported format into one raw table of strings.

A reader knows nothing about comments: it returns the header, every record as
strings (``None`` for an absent cell) with the line it starts on, and the
records it could not read at all (ragged rows, broken JSON lines) as rejects.
``analyzer.io.ingest`` then maps columns and checks values.

Formats: CSV, TSV, semicolon- or pipe-separated text, XLSX, JSON Lines (and a
JSON array of objects), Parquet. The format comes from the extension and is
checked against the content (an ``.csv`` that is really an XLSX is read as
XLSX). Text encodings are detected with charset-normalizer unless given.
:func:`read_table` is the one entry: it checks the input, picks the format and
hands the bytes or text to that format's reader. The pieces live in their own
modules: format, encoding and delimiter detection and the front-door check of
a path (:func:`~analyzer.io.sniff.check_source`: missing, empty, unreadable,
image, archive, executable, ...) in :mod:`analyzer.io.sniff`; the table and its
cell and header rules in :mod:`analyzer.io.raw_table`; the limits in
:mod:`analyzer.io.limits`; the readers in :mod:`analyzer.io.delimited`,
:mod:`analyzer.io.json_records`, :mod:`analyzer.io.workbooks` (XLSX) and
:mod:`analyzer.io.columnar` (Parquet). :class:`Limits`, :data:`DEFAULT_LIMITS`,
:class:`RawTable`, :func:`to_cell` and :func:`unique_columns` are importable
from here too, as the readers' public face.

Every reader works within :class:`Limits` (file size, rows, columns, cells,
field length, JSON nesting, unpacked XLSX/Parquet size): a hostile or absurd
file fails with one :class:`~analyzer.errors.InputTooLarge` line instead of
exhausting memory or time. ``docs/reliability.md`` lists the limits and the
tests that prove them.

Example:
    >>> import io
    >>> table = read_table(io.BytesIO(b"id,comment\\n1,late courier\\n"), name="c.csv")
    >>> table.columns, table.rows, table.lines
    (['id', 'comment'], [['1', 'late courier']], [2])
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

from analyzer.errors import EmptyFile, InputTooLarge, UnreadableFile, UsageError
from analyzer.io.columnar import read_parquet
from analyzer.io.delimited import read_delimited
from analyzer.io.json_records import read_json
from analyzer.io.limits import DEFAULT_LIMITS, Limits
from analyzer.io.raw_table import RawTable, to_cell, unique_columns
from analyzer.io.sniff import check_bytes, check_source, decode, size_text, sniff_format
from analyzer.io.workbooks import read_xlsx

__all__ = ["DEFAULT_LIMITS", "FORMATS", "Limits", "RawTable", "read_table", "to_cell", "unique_columns"]

FORMATS = ("csv", "tsv", "xlsx", "jsonl", "parquet")


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
        >>> import io
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
        table = read_xlsx(data, name, limits)
    elif fmt == "parquet":
        table = read_parquet(data, name, limits)
    else:
        text, used, confident = decode(data, name, encoding)
        del data  # the text is all the parsers need; do not hold both
        if fmt == "jsonl":
            table = read_json(text, name, limits)
        else:
            table = read_delimited(text, name, "\t" if fmt == "tsv" else None, limits)
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

