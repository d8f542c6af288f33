"""NPS: answers and their join to comments, the arithmetic, breakdowns per period and segment, drivers, change between periods, plain-language lines."""

from analyzer.nps.report import *  # noqa: F403  (temporary facade until the split)
