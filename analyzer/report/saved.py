"""A run's saved outputs read back: what the report page, the digest and the workbook are built from.

The page written during a run and the one ``analyze report OUTDIR`` rebuilds
later come from the same files (``summary.json``, ``nps.json``, the CSV
tables), so they are the same page. CSV cells that the writer protected from
spreadsheet formulas (a leading apostrophe) are read back as they were.

Example:
    >>> import tempfile, analyzer, pandas as pd
    >>> from analyzer.report.folder import write_outputs
    >>> folder = Path(tempfile.mkdtemp()) / "out"
    >>> _ = write_outputs(analyzer.analyze(pd.DataFrame({"text": ["=1+1 the courier was late"]})), folder)
    >>> run = load_run(folder)
    >>> run.comments["text"].tolist(), run.summary["counts"]["rows_read"]
    (['=1+1 the courier was late'], 1)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer import schema as S
from analyzer.errors import UsageError
from analyzer.report.tables import FORMULA_START

_CONTRACT = {"comments": S.COMMENT_COLUMNS, "segments": S.SEGMENT_COLUMNS, "issues": S.ISSUE_COLUMNS, "rejects": S.REJECT_COLUMNS}


@dataclass
class SavedRun:
    """The outputs of one run: its summary and NPS report as dicts, its tables as frames (``None`` when the run had none)."""

    folder: Path
    summary: dict[str, Any]
    nps: dict[str, Any] | None
    comments: pd.DataFrame
    segments: pd.DataFrame
    issues: pd.DataFrame
    rejects: pd.DataFrame
    drivers: pd.DataFrame | None
    tickets: pd.DataFrame | None

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table, by output name, in the order a run writes them."""
        named = {"comments": self.comments, "segments": self.segments, "rejects": self.rejects, "issues": self.issues,
                 "nps_drivers": self.drivers, "tickets": self.tickets}
        return {name: frame for name, frame in named.items() if frame is not None}


def load_run(folder: str | Path) -> SavedRun:
    """Read the outputs in ``folder`` (written by ``analyze FILE --out FOLDER``).

    Raises:
        UsageError: the folder or one of the files a run always writes is missing, or a file is not what a run writes.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder; give the --out folder of a finished run")
    summary = _json(folder / "summary.json", folder)
    nps_path = folder / "nps.json"
    nps = _json(nps_path, folder) if nps_path.exists() else None
    tables = {name: _table(folder / f"{name}.csv", folder, columns) for name, columns in _CONTRACT.items()}
    optional = {name: _table(folder / f"{name}.csv", folder, ()) if (folder / f"{name}.csv").exists() else None for name in ("nps_drivers", "tickets")}
    return SavedRun(folder, summary, nps, tables["comments"], tables["segments"], tables["issues"], tables["rejects"],
                    optional["nps_drivers"], optional["tickets"])


def _json(path: Path, folder: Path) -> dict[str, Any]:
    if not path.exists():
        raise UsageError(f"{folder}: no {path.name}; give the --out folder of a finished run (analyze FILE --out FOLDER)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path}: not the JSON a run writes ({error}); run the analysis again to rewrite it") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: not the JSON object a run writes; run the analysis again to rewrite it")
    return data


def _table(path: Path, folder: Path, columns: tuple[S.Column, ...]) -> pd.DataFrame:
    if not path.exists():
        raise UsageError(f"{folder}: no {path.name}; give the --out folder of a finished run (analyze FILE --out FOLDER)")
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype="string", keep_default_na=False, na_values=[""])
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise UsageError(f"{path}: not a CSV table a run writes ({error}); run the analysis again to rewrite it") from None
    frame.columns = [_unprotect(str(c)) for c in frame.columns]
    for column in frame.columns:
        values = frame[column]
        guarded = values.str.startswith("'").fillna(False) & values.str[1:2].isin(FORMULA_START).fillna(False)
        if guarded.any():  # only the cells the writer guarded: a vector test, not a call per cell
            frame.loc[guarded, column] = values[guarded].str[1:]
    dtypes = {c.name: c.dtype for c in columns}
    for column in frame.columns:
        frame[column] = _typed(frame[column], dtypes.get(column))
    return frame


def _unprotect(value: str) -> str:
    """Undo the writer's formula guard: ``'=1+1`` was ``=1+1``."""
    return value[1:] if value[:1] == "'" and value[1:2] and value[1:2] in FORMULA_START else value


def _typed(values: pd.Series, dtype: str | None) -> pd.Series:
    """A text column in its contract type; columns outside the contract become numbers or booleans when every value is one."""
    if dtype in ("int64", "Int64"):
        return pd.to_numeric(values, errors="coerce").astype("Int64")
    if dtype == "float64":
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if dtype and dtype.startswith("datetime64"):
        return pd.to_datetime(values, errors="coerce")
    if dtype is not None:
        return values
    present = values.dropna()
    if len(present) and present.isin(["True", "False"]).all():
        return values.map({"True": True, "False": False}).astype("boolean")
    numbers = pd.to_numeric(present, errors="coerce")
    if len(present) and numbers.notna().all():
        return pd.to_numeric(values, errors="coerce").astype("float64")
    return values
