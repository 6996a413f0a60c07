"""销号: closing a finished task in master.xlsx, as the office does in Excel."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from click.testing import CliRunner

from xltools.cli import main
from xltools.core.excel import read_sheets
from xltools.core.model import Master, Target, Task, Unit, parse_day
from xltools.distribute.diff import diff_masters
from xltools.distribute.forms import load_form
from xltools.distribute.round import build_specs
from xltools.master.workbook import check_master, read_master, write_master

UNITS = [Unit("甲局"), Unit("乙局")]


def master(*tasks: Task) -> Master:
    return Master(
        tasks=list(tasks),
        units=UNITS,
        targets=[Target("2-2", "新建泊位100个", 100.0, "个", "累计")],
    )


OPEN = Task("2-1", "二", "", "", "1", "推进甲项工作。", ("甲局",), ("乙局",))
DONE = Task(
    "2-2", "二", "", "", "2", "新建泊位100个。", ("乙局",), (), closed="2023-05-10",
    closed_basis="市政府督查室2023年5月验收意见",
)  # fmt: skip


def specs(m: Master, key: str, end: date):
    return build_specs(
        m,
        load_form("quarterly"),
        workspace_id="ws",
        title="测试",
        office="督查室",
        round_key=key,
        round_name=key,
        due=date(end.year, end.month + 1, 20),
        period_end=end,
    )


def test_the_columns_are_written_read_back_and_explained(tmp_path):
    path = write_master(master(OPEN, DONE), tmp_path / "master.xlsx")
    sheet = read_sheets(path)["任务清单"]
    assert sheet[0][9:11] == ["销号日期", "销号依据"]
    back = read_master(path)
    assert [(t.closed, t.closed_basis) for t in back.tasks] == [
        ("", ""),
        ("2023-05-10", "市政府督查室2023年5月验收意见"),
    ]
    assert back.tasks[1].closed_on == date(2023, 5, 10)
    notes = read_sheets(path)["说明"]
    assert any(row[1] == "销号日期、销号依据" for row in notes)


def test_a_date_typed_in_excel_is_read_as_a_day(tmp_path):
    from openpyxl import load_workbook

    path = write_master(master(OPEN, DONE), tmp_path / "master.xlsx")
    wb = load_workbook(path)
    wb["任务清单"]["J2"] = datetime(2023, 6, 30)  # Excel keeps a typed date as a date
    wb.save(path)
    assert read_master(path).tasks[0].closed == "2023-06-30"


def test_days_as_offices_write_them():
    assert parse_day("2023年6月30日") == parse_day("2023/6/30") == date(2023, 6, 30)
    assert parse_day("２０２３.６.３０") == date(2023, 6, 30)
    assert parse_day("2023-06-30 00:00:00") == date(2023, 6, 30)
    assert parse_day("6月底") is None and parse_day("2023-02-30") is None


def test_check_validates_the_date_and_asks_for_a_reason(tmp_path):
    path = write_master(
        master(
            replace(OPEN, closed="上半年"),
            replace(DONE, closed_basis=""),
            Task("2-3", "二", "", "", "3", "某任务", ("甲局",), closed_basis="已完成"),
        ),
        tmp_path / "master.xlsx",
    )
    report = check_master(read_master(path), path)
    assert report.rows("cell", "code", "severity") == [
        ("J2", "bad-closed-date", "错误"),
        ("K2", "closed-without-basis", "警告"),
        ("K3", "closed-without-basis", "警告"),
        ("J4", "basis-without-closed-date", "警告"),
    ]
    assert report.problems[0].message == (
        "任务清单第2行的销号日期“上半年”不是日期：请填写如 2023-06-30 的日期，未销号的任务请留空。"
    )
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "bad-closed-date" in result.stdout


def test_a_closed_task_leaves_the_forms_of_rounds_after_its_date():
    m = master(OPEN, DONE)
    q1 = {s.recipient: s for s in specs(m, "2023Q1", date(2023, 3, 31))}
    q2 = {s.recipient: s for s in specs(m, "2023Q2", date(2023, 6, 30))}
    assert [r.task for r in q1["乙局"].rows] == ["2-2", "2-1"]
    assert [t.task for t in q1["乙局"].targets] == ["2-2"]
    assert [r.task for r in q2["乙局"].rows] == ["2-1"]  # closed on 05-10: gone from 2023Q2
    assert q2["乙局"].targets == ()
    closed_on_the_last_day = master(OPEN, replace(DONE, closed="2023-03-31"))
    assert "2-2" not in [
        r.task for r in specs(closed_on_the_last_day, "Q1", date(2023, 3, 31))[1].rows
    ]


def test_diff_shows_a_closing_and_the_forms_it_changes():
    old, new = master(OPEN, replace(DONE, closed="", closed_basis="")), master(OPEN, DONE)
    result = diff_masters(old, new, old_day=date(2023, 3, 31), new_day=date(2023, 6, 30))
    assert [(c.kind, c.new, c.detail) for c in result.changes] == [
        ("closed", ("2-2",), "2023-05-10销号：市政府督查室2023年5月验收意见")
    ]
    assert [(f.recipient, f.removed) for f in result.forms] == [("乙局", ("2-2",))]
    back = diff_masters(new, old)
    assert [c.kind for c in back.changes] == ["reopened"]
    # Without the rounds' days (two files compared): a closed task is in no next workbook.
    assert [(f.recipient, f.removed) for f in diff_masters(old, new).forms] == [("乙局", ("2-2",))]
    assert [(f.recipient, f.added) for f in back.forms] == [("乙局", ("2-2",))]


def test_the_summary_counts_closed_tasks_apart_and_proposes_candidates(tmp_path):
    from xltools.summary.report import compute_summary, read_merged
    from xltools.summary.sheets import write_summary

    from . import test_summary as ts

    closed = {
        "2-4": ("2023-03-20", "一季度验收"),  # closed last quarter
        "2-9": ("2023-05-15", "市领导批示同意销号"),  # closed this quarter
    }
    tasks = [replace(t, closed=closed[t.id][0], closed_basis=closed[t.id][1]) if t.id in closed
             else t for t in ts.MASTER.tasks]  # fmt: skip
    added = ts.task("2-10", ts.S2, ts.D2, "新增的批示任务", [ts.B])
    m = replace(ts.MASTER, tasks=[*tasks, added])
    row = ["2-10", ts.S2, ts.D2, "", "10", added.text, ts.B, "牵头", "已采用", "序时推进", 50]
    q2 = [*ts.Q2_LINES, [*row, "已开展", "", "", ""]]  # 2-4 and 2-9 rows of an older master too
    ts.write_round(tmp_path / "Q1", ts.Q1_LINES)
    ts.write_round(tmp_path / "Q2", q2, ts.Q2_TARGETS, ts.Q2_STATUS)
    history = [(ts.Q1, read_merged(tmp_path / "Q1"))]
    summary = compute_summary(m, ts.Q2, read_merged(tmp_path / "Q2"), history=history)

    assert [t.id for t in summary.tasks] == ["1-1", "2-1", "2-2", "2-3", "2-5", "2-6", "2-7",
                                             "2-8", "2-10"]  # fmt: skip
    assert summary.total == 9 and summary.counts["未启动"] == 0  # 2-4 was the only one
    assert all(t.task_id != "2-9" for t in summary.targets)
    assert [t.id for t in summary.closing.closed] == ["2-4", "2-9"]
    assert [t.id for t in summary.closing.newly] == ["2-9"]
    assert [t.id for t in summary.closing.candidates] == ["1-1"]  # 2-7 is 已完成 at 30 %
    assert summary.closing.added == ["2-10"]

    path = tmp_path / "summary.xlsx"
    write_summary(summary, path)
    sheets = read_sheets(path)
    assert [r[1:5] + r[6:] for r in sheets["已销号"][2:]] == [
        ["2-4", ts.MASTER.tasks[4].text, ts.D, "2023-03-20", ""],
        ["2-9", ts.MASTER.tasks[9].text, ts.D, "2023-05-15", "是"],
    ]
    assert sheets["待销号"][1][-2:] == ["销号日期", "销号依据"]
    assert [r[1] for r in sheets["待销号"][2:3]] == ["1-1"] and sheets["待销号"][2][-2:] == ["", ""]
    details = {r[0]: r[-1] for r in sheets["任务明细"] if r[0]}
    assert details["2-10"].startswith("本季度新增任务") and "本季度新增" not in details["2-1"]
    overview = [[c for c in r if c not in ("", None)] for r in sheets["总览"]]
    figures = [r[-2:] for r in overview]
    assert ["已销号任务（不计入任务总数）", 2] in figures and ["其中本季度销号", 1] in figures


def test_import_and_init_of_an_existing_master_keep_its_closed_tasks(tmp_path):
    from openpyxl import load_workbook

    path = write_master(master(OPEN, DONE), tmp_path / "old.xlsx")
    wb = load_workbook(path)
    wb["任务清单"]["J2"] = datetime(2023, 6, 30)  # closed in Excel: a date cell
    wb["任务清单"]["K2"] = "现场核查"
    wb.save(path)
    result = CliRunner().invoke(main, ["import", str(path), "-o", str(tmp_path / "new.xlsx")])
    assert result.exit_code == 0, result.output
    sheet = read_sheets(tmp_path / "new.xlsx")["任务清单"]
    assert sheet[0].count("销号日期") == 1 and sheet[0].count("销号依据") == 1
    back = read_master(tmp_path / "new.xlsx")
    assert [(t.id, t.closed, t.closed_basis) for t in back.tasks] == [
        ("2-1", "2023-06-30", "现场核查"),
        ("2-2", "2023-05-10", "市政府督查室2023年5月验收意见"),
    ]
    assert all(t.extra == {} for t in back.tasks)
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ws"), "--plan", str(path)])
    assert result.exit_code == 0, result.output
    assert [t.closed for t in read_master(tmp_path / "ws" / "master.xlsx").tasks] == [
        "2023-06-30",
        "2023-05-10",
    ]
