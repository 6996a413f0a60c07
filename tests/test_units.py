import pytest

from xltools.core.errors import MasterError
from xltools.core.model import Unit, is_group_word
from xltools.master.units import (
    merge_units,
    near_duplicates,
    read_units,
    similarity,
    split_list,
    undefined_groups,
    units_from_rows,
)

HEADERS = ["单位名称", "别名", "所属分组", "承办单位", "督办联系人", "联系电话", "邮箱"]


def write_book(path, sheets):
    import xlsxwriter

    with xlsxwriter.Workbook(str(path)) as wb:
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        ws.write(r, c, value)
    return path


def test_split_list_keeps_brackets_and_accepts_any_separator():
    assert split_list("各县(市、区)人民政府、各相关单位") == ["各县(市、区)人民政府", "各相关单位"]
    assert split_list("市发改委, 市发展改革委；发改委\n发改委") == [
        "市发改委",
        "市发展改革委",
        "发改委",
    ]
    assert split_list("") == []
    assert split_list(None) == []


def test_group_words_start_with_ge():
    assert is_group_word("各区人民政府")
    assert is_group_word(" 各相关单位")
    assert not is_group_word("市发改委")


def test_units_are_read_by_header_name_in_any_order_below_a_title_row():
    rows = [
        ["武汉市单位名录", None, None],
        ["联系电话", "所属分组", "单位名称"],
        [13912345678.0, "各区人民政府、各中心城区人民政府", "江岸区人民政府"],
        [None, None, None],
        ["", "", "市发改委"],
    ]
    units = units_from_rows(rows, "x.xlsx")
    assert units == [
        Unit("江岸区人民政府", groups=("各区人民政府", "各中心城区人民政府"), phone="13912345678"),
        Unit("市发改委"),
    ]


def test_a_directory_without_the_name_column_is_refused_by_name():
    with pytest.raises(MasterError, match="x.xlsx: sheet 单位名录 lacks the column.s. 单位名称"):
        units_from_rows([["名称", "别名"], ["市发改委", ""]], "x.xlsx")


def test_read_units_from_a_workbook(tmp_path):
    path = write_book(
        tmp_path / "units.xlsx",
        {
            "其他": [["x"]],
            "单位名录": [HEADERS, ["市发改委", "市发展改革委", "", "", "张三", "", ""]],
        },
    )
    assert read_units(path) == [Unit("市发改委", aliases=("市发展改革委",), contact="张三")]


def test_read_units_names_the_missing_sheet(tmp_path):
    path = write_book(tmp_path / "units.xlsx", {"Sheet1": [HEADERS]})
    with pytest.raises(
        MasterError, match=r"units.xlsx: no sheet named 单位名录 \(sheets: Sheet1\)"
    ):
        read_units(path)


def test_read_units_of_a_missing_or_broken_file(tmp_path):
    with pytest.raises(MasterError, match="no such file"):
        read_units(tmp_path / "none.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(MasterError, match="bad.xlsx: cannot read it"):
        read_units(bad)


def test_merge_completes_plan_units_from_the_directory_and_keeps_the_rest():
    plan_units = [
        Unit("市建设国际消费中心城市工作领导小组办公室", host="市商务局"),
        Unit("市发改委"),
        Unit("市商务局"),
        Unit("市新局"),
    ]
    existing = [
        Unit("江岸区人民政府", groups=("各区人民政府",), contact="李四"),
        Unit("市发展改革委", aliases=("市发改委",), contact="张三", host=""),
        Unit("市商务局", phone="123"),
        Unit("市建设国际消费中心城市工作领导小组办公室", email="a@b.cn"),
    ]
    merged = merge_units(plan_units, existing)
    assert merged == [
        Unit("市建设国际消费中心城市工作领导小组办公室", host="市商务局", email="a@b.cn"),
        Unit("市发展改革委", aliases=("市发改委",), contact="张三"),
        Unit("市商务局", phone="123"),
        Unit("市新局"),
        Unit("江岸区人民政府", groups=("各区人民政府",), contact="李四"),
    ]


def test_merge_keeps_the_directory_host_over_the_plans():
    merged = merge_units([Unit("办公室", host="市商务局")], [Unit("办公室", host="市经信局")])
    assert merged[0].host == "市经信局"
    assert [u.name for u in merged] == ["办公室", "市经信局"]  # the host gets its own row


def test_merge_adds_a_host_that_no_task_names():
    merged = merge_units([Unit("领导小组办公室", host="市商务局")])
    assert [u.name for u in merged] == ["领导小组办公室", "市商务局"]


def test_merge_does_not_repeat_a_unit_named_twice_or_by_alias():
    merged = merge_units(
        [Unit("市发改委"), Unit("市发展改革委"), Unit("市发改委")],
        [Unit("市发展改革委", aliases=("市发改委",))],
    )
    assert [u.name for u in merged] == ["市发展改革委"]


def test_undefined_groups():
    units = [Unit("江岸区人民政府", groups=("各区人民政府",)), Unit("市发改委")]
    assert undefined_groups(["各区人民政府", "各相关单位", "各相关单位"], units) == ["各相关单位"]


@pytest.mark.parametrize(
    "a, b",
    [
        ("市发改委", "市发展改革委"),
        ("市经信局", "市经济和信息化局"),
        ("市文旅局", "市文化和旅游局"),
        ("市国资委", "市政府国资委"),
        ("江岸区", "江岸区人民政府"),
        ("东湖高新区", "东湖高新区管委会"),
        ("市 发改委", "市发改委"),
        ("市发改委", "市发改委 "),
    ],
)
def test_near_duplicates_are_found(a, b):
    assert similarity(a, b)
    assert similarity(b, a)


@pytest.mark.parametrize(
    "a, b",
    [
        ("市民政局", "市民宗委"),
        ("市城建局", "市城管执法委"),
        ("武汉城建集团", "武汉城发集团"),
        ("东湖高新区管委会", "东湖风景区管委会"),
        ("市残联", "市残疾人联合会"),  # too short to tell from an accident
        ("市商务局", "市市场监管局"),
        ("市发改委", "市发改委"),
    ],
)
def test_different_units_are_not_near_duplicates(a, b):
    assert similarity(a, b) == ""


def test_near_duplicates_lists_each_pair_once_with_a_reason():
    pairs = near_duplicates(["市发改委", "市经信局", "市发展改革委", "市发改委"])
    assert pairs == [("市发改委", "市发展改革委", "“市发改委”像是“市发展改革委”的简称")]
