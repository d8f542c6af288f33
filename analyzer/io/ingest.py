"""Ingestion: from a file (or a DataFrame) to the comments table and the rejects table.

Whole-file problems raise an :class:`~analyzer.errors.InputError` with one
line of explanation. Row problems never stop the run: the row goes to the
rejects table with its original line, the column at fault and a reason that
repeats the bad value and says what is accepted. The invariant
``rows_read == len(comments) + len(rejects)`` always holds.

Example:
    >>> import pandas as pd
    >>> got = read_comments(pd.DataFrame({"comment": ["Courier was late", " "], "nps": ["3", "4"]}))
    >>> len(got.comments), len(got.rejects), got.rejects.loc[0, "reason"]
    (1, 1, 'comment is empty; a comment needs at least one non-space character')
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from analyzer import schema as S
from analyzer.config import AnalysisConfig
from analyzer.io.columns import ColumnMapping, map_columns
from analyzer.io.limits import DEFAULT_LIMITS, Limits
from analyzer.io.raw_table import RawTable, to_cell, unique_columns
from analyzer.io.readers import read_table
from analyzer.io.rejections import Problems, check_rejections
from analyzer.reporter import NullReporter, Reporter
from analyzer.text.normalize import normalize_text

Source = str | Path | BinaryIO | pd.DataFrame

_DATE_FORMATS = (
    "ISO8601", "%d.%m.%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y", "%m/%d/%Y", "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%y", "%d/%m/%y",
)
DATE_HELP = "accepted: 2026-05-31, 2026-05-31T14:05, 31.05.2026, 31/05/2026, 05/31/2026"
_SHOW_CHARS = 40
# Dates pandas can hold (nanoseconds since 1970 in 64 bits); "31.12.9999" placeholders fall outside.
_FIRST_DAY, _LAST_DAY = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")
# A rejected row keeps its cells for the user, but a cell longer than --max-chars only as a preview.
_PREVIEW_CHARS = 200


@dataclass
class Ingested:
    """What ingestion produced.

    Attributes:
        comments: one row per accepted record, columns ``comment_id, source_line, raw_text, date, channel, respondent_id, nps_score``.
        rejects: one row per refused record: ``line, column, reason`` and the record's original cells.
        mapping: which input column played which role.
        table: the raw table's metadata (format, encoding, checksum, notes); its rows are dropped to save memory.
        source: the input's name in messages.
    """

    comments: pd.DataFrame
    rejects: pd.DataFrame
    mapping: ColumnMapping
    table: RawTable
    source: str

    @property
    def rows_read(self) -> int:
        """Records read from the input (blank lines are not records)."""
        return len(self.comments) + len(self.rejects)


def read_comments(
    source: Source,
    config: AnalysisConfig | None = None,
    reporter: Reporter | None = None,
    *,
    name: str | None = None,
) -> Ingested:
    """Read comments from a path, stream or DataFrame, map columns and check every row.

    Args:
        source: a path, a binary stream (its ``name`` used in messages) or a DataFrame.
        config: run configuration (column choices, encoding, length limit).
        reporter: where decisions (detected encoding, guessed columns) are reported.
        name: the input's name in messages.

    Raises:
        InputError: the input as a whole cannot be used (see :mod:`analyzer.errors`), including every row
            rejected or a guessed column rejecting most rows (:func:`~analyzer.io.rejections.check_rejections`).

    Example:
        >>> import io
        >>> read_comments(io.BytesIO(b"text\\nhello there\\n"), name="x.csv").comments["raw_text"].tolist()
        ['hello there']
    """
    config = config or AnalysisConfig()
    reporter = reporter or NullReporter()
    if isinstance(source, pd.DataFrame):
        name = name or "<DataFrame>"
        table = table_from_frame(source)
    else:
        table = read_table(source, name=name, encoding=config.encoding, limits=limits_for(config))
        name = name or (str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "<stream>"))
    for note in table.notes:
        reporter.info(f"{name}: {note}")
    mapping = map_columns(table.columns, table.rows, config.columns, name)
    for line in mapping.describe():
        reporter.info(line)
    comments, rejects, problems = _check_rows(table, mapping, config)
    check_rejections(name, mapping, problems, rejects, table.n_read, config)
    if table.blank_lines:
        reporter.info(f"{name}: skipped {table.blank_lines} blank line(s)")
    if len(rejects):
        reporter.warn(f"{name}: {len(rejects)} of {table.n_read} row(s) rejected; see rejects.csv for lines and reasons")
    table.rows = []  # the cells now live in the two tables; keep only the metadata
    return Ingested(comments, rejects, mapping, table, name)


def limits_for(config: AnalysisConfig) -> Limits:
    """The reader's safety limits for a run: the defaults, with the input size from ``config.max_input_mb``.

    Example:
        >>> limits_for(AnalysisConfig()).max_bytes // 2**20
        256
    """
    return replace(DEFAULT_LIMITS, max_bytes=config.max_input_bytes)


def table_from_frame(frame: pd.DataFrame) -> RawTable:
    """Turn a caller's DataFrame into a raw table of strings; lines are record numbers from 1.

    Example:
        >>> table_from_frame(pd.DataFrame({"text": ["a"], "nps": [7.0]})).rows
        [['a', '7']]
    """
    notes: list[str] = []
    columns = unique_columns(list(frame.columns), notes)
    rows = [[to_cell(None if _is_missing(v) else v) for v in record] for record in frame.itertuples(index=False, name=None)]
    return RawTable(columns, rows, list(range(1, len(rows) + 1)), [], "dataframe", notes=notes)


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def show(value: str) -> str:
    """A cell as error messages quote it: on one line, cut to 40 characters."""
    value = value.replace("\n", " ")
    return value if len(value) <= _SHOW_CHARS else value[: _SHOW_CHARS - 1] + "…"


def _check_rows(table: RawTable, mapping: ColumnMapping, config: AnalysisConfig) -> tuple[pd.DataFrame, pd.DataFrame, Problems]:
    index = {column: i for i, column in enumerate(table.columns)}
    n = len(table.rows)
    problems: Problems = [[] for _ in range(n)]

    def cells(column: str | None) -> list[str | None]:
        if column is None:
            return [None] * n
        i = index[column]
        return [row[i] for row in table.rows]

    limit = config.max_field_chars
    for r, row in enumerate(table.rows):
        for column, value in zip(table.columns, row, strict=True):
            if value is not None and len(value) > limit:
                problems[r].append((column, "too_long", f"{column} has {len(value):,} characters; at most {limit:,} are accepted (--max-chars)"))

    texts = cells(mapping.text)
    for r, value in enumerate(texts):
        if value is None or not normalize_text(value):
            problems[r].append((mapping.text, "empty_text", "comment is empty; a comment needs at least one non-space character"))

    scores = _parse_scores(cells(mapping.nps), mapping.nps, problems)
    dates = _parse_dates(cells(mapping.date), mapping.date, problems)
    ids = _assign_ids(table, cells(mapping.id), mapping.id, problems)

    ok = [not p for p in problems]
    channel, respondent = cells(mapping.channel), cells(mapping.respondent)
    keep = [r for r in range(n) if ok[r]]
    comments = pd.DataFrame(
        {
            S.COMMENT_ID: pd.array([ids[r] for r in keep], dtype="string"),
            S.SOURCE_LINE: pd.array([table.lines[r] for r in keep], dtype="int64"),
            S.RAW_TEXT: pd.array([texts[r] for r in keep], dtype="string"),
            S.DATE: dates.iloc[keep].reset_index(drop=True) if len(keep) else pd.Series([], dtype="datetime64[ns]"),
            S.CHANNEL: pd.array([blank_to_none(channel[r]) for r in keep], dtype="string"),
            S.RESPONDENT_ID: pd.array([blank_to_none(respondent[r]) for r in keep], dtype="string"),
            S.NPS_SCORE: pd.array([scores[r] for r in keep], dtype="Int64"),
        }
    )
    return comments, table_rejects(table, problems, limit), problems


def table_rejects(table: RawTable, problems: list[list[tuple[str, str, str]]], limit: int = AnalysisConfig().max_field_chars) -> pd.DataFrame:
    """The rejects table of a read file: the reader's own rejects and every row with problems, in line order.

    ``problems[r]`` holds row r's ``(column, problem, reason)`` triples; the first names the column and problem.
    """
    rows = [(table.lines[r], found[0][0], found[0][1], "; ".join(reason for _, _, reason in found), table.rows[r])
            for r, found in enumerate(problems) if found]
    rows += [(line, "", kind, reason, cells) for line, kind, reason, cells in table.rejects]
    rows.sort(key=lambda item: item[0])
    return rejects_frame(rows, table.columns, limit)


def _cut(value: str | None, limit: int) -> str | None:
    """A cell over ``limit`` characters as a preview, so rejects.csv never holds a megabyte-long field.

    Example:
        >>> _cut("x" * 500, 300).endswith("x… (500 characters in all; cut)"), _cut("short", 300)
        (True, 'short')
    """
    if value is None or len(value) <= limit:
        return value
    return value[:_PREVIEW_CHARS] + f"… ({len(value):,} characters in all; cut)"


def rejects_frame(rows: list[tuple[int, str, str, str, list[str | None]]], columns: list[str],
                   limit: int = AnalysisConfig().max_field_chars) -> pd.DataFrame:
    """The rejects table: line, column, problem, reason, then each row's original cells (cut to ``limit`` characters)."""
    data: dict[str, list[object]] = {S.REJECT_LINE: [], S.REJECT_COLUMN: [], S.REJECT_PROBLEM: [], S.REJECT_REASON: []}
    # Original cells keep their input names; a name clashing with ours gets a prefix.
    original = [c if c not in data else f"input_{c}" for c in columns]
    for column in original:
        data[column] = []
    # Records that did not split into the header's columns keep their cells in one field.
    whole = "input_record"
    data[whole] = []
    for line, column, kind, reason, row_cells in rows:
        data[S.REJECT_LINE].append(line)
        data[S.REJECT_COLUMN].append(column)
        data[S.REJECT_PROBLEM].append(kind)
        data[S.REJECT_REASON].append(reason)
        fits = len(row_cells) == len(original)
        for i, name in enumerate(original):
            data[name].append(_cut(row_cells[i], limit) if fits else None)
        data[whole].append(None if fits else _cut(" | ".join(c or "" for c in row_cells), limit))
    frame = pd.DataFrame(data)
    frame[S.REJECT_LINE] = frame[S.REJECT_LINE].astype("int64")
    for column in frame.columns[1:]:
        frame[column] = frame[column].astype("string")
    if frame[whole].isna().all():
        frame = frame.drop(columns=whole)
    return frame


def blank_to_none(value: str | None) -> str | None:
    """The stripped cell, or None when it is missing or blank."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def _parse_scores(values: list[str | None], column: str | None, problems: list[list[tuple[str, str, str]]]) -> list[int | None]:
    scores: list[int | None] = []
    for r, raw in enumerate(values):
        value = blank_to_none(raw)
        if value is None or column is None:
            scores.append(None)
            continue
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            number = float("nan")
        if number != number or not number.is_integer() or not 0 <= number <= 10:
            what = "is not a whole number" if number != number or not number.is_integer() else "is outside 0-10"
            problems[r].append((column, "bad_nps", f"{column} '{show(value)}' {what}; accepted: whole numbers 0 to 10, or empty"))
            scores.append(None)
        else:
            scores.append(int(number))
    return scores


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse date strings, trying the formats that fit most of the column first; failures are NaT.

    Day-first and month-first layouts are told apart by which parses more of
    the column, so a file of ``31/05/2026`` dates reads day-first.

    Example:
        >>> parse_dates(pd.Series(["2026-05-31", "31.05.2026", "soon"])).dt.strftime("%Y-%m-%d").tolist()
        ['2026-05-31', '2026-05-31', nan]
    """
    return _parse_date_column(values)[0]


def _parse_date_column(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parsed dates (NaT where none fits) and where a value was a date outside the range pandas holds."""
    text = values.astype("string").str.strip()
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    out_of_range = pd.Series(False, index=values.index)
    todo = text.notna() & (text != "")
    if not todo.any():
        return result, out_of_range
    sample = text[todo].head(2000)

    def attempt(strings: pd.Series, fmt: str) -> pd.Series:
        parsed = pd.to_datetime(strings, format=fmt, errors="coerce", utc=True).dt.tz_convert(None)
        held = parsed.notna() & (parsed >= _FIRST_DAY) & (parsed <= _LAST_DAY)
        out_of_range.loc[parsed.index[parsed.notna() & ~held]] = True
        return parsed.where(held).astype("datetime64[ns]")

    ranked = sorted(_DATE_FORMATS, key=lambda fmt: -int(attempt(sample, fmt).notna().sum()))
    for fmt in ranked:
        if not todo.any():
            break
        parsed = attempt(text[todo], fmt)
        hit = parsed.notna()
        result.loc[parsed.index[hit]] = parsed[hit]
        todo.loc[parsed.index[hit]] = False
    return result, out_of_range & result.isna()


def _parse_dates(values: list[str | None], column: str | None, problems: list[list[tuple[str, str, str]]]) -> pd.Series:
    series = pd.Series(values, dtype="string")
    parsed, out_of_range = _parse_date_column(series)
    if column is not None:
        present = series.str.strip().fillna("") != ""
        for r in parsed.index[present & parsed.isna()]:
            what = (f"is outside the dates that can be analysed ({_FIRST_DAY.date()} to {_LAST_DAY.date()})" if out_of_range[r]
                    else "is not a date")
            problems[r].append((column, "bad_date", f"{column} '{show(str(series[r]))}' {what}; {DATE_HELP}"))
    return parsed


def _assign_ids(
    table: RawTable, given: list[str | None], column: str | None, problems: list[list[tuple[str, str, str]]]
) -> list[str]:
    """Keep given ids (refusing repeats) and make stable ones where there are none.

    A generated id hashes the record's cells, so it is the same for the same
    file and does not depend on row order; identical records get -2, -3, ...
    """
    ids: list[str] = []
    first_line: dict[str, int] = {}
    generated: Counter[str] = Counter()
    for r, raw in enumerate(given):
        value = blank_to_none(raw)
        if value is None:
            digest = hashlib.blake2b("\x1f".join(c or "" for c in table.rows[r]).encode("utf-8"), digest_size=6).hexdigest()
            generated[digest] += 1
            value = f"c{digest}" + (f"-{generated[digest]}" if generated[digest] > 1 else "")
        elif value in first_line:
            problems[r].append((column or "", "duplicate_id", f"{column} '{show(value)}' repeats the id on line {first_line[value]}; ids must be unique"))
        if value not in first_line:
            first_line[value] = table.lines[r]
        ids.append(value)
    return ids
