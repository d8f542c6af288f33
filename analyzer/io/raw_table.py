"""The raw table every reader returns, and the two rules all readers fill it by: cells and header names.

A reader knows nothing about comments: its :class:`RawTable` holds the header,
every record as strings (``None`` for an absent cell) with the line it starts
on, and the records it could not read at all as rejects. A typed format's
values become the strings a CSV would have held (:func:`to_cell`); every
header becomes one-line, non-empty, unique names (:func:`unique_columns`).

Example:
    >>> notes = []
    >>> RawTable(unique_columns(["id", "id"], notes), [[to_cell(1.0), to_cell(None)]], [2]).columns, notes
    (['id', 'id.2'], ["header: column 2 repeats 'id'; called it id.2"])
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field

# Control characters and line breaks in a column name become one space (a name must fit on one line).
_NAME_JUNK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
MAX_NAME_CHARS = 200


@dataclass
class RawTable:
    """What a reader found: header, records as strings, start lines, unreadable records.

    Attributes:
        columns: unique, non-empty column names in file order.
        rows: one list of cell strings (or ``None``) per record, as long as ``columns``.
        lines: the line (CSV/JSONL), sheet row (XLSX) or record number (Parquet) of each row.
        rejects: ``(line, problem, reason, cells)`` for records that could not be read into columns.
        format: one of :data:`analyzer.io.readers.FORMATS`, or ``dataframe``.
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

