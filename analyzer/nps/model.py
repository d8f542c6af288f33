"""The driver model: a logistic regression of detractor status on every driver indicator at once, with fallbacks.

One model over all issue indicators (a second one over touchpoints, see
:func:`analyzer.nps.drivers.drivers`), so overlapping issues are not double
counted; Wald p-values. Drivers the model cannot estimate (separation,
collinearity, estimates running off to infinity) are tested alone with
Fisher's exact test and say so in their note. The fit runs on grouped data
(one row per distinct mention pattern), so its cost does not grow with the
number of respondents.

Example:
    >>> from scipy import sparse
    >>> M = sparse.csr_matrix(np.array([[1, 0], [1, 0], [0, 1], [0, 0]] * 25, dtype=float))
    >>> is_d = np.array([True, False, False, False] * 25)
    >>> coef, p, notes = driver_model(M, is_d, ["late", "rude"])
    >>> notes[1]
    "none of its mentioners are detractors, so the model cannot estimate it; tested alone (Fisher's exact test)"
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import sparse, stats

MAX_COEF = 15.0
"""A log-odds beyond this means (quasi-)separation, not an estimate."""


def driver_model(M: sparse.csr_matrix, is_d: np.ndarray, titles: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Logistic regression of detractor status on all indicators at once, on grouped (pattern) data.

    Columns that no model can estimate are tested alone with Fisher's exact test and say so in their note:
    a driver whose mentioners are all or none detractors (separation), and a driver that is a linear
    combination of others (e.g. always mentioned together with another). If the fit itself fails, every
    column falls back to Fisher's test.
    """
    n, k = M.shape
    dense = M.toarray().astype(bool)
    first, inverse = _row_groups(dense)
    patterns = dense[first].astype(np.float64)
    total = np.bincount(inverse, minlength=len(first)).astype(np.float64)
    detractors = np.bincount(inverse, weights=is_d.astype(np.float64), minlength=len(first))
    m = dense.sum(axis=0)
    d_with = (dense & is_d[:, None]).sum(axis=0)
    n_d = int(is_d.sum())

    def fisher(j: int) -> float:
        a, b = int(d_with[j]), int(m[j] - d_with[j])
        c, d = n_d - a, (n - n_d) - b
        return float(stats.fisher_exact([[a, b], [c, d]])[1])

    coef = np.full(k, np.nan)
    p_value = np.full(k, np.nan)
    notes = [""] * k
    separated = [j for j in range(k) if d_with[j] == 0 or d_with[j] == m[j]]
    for j in separated:
        who = "none" if d_with[j] == 0 else "all"
        notes[j] = f"{who} of its mentioners are detractors, so the model cannot estimate it; tested alone (Fisher's exact test)"
    candidates = [j for j in np.argsort(-m, kind="stable") if j not in set(separated)]
    kept, dependent = _independent_columns(patterns, total, candidates)
    for j, other in dependent.items():
        notes[j] = f"moves together with {titles[other]} (collinear), so the model cannot tell them apart; tested alone (Fisher's exact test)"
    kept = sorted(kept)
    unstable = "the model's estimate runs off to infinity (quasi-separation with other drivers); tested alone (Fisher's exact test)"
    for _attempt in range(3):  # drop drivers whose estimate diverges, refit with the others
        if not kept or not 0 < n_d < n:
            break
        design = np.column_stack([np.ones(len(patterns)), patterns[:, kept]])
        try:
            params, pvalues = logit_fit(design, detractors, total)
        except ModelDiverged as exc:
            diverging = [j for j, b in zip(kept, exc.params[1:], strict=True) if not np.isfinite(b) or abs(b) > MAX_COEF / 2]
            if not diverging:
                diverging = list(kept)
            for j in diverging:
                notes[j] = unstable
            kept = [j for j in kept if j not in diverging]
            continue
        except np.linalg.LinAlgError as exc:
            for j in kept:
                notes[j] = f"the driver model could not be fitted ({exc}); tested alone (Fisher's exact test)"
            break
        for position, j in enumerate(kept, start=1):
            if np.isfinite(params[position]) and abs(params[position]) < MAX_COEF and np.isfinite(pvalues[position]):
                coef[j], p_value[j] = params[position], pvalues[position]
            else:
                notes[j] = unstable
        break
    for j in range(k):
        if np.isnan(p_value[j]):
            p_value[j] = fisher(j)
    return coef, p_value, notes


class ModelDiverged(ArithmeticError):
    """The logistic regression did not converge; ``params`` holds the last estimates (the diverging ones are large)."""

    def __init__(self, message: str, params: np.ndarray) -> None:
        super().__init__(message)
        self.params = params


def logit_fit(design: np.ndarray, successes: np.ndarray, totals: np.ndarray, *, max_iter: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression on grouped data (statsmodels' binomial GLM), with Wald p-values.

    Row i of ``design`` stands for ``totals[i]`` respondents of whom ``successes[i]`` are detractors; the
    estimates and standard errors are those of the ungrouped fit, at the cost of a (patterns x drivers) fit.

    Raises:
        ModelDiverged: separation or no convergence (estimates running off to infinity); it carries the last estimates.
        numpy.linalg.LinAlgError: the information matrix is singular (collinear columns).

    Example:
        >>> x = np.array([[1.0, 0.0], [1.0, 1.0]])
        >>> params, p = logit_fit(x, np.array([10.0, 30.0]), np.array([100.0, 100.0]))
        >>> params.round(3).tolist(), bool(p[1] < 0.001)
        ([-2.197, 1.35], True)
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise np.linalg.LinAlgError("the drivers are collinear")
    model = sm.GLM(np.column_stack([successes, totals - successes]), design, family=sm.families.Binomial())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = model.fit(maxiter=max_iter)
    params = np.asarray(result.params, dtype=float)
    # statsmodels' perfect-separation warning also fires on saturated grouped fits, which are fine: judge by the estimates
    if any(issubclass(w.category, ConvergenceWarning) for w in caught) or not np.all(np.isfinite(params)) or np.abs(params).max() > MAX_COEF / 2:
        raise ModelDiverged("the fit did not converge: estimates run off to infinity", params)
    return params, np.asarray(result.pvalues, dtype=float)


def _row_groups(dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group identical rows of a boolean matrix: the first row of each group and each row's group number.

    Example:
        >>> first, inverse = _row_groups(np.array([[1, 0], [0, 1], [1, 0]], dtype=bool))
        >>> sorted(first.tolist()), inverse[0] == inverse[2] != inverse[1]
        ([0, 1], np.True_)
    """
    packed = np.packbits(dense, axis=1)
    width = -(-packed.shape[1] // 8) * 8 if packed.shape[1] else 8
    padded = np.zeros((len(dense), width), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    words = padded.view(np.uint64)
    if words.shape[1] == 1:
        _, inverse = np.unique(words[:, 0], return_inverse=True)
    else:
        inverse = pd.DataFrame(words).groupby(list(range(words.shape[1])), sort=True).ngroup().to_numpy()
    _, first = np.unique(inverse, return_index=True)
    return first, inverse.ravel()


def _independent_columns(patterns: np.ndarray, weights: np.ndarray, order: list[int]) -> tuple[list[int], dict[int, int]]:
    """Greedy pivoted Cholesky on the weighted Gram matrix (intercept first): keep columns that add a new direction.

    Returns the kept columns and, for each dropped one, the kept column it overlaps most.
    """
    design = np.column_stack([np.ones(len(patterns)), patterns])
    gram = design.T @ (design * weights[:, None])
    kept_positions = [0]
    factor = np.zeros((gram.shape[0], gram.shape[0]))
    factor[0, 0] = math.sqrt(gram[0, 0])
    kept: list[int] = []
    dependent: dict[int, int] = {}
    for j in order:
        col = j + 1
        solved = np.linalg.solve(factor[np.ix_(range(len(kept_positions)), range(len(kept_positions)))],
                                 gram[kept_positions, col]) if kept_positions else np.array([])
        residual = gram[col, col] - solved @ solved
        if gram[col, col] <= 0 or residual / gram[col, col] < 1e-9:
            overlaps = [gram[col, c + 1] / math.sqrt(gram[c + 1, c + 1]) for c in kept] or [0.0]
            dependent[j] = kept[int(np.argmax(overlaps))] if kept else j
            continue
        row = len(kept_positions)
        factor[row, :row] = solved
        factor[row, row] = math.sqrt(residual)
        kept_positions.append(col)
        kept.append(j)
    return kept, dependent
