"""Describing the issues a run found: one row each (title, key phrases, examples, counts, dates, trend), the run's stats, each comment's issue ids."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from analyzer import schema as S
from analyzer.issues.context import Candidate, DiscoveryContext
from analyzer.issues.ids import OTHER, other_id
from analyzer.issues.kinds import FILLER, GROUP_OF_KIND
from analyzer.issues.phrases import Background, key_phrases, title
from analyzer.issues.store import ACTIVE, IGNORED, IssueRun, fingerprint_code
from analyzer.issues.trend import period_trend, run_trend

N_EXAMPLES = 3


def describe(seg: pd.DataFrame, candidates: list[Candidate], comments: pd.DataFrame, context: DiscoveryContext) -> tuple[pd.DataFrame, list[IssueRun]]:
    """One row per issue and "other" group from the assigned segments, and what the store should learn of each named issue.

    Args:
        seg: the segments with ``issue_id``, ``_touchpoint``, ``_list`` and ``_similarity`` (closeness to the issue) set.
        candidates: every candidate issue of the run (catalog and new), for fingerprints and splits.
        comments: the comments table (``comment_id``, ``date``) for dates and trends.
        context: the catalog and earlier runs (titles the user gave, first seen, trends without dates).
    """
    catalog, last_run, first_seen_runs, run_date = context.catalog, context.last_run, context.first_seen_runs, context.run_date
    by_id = {c.issue_id: c for c in catalog}
    fingerprints = {c.issue_id: c.fingerprint for c in catalog}  # a merged issue's candidate carries its target's id: not its fingerprint
    for c in candidates:
        fingerprints.setdefault(c.issue_id, c.fingerprint)
    split_from = {c.issue_id: c.split_from for c in candidates if c.split_from}
    dates = comments.set_index(comments[S.COMMENT_ID].astype(str))[S.DATE] if S.DATE in comments.columns else pd.Series(dtype="datetime64[ns]")
    all_dates = dates.dropna()
    grouped = seg[seg[S.ISSUE_ID].notna()].copy()
    # A merge may join issues of two touchpoints (or lists): the target's own say where the whole issue is listed.
    home = {c.issue_id: (c.touchpoint, GROUP_OF_KIND.get(c.kind, c.kind)) for c in catalog}
    moved = grouped[S.ISSUE_ID].isin(home)
    if moved.any():
        grouped.loc[moved, "_touchpoint"] = [home[i][0] for i in grouped.loc[moved, S.ISSUE_ID]]
        grouped.loc[moved, "_list"] = [home[i][1] for i in grouped.loc[moved, S.ISSUE_ID]]
    rows, runs = [], []
    for (touchpoint, kind), part in grouped.groupby(["_touchpoint", "_list"], sort=True):
        background = Background.of(list(zip(part[S.TEXT].astype(str), part[S.LANG].astype(str), strict=True)))
        for issue_id, members in part.groupby(S.ISSUE_ID, sort=True):
            members = members.sort_values(["_similarity", S.SEGMENT_ID], ascending=[False, True])
            texts = list(zip(members[S.TEXT].astype(str), members[S.LANG].astype(str), strict=True))
            comment_ids = sorted(set(members[S.COMMENT_ID].astype(str)))
            is_other = issue_id == other_id(touchpoint, kind)
            phrases = [] if is_other else key_phrases(texts, background)
            auto = title(phrases, texts[0][0][:80]) if not is_other else f"Other {touchpoint} {'praise' if kind == 'praise' else 'complaints'}"
            known = by_id.get(issue_id)
            issue_dates = dates.reindex(comment_ids).dropna()
            if len(issue_dates):
                first, last = issue_dates.min().date().isoformat(), issue_dates.max().date().isoformat()
                trend = period_trend(issue_dates, all_dates)
            else:
                first, last = first_seen_runs.get(issue_id, run_date), run_date
                first = first[:10] if first else None
                trend = run_trend(issue_id, len(comment_ids), len(comments), last_run)
            langs = Counter(members[S.LANG].astype(str))
            row = {
                S.ISSUE_ID: issue_id, S.ISSUE_KIND: kind, S.ISSUE_STATUS: OTHER if is_other else (known.status if known else ACTIVE),
                S.TOUCHPOINT: touchpoint, S.ISSUE_TITLE: known.user_title if known and known.user_title else auto,
                S.KEY_PHRASES: "; ".join(phrases), S.EXAMPLES: "\n".join(_examples(members)),
                S.N_COMMENTS: len(comment_ids), S.N_SEGMENTS: int(members[S.SEGMENT_ID].nunique()),
                S.SHARE_NEGATIVE: round(float((members[S.SENTIMENT] == "negative").mean()), 4),
                S.LANGUAGES: ";".join(sorted(langs, key=lambda la: (-langs[la], la))),
                S.FIRST_SEEN: first, S.LAST_SEEN: last, S.TREND: trend,
                S.FINGERPRINT: "" if is_other else fingerprint_code(issue_id),
            }
            rows.append(row)
            if not is_other:
                runs.append(IssueRun(issue_id, touchpoint, kind, row[S.LANGUAGES].split(";")[0], fingerprints[issue_id], auto, phrases, row[S.N_SEGMENTS],
                                     row[S.N_COMMENTS], row[S.SHARE_NEGATIVE], first, last, trend, split_from.get(issue_id)))
    frame = S.conform(pd.DataFrame(rows, columns=S.ISSUE_BASE), "issues", "issues")
    if len(frame):
        rank = {ACTIVE: 0, IGNORED: 1, OTHER: 2}
        frame = frame.sort_values([S.ISSUE_KIND, S.ISSUE_STATUS, S.N_COMMENTS, S.ISSUE_ID],
                                  key=lambda col: col.map(rank) if col.name == S.ISSUE_STATUS else
                                  (-col if col.name == S.N_COMMENTS else col)).reset_index(drop=True)
    return frame, runs


def _examples(members: pd.DataFrame, n: int = N_EXAMPLES) -> list[str]:
    """The first ``n`` texts (members come most central first) from distinct comments, without repeats."""
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
    other_ids = set(issues.loc[issues[S.ISSUE_STATUS] == OTHER, S.ISSUE_ID])
    in_named = units[S.SEGMENT_ID].isin(complaint.loc[~complaint[S.ISSUE_ID].isin(other_ids), S.SEGMENT_ID])
    n = len(units)
    active = issues[issues[S.ISSUE_STATUS] == ACTIVE]
    return {
        "issues": int((active[S.ISSUE_KIND] == "complaint").sum()),
        "praise_groups": int((active[S.ISSUE_KIND] == "praise").sum()),
        "ignored": int((issues[S.ISSUE_STATUS] == IGNORED).sum()),
        "complaint_segments": n,
        "coverage": round(float(in_named.mean()), 4) if n else 1.0,
        "other_share": round(1 - float(in_named.mean()), 4) if n else 0.0,
        "filler_segments": int(seg.loc[seg[S.FEEDBACK_KIND] == FILLER, S.SEGMENT_ID].nunique()),
        "kinds": dict(Counter(seg.drop_duplicates(S.SEGMENT_ID)[S.FEEDBACK_KIND]).most_common()),
    }


def comment_issue_ids(comments: pd.DataFrame, segments: pd.DataFrame, issues: pd.DataFrame) -> pd.Series:
    """Each comment's active named issues, ``;``-joined in order of first appearance ('' when none)."""
    named = set(issues.loc[issues[S.ISSUE_STATUS] == ACTIVE, S.ISSUE_ID])
    found: dict[str, list[str]] = {}
    for cid, issue_id in zip(segments[S.COMMENT_ID].astype(str), segments[S.ISSUE_ID], strict=True):
        if isinstance(issue_id, str) and issue_id in named:
            ids = found.setdefault(cid, [])
            if issue_id not in ids:
                ids.append(issue_id)
    return comments[S.COMMENT_ID].astype(str).map(lambda cid: ";".join(found.get(cid, []))).astype("string")
