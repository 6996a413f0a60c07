"""Small helpers for the workbooks we write and read: names, safe text, office look, print setup."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from xltools.core.text import is_empty, squash

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
A4 = 9  # xlsxwriter / Excel paper code

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_BAD_FILE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def sheet_title(name: str) -> str:
    """A valid sheet title: at most 31 characters, none of ``[]:*?/\\``, not blank."""
    title = _BAD_TITLE.sub("_", name).strip("'").strip()
    return title[:31] or "Sheet"


def file_name(name: str, suffix: str = ".xlsx") -> str:
    """A file name safe on Windows: no reserved characters or names, no trailing dot or space."""
    stem = _BAD_FILE.sub("_", name).strip().rstrip(". ")
    if stem.upper() in _RESERVED:
        stem = f"_{stem}"
    return (stem[:120] or "_") + suffix


def write_cell(ws, row: int, col: int, value: object, fmt=None) -> None:
    """Write with xlsxwriter so that text always stays text, never a formula or a URL."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif hasattr(value, "year") and hasattr(value, "month"):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def set_text(cell, value: object) -> None:
    """Set an openpyxl cell; text from a unit stays text even when it starts with ``=``."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


# xlsxwriter properties of a sheet's title line and of a table's header row, shared by every
# workbook we write (office_formats here, the fillable workbooks in fillable.py).
TITLE_FORMAT = {
    "font_name": TITLE_FONT,
    "font_size": 16,
    "bold": True,
    "align": "center",
    "valign": "vcenter",
}
HEADER_FORMAT = {
    "font_name": TITLE_FONT,
    "font_size": 11,
    "bold": True,
    "border": 1,
    "align": "center",
    "valign": "vcenter",
    "text_wrap": True,
    "bg_color": "#D9E1F2",
}


def office_formats(wb) -> dict:
    """The formats of an office document: 仿宋 body, bold 宋体 titles, thin borders."""
    body = {"font_name": BODY_FONT, "font_size": 11, "valign": "vcenter", "border": 1}
    return {
        "title": wb.add_format({**TITLE_FORMAT}),
        "subtitle": wb.add_format(
            {"font_name": BODY_FONT, "font_size": 11, "align": "center", "valign": "vcenter"}
        ),
        "header": wb.add_format({**HEADER_FORMAT}),
        "body": wb.add_format(body),
        "wrap": wb.add_format({**body, "text_wrap": True, "valign": "top"}),
        "center": wb.add_format({**body, "align": "center"}),
        "number": wb.add_format({**body, "num_format": "#,##0.##"}),
        "percent": wb.add_format({**body, "num_format": "0.0%"}),
        "date": wb.add_format({**body, "num_format": "yyyy-mm-dd", "align": "center"}),
        "text": wb.add_format(
            {"font_name": BODY_FONT, "font_size": 11, "text_wrap": True, "valign": "top"}
        ),
    }


def print_setup(
    ws, title: str = "", *, landscape: bool = True, repeat_rows: tuple[int, int] | None = None
) -> None:
    """A4, fit to page width, the title in the header and "第 x 页 共 y 页" in the footer."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.fit_to_pages(1, 0)
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)
    if title:
        # The space ends the font-size code: "&12" + "2023年…" would read as size 122023.
        ws.set_header(f'&C&"{TITLE_FONT},Bold"&12 {_escape_hf(title)}')
    ws.set_footer(f'&C&"{BODY_FONT},Regular"&10第 &P 页 共 &N 页')


def _escape_hf(text: str) -> str:
    return text.replace("&", "&&")


@functools.lru_cache(maxsize=1024)
def column_letters(col: int) -> str:
    """Excel's letters of a 0-based column: 0 -> A, 26 -> AA (cached: large sheets ask often)."""
    letters, col = "", col + 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """A1-style name of a 0-based (row, col)."""
    return f"{column_letters(col)}{row + 1}"


ONE_LINE = 18.0  # points: a row of one line of 11-point text, as written by row_height


def text_width(text: str) -> int:
    """Display width in Excel character units: ASCII counts one, anything else (Chinese) two."""
    return 2 * len(text) - len(text.encode("ascii", "ignore"))


def row_height(values: Sequence[object], widths: Sequence[float]) -> float:
    """Points for a row whose wrapped cells show all their text. Neither xlsxwriter nor
    LibreOffice (which keeps stored heights on opening) fits heights, so the writer has to."""
    return min(409.0, wrapped_lines(values, widths) * 14.0 + 4)


def wrapped_lines(values: Sequence[object], widths: Sequence[float]) -> int:
    """Lines the tallest cell of a row takes, its text wrapped in its column (``widths`` in
    characters); numbers and empty cells take one. Runs for every row of a large sheet."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        kind = type(value)
        if kind is str:
            if not value:
                continue
            text = value
        elif value is None or isinstance(value, (int, float)):
            continue
        else:
            text = str(value)
        if 2 * len(text) <= width - 2 and "\n" not in text:
            continue  # one line, whatever the characters
        lines = max(lines, text_lines(text, width))
    return lines


def text_lines(text: str, width: float, padding: float = 2.0) -> int:
    """Lines ``text`` takes wrapped in a column ``width`` characters wide, ``padding`` of which
    the cell's margins take (see `text_width`); each line break starts a line."""
    room = max(1.0, width - padding)
    if "\n" not in text:
        return max(1, math.ceil(text_width(text) / room))
    return sum(max(1, math.ceil(text_width(part) / room)) for part in text.split("\n"))


def fit_widths(
    headers: Sequence[str], rows: Sequence[Sequence[object]], most: Sequence[float]
) -> list[float]:
    """Column widths that show each column's longest value on one line, at most ``most`` each
    (a longer value wraps): a list of a few short values then prints one line per row."""
    widths = []
    for col, header in enumerate(headers):
        longest = max(
            (text_width(str(row[col])) for row in rows if col < len(row) and row[col] is not None),
            default=0,
        )
        widths.append(min(most[col], max(6, text_width(header) + 2, longest + 3)))
    return widths


def write_table(
    wb,
    name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    widths: Sequence[float] | None = None,
    formats: dict | None = None,
    title: str = "",
    landscape: bool = True,
):
    """A plain list sheet: bold header, every value as typed (text never a formula), filter,
    frozen header and print settings. Returns the worksheet."""
    fmt = formats or office_formats(wb)
    ws = wb.add_worksheet(sheet_title(name))
    sizes = [
        widths[col] if widths and col < len(widths) else max(8, min(40, 2.2 * len(header) + 2))
        for col, header in enumerate(headers)
    ]
    for col, width in enumerate(sizes):
        ws.set_column(col, col, width)
    for col, header in enumerate(headers):
        ws.write_string(0, col, header, fmt["header"])
    count = 0
    for r, row in enumerate(rows, start=1):
        height = row_height(row, sizes)
        if height > ONE_LINE:
            ws.set_row(r, height)  # before the cells: rows may be flushed (constant_memory)
        for c, value in enumerate(row):
            write_cell(ws, r, c, value, fmt["wrap"])
        count = r
    ws.freeze_panes(1, 0)
    if headers:
        ws.autofilter(0, 0, max(count, 1), len(headers) - 1)
    print_setup(ws, title or name, landscape=landscape, repeat_rows=(0, 0))
    return ws


def read_sheets(source: str | Path | bytes) -> dict[str, list[list]]:
    """Every sheet's cell values (as python-calamine gives them), by sheet name, in order."""
    import io

    from python_calamine import CalamineWorkbook

    if isinstance(source, bytes):
        book = CalamineWorkbook.from_filelike(io.BytesIO(source))
    else:
        book = CalamineWorkbook.from_path(str(source))
    return {
        name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in book.sheet_names
    }


@functools.lru_cache(maxsize=4096, typed=True)
def header_key(text: object) -> str:
    """A header cell as compared: squashed, without the required-field markers and line breaks a
    unit or the writer may add around a label. Cached: every file repeats the same few dozen
    headers (and typed, so 1, 1.0 and True differ)."""
    return squash(text).strip("*＊").replace("(必填)", "")


def find_header(
    sheets: dict[str, list[list]],
    anchor: str,
    labels: Iterable[str] = (),
    wanted: str | None = None,
    max_rows: int = 15,
) -> tuple[str, int, dict[str, int]] | None:
    """(sheet name, header row, {header key: column}) of the first table whose header row (in the
    first ``max_rows``) holds ``anchor`` and, when ``labels`` are given, at least one of them.
    Sheet ``wanted`` is tried first, then the others (a renamed sheet is still found)."""
    keys = {header_key(x) for x in labels}
    anchor = header_key(anchor)
    order = [wanted, *(s for s in sheets if s != wanted)] if wanted else list(sheets)
    for name in order:
        rows = sheets.get(name)
        if not rows:
            continue
        for r, row in enumerate(rows[:max_rows]):
            heads = {header_key(v): c for c, v in reversed(list(enumerate(row))) if not is_empty(v)}
            if anchor in heads and (not keys or keys & set(heads)):
                return name, r, heads
    return None


def sheet_records(grid: Sequence[Sequence[object]]) -> tuple[list[str], list[dict[str, object]]]:
    """A sheet read by header name: its first row's headers (`text.clean`) and, for each later
    row holding a value, ``{header: value}`` (columns without a header left out)."""
    from xltools.core.text import clean

    headers = [clean(h) for h in grid[0]] if grid else []
    records = [
        {h: v for h, v in zip(headers, values, strict=False) if h}
        for values in grid[1:]
        if any(v not in ("", None) for v in values)
    ]
    return headers, records
