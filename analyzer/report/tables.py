"""Tables as files: CSV (UTF-8 with BOM), JSON Lines, Parquet and XLSX sheets, dates as text and formulas neutralised; issues as JSON.

Every CSV and XLSX cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return gets a leading apostrophe, so a spreadsheet shows it as
text instead of running it as a formula.

Example:
    >>> neutralize_formulas(pd.DataFrame({"t": ["=1+1", "ok"]}))["t"].tolist()
    ["'=1+1", 'ok']
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer import schema as S

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells (and column names) that a spreadsheet would run as a formula with an apostrophe.

    Example:
        >>> neutralize_formulas(pd.DataFrame({"t": ["@SUM(A1)", "-", "fine"]}))["t"].tolist()
        ["'@SUM(A1)", "'-", 'fine']
    """
    out = frame.copy()
    out.columns = [("'" + name) if isinstance(name, str) and name.startswith(FORMULA_START) else name for name in out.columns]
    for column in out.columns:
        if out[column].dtype == "string" or out[column].dtype == object:
            values = out[column].astype("string")
            risky = values.str.startswith(FORMULA_START).fillna(False)
            if risky.any():
                out[column] = values.where(~risky, "'" + values)
    return out


def issues_json(issues: pd.DataFrame) -> list[dict[str, Any]]:
    """The issues as JSON objects, list-valued columns as lists (what ``analyze export`` reads).

    Example:
        >>> issues_json(pd.DataFrame({"key_phrases": ["late; no call"], "examples": ["a\\nb"], "languages": ["en;ru"], "n_comments": [3]}))
        [{'key_phrases': ['late', 'no call'], 'examples': ['a', 'b'], 'languages': ['en', 'ru'], 'n_comments': 3}]
    """
    separators = {S.KEY_PHRASES: "; ", S.EXAMPLES: "\n", S.LANGUAGES: ";", S.TOUCHPOINTS: ";", S.COMMENT_IDS: ";"}
    records = json.loads(issues.to_json(orient="records", force_ascii=False))
    for record in records:
        for column, sep in separators.items():
            if column in record:
                record[column] = [part for part in (record[column] or "").split(sep) if part]
    return records


def dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as ISO text: dates alone when every value is midnight, else date and time."""
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
    neutralize_formulas(dates_as_text(frame)).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _write_jsonl(frame: pd.DataFrame, path: Path) -> None:
    dates_as_text(frame).to_json(path, orient="records", lines=True, force_ascii=False)


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


WRITERS: dict[str, tuple[str, Callable[[pd.DataFrame, Path], None]]] = {
    "csv": (".csv", write_csv),
    "jsonl": (".jsonl", _write_jsonl),
    "parquet": (".parquet", _write_parquet),
}


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """Write each table as a sheet of one workbook, dates as text and formulas neutralised."""
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        for name, frame in tables.items():
            neutralize_formulas(dates_as_text(frame)).to_excel(book, sheet_name=name, index=False)


def write_json(data: Any, path: Path) -> None:
    """Write JSON as UTF-8, indented, non-ASCII kept (dates and other objects as text)."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
