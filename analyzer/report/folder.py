"""Writing a run's outputs to a folder, all or nothing.

The folder is replaced as a whole (see :mod:`analyzer.io.atomic`): a reader sees
the previous outputs or the complete new ones, never half files. The tables
are written by :mod:`analyzer.report.tables`, the page by :mod:`analyzer.report.html`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analyzer import schema as S
from analyzer.errors import OutputError, OutputExists, UsageError
from analyzer.io.atomic import recover, write_folder
from analyzer.report.html import write_report
from analyzer.report.saved import load_run
from analyzer.report.tables import WRITERS, issues_json, write_json, write_xlsx
from analyzer.result import Result

FORMATS = ("csv", "parquet", "jsonl", "xlsx")


def output_tables(result: Result) -> dict[str, pd.DataFrame]:
    """The tables a run writes, in contract column order; ``raw_text`` is never among them.

    Example:
        >>> import analyzer
        >>> sorted(output_tables(analyzer.analyze(pd.DataFrame({"text": ["hello there"]}))))
        ['comments', 'issues', 'rejects', 'segments']
    """
    comments = result.comments[[c for c in S.COMMENT_OUTPUT if c in result.comments.columns]
                               + [c for c in result.comments.columns if c not in S.COMMENT_OUTPUT and c != S.RAW_TEXT]]
    issues = result.issues.reindex(columns=S.ISSUE_OUTPUT + [c for c in result.issues.columns if c not in S.ISSUE_OUTPUT])
    tables = {"comments": comments, "segments": result.segments, "rejects": result.rejects, "issues": issues}
    if result.nps is not None:
        tables["nps_drivers"] = result.nps.drivers
        tables["nps_rejects"] = result.nps.rejects()
    if result.tickets is not None:
        tables["tickets"] = result.tickets  # exported tickets followed up (analyzer.followup)
    return tables


def check_formats(formats: Iterable[str]) -> list[str]:
    """Return the formats to write (CSV first, always), or raise :class:`UsageError` naming unknown ones.

    Example:
        >>> check_formats(["xlsx", "csv"])
        ['csv', 'xlsx']
    """
    wanted = ["csv"] + [f for f in dict.fromkeys(formats) if f != "csv"]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise UsageError(f"--format: {', '.join(unknown)} not supported; accepted: {', '.join(FORMATS)}")
    return wanted


def ensure_writable(out_dir: Path, *, force: bool) -> None:
    """Raise unless ``out_dir`` can take a run's outputs: absent, empty, or ``force`` given (checked before a long run too).

    Raises:
        OutputExists: ``out_dir`` holds files and ``force`` is false.
        OutputError: ``out_dir`` is a file.
    """
    recover(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder; choose another place with --out")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise OutputExists(f"{out_dir}: already holds a previous run; pass --force to replace it or --out to write elsewhere")


def write_outputs(
    result: Result, out_dir: str | Path, *, formats: Iterable[str] = ("csv",), force: bool = False
) -> list[Path]:
    """Write the run's tables, ``summary.json`` and ``run.log`` into ``out_dir``, atomically.

    Args:
        result: what :func:`analyzer.analyze` returned.
        out_dir: the output folder; created if missing.
        formats: ``csv`` always, plus any of ``parquet``, ``jsonl``, ``xlsx``.
        force: replace a folder that holds a previous run.

    Returns:
        The paths written, inside ``out_dir``.

    Raises:
        OutputExists: ``out_dir`` holds files and ``force`` is false.
        UsageError: an unknown format was asked for.
    """
    out_dir = Path(out_dir)
    wanted = check_formats(formats)
    ensure_writable(out_dir, force=force)
    names = write_folder(out_dir, lambda folder: _write_all(result, folder, wanted))
    return [out_dir / name for name in names]


def _write_all(result: Result, folder: Path, formats: list[str]) -> list[str]:
    tables = output_tables(result)
    names: list[str] = []
    for fmt in formats:
        if fmt == "xlsx":
            write_xlsx(tables, folder / "analysis.xlsx")
            names.append("analysis.xlsx")
            continue
        suffix, writer = WRITERS[fmt]
        for name, frame in tables.items():
            writer(frame, folder / f"{name}{suffix}")
            names.append(f"{name}{suffix}")
    write_json(issues_json(tables["issues"]), folder / "issues.json")
    names += ["issues.json", "report.html"]
    if result.nps is not None:
        write_json(result.nps.to_json(), folder / "nps.json")
        names.append("nps.json")
    names += ["summary.json", "run.log"]
    write_json({**result.summary.to_dict(), "outputs": names}, folder / "summary.json")
    (folder / "run.log").write_text("\n".join(result.log) + "\n", encoding="utf-8")
    # The page is built from the files just written, exactly as `analyze report FOLDER` rebuilds it later.
    write_report(load_run(folder), folder / "report.html")
    return names
