"""What issue discovery works with besides the tables: its settings and memory (:class:`DiscoveryContext`) and its candidates."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from analyzer.issues.store import CatalogIssue
from analyzer.issues.vector_cache import cached_vectors

if TYPE_CHECKING:
    from analyzer.issues.store import Store

DEFAULT_MAX_ISSUES = 25
DEFAULT_MIN_SIZE = 3

Embedder = Callable[[list[tuple[str, str]]], np.ndarray]
"""Embeds ``(text, lang)`` pairs into rows of a matrix (see :func:`analyzer.issues.discover.e5_embedder`)."""
Lookup = Callable[[list[str]], Mapping[str, np.ndarray]]
"""Cache keys -> the vectors a state file holds for them (see :mod:`analyzer.issues.vector_cache`)."""
DEFAULT_EMBED_BUDGET = 3_000
E5_MODEL = "multilingual-e5-small-q4/query"


@dataclass
class Candidate:
    """An issue segments may join: a catalog issue (or a part split off one) or a new group."""

    issue_id: str  # the id segments are counted under (merged issues resolve to their target)
    fingerprint: dict[str, float]
    from_catalog: bool  # assigned first: catalog issues and the parts split off them
    split_from: str | None = None
    touchpoint: str = ""  # the issue's home touchpoint: its members' most frequent one when it was found
    centroid: np.ndarray | None = None  # mean e5 vector of its members, when found by meaning


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
        embed: a multilingual embedder (see :func:`analyzer.issues.discover.e5_embedder`); issues are then found by meaning,
            across languages.
        lookup: vectors cached in the state file, so only new texts are embedded.
        embed_model: the embedder's name, part of every cache key.
        embed_budget: at most this many texts without a cached vector are embedded; the rest are matched by their terms.
        ignore: words and names that never form or name an issue (the taxonomy's ``[issues] ignore``).
    """

    max_issues: int = DEFAULT_MAX_ISSUES
    min_size: int = DEFAULT_MIN_SIZE
    catalog: list[CatalogIssue] = field(default_factory=list)
    last_run: tuple[int, int, dict[str, int]] | None = None
    first_seen_runs: dict[str, str] = field(default_factory=dict)
    run_date: str | None = None
    embed: Embedder | None = None
    lookup: Lookup | None = None
    embed_model: str = E5_MODEL
    embed_budget: int = DEFAULT_EMBED_BUDGET
    ignore: tuple[str, ...] = ()

    @classmethod
    def from_store(cls, store: Store | None, *, max_issues: int, min_size: int, run_date: str | None,
                   embed: Embedder | None = None, embed_budget: int = DEFAULT_EMBED_BUDGET, ignore: tuple[str, ...] = ()) -> DiscoveryContext:
        """The context of a run against a state file (or none: a fresh catalog)."""
        if store is None:
            return cls(max_issues, min_size, run_date=run_date, embed=embed, embed_budget=embed_budget, ignore=ignore)
        return cls(max_issues, min_size, store.catalog(), store.last_run(), store.first_seen_runs(), run_date, embed,
                   lambda keys: cached_vectors(store.connection, keys), E5_MODEL, embed_budget, ignore)
