"""Make the small golden hostile XLSX files beside this script: python tests/data/limits/make_hostile.py.

Bigger hostile inputs (a 2 GB sparse file, a 100 MB field, Parquet and JSON bombs) are made by tests/test_limits.py
at test time.
"""

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>comment</t></is></c></row>'


def _craft(base: zipfile.ZipFile, path: Path, sheet: str | bytes) -> None:
    """Copy ``base`` to ``path`` with its first sheet's XML replaced by ``sheet``."""
    data = sheet.encode() if isinstance(sheet, str) else sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in base.infolist():
            archive.writestr(info.filename, data if info.filename == SHEET else base.read(info.filename))


def main() -> None:
    """Write zip_bomb.xlsx, dimension_bomb.xlsx, billion_laughs.xlsx and row_past_excel.xlsx."""
    out = Path(__file__).resolve().parent
    book = Workbook()
    book.active["A1"] = "comment"
    buffer = io.BytesIO()
    book.save(buffer)
    base = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    # A sheet that unpacks about 1000 times its stored size: one 32 MB cell of one letter.
    _craft(base, out / "zip_bomb.xlsx", HEAD.encode() + b"<sheetData>" + HEADER_ROW.encode()
           + b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"a" * (32 * 1024 * 1024) + b"</t></is></c></row></sheetData></worksheet>")
    # The sheet claims A1:XFD1048576 and holds three cells, the last at XFD1048576.
    _craft(base, out / "dimension_bomb.xlsx", HEAD + '<dimension ref="A1:XFD1048576"/><sheetData>' + HEADER_ROW
           + '<row r="2"><c r="A2" t="inlineStr"><is><t>late courier</t></is></c></row>'
           + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
    # Entity expansion ("billion laughs") in the sheet XML.
    entities = "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    _craft(base, out / "billion_laughs.xlsx", '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + entities + "]>" + HEAD
           + "<sheetData>" + HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    # A row number past Excel's last row (1,048,576).
    _craft(base, out / "row_past_excel.xlsx", HEAD + "<sheetData>" + HEADER_ROW
           + '<row r="2"><c r="A2" t="inlineStr"><is><t>hi</t></is></c></row>'
           + '<row r="5000000"><c r="A5000000" t="inlineStr"><is><t>far</t></is></c></row></sheetData></worksheet>')


if __name__ == "__main__":
    main()
