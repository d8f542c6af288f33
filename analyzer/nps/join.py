"""Joining a separate file of NPS answers to the comments by respondent id.

``analyze comments.csv --nps answers.csv``: the answers file holds one 0-10
score per respondent (and optionally a date); comments carry the same
respondent id, several comments per respondent allowed. Columns of the
answers file are guessed by name like the comment file's (see
:mod:`analyzer.io.columns`) and can be named with the options in
:data:`ANSWER_OPTIONS`.

Rules:

- An answer whose score is empty, not a whole number or outside 0..10, whose
  respondent id is empty, or whose date cannot be read is rejected with its
  line, column, problem code and reason (the rejects shape of
  :mod:`analyzer.schema`).
- Several answers of one respondent with the same score are collapsed into the
  first one (counted in :attr:`Answers.duplicates`); with different scores all
  of them are rejected as ``conflicting_nps``: nobody can tell which one is right.
- Answers without any comment stay in the NPS base.
- A comment whose respondent id matches no answer, or that has no respondent
  id at all, is listed in :attr:`Joined.unmatched` with the reason; it is still
  analysed, and its own score (same-file mode) is used when it has one.
- When a comment carries its own score and the answers file gives its
  respondent another one, the answers file wins and the pair is listed in
  :attr:`Joined.conflicts`.

Example:
    >>> answers = read_answers(io.BytesIO(b"customer_id,score\\nR1,9\\nR2,3\\nR3,11\\n"), name="answers.csv")
    >>> answers.answers["nps_score"].tolist(), answers.rejects["problem"].tolist()
    ([9, 3], ['bad_nps'])
    >>> comments = pd.DataFrame({"comment_id": ["c1", "c2"], "respondent_id": ["R1", "R9"], "nps_score": pd.array([None, None], dtype="Int64")})
    >>> joined = join(comments, answers)
    >>> joined.coverage.answers_with_comments, joined.coverage.comments_with_answer, joined.unmatched["respondent_id"].tolist()
    (1, 1, ['R9'])
"""

from __future__ import annotations

import io  # noqa: F401  (used by the doctests)
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from analyzer import schema as S
from analyzer.io.columns import map_columns
from analyzer.config import DEFAULT_PHONE_REGIONS, ColumnChoice
from analyzer.errors import InputError
from analyzer.io.ingest import DATE_HELP, blank_to_none, parse_dates, rejects_frame, show, table_from_frame, table_rejects
from analyzer.text.prepare import nps_group
from analyzer.io.readers import DEFAULT_LIMITS, Limits, RawTable, read_table
from analyzer.reporter import NullReporter, Reporter

# Options that name the answers file's columns (the comment file has --respondent-col, --nps-col, --date-col).
ANSWER_OPTIONS = {"respondent": "--nps-respondent-col", "nps": "--nps-score-col", "date": "--nps-date-col"}
ANSWER_LINE = "answer_line"
# Extra columns of the unmatched and conflicts tables, after the rejects columns.
UNMATCHED_COLUMNS = [S.REJECT_LINE, S.REJECT_COLUMN, S.REJECT_PROBLEM, S.REJECT_REASON, S.RESPONDENT_ID, S.COMMENT_ID]
_LIST_AT_MOST = 5


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


@dataclass(frozen=True)
class Coverage:
    """How well the answers and the comments found each other.

    Attributes:
        answers: answers kept (one per respondent).
        answers_with_comments: answers whose respondent has at least one comment.
        comments: comment rows.
        comments_with_answer: comment rows whose respondent has an answer.
        comments_without_respondent: comment rows with no respondent id at all.
        respondent_ids: distinct respondent ids among the comments.
        respondent_ids_unmatched: of those, ids that match no answer.
    """

    answers: int
    answers_with_comments: int
    comments: int
    comments_with_answer: int
    comments_without_respondent: int
    respondent_ids: int
    respondent_ids_unmatched: int

    @property
    def answers_without_comments(self) -> int:
        """Answers with no comment; they stay in the NPS base."""
        return self.answers - self.answers_with_comments

    @property
    def comments_without_answer(self) -> int:
        """Comment rows with no answer (unknown respondent id or no id at all)."""
        return self.comments - self.comments_with_answer

    def to_dict(self) -> dict[str, Any]:
        """Counts and shares for ``nps.json`` (shares in percent, ``None`` when there is nothing to divide).

        Example:
            >>> Coverage(4, 3, 10, 8, 1, 5, 1).to_dict()["answers_with_comments_pct"]
            75.0
        """
        return {
            "answers": self.answers,
            "answers_with_comments": self.answers_with_comments,
            "answers_without_comments": self.answers_without_comments,
            "answers_with_comments_pct": _pct(self.answers_with_comments, self.answers),
            "comments": self.comments,
            "comments_with_answer": self.comments_with_answer,
            "comments_without_answer": self.comments_without_answer,
            "comments_without_respondent": self.comments_without_respondent,
            "comments_with_answer_pct": _pct(self.comments_with_answer, self.comments),
            "respondent_ids": self.respondent_ids,
            "respondent_ids_unmatched": self.respondent_ids_unmatched,
        }

    def describe(self) -> list[str]:
        """Plain-language lines for the terminal summary.

        Example:
            >>> Coverage(4, 3, 10, 8, 1, 5, 1).describe()[0]
            'answers with at least one comment: 3 of 4 (75.0%); the other 1 stay in the NPS base'
        """
        return [
            f"answers with at least one comment: {self.answers_with_comments:,} of {self.answers:,} ({_pct_text(self.answers_with_comments, self.answers)}); "
            f"the other {self.answers_without_comments:,} stay in the NPS base",
            f"comments with an answer: {self.comments_with_answer:,} of {self.comments:,} ({_pct_text(self.comments_with_answer, self.comments)})",
            f"respondent ids in comments matching no answer: {self.respondent_ids_unmatched:,} of {self.respondent_ids:,}; "
            f"comments without a respondent id: {self.comments_without_respondent:,} (listed in the NPS rejects)",
        ]


@dataclass
class Joined:
    """Comments joined to answers: coverage, comments that found no answer, and score disagreements.

    Attributes:
        answers: the answers that were joined.
        coverage: the counts of :class:`Coverage`.
        unmatched: one row per comment without an answer: ``line, column, problem, reason, respondent_id, comment_id``;
            problem ``no_answer`` (its respondent id matches no answer) or ``no_respondent`` (it has no respondent id).
        conflicts: one row per comment whose own score disagrees with its respondent's answer (problem ``nps_disagrees``);
            the answers file wins.
    """

    answers: Answers
    coverage: Coverage
    unmatched: pd.DataFrame
    conflicts: pd.DataFrame


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


def join(comments: pd.DataFrame, answers: Answers, *, reporter: Reporter | None = None) -> Joined:
    """Join comments to answers by respondent id and count the coverage both ways.

    The comments table is not changed: :func:`analyzer.nps.report.respondents` applies the scores.

    Args:
        comments: the comments table (``comment_id``, ``respondent_id``, ``nps_score``; ``source_line`` used when present).
        answers: what :func:`read_answers` returned.
        reporter: receives the coverage lines and a warning when comments found no answer.

    Example:
        >>> a = read_answers(pd.DataFrame({"respondent": ["R1"], "nps": [9]}))
        >>> c = pd.DataFrame({"comment_id": ["c1", "c2"], "respondent_id": ["R1", None], "nps_score": pd.array([3, None], dtype="Int64")})
        >>> j = join(c, a)
        >>> j.conflicts["reason"].tolist()[0]
        "comment 'c1' has score 3 but <answers DataFrame> gives respondent 'R1' 9; the answers file wins"
        >>> j.unmatched["problem"].tolist()
        ['no_respondent']
    """
    reporter = reporter or NullReporter()
    S.check_columns(comments, [S.COMMENT_ID, S.RESPONDENT_ID, S.NPS_SCORE], stage="nps join")
    rid = _ids(comments[S.RESPONDENT_ID])
    given = answers.answers.set_index(S.RESPONDENT_ID)[S.NPS_SCORE]
    has_id = rid.notna()
    matched = has_id & pd.Series(isin(rid, given.index), index=rid.index)
    lines = _lines(comments)
    own = comments[S.NPS_SCORE].astype("Int64")

    unmatched_rows = []
    comment_ids = comments[S.COMMENT_ID].astype("string").to_numpy(dtype=object)
    for i in np.flatnonzero(~matched.to_numpy()).tolist():
        cid, score = str(comment_ids[i]), own.iat[i]
        fate = f"its own score {score} is used" if not pd.isna(score) else "it is analysed but not in the NPS base"
        if has_id.iat[i]:
            reason = f"respondent_id '{show(rid.iat[i])}' of comment '{show(cid)}' matches no answer in {answers.source}; {fate}"
            unmatched_rows.append((lines[i], S.RESPONDENT_ID, "no_answer", reason, rid.iat[i], cid))
        else:
            reason = f"comment '{show(cid)}' has no respondent id, so it cannot be joined to an answer; {fate}"
            unmatched_rows.append((lines[i], S.RESPONDENT_ID, "no_respondent", reason, None, cid))

    conflict_rows = []
    answer_of = rid.map(given)
    disagree = matched & own.notna() & (own != answer_of.astype("Int64")).fillna(False)
    for i in np.flatnonzero(disagree.to_numpy()).tolist():
        cid = str(comment_ids[i])
        reason = (f"comment '{show(cid)}' has score {own.iat[i]} but {answers.source} gives respondent '{show(rid.iat[i])}' "
                  f"{answer_of.iat[i]}; the answers file wins")
        conflict_rows.append((lines[i], S.NPS_SCORE, "nps_disagrees", reason, rid.iat[i], cid))

    distinct = pd.Index(rid[has_id].unique())
    coverage = Coverage(
        answers=len(given),
        answers_with_comments=int(isin(given.index, distinct).sum()),
        comments=len(comments),
        comments_with_answer=int(matched.sum()),
        comments_without_respondent=int((~has_id).sum()),
        respondent_ids=len(distinct),
        respondent_ids_unmatched=int((~isin(distinct, given.index)).sum()),
    )
    for line in coverage.describe():
        reporter.info(line)
    if coverage.comments_without_answer:
        reporter.warn(f"{coverage.comments_without_answer:,} comment(s) found no answer in {answers.source}; they are listed in the NPS rejects")
    if conflict_rows:
        reporter.warn(f"{len(conflict_rows):,} comment score(s) disagree with {answers.source}; the answers file wins (listed in the NPS rejects)")
    return Joined(answers, coverage, _frame(unmatched_rows), _frame(conflict_rows))


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
    if redact:  # the same pseudonyms as the comments' respondent ids (analyzer.text.prepare.protect_id), so the join holds
        from analyzer.text.prepare import protect_id
        from analyzer.text.redact import Redactor

        redactor = Redactor(DEFAULT_PHONE_REGIONS)
        ids = [protect_id(rid, redactor) for rid in ids]
    answers = pd.DataFrame(
        {
            S.RESPONDENT_ID: pd.array([ids[r] for r in keep], dtype="string"),
            S.NPS_SCORE: pd.array([scores[r] for r in keep], dtype="Int64"),
            S.NPS_GROUP: pd.array([nps_group(scores[r]) for r in keep], dtype="string"),
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
        listed = ", ".join(f"{score} (line {line})" for score, line in pairs[:_LIST_AT_MOST])
        more = f" and {len(group) - _LIST_AT_MOST} more" if len(group) > _LIST_AT_MOST else ""
        reason = (f"respondent '{show(str(rid))}' has conflicting answers {listed}{more}; all of them are left out of the NPS; "
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
    accepted = "accepted: whole numbers 0 to 10"
    if value is None:
        return None, f"{column} is empty; every answer needs a score; {accepted}"
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = float("nan")
    if number != number or not number.is_integer():
        return None, f"{column} '{show(value)}' is not a whole number; {accepted}"
    if not 0 <= number <= 10:
        return None, f"{column} '{show(value)}' is outside 0-10; {accepted}"
    return int(number), None


# -- helpers ---------------------------------------------------------------------


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


def _ids(values: pd.Series) -> pd.Series:
    """Respondent ids as stripped strings, ``<NA>`` for missing or blank ones."""
    ids = values.astype("string").str.strip()
    return ids.mask(ids == "")


def _lines(comments: pd.DataFrame) -> np.ndarray:
    if S.SOURCE_LINE in comments.columns:
        return comments[S.SOURCE_LINE].fillna(0).to_numpy(dtype=np.int64)
    return np.arange(1, len(comments) + 1)


def _frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=UNMATCHED_COLUMNS)
    frame[S.REJECT_LINE] = frame[S.REJECT_LINE].astype("int64")
    for column in UNMATCHED_COLUMNS[1:]:
        frame[column] = frame[column].astype("string")
    return frame


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _pct_text(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "no rows"
