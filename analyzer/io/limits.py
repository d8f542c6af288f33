"""The safety limits every reader works within, and the check of a table's shape against them.

A hostile or absurd file (billions of cells, a zip bomb, a field without an
end) fails with one :class:`~analyzer.errors.InputTooLarge` line instead of
exhausting memory or time. ``docs/reliability.md`` lists the limits and the
tests that prove them.

Example:
    >>> check_shape("c.csv", 2_000_000, 2, DEFAULT_LIMITS)
    Traceback (most recent call last):
    ...
    analyzer.errors.InputTooLarge: c.csv: more than 1,000,000 rows; at most 1,000,000 are read; split the file
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.errors import InputTooLarge

MIB = 1024 * 1024


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

    max_bytes: int = 256 * MIB
    max_rows: int = 1_000_000
    max_columns: int = 16_384
    max_cells: int = 50_000_000
    max_field_chars: int = 10_000_000
    max_line_delimiters: int = 1_000_000
    max_json_depth: int = 64
    max_unpacked_bytes: int = 1024 * MIB
    max_unpack_ratio: int = 100
    max_zip_members: int = 10_000


DEFAULT_LIMITS = Limits()


def check_shape(name: str, rows: int, columns: int, limits: Limits, where: str = "") -> None:
    """Raise :class:`~analyzer.errors.InputTooLarge` when ``rows`` records of ``columns`` cells exceed the limits."""
    if rows > limits.max_rows:
        raise InputTooLarge(f"{name}: {where}more than {limits.max_rows:,} rows; at most {limits.max_rows:,} are read; split the file")
    if columns > limits.max_columns:
        raise InputTooLarge(f"{name}: {where}{columns:,} columns; at most {limits.max_columns:,} are read; drop the columns you do not need")
    if rows * columns > limits.max_cells:
        raise InputTooLarge(f"{name}: {where}more than {limits.max_cells:,} cells ({rows:,} rows x {columns:,} columns); at most "
                            f"{limits.max_cells:,} are read; drop unneeded columns or split the file")
