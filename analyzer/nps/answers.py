"""Reading a separate file of NPS answers: one 0-10 score per respondent, every row checked.

``analyze comments.csv --nps answers.csv``: the answers file holds one 0-10
score per respondent (and optionally a date). Its columns are guessed by name
like the comment file's (see :mod:`analyzer.io.columns`) and can be named with
the options in :data:`ANSWER_OPTIONS`. :mod:`analyzer.nps.join` joins the
answers to the comments.

Rules:

- An answer whose score is empty, not a whole number or outside 0..10, whose
  respondent id is empty, or whose date cannot be read is rejected with its
  line, column, problem code and reason (the rejects shape of
  :mod:`analyzer.schema`).
- Several answers of one respondent with the same score are collapsed into the
  first one (counted in :attr:`Answers.duplicates`); with different scores all
  of them are rejected as ``conflicting_nps``: nobody can tell which one is right.

Example:
    >>> answers = read_answers(io.BytesIO(b"customer_id,score\\nR1,9\\nR2,3\\nR3,11\\n"), name="answers.csv")
    >>> answers.answers["nps_score"].tolist(), answers.rejects["problem"].tolist()
    ([9, 3], ['bad_nps'])
"""

from __future__ import annotations

import io  # noqa: F401  (used by the doctests)
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from analyzer import schema as S
from analyzer.config import DEFAULT_PHONE_REGIONS, ColumnChoice
from analyzer.errors import InputError
from analyzer.io.columns import map_columns
from analyzer.io.ingest import DATE_HELP, blank_to_none, parse_dates, rejects_frame, show, table_from_frame, table_rejects
from analyzer.io.readers import DEFAULT_LIMITS, Limits, RawTable, read_table
from analyzer.nps.arithmetic import ACCEPTED_SCORES, nps_groups
from analyzer.nps.tables import isin, listed_scores
from analyzer.reporter import NullReporter, Reporter

# Options that name the answers file's columns (the comment file has --respondent-col, --nps-col, --date-col).
ANSWER_OPTIONS = {"respondent": "--nps-respondent-col", "nps": "--nps-score-col", "date": "--nps-date-col"}
ANSWER_LINE = "answer_line"


@dataclass
class Answers:
    """NPS answers read from a separate file, one row per respondent, and the rows refused.

    Attributes:
        answers: ``respondent_id`` (string), ``nps_score`` (Int64), ``nps_group``, ``date`` (NaT when none), ``answer_line``.
        rejects: refused rows: ``line, column, problem, reason`` and the row's original cells.
        columns: ``role -> input column`` for ``respondent``, ``nps`` and ``date`` (``None`` when absent).
        how: ``role -> "given" | "by name"``.
        duplicates: rows collapsed into an earlier answer of the same respondent with the same score.
        source: the file's name in messages.
        notes: what the reader decided (encoding, delimiter, renamed headers).
    """

    answers: pd.DataFrame
    rejects: pd.DataFrame
    columns: dict[str, str | None]
    how: dict[str, str]
    duplicates: int = 0
    source: str = "answers"
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Records read: kept answers, collapsed duplicates and rejects."""
        return len(self.answers) + self.duplicates + len(self.rejects)

    def describe(self) -> list[str]:
        """One line per role, e.g. ``answers respondent column: 'customer_id' (by name; override with --nps-respondent-col)``.

        Example:
            >>> columns, how = {"respondent": "id", "nps": "score", "date": None}, {"respondent": "given", "nps": "by name"}
            >>> Answers(pd.DataFrame(), pd.DataFrame(), columns, how).describe()[2]
            'answers date column: none found (name one with --nps-date-col)'
        """
        lines = []
        for role, option in ANSWER_OPTIONS.items():
            column = self.columns.get(role)
            if column is None:
                lines.append(f"answers {role} column: none found (name one with {option})")
            else:
                lines.append(f"answers {role} column: '{column}' ({self.how[role]}; override with {option})")
        return lines


def read_answers(
    source: str | Path | BinaryIO | pd.DataFrame,
    *,
    respondent_col: str | None = None,
    nps_col: str | None = None,
    date_col: str | None = None,
    encoding: str | None = None,
    name: str | None = None,
    reporter: Reporter | None = None,
    redact: bool = True,
    limits: Limits = DEFAULT_LIMITS,
) -> Answers:
    """Read an NPS answers file (any format :func:`analyzer.io.readers.read_table` reads), check every row.

    Args:
        source: a path, a binary stream or a DataFrame.
        respondent_col: the respondent id column; guessed by name when ``None`` (an ``id`` column will do).
        nps_col: the 0-10 score column; guessed by name when ``None``.
        date_col: the answer date column; guessed by name when ``None``, optional.
        encoding: text encoding instead of detecting one.
        name: the file's name in messages.
        reporter: receives the reader's decisions, the guessed columns and the reject count.
        redact: respondent ids holding personal data become the pseudonyms the comments' ids get (``protect_id``).
        limits: the reader's safety limits (the run's ``--max-input-mb`` applies to this file too).

    Raises:
        InputError: the file cannot be read, a named column does not exist, or no respondent or score column is found.

    Example:
        >>> got = read_answers(io.BytesIO(b"id;nps\\nA;10\\nA;10\\nB;x\\n"), name="a.csv")
        >>> got.columns["respondent"], got.answers["respondent_id"].tolist(), got.duplicates, got.rejects["reason"].tolist()
        ('id', ['A'], 1, ["nps 'x' is not a whole number; accepted: whole numbers 0 to 10"])
    """
    reporter = reporter or NullReporter()
    if isinstance(source, pd.DataFrame):
        name = name or "<answers DataFrame>"
        table = table_from_frame(source)
    else:
        table = read_table(source, name=name, encoding=encoding, limits=limits)
        name = name or (str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "<stream>"))
    for note in table.notes:
        reporter.info(f"{name}: {note}")
    columns, how = _map_answer_columns(table, name, respondent_col, nps_col, date_col)
    answers = Answers(*_check_answers(table, columns, redact), columns=columns, how=how, source=name, notes=list(table.notes))
    answers.answers, answers.rejects, answers.duplicates = _resolve_duplicates(answers.answers, answers.rejects, table, columns)
    for line in answers.describe():
        reporter.info(line)
    if answers.duplicates:
        reporter.info(f"{name}: {answers.duplicates} repeated answer(s) with the same score collapsed into the first one")
    if len(answers.rejects):
        reporter.warn(f"{name}: {len(answers.rejects)} of {answers.rows_read} answer(s) rejected; see the NPS rejects for lines and reasons")
    return answers


# -- reading -------------------------------------------------------------------


def _map_answer_columns(
    table: RawTable, name: str, respondent: str | None, nps: str | None, date: str | None
) -> tuple[dict[str, str | None], dict[str, str]]:
    choice = ColumnChoice(respondent=respondent, nps=nps, date=date)
    mapping = map_columns(table.columns, table.rows, choice, name, require_text=False, options=ANSWER_OPTIONS)
    columns = {"respondent": mapping.respondent, "nps": mapping.nps, "date": mapping.date}
    how = {role: mapping.how[role] for role in columns if columns[role] is not None}
    if columns["respondent"] is None and mapping.id is not None:
        # In an answers file the only id is the respondent's.
        columns["respondent"], how["respondent"] = mapping.id, "by name"
    listed = ", ".join(f"'{c}'" for c in table.columns)
    if columns["respondent"] is None:
        raise InputError(f"{name}: no column holds the respondent id (columns: {listed}); name it with {ANSWER_OPTIONS['respondent']} "
                         f"or call it respondent_id, customer_id, client_id or id")
    if columns["nps"] is None:
        raise InputError(f"{name}: no column holds the 0-10 NPS score (columns: {listed}); name it with {ANSWER_OPTIONS['nps']} "
                         f"or call it nps, score, recommend or ltr")
    if columns["nps"] == columns["respondent"]:
        raise InputError(f"{name}: column '{columns['nps']}' cannot be both the respondent id and the score; "
                         f"name them with {ANSWER_OPTIONS['respondent']} and {ANSWER_OPTIONS['nps']}")
    return columns, how


def _check_answers(table: RawTable, columns: dict[str, str | None], redact: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    index = {c: i for i, c in enumerate(table.columns)}
    n = len(table.rows)
    problems: list[list[tuple[str, str, str]]] = [[] for _ in range(n)]
    rcol, ncol, dcol = columns["respondent"], columns["nps"], columns["date"]
    assert rcol is not None and ncol is not None
    ids: list[str | None] = []
    scores: list[int | None] = []
    for r, row in enumerate(table.rows):
        rid = blank_to_none(row[index[rcol]])
        if rid is None:
            problems[r].append((rcol, "missing_respondent", f"{rcol} is empty; every answer needs the respondent id its comments carry"))
        ids.append(rid)
        score, problem = _parse_score(row[index[ncol]], ncol)
        if problem:
            problems[r].append((ncol, "bad_nps", problem))
        scores.append(score)
    if dcol is not None:
        raw = pd.Series([row[index[dcol]] for row in table.rows], dtype="string")
        dates = parse_dates(raw)
        present = raw.str.strip().fillna("") != ""
        for r in dates.index[present & dates.isna()]:
            problems[r].append((dcol, "bad_date", f"{dcol} '{show(str(raw[r]))}' is not a date; {DATE_HELP}"))
    else:
        dates = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    keep = [r for r in range(n) if not problems[r]]
    if redact:  # the same pseudonyms as the comments' respondent ids (analyzer.text.redact.protect_id), so the join holds
        from analyzer.text.redact import Redactor, protect_id

        redactor = Redactor(DEFAULT_PHONE_REGIONS)
        ids = [protect_id(rid, redactor) for rid in ids]
    answers = pd.DataFrame(
        {
            S.RESPONDENT_ID: pd.array([ids[r] for r in keep], dtype="string"),
            S.NPS_SCORE: pd.array([scores[r] for r in keep], dtype="Int64"),
            S.NPS_GROUP: nps_groups([scores[r] for r in keep]),
            S.DATE: dates.iloc[keep].reset_index(drop=True) if keep else pd.Series([], dtype="datetime64[ns]"),
            ANSWER_LINE: pd.array([table.lines[r] for r in keep], dtype="int64"),
        }
    )
    return answers, table_rejects(table, problems)


def _resolve_duplicates(
    answers: pd.DataFrame, rejects: pd.DataFrame, table: RawTable, columns: dict[str, str | None]
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Collapse repeated identical answers; reject every answer of a respondent who gave different scores."""
    repeated = answers[S.RESPONDENT_ID].duplicated(keep=False)
    if not repeated.any():
        return answers, rejects, 0
    scores_per_id = answers[repeated].groupby(S.RESPONDENT_ID, sort=False)[S.NPS_SCORE].nunique()
    conflicted = set(scores_per_id.index[scores_per_id > 1])
    bad = pd.Series(isin(answers[S.RESPONDENT_ID], list(conflicted)), index=answers.index)
    line_to_row = {line: r for r, line in enumerate(table.lines)}
    new_rejects = []
    for rid, group in answers[bad].groupby(S.RESPONDENT_ID, sort=False):
        pairs = list(zip(group[S.NPS_SCORE], group[ANSWER_LINE], strict=True))
        reason = (f"respondent '{show(str(rid))}' has conflicting answers {listed_scores(pairs)}; all of them are left out of the NPS; "
                  f"keep one answer per respondent")
        for line in group[ANSWER_LINE]:
            new_rejects.append((int(line), columns["nps"] or "", "conflicting_nps", reason, table.rows[line_to_row[int(line)]]))
    kept = answers[~bad]
    collapsed = kept[S.RESPONDENT_ID].duplicated(keep="first")
    if new_rejects:
        extra = rejects_frame(new_rejects, table.columns)
        rejects = pd.concat([rejects, extra], ignore_index=True) if len(rejects) else extra
        rejects = rejects.sort_values(S.REJECT_LINE, kind="stable").reset_index(drop=True)
    return kept[~collapsed].reset_index(drop=True), rejects, int(collapsed.sum())


def _parse_score(raw: str | None, column: str) -> tuple[int | None, str | None]:
    """A 0-10 whole number, or the reason it is not one (an empty score is refused: an answer is its score)."""
    value = blank_to_none(raw)
    if value is None:
        return None, f"{column} is empty; every answer needs a score; {ACCEPTED_SCORES}"
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = float("nan")
    if number != number or not number.is_integer():
        return None, f"{column} '{show(value)}' is not a whole number; {ACCEPTED_SCORES}"
    if not 0 <= number <= 10:
        return None, f"{column} '{show(value)}' is outside 0-10; {ACCEPTED_SCORES}"
    return int(number), None
