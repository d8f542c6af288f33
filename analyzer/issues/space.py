"""The space issues are found and matched in: terms always, meaning (e5 vectors) when the run embeds.

Each distinct analysis text of a run has a term vector (:class:`~analyzer.issues.terms.TermSpace`)
and, when grouping by meaning, an e5 vector. Vectors come from the state file's
cache first (:mod:`analyzer.issues.vector_cache`); of the texts not cached, at
most ``budget`` are embedded, chosen by the hash of their text (so the same
texts are chosen whatever the row order, and a file that grew keeps most of
its choice). Texts beyond the budget are matched by their terms alone.

e5 vectors keep a strong trace of the language a text is written in, so each
text's vector is centred on its language's mean vector first (shrunk toward
the run's mean for a language with few texts). Similarity of a text to an
issue is the cosine of their centred vectors, mixed with the cosine of the
text's terms to the issue's term fingerprint; a text or an issue without a
vector uses the term cosine alone. Terms tie only texts of one language, so
they weigh ``1 - MEANING_WEIGHT`` times the chance that two of the run's texts
share a language (all of it in a one-language file, a sixth of it when six
languages are equally common). Groups are formed in a space that joins both
the same way, each text's vector averaged with its ``NEIGHBOURS`` nearest
texts (which smooths the noise of a small quantised model).

Example:
    >>> space = IssueSpace.build([("courier late", "en"), ("rude operator", "en")])
    >>> space.vectors is None, space.X.shape[0]
    (True, 2)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from analyzer.issues.terms import TermSpace
from analyzer.issues.vector_cache import text_key

MEANING_WEIGHT = 0.5
TERMS_IN_GROUPING = 0.5  # weight of the LSA term part next to the centred e5 part when grouping
NEIGHBOURS = 5
SMOOTH_MAX = 3_000  # above this many texts, vectors are grouped as they are (k-means micro-clusters average them instead)
LSA_DIMENSIONS = 100
LSA_MIN_ROWS = 300
DEFAULT_BUDGET = 3_000
SEED = 0
RUN_SHRINK = 100  # a run of n texts takes out n / (n + RUN_SHRINK) of what they all share
LANGUAGE_SHRINK = 1  # a language's mean counts the run's mean as this many texts (a language of one text is not centred to zero)

Embedder = Callable[[list[tuple[str, str]]], np.ndarray]
Lookup = Callable[[list[str]], Mapping[str, np.ndarray]]


@dataclass
class IssueSpace:
    """Term vectors of every text and, when grouping by meaning, the e5 vectors of those that have one.

    Attributes:
        texts: the run's distinct ``(analysis text, lang)``, sorted.
        terms: the fitted term space; ``X`` its rows.
        vectors: raw e5 vectors (zero rows where ``has`` is False), or None when not grouping by meaning.
        has: which texts have a vector.
        mean: the mean vector the run centres on.
        new: vectors embedded in this run, by cache key (for the state file).
        stats: texts cached, embedded and beyond the budget.
    """

    texts: list[tuple[str, str]]
    terms: TermSpace
    X: sp.csr_matrix
    vectors: np.ndarray | None = None
    has: np.ndarray | None = None
    mean: np.ndarray | None = None
    new: dict[str, np.ndarray] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    same_language: float = 1.0  # the chance that two texts share a language: how much terms, which tie only those, may weigh
    _grouped: dict[int, np.ndarray] = field(default_factory=dict, repr=False)  # doc -> its row of the last grouping matrix

    @classmethod
    def build(cls, texts: Sequence[tuple[str, str]], exclude: frozenset[str] = frozenset(), embed: Embedder | None = None,
              lookup: Lookup | None = None, model: str = "", budget: int = DEFAULT_BUDGET) -> IssueSpace:
        """Term vectors for ``texts``; e5 vectors too when ``embed`` is given (cached ones first, then up to ``budget`` new)."""
        terms, X = TermSpace.fit_transform(texts, exclude)
        space = cls(list(texts), terms, X)
        if embed is not None and texts:
            space._embed(embed, lookup, model, budget)
        return space

    def _embed(self, embed: Embedder, lookup: Lookup | None, model: str, budget: int) -> None:
        keys = [text_key(model, text) for text, _ in self.texts]
        wanted = np.flatnonzero(np.diff(self.X.indptr)).tolist()  # texts with at least one term
        cached = dict(lookup([keys[i] for i in wanted])) if lookup is not None else {}
        todo = sorted((i for i in wanted if keys[i] not in cached), key=lambda i: keys[i])
        chosen, skipped = todo[:budget], len(todo) - min(budget, len(todo))
        fresh = embed([self.texts[i] for i in chosen]) if chosen else np.zeros((0, 0), dtype=np.float32)
        dim = fresh.shape[1] if len(chosen) else (len(next(iter(cached.values()))) if cached else 0)
        if not dim:
            return
        vectors = np.zeros((len(self.texts), dim), dtype=np.float32)
        has = np.zeros(len(self.texts), dtype=bool)
        for i in wanted:
            if keys[i] in cached:
                vectors[i], has[i] = cached[keys[i]], True
        for i, vector in zip(chosen, fresh, strict=True):
            vectors[i], has[i] = vector, True
            self.new[keys[i]] = vector
        self.vectors, self.has = vectors, has
        self.mean = vectors[has].mean(axis=0) if has.any() else np.zeros(dim, dtype=np.float32)
        self._centre()
        self.stats = {"cached": int(sum(keys[i] in cached for i in wanted)), "embedded": len(chosen), "beyond_budget": skipped}
        # every vector the run used counts as used now (the cache keeps the recently used ones)
        self.new.update({keys[i]: cached[keys[i]] for i in wanted if keys[i] in cached})

    @property
    def by_meaning(self) -> bool:
        """True when the run has e5 vectors."""
        return self.vectors is not None

    def _centre(self) -> None:
        """Centre each text on its language's typical vector, then (by a share that grows with the run) on the run's mean.

        e5 keeps a strong trace of the language a text is written in; without this, a file's issues would be its
        languages. The typical vector of a first-class language is fixed (``language_means.npz``, see
        :mod:`analyzer.devtools.language_means`); another language is centred on its own mean in the run, shrunk
        toward the run's mean when it has few texts. What every text of a large run shares (its domain) is then
        taken out too, ``n / (n + RUN_SHRINK)`` of it, so a small file that is all about one problem keeps it.
        """
        langs = np.array([lang for _, lang in self.texts])
        fixed = language_means()
        centred = np.zeros_like(self.vectors)
        shares = []
        for lang in np.unique(langs[self.has]):
            rows = self.has & (langs == lang)
            n = int(rows.sum())
            shares.append(n)
            mean = fixed.get(lang)
            if mean is None or mean.shape != self.mean.shape:  # not a first-class language, or another embedder
                mean = (self.vectors[rows].sum(axis=0) + LANGUAGE_SHRINK * self.mean) / (n + LANGUAGE_SHRINK)
            centred[rows] = self.vectors[rows] - mean
        n_all = int(self.has.sum())
        centred[self.has] -= (n_all / (n_all + RUN_SHRINK)) * centred[self.has].mean(axis=0)
        self._centred = normalize(centred)
        shares = np.array(shares, dtype=float) / max(1, n_all)
        self.same_language = float((shares ** 2).sum())

    def centred(self, rows: np.ndarray) -> np.ndarray:
        """The e5 vectors of ``rows``, each centred on its language's mean and L2-normalised."""
        return self._centred[rows]

    def centroid(self, rows: np.ndarray) -> np.ndarray | None:
        """Mean centred e5 vector of the ``rows`` that have one (None when none has)."""
        if not self.by_meaning:
            return None
        rows = rows[self.has[rows]]
        return self._centred[rows].mean(axis=0).astype(np.float32) if len(rows) else None

    def grouping_rows(self, rows: np.ndarray) -> np.ndarray:
        """The ``rows`` that take part in grouping: those with a vector when grouping by meaning, else those with a term."""
        keep = self.has[rows] if self.by_meaning else np.asarray(self.X[rows].getnnz(axis=1) > 0)
        return rows[keep]

    def grouping_matrix(self, rows: np.ndarray, smooth: bool = True) -> np.ndarray:
        """Rows to group, L2-normalised: centred e5 joined with LSA of the terms (by meaning), or LSA/terms alone."""
        lsa = _reduce(self.X[rows])
        if not self.by_meaning:
            return lsa
        weight = TERMS_IN_GROUPING * self.same_language
        Z = normalize(np.hstack([self.centred(rows), weight * lsa])) if weight else self.centred(rows)
        if smooth and NEIGHBOURS > 1 and len(rows) > NEIGHBOURS and len(rows) <= SMOOTH_MAX:
            Z = _smooth(Z, NEIGHBOURS)
        return Z

    def remember_grouping(self, rows: np.ndarray, Z: np.ndarray) -> None:
        """Keep each row's grouping vector, so sub-issues are cut in the same space without computing it again."""
        self._grouped.update(zip(rows.tolist(), Z.astype(np.float32), strict=True))

    def grouped(self, rows: np.ndarray) -> np.ndarray:
        """The remembered grouping vectors of ``rows`` (computed afresh, for all of them, when one is missing or they come from pools of other widths)."""
        if all(int(r) in self._grouped for r in rows):
            kept = [self._grouped[int(r)] for r in rows]
            if not kept:
                return np.zeros((0, 0), dtype=np.float32)
            if len({v.shape for v in kept}) == 1:  # one issue can gather rows grouped in different pools (catalog matching)
                return np.stack(kept)
        return self.grouping_matrix(rows)

    def similarities(self, rows: np.ndarray, fingerprints: sp.csr_matrix, centroids: Sequence[np.ndarray | None]) -> np.ndarray:
        """Rows x candidates: the term cosine, mixed with the centred e5 cosine where both sides have a vector."""
        sims = (self.X[rows] @ fingerprints.T).toarray()
        if not self.by_meaning:
            return sims
        with_vector = np.array([c is not None for c in centroids])
        rows_with = self.has[rows]
        if with_vector.any() and rows_with.any():
            C = normalize(np.stack([c for c in centroids if c is not None]))
            meaning = self.centred(rows[rows_with]) @ C.T
            part = sims[np.ix_(rows_with, with_vector)]
            terms = (1 - MEANING_WEIGHT) * self.same_language
            sims[np.ix_(rows_with, with_vector)] = (1 - terms) * meaning + terms * part
        return sims

    def match_floor(self, rows: np.ndarray, centroids: Sequence[np.ndarray | None], term_floor: float, meaning_floor: float) -> np.ndarray:
        """Rows x candidates: the similarity a row needs to join each candidate (meaning floor where both have vectors)."""
        floor = np.full((len(rows), len(centroids)), term_floor)
        if self.by_meaning:
            with_vector = np.array([c is not None for c in centroids], dtype=bool)
            floor[np.ix_(self.has[rows], with_vector)] = meaning_floor
        return floor


def comments_of_doc(docs: Iterable[int], comment_ids: Iterable[str]) -> dict[int, set[str]]:
    """Text (doc index) -> the distinct comments it occurs in: what ``min_size`` and the tree's weights count.

    Example:
        >>> {doc: sorted(ids) for doc, ids in comments_of_doc([0, 0, 1], ["a", "b", "a"]).items()}
        {0: ['a', 'b'], 1: ['a']}
    """
    found: dict[int, set[str]] = {}
    for doc, cid in zip(docs, comment_ids, strict=True):
        found.setdefault(int(doc), set()).add(cid)
    return found


@cache
def language_means() -> dict[str, np.ndarray]:
    """The typical e5 vector of each first-class language (shipped with the package; empty when the file is missing)."""
    path = files("analyzer.issues") / "language_means.npz"
    if not path.is_file():
        return {}
    with path.open("rb") as handle, np.load(handle) as data:
        return {lang: data[lang].astype(np.float32) for lang in data.files}


def _reduce(X: sp.spmatrix) -> np.ndarray:
    """Rows projected on the top LSA dimensions and L2-normalised; few rows (< LSA_MIN_ROWS) stay in term space."""
    X = X[:, np.unique(X.indices)]
    n, v = X.shape
    if n < LSA_MIN_ROWS or v <= LSA_DIMENSIONS:
        return normalize(X.toarray())
    return normalize(TruncatedSVD(LSA_DIMENSIONS, algorithm="randomized", random_state=SEED).fit_transform(X))


def _smooth(Z: np.ndarray, k: int, chunk: int = 2_000) -> np.ndarray:
    """Each row averaged with its ``k`` nearest rows (itself included), in chunks so memory stays bounded."""
    out = np.empty_like(Z)
    for start in range(0, len(Z), chunk):
        sims = Z[start:start + chunk] @ Z.T
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        out[start:start + chunk] = Z[nearest].mean(axis=1)
    return normalize(out)
