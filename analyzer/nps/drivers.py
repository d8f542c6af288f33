"""NPS drivers: what each issue and touchpoint costs in NPS points, and whether it drives detractors once the others are counted.

- Impact of a driver = NPS of all respondents - NPS of those who do not
  mention it (negative when the driver lowers the NPS); "costs about X points"
  reads ``X = -impact``. 95% intervals are percentile bootstrap intervals over
  respondents (multinomial resampling, deterministic for a seed).
- Drivers with fewer than ``min_mentions`` mentioning respondents (or fewer than
  ``min_mentions`` not mentioning them) get the verdict :data:`NOT_ENOUGH` and keep only
  their mentions: no impact, no interval, no test (:data:`BLANK_WHEN_SHORT`).
- Issues and touchpoints share one ``rank``: enough data first, by what they cost.
- Driver model (:mod:`analyzer.nps.model`): a logistic regression of detractor
  status on all issue indicators at once (a second one on touchpoint
  indicators); significance after Holm's correction over every tested driver
  (family-wise error 5%) unless another correction is asked for.

Example:
    >>> t = pd.DataFrame({"nps_score": pd.array([0, 10, 9, 8], dtype="Int64"), "issue_ids": [frozenset({"late"})] + [frozenset()] * 3})
    >>> d = drivers(t, min_mentions=1, n_boot=0)  # NPS 25 overall, 66.7 without the one detractor who mentions "late"
    >>> d.loc[0, "driver"], int(d.loc[0, "mentions"]), round(float(d.loc[0, "impact"]), 1)
    ('late', 1, -41.7)
    >>> short = drivers(t, min_mentions=2, n_boot=0).loc[0]  # one mention is not enough
    >>> int(short["mentions"]), bool(pd.isna(short["impact"])), short["verdict"]
    (1, True, 'not enough data')
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from threadpoolctl import threadpool_limits

from analyzer import schema as S
from analyzer.errors import UsageError
from analyzer.nps.arithmetic import float_scores, is_detractor, is_promoter
from analyzer.nps.model import driver_model
from analyzer.nps.respondents import Respondents, table_of

ISSUE, TOUCHPOINT = "issue", "touchpoint"
CORRECTIONS = ("holm", "fdr_bh", "bonferroni")

# Verdicts, from the strongest reading to none.
DRIVES_DETRACTORS = "driver of detractors"
FEWER_DETRACTORS = "linked to fewer detractors"
MORE_DETRACTORS_COST_UNCLEAR = "more detractors once other drivers are counted, but its NPS cost is not clear"
FEWER_DETRACTORS_GAIN_UNCLEAR = "fewer detractors once other drivers are counted, but its NPS gain is not clear"
NO_OWN_EFFECT = "costs NPS but no own effect once other drivers are counted"
NO_OWN_GAIN = "goes with a higher NPS but no own effect once other drivers are counted"
NO_CLEAR_EFFECT = "no clear effect"
NOT_ESTIMABLE = "not estimable"
NOT_ENOUGH = "not enough data"
VERDICTS = (DRIVES_DETRACTORS, FEWER_DETRACTORS, MORE_DETRACTORS_COST_UNCLEAR, FEWER_DETRACTORS_GAIN_UNCLEAR, NO_OWN_EFFECT, NO_OWN_GAIN,
            NO_CLEAR_EFFECT, NOT_ESTIMABLE, NOT_ENOUGH)
"""Every value of the driver table's ``verdict`` column.

The verdict reads two figures together, and names only what both support: the driver model (is the driver
significant once the others are counted, and in which direction) and the leave-out impact's 95% interval
(does it exclude 0). "Driver of detractors" needs a significant positive coefficient *and* an interval wholly
below 0; a significant coefficient with an interval that includes 0 is "more detractors ..., but its NPS cost
is not clear"; an interval below 0 without a significant coefficient is "costs NPS but no own effect".
"""
BLANK_WHEN_SHORT = ("nps_with", "nps_without", "impact", "ci_low", "ci_high", "detractors_mentioning", "promoters_mentioning",
                    "detractor_share_with", "detractor_share_without", "detractor_lift", "coef", "p_value", "p_adjusted")
"""Figures a driver below ``min_mentions`` does not get: its row says "not enough data" and keeps only its mentions."""

DRIVER_COLUMNS = [
    "rank", "driver", "driver_type", "title", "touchpoint", "mentions", "nps_with", "nps_without", "impact", "ci_low", "ci_high",
    "detractors_mentioning", "promoters_mentioning", "detractor_share_with", "detractor_share_without", "detractor_lift",
    "coef", "p_value", "p_adjusted", "significant", "verdict", "note",
]


@dataclass
class DriverSet:
    """Driver names, types, titles and the sparse respondent x driver mention matrix."""

    names: list[str]
    types: list[str]
    titles: list[str]
    touchpoints: list[str]
    mentions: sparse.csr_matrix


def driver_matrix(table: pd.DataFrame, issues: pd.DataFrame | None, include_praise: bool) -> DriverSet:
    """Complaint issues (praise ones too when asked, unknown ids always) and touchpoints, as indicator columns."""
    seen_issues = sorted(set().union(*table[S.ISSUE_IDS])) if S.ISSUE_IDS in table.columns and len(table) else []
    seen_touchpoints = sorted(set().union(*table[S.TOUCHPOINTS])) if S.TOUCHPOINTS in table.columns and len(table) else []
    names, types, titles, tps = [], [], [], []
    known: dict[str, tuple[str, str, str]] = {}
    if issues is not None and len(issues):
        S.check_columns(issues, [S.ISSUE_ID], stage="nps drivers")
        for row in issues.itertuples(index=False):
            record = row._asdict()
            if record.get(S.ISSUE_STATUS) == "sub":  # sub-issues are parts of an issue, which is the driver
                continue
            issue_id = str(record[S.ISSUE_ID])
            known[issue_id] = (str(record.get("title") or issue_id), str(record.get("kind") or "complaint"), str(record.get(S.TOUCHPOINT) or ""))
    for issue_id in list(known) + [i for i in seen_issues if i not in known]:
        title, kind, touchpoint = known.get(issue_id, (issue_id, "complaint", ""))
        if kind == "praise" and not include_praise:
            continue
        names.append(issue_id)
        types.append(ISSUE)
        titles.append(title)
        tps.append(touchpoint)
    for touchpoint in seen_touchpoints:
        names.append(touchpoint)
        types.append(TOUCHPOINT)
        titles.append(touchpoint)
        tps.append(touchpoint)
    n = len(table)
    rows_list, cols_list = [], []
    for column, kind in ((S.ISSUE_IDS, ISSUE), (S.TOUCHPOINTS, TOUCHPOINT)):
        if column not in table.columns or not n:
            continue
        positions = [j for j, t in enumerate(types) if t == kind]
        sets = table[column].tolist()
        lengths = np.fromiter(map(len, sets), dtype=np.int64, count=n)
        flat = np.fromiter(itertools.chain.from_iterable(sets), dtype=object, count=int(lengths.sum()))
        found = pd.Index([names[j] for j in positions], dtype=object).get_indexer(flat)
        cols = np.where(found >= 0, np.asarray(positions + [-1], dtype=np.int64)[found], -1)
        rows = np.repeat(np.arange(n), lengths)
        keep = cols >= 0
        rows_list.append(rows[keep])
        cols_list.append(cols[keep])
    rows = np.concatenate(rows_list) if rows_list else np.array([], dtype=np.int64)
    cols = np.concatenate(cols_list) if cols_list else np.array([], dtype=np.int64)
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n, len(names)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return DriverSet(names, types, titles, tps, matrix)


def drivers(
    resp: Respondents | pd.DataFrame,
    issues: pd.DataFrame | None = None,
    *,
    min_mentions: int = 30,
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
    correction: str = "holm",
    include_praise: bool = False,
) -> pd.DataFrame:
    """What each issue and touchpoint costs in NPS points, and whether it drives detractors once the others are counted.

    Args:
        resp: respondents from :func:`analyzer.nps.respondents.respondents`; only those with a score count.
        issues: ``issue_id`` with ``title``, ``kind`` and ``touchpoint`` when known; complaint issues (and issue ids
            not in the table) are drivers, praise ones only with ``include_praise``. ``None`` uses the ids as titles.
        min_mentions: fewer mentioning (or non-mentioning) respondents than this gives "not enough data" and no interval.
        n_boot: bootstrap replicates for the 95% intervals (0 skips them).
        seed: makes the bootstrap deterministic.
        alpha: family-wise (``holm``, ``bonferroni``) or false-discovery (``fdr_bh``) rate for ``significant``.
        correction: the multiple-comparison rule over every tested driver.
        include_praise: add praise issues as drivers (their coefficient is usually negative).

    Returns:
        One row per driver (columns :data:`DRIVER_COLUMNS`): issues first, then touchpoints, each by ``rank``
        (significant drivers of detractors first, then by cost). ``impact`` = NPS of all - NPS without the
        mentioners (negative: the driver lowers the NPS); ``ci_low``/``ci_high`` its percentile bootstrap interval
        (widened to include the estimate in the rare case a skewed bootstrap distribution leaves it out);
        ``detractors_mentioning`` / ``promoters_mentioning`` the share of detractors / promoters who mention it;
        ``detractor_share_with`` / ``_without`` the share of detractors among those who do / do not mention it;
        ``detractor_lift`` = detractor share among mentioners / overall detractor share; ``coef`` the log-odds of
        being a detractor in the driver model, ``p_value`` its Wald p-value (Fisher's exact test when the model
        cannot estimate it, see ``note``), ``p_adjusted`` after the correction, ``verdict`` one of :data:`VERDICTS`.

    Example:
        >>> t = pd.DataFrame({"nps_score": pd.array([0, 2, 10, 9, 10, 8], dtype="Int64"),
        ...                   "issue_ids": [frozenset({"late"}), frozenset({"late"}), frozenset(), frozenset({"late"}), frozenset(), frozenset()]})
        >>> d = drivers(t, min_mentions=2, n_boot=200)
        >>> d.loc[0, "driver"], int(d.loc[0, "mentions"]), [round(float(d.loc[0, c]), 2) for c in ("nps_with", "nps_without", "impact")]
        ('late', 3, [-33.33, 66.67, -50.0])
        >>> bool(d.loc[0, "ci_low"] <= d.loc[0, "impact"] <= d.loc[0, "ci_high"]), float(d.loc[0, "detractors_mentioning"])
        (True, 1.0)
    """
    if min_mentions < 1:
        raise UsageError(f"NPS min mentions {min_mentions} is not allowed; give 1 or more")
    if n_boot < 0:
        raise UsageError(f"NPS bootstrap replicates {n_boot} is not allowed; give 0 (no intervals) or more")
    if correction not in CORRECTIONS:
        raise UsageError(f"NPS correction '{correction}' is not known; accepted: {', '.join(CORRECTIONS)}")
    if not 0 < alpha < 1:
        raise UsageError(f"NPS significance level {alpha} is not allowed; give a number between 0 and 1, e.g. 0.05")
    table = table_of(resp)
    scored = table[table[S.NPS_SCORE].notna()].reset_index(drop=True)
    found = driver_matrix(scored, issues, include_praise)
    scores = float_scores(scored[S.NPS_SCORE])
    is_p, is_d = is_promoter(scores), is_detractor(scores)
    n, n_p, n_d = len(scores), int(is_p.sum()), int(is_d.sum())
    M = found.mentions
    m = np.asarray(M.sum(axis=0)).ravel()
    p_with = M.T @ is_p.astype(float)
    d_with = M.T @ is_d.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        nps_all = 100 * (n_p - n_d) / n if n else np.nan
        nps_with = 100 * (p_with - d_with) / m
        nps_without = 100 * ((n_p - p_with) - (n_d - d_with)) / (n - m)
        impact = nps_all - nps_without
        share_with = d_with / m
        share_without = (n_d - d_with) / (n - m)
        lift = share_with / (n_d / n) if n_d else np.full(len(m), np.nan)
        d_mentioning = d_with / n_d if n_d else np.full(len(m), np.nan)
        p_mentioning = p_with / n_p if n_p else np.full(len(m), np.nan)
    enough = (m >= min_mentions) & (n - m >= min_mentions)
    notes = [_enough_note(int(mj), n, min_mentions) for mj in m]

    ci_low = np.full(len(m), np.nan)
    ci_high = np.full(len(m), np.nan)
    if n_boot and enough.any():
        columns = np.nonzero(enough)[0]
        low, high = _bootstrap(M[:, columns], is_p, is_d, n_boot, seed)
        ci_low[columns] = np.minimum(low, impact[columns])  # a percentile interval can miss a skewed point estimate
        ci_high[columns] = np.maximum(high, impact[columns])

    coef = np.full(len(m), np.nan)
    p_value = np.full(len(m), np.nan)
    # Tall, narrow products: one BLAS thread is as fast, and far faster when other work holds the cores.
    with threadpool_limits(limits=1, user_api="blas"):
        for kind in (ISSUE, TOUCHPOINT):
            columns = np.array([j for j, t in enumerate(found.types) if t == kind and enough[j]], dtype=np.int64)
            if len(columns):
                fit_coef, fit_p, fit_notes = driver_model(M[:, columns], is_d, [found.titles[j] for j in columns])
                coef[columns], p_value[columns] = fit_coef, fit_p
                for j, note in zip(columns, fit_notes, strict=True):
                    notes[j] = note
    p_adjusted = np.full(len(m), np.nan)
    tested = ~np.isnan(p_value)
    if tested.any():
        p_adjusted[tested] = adjust_pvalues(p_value[tested], correction)
    significant = tested & (np.nan_to_num(p_adjusted, nan=1.0) <= alpha)
    direction = np.where(np.isfinite(coef), np.sign(coef), np.sign(np.nan_to_num(lift, nan=1.0) - 1))
    verdict = []
    for j in range(len(m)):
        if not enough[j]:
            verdict.append(NOT_ENOUGH)
        elif not tested[j]:
            verdict.append(NOT_ESTIMABLE)
        else:
            verdict.append(_verdict(bool(significant[j]), direction[j], ci_low[j], ci_high[j]))
    frame = pd.DataFrame(
        {
            "driver": found.names, "driver_type": found.types, "title": found.titles, "touchpoint": found.touchpoints,
            "mentions": m.astype("int64"), "nps_with": nps_with, "nps_without": nps_without, "impact": impact,
            "ci_low": ci_low, "ci_high": ci_high, "detractors_mentioning": d_mentioning, "promoters_mentioning": p_mentioning,
            "detractor_share_with": share_with, "detractor_share_without": share_without, "detractor_lift": lift,
            "coef": coef, "p_value": p_value, "p_adjusted": p_adjusted, "significant": significant, "verdict": verdict, "note": notes,
        }
    )
    for column in ("nps_with", "nps_without", "impact", "detractors_mentioning", "promoters_mentioning", "detractor_share_with",
                   "detractor_share_without", "detractor_lift"):
        frame[column] = frame[column].astype("float64")
    short = ~enough
    frame.loc[short, list(BLANK_WHEN_SHORT)] = np.nan
    # One ranking over issues and touchpoints: drivers with enough data by what they cost, then the others by mentions.
    frame["_enough"] = enough
    frame["_cost"] = (-frame["impact"]).fillna(-np.inf)
    frame = frame.sort_values(["_enough", "_cost", "mentions", "driver"], ascending=[False, False, False, True], kind="stable")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame[DRIVER_COLUMNS].reset_index(drop=True)


def _verdict(significant: bool, direction: float, low: float, high: float) -> str:
    """The one reading the model's test and the impact interval both support (see :data:`VERDICTS`).

    Example:
        >>> _verdict(True, 1.0, -3.1, 2.6), _verdict(True, 1.0, -9.4, -5.6), _verdict(False, 1.0, -9.4, -5.6)
        ('more detractors once other drivers are counted, but its NPS cost is not clear', 'driver of detractors', \
'costs NPS but no own effect once other drivers are counted')
    """
    costs, gains = high < 0, low > 0  # NaN intervals (no bootstrap) compare False: nothing is claimed from them
    if significant and direction > 0:
        return DRIVES_DETRACTORS if costs else MORE_DETRACTORS_COST_UNCLEAR
    if significant:
        return FEWER_DETRACTORS if gains else FEWER_DETRACTORS_GAIN_UNCLEAR
    if costs:
        return NO_OWN_EFFECT
    if gains:
        return NO_OWN_GAIN
    return NO_CLEAR_EFFECT


def adjust_pvalues(p_values: np.ndarray, method: str = "holm") -> np.ndarray:
    """P-values adjusted for multiple comparisons: ``holm`` (step-down), ``bonferroni`` or ``fdr_bh`` (Benjamini-Hochberg).

    Compare the result with alpha: Holm and Bonferroni keep the chance of any false driver at alpha,
    Benjamini-Hochberg the expected share of false drivers among the significant ones.

    Example:
        >>> adjust_pvalues(np.array([0.01, 0.04, 0.03]), "holm").round(3).tolist()
        [0.03, 0.06, 0.06]
        >>> adjust_pvalues(np.array([0.01, 0.04, 0.03]), "fdr_bh").round(3).tolist()
        [0.03, 0.04, 0.04]
    """
    if method not in CORRECTIONS:
        raise UsageError(f"NPS correction '{method}' is not known; accepted: {', '.join(CORRECTIONS)}")
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p_values, dtype=float)
    return multipletests(p, method=method)[1] if len(p) else p.copy()


def _enough_note(mentions: int, n: int, min_mentions: int) -> str:
    if mentions < min_mentions:
        return f"{mentions} respondent(s) mention it; at least {min_mentions} needed"
    if n - mentions < min_mentions:
        return f"only {n - mentions} respondent(s) do not mention it; at least {min_mentions} needed"
    return ""


def _bootstrap(M: sparse.csr_matrix, is_p: np.ndarray, is_d: np.ndarray, n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Percentile 95% intervals of each driver's impact under resampling of respondents with replacement.

    A driver's impact depends only on six counts: respondents who do / do not mention it, times promoter /
    passive / detractor. Resampling n respondents makes those six counts multinomial with the observed shares,
    so drawing them directly gives exactly the bootstrap distribution of each driver's impact, at a cost that
    does not grow with the number of respondents. The intervals are per driver (not joint).
    """
    n, n_drivers = M.shape
    m = np.asarray(M.sum(axis=0)).ravel()
    pw, dw = M.T @ is_p.astype(float), M.T @ is_d.astype(float)
    total_p, total_d = float(is_p.sum()), float(is_d.sum())
    cells = np.column_stack([pw, m - pw - dw, dw, total_p - pw, (n - m) - (total_p - pw) - (total_d - dw), total_d - dw])
    probabilities = np.clip(cells, 0, None) / n
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, probabilities, size=(n_boot, n_drivers)).astype(np.float64)
    promoters, detractors = draws[..., 0] + draws[..., 3], draws[..., 2] + draws[..., 5]
    without = draws[..., 3:].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        impacts = 100 * (promoters - detractors) / n - 100 * (draws[..., 3] - draws[..., 5]) / without
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (nobody left without the driver) stay NaN
        low, high = np.nanpercentile(impacts, [2.5, 97.5], axis=0)
    return low, high
