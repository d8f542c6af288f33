"""The Excel reader: the first worksheet of an XLSX workbook, after its zip directory is checked.

The zip's declared sizes are checked before any part is unpacked (parts,
total unpacked size, each part's unpack ratio), so a zip bomb fails with one
:class:`~analyzer.errors.InputTooLarge` line. The sheet is then read row by
row with openpyxl (imported only here, when an XLSX is read): the first
non-blank row is the header, a row with values beyond it is a ``ragged``
reject with its sheet row number, and blank rows are counted and skipped.

Example:
    >>> import io, openpyxl
    >>> book = openpyxl.Workbook(); book.active.append(["id", "comment"]); book.active.append([1, "late"])
    >>> saved = io.BytesIO(); book.save(saved)
    >>> table = read_xlsx(saved.getvalue(), "c.xlsx")
    >>> table.columns, table.rows, table.lines
    (['id', 'comment'], [['1', 'late']], [2])
"""

from __future__ import annotations

import io
import zipfile

from analyzer.errors import InputTooLarge, UnsupportedFormat
from analyzer.io.limits import DEFAULT_LIMITS, MIB, Limits, check_shape
from analyzer.io.raw_table import RawTable, to_cell, unique_columns
from analyzer.io.sniff import size_text

# Excel's own limits: a sheet row number beyond this is not a real workbook.
_XLSX_MAX_ROW = 1_048_576


def _check_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a zip whose directory declares absurd sizes, before any part is unpacked.

    Python's zipfile never unpacks more than a part's declared size, so the
    declared sizes bound what opening the workbook can cost.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError (unknown zip versions), ValueError, ... on hostile bytes
        raise UnsupportedFormat(f"{name}: cannot open as an Excel workbook ({type(exc).__name__}); accepted: .xlsx saved by Excel or "
                                f"LibreOffice") from None
    if len(members) > limits.max_zip_members:
        raise InputTooLarge(f"{name}: the workbook has {len(members):,} parts; at most {limits.max_zip_members:,} are read; "
                            f"save it again from Excel or as CSV")
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        raise InputTooLarge(f"{name}: the workbook unpacks to {size_text(total)}; at most {size_text(limits.max_unpacked_bytes)} is read; "
                            f"save it as CSV or split it")
    for member in members:
        if member.file_size > MIB and member.file_size > limits.max_unpack_ratio * max(member.compress_size, 1):
            raise InputTooLarge(f"{name}: part {member.filename[:80]} unpacks {member.file_size // max(member.compress_size, 1):,} times "
                                f"larger than it is stored (a zip bomb?); at most {limits.max_unpack_ratio} times is read; save it "
                                f"again from Excel or as CSV")


def read_xlsx(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    """Read the first worksheet of an XLSX file's bytes into a :class:`~analyzer.io.raw_table.RawTable`."""
    from openpyxl import load_workbook

    _check_zip(data, name, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken zips
        raise UnsupportedFormat(f"{name}: cannot open as an Excel workbook ({type(exc).__name__}); accepted: .xlsx saved by Excel or LibreOffice") from None
    try:
        if not book.worksheets:
            raise UnsupportedFormat(f"{name}: the workbook has no worksheet; accepted: .xlsx with the comments on its first sheet")
        sheet = book.worksheets[0]
        notes = [f"sheet: {sheet.title}" + (f" (first of {len(book.worksheets)})" if len(book.worksheets) > 1 else "")]
        # The stored dimension can claim A1:XFD1048576 for one cell; rows are then only as long as their last cell.
        sheet.reset_dimensions()
        return _read_sheet(sheet, name, limits, notes)
    finally:
        book.close()


def _read_sheet(sheet: object, name: str, limits: Limits, notes: list[str]) -> RawTable:
    header: list[str] | None = None
    rows: list[list[str | None]] = []
    lines: list[int] = []
    rejects: list[tuple[int, str, str, list[str | None]]] = []
    blank = cells_seen = 0
    number = 0
    values_by_row = sheet.iter_rows(values_only=True)  # type: ignore[attr-defined]
    while True:
        try:
            values = next(values_by_row, None)
        except Exception as exc:  # the sheet XML is parsed lazily: a broken cell surfaces here
            raise UnsupportedFormat(f"{name}: sheet row {number + 1} cannot be read ({type(exc).__name__}: {str(exc)[:100]}); accepted: "
                                    f".xlsx saved by Excel or LibreOffice") from None
        if values is None:
            break
        number += 1
        cells_seen += len(values)
        if number > _XLSX_MAX_ROW or cells_seen > limits.max_cells or len(values) > limits.max_columns:
            if number > _XLSX_MAX_ROW:
                raise InputTooLarge(f"{name}: the sheet has rows past row {_XLSX_MAX_ROW:,}, Excel's last; save it again from Excel or as CSV")
            check_shape(name, number, len(values), limits, "the sheet has ")
            raise InputTooLarge(f"{name}: the sheet has more than {limits.max_cells:,} cells; at most {limits.max_cells:,} are read; "
                                f"delete unused rows and columns or save it as CSV")
        cells = [to_cell(v) for v in values]
        if all(c is None or not c.strip() for c in cells):
            blank += 1
            continue
        if header is None:
            while cells and (cells[-1] is None or not cells[-1].strip()):
                cells.pop()
            header = unique_columns(cells, notes)
            continue
        check_shape(name, len(rows) + len(rejects) + 1, len(header), limits)
        extra = [c for c in cells[len(header):] if c is not None and c.strip()]
        if extra:
            rejects.append((number, "ragged", f"row has values beyond the header's {len(header)} columns; give every column a header", cells))
            continue
        cells = (cells + [None] * len(header))[: len(header)]
        rows.append(cells)
        lines.append(number)
    return RawTable(header or [], rows, lines, rejects, "xlsx", blank_lines=blank, notes=notes)

