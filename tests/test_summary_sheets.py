"""Rows of the summary's list sheets rendered directly as SpreadsheetML (`xlsxrows`, as
`summary_sheets._row` writes them) read exactly as the same rows written cell by cell through
xlsxwriter."""

from __future__ import annotations

import datetime as dt

import openpyxl
import xlsxwriter

from xltools.core.excel import read_sheets
from xltools.core.xlsxrows import _RENDERED, render_rows, write_row
from xltools.summary.sheets import _row, summary_formats

STYLES = ["center", "wrap", "sub", "int", "num", "light", "flag", "sub_role"]
WIDTHS = [7, 34, 12, 10, 7, 5, 16, 20]
ROWS = [
    ["1", '任务<内容>&"引号"', "", 60, 12.5, "红", "自报已完成,但完成进度仅50%", "牵头单位"],
    ["=SUM(A1:A2)", "  前后有空格  ", None, 0, -3.25, "", "+1", "@x"],
    ["控制\x01字符", "第一行" * 20, "http://example.com", 10**17, 0.1, "绿", "-", ""],
    ["", "很长" * 300, "市发改委", 7, 1e-7, "黄", "", None],
    # Values xlsxwriter must handle itself: the whole row falls back to cell-by-cell writing.
    ["2", "日期", dt.date(2023, 6, 30), True, 1.0, "", "", ""],
    ["3", "超长" * 9000, "", 1, 2, "", "", ""],
]
OUTLINE = [{}, {"level": 1, "hidden": True}, {"level": 1}, {"collapsed": True}, {}, {}]


def _write(path, direct: bool) -> None:
    with xlsxwriter.Workbook(str(path), {"strings_to_formulas": False}) as wb:
        fmt = summary_formats(wb)
        ws = wb.add_worksheet("任务明细")
        ws.write_string(0, 0, "编号", fmt["header"])
        ws.outline_settings(True, False, True, False)
        if direct:
            render_rows(ws)
        for n, (values, outline) in enumerate(zip(ROWS, OUTLINE, strict=True), start=1):
            _row(ws, n, values, STYLES, WIDTHS, fmt, **outline)
        ws.merge_range(len(ROWS) + 1, 0, len(ROWS) + 1, len(STYLES) - 1, "注", fmt["note"])
        if direct:
            # The rows with ordinary values were rendered; the others went through xlsxwriter.
            assert sorted(_RENDERED[ws]) == [1, 2, 3, 4]


def _cell(c) -> tuple:
    return (
        c.value,
        c.data_type,
        repr(c.font),
        repr(c.fill),
        repr(c.border),
        repr(c.alignment),
        c.number_format,
    )


def test_direct_rows_read_as_xlsxwriter_writes_them(tmp_path):
    plain, direct = tmp_path / "plain.xlsx", tmp_path / "direct.xlsx"
    _write(plain, direct=False)
    _write(direct, direct=True)
    assert read_sheets(direct) == read_sheets(plain)
    sheet = read_sheets(direct)["任务明细"]
    assert sheet[2][0] == "=SUM(A1:A2)" and sheet[3][0] == "控制\x01字符"
    assert sheet[1][3] == 60 and sheet[4][1] == "很长" * 300
    a = openpyxl.load_workbook(plain)["任务明细"]
    b = openpyxl.load_workbook(direct)["任务明细"]
    assert b.dimensions == a.dimensions == "A1:H8"
    for r in range(1, len(ROWS) + 3):
        x, y = a.row_dimensions[r], b.row_dimensions[r]
        assert (y.height, y.hidden, y.outlineLevel) == (x.height, x.hidden, x.outlineLevel)
    assert b.row_dimensions[3].hidden and b.row_dimensions[3].outlineLevel == 1
    assert b.row_dimensions[4].height > 40  # text over several lines
    for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
        assert [_cell(c) for c in row_b] == [_cell(c) for c in row_a]
    assert b["F2"].fill.fgColor.rgb.endswith("C00000")  # the red light
    assert b["A3"].data_type == "s"  # text that looks like a formula stays text


def _plain_rows(path, render: bool, options: dict | None = None) -> None:
    with xlsxwriter.Workbook(str(path), options or {}) as wb:
        ws = wb.add_worksheet("列表")
        if render:
            render_rows(ws)
        bold = wb.add_format({"bold": True})
        # No set_row: a rendered row is still written; a None format writes no blank cell.
        write_row(ws, 0, ["编号", "", 3.5], [bold, None, bold])
        write_row(ws, 2, ["甲", None, "=1"], [None, bold, None])
        ws.set_row(3, 30)
        write_row(ws, 3, ["乙", 1, ""], [bold, bold, bold], first_col=2)


def test_rows_without_settings_and_constant_memory(tmp_path):
    plain, rendered, streamed = (tmp_path / f"{n}.xlsx" for n in ("a", "b", "c"))
    _plain_rows(plain, render=False)
    _plain_rows(rendered, render=True)
    _plain_rows(streamed, render=True, options={"constant_memory": True})  # not rendered
    expected = [["编号", "", 3.5, ""], ["", "", "", ""], ["甲", "", "=1", ""], ["", "", "乙", 1.0]]
    for path in (plain, rendered, streamed):
        assert read_sheets(path)["列表"] == expected
    a = openpyxl.load_workbook(plain)["列表"]
    b = openpyxl.load_workbook(rendered)["列表"]
    assert b.dimensions == a.dimensions == "A1:E4"
    assert b.row_dimensions[4].height == a.row_dimensions[4].height == 30
    for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
        assert [_cell(c) for c in row_b] == [_cell(c) for c in row_a]


def test_rows_are_rendered_only_for_the_xlsxwriter_versions_checked():
    import warnings

    from xltools.core import xlsxrows

    assert xlsxrows.ENABLED  # the installed XlsxWriter is one the rows were checked with
    assert xlsxrows.supported("3.3.0") and xlsxrows.supported("3.3.1")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert not xlsxrows.supported("4.0.0")
        assert not xlsxrows.supported("3.2.9")
        assert not xlsxrows.supported("(unknown)")
    assert [str(w.message).split(" is ")[0] for w in caught] == [
        "XlsxWriter 4.0.0",
        "XlsxWriter 3.2.9",
        "XlsxWriter (unknown)",
    ]
    assert all(w.category is RuntimeWarning for w in caught)
