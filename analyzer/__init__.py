"""Multilingual complaint and feedback analyzer.

The library entry point is :func:`analyze`; it returns a :class:`Result`
holding the output tables as pandas DataFrames. Heavy dependencies (spaCy,
lingua) load on first use, so ``analyze --help`` stays fast.

Example:
    >>> import analyzer
    >>> result = analyzer.analyze("data/samples/comments.csv")  # doctest: +SKIP
    >>> result.comments[["comment_id", "lang", "text"]].head()  # doctest: +SKIP
    >>> run = analyzer.run_to_folder("data/samples/comments.csv", out_dir="analysis", force=True)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["AnalysisConfig", "ColumnChoice", "Result", "RunSummary", "analyze", "run_to_folder", "write_outputs", "__version__"]

_LAZY = {
    "AnalysisConfig": "analyzer.config",
    "ColumnChoice": "analyzer.config",
    "Result": "analyzer.result",
    "RunSummary": "analyzer.result",
    "analyze": "analyzer.pipeline",
    "run_to_folder": "analyzer.pipeline",
    "write_outputs": "analyzer.report.folder",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'analyzer' has no attribute {name!r}")
