"""sheetml writes the merged data directly; it must read and look as excel.write_table's tables."""

import datetime as dt

import xlsxwriter
from openpyxl import load_workbook

from xltools.core.excel import read_sheets, write_table
from xltools.core.sheetml import write_tables

HEADERS = ["编号", "单位", "完成进度(%)", "本期工作进展", "填报日期", "已采用"]
ROWS = [
    ["2-1", "市发改委", 60.0, "=SUM(A1:A9)", dt.datetime(2023, 6, 30), True],
    ["2-2", "江岸区人民政府", 12.5, "+86 027 8888 & <b>加粗</b>", None, False],
    ["2-3", "市商务局", "", "行一\n行二\x07铃", "", ""],
    ["2-4", "市人社局", 0, "长" * 40000, "", ""],
]
SHEETS = [
    ("任务填报", HEADERS, ROWS, [8, 14, 9, 40, 11, 6], "任务填报汇总"),
    ("空表", ["甲"], [], None, ""),
]


def both(tmp_path):
    fast = write_tables(tmp_path / "fast.xlsx", SHEETS)
    plain = tmp_path / "plain.xlsx"
    with xlsxwriter.Workbook(plain) as wb:
        for name, headers, rows, widths, title in SHEETS:
            write_table(wb, name, headers, rows, widths=widths, title=title)
    return fast, plain


def test_values_read_back_as_write_table_writes_them(tmp_path):
    fast, plain = both(tmp_path)
    a, b = read_sheets(fast), read_sheets(plain)
    assert list(a) == ["任务填报", "空表"]
    # write_table leaves text over Excel's 32,767 characters to Excel; sheetml cuts it there
    b["任务填报"][4][3] = b["任务填报"][4][3][:32767]
    assert a == b
    assert a["任务填报"][1][3] == "=SUM(A1:A9)"  # text that looks like a formula stays text


def test_formulas_never_written(tmp_path):
    fast, _ = both(tmp_path)
    cell = load_workbook(fast)["任务填报"]["D2"]
    assert cell.data_type == "s" and cell.value == "=SUM(A1:A9)"


def test_looks_like_write_table(tmp_path):
    fast, plain = both(tmp_path)
    for path in (fast, plain):
        ws = load_workbook(path)["任务填报"]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == "A1:F5"
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        assert "任务填报汇总" in ws.oddHeader.center.text and "&P" in ws.oddFooter.center.text
        assert ws["A1"].font.b and ws["A1"].font.name == "宋体"
        assert ws["B2"].font.name == "仿宋" and ws["B2"].alignment.wrap_text
        assert ws["B2"].border.left.style == "thin"
        assert round(ws.column_dimensions["D"].width) in (40, 41)


def test_same_tables_same_bytes(tmp_path):
    a = write_tables(tmp_path / "a.xlsx", SHEETS).read_bytes()
    b = write_tables(tmp_path / "b.xlsx", SHEETS).read_bytes()
    assert a == b
