"""Reading labeled data for training and evaluation.

One row per comment or sentence: the text plus ``labels``, a ``;``-separated
list of ``touchpoint:sentiment`` pairs split at the LAST colon (names may hold
``/``, ``#`` or ``:``), e.g. ``anecdotes/miscellaneous:neutral;food:positive``.
An empty ``labels`` cell means the row has no touchpoint. A file with only an
overall ``sentiment`` column trains the sentiment model alone. Files are read
by the same readers as comments (every format and encoding), and bad rows are
returned with their line and reason, never dropped silently.

Example:
    >>> parse_labels("anecdotes/miscellaneous:neutral; food:positive")
    [('anecdotes/miscellaneous', 'neutral'), ('food', 'positive')]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from analyzer.config import DEFAULT_PHONE_REGIONS, ColumnChoice
from analyzer.errors import InputError
from analyzer.io.columns import map_columns
from analyzer.io.ingest import table_from_frame
from analyzer.io.readers import Limits, read_table
from analyzer.text.normalize import normalize_text
from analyzer.text.redact import Redactor

Pair = tuple[str, str]
_LABEL_COLUMNS = ("labels", "label", "aspects", "categories")
_SENTIMENT_COLUMNS = ("sentiment", "polarity", "overall_sentiment")
_LANG_COLUMNS = ("lang", "language")


class LabelFormatError(ValueError):
    """A ``labels`` cell is not a ``;``-separated list of ``touchpoint:sentiment`` pairs."""


@dataclass
class LabeledSet:
    """Rows of labeled text, ready for training or evaluation.

    Attributes:
        texts: normalised texts, one per usable row.
        pairs: per row, its ``(touchpoint, sentiment)`` pairs in file order; empty for no touchpoint.
            ``None`` for every row when the file has no labels column.
        sentiments: per row, the overall sentiment when the file has a sentiment column, else ``None``.
        langs: per row, the language given in the file (``lang`` column) or ``None``.
        lines: per row, its line in the file.
        rejects: ``(line, reason)`` for every row that could not be used.
        source: the file's name.
        checksum: SHA-256 of the file's bytes.
        rows_read: records read from the file.
    """

    texts: list[str]
    pairs: list[list[Pair]] | None
    sentiments: list[str] | None
    langs: list[str | None]
    lines: list[int]
    rejects: list[tuple[int, str]] = field(default_factory=list)
    source: str = ""
    checksum: str = ""
    rows_read: int = 0

    @property
    def touchpoints(self) -> list[str]:
        """Every touchpoint named in the labels, sorted.

        Example:
            >>> LabeledSet(["a"], [[("food", "positive")]], None, [None], [2]).touchpoints
            ['food']
        """
        return sorted({tp for row in self.pairs or [] for tp, _ in row})

    @property
    def sentiment_labels(self) -> list[str]:
        """Every sentiment label used, from pairs or the sentiment column, sorted.

        Example:
            >>> LabeledSet(["a"], [[("food", "positive")]], None, [None], [2]).sentiment_labels
            ['positive']
        """
        found = {s for row in self.pairs or [] for _, s in row} | set(self.sentiments or [])
        return sorted(s for s in found if s)

    def subset(self, rows: list[int]) -> LabeledSet:
        """The same data restricted to ``rows`` (positions in ``texts``), for cross-validation folds.

        Example:
            >>> LabeledSet(["a", "b"], [[], [("x", "positive")]], None, [None, None], [2, 3]).subset([1]).texts
            ['b']
        """
        return LabeledSet(
            texts=[self.texts[i] for i in rows],
            pairs=[self.pairs[i] for i in rows] if self.pairs is not None else None,
            sentiments=[self.sentiments[i] for i in rows] if self.sentiments is not None else None,
            langs=[self.langs[i] for i in rows],
            lines=[self.lines[i] for i in rows],
            rejects=[],
            source=self.source,
            checksum=self.checksum,
            rows_read=len(rows),
        )

    def counts(self) -> dict[str, int]:
        """Pairs per ``touchpoint:sentiment``, for reports and the model card.

        Example:
            >>> LabeledSet(["a"], [[("food", "positive")]], None, [None], [2]).counts()
            {'food:positive': 1}
        """
        counter: Counter[str] = Counter(f"{tp}:{s}" for row in self.pairs or [] for tp, s in row)
        if self.pairs is None and self.sentiments:
            counter.update(self.sentiments)
        return dict(sorted(counter.items()))


def parse_labels(cell: str | None) -> list[Pair]:
    """Split a labels cell into ``(touchpoint, sentiment)`` pairs at the last colon of each pair.

    Duplicated pairs are kept once; a touchpoint may appear twice with different
    sentiments (SemEval-2016 does this).

    Raises:
        LabelFormatError: a pair has no colon, or an empty name or sentiment.

    Example:
        >>> parse_labels("food#quality:positive;service:negative")
        [('food#quality', 'positive'), ('service', 'negative')]
        >>> parse_labels("")
        []
    """
    if cell is None or not cell.strip():
        return []
    pairs: dict[Pair, None] = {}  # ordered and de-duplicated in linear time, however many pairs a cell holds
    for raw in cell.split(";"):
        part = raw.strip()
        if not part:
            continue
        name, colon, sentiment = part.rpartition(":")
        name, sentiment = name.strip(), sentiment.strip().lower()
        if not colon or not name or not sentiment:
            shown = " ".join(part.split())
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            raise LabelFormatError(f"'{shown}' is not touchpoint:sentiment")
        pairs[(name, sentiment)] = None
    return list(pairs)


def format_labels(pairs: list[Pair]) -> str:
    """The inverse of :func:`parse_labels`.

    Example:
        >>> format_labels([("logistics", "negative"), ("support", "positive")])
        'logistics:negative;support:positive'
    """
    return ";".join(f"{tp}:{s}" for tp, s in pairs)


def _find(columns: list[str], names: tuple[str, ...], given: str | None, source: str, option: str) -> str | None:
    if given is not None:
        if given not in columns:
            listed = ", ".join(f"'{c}'" for c in columns)
            raise InputError(f"{source}: {option} '{given}' is not a column of the file; its columns are {listed}")
        return given
    lowered = {c.strip().lower(): c for c in columns}
    return next((lowered[n] for n in names if n in lowered), None)


def read_labeled(
    source: str | Path | BinaryIO | pd.DataFrame,
    *,
    name: str | None = None,
    text_col: str | None = None,
    labels_col: str | None = None,
    sentiment_col: str | None = None,
    encoding: str | None = None,
    limits: Limits | None = None,
    redact: bool = True,
) -> LabeledSet:
    """Read a labeled file (or DataFrame) into a :class:`LabeledSet`.

    ``limits`` are the reader's safety limits (:data:`analyzer.io.readers.DEFAULT_LIMITS` when not given).
    With ``redact``, personal data in the texts is replaced as in a run (``[EMAIL]``, ``[PHONE]``, ...) so
    that a trained model's vocabulary never holds it, and the model learns from what it will see.

    Raises:
        InputError: the file cannot be read, or has neither a labels nor a sentiment column.

    Example:
        >>> data = pd.DataFrame({"text": ["late courier", "", "ok"], "labels": ["logistics:negative", "x:y", "bad"]})
        >>> got = read_labeled(data)
        >>> got.pairs, got.rejects
        ([[('logistics', 'negative')]], [(2, 'text is empty'), (3, "labels: 'bad' is not touchpoint:sentiment")])
    """
    if isinstance(source, pd.DataFrame):
        table = table_from_frame(source)
        name = name or "<DataFrame>"
    else:
        table = read_table(source, name=name, encoding=encoding, limits=limits)
        name = name or str(getattr(source, "name", source))
    mapping = map_columns(table.columns, table.rows, ColumnChoice(text=text_col), name)
    labels_column = _find(table.columns, _LABEL_COLUMNS, labels_col, name, "--labels-col")
    sentiment_column = _find(table.columns, _SENTIMENT_COLUMNS, sentiment_col, name, "--sentiment-col")
    lang_column = _find(table.columns, _LANG_COLUMNS, None, name, "")
    if labels_column is None and sentiment_column is None:
        listed = ", ".join(f"'{c}'" for c in table.columns)
        raise InputError(
            f"{name}: no labels or sentiment column (columns: {listed}); accepted: a 'labels' column of "
            f"touchpoint:sentiment pairs, or a 'sentiment' column, or name one with --labels-col / --sentiment-col"
        )
    index = {c: i for i, c in enumerate(table.columns)}
    out = LabeledSet([], [] if labels_column else None, [] if sentiment_column and not labels_column else None, [], [],
                     source=name, checksum=table.checksum, rows_read=table.n_read)
    out.rejects.extend((line, reason) for line, _, reason, _ in table.rejects)
    redactor = Redactor(DEFAULT_PHONE_REGIONS) if redact else None
    for line, row in zip(table.lines, table.rows, strict=True):
        text = normalize_text(row[index[mapping.text]] or "")
        if redactor is not None:
            text = redactor.redact(text)[0]
        if not text:
            out.rejects.append((line, "text is empty"))
            continue
        pairs: list[Pair] = []
        sentiment = None
        if labels_column:
            try:
                pairs = parse_labels(row[index[labels_column]])
            except LabelFormatError as error:
                out.rejects.append((line, f"{labels_column}: {error}"))
                continue
        elif sentiment_column:
            sentiment = (row[index[sentiment_column]] or "").strip().lower()
            if not sentiment:
                out.rejects.append((line, f"{sentiment_column} is empty; give the row's sentiment (e.g. negative, neutral, positive)"))
                continue
        out.texts.append(text)
        out.lines.append(line)
        out.langs.append((row[index[lang_column]] or "").strip().lower() or None if lang_column else None)
        if out.pairs is not None:
            out.pairs.append(pairs)
        if out.sentiments is not None:
            out.sentiments.append(sentiment or "")
    out.rejects.sort()
    if not out.texts:
        raise InputError(f"{name}: none of its {out.rows_read} rows is usable; first problem: line {out.rejects[0][0]}: {out.rejects[0][1]}"
                         if out.rejects else f"{name}: no labeled rows")
    return out
