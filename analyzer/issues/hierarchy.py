"""Two levels from one tree: issues and their sub-issues, cut top-down from a Ward tree by how far apart its halves are.

Ward linkage builds one binary tree over the texts (directly up to
``DIRECT_MAX`` texts; above that over at most ``MICRO_MAX`` k-means
micro-clusters, so time and memory stay linear in the number of texts). The
tree is then cut from the top: the highest node is split into its two halves
when their centroids are at least ``split`` apart (cosine distance), and so on
down, until no node qualifies or ``cap`` groups exist. A half lighter than
``min_weight`` is peeled off as a leaf of its own (the caller drops it) and
does not count toward the cap, so a few outliers never stop a real split; a
node lighter than twice ``min_weight`` is never split (it cannot hold two groups).

The same cut with a smaller ``split`` inside one issue gives its sub-issues.
The distance is between centroids, so it does not grow with group size the way
Ward heights do: the number of groups comes from the data, with ``cap`` as the
ceiling (the run's ``--max-issues``).

Example:
    >>> import numpy as np
    >>> Z = np.array([[1.0, 0, 0], [0.99, 0.1, 0], [0, 0, 1.0], [0, 0.1, 0.99], [0.98, 0, 0.05]])
    >>> cut_tree(Z, np.ones(5), split=0.3, cap=10, min_weight=1).tolist()
    [0, 0, 1, 1, 0]
"""

from __future__ import annotations

import heapq

import numpy as np
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import MiniBatchKMeans
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

DIRECT_MAX = 3_000
MICRO_MAX = 600
SEED = 0


def cut_tree(Z: np.ndarray, weights: np.ndarray, *, split: float, cap: int, min_weight: float, micro_max: int = MICRO_MAX) -> np.ndarray:
    """Group labels 0..k-1 for the rows of ``Z`` (numbered by first row), or -1 for rows in peeled-off light leaves.

    Args:
        Z: L2-normalised rows in a canonical order.
        weights: each row's weight (how many comments it stands for).
        split: cosine distance between two halves' centroids from which they are kept apart.
        cap: at most this many groups (not counting peeled-off light leaves).
        min_weight: a half lighter than this is peeled off instead of becoming a group.
        micro_max: above ``DIRECT_MAX`` rows, the tree is built over at most this many k-means micro-clusters.
    """
    n = len(Z)
    if n == 0:
        return np.zeros(0, dtype=int)
    if n == 1 or cap <= 1:
        return np.zeros(n, dtype=int)
    with threadpool_limits(1):
        if n <= DIRECT_MAX:
            points, point_weights, of_row = Z, np.asarray(weights, dtype=float), np.arange(n)
        else:
            micro = MiniBatchKMeans(n_clusters=min(micro_max, n // 3), random_state=SEED, n_init=1, batch_size=4096).fit(Z)
            of_row = micro.labels_
            used = np.unique(of_row)
            remap = np.full(micro.n_clusters, -1)
            remap[used] = np.arange(len(used))
            of_row = remap[of_row]
            points = normalize(micro.cluster_centers_[used])
            point_weights = np.bincount(of_row, weights=np.asarray(weights, dtype=float), minlength=len(used))
        leaf_of_point = _cut(points, point_weights, split, cap, min_weight)
    labels = leaf_of_point[of_row]
    return _renumber(labels)


def _cut(points: np.ndarray, weights: np.ndarray, split: float, cap: int, min_weight: float) -> np.ndarray:
    n = len(points)
    if n == 1:
        return np.zeros(1, dtype=int)
    tree = linkage(points, method="ward")
    sums = np.zeros((2 * n - 1, points.shape[1]))
    sums[:n] = points * weights[:, None]
    mass = np.zeros(2 * n - 1)
    mass[:n] = weights
    for i, (a, b, _, _) in enumerate(tree):
        sums[n + i] = sums[int(a)] + sums[int(b)]
        mass[n + i] = mass[int(a)] + mass[int(b)]

    def height(node: int) -> float:
        return float(tree[node - n, 2]) if node >= n else 0.0

    def apart(a: int, b: int) -> float:
        na, nb = np.linalg.norm(sums[a]), np.linalg.norm(sums[b])
        return 1.0 - float(sums[a] @ sums[b] / (na * nb)) if na and nb else 1.0

    heap = [(-height(2 * n - 2), 2 * n - 2)]
    groups: list[int] = []
    light: list[int] = []
    while heap and len(heap) + len(groups) < cap:
        _, node = heapq.heappop(heap)
        if node < n:
            groups.append(node)
            continue
        a, b = int(tree[node - n, 0]), int(tree[node - n, 1])
        if mass[node] < 2 * min_weight or apart(a, b) < split:  # too light to hold two groups, or one group
            groups.append(node)
            continue
        for child in (a, b):
            if mass[child] < min_weight and mass[child] < mass[node] - mass[child]:
                light.append(child)  # outliers: peeled off, not a group, not counted toward the cap
            else:
                heapq.heappush(heap, (-height(child), child))
    groups += [node for _, node in sorted(heap, key=lambda item: item[1])]
    labels = np.full(n, -1)
    for k, node in enumerate(groups):
        labels[_leaves(tree, node, n)] = k
    return labels


def _leaves(tree: np.ndarray, node: int, n: int) -> list[int]:
    stack, out = [node], []
    while stack:
        x = stack.pop()
        if x < n:
            out.append(x)
        else:
            stack += [int(tree[x - n, 0]), int(tree[x - n, 1])]
    return out


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Number groups 0, 1, ... in order of their first row (-1 stays -1), so numbering depends only on row order."""
    out = np.full(len(labels), -1)
    keep = labels >= 0
    if keep.any():
        _, first, inverse = np.unique(labels[keep], return_index=True, return_inverse=True)
        rank = np.argsort(np.argsort(first))
        out[keep] = rank[inverse]
    return out
