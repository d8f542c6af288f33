"""Describing the issues a run found: one row each (title, key phrases, examples, counts, dates, trend), the run's stats, each comment's issue ids."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from analyzer import schema as S
from analyzer.issues.context import Candidate, DiscoveryContext
from analyzer.issues.ids import OTHER, other_id
from analyzer.issues.kinds import FILLER, GROUP_OF_KIND
from analyzer.issues.phrases import Background, key_phrases
from analyzer.issues.store import ACTIVE, IGNORED, IssueRun, fingerprint_code
from analyzer.issues.titles import title_for
from analyzer.issues.trend import period_trend, run_trend

N_EXAMPLES = 3
SUB = "sub"  # the status of a sub-issue row


def describe(seg: pd.DataFrame, candidates: list[Candidate], comments: pd.DataFrame, context: DiscoveryContext,
             exclude: frozenset[str] = frozenset()) -> tuple[pd.DataFrame, list[IssueRun]]:
    """One row per issue, sub-issue and "other" group from the assigned segments, and what the store should learn of each named issue.

    Args:
        seg: the segments with ``issue_id``, ``sub_issue_id``, ``_text`` (analysis text), ``_touchpoint``, ``_list``
            and ``_similarity`` (closeness to the issue) set.
        candidates: every candidate issue of the run (catalog and new), for fingerprints, home touchpoints and splits.
        comments: the comments table (``comment_id``, ``date``) for dates and trends.
        context: the catalog and earlier runs (titles the user gave, first seen, trends without dates).
        exclude: the file's background names, never in a title or key phrase.
    """
    by_id = {c.issue_id: c for c in context.catalog}
    fingerprints = {c.issue_id: c.fingerprint for c in context.catalog}  # a merged issue's candidate carries its target's id: not its fingerprint
    centroids = {c.issue_id: c.centroid for c in context.catalog}
    homes = {c.issue_id: c.touchpoint for c in context.catalog}
    for c in candidates:
        fingerprints.setdefault(c.issue_id, c.fingerprint)
        centroids.setdefault(c.issue_id, c.centroid)
        homes.setdefault(c.issue_id, c.touchpoint)
    split_from = {c.issue_id: c.split_from for c in candidates if c.split_from}
    dates = comments.set_index(comments[S.COMMENT_ID].astype(str))[S.DATE] if S.DATE in comments.columns else pd.Series(dtype="datetime64[ns]")
    timing = _Timing(dates, context, len(comments))
    grouped = seg[seg[S.ISSUE_ID].notna()].copy()
    # A merge may join issues of two lists: the target's own kind says where the whole issue is listed.
    home_list = {c.issue_id: GROUP_OF_KIND.get(c.kind, c.kind) for c in context.catalog}
    moved = grouped[S.ISSUE_ID].isin(home_list)
    if moved.any():
        grouped.loc[moved, "_list"] = [home_list[i] for i in grouped.loc[moved, S.ISSUE_ID]]
    rows, runs = [], []
    for kind, part in grouped.groupby("_list", sort=True):
        background = Background.of(list(zip(part["_text"].astype(str), part[S.LANG].astype(str), strict=True)), exclude)
        taken: set[str] = set()
        by_issue = dict(tuple(part.groupby(S.ISSUE_ID, sort=False)))
        sizes = {i: m[S.COMMENT_ID].nunique() for i, m in by_issue.items()}
        for issue_id in sorted(sizes, key=lambda i: (-sizes[i], i)):  # the largest issue chooses its title first
            members = by_issue[issue_id]
            is_other = issue_id == other_id(kind)
            known = by_id.get(issue_id)
            row = _row(members, issue_id, kind, background, taken, timing, is_other=is_other, home=homes.get(issue_id),
                       status=OTHER if is_other else (known.status if known else ACTIVE), user_title=known.user_title if known else None)
            rows.append(row)
            if is_other:
                continue
            runs.append(IssueRun(issue_id, row[S.TOUCHPOINT], kind, row[S.LANGUAGES].split(";")[0], fingerprints[issue_id], row["_auto"],
                                 row[S.KEY_PHRASES].split("; ") if row[S.KEY_PHRASES] else [], row[S.N_SEGMENTS], row[S.N_COMMENTS],
                                 row[S.SHARE_NEGATIVE], row[S.FIRST_SEEN], row[S.LAST_SEEN], row[S.TREND], split_from.get(issue_id),
                                 centroids.get(issue_id)))
            by_sub = dict(tuple(members[members[S.SUB_ISSUE_ID].notna()].groupby(S.SUB_ISSUE_ID, sort=False)))
            sub_sizes = {i: m[S.COMMENT_ID].nunique() for i, m in by_sub.items()}
            for sub_id in sorted(sub_sizes, key=lambda i: (-sub_sizes[i], i)):
                sub = _row(by_sub[sub_id], sub_id, kind, background, taken, timing, is_other=False, home=None,
                           status=SUB, user_title=None)
                sub[S.PARENT_ID] = issue_id
                rows.append(sub)
    frame = S.conform(pd.DataFrame(rows, columns=S.ISSUE_BASE), "issues", "issues")
    if len(frame):
        rank = {ACTIVE: 0, IGNORED: 1, OTHER: 3}
        top = frame[S.PARENT_ID].fillna(frame[S.ISSUE_ID])
        order = pd.DataFrame({"kind": frame[S.ISSUE_KIND], "rank": frame[S.ISSUE_STATUS].map(rank).fillna(2),
                              "size": -frame[S.N_COMMENTS], "id": frame[S.ISSUE_ID]})
        parent_rank = order.set_index("id")[["rank", "size"]]
        order["p_rank"] = top.map(parent_rank["rank"]).to_numpy()
        order["p_size"] = top.map(parent_rank["size"]).to_numpy()
        order["top"], order["is_sub"] = top.to_numpy(), frame[S.PARENT_ID].notna().to_numpy()
        # issues by status and size, each followed by its sub-issues
        order = order.sort_values(["kind", "p_rank", "p_size", "top", "is_sub", "size", "id"])
        frame = frame.loc[order.index].reset_index(drop=True)
    return frame, runs


class _Timing:
    """First and last seen and the trend of a set of comments, from their dates or, without dates, from the runs."""

    def __init__(self, dates: pd.Series, context: DiscoveryContext, n_comments: int) -> None:
        self.dates, self.all_dates, self.context, self.n_comments = dates, dates.dropna(), context, n_comments

    def of(self, issue_id: str, comment_ids: list[str]) -> tuple[str | None, str | None, str]:
        issue_dates = self.dates.reindex(comment_ids).dropna()
        if len(issue_dates):
            return issue_dates.min().date().isoformat(), issue_dates.max().date().isoformat(), period_trend(issue_dates, self.all_dates)
        first = self.context.first_seen_runs.get(issue_id, self.context.run_date)
        return (first[:10] if first else None), self.context.run_date, run_trend(issue_id, len(comment_ids), self.n_comments, self.context.last_run)


def _row(members: pd.DataFrame, issue_id: str, kind: str, background: Background, taken: set[str], timing: _Timing, *,
         is_other: bool, home: str | None, status: str, user_title: str | None) -> dict[str, Any]:
    """The issues-table row of one issue, sub-issue or "other" group."""
    # most central first; ties by text, so the same texts in any row order give the same title and quotes
    members = members.assign(_rank=-members["_similarity"].round(9)).sort_values(["_rank", "_text", S.SEGMENT_ID])
    texts = list(zip(members["_text"].astype(str), members[S.LANG].astype(str), strict=True))
    comment_ids = sorted(set(members[S.COMMENT_ID].astype(str)))
    phrases = [] if is_other else key_phrases(texts, background)
    if is_other:
        auto = "Other praise" if kind == "praise" else "Other complaints"
    else:
        agree = _agrees(members, kind)
        voiced = [t for t, ok in zip(texts, agree, strict=True) if ok] or texts  # a complaint is named by its complaints
        auto = title_for(voiced, background, taken, fallback=phrases[0] if phrases else texts[0][0][:60])
    tps = Counter(members["_touchpoint"].astype(str))
    ranked_tps = sorted(tps, key=lambda t: (-tps[t], t))
    first, last, trend = timing.of(issue_id, comment_ids)
    langs = Counter(members[S.LANG].astype(str))
    return {
        S.ISSUE_ID: issue_id, S.ISSUE_KIND: kind, S.ISSUE_STATUS: status, S.PARENT_ID: None,
        S.TOUCHPOINT: home or (ranked_tps[0] if ranked_tps else OTHER), S.TOUCHPOINTS: ";".join(ranked_tps),
        S.ISSUE_TITLE: user_title or auto, "_auto": auto,
        S.KEY_PHRASES: "; ".join(phrases), S.EXAMPLES: "\n".join(_examples(members, kind)),
        S.N_COMMENTS: len(comment_ids), S.N_SEGMENTS: int(members[S.SEGMENT_ID].nunique()),
        S.SHARE_NEGATIVE: round(float((members[S.SENTIMENT] == "negative").mean()), 4),
        S.LANGUAGES: ";".join(sorted(langs, key=lambda la: (-langs[la], la))),
        S.FIRST_SEEN: first, S.LAST_SEEN: last, S.TREND: trend,
        S.FINGERPRINT: fingerprint_code(issue_id) if status in (ACTIVE, IGNORED) else "",
        S.COMMENT_IDS: ";".join(comment_ids),
    }


def _agrees(members: pd.DataFrame, kind: str) -> np.ndarray:
    """Which members' sentiment agrees with their list: negative for complaints, positive for praise."""
    wanted = "positive" if kind == "praise" else "negative"
    return (members[S.SENTIMENT].astype("string") == wanted).fillna(False).to_numpy(dtype=bool)


def _examples(members: pd.DataFrame, kind: str, n: int = N_EXAMPLES) -> list[str]:
    """The first ``n`` texts from distinct comments, without repeats.

    Members whose sentiment agrees with the list come first (negative for complaints, positive for praise), each group
    most central first.
    """
    agree = _agrees(members, kind)
    members = pd.concat([members[agree], members[~agree]])
    chosen, seen_text, seen_comment = [], set(), set()
    for text, cid in zip(members[S.TEXT].astype(str), members[S.COMMENT_ID].astype(str), strict=True):
        key = text.casefold().strip(" .!?")
        if key in seen_text or cid in seen_comment:
            continue
        chosen.append(text)
        seen_text.add(key)
        seen_comment.add(cid)
        if len(chosen) == n:
            break
    return chosen


def issue_stats(seg: pd.DataFrame, issues: pd.DataFrame) -> dict[str, Any]:
    """Issue and praise group counts, complaint coverage by named issues, filler and feedback kinds (for the run summary)."""
    complaint = seg[seg["_list"] == "complaint"].drop_duplicates([S.SEGMENT_ID, S.ISSUE_ID])
    units = complaint.drop_duplicates(S.SEGMENT_ID)
    other_ids = set(issues.loc[issues[S.ISSUE_STATUS] == OTHER, S.ISSUE_ID]) | {other_id("complaint")}
    in_named = units[S.SEGMENT_ID].isin(complaint.loc[~complaint[S.ISSUE_ID].isin(other_ids), S.SEGMENT_ID])
    n = len(units)
    active = issues[issues[S.ISSUE_STATUS] == ACTIVE]
    return {
        "issues": int((active[S.ISSUE_KIND] == "complaint").sum()),
        "sub_issues": int((issues[S.ISSUE_STATUS] == SUB).sum()),
        "praise_groups": int((active[S.ISSUE_KIND] == "praise").sum()),
        "ignored": int((issues[S.ISSUE_STATUS] == IGNORED).sum()),
        "complaint_segments": n,
        "coverage": round(float(in_named.mean()), 4) if n else 1.0,
        "other_share": round(1 - float(in_named.mean()), 4) if n else 0.0,
        "filler_segments": int(seg.loc[seg[S.FEEDBACK_KIND] == FILLER, S.SEGMENT_ID].nunique()),
        "kinds": dict(Counter(seg.drop_duplicates(S.SEGMENT_ID)[S.FEEDBACK_KIND]).most_common()),
    }


def comment_issue_ids(comments: pd.DataFrame, segments: pd.DataFrame, issues: pd.DataFrame, statuses: tuple[str, ...] = (ACTIVE,)) -> pd.Series:
    """Each comment's issues of the given statuses (active named ones by default), ``;``-joined in order of first appearance ('' when none).

    ``statuses=(ACTIVE, OTHER)`` adds the "other" groups: the NPS drivers count their real mentions.
    """
    named = set(issues.loc[issues[S.ISSUE_STATUS].isin(statuses), S.ISSUE_ID])
    found: dict[str, list[str]] = {}
    for cid, issue_id in zip(segments[S.COMMENT_ID].astype(str), segments[S.ISSUE_ID], strict=True):
        if isinstance(issue_id, str) and issue_id in named:
            ids = found.setdefault(cid, [])
            if issue_id not in ids:
                ids.append(issue_id)
    return comments[S.COMMENT_ID].astype(str).map(lambda cid: ";".join(found.get(cid, []))).astype("string")
