import math
from types import SimpleNamespace

import pytest

from xltools.core.contracts import TARGET_HEADERS, TASK_HEADERS, UNIT_HEADERS
from xltools.core.errors import MasterError
from xltools.core.excel import read_sheets
from xltools.core.model import Master, Target, Task, Unit
from xltools.core.problems import Problem
from xltools.master.workbook import (
    build_master,
    check_master,
    counts,
    read_master,
    write_master,
)

from .test_units import write_book

TASKS = [
    Task(
        "1-1",
        "一、主要目标",
        "",
        "",
        "(一)",
        "地区生产总值增长6.5%以上。",
        ("市发改委",),
        ("各区人民政府",),
    ),
    Task(
        "2-1",
        "二、重点工作",
        "(一)扩大内需",
        "——提振消费",
        "1",
        "=新增品牌连锁便利店200家、智慧商店1000家。",
        ("领导小组办公室",),
        ("市发改委", "江岸区人民政府"),
        "备注",
    ),
    Task(
        "2-2",
        "二、重点工作",
        "(一)扩大内需",
        "——提振消费",
        "2",
        "着力振兴汉派服装。",
        (),
        ("市经信局",),
    ),
]
UNITS = [
    Unit("市发改委", aliases=("市发展改革委",), contact="张三", phone="027-1", email="a@b.cn"),
    Unit("领导小组办公室", host="市商务局"),
    Unit("市商务局"),
    Unit("市经信局"),
    Unit("江岸区人民政府", groups=("各区人民政府", "各中心城区人民政府")),
    Unit("东湖高新区管委会", groups=("各区人民政府",)),
]
TARGETS = [
    Target("1-1", "地区生产总值增长6.5%以上", 6.5, "%", "水平", "以上"),
    Target("2-1", "新增品牌连锁便利店200家", 200, "家", "累计"),
]


def sample_master() -> Master:
    return Master(tasks=list(TASKS), units=list(UNITS), targets=list(TARGETS))


def codes(report):
    return report.rows("sheet", "cell", "code")


def test_write_then_read_gives_the_same_master(tmp_path):
    path = write_master(sample_master(), tmp_path / "out" / "master.xlsx")
    back = read_master(path)
    assert [replace_line(t) for t in back.tasks] == TASKS
    assert [t.line for t in back.tasks] == [2, 3, 4]
    assert back.units == UNITS
    assert back.targets == TARGETS
    assert not list((tmp_path / "out").glob(".master-*"))  # no temporary file left behind


def replace_line(task):
    from dataclasses import replace

    return replace(task, line=0)


def test_the_workbook_follows_the_contract(tmp_path):
    path = write_master(sample_master(), tmp_path / "master.xlsx")
    sheets = read_sheets(path)
    assert list(sheets) == ["任务清单", "单位名录", "指标", "说明"]
    assert tuple(sheets["任务清单"][0]) == TASK_HEADERS
    assert tuple(sheets["单位名录"][0]) == UNIT_HEADERS
    assert tuple(sheets["指标"][0]) == TARGET_HEADERS
    assert (
        sheets["任务清单"][2][5] == "=新增品牌连锁便利店200家、智慧商店1000家。"
    )  # text, not a formula
    assert sheets["任务清单"][2][7] == "市发改委、江岸区人民政府"
    assert sheets["单位名录"][5][2] == "各区人民政府、各中心城区人民政府"
    assert sheets["指标"][2][2] == 200


def test_an_office_may_move_columns_and_add_a_title_row(tmp_path):
    rows = [
        ["2023年任务清单"],
        ["任务内容", "责任单位", "编号", "牵头单位"],
        ["某任务", "市发改委", 7.0, ""],
    ]
    path = write_book(
        tmp_path / "m.xlsx",
        {
            "任务清单": rows,
            "单位名录": [["单位名称"], ["市发改委"]],
            "指标": [list(TARGET_HEADERS), ["7", "新增12万个", "12万", "个", "累计", ""]],
        },
    )
    master = read_master(path)
    assert master.tasks == [Task("7", "", "", "", "", "某任务", (), ("市发改委",), line=3)]
    assert master.targets[0].value == 120000


def test_read_master_names_what_is_missing(tmp_path):
    with pytest.raises(MasterError, match="no such master workbook"):
        read_master(tmp_path / "none.xlsx")
    path = write_book(
        tmp_path / "a.xlsx", {"任务清单": [list(TASK_HEADERS)], "单位名录": [["单位名称"]]}
    )
    with pytest.raises(
        MasterError, match=r"a.xlsx: no sheet named 指标 \(sheets: 任务清单, 单位名录\)"
    ):
        read_master(path)
    path = write_book(
        tmp_path / "b.xlsx",
        {
            "任务清单": [["编号", "任务内容"]],
            "单位名录": [["单位名称"]],
            "指标": [list(TARGET_HEADERS)],
        },
    )
    with pytest.raises(
        MasterError, match="b.xlsx: sheet 任务清单 lacks the column.s. 牵头单位, 责任单位"
    ):
        read_master(path)
    bad = tmp_path / "c.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(MasterError, match="c.xlsx: cannot read it as a workbook"):
        read_master(bad)


def test_a_sound_master_has_no_problems(tmp_path):
    master = sample_master()
    assert check_master(master).problems == []
    path = write_master(master, tmp_path / "master.xlsx")
    assert check_master(read_master(path), path).problems == []


def break_and_check(tmp_path, tasks=(), units=(), targets=()):
    """Write the sample master with its sheets' rows replaced, read it back and check it."""
    master = sample_master()
    master.tasks = list(tasks) or master.tasks
    master.units = list(units) or master.units
    master.targets = list(targets) or master.targets
    path = write_master(master, tmp_path / "master.xlsx")
    report = check_master(read_master(path), path)
    assert all(p.file == "master.xlsx" for p in report.problems)
    return report


def test_check_finds_duplicate_and_missing_ids(tmp_path):
    tasks = [TASKS[0], TASKS[1], replace_id(TASKS[2], "2-1"), replace_id(TASKS[2], "")]
    report = break_and_check(tmp_path, tasks=tasks)
    assert codes(report) == [("任务清单", "A4", "duplicate-id"), ("任务清单", "A5", "missing-id")]
    assert report.problems[0].message == "任务清单第4行的编号“2-1”与第3行重复：请改为唯一的编号。"


def replace_id(task, new_id):
    from dataclasses import replace

    return replace(task, id=new_id)


def test_check_finds_empty_texts_and_tasks_without_owners(tmp_path):
    from dataclasses import replace

    tasks = [TASKS[0], replace(TASKS[1], text=""), replace(TASKS[2], lead=(), responsible=())]
    report = break_and_check(tmp_path, tasks=tasks)
    assert codes(report) == [("任务清单", "F3", "empty-text"), ("任务清单", "G4", "no-owner")]
    assert all(p.severity == "错误" for p in report.problems)


def test_check_finds_unknown_units_and_suggests_an_alias(tmp_path):
    from dataclasses import replace

    tasks = [
        TASKS[0],
        replace(TASKS[1], responsible=("市发展和改革委", "市新设局", "市新设局")),
        replace(TASKS[2], lead=("市经济和信息化局",), responsible=("市经信局",)),
    ]
    report = break_and_check(tmp_path, tasks=tasks)
    assert codes(report) == [
        ("任务清单", "H3", "unknown-unit"),
        ("任务清单", "H3", "unknown-unit"),
        ("任务清单", "G4", "unknown-unit"),
    ]
    assert report.problems[0].message == (
        "任务清单第3行的责任单位“市发展和改革委”不在单位名录中：单位名录中有相近的“市发改委”，"
        "如为同一单位，请在其“别名”中填写“市发展和改革委”；否则请在单位名录中增加一行“市发展和改革委”。"
    )
    assert report.problems[1].message.endswith("不在单位名录中：请在单位名录中增加一行“市新设局”。")
    assert report.problems[2].value == "市经信局"


def test_check_accepts_an_alias_as_an_owner(tmp_path):
    from dataclasses import replace

    tasks = [replace(TASKS[0], lead=("市发展改革委",)), *TASKS[1:]]
    assert break_and_check(tmp_path, tasks=tasks).problems == []


def test_check_finds_undefined_group_words(tmp_path):
    from dataclasses import replace

    tasks = [replace(TASKS[0], responsible=("各区人民政府", "各相关单位")), *TASKS[1:]]
    report = break_and_check(tmp_path, tasks=tasks)
    assert codes(report) == [("任务清单", "H2", "undefined-group")]
    assert "“各相关单位”在单位名录中没有成员" in report.problems[0].message


def test_check_finds_directory_mistakes(tmp_path):
    units = [
        *UNITS,
        Unit("市发展改革委"),  # an alias of 市发改委 listed again
        Unit("市经济和信息化局"),  # near-duplicate of 市经信局
        Unit("办公室乙", host="市不存在局"),
        Unit("", contact="王五"),
    ]
    report = break_and_check(tmp_path, units=units)
    assert report.rows("sheet", "cell", "code", "severity") == [
        ("单位名录", "A8", "duplicate-unit", "错误"),
        ("单位名录", "A11", "empty-unit-name", "错误"),
        ("单位名录", "D10", "unknown-host", "错误"),
        ("单位名录", "A9", "near-duplicate", "警告"),
    ]
    assert report.problems[3].message == (
        "单位名录第5行“市经信局”与第9行“市经济和信息化局”可能是同一单位"
        "（“市经信局”像是“市经济和信息化局”的简称）：如是，请保留一行，把另一写法填入其“别名”。"
    )


def test_check_finds_hosts_in_a_cycle_once(tmp_path):
    """Distribute would stop on them; check names each cycle once, at its first row."""
    units = [
        *UNITS,
        Unit("办公室甲", host="办公室乙"),
        Unit("办公室乙", host="办公室丙"),
        Unit("办公室丙", host="办公室甲"),
        Unit("办公室丁", host="办公室乙"),  # leads into the cycle: not a cycle of its own
        Unit("办公室戊", aliases=("戊办",), host="戊办"),  # hosts itself by its alias: fine
    ]
    report = break_and_check(tmp_path, units=units)
    assert codes(report) == [("单位名录", "D8", "host-cycle")]
    assert report.problems[0].message == (
        "单位名录第8行“办公室甲”的承办单位形成循环（办公室甲 → 办公室乙 → 办公室丙 → 办公室甲）："
        "请清空实际接收工作簿的单位的承办单位。"
    )


def test_check_finds_target_mistakes(tmp_path):
    targets = [
        *TARGETS,
        Target("9-9", "新增1个", 1, "个", "累计"),
        Target("2-1", "x", math.nan, "个", "多少"),
    ]
    report = break_and_check(tmp_path, targets=targets)
    assert codes(report) == [
        ("指标", "A4", "unknown-task"),
        ("指标", "C5", "target-not-number"),
        ("指标", "E5", "bad-target-kind"),
    ]


def test_check_of_a_master_in_memory_names_the_rows_it_would_have():
    master = sample_master()
    master.tasks = [*TASKS, TASKS[0]]
    assert codes(check_master(master)) == [("任务清单", "A5", "duplicate-id")]


def fake_plan(**changes):
    plan = SimpleNamespace(
        title="2023年方案",
        tasks=list(TASKS),
        units=[Unit("市发改委"), Unit("领导小组办公室", host="市商务局"), Unit("市经信局")],
        groups={"各区人民政府": "含开发区、长江新区、风景区管委会,下同"},
        due=None,
        problems=[Problem("task-without-owners", "警告", "第9行…", line=9)],
    )
    plan.__dict__.update(changes)
    return plan


def test_build_master_from_a_plan_reports_undefined_groups():
    master, report = build_master(fake_plan())
    assert [u.name for u in master.units] == ["市发改委", "领导小组办公室", "市经信局", "市商务局"]
    assert [(t.task_id, t.value, t.unit) for t in master.targets] == [
        ("1-1", 6.5, "%"),
        ("2-1", 200, "家"),
        ("2-1", 1000, "家"),
    ]
    assert report.rows("code", "unit", "line") == [
        ("task-without-owners", "", 9),
        ("undefined-group", "各区人民政府", 0),
    ]
    assert "（方案中的说明：“含开发区、长江新区、风景区管委会,下同”）" in report.problems[1].message
    assert counts(master, report) == {
        "tasks": 3,
        "units": 4,
        "groups": 1,
        "targets": 3,
        "warnings": 2,
    }


def test_build_master_with_a_directory_defines_the_groups(tmp_path):
    path = write_master(sample_master(), tmp_path / "last-year.xlsx")
    master, report = build_master(fake_plan(), path)
    assert report.rows("code") == [("task-without-owners",)]
    assert master.unit("市发改委").contact == "张三"
    assert master.members("各区人民政府") == ["江岸区人民政府", "东湖高新区管委会"]
    assert check_master(master).valid


def test_build_master_warns_about_near_duplicates():
    plan = fake_plan(units=[Unit("市发改委"), Unit("市发展改革委")], groups={})
    _, report = build_master(plan)
    assert ("near-duplicate", "市发改委") in report.rows("code", "unit")


def test_check_finds_an_id_that_excel_made_a_date(tmp_path):
    from datetime import datetime

    import xlsxwriter

    path = tmp_path / "m.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet("任务清单")
        ws.write_row(0, 0, TASK_HEADERS)
        ws.write_datetime(1, 0, datetime(2023, 2, 1), wb.add_format({"num_format": "m月d日"}))
        ws.write_row(1, 5, ["某任务", "市发改委"])
        wb.add_worksheet("单位名录").write_column(0, 0, ["单位名称", "市发改委"])
        wb.add_worksheet("指标").write_row(0, 0, TARGET_HEADERS)
    report = check_master(read_master(path), path)
    assert codes(report) == [("任务清单", "A2", "id-is-date")]
    assert "编号被Excel当作日期" in report.problems[0].message


def test_extra_columns_are_kept_by_header_after_the_contract(tmp_path):
    from dataclasses import replace

    tasks = [
        replace(TASKS[0], extra={"完成时限": "6月底前", "责任领导": "张副市长"}),
        replace(TASKS[1], extra={"完成时限": "2023-12-31"}),
        TASKS[2],
    ]
    master = Master(tasks=tasks, units=list(UNITS), targets=list(TARGETS))
    path = write_master(master, tmp_path / "master.xlsx")
    sheet = read_sheets(path)["任务清单"]
    assert tuple(sheet[0]) == (*TASK_HEADERS, "完成时限", "责任领导")
    assert sheet[2][len(TASK_HEADERS) :] == ["2023-12-31", ""]
    back = read_master(path)
    assert [t.extra for t in back.tasks] == [
        {"完成时限": "6月底前", "责任领导": "张副市长"},
        {"完成时限": "2023-12-31", "责任领导": ""},
        {"完成时限": "", "责任领导": ""},
    ]
    write_master(back, tmp_path / "again.xlsx")  # read_master -> write_master keeps them
    assert read_sheets(tmp_path / "again.xlsx")["任务清单"] == sheet


def test_a_column_the_office_adds_in_excel_survives_check(tmp_path):
    rows = [
        ["2023年任务清单"],
        [*TASK_HEADERS, "督办科室", None, "责任领导"],
        ["7", "", "", "", "1", "某任务", "", "市发改委", "", "", "", "一科", None, 42.0],
    ]
    path = write_book(
        tmp_path / "m.xlsx",
        {
            "任务清单": rows,
            "单位名录": [["单位名称"], ["市发改委"]],
            "指标": [list(TARGET_HEADERS)],
        },
    )
    master = read_master(path)
    assert master.tasks[0].extra == {"督办科室": "一科", "责任领导": "42"}  # no header: not kept
    assert check_master(master, path).problems == []
    write_master(master, tmp_path / "out.xlsx")
    assert read_sheets(tmp_path / "out.xlsx")["任务清单"][0][-2:] == ["督办科室", "责任领导"]


def test_check_warns_about_a_deadline_it_cannot_read(tmp_path):
    from dataclasses import replace

    tasks = [
        replace(TASKS[0], extra={"完成时限": "6月底前"}),
        replace(TASKS[1], extra={"完成时限": "尽快"}),
        replace(TASKS[2], extra={"完成时限": "持续推进"}),
    ]
    master = Master(tasks=tasks, units=list(UNITS), targets=list(TARGETS))
    path = write_master(master, tmp_path / "master.xlsx")
    report = check_master(read_master(path), path)
    assert [(p.cell, p.code, p.severity, p.value) for p in report.problems] == [
        ("L3", "unreadable-deadline", "警告", "尽快")
    ]
    assert report.problems[0].message.startswith("任务清单第3行的完成时限“尽快”无法识别为日期")
