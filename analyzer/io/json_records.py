"""The JSON reader: JSON Lines (one object per line) or one JSON array of objects, already decoded to a string.

The columns are the objects' keys in order of first appearance. A line that is
not valid JSON, is not an object, or nests deeper than
:attr:`~analyzer.io.limits.Limits.max_json_depth` is a ``bad_json`` reject
with its line (an array's items are numbered from 1); a broken array is one
:class:`~analyzer.errors.UnsupportedFormat` line, since nothing of it can be
read.

Example:
    >>> table = read_json('{"id": 1, "text": "late"}\\n[1]\\n', "c.jsonl")
    >>> table.columns, table.rows, [r[:2] for r in table.rejects]
    (['id', 'text'], [['1', 'late']], [(2, 'bad_json')])
"""

from __future__ import annotations

import json

from analyzer.errors import InputTooLarge, UnsupportedFormat
from analyzer.io.limits import DEFAULT_LIMITS, Limits, check_shape
from analyzer.io.raw_table import RawTable, to_cell, unique_columns


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


def read_json(text: str, name: str, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    """Read decoded JSON Lines, or one JSON array of objects, into a :class:`~analyzer.io.raw_table.RawTable`."""
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
        check_shape(name, len(array), 1, limits)
        records.extend((n, item, None) for n, item in enumerate(array, start=1))  # a preview is made for rejects only
    else:
        # JSON Lines are separated by \n alone: U+2028, U+0085 and the like may stand unescaped inside a JSON string.
        n = 0
        for n, line in enumerate(text[offset:].split("\n"), start=1):
            if not line.strip():
                blank += 1
                continue
            check_shape(name, len(records) + 1, 1, limits)
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
    check_shape(name, len(records), len(keys), limits)
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

