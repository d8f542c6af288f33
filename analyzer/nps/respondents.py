"""Respondents: comments grouped into the unit of NPS, with their score, segments and mentions, and the score conflicts found.

The respondent is the unit of NPS: ``respondent_id`` when a comment has one,
else the comment itself. A respondent mentions an issue or a touchpoint when
any of their comments does.

Conflicts: in same-file mode a respondent whose comments carry *different*
scores is left out of the NPS (no score, ``conflict`` true) and listed in
:attr:`Respondents.conflicts` with the scores and lines; with an answers file
(:mod:`analyzer.nps.join`) the answer wins and disagreements are listed.

Example:
    >>> comments = pd.DataFrame({
    ...     "comment_id": ["c1", "c2", "c3", "c4"], "respondent_id": ["A", "A", "B", None],
    ...     "nps_score": pd.array([2, 2, 9, 8], dtype="Int64"), "issue_ids": ["late", "", "", ""],
    ... })
    >>> table = respondents(comments).table
    >>> table[["respondent_id", "n_comments", "nps_group"]].values.tolist()
    [['A', 2, 'detractor'], ['B', 1, 'promoter'], ['c4', 1, 'passive']]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer import schema as S
from analyzer.nps.answers import Answers
from analyzer.nps.arithmetic import float_scores, nps_groups
from analyzer.nps.join import Joined, join
from analyzer.nps.tables import CONFLICT_COLUMNS, conflict_table, isin, listed_scores
from analyzer.reporter import NullReporter, Reporter

# Respondent table columns besides the contract ones.
FROM_COMMENT = "from_comment"
N_COMMENTS = "n_comments"
SCORE_SOURCE = "score_source"
CONFLICT = "conflict"


@dataclass
class Respondents:
    """One row per respondent and the score conflicts found on the way.

    Attributes:
        table: ``respondent_id``, ``from_comment`` (no respondent id: the comment stands for itself), ``n_comments``,
            ``nps_score`` (Int64, NA when none or conflicting), ``nps_group``, ``score_source`` (``comment``/``answers``),
            ``conflict``, ``date`` (the answer's date, else the earliest comment date), ``channel`` and ``lang``
            (the most frequent among the comments, first seen on ties), ``touchpoints`` and ``issue_ids`` (frozensets).
        conflicts: ``line, column, problem, reason, respondent_id, comment_id``; problem ``conflicting_nps`` (left out
            of the NPS) or ``nps_disagrees`` (a comment's score disagrees with the answers file, which wins).
        joined: the join with an answers file, ``None`` in same-file mode.
    """

    table: pd.DataFrame
    conflicts: pd.DataFrame
    joined: Joined | None = None


def respondents(comments: pd.DataFrame, answers: Answers | Joined | None = None, *, reporter: Reporter | None = None) -> Respondents:
    """Group comments into respondents; with an answers file, take scores from it and add answers without comments.

    Args:
        comments: the comments table (``comment_id``, ``respondent_id``, ``nps_score``; ``date``, ``channel``, ``lang``,
            ``touchpoints``, ``issue_ids`` and ``source_line`` are used when present).
        answers: answers read by :func:`analyzer.nps.answers.read_answers` (joined here) or an existing join.
        reporter: receives a warning when respondents are left out for conflicting scores.

    Example:
        >>> c = pd.DataFrame({"comment_id": ["c1", "c2"], "respondent_id": ["R", "R"], "nps_score": pd.array([9, 3], dtype="Int64")})
        >>> r = respondents(c)
        >>> r.table["nps_score"].tolist(), r.conflicts["reason"].tolist()
        ([<NA>], ["respondent 'R' gave different scores: 9 (line 1), 3 (line 2); left out of the NPS; give one score per respondent"])
    """
    reporter = reporter or NullReporter()
    S.check_columns(comments, [S.COMMENT_ID, S.RESPONDENT_ID, S.NPS_SCORE], stage="nps")
    comments = comments.reset_index(drop=True)
    rid = comments[S.RESPONDENT_ID].astype("string").str.strip()
    rid = rid.mask(rid == "")
    cid = comments[S.COMMENT_ID].astype("string")
    has_id = rid.notna().to_numpy()
    key = ("r\x1f" + rid).where(rid.notna(), "c\x1f" + cid)
    codes, uniques = pd.factorize(key)
    n_resp = len(uniques)
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy() if len(codes) else np.array([], dtype=int)
    lines = comments[S.SOURCE_LINE].to_numpy() if S.SOURCE_LINE in comments.columns else np.arange(1, len(comments) + 1)

    own = float_scores(comments[S.NPS_SCORE].astype("Int64"))
    by_resp = pd.DataFrame({"k": codes, "s": own}).groupby("k")["s"]
    low = by_resp.min().reindex(range(n_resp)).to_numpy()
    high = by_resp.max().reindex(range(n_resp)).to_numpy()
    conflict = low != high  # NaN != NaN is True: fixed below
    conflict &= ~np.isnan(low)
    score = np.where(conflict, np.nan, low)
    source = np.where(np.isnan(score), None, "comment").astype(object)

    if S.DATE in comments.columns:
        date = pd.Series(comments[S.DATE].to_numpy(dtype="datetime64[ns]")).groupby(codes).min().reindex(range(n_resp))
        date = date.reset_index(drop=True)
    else:
        date = pd.Series(pd.NaT, index=range(n_resp), dtype="datetime64[ns]")
    table = pd.DataFrame(
        {
            S.RESPONDENT_ID: pd.array(np.where(has_id[first], rid.to_numpy(dtype=object)[first], cid.to_numpy(dtype=object)[first])
                                      if n_resp else [], dtype="string"),
            FROM_COMMENT: ~has_id[first] if n_resp else np.array([], dtype=bool),
            N_COMMENTS: np.bincount(codes, minlength=n_resp).astype("int64"),
        }
    )
    conflicts = _same_file_conflicts(np.nonzero(conflict)[0], codes, table, comments, own, lines)

    table[CONFLICT] = conflict
    table[S.DATE] = date.to_numpy(dtype="datetime64[ns]")
    table[S.CHANNEL] = _mode(codes, comments.get(S.CHANNEL), n_resp)
    table[S.LANG] = _mode(codes, comments.get(S.LANG), n_resp)
    table[S.TOUCHPOINTS] = _sets(codes, comments.get(S.TOUCHPOINTS), n_resp)
    table[S.ISSUE_IDS] = _sets(codes, comments.get(S.ISSUE_IDS), n_resp)

    joined = None
    if answers is not None:
        joined = answers if isinstance(answers, Joined) else join(comments, answers, reporter=reporter)
        table, score, source, conflicts = _apply_answers(table, score, source, conflicts, joined)
    table[S.NPS_SCORE] = pd.array([None if math.isnan(s) else int(s) for s in score], dtype="Int64")
    table[S.NPS_GROUP] = nps_groups(score)
    table[SCORE_SOURCE] = pd.array(source, dtype="string")
    order = [S.RESPONDENT_ID, FROM_COMMENT, N_COMMENTS, S.NPS_SCORE, S.NPS_GROUP, SCORE_SOURCE, CONFLICT, S.DATE, S.CHANNEL, S.LANG,
             S.TOUCHPOINTS, S.ISSUE_IDS]
    n_conflicts = int(table[CONFLICT].sum())
    if n_conflicts:
        reporter.warn(f"{n_conflicts:,} respondent(s) gave different scores on different comments; left out of the NPS (listed in the NPS rejects)")
    return Respondents(table[order], conflicts, joined)


def _same_file_conflicts(
    conflicted: np.ndarray, codes: np.ndarray, table: pd.DataFrame, comments: pd.DataFrame, own: np.ndarray, lines: np.ndarray
) -> pd.DataFrame:
    rows = []
    if len(conflicted):
        wanted = np.isin(codes, conflicted)
        for k, positions in pd.Series(np.nonzero(wanted)[0]).groupby(codes[wanted]):
            scored = [p for p in positions if not np.isnan(own[p])]
            rid = str(table[S.RESPONDENT_ID].iat[k])
            listed = listed_scores([(int(own[p]), lines[p]) for p in scored])
            reason = f"respondent '{rid}' gave different scores: {listed}; left out of the NPS; give one score per respondent"
            rows.append((int(lines[scored[0]]), S.NPS_SCORE, "conflicting_nps", reason, rid, ";".join(str(comments[S.COMMENT_ID].iat[p]) for p in scored)))
    return conflict_table(rows)


def _apply_answers(
    table: pd.DataFrame, score: np.ndarray, source: np.ndarray, conflicts: pd.DataFrame, joined: Joined
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, pd.DataFrame]:
    """The answers file wins for every respondent it knows; answers without comments join the base."""
    given = joined.answers.answers.set_index(S.RESPONDENT_ID)
    answered = ~table[FROM_COMMENT].to_numpy() & isin(table[S.RESPONDENT_ID], given.index)
    ids = table[S.RESPONDENT_ID][answered]
    score = score.copy()
    score[answered] = float_scores(given[S.NPS_SCORE].reindex(ids))
    source = source.copy()
    source[answered] = "answers"
    answer_date = given[S.DATE].reindex(ids).to_numpy(dtype="datetime64[ns]")
    dates = table[S.DATE].to_numpy(dtype="datetime64[ns]").copy()
    dates[answered] = np.where(np.isnat(answer_date), dates[answered], answer_date)
    table = table.copy()
    table[S.DATE] = dates
    table.loc[answered, CONFLICT] = False
    # Same-file conflicts of respondents the answers file settles are no longer conflicts.
    settled = isin(conflicts[S.RESPONDENT_ID], ids)
    conflicts = pd.concat([conflicts[~settled], joined.conflicts[CONFLICT_COLUMNS]], ignore_index=True)

    extra = given[~isin(given.index, table.loc[~table[FROM_COMMENT], S.RESPONDENT_ID])]
    if len(extra):
        add = pd.DataFrame(
            {
                S.RESPONDENT_ID: pd.array(extra.index.to_numpy(dtype=object), dtype="string"),
                FROM_COMMENT: False, N_COMMENTS: np.zeros(len(extra), dtype="int64"), CONFLICT: False,
                S.DATE: extra[S.DATE].to_numpy(dtype="datetime64[ns]"),
                S.CHANNEL: pd.array([None] * len(extra), dtype="string"), S.LANG: pd.array([None] * len(extra), dtype="string"),
                S.TOUCHPOINTS: [frozenset()] * len(extra), S.ISSUE_IDS: [frozenset()] * len(extra),
            }
        )
        table = pd.concat([table, add], ignore_index=True)
        score = np.concatenate([score, float_scores(extra[S.NPS_SCORE])])
        source = np.concatenate([source, np.array(["answers"] * len(extra), dtype=object)])
    return table, score, source, conflicts


def _mode(codes: np.ndarray, values: pd.Series | None, n_resp: int) -> pd.arrays.StringArray:
    """Most frequent non-empty value per respondent; on ties the one seen first."""
    out = np.full(n_resp, None, dtype=object)
    if values is not None and len(codes):
        text = values.astype("string").str.strip()
        frame = pd.DataFrame({"k": codes, "v": text.to_numpy(dtype=object, na_value=None)})
        frame = frame[frame["v"].notna() & (frame["v"] != "")]
        counts = frame.groupby(["k", "v"], sort=False).size().reset_index(name="n")
        counts["order"] = np.arange(len(counts))
        best = counts.sort_values(["k", "n", "order"], ascending=[True, False, True]).drop_duplicates("k")
        out[best["k"].to_numpy()] = best["v"].to_numpy()
    return pd.array(out, dtype="string")


def _sets(codes: np.ndarray, values: pd.Series | None, n_resp: int) -> list[frozenset[str]]:
    """Union per respondent of the ';'-joined names of their comments."""
    result: list[frozenset[str]] = [frozenset()] * n_resp
    if values is None or not len(codes):
        return result
    text = values.astype("string").fillna("")
    nonempty = (text != "").to_numpy()
    parts = pd.DataFrame({"k": codes[nonempty], "v": text[nonempty].str.split(";").to_numpy(dtype=object)}).explode("v")
    names = parts["v"].astype("string").str.strip()
    keep = (names.notna() & (names != "")).to_numpy()
    keys, names = parts["k"].to_numpy()[keep], names.to_numpy(dtype=object)[keep]
    order = np.argsort(keys, kind="stable")
    keys, listed = keys[order], names[order].tolist()
    if not len(keys):  # nobody mentions anything
        return result
    starts = np.flatnonzero(np.r_[True, np.diff(keys) != 0])
    ends = np.r_[starts[1:], len(keys)]
    for k, start, end in zip(keys[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
        result[k] = frozenset(listed[start:end])
    return result


def table_of(resp: Respondents | pd.DataFrame) -> pd.DataFrame:
    """The respondent table of :func:`respondents`, or a table built by hand (one row per respondent)."""
    return resp.table if isinstance(resp, Respondents) else resp
