"""The NPS report of a run: overall score and band, periods, segments, drivers, change, rejects, and the terminal lines.

:func:`nps_report` runs every part (:mod:`analyzer.nps.respondents`,
:mod:`analyzer.nps.breakdowns`, :mod:`analyzer.nps.drivers`,
:mod:`analyzer.nps.change`) with one :class:`analyzer.config.NpsSettings`;
:class:`NpsReport` holds the results, writes ``nps.json`` and gathers the
``nps_rejects`` table.

Example:
    >>> comments = pd.DataFrame({
    ...     "comment_id": ["c1", "c2", "c3", "c4"], "respondent_id": ["A", "A", "B", None],
    ...     "nps_score": pd.array([2, 2, 9, 8], dtype="Int64"), "issue_ids": ["late", "", "", ""],
    ... })
    >>> report = nps_report(comments, settings=NpsSettings(n_boot=0))
    >>> report.overall, report.band
    (NpsValue(n=3, promoters=1, passives=1, detractors=1), 'below 10: customers do not value the company; much must change before they recommend it')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analyzer import schema as S
from analyzer.config import NpsSettings
from analyzer.nps.answers import Answers
from analyzer.nps.arithmetic import BANDS, NpsValue, band, band_code, nps
from analyzer.nps.breakdowns import breakdown, period_freq, periods
from analyzer.nps.change import PeriodChange, change
from analyzer.nps.drivers import ISSUE, drivers
from analyzer.nps.join import Coverage, Joined
from analyzer.nps.respondents import CONFLICT, FROM_COMMENT, Respondents, respondents
from analyzer.nps.tables import records, rejects_table
from analyzer.nps.trends import trends
from analyzer.nps.words import change_text, top_drivers_text
from analyzer.reporter import NullReporter, Reporter

__all__ = ["NpsReport", "nps_report", "summary_lines", "top_drivers_text", "with_nps_impact"]


@dataclass
class NpsReport:
    """Everything the NPS linkage produces for one run: ``nps.json`` from :meth:`to_json`, ``nps_drivers.csv`` from ``drivers``.

    Attributes:
        overall: the NPS over every respondent with a score.
        respondents: the respondent table and conflicts (and the join with an answers file).
        periods: NPS per period (:func:`analyzer.nps.breakdowns.periods`); empty without dates.
        freq: the period length used.
        breakdowns: ``channel``, ``language``, ``touchpoint``, ``issue`` -> :func:`analyzer.nps.breakdowns.breakdown` tables.
        drivers: :func:`analyzer.nps.drivers.drivers` table.
        change: the last two periods with answers compared (:func:`analyzer.nps.change.change`), ``None`` with fewer than two.
        parameters: the settings used (``min_mentions``, ``n_boot``, ``seed``, ``alpha``, ``correction``, ``include_praise``)
            and the period length ``freq``.
        trends: NPS per period among mentioners of each touchpoint and of the largest issues (:func:`analyzer.nps.trends.trends`).
    """

    overall: NpsValue
    respondents: Respondents
    periods: pd.DataFrame
    freq: str
    breakdowns: dict[str, pd.DataFrame]
    drivers: pd.DataFrame
    change: PeriodChange | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    trends: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def band(self) -> str:
        """The reading of the overall score (see :func:`analyzer.nps.arithmetic.band`)."""
        return band(self.overall.nps)

    @property
    def coverage(self) -> Coverage | None:
        """Join coverage with an answers file; ``None`` in same-file mode."""
        return self.respondents.joined.coverage if self.respondents.joined else None

    def to_json(self) -> dict[str, Any]:
        """The content of ``nps.json``: overall, band, counts, per period, change, breakdowns, top drivers, coverage.

        Example:
            >>> t = pd.DataFrame({"comment_id": ["1", "2"], "respondent_id": [None, None], "nps_score": pd.array([9, 3], dtype="Int64")})
            >>> j = nps_report(t, settings=NpsSettings(n_boot=0)).to_json()
            >>> j["overall"]["nps"], j["band"]["code"], j["respondents"]["scored"]
            (0.0, 'not_valued', 2)
        """
        table = self.respondents.table
        undated = int((table[S.NPS_SCORE].notna() & table[S.DATE].isna()).sum())
        return {
            "overall": self.overall.to_dict(),
            "band": {"code": band_code(self.overall.nps), "text": self.band},
            "bands": dict(BANDS),
            "respondents": {
                "total": len(table), "scored": self.overall.n, "unscored": int(table[S.NPS_SCORE].isna().sum()),
                "conflicts": int(table[CONFLICT].sum()), "from_comments_without_respondent_id": int(table[FROM_COMMENT].sum()),
            },
            "periods": {"freq": self.freq, "undated": undated, "rows": records(self.periods.drop(columns=["freq"], errors="ignore"))},
            "change": self.change.to_dict() if self.change else None,
            "change_text": change_text(self.change) if self.change else [],
            "breakdowns": {by: records(frame) for by, frame in self.breakdowns.items()},
            "top_drivers": top_drivers_text(self),
            "trends": records(self.trends),
            "coverage": self.coverage.to_dict() if self.coverage else None,
            "parameters": self.parameters,
        }

    def rejects(self) -> pd.DataFrame:
        """The ``nps_rejects`` table (:data:`analyzer.nps.tables.REJECTS_COLUMNS`): every NPS row problem, the file it is in first.

        Answers refused while reading (file: the answers file's name), comments that found no answer and score
        conflicts (file: ``comments``), in that order.
        """
        parts = []
        joined = self.respondents.joined
        if joined is not None:
            refused = joined.answers.rejects
            rcol = joined.answers.columns.get("respondent")
            if len(refused):  # the original cells hold the respondent id; a refused answer has no comment
                refused = refused.assign(**{S.RESPONDENT_ID: refused[rcol] if rcol in refused.columns else pd.NA, S.COMMENT_ID: pd.NA})
            parts += [(joined.answers.source, refused), ("comments", joined.unmatched)]
        parts.append(("comments", self.respondents.conflicts))
        return rejects_table(parts)


def nps_report(
    comments: pd.DataFrame,
    issues: pd.DataFrame | None = None,
    answers: Answers | Joined | None = None,
    settings: NpsSettings | None = None,
    reporter: Reporter | None = None,
) -> NpsReport:
    """Link comments (and an optional answers file) to NPS: overall, bands, periods, segments, drivers, change.

    Args:
        comments: the comments table after issue discovery (see :func:`analyzer.nps.respondents.respondents` for the columns used).
        issues: the issues table (``issue_id``, ``title``, ``kind``, ``touchpoint``).
        answers: a separate answers file read by :func:`analyzer.nps.answers.read_answers`, or its join.
        settings: how drivers are estimated and tested and the period length (see :class:`analyzer.config.NpsSettings`);
            ``min_mentions`` is also the segment size below which breakdowns carry a warning note. ``None``: the defaults.
        reporter: receives the overall score and warnings.
    """
    settings = settings or NpsSettings()
    reporter = reporter or NullReporter()
    resp = respondents(comments, answers, reporter=reporter)
    overall = nps(resp.table[S.NPS_SCORE])
    chosen = period_freq(resp, settings.period)
    per_period = periods(resp, chosen)
    breakdowns = {by: breakdown(resp, by, min_n=settings.min_mentions) for by in ("channel", "language", "touchpoint", "issue")}
    found = drivers(resp, issues, min_mentions=settings.min_mentions, n_boot=settings.n_boot, seed=settings.seed, alpha=settings.alpha,
                    correction=settings.correction, include_praise=settings.include_praise)
    moved = None
    if int((per_period["n"] > 0).sum()) >= 2:
        moved = change(resp, issues, freq=chosen, min_mentions=settings.min_mentions, include_praise=settings.include_praise)
    if overall.n:
        reporter.info(f"NPS {overall.nps:.1f} over {overall.n:,} respondent(s): {band(overall.nps)}")
    else:
        reporter.warn("no respondent has an NPS score; the NPS outputs are empty")
    parameters = {"min_mentions": settings.min_mentions, "n_boot": settings.n_boot, "seed": settings.seed, "alpha": settings.alpha,
                  "correction": settings.correction, "include_praise": settings.include_praise, "freq": chosen}
    followed = trends(resp, issues, freq=chosen, min_n=settings.min_mentions)
    return NpsReport(overall, resp, per_period, chosen, breakdowns, found, moved, parameters, followed)


def summary_lines(report: NpsReport, n: int = 5) -> list[str]:
    """The NPS part of the terminal summary: score, band, counts, coverage, "Why detractors?", change.

    Example:
        >>> t = pd.DataFrame({"comment_id": ["1", "2", "3"], "respondent_id": [None] * 3, "nps_score": pd.array([9, 8, 3], dtype="Int64")})
        >>> summary_lines(nps_report(t, settings=NpsSettings(n_boot=0)))[0].split(" - ")[0]
        'NPS 0.0 (3 respondents: 1 promoters 33%, 1 passives 33%, 1 detractors 33%)'
    """
    v = report.overall
    if v.n == 0:
        lines = ["NPS: no respondent has a score"]
    else:
        lines = [f"NPS {v.nps:.1f} ({v.n:,} respondents: {v.promoters:,} promoters {v.promoter_pct:.0f}%, {v.passives:,} passives "
                 f"{v.passive_pct:.0f}%, {v.detractors:,} detractors {v.detractor_pct:.0f}%) - {report.band}"]
    if report.coverage is not None:
        lines += report.coverage.describe()
    conflicts = int(report.respondents.table[CONFLICT].sum())
    if conflicts:
        lines.append(f"{conflicts:,} respondent(s) with conflicting scores left out of the NPS (see the NPS rejects)")
    lines.append("Why detractors?")
    lines += [f"  {line}" for line in top_drivers_text(report, n)]
    if report.change is not None:
        lines += change_text(report.change)
    return lines


def with_nps_impact(issues: pd.DataFrame, driver_table: pd.DataFrame) -> pd.DataFrame:
    """The issues table with ``nps_impact``, its interval, ``detractor_lift`` and ``nps_verdict`` from the driver table (empty when not known).

    Example:
        >>> i = pd.DataFrame({"issue_id": ["A", "B"]})
        >>> d = pd.DataFrame({"driver": ["A"], "driver_type": ["issue"], "impact": [-6.2], "ci_low": [-9.0], "ci_high": [-3.1], "detractor_lift": [2.5]})
        >>> with_nps_impact(i, d)[["issue_id", "nps_impact", "detractor_lift"]].values.tolist()
        [['A', -6.2, 2.5], ['B', nan, nan]]
        >>> d["verdict"] = ["driver of detractors"]
        >>> with_nps_impact(i, d)["nps_verdict"].tolist()
        ['driver of detractors', <NA>]
    """
    found = driver_table[driver_table["driver_type"] == ISSUE].set_index("driver")
    out = issues.copy()
    for column, source in ((S.NPS_IMPACT, "impact"), (S.NPS_IMPACT_LOW, "ci_low"), (S.NPS_IMPACT_HIGH, "ci_high"), (S.DETRACTOR_LIFT, "detractor_lift")):
        out[column] = out[S.ISSUE_ID].map(found[source]).astype("float64")
    verdicts = found["verdict"] if "verdict" in found.columns else pd.Series(dtype="string")
    out[S.NPS_VERDICT] = out[S.ISSUE_ID].map(verdicts).astype("string")
    return out
