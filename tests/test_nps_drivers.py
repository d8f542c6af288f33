"""Planted-signal tests of the driver analysis: planted drivers on top, intervals covering the planted impact, no false drivers.

The generator (tests/nps_synth.py) raises P(detractor) by a known amount for
respondents who mention a planted issue; the planted impact in NPS points
follows analytically (``nps_synth.planted_impact``). Seeds and sizes are fixed,
so the outcome is deterministic; the thresholds leave room for the sampling
noise the assertions are about (95% intervals, 5% family-wise error).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from analyzer import nps as N
from analyzer import schema as S
from tests import nps_synth

PLANTED = {"ISSUE-A": 0.25, "ISSUE-B": 0.15, "ISSUE-C": 0.2}
RATES = {"ISSUE-A": 0.15, "ISSUE-B": 0.2, "ISSUE-C": 0.08}
# ISSUE-S has no effect but is mentioned mostly by those who mention ISSUE-A: a per-issue reading double counts it.
SHADOWS = {"ISSUE-S": ("ISSUE-A", 0.6, 0.05)}
SEEDS = range(20)
NULL_SEEDS = range(40)


@pytest.fixture(scope="module")
def planted_runs() -> list[pd.DataFrame]:
    runs = []
    for seed in SEEDS:
        comments, issues = nps_synth.make(3000, PLANTED, rates=RATES, shadows=SHADOWS, seed=seed)
        got = N.drivers(N.respondents(comments), issues, n_boot=400, seed=seed)
        runs.append(got[got["driver_type"] == N.ISSUE].set_index("driver"))
    return runs


def test_nps_drivers_planted_effects_imply_these_impacts() -> None:
    assert [nps_synth.planted_impact(k, PLANTED, rate=RATES[k]) for k in PLANTED] == [-6.0, -4.8, -2.56]


def test_nps_drivers_planted_drivers_rank_on_top_with_the_right_sign(planted_runs: list[pd.DataFrame]) -> None:
    for got in planted_runs:
        top = got.sort_values("rank").index[:4]  # ranked by cost alone: the shadow issue, costly but without its own effect, may be among them
        assert set(top) >= set(PLANTED)
        assert (got.loc[list(PLANTED), "coef"] > 0).all()
        assert (got.loc[list(PLANTED), "impact"] < 0).all()
        assert (got.loc[list(PLANTED), "verdict"] == "driver of detractors").all()
        assert (got.loc[list(PLANTED), "detractor_lift"] > 1).all()


def test_nps_drivers_intervals_cover_the_planted_impact_in_most_seeds(planted_runs: list[pd.DataFrame]) -> None:
    covered = 0
    for got in planted_runs:
        for issue in PLANTED:
            truth = nps_synth.planted_impact(issue, PLANTED, rate=RATES[issue])
            covered += got.loc[issue, "ci_low"] <= truth <= got.loc[issue, "ci_high"]
    total = len(planted_runs) * len(PLANTED)
    assert covered >= 0.85 * total, f"{covered} of {total} intervals cover the planted impact"


def test_nps_drivers_estimates_are_centred_on_the_planted_impact(planted_runs: list[pd.DataFrame]) -> None:
    for issue in PLANTED:
        mean = np.mean([got.loc[issue, "impact"] for got in planted_runs])
        assert mean == pytest.approx(nps_synth.planted_impact(issue, PLANTED, rate=RATES[issue]), abs=0.5)


def test_nps_drivers_overlapping_issue_is_not_double_counted(planted_runs: list[pd.DataFrame]) -> None:
    # Read alone, the shadow issue costs NPS points; the model gives the cost to the issue it overlaps.
    costs_alone = sum(got.loc["ISSUE-S", "ci_high"] < 0 for got in planted_runs)
    significant = sum(bool(got.loc["ISSUE-S", "significant"]) for got in planted_runs)
    assert costs_alone >= 0.8 * len(planted_runs)
    assert significant <= 2
    no_own = sum(got.loc["ISSUE-S", "verdict"] == "costs NPS but no own effect once other drivers are counted" for got in planted_runs)
    assert no_own >= 0.8 * len(planted_runs) - significant


def test_nps_drivers_null_issues_are_rarely_significant(planted_runs: list[pd.DataFrame]) -> None:
    nulls = [name for name in planted_runs[0].index if name.startswith("ISSUE-N")]
    false = sum(int(got.loc[nulls, "significant"].sum()) for got in planted_runs)
    assert false <= 0.05 * len(nulls) * len(planted_runs)


def test_nps_drivers_no_planted_effect_gives_no_drivers_beyond_the_error_rate() -> None:
    runs_with_a_false_driver = 0
    tests = false_drivers = 0
    for seed in NULL_SEEDS:
        comments, issues = nps_synth.make(1500, {}, n_null=10, seed=1000 + seed)
        got = N.drivers(N.respondents(comments), issues, n_boot=0, min_mentions=30)
        tested = got["p_value"].notna()
        tests += int(tested.sum())
        false_drivers += int(got["significant"].sum())
        runs_with_a_false_driver += bool(got["significant"].any())
    # Holm keeps P(any false driver in a run) at 5%: about 2 of 40 runs; allow 4 for sampling noise.
    assert runs_with_a_false_driver <= 4, f"{runs_with_a_false_driver} of {len(NULL_SEEDS)} null runs reported a driver"
    assert false_drivers <= 0.05 * tests


def test_nps_drivers_uncorrected_p_values_are_uniform_under_the_null() -> None:
    p_values = []
    for seed in range(15):
        comments, issues = nps_synth.make(1500, {}, n_null=10, seed=2000 + seed)
        got = N.drivers(N.respondents(comments), issues, n_boot=0)
        p_values += got["p_value"].dropna().tolist()
    share = np.mean(np.array(p_values) < 0.05)
    assert 0.01 <= share <= 0.10, f"{share:.3f} of null p-values below 0.05"


def test_nps_drivers_praise_gets_a_negative_sign() -> None:
    comments, issues = nps_synth.make(3000, {"ISSUE-A": 0.25, "ISSUE-P": -0.1}, rates={"ISSUE-P": 0.25}, seed=3)
    got = N.drivers(N.respondents(comments), issues, n_boot=200, include_praise=True).set_index("driver")
    assert got.loc["ISSUE-P", "coef"] < 0 and got.loc["ISSUE-P", "impact"] > 0
    assert got.loc["ISSUE-P", "verdict"] == "linked to fewer detractors"
    assert "ISSUE-P" not in N.drivers(N.respondents(comments), issues, n_boot=0)["driver"].tolist()


# -- the model itself ------------------------------------------------------------------------


def test_nps_drivers_logit_matches_statsmodels() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(0)
    x = (rng.random((2000, 4)) < [0.1, 0.2, 0.3, 0.15]).astype(float)
    y = (rng.random(2000) < 1 / (1 + np.exp(-(-1.5 + x @ [1.0, 0.5, 0.0, -0.7])))).astype(float)
    design = np.column_stack([np.ones(len(x)), x])
    ours, p_ours = N.logit_fit(design, y, np.ones(len(y)))
    theirs = sm.Logit(y, design).fit(disp=0)
    assert np.allclose(ours, theirs.params, atol=1e-6)
    assert np.allclose(p_ours, theirs.pvalues, rtol=1e-4, atol=1e-12)


def test_nps_drivers_perfect_separation_falls_back_to_fishers_test() -> None:
    scores = [0] * 40 + [10] * 100 + [5] * 30 + [9] * 30
    issues = [{"always_bad"}] * 40 + [set()] * 100 + [{"mixed"}] * 30 + [{"mixed"}] * 30
    resp = pd.DataFrame({S.NPS_SCORE: pd.array(scores, dtype="Int64"), S.ISSUE_IDS: [frozenset(s) for s in issues],
                         S.TOUCHPOINTS: [frozenset()] * len(scores)})
    got = N.drivers(resp, n_boot=100).set_index("driver")
    assert np.isnan(got.loc["always_bad", "coef"]) and got.loc["always_bad", "p_value"] < 1e-10
    assert got.loc["always_bad", "note"].startswith("all of its mentioners are detractors")
    assert got.loc["always_bad", "verdict"] == "driver of detractors"
    assert np.isfinite(got.loc["mixed", "coef"])


def test_nps_drivers_quasi_separation_drops_only_the_diverging_drivers() -> None:
    # "A only" are all detractors and "B only" all promoters: the model sends A to +inf and B to -inf together.
    rows = ([({"A"}, 0)] * 40 + [({"B"}, 10)] * 40 + [({"A", "B"}, 0)] * 10 + [({"A", "B"}, 10)] * 10 + [(set(), 0)] * 60
            + [(set(), 9)] * 140 + [({"C"}, 3)] * 20 + [({"C"}, 9)] * 30)
    resp = pd.DataFrame({S.NPS_SCORE: pd.array([r[1] for r in rows], dtype="Int64"), S.ISSUE_IDS: [frozenset(r[0]) for r in rows],
                         S.TOUCHPOINTS: [frozenset()] * len(rows)})
    got = N.drivers(resp, n_boot=100, min_mentions=10).set_index("driver")
    assert got.loc[["A", "B"], "note"].str.startswith("the model's estimate runs off to infinity").all()
    assert got.loc[["A", "B"], "coef"].isna().all() and got.loc[["A", "B"], "p_value"].notna().all()
    assert np.isfinite(got.loc["C", "coef"]) and got.loc["C", "note"] == ""


def test_nps_drivers_collinear_issues_are_named_not_crashed() -> None:
    comments, issues = nps_synth.make(1500, {"ISSUE-A": 0.3}, seed=4)
    twin = comments[S.ISSUE_IDS].str.replace("ISSUE-A", "ISSUE-A;ISSUE-TWIN", regex=False)
    comments = comments.assign(**{S.ISSUE_IDS: twin})
    got = N.drivers(N.respondents(comments), issues, n_boot=0).set_index("driver")
    pair = got.loc[["ISSUE-A", "ISSUE-TWIN"]]
    assert pair["coef"].notna().sum() == 1
    assert pair["note"].str.contains("moves together with").sum() == 1
    assert (pair["p_value"] < 1e-6).all()


@pytest.mark.slow
def test_nps_drivers_are_fast_on_100k_respondents_and_50_issues(request: pytest.FixtureRequest) -> None:
    if "slow" not in (request.config.option.markexpr or ""):
        pytest.skip("timing test; run with -m slow")
    comments, issues = nps_synth.make(100_000, {f"ISSUE-P{i}": 0.05 for i in range(5)}, n_null=45, seed=1)
    resp = N.respondents(comments)
    started = time.perf_counter()
    got = N.drivers(resp, issues, n_boot=1000)
    assert time.perf_counter() - started < 10
    assert len(got[got["driver_type"] == N.ISSUE]) == 50
