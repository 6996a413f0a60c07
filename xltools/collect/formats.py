"""What a returned workbook's bytes say besides its values, read before (or instead of) calamine:
the used range of each sheet (cells far outside a form are cut from an .xlsx, an .xls declaring
them is refused, so the reader never allocates them), the cells holding formulas in an .xls or
.ods (calamine gives their cached values), and an .xls's saved time (its OLE summary information).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone

# Columns past a limit of 256 (IV): two letters from IW, or three letters.
_FAR_COLUMN = rb'<c r="(?:I[W-Z]|[J-Z][A-Z]|[A-Z]{3})[0-9]'
_LAST_ROW = re.compile(rb'<row r="([0-9]+)"')
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]*[0-9]*:?([A-Z]*)([0-9]*)"\s*/>')


def column_number(letters: str) -> int:
    """1 for A, 27 for AA."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class Trimmed:
    """An .xlsx package with the cells far outside any form cut out, and what was cut."""

    data: bytes
    cut: dict[str, tuple[int, int]] = field(default_factory=dict)  # part -> (first row, rows)


def _far_cell(columns: int) -> re.Pattern:
    if columns != 256:  # the fast pattern is written for 256; others are checked cell by cell
        return re.compile(rb'<c r="([A-Z]+)[0-9]')
    return re.compile(_FAR_COLUMN)


def oversized(xml: bytes, rows: int, columns: int) -> bool:
    """Whether a worksheet part declares or holds cells beyond ``rows`` x ``columns`` (cheap:
    the declared dimension, the last row, and a search for far column letters)."""
    declared = _DIMENSION.search(xml, 0, 2048)
    if declared and (
        (declared.group(2) and int(declared.group(2)) > rows)
        or (declared.group(1) and column_number(declared.group(1).decode()) > columns)
    ):
        return True
    last = xml.rfind(b'<row r="')
    if last >= 0:
        found = _LAST_ROW.match(xml, last)
        if found and int(found.group(1)) > rows:
            return True
    if columns == 256:
        return re.search(_FAR_COLUMN, xml) is not None
    return any(
        column_number(m.group(1).decode()) > columns for m in _far_cell(columns).finditer(xml)
    )


_ROW = re.compile(rb'<row r="([0-9]+)"[^>]*?(?:/>|>.*?</row>)', re.S)
_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"[^>]*?(?:/>|>.*?</c>)', re.S)


def trim_sheet(xml: bytes, rows: int, columns: int) -> tuple[bytes, int, int]:
    """The worksheet without rows past ``rows`` and cells past ``columns``; and the first row
    cut (1-based, 0 when none) and how many rows lost content."""
    first, lost = 0, 0

    def row(found: re.Match) -> bytes:
        nonlocal first, lost
        number = int(found.group(1))
        if number > rows:
            first = first or number
            lost += 1
            return b""
        body = found.group(0)
        if b"<c " not in body:
            return body
        kept = _CELL.sub(
            lambda c: b"" if column_number(c.group(1).decode()) > columns else c.group(0), body
        )
        if kept != body:
            first = first or number
            lost += 1
        return kept

    xml = _ROW.sub(row, xml)
    # A declared dimension as large as what was cut would still be allocated by some readers.
    xml = _DIMENSION.sub(b"", xml, count=1)
    return xml, first, lost


def trim_package(data: bytes, parts: dict[str, bytes], rows: int, columns: int) -> Trimmed | None:
    """The package with every oversized worksheet trimmed, or None when none is oversized."""
    big = {
        name: xml
        for name, xml in parts.items()
        if name.startswith("xl/worksheets/sheet") and oversized(xml, rows, columns)
    }
    if not big:
        return None
    result = Trimmed(b"")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            if info.filename in big:
                xml, first, lost = trim_sheet(big[info.filename], rows, columns)
                parts[info.filename] = xml
                if lost:
                    result.cut[info.filename] = (first, lost)
                target.writestr(info.filename, xml)
            else:
                target.writestr(info, source.read(info))
    result.data = out.getvalue()
    return result


# .xls: a BIFF8 stream of records (type, length, data) in an OLE compound file.
_BOF, _EOF, _BOUNDSHEET, _DIMENSIONS, _FORMULA, _FILEPASS = 0x809, 0x0A, 0x85, 0x200, 0x06, 0x2F


@dataclass
class Biff:
    """What an .xls's record stream says: per sheet its declared used range and formula cells."""

    dimensions: dict[str, tuple[int, int]] = field(default_factory=dict)  # sheet -> (rows, cols)
    formulas: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # sheet -> (r, c)
    encrypted: bool = False
    saved: datetime | None = None  # aware (UTC)


def read_biff(data: bytes) -> Biff | None:
    """Read an .xls's sheets' declared ranges, formula cells and saved time, or None when it is
    not a readable BIFF8 workbook (calamine then decides what it is)."""
    import olefile

    found = Biff()
    try:
        with olefile.OleFileIO(data) as ole:
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                return None
            book = ole.openstream(stream).read()
            try:
                saved = ole.get_metadata().last_saved_time
            except Exception:  # a damaged summary only loses the time
                saved = None
    except Exception:  # not an OLE file, or a damaged one: calamine tells
        return None
    if isinstance(saved, datetime) and saved.year > 1980:
        found.saved = saved.replace(tzinfo=timezone.utc)
    sheets: dict[int, str] = {}
    current = None
    pos, size = 0, len(book)
    while pos + 4 <= size:
        kind, length = struct.unpack_from("<HH", book, pos)
        body = book[pos + 4 : pos + 4 + length]
        if kind == _BOUNDSHEET and len(body) >= 8:
            offset, chars, high = struct.unpack_from("<IxxBB", body)
            raw = body[8 : 8 + chars * (2 if high & 1 else 1)]
            sheets[offset] = raw.decode("utf-16-le" if high & 1 else "latin-1", "replace")
        elif kind == _FILEPASS and current is None:
            found.encrypted = True
            return found
        elif kind == _BOF:
            current = sheets.get(pos)
        elif kind == _EOF:
            current = None
        elif current is not None and kind == _DIMENSIONS and len(body) >= 12:
            _first_row, last_row, _first_col, last_col = struct.unpack_from("<IIHH", body)
            found.dimensions[current] = (last_row, last_col)
        elif current is not None and kind == _FORMULA and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body)
            found.formulas.setdefault(current, []).append((row, col))
        pos += 4 + length
    return found


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def ods_formulas(content: bytes) -> dict[str, list[tuple[int, int]]]:
    """Sheet name -> (row, column) of the cells holding a formula in an .ods content.xml."""
    if b"table:formula=" not in content:
        return {}
    from defusedxml.ElementTree import iterparse

    found: dict[str, list[tuple[int, int]]] = {}
    sheet, row, col = "", -1, 0
    for event, node in iterparse(io.BytesIO(content), events=("start", "end")):
        tag = node.tag
        if event == "start":
            if tag == f"{_TABLE}table":
                sheet, row = node.get(f"{_TABLE}name", ""), -1
            elif tag == f"{_TABLE}table-row":
                row, col = row + 1, 0
            continue
        if tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
            repeat = int(node.get(f"{_TABLE}number-columns-repeated", "1") or 1)
            if node.get(f"{_TABLE}formula"):
                found.setdefault(sheet, []).extend((row, col + i) for i in range(min(repeat, 1024)))
            col += repeat
            node.clear()
        elif tag == f"{_TABLE}table-row":
            row += int(node.get(f"{_TABLE}number-rows-repeated", "1") or 1) - 1
            node.clear()
    return found
