"""Writing a run's outputs to a folder, all or nothing.

The folder is replaced as a whole (see :mod:`analyzer.io.atomic`): a reader sees
the previous outputs or the complete new ones, never half files.

Every CSV and XLSX cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return gets a leading apostrophe, so a spreadsheet shows it as
text instead of running it as a formula.

Example:
    >>> neutralize_formulas(pd.DataFrame({"t": ["=1+1", "ok"]}))["t"].tolist()
    ["'=1+1", 'ok']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer import schema as S
from analyzer.io.atomic import recover, write_folder
from analyzer.errors import OutputError, OutputExists, UsageError
from analyzer.pipeline import Result

FORMATS = ("csv", "parquet", "jsonl", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TABLES = ("comments", "segments", "rejects")


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells (and column names) that a spreadsheet would run as a formula with an apostrophe.

    Example:
        >>> neutralize_formulas(pd.DataFrame({"t": ["@SUM(A1)", "-", "fine"]}))["t"].tolist()
        ["'@SUM(A1)", "'-", 'fine']
    """
    out = frame.copy()
    out.columns = [("'" + name) if isinstance(name, str) and name.startswith(_FORMULA_START) else name for name in out.columns]
    for column in out.columns:
        if out[column].dtype == "string" or out[column].dtype == object:
            values = out[column].astype("string")
            risky = values.str.startswith(_FORMULA_START).fillna(False)
            if risky.any():
                out[column] = values.where(~risky, "'" + values)
    return out


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
    return tables


def issues_json(issues: pd.DataFrame) -> list[dict[str, Any]]:
    """The issues as JSON objects, list-valued columns as lists (what ``analyze export`` reads).

    Example:
        >>> issues_json(pd.DataFrame({"key_phrases": ["late; no call"], "examples": ["a\\nb"], "languages": ["en;ru"], "n_comments": [3]}))
        [{'key_phrases': ['late', 'no call'], 'examples': ['a', 'b'], 'languages': ['en', 'ru'], 'n_comments': 3}]
    """
    separators = {S.KEY_PHRASES: "; ", S.EXAMPLES: "\n", S.LANGUAGES: ";"}
    records = json.loads(issues.to_json(orient="records", force_ascii=False))
    for record in records:
        for column, sep in separators.items():
            if column in record:
                record[column] = [part for part in (record[column] or "").split(sep) if part]
    return records


def _dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            values = out[column]
            midnight = values.dropna().dt.normalize().eq(values.dropna()).all()
            out[column] = values.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%dT%H:%M:%S").astype("string")
    return out


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a table as UTF-8 CSV (with BOM) with dates as text and formulas neutralised.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "t.csv"
        >>> write_csv(pd.DataFrame({"t": ["=2+2"]}), path)
        >>> path.read_text(encoding="utf-8-sig").splitlines()
        ['t', "'=2+2"]
    """
    # UTF-8 with a BOM: Excel then shows Cyrillic, Greek and Persian correctly; pandas and our reader skip it.
    # CRLF line ends (RFC 4180): a bare CR inside a cell is then quoted, so no reader splits the row there.
    neutralize_formulas(_dates_as_text(frame)).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _write_jsonl(frame: pd.DataFrame, path: Path) -> None:
    _dates_as_text(frame).to_json(path, orient="records", lines=True, force_ascii=False)


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


WRITERS: dict[str, tuple[str, Callable[[pd.DataFrame, Path], None]]] = {
    "csv": (".csv", write_csv),
    "jsonl": (".jsonl", _write_jsonl),
    "parquet": (".parquet", _write_parquet),
}


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
            with pd.ExcelWriter(folder / "analysis.xlsx", engine="openpyxl") as book:
                for name, frame in tables.items():
                    neutralize_formulas(_dates_as_text(frame)).to_excel(book, sheet_name=name, index=False)
            names.append("analysis.xlsx")
            continue
        suffix, writer = WRITERS[fmt]
        for name, frame in tables.items():
            writer(frame, folder / f"{name}{suffix}")
            names.append(f"{name}{suffix}")
    (folder / "issues.json").write_text(json.dumps(issues_json(tables["issues"]), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    names.append("issues.json")
    from analyzer.report.html import render_report

    (folder / "report.html").write_text(render_report(result), encoding="utf-8")
    names.append("report.html")
    if result.nps is not None:
        (folder / "nps.json").write_text(json.dumps(result.nps.to_json(), ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
        names.append("nps.json")
    summary: dict[str, Any] = {**result.summary, "outputs": names + ["summary.json", "run.log"]}
    (folder / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    (folder / "run.log").write_text("\n".join(result.log) + "\n", encoding="utf-8")
    return names + ["summary.json", "run.log"]
