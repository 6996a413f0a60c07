"""The summary's follow-up: 逾期 by 完成时限, tasks due next quarter, counts by 责任领导."""

import datetime as dt
from dataclasses import replace

from openpyxl import load_workbook

from xltools.core.model import Master
from xltools.summary.followup import next_quarter
from xltools.summary.model import Rules
from xltools.summary.report import compute_summary, make_summary, read_merged
from xltools.summary.sheets import SHEETS

from .test_summary import MASTER, Q1, Q2, TITLE, workspace  # noqa: F401 (a fixture)

EXTRA = {
    "1-1": ("6月底前", "张副市长"),  # 已完成: not overdue
    "2-1": ("6月底前", "张副市长"),  # 超序时进度 but past its deadline: 逾期
    "2-2": ("第三季度", "张副市长、李副市长"),  # due next quarter
    "2-3": ("尽快", "李副市长"),  # unreadable: no date
    "2-4": ("2023年8月15日", "李副市长"),  # due next quarter
    "2-5": ("2023-05-31", ""),  # not reported and past its deadline: 逾期, no leader
    "2-7": ("年底前", "李副市长"),
    "2-9": ("持续推进", "李副市长"),
}


def with_extras() -> Master:
    tasks = []
    for t in MASTER.tasks:
        deadline, leader = EXTRA.get(t.id, ("", "李副市长"))
        tasks.append(replace(t, extra={"完成时限": deadline, "责任领导": leader}))
    return replace(MASTER, tasks=tasks)


def summary_of(workspace, master, rules=None):  # noqa: F811
    merged = read_merged(workspace.reports("2023Q2"))
    history = [(Q1, read_merged(workspace.reports("2023Q1")))]
    return compute_summary(master, Q2, merged, history=history, rules=rules, title=TITLE)


def test_a_task_past_its_deadline_and_not_done_is_overdue_and_red(workspace):  # noqa: F811
    s = summary_of(workspace, with_extras())
    tasks = {t.id: t for t in s.tasks}
    assert tasks["2-1"].status == "超序时进度" and tasks["2-1"].light == "红"
    assert tasks["2-1"].reasons == ["逾期：已过完成时限（6月底前）仍未完成"]
    assert tasks["1-1"].light == "绿"  # done before its deadline
    assert tasks["2-5"].reasons == ["牵头单位未报送", "逾期：已过完成时限（2023-05-31）仍未完成"]
    assert [t.id for t in s.followup.overdue] == ["2-1", "2-5"]
    assert s.lights["红"] == summary_of(workspace, MASTER).lights["红"] + 1  # 2-1 only: 2-5 was red
    # its own rule in xltools.yaml's lights
    yellow = summary_of(workspace, with_extras(), Rules.from_mapping({"overdue_light": "黄"}))
    assert {t.id: t.light for t in yellow.tasks}["2-1"] == "黄"


def test_tasks_due_next_quarter(workspace):  # noqa: F811
    s = summary_of(workspace, with_extras())
    assert [t.id for t in s.followup.due_next] == ["2-2", "2-4"]
    assert s.followup.next_name == "2023年第三季度"
    assert next_quarter(dt.date(2023, 12, 31)) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
        "2024年第一季度",
    )


def test_counts_by_responsible_leader(workspace):  # noqa: F811
    s = summary_of(workspace, with_extras())
    leaders = dict(s.followup.leaders)
    assert list(leaders) == ["张副市长", "李副市长", "（未填责任领导）"]
    assert leaders["张副市长"]["合计"] == 3 and leaders["张副市长"]["逾期"] == 1
    assert leaders["李副市长"]["合计"] == 7  # 2-2 names both leaders
    assert leaders["（未填责任领导）"] == {
        **leaders["（未填责任领导）"],
        "合计": 1,
        "未报送": 1,
        "逾期": 1,
    }
    assert sum(c["红"] + c["黄"] + c["绿"] for c in leaders.values()) == 11


def test_without_the_columns_nothing_changes(workspace):  # noqa: F811
    s = summary_of(workspace, MASTER)
    assert not s.followup.has_deadlines and s.followup.leaders == []
    assert s.followup.overdue == [] and s.followup.due_next == []


def test_the_workbook_gains_the_follow_up_sheets(workspace, monkeypatch):  # noqa: F811
    monkeypatch.setattr(type(workspace), "master", lambda self: with_extras())
    wb = load_workbook(make_summary(workspace, "2023Q2", today=dt.date(2023, 7, 26)))
    extra = ["逾期任务", "下季度到期", "按责任领导"]
    assert wb.sheetnames == [*SHEETS[:-1], *extra, SHEETS[-1], "图表数据"]
    overdue = wb["逾期任务"]
    assert [overdue.cell(2, c).value for c in (2, 5, 8)] == ["编号", "完成时限", "灯"]
    assert [overdue.cell(3, c).value for c in (2, 5, 6, 8)] == [
        "2-1",
        "6月底前",
        "超序时进度",
        "红",
    ]
    assert overdue.cell(3, 8).fill.fgColor.rgb.endswith("C00000")  # a red cell
    due = wb["下季度到期"]
    assert due["A1"].value == "2023年第三季度到期任务（截至本期未完成）"
    assert [due.cell(r, 2).value for r in (3, 4)] == ["2-2", "2-4"]
    leaders = wb["按责任领导"]
    assert [leaders.cell(r, 1).value for r in (3, 4, 5)] == [
        "张副市长",
        "李副市长",
        "（未填责任领导）",
    ]
    heads = [c.value for c in leaders[2]]
    assert leaders.cell(3, heads.index("逾期") + 1).value == 1
