"""The Parquet reader: a columnar file's footer is checked against the limits, then its columns become rows of strings.

The footer declares the rows, columns and unpacked size of the data; they are
checked before anything is unpacked, since dictionary and run-length encoding
make tiny files of huge tables. pyarrow is imported only here, when a Parquet
file is read. Record numbers (from 1) stand for lines.

Example:
    >>> import io, pyarrow as pa, pyarrow.parquet as pq
    >>> saved = io.BytesIO(); pq.write_table(pa.table({"id": [1, 2], "comment": ["late", None]}), saved)
    >>> table = read_parquet(saved.getvalue(), "c.parquet")
    >>> table.columns, table.rows, table.lines
    (['id', 'comment'], [['1', 'late'], ['2', None]], [1, 2])
"""

from __future__ import annotations

import io

from analyzer.errors import InputTooLarge, UnsupportedFormat
from analyzer.io.limits import DEFAULT_LIMITS, Limits, check_shape
from analyzer.io.raw_table import RawTable, to_cell, unique_columns
from analyzer.io.sniff import size_text


def read_parquet(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    """Read a Parquet file's bytes into a :class:`~analyzer.io.raw_table.RawTable`; lines are record numbers."""
    import pyarrow.parquet as pq

    problem = "accepted: Parquet files written by pandas, Arrow or Spark"
    try:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise UnsupportedFormat(f"{name}: cannot read as Parquet ({type(exc).__name__}); {problem}") from None
    # The footer is checked before any data is unpacked: dictionary and run-length encoding make tiny files of huge tables.
    check_shape(name, meta.num_rows, meta.num_columns, limits)
    if unpacked > limits.max_unpacked_bytes:
        raise InputTooLarge(f"{name}: the Parquet data unpacks to {size_text(unpacked)}; at most {size_text(limits.max_unpacked_bytes)} is read; "
                            f"split the file")
    try:
        table = pq.read_table(io.BytesIO(data))
        check_shape(name, table.num_rows, table.num_columns, limits)
        data_columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        rows = [[to_cell(col[i]) for col in data_columns] for i in range(table.num_rows)]
    except InputTooLarge:
        raise
    except Exception as exc:  # damaged pages, invalid UTF-8 in a string column, ...
        raise UnsupportedFormat(f"{name}: cannot read as Parquet ({type(exc).__name__}); {problem}") from None
    notes: list[str] = []
    columns = unique_columns(table.column_names, notes)
    return RawTable(columns, rows, list(range(1, table.num_rows + 1)), [], "parquet", notes=notes)
