"""Single checks of a returned workbook, each on a file changed the way units change them."""

from datetime import datetime

import pytest

from xltools.collect.round import _unit_in_name, collect_inbox, context
from xltools.core.excel import cell_name

from .test_collect import DUE, ROUND, col, fill, make_workspace, sent


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return make_workspace(tmp_path_factory.mktemp("validate") / "ws")


def check_one(ws, tmp_path, unit="市商务局", **kwargs):
    inbox = tmp_path / "inbox"
    fill(sent(ws, unit), inbox / f"{unit}.xlsx", **kwargs)
    ctx, _ = context(ws, ROUND)
    return collect_inbox(inbox, ctx, DUE)


def test_cell_names():
    assert [cell_name(0, 0), cell_name(4, 25), cell_name(9, 26), cell_name(0, 701)] == [
        "A1",
        "Z5",
        "AA10",
        "ZZ1",
    ]


def test_unit_names_in_file_names_longest_first(ws):
    ctx, _ = context(ws, ROUND)
    assert _unit_in_name("2023Q2_市商务局-修改版(2).xlsx", ctx.sent) == "市商务局"
    assert _unit_in_name("江岸区人民政府 报送.xlsx", ctx.sent) == "江岸区人民政府"
    assert _unit_in_name("进展.xlsx", ctx.sent) is None


def test_a_clean_return_has_no_problem(ws, tmp_path):
    result = check_one(ws, tmp_path)
    assert result.rows() == []
    assert result.submissions["市商务局"].answers[("2-3", "市商务局")]["progress"] == 50


def test_a_deleted_column_is_an_error(ws, tmp_path):
    def drop(wb):
        sheet = wb["填报表"]
        sheet.delete_cols(col(sheet, "本期工作进展"))

    result = check_one(ws, tmp_path, edit=drop)
    assert result.rows("sheet", "field", "code") == [("填报表", "本期工作进展", "column-missing")]


def test_moved_columns_are_read_by_header_and_reported(ws, tmp_path):
    def swap(wb):
        sheet = wb["填报表"]
        a, b = col(sheet, "完成状态"), col(sheet, "完成进度(%)")
        for r in range(1, sheet.max_row + 1):
            x, y = sheet.cell(r, a), sheet.cell(r, b)
            x.value, y.value = y.value, x.value

    result = check_one(ws, tmp_path, edit=swap)
    assert result.rows(
        "code",
    ) == [("columns-moved",)]
    answers = result.submissions["市商务局"].answers[("2-3", "市商务局")]
    assert (answers["status"], answers["progress"]) == ("序时推进", 50)


def test_a_file_without_identity_or_unit_name_is_unknown(ws, tmp_path):
    inbox = tmp_path / "inbox"
    fill(sent(ws, "市商务局"), inbox / "进展.xlsx", edit=lambda wb: wb.remove(wb["_xltools"]))
    from .test_collect import repack

    repack(
        inbox / "进展.xlsx", {"docProps/custom.xml": lambda d: d.replace(b"xltools.", b"other.")}
    )
    ctx, _ = context(ws, ROUND)
    result = collect_inbox(inbox, ctx, DUE)
    assert result.rows("unit", "file", "code") == [("", "进展.xlsx", "unknown-file")]


def test_target_rows_extra_and_duplicated(ws, tmp_path):
    def targets(wb):
        sheet = wb["指标"]
        for c in range(1, sheet.max_column + 1):
            sheet.cell(3, c).value = sheet.cell(2, c).value
            sheet.cell(4, c).value = sheet.cell(2, c).value
        sheet.cell(4, 1).value = "9-9"

    result = check_one(ws, tmp_path, edit=targets)
    assert result.rows("sheet", "cell", "code") == [
        ("指标", "A3", "target-row-duplicated"),
        ("指标", "A4", "target-row-extra"),
    ]


def test_a_missing_tasks_sheet(ws, tmp_path):
    result = check_one(ws, tmp_path, edit=lambda wb: wb.remove(wb["填报表"]))
    assert ("填报表", "sheet-missing") in result.rows("sheet", "code")


def test_late_and_superseded(ws, tmp_path):
    inbox = tmp_path / "inbox"
    fill(sent(ws, "市商务局"), inbox / "a.xlsx", saved=datetime(2023, 7, 25))
    fill(sent(ws, "市商务局"), inbox / "b" / "市商务局.xlsx", saved=datetime(2023, 7, 19))
    ctx, _ = context(ws, ROUND)
    result = collect_inbox(inbox, ctx, DUE)
    line = next(s for s in result.status if s.unit == "市商务局")
    assert (line.file, line.timeliness, line.superseded) == ("a.xlsx", "逾期", ("b/市商务局.xlsx",))


def test_a_cell_formatted_as_percent_holds_a_fraction(ws, tmp_path):
    def percent(wb):
        sheet = wb["填报表"]
        cell = sheet.cell(2, col(sheet, "完成进度(%)"))
        cell.value, cell.number_format = 0.4, "0%"  # what Excel stores when a user types 40%

    result = check_one(ws, tmp_path, edit=percent)
    assert result.rows() == []
    assert result.submissions["市商务局"].answers[("2-3", "市商务局")]["progress"] == 40


def test_a_bare_fraction_in_a_number_cell_is_ambiguous(ws, tmp_path):
    result = check_one(
        ws,
        tmp_path,
        rows={("2-3", "牵头"): {"完成状态": "序时推进", "完成进度(%)": 0.4, "本期工作进展": "x"}},
    )
    assert result.rows("cell", "code") == [("F2", "ambiguous-percent")]


def test_text_typed_with_a_leading_equals_sign_is_a_formula_error(ws, tmp_path):
    # Typed in Excel, "=无问题" is a formula whose value is #NAME?; calamine reads it as empty.
    import re

    from .test_collect import repack

    def formulas(wb):
        sheet = wb["填报表"]
        sheet.cell(2, col(sheet, "存在问题")).value = "=无问题"  # optional: nothing else says
        sheet.cell(2, col(sheet, "下步工作计划")).value = "=40+10"  # a working formula

    inbox = tmp_path / "inbox"
    path = fill(sent(ws, "市商务局"), inbox / "市商务局.xlsx", edit=formulas)

    def as_excel_saves(xml: bytes) -> bytes:
        """Cached values as Excel writes them: the error typed t="e", the sum's result."""
        text = "无问题"  # openpyxl writes it as character references
        refs = "".join(f"&#{ord(c)};" for c in text).encode()
        typed = b"<f>(?:" + re.escape(text.encode()) + b"|" + re.escape(refs) + b")</f>"
        xml = re.sub(
            rb'(<c r="[A-Z]+2")([^>]*>)(' + typed + rb")<v\s*/?>(?:</v>)?",
            rb'\1 t="e"\2\3<v>#NAME?</v>',
            xml,
        )
        return re.sub(rb"(<f>40\+10</f>)<v\s*/?>(?:</v>)?", rb"\1<v>50</v>", xml)

    repack(path, {"xl/worksheets/sheet2.xml": as_excel_saves})
    ctx, _ = context(ws, ROUND)
    result = collect_inbox(inbox, ctx, DUE)
    rows = result.rows("sheet", "field", "code")
    assert ("填报表", "", "formula-error") in rows
    assert [r for r in rows if r[2] == "formula-value"] == [("填报表", "", "formula-value")]
    problem = next(p for p in result.problems if p.code == "formula-error")
    assert problem.severity == "错误" and "“=”" in problem.message
