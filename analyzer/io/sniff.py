"""Telling what an input is before it is parsed: file checks, magic bytes, format, text encoding, delimiter.

:func:`check_source` is the front door: it looks at a path (its kind, size,
permissions and first bytes) and fails with one line for a missing, empty,
unreadable or non-table file, without loading anything heavy, so a caller can
run it before a model loads. :func:`check_magic` is the same content check on
bytes already in memory (standard input, streams). The rest tells a readable
input's format, encoding and delimiter for :mod:`analyzer.io.readers`.

Example:
    >>> check_magic(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR", "photo.csv")
    Traceback (most recent call last):
    ...
    analyzer.errors.UnsupportedFormat: photo.csv: looks like a PNG image, not a table; accepted: CSV, TSV, XLSX, JSON Lines, JSON or Parquet files
"""

from __future__ import annotations

import csv
import io
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

from charset_normalizer import from_bytes

from analyzer.errors import EmptyFile, InputTooLarge, MissingFile, UnreadableEncoding, UnreadableFile, UnsupportedFormat, UsageError

ACCEPTED = "accepted: CSV, TSV, XLSX, JSON Lines, JSON or Parquet files"
ENCODING_HELP = "give the real one with --encoding (e.g. utf-8, utf-16, cp1251, kz1048, cp1253, cp1256, cp1250)"
EMPTY = "the file is empty; expected a header row and at least one comment"
# How much of a file check_source reads: enough for every magic number and a fair sample for the NUL-byte test.
HEAD_BYTES = 8192

# Legacy code pages charset-normalizer chooses between first; the project's
# languages are written in these when they are not written in Unicode.
_LEGACY_ENCODINGS = ["cp1251", "kz1048", "cp1253", "cp1256", "cp1250", "cp1252", "koi8_r", "cp866", "iso8859_7", "mac_cyrillic"]
# Letters that Russian text in cp1251 almost never contains but that appear
# when Kazakh text written in KZ-1048 is decoded as cp1251.
_KZ1048_TELLS = set("ЉЊЋЏљњћџЌќЎўҐґ")
SNIFF_BYTES = 256 * 1024
_DELIMITERS = [",", ";", "\t", "|"]
# A character no CSV uses, so a one-column file keeps its commas.
NO_DELIMITER = "\x1f"
_MIB = 1024 * 1024
_UNPACK = "unpack it first and give the table inside"
_DECOMPRESS = "decompress it first and give the file inside"
# Magic numbers of files people give by mistake: (first bytes, what it is, what to do instead).
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", ""),
    (b"\xff\xd8\xff", "a JPEG image", ""),
    (b"GIF87a", "a GIF image", ""),
    (b"GIF89a", "a GIF image", ""),
    (b"%PDF-", "a PDF document", "export the table from the program that made it as CSV or XLSX"),
    (b"\x1f\x8b", "a gzip-compressed file", f"{_DECOMPRESS} (e.g. gunzip)"),
    (b"\xfd7zXZ\x00", "an xz-compressed file", f"{_DECOMPRESS} (e.g. unxz)"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file", f"{_DECOMPRESS} (e.g. unzstd)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", _UNPACK),
    (b"Rar!\x1a\x07", "a RAR archive", _UNPACK),
    (b"PK\x05\x06", "an empty ZIP archive", ""),
    (b"\x7fELF", "an ELF executable", ""),
    (b"\xcf\xfa\xed\xfe", "a macOS executable", ""),
    (b"\xce\xfa\xed\xfe", "a macOS executable", ""),
    (b"SQLite format 3\x00", "an SQLite database", "export the table as CSV (sqlite3 -header -csv FILE 'select * from TABLE')"),
    (b"ARROW1", "an Arrow (Feather) file", "write it as Parquet or CSV"),
)
# Zip-based documents that are not workbooks, told by a part every one of them has.
_ZIP_DOCUMENTS = (("word/", "a Word document"), ("ppt/", "a PowerPoint presentation"))
_OPEN_DOCUMENT = "application/vnd.oasis.opendocument."
# Above this many parts (the readers' default limit) the zip's directory is left for the XLSX reader to judge.
_MAX_ZIP_PARTS = 10_000
# Control characters that never occur in text files (tab, line breaks, form feed and escape do).
_SEPARATORS = frozenset(" \t\n\r,;|\"'{}[]:")
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1b") + b"\x7f"


def check_source(path: str | Path, *, name: str | None = None, max_bytes: int | None = None) -> None:
    """Fail with one line if ``path`` cannot be a table the analyzer reads; ``"-"`` (standard input) is not checked.

    Looks only at the file's kind, size, permissions and first :data:`HEAD_BYTES` bytes (and, for a ZIP, its
    directory), so it takes milliseconds on any file and can run before a model loads. The content check is
    :func:`check_magic`.

    Args:
        path: the input file.
        name: how to call it in messages; the path by default.
        max_bytes: refuse a larger file (``--max-input-mb``); no limit when ``None``.

    Raises:
        MissingFile: no such file, a directory, or not a regular file.
        UnreadableFile: the file exists but cannot be opened (permissions).
        EmptyFile: the file is empty or blank.
        InputTooLarge: the file is larger than ``max_bytes``.
        UnsupportedFormat: an image, archive, executable, database or other binary data.

    Example:
        >>> check_source("-")
        >>> check_source("no/such.csv")
        Traceback (most recent call last):
        ...
        analyzer.errors.MissingFile: no/such.csv: no such file; give the path of a CSV, TSV, XLSX, JSONL or Parquet file, or - for CSV on standard input
    """
    if str(path) == "-":
        return
    path = Path(path)
    name = name or str(path)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise MissingFile(f"{name}: no such file; give the path of a CSV, TSV, XLSX, JSONL or Parquet file, or - for CSV on standard input") from None
    except OSError as exc:
        raise UnreadableFile(f"{name}: cannot be opened ({_why(exc)}); make it readable or give a copy you can read") from None
    if stat.S_ISDIR(info.st_mode):
        raise MissingFile(f"{name}: is a directory, not a file; give the path of a CSV, TSV, XLSX, JSONL or Parquet file")
    if not stat.S_ISREG(info.st_mode):
        raise MissingFile(f"{name}: is not a regular file (a device, pipe or socket); give the path of a CSV, TSV, XLSX, JSONL or "
                          f"Parquet file, or - to read CSV from standard input")
    if max_bytes is not None and info.st_size > max_bytes:
        raise InputTooLarge(f"{name}: the file is {size_text(info.st_size)}; at most {size_text(max_bytes)} is read (--max-input-mb); "
                            f"split it into smaller files")
    if info.st_size == 0:
        raise EmptyFile(f"{name}: {EMPTY}")
    try:
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
    except OSError as exc:
        raise UnreadableFile(f"{name}: cannot be read ({_why(exc)}); make it readable (e.g. chmod u+r) or give a copy you can "
                             f"read") from None
    if len(head) == info.st_size and head.isspace():
        raise EmptyFile(f"{name}: {EMPTY}")
    check_magic(head, name, lambda: zipfile.ZipFile(path))


def check_magic(head: bytes, name: str, open_zip: Callable[[], zipfile.ZipFile] | None = None) -> None:
    """Refuse content that is not a table: known binary formats by their magic numbers, other binary data by its NUL bytes.

    A ZIP is accepted when it holds ``xl/`` parts (an XLSX workbook); ``open_zip`` opens it to look (the
    whole file is needed for that, ``head`` holds only its start). Parquet (``PAR1``) is a table, an old
    ``.xls`` gets its own advice, and text in UTF-8, UTF-16, UTF-32 or a legacy code page passes.

    Raises:
        UnsupportedFormat: ``{name}: looks like a PNG image, not a table; accepted: ...`` and the like.

    Example:
        >>> check_magic(b"id,comment\\n1,late\\n", "ok.csv")
        >>> check_magic(b"\\x7fELF\\x02\\x01\\x01\\x00", "a.out")
        Traceback (most recent call last):
        ...
        analyzer.errors.UnsupportedFormat: a.out: looks like an ELF executable, not a table; accepted: CSV, TSV, XLSX, JSON Lines, JSON or Parquet files
    """
    if head.startswith(b"PAR1"):
        return
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFormat(f"{name}: this is an old binary Excel (.xls) file; save it as .xlsx or CSV and try again")
    if head.startswith(b"PK\x03\x04"):
        found = _zip_kind(open_zip) if open_zip is not None else None
        if found is not None:
            raise UnsupportedFormat(_not_a_table(name, *found))
        return
    for magic, what, advice in _MAGIC:
        if head.startswith(magic):
            raise UnsupportedFormat(_not_a_table(name, what, advice))
    if head.startswith(b"BZh") and head[4:10] == b"1AY&SY":
        raise UnsupportedFormat(_not_a_table(name, "a bzip2-compressed file", f"{_DECOMPRESS} (e.g. bunzip2)"))
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        raise UnsupportedFormat(_not_a_table(name, "a Windows executable", ""))
    if _binary(head):
        raise UnsupportedFormat(_not_a_table(name, "binary data (it holds NUL bytes and is not UTF-16 text)", ""))


def check_bytes(data: bytes, name: str) -> None:
    """:func:`check_magic` on a whole input held in memory (standard input, a stream).

    Example:
        >>> check_bytes(b"comment\\nhello\\n", "-")
    """
    check_magic(data[:HEAD_BYTES], name, lambda: zipfile.ZipFile(io.BytesIO(data)))


def _not_a_table(name: str, what: str, advice: str) -> str:
    return f"{name}: looks like {what}, not a table; {advice + '; ' if advice else ''}{ACCEPTED}"


def _why(exc: OSError) -> str:
    return "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or type(exc).__name__).lower()


def _zip_kind(open_zip: Callable[[], zipfile.ZipFile]) -> tuple[str, str] | None:
    """What a ZIP holds when it is not a workbook: ``(what, advice)``; ``None`` for a workbook or a zip the XLSX reader should judge.

    A zip that cannot be opened, or whose directory is too large to list quickly, is left to the XLSX reader,
    whose messages and limits cover damaged and hostile workbooks.
    """
    try:
        with open_zip() as archive:
            if len(archive.filelist) > _MAX_ZIP_PARTS:
                return None
            names = archive.namelist()
            if any(n.startswith("xl/") for n in names):
                if "xl/workbook.bin" in names:
                    return "an Excel binary workbook (.xlsb)", "save it as .xlsx or CSV"
                return None
            mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
            if mimetype is not None and mimetype.file_size < 200:
                kind = archive.read(mimetype).decode("ascii", "replace")
                if kind.startswith(_OPEN_DOCUMENT + "spreadsheet"):
                    return "an OpenDocument spreadsheet (.ods)", "save it as .xlsx or CSV"
                if kind.startswith(_OPEN_DOCUMENT):
                    return "an OpenDocument file", "copy the table into a spreadsheet and save it as .xlsx or CSV"
    except Exception:  # BadZipFile, NotImplementedError, OSError, ... on damaged or hostile bytes
        return None
    for prefix, what in _ZIP_DOCUMENTS:
        if any(n.startswith(prefix) for n in names):
            return what, "copy the table into a spreadsheet and save it as .xlsx or CSV"
    return "a ZIP archive with no Excel workbook in it", _UNPACK


def _binary(head: bytes) -> bool:
    """Whether ``head`` is binary data: it holds NUL bytes and reads neither as UTF-16/UTF-32 text nor as text with a few stray NULs.

    Example:
        >>> _binary("id,comment\\n1,hello\\n".encode("utf-16-le")), _binary(b"\\x00\\x01\\x02\\x03" * 20)
        (False, True)
        >>> _binary(b"id,comment\\n1,a stray \\x00 in a cell\\n")
        False
    """
    if b"\x00" not in head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return False
    for encoding, unit in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        if _reads_as_text(head[: len(head) // unit * unit], encoding):
            return False
    # Valid UTF-8 with a few NULs is a text file with a damaged cell; the row checks deal with it.
    text = head.decode("utf-8", errors="ignore") if _utf8_prefix(head) else ""
    return not text or sum(text.count(chr(b)) for b in _CONTROL) > len(text) / 10


def _reads_as_text(data: bytes, encoding: str) -> bool:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return False
    if not text:
        return False
    controls = sum(1 for c in text if c < " " and c not in "\t\n\r\x0b\x0c\x1b")
    # A table's text has separators, spaces, quotes or braces; binary read as UTF-16/32 almost never does.
    separators = sum(1 for c in text if c in _SEPARATORS)
    return controls <= len(text) / 100 and separators >= len(text) / 50


def _utf8_prefix(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, allowing a character cut at the end."""
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 3 and exc.reason == "unexpected end of data"


def size_text(n: int) -> str:
    """Bytes as a short human figure.

    Example:
        >>> size_text(2 * 1024**3), size_text(256 * 1024**2), size_text(1500)
        ('2.0 GB', '256 MB', '1,500 bytes')
    """
    if n >= 1024**3:
        return f"{n / 1024**3:.1f} GB"
    if n >= _MIB:
        return f"{n / _MIB:,.0f} MB"
    return f"{n:,} bytes"


def sniff_format(data: bytes, suffix: str, name: str) -> str:
    """Tell the format from the content first, the extension second.

    Example:
        >>> sniff_format(b'{"text": "hi"}', ".txt", "x.txt")
        'jsonl'
    """
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFormat(f"{name}: this is an old binary Excel (.xls) file; save it as .xlsx or CSV and try again")
    if suffix in (".xlsx", ".xlsm", ".parquet", ".pq"):
        raise UnsupportedFormat(
            f"{name}: the extension says {suffix[1:]} but the content is not; accepted: real .xlsx or .parquet files, or CSV/TSV/JSONL text"
        )
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if head.startswith(b"{") or head.startswith(b"["):
        return "jsonl"
    return "csv"


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str, bool]:
    """Decode bytes to text, with the given encoding or a detected one.

    BOMs decide first (UTF-8, UTF-16, UTF-32), then strict UTF-8, then
    charset-normalizer among the legacy code pages of the project's languages,
    then among all it knows.

    Returns:
        The text, the name of the encoding used, and whether the detector was confident
        (False when it had to accept a reading it found chaotic).

    Example:
        >>> decode("Привет, как дела?".encode("cp1251") * 20, "x.csv")[1:]
        ('cp1251', True)
    """
    if encoding:
        return _decode_as(data, name, encoding), encoding, True
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                     (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _decode_as(data, name, enc), enc, True
    sample = data[:SNIFF_BYTES]
    if sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM: every other byte of ASCII text is zero.
        enc = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return _decode_as(data, name, enc), enc, True
    try:
        return data.decode("utf-8"), "utf-8", True
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample, cp_isolation=_LEGACY_ENCODINGS).best() or from_bytes(sample).best()
    confident = best is not None
    if best is None:
        # Short or odd texts look "chaotic" to the detector; accept its least chaotic legacy reading.
        best = from_bytes(sample, cp_isolation=_LEGACY_ENCODINGS, threshold=1.0).best()
    if best is None:
        raise UnreadableEncoding(f"{name}: cannot tell the text encoding (not UTF-8, UTF-16 or a known code page); {ENCODING_HELP}")
    enc = best.encoding
    text = _decode_as(data, name, enc)
    if enc == "cp1251" and _KZ1048_TELLS.intersection(text):
        try:
            text, enc = data.decode("kz1048"), "kz1048"
        except UnicodeDecodeError:
            pass
    return text, enc, confident


def _decode_as(data: bytes, name: str, encoding: str) -> str:
    try:
        if encoding.replace("_", "-").lower() in ("utf-8", "utf8") and data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
        return data.decode(encoding)
    except LookupError:
        raise UsageError(f"--encoding: '{encoding}' is not an encoding Python knows; {ENCODING_HELP}") from None
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableEncoding(
            f"{name}: byte 0x{bad} on line {line} (offset {exc.start}) is not valid {encoding}; {ENCODING_HELP}"
        ) from None


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent number of fields.

    Example:
        >>> sniff_delimiter("id;text\\n1;a, b\\n2;c\\n")
        ';'
    """
    sample = "\n".join(text[:SNIFF_BYTES].splitlines()[:50])
    best, best_key = NO_DELIMITER, (0.0, 1)
    for delimiter in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False) if r]
        except csv.Error:  # a field past the field limit in the sample: this delimiter does not split it sensibly
            continue
        if not counts or counts[0] < 2:
            continue
        agreement = sum(1 for c in counts if c == counts[0]) / len(counts)
        key = (agreement, counts[0])
        if key > best_key:
            best, best_key = delimiter, key
    return best


def show_delimiter(delimiter: str) -> str:
    """A delimiter as messages name it (``tab``, ``none`` for a one-column file)."""
    return {"\t": "tab", NO_DELIMITER: "none"}.get(delimiter, delimiter)
