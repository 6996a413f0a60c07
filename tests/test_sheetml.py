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


AWKWARD = [
    "_x0041_",  # reads like Excel's escape of "A"
    "前_x000D_后 _xABCD_ _x12_",
    'say "hi" & <b>',
    "\x01铃\x07\x1f",
    "tab\there\nnew line",
    " leading",
    "trailing ",
    "=1+1",
    "长" * 32767,
]
AWKWARD_SHEETS = [
    ('a"b', ["文本", "编号"], [[text, n] for n, text in enumerate(AWKWARD)], None, "a&b"),
    ("A1", ["甲"], [["x"]], None, ""),
    ("O'Neil 表", ["乙"], [], None, ""),
    ("R&D", ["丙"], [["y"]], None, "R&D"),
]


def xlsxwriter_book(path, sheets):
    from xltools.core.sheetml import _FIXED

    with xlsxwriter.Workbook(path) as wb:
        wb.set_properties({"author": "xltools", "created": _FIXED})
        for name, headers, rows, widths, title in sheets:
            write_table(wb, name, headers, rows, widths=widths, title=title)
    return path


def parts(path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def canonical(xml: bytes) -> str:
    import xml.etree.ElementTree as ET

    return ET.canonicalize(xml.decode("utf-8"), strip_text=True)


def test_awkward_text_and_sheet_names_read_back_as_written(tmp_path):
    fast = write_tables(tmp_path / "fast.xlsx", AWKWARD_SHEETS)
    plain = xlsxwriter_book(tmp_path / "plain.xlsx", AWKWARD_SHEETS)
    expected = [["文本", "编号"], *([text, float(n)] for n, text in enumerate(AWKWARD))]
    for path in (fast, plain):
        sheets = read_sheets(path)  # python-calamine decodes _xHHHH_ as Excel does
        assert list(sheets) == ['a"b', "A1", "O'Neil 表", "R&D"]
        assert sheets['a"b'] == expected
        assert load_workbook(path).sheetnames == list(sheets)


def test_overlapping_escape_like_text_reads_back_as_written(tmp_path):
    # xlsxwriter (3.2, 3.3) escapes only the first of two overlapping _xHHHH_ and loses this one
    texts = ["_x005F_x0041_", "_x0041_x0042_", "__x0041__"]
    path = write_tables(tmp_path / "t.xlsx", [("t", ["文本"], [[t] for t in texts], None, "")])
    assert [row[0] for row in read_sheets(path)["t"][1:]] == texts


def test_shared_strings_are_escaped_as_xlsxwriter_escapes_them(tmp_path):
    import xml.etree.ElementTree as ET

    fast = parts(write_tables(tmp_path / "fast.xlsx", AWKWARD_SHEETS))
    plain = parts(xlsxwriter_book(tmp_path / "plain.xlsx", AWKWARD_SHEETS))

    def items(xml):
        root = ET.fromstring(xml)
        return [ET.tostring(si, encoding="unicode") for si in root]

    assert items(fast["xl/sharedStrings.xml"]) == items(plain["xl/sharedStrings.xml"])


def test_every_package_part_is_what_xlsxwriter_writes(tmp_path):
    """A hand-written package cannot drift from a well-kept one: every part but the worksheets
    (content types, relationships, docProps, workbook, styles, theme) means the same."""
    for n, sheets in enumerate((SHEETS, AWKWARD_SHEETS, SHEETS[:1])):
        fast = parts(write_tables(tmp_path / f"fast{n}.xlsx", sheets))
        plain = parts(xlsxwriter_book(tmp_path / f"plain{n}.xlsx", sheets))
        assert sorted(fast) == sorted(plain)
        for name in sorted(plain):
            if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
                continue
            assert canonical(fast[name]) == canonical(plain[name]), name
    assert b"officeDocument/2006/extended-properties" in fast["docProps/app.xml"]
