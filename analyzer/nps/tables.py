"""Table shapes and small frame helpers shared by the NPS modules: the NPS rejects table, id lookups, JSON-ready rows.

Every NPS row problem (a refused answer, a comment that found no answer, a score
conflict) is a row of one table, ``nps_rejects``: the file it is in, then
:data:`CONFLICT_COLUMNS`. :func:`conflict_table` builds the part of one file,
:func:`rejects_table` gathers the parts.

Example:
    >>> part = conflict_table([(3, "nps_score", "conflicting_nps", "respondent 'A' gave different scores", "A", "c1;c2")])
    >>> rejects_table([("comments", part)])[["file", "line", "problem"]].values.tolist()
    [['comments', 3, 'conflicting_nps']]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analyzer import schema as S

CONFLICT_COLUMNS = [S.REJECT_LINE, S.REJECT_COLUMN, S.REJECT_PROBLEM, S.REJECT_REASON, S.RESPONDENT_ID, S.COMMENT_ID]
"""Columns of a row problem: the rejects columns of :mod:`analyzer.schema`, then the respondent and the comment concerned."""

REJECTS_COLUMNS = ["file", *CONFLICT_COLUMNS]
"""Columns of the ``nps_rejects`` table: the file the problem is in (the answers file's name or ``comments``), then the rest."""

LIST_AT_MOST = 5
"""A reason lists at most this many scores with their lines, then says how many more there are."""


def conflict_table(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
    """Row problems as a table: one ``(line, column, problem, reason, respondent_id, comment_id)`` tuple per row."""
    return _typed(pd.DataFrame(list(rows), columns=CONFLICT_COLUMNS))


def rejects_table(parts: Iterable[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """The ``nps_rejects`` table: each ``(file, frame)`` part labelled with its file; columns a part lacks stay empty."""
    frames = []
    for file, frame in parts:
        if len(frame):
            frame = frame.reindex(columns=CONFLICT_COLUMNS)
            frame.insert(0, "file", file)
            frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=REJECTS_COLUMNS)
    return _typed(out)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """``line`` as int64, every other column as string."""
    return frame.astype({column: "int64" if column == S.REJECT_LINE else "string" for column in frame.columns})


def listed_scores(pairs: Sequence[tuple[object, object]]) -> str:
    """``score (line n)`` for the first :data:`LIST_AT_MOST` ``(score, line)`` pairs, then how many more.

    Example:
        >>> listed_scores([(9, 3), (1, 8)])
        '9 (line 3), 1 (line 8)'
        >>> listed_scores([(s, s + 1) for s in range(7)]).endswith("4 (line 5) and 2 more")
        True
    """
    listed = ", ".join(f"{score} (line {line})" for score, line in pairs[:LIST_AT_MOST])
    return listed + (f" and {len(pairs) - LIST_AT_MOST} more" if len(pairs) > LIST_AT_MOST else "")


def isin(values: Any, pool: Any) -> np.ndarray:
    """Which ``values`` are in ``pool``, as a boolean array; missing values are in no pool.

    A hash lookup on plain Python strings: pandas' ``isin`` on Arrow-backed strings walks the values one by one.

    Example:
        >>> isin(pd.Series(["a", None, "c"], dtype="string"), ["c", "d"]).tolist()
        [False, False, True]
    """
    as_objects = pd.Series(values, dtype="string").to_numpy(dtype=object, na_value=None)
    lookup = pd.Index(pd.Series(pool, dtype="string").dropna().to_numpy(dtype=object), dtype=object)
    found = lookup.get_indexer(as_objects) >= 0
    return found & np.array([v is not None for v in as_objects], dtype=bool)


def is_missing(value: object) -> bool:
    """``None``, NA, NaN or NaT; ``False`` for anything else, lists included.

    Example:
        >>> [is_missing(v) for v in (None, pd.NA, float("nan"), 0, "x", [1, 2])]
        [True, True, True, False, False, False]
    """
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: sets sorted lists, NaN and NA None, timestamps ISO dates, numpy scalars Python ones.

    Example:
        >>> records(pd.DataFrame({"n": [1], "nps": [float("nan")], "ids": [frozenset({"b", "a"})]}))
        [{'n': 1, 'nps': None, 'ids': ['a', 'b']}]
    """
    out = []
    for record in frame.to_dict("records"):
        clean = {}
        for key, value in record.items():
            if isinstance(value, (frozenset, set)):
                value = sorted(value)
            elif is_missing(value):
                value = None
            elif isinstance(value, pd.Timestamp):
                value = value.date().isoformat()
            elif isinstance(value, np.generic):
                value = value.item()
            clean[str(key)] = value
        out.append(clean)
    return out
