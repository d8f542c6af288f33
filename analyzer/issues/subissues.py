"""Sub-issues: the distinct parts of an issue, like the sub-themes under a theme.

An issue with at least ``2 x min_size`` comments is cut again from the top of
its own tree (in the space its issue was found in) (:func:`analyzer.issues.hierarchy.cut_tree`), with a smaller
distance between halves (``SUB_SPLIT``) and at most ``MAX_SUB`` parts. A part
needs ``min_size`` comments and ``SUB_MIN_SHARE`` of the issue's; with fewer
than two such parts the issue has no sub-issues. Every member then goes to the
part it is most similar to (the same similarity issues use), so the parts of an
issue hold all of it. Sub-issue ids are the issue's id and a hash of the part's
top terms (``LOG-JNS6.BY3``).

Example:
    >>> import pandas as pd
    >>> from analyzer.issues.space import IssueSpace
    >>> space = IssueSpace.build([("late", "en")])
    >>> seg = pd.DataFrame({"issue_id": pd.array([pd.NA], dtype="string"), "_doc": [0], "comment_id": ["1"]})
    >>> assign_sub_issues(seg, space, 3).isna().tolist()
    [True]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer import schema as S
from analyzer.issues.hierarchy import cut_tree
from analyzer.issues.ids import other_id, sub_issue_id
from analyzer.issues.space import LSA_MIN_ROWS, IssueSpace, comments_of_doc

SUB_SPLIT, TERM_SUB_SPLIT, SMALL_TERM_SUB_SPLIT = 0.2, 0.35, 0.45
MAX_SUB = 6
SUB_MICRO_MAX = 200  # micro-clusters of a large issue's tree: enough for six parts
SUB_MIN_SHARE = 0.08


def assign_sub_issues(seg: pd.DataFrame, space: IssueSpace, min_size: int) -> pd.Series:
    """Each segment's sub-issue id (empty when its issue has no sub-issues), from ``issue_id`` and ``_doc``."""
    out = pd.Series(pd.NA, index=seg.index, dtype="string")
    others = {other_id("complaint"), other_id("praise")}
    named = seg[seg[S.ISSUE_ID].notna() & ~seg[S.ISSUE_ID].isin(others)]
    taken: set[str] = set()
    for issue_id, members in named.groupby(S.ISSUE_ID, sort=True):
        n_comments = members[S.COMMENT_ID].nunique()
        if n_comments < 2 * min_size:
            continue
        docs_comments = comments_of_doc(members["_doc"], members[S.COMMENT_ID].astype(str))
        docs = np.array(sorted(docs_comments))
        grow = space.grouping_rows(docs)
        if len(grow) < 2:
            continue
        weights = np.array([len(docs_comments[int(d)]) for d in grow], dtype=float)
        least = max(min_size, SUB_MIN_SHARE * n_comments)
        split = SUB_SPLIT if space.by_meaning else TERM_SUB_SPLIT if len(grow) >= LSA_MIN_ROWS else SMALL_TERM_SUB_SPLIT
        labels = cut_tree(space.grouped(grow), weights, split=split, cap=MAX_SUB, min_weight=least, micro_max=SUB_MICRO_MAX)
        parts = [grow[labels == k] for k in range(labels.max() + 1)]
        parts = [p for p in parts if len(set().union(*(docs_comments[int(d)] for d in p))) >= least]
        if len(parts) < 2:
            continue
        fingerprints = [space.terms.fingerprint(space.X[p]) for p in parts]
        sims = space.similarities(docs, space.terms.fingerprint_matrix(fingerprints), [space.centroid(p) for p in parts])
        ids = []
        for fp in fingerprints:
            ids.append(sub_issue_id(str(issue_id), fp, taken))
            taken.add(ids[-1])
        part_of_doc = {int(d): ids[int(j)] for d, j in zip(docs, sims.argmax(axis=1), strict=True)}
        out.loc[members.index] = [part_of_doc[int(d)] for d in members["_doc"]]
    return out
