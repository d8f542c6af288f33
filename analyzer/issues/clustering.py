"""Deterministic grouping of term vectors: LSA, then average-linkage cut at a fixed cosine distance.

The number of groups comes from the data: the dendrogram is cut where groups
stop being similar (``DISTANCE`` in LSA space; ``TERM_DISTANCE`` for groups
under ``LSA_MIN_ROWS`` texts, which are linked in plain term space because a
few dozen short texts give LSA nothing to learn), not at a chosen k. Up to ``DIRECT_MAX``
points are linked directly; larger inputs are first summarised by k-means into
at most ``MICRO_MAX`` micro-clusters, whose centroids are linked instead, so
time and memory grow linearly with the number of points (no n x n matrix).

Every step is seeded and the caller passes rows in a canonical order, so the
same set of texts gives the same groups whatever order they arrived in.

Example:
    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix([[1.0, 0, 0], [0.9, 0.1, 0], [0, 0, 1.0], [0, 0.1, 0.9]])
    >>> group(X).tolist()
    [0, 0, 1, 1]
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

# Cosine distance at which the dendrogram is cut, in LSA space and (small groups) in term space;
# chosen on banking77 and the shipped sample (docs/benchmarks.md).
DISTANCE = 0.7
TERM_DISTANCE = 0.9
# For multilingual e5 embeddings, where unrelated texts already sit close together (chosen on the shipped sample).
EMBEDDING_DISTANCE = 0.13
LSA_MIN_ROWS = 300
LSA_DIMENSIONS = 100
DIRECT_MAX = 2_500
MICRO_MAX = 800
SEED = 0


def reduce(X: sp.spmatrix) -> np.ndarray:
    """Rows projected on the top LSA dimensions and L2-normalised; small inputs (< LSA_MIN_ROWS) stay in term space."""
    X = X[:, np.unique(X.indices)]  # only the terms these rows use
    n, v = X.shape
    if n < LSA_MIN_ROWS or v <= LSA_DIMENSIONS:
        return normalize(X.toarray())
    return normalize(TruncatedSVD(LSA_DIMENSIONS, algorithm="randomized", random_state=SEED).fit_transform(X))


def group(X: sp.spmatrix | None = None, distance: float | None = None, *, embeddings: np.ndarray | None = None) -> np.ndarray:
    """Group labels 0..k-1 for the rows of ``X`` (L2-normalised, no empty rows), numbered by first row.

    Args:
        X: term vectors in canonical order.
        distance: cosine distance at which groups stop merging; default by space (see the constants).
        embeddings: dense text embeddings (e5) to group instead of ``X``.
    """
    n = embeddings.shape[0] if embeddings is not None else X.shape[0]
    if n <= 1:
        return np.zeros(n, dtype=int)
    with threadpool_limits(1):  # small dense problems: BLAS threads only fight each other (docs/benchmarks.md)
        return _group(X, distance, embeddings, n)


def _group(X: sp.spmatrix | None, distance: float | None, embeddings: np.ndarray | None, n: int) -> np.ndarray:
    if embeddings is not None:
        distance = EMBEDDING_DISTANCE if distance is None else distance
        Z = normalize(np.asarray(embeddings, dtype=np.float64))
    else:
        distance = (DISTANCE if n >= LSA_MIN_ROWS else TERM_DISTANCE) if distance is None else distance
        Z = reduce(X)
    if n <= DIRECT_MAX:
        labels = _link(Z, distance)
    else:
        micro = MiniBatchKMeans(n_clusters=min(MICRO_MAX, n // 4), random_state=SEED, n_init=1, batch_size=4096).fit(Z)
        labels = _link(normalize(micro.cluster_centers_), distance)[micro.labels_]
    return _renumber(labels)


def _link(Z: np.ndarray, distance: float) -> np.ndarray:
    """Cut labels; a row that projected to zero (no shared dimension with the rest) stays on its own."""
    labels = np.arange(len(Z)) + len(Z) + 1
    live = np.flatnonzero(np.linalg.norm(Z, axis=1) > 0)
    if len(live) >= 2:
        # Condensed distances given directly: a square observation matrix would make linkage guess what it is.
        labels[live] = fcluster(linkage(pdist(Z[live], metric="cosine"), method="average"), t=distance, criterion="distance")
    return labels


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Number groups 0, 1, ... in order of their first row, so numbering depends only on the canonical order."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return rank[inverse]
