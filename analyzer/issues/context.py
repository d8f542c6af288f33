"""What issue discovery works with besides the tables: its settings and memory (:class:`DiscoveryContext`) and its candidates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from analyzer.issues.store import CatalogIssue

if TYPE_CHECKING:
    from analyzer.issues.store import Store

DEFAULT_MAX_ISSUES = 25
DEFAULT_MIN_SIZE = 3

Embedder = Callable[[list[tuple[str, str]]], np.ndarray]
"""Embeds ``(text, lang)`` pairs into rows of a matrix (see :func:`analyzer.issues.discover.e5_embedder`)."""


@dataclass
class Candidate:
    """An issue segments may join: a catalog issue (or a part split off one) or a new group."""

    issue_id: str  # the id segments are counted under (merged issues resolve to their target)
    fingerprint: dict[str, float]
    from_catalog: bool  # assigned first: catalog issues and the parts split off them
    split_from: str | None = None


@dataclass(frozen=True)
class DiscoveryContext:
    """What discovery needs besides the tables: the caps, the store's memory of earlier runs, the run date, an embedder.

    Attributes:
        max_issues: at most this many named issues per list (complaints, praise); the smallest go to "other".
        min_size: an issue needs at least this many distinct comments.
        catalog: the store's issues, so ids and titles persist; empty starts afresh.
        last_run: the store's previous run, for trends when there are no dates.
        first_seen_runs: issue id -> date of the first run it appeared in, for first_seen without dates.
        run_date: ISO date of this run (first/last seen when comments have no dates).
        embed: a multilingual embedder (see :func:`analyzer.issues.discover.e5_embedder`); groups are then found across languages.
    """

    max_issues: int = DEFAULT_MAX_ISSUES
    min_size: int = DEFAULT_MIN_SIZE
    catalog: list[CatalogIssue] = field(default_factory=list)
    last_run: tuple[int, int, dict[str, int]] | None = None
    first_seen_runs: dict[str, str] = field(default_factory=dict)
    run_date: str | None = None
    embed: Embedder | None = None

    @classmethod
    def from_store(cls, store: Store | None, *, max_issues: int, min_size: int, run_date: str | None,
                   embed: Embedder | None = None) -> DiscoveryContext:
        """The context of a run against a state file (or none: a fresh catalog)."""
        if store is None:
            return cls(max_issues, min_size, run_date=run_date, embed=embed)
        return cls(max_issues, min_size, store.catalog(), store.last_run(), store.first_seen_runs(), run_date, embed)
