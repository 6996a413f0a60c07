"""Rows of a large xlsxwriter sheet rendered straight as SpreadsheetML: same cells, a fraction
of the time.

xlsxwriter spends about 7 µs of Python on each cell (storing it, then writing its XML); the
summary's 任务明细 holds 640,000 cells at 5,000 tasks and a round's fillable workbooks a million.
`write_row` renders a row's ``<c>`` elements as the very XML xlsxwriter writes — values as
`excel.write_cell` writes them (text as a shared string of the workbook, never a formula; numbers;
blanks that carry their format), the same format indexes — and xlsxwriter still writes each row's
own tag (height, outline level, hidden, collapsed) from ``set_row``, the sheet's dimensions,
merges, validations and everything else. Rows with values xlsxwriter must handle itself (dates,
booleans, very long text) go through `excel.write_cell` as before.

This leans on XlsxWriter's internals, so it is fenced by version: at import the installed
XlsxWriter is checked against `SUPPORTED`, the releases these rows were checked with
(tests/test_summary_sheets.py compares rendered rows with xlsxwriter's own, cell by cell); any
other version writes every row cell by cell, slower, after a `RuntimeWarning` naming it.
"""

from __future__ import annotations

import math
import re
import warnings
import weakref
from importlib.metadata import PackageNotFoundError, version

from xltools.core.excel import column_letters, write_cell

# XlsxWriter releases whose worksheet internals rows are rendered for: from, and below.
# Before 3.3.0 worksheets keep no row_info (rows go cell by cell); 4.x is a new major release.
SUPPORTED = ((3, 3, 0), (4, 0, 0))

_STRING_MAX = 16383  # longer texts (up to Excel's 32,767 UTF-16 units) go through xlsxwriter
_RENDERED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # worksheet -> its rows


def supported(installed: str) -> bool:
    """True when rows may be rendered with XlsxWriter ``installed``; else warn, naming it."""
    parts = tuple(int(p) for p in re.findall(r"\d+", installed)[:3])
    if SUPPORTED[0] <= parts < SUPPORTED[1]:
        return True
    low, high = (".".join(map(str, v)) for v in SUPPORTED)
    warnings.warn(
        f"XlsxWriter {installed} is not a version xltools renders large sheets' rows for "
        f"({low} up to below {high}): writing them cell by cell instead, which is slower",
        RuntimeWarning,
        stacklevel=2,
    )
    return False


def _installed() -> str:
    try:
        return version("xlsxwriter")
    except PackageNotFoundError:  # not installed as a distribution: nothing to lean on
        return "(unknown)"


ENABLED = supported(_installed())


def render_rows(ws) -> None:
    """Let xlsxwriter worksheet ``ws`` take rows from `write_row` rendered as XML (call once,
    right after adding the sheet, before writing its rows)."""
    if not ENABLED or ws in _RENDERED:
        return
    # This leans on xlsxwriter's internals (see SUPPORTED): without them, or in
    # constant_memory mode (rows streamed as they come), rows are simply written cell by cell.
    internals = ("_write_row", "_check_dimensions", "table", "row_info", "str_table")
    if getattr(ws, "constant_memory", True) or not all(hasattr(ws, n) for n in internals):
        return
    if not hasattr(ws.str_table, "_get_shared_string_index"):
        return
    rendered: dict[int, str] = _RENDERED.setdefault(ws, {})
    write_tag = ws._write_row

    def _write_row(row, spans, row_info=None, empty_row=False):
        cells = rendered.get(row)
        if cells is None:
            write_tag(row, spans, row_info, empty_row)
            return
        # A rendered row holds no cells of xlsxwriter's, so it comes here as an empty row.
        write_tag(row, spans, row_info, False)
        ws.fh.write(cells)
        ws.fh.write("</row>")

    # xlsxwriter writes every row that has cells or a `set_row` through this method.
    ws._write_row = _write_row


def write_row(ws, row: int, values, formats, first_col: int = 0) -> None:
    """Write ``values`` from column ``first_col`` of ``row``, each with its format, as
    `excel.write_cell` would; rendered directly when `render_rows` was called for ``ws``. Set
    the row's height and outline with ``ws.set_row`` before or after, as for any row."""
    rendered = _RENDERED.get(ws)
    cells = None
    if rendered is not None and row not in rendered and row not in ws.table:
        cells = _cells_xml(ws, row, values, formats, first_col)
    if cells is None:
        for col, (value, cell_format) in enumerate(zip(values, formats, strict=True), first_col):
            write_cell(ws, row, col, value, cell_format)
        return
    rendered[row] = cells
    ws._check_dimensions(row, first_col)
    ws._check_dimensions(row, first_col + len(values) - 1)
    if row not in ws.row_info:
        # xlsxwriter writes only rows with cells of its own or row settings; a default row's
        # settings write the same <row> tag as a row of cells.
        ws.set_row(row, None)


def _simple(value, cell_format) -> bool:
    """True for a value `_cells_xml` writes as xlsxwriter would."""
    kind = type(value)
    if value is None or (kind is str and not value):
        return True
    if cell_format is None:
        return False
    if kind is str:
        return len(value) <= _STRING_MAX
    return (kind is int or kind is float) and math.isfinite(value)


def _cells_xml(ws, row: int, values, formats, first_col: int) -> str | None:
    """The ``<c>`` elements of a row as xlsxwriter writes them, or None when a value needs
    xlsxwriter's own handling (checked first: no shared string is counted for such a row)."""
    if not all(map(_simple, values, formats)):
        return None
    number = row + 1
    index = ws.str_table._get_shared_string_index
    parts = []
    col = first_col
    for value, cell_format in zip(values, formats, strict=True):
        if cell_format is not None:  # xlsxwriter writes no blank cell without a format
            start = f'<c r="{column_letters(col)}{number}" s="{cell_format._get_xf_index()}"'
            if value is None or value == "":
                parts.append(f"{start}/>")
            elif type(value) is str:
                parts.append(f'{start} t="s"><v>{index(value)}</v></c>')
            else:
                parts.append(f"{start}><v>{value:.16G}</v></c>")
        col += 1
    return "".join(parts)
