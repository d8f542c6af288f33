"""NPS linkage: the score overall and per segment, what each issue costs in NPS points, and which issues drive detractors.

The modules, each importing only those above it in this list:

- :mod:`~analyzer.nps.tables`: the ``nps_rejects`` table shape, id lookups, JSON-ready rows.
- :mod:`~analyzer.nps.arithmetic`: the promoter / detractor rule (9-10 / 0-6), :class:`NpsValue`, the bands.
- :mod:`~analyzer.nps.answers`: reading a separate answers file (``--nps FILE``), every row checked.
- :mod:`~analyzer.nps.join`: joining the answers to the comments by respondent id, and the coverage.
- :mod:`~analyzer.nps.respondents`: comments grouped into respondents, the unit of NPS, and score conflicts.
- :mod:`~analyzer.nps.breakdowns`: NPS per segment and per period.
- :mod:`~analyzer.nps.model`: the logistic driver model and its Fisher's-test fallbacks.
- :mod:`~analyzer.nps.drivers`: each driver's impact with its interval, and its verdict.
- :mod:`~analyzer.nps.change`: the change between two periods, split per driver.
- :mod:`~analyzer.nps.trends`: NPS per period among mentioners of each touchpoint and of the largest issues.
- :mod:`~analyzer.nps.words`: the plain-language sentences.
- :mod:`~analyzer.nps.report`: :func:`nps_report` running all of it, :class:`NpsReport`, the terminal lines.

This package re-exports the names callers use, so ``from analyzer import nps as N`` then ``N.nps_report(...)`` works.

Example:
    >>> score = nps([10, 9, 8, 2])
    >>> score.nps, band(score.nps)
    (25.0, '10 to 45: customers know the brand, but it must become more customer-oriented')
"""

from analyzer.nps.answers import ANSWER_OPTIONS, Answers, read_answers
from analyzer.nps.arithmetic import (
    BANDS,
    DETRACTOR,
    DETRACTOR_MAX,
    PASSIVE,
    PROMOTER,
    PROMOTER_MIN,
    NpsValue,
    band,
    band_code,
    is_detractor,
    is_promoter,
    nps,
    nps_groups,
)
from analyzer.nps.breakdowns import BREAKDOWN_BY, breakdown, period_freq, periods
from analyzer.nps.change import PeriodChange, change
from analyzer.nps.drivers import BLANK_WHEN_SHORT, CORRECTIONS, DRIVER_COLUMNS, ISSUE, NOT_ENOUGH, TOUCHPOINT, VERDICTS, adjust_pvalues, drivers
from analyzer.nps.join import Coverage, Joined, join
from analyzer.nps.model import ModelDiverged, logit_fit
from analyzer.nps.report import NpsReport, nps_report, summary_lines, with_nps_impact
from analyzer.nps.respondents import CONFLICT, FROM_COMMENT, N_COMMENTS, SCORE_SOURCE, Respondents, respondents
from analyzer.nps.tables import CONFLICT_COLUMNS, REJECTS_COLUMNS
from analyzer.nps.words import change_text, top_drivers_text

__all__ = [
    "ANSWER_OPTIONS", "BANDS", "BLANK_WHEN_SHORT", "BREAKDOWN_BY", "CONFLICT", "CONFLICT_COLUMNS", "CORRECTIONS", "DETRACTOR", "DETRACTOR_MAX",
    "DRIVER_COLUMNS", "FROM_COMMENT", "ISSUE", "NOT_ENOUGH", "N_COMMENTS", "PASSIVE", "PROMOTER", "PROMOTER_MIN", "REJECTS_COLUMNS",
    "SCORE_SOURCE", "TOUCHPOINT", "VERDICTS",
    "Answers", "Coverage", "Joined", "ModelDiverged", "NpsReport", "NpsValue", "PeriodChange", "Respondents",
    "adjust_pvalues", "band", "band_code", "breakdown", "change", "change_text", "drivers", "is_detractor", "is_promoter", "join",
    "logit_fit", "nps", "nps_groups", "nps_report", "period_freq", "periods", "read_answers", "respondents", "summary_lines",
    "top_drivers_text", "with_nps_impact",
]
