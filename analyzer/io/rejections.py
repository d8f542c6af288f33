"""Stopping a run whose rejects say the input, or a guess about it, is wrong.

Row problems never stop a run on their own: each rejected row goes to the
rejects table. Two patterns of rejects do, after every row was checked: a
guessed date, NPS or id column that most rows were rejected for (most likely
the wrong column; the message names it and the option to fix the guess), and
every row rejected (nothing is left to analyse; the message counts the
problems and quotes the first reason). :func:`check_rejections` raises the one
line for each.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from analyzer import schema as S
from analyzer.config import AnalysisConfig
from analyzer.errors import AllRowsRejected, GuessedColumnRejected
from analyzer.io.columns import OPTION, ColumnMapping

# The problem each guessed role's own check finds, and what the role is called in messages. An empty comment is
# not held against the text column: optional comments are often mostly blank in a survey export.
_ROLE_PROBLEM = {"date": ("bad_date", "date"), "nps": ("bad_nps", "NPS score"), "id": ("duplicate_id", "comment id")}

_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")

Problems = list[list[tuple[str, str, str]]]
"""Each read row's ``(column, problem, reason)`` triples, in row order (empty for an accepted row)."""


def check_rejections(name: str, mapping: ColumnMapping, problems: Problems, rejects: pd.DataFrame, rows_read: int,
                     config: AnalysisConfig | None = None) -> None:
    """Stop a run whose rejects say the input, or a guess about it, is wrong.

    * A guessed (not given) date, NPS or id column that more than half of the rows read were rejected for
      was most likely the wrong column: :class:`~analyzer.errors.GuessedColumnRejected` names it and the option
      to name the right one or to say the file has none. A column named exactly as its role (``date``,
      ``nps``, ``id``) counts as given: its bad values are the file's, not a wrong guess.
    * When every row was rejected, for whatever reason, nothing is left to analyse:
      :class:`~analyzer.errors.AllRowsRejected` counts the problems and quotes the first reason (redacted
      when ``config.redact``).

    Args:
        name: the input's name in messages.
        mapping: the column mapping the rows were checked with.
        problems: each read row's ``(column, problem, reason)`` triples (rows the reader rejected are not in it).
        rejects: the rejects table (the reader's rejects included).
        rows_read: records read, accepted and rejected.
        config: the run's configuration (for redaction).

    Example:
        >>> from analyzer.io.ingest import read_comments
        >>> got = read_comments(pd.DataFrame({"comment": ["late", "rude"], "day": ["soon", "later"]}))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        analyzer.errors.GuessedColumnRejected: <DataFrame>: column 'day' was guessed as the date column, and 2 of 2 rows were ...
        >>> from analyzer.config import ColumnChoice
        >>> len(read_comments(pd.DataFrame({"comment": ["late", "rude"], "day": ["soon", "later"]}),
        ...                   AnalysisConfig(columns=ColumnChoice(date="none"))).comments)
        2
    """
    blamed = []
    for role, column in mapping.guessed().items():
        if role not in _ROLE_PROBLEM or column.strip().casefold() == role:
            continue
        kind, label = _ROLE_PROBLEM[role]
        count = sum(1 for found in problems if any(c == column and k == kind for c, k, _ in found))
        if 2 * count > rows_read:
            blamed.append((count, role, column, kind, label))
    if blamed:
        count, role, column, kind, label = max(blamed)
        option = OPTION[role]
        rejected = "the only row was" if rows_read == 1 else f"{count:,} of {rows_read:,} rows were"
        raise GuessedColumnRejected(f"{name}: column '{column}' was guessed as the {label} column, and {rejected} rejected for it "
                                    f"({kind}); name the right column with {option} NAME, or say the file has none with {option} none")
    if rows_read and len(rejects) >= rows_read:
        kinds = ", ".join(f"{kind or 'unreadable'}: {n:,}" for kind, n in Counter(rejects[S.REJECT_PROBLEM].tolist()).most_common())
        first = rejects.iloc[0]
        reason = _ONE_LINE.sub(" ", str(first[S.REJECT_REASON]))  # a quoted cell may hold a carriage return or U+2028
        if (config or AnalysisConfig()).redact:
            from analyzer.text.redact import Redactor

            reason = Redactor((config or AnalysisConfig()).phone_regions).redact(reason)[0]
        if rows_read == 1:
            kinds, rejected, which = first[S.REJECT_PROBLEM] or "unreadable", "the only row was", "on line"
        else:
            rejected, which = f"all {rows_read:,} rows were", "the first, on line"
        raise AllRowsRejected(f"{name}: {rejected} rejected ({kinds}), so nothing is left to analyse; {which} {first[S.REJECT_LINE]}: "
                              f"{reason}")
