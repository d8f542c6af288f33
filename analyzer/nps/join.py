"""Joining NPS answers (:mod:`analyzer.nps.answers`) to the comments by respondent id, and the coverage both ways.

Comments carry the respondent id the answers file gives, several comments per
respondent allowed. Rules:

- Answers without any comment stay in the NPS base.
- A comment whose respondent id matches no answer, or that has no respondent
  id at all, is listed in :attr:`Joined.unmatched` with the reason; it is still
  analysed, and its own score (same-file mode) is used when it has one.
- When a comment carries its own score and the answers file gives its
  respondent another one, the answers file wins and the pair is listed in
  :attr:`Joined.conflicts`.

Example:
    >>> answers = read_answers(io.BytesIO(b"customer_id,score\\nR1,9\\nR2,3\\n"), name="answers.csv")
    >>> comments = pd.DataFrame({"comment_id": ["c1", "c2"], "respondent_id": ["R1", "R9"], "nps_score": pd.array([None, None], dtype="Int64")})
    >>> joined = join(comments, answers)
    >>> joined.coverage.answers_with_comments, joined.coverage.comments_with_answer, joined.unmatched["respondent_id"].tolist()
    (1, 1, ['R9'])
"""

from __future__ import annotations

import io  # noqa: F401  (used by the doctests)
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analyzer import schema as S
from analyzer.io.ingest import show
from analyzer.nps.answers import Answers, read_answers
from analyzer.nps.tables import conflict_table, isin
from analyzer.reporter import NullReporter, Reporter

__all__ = ["Answers", "Coverage", "Joined", "join", "read_answers"]


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


def join(comments: pd.DataFrame, answers: Answers, *, reporter: Reporter | None = None) -> Joined:
    """Join comments to answers by respondent id and count the coverage both ways.

    The comments table is not changed: :func:`analyzer.nps.respondents.respondents` applies the scores.

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
    return Joined(answers, coverage, conflict_table(unmatched_rows), conflict_table(conflict_rows))


# -- helpers ---------------------------------------------------------------------


def _ids(values: pd.Series) -> pd.Series:
    """Respondent ids as stripped strings, ``<NA>`` for missing or blank ones."""
    ids = values.astype("string").str.strip()
    return ids.mask(ids == "")


def _lines(comments: pd.DataFrame) -> np.ndarray:
    if S.SOURCE_LINE in comments.columns:
        return comments[S.SOURCE_LINE].fillna(0).to_numpy(dtype=np.int64)
    return np.arange(1, len(comments) + 1)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _pct_text(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "no rows"
