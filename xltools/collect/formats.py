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
    """An .xlsx or .ods package with the cells far outside any form cut out, and what was cut."""

    data: bytes
    # worksheet part (.xlsx) or table name (.ods) -> (first row, rows) that lost content
    cut: dict[str, tuple[int, int]] = field(default_factory=dict)


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
    """The package with every oversized worksheet (an .xlsx's) or table (an .ods's content.xml)
    trimmed, or None when none is oversized. ``parts`` gets the trimmed XML."""
    big = {
        name: xml
        for name, xml in parts.items()
        if name.startswith("xl/worksheets/sheet") and oversized(xml, rows, columns)
    }
    result = Trimmed(b"")
    for name, xml in big.items():
        big[name], first, lost = trim_sheet(xml, rows, columns)
        if lost:
            result.cut[name] = (first, lost)
    if "content.xml" in parts:
        content, cut = trim_ods(parts["content.xml"], rows, columns)
        if cut:  # (empty cells repeated to the last column, as LibreOffice writes, cost nothing)
            big["content.xml"] = content
            result.cut.update(cut)  # by table name
    if not big:
        return None
    parts.update(big)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            if info.filename in big:
                target.writestr(info.filename, big[info.filename])
            else:
                target.writestr(info, source.read(info))  # an .ods's mimetype stays stored, first
    result.data = out.getvalue()
    return result


# .ods content.xml: a table's rows in order, each maybe repeated, holding cells maybe repeated.
_ODS_TABLE = re.compile(rb"<table:table(?=[\s>])([^>]*)>(.*?)</table:table>", re.S)
_ODS_ROW = re.compile(rb"<table:table-row(?=[\s/>])([^>]*?)(?:/>|>(.*?)</table:table-row>)", re.S)
_ODS_CELL = re.compile(
    rb"<table:(covered-table-cell|table-cell)(?=[\s/>])([^>]*?)(/>|>.*?</table:\1>)", re.S
)
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ROWS, _COLUMNS = b"table:number-rows-repeated", b"table:number-columns-repeated"


def _repeat(attributes: bytes, name: bytes) -> int:
    found = re.search(name + rb'="([0-9]+)"', attributes)
    return int(found.group(1)) if found else 1


def _with_repeat(attributes: bytes, name: bytes, times: int) -> bytes:
    """An element's attributes with ``name`` (a repeat count) set to ``times``."""
    rest = re.sub(rb"\s*" + name + rb'="[0-9]*"', b"", attributes)
    return rest if times == 1 else rest + b' %s="%d"' % (name, times)


def _has_content(element: bytes) -> bool:
    return b"office:value-type=" in element or b"<text:" in element


def trim_ods(content: bytes, rows: int, columns: int) -> tuple[bytes, dict[str, tuple[int, int]]]:
    """An .ods content.xml without the rows past ``rows`` and the cells past ``columns``: repeats
    shortened, which calamine would otherwise allocate (a space typed in IV65536 of a form costs
    a gigabyte); and per table the first row that lost content (1-based) and how many did."""
    from xml.sax.saxutils import unescape

    cut: dict[str, tuple[int, int]] = {}

    def table(found: re.Match) -> bytes:
        name = _ODS_NAME.search(found.group(1))
        sheet = unescape(name.group(1).decode("utf-8", "replace")) if name else ""
        lost: list[tuple[int, int]] = []  # (first row, rows) of each cut that held content
        next_row = 0

        def row(m: re.Match) -> bytes:
            nonlocal next_row
            attributes, body = m.group(1), m.group(2)
            repeat = _repeat(attributes, _ROWS)
            start, next_row = next_row, next_row + repeat
            kept = min(repeat, max(0, rows - start))
            cells, beyond = _trim_cells(body or b"", columns)
            if kept < repeat and _has_content(body or b""):
                lost.append((start + kept + 1, repeat - kept))
            if kept and beyond:
                lost.append((start + 1, kept))
            if not kept:
                return b""
            if kept == repeat and cells == body:
                return m.group(0)
            opening = b"<table:table-row" + _with_repeat(attributes, _ROWS, kept)
            return opening + (b"/>" if body is None else b">" + cells + b"</table:table-row>")

        body = _ODS_ROW.sub(row, found.group(2))
        if lost:
            cut[sheet] = (min(first for first, _ in lost), sum(n for _, n in lost))
        if body == found.group(2):
            return found.group(0)
        return b"<table:table" + found.group(1) + b">" + body + b"</table:table>"

    return _ODS_TABLE.sub(table, content), cut


def _trim_cells(body: bytes, columns: int) -> tuple[bytes, bool]:
    """A row's cells without those past ``columns``; and whether any of those held content."""
    next_column, beyond = 0, False

    def cell(m: re.Match) -> bytes:
        nonlocal next_column, beyond
        kind, attributes, rest = m.groups()
        repeat = _repeat(attributes, _COLUMNS)
        start, next_column = next_column, next_column + repeat
        kept = min(repeat, max(0, columns - start))
        if kept < repeat and _has_content(m.group(0)):
            beyond = True
        if kept == repeat:
            return m.group(0)
        return b"<table:" + kind + _with_repeat(attributes, _COLUMNS, kept) + rest if kept else b""

    return _ODS_CELL.sub(cell, body), beyond


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
