"""`xltools diff`: the changes of the master between rounds, and whose workbooks they change."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from click.testing import CliRunner

from xltools.cli import main
from xltools.core.model import Master, Task, Unit
from xltools.distribute.diff import diff_masters, kept_master, task_changes
from xltools.distribute.forms import load_form
from xltools.distribute.round import build_specs
from xltools.master.workbook import write_master
from xltools.master.workspace import Workspace, default_rounds, save

UNITS = [
    Unit("甲局"),
    Unit("乙局"),
    Unit("丙局"),
    Unit("丁局"),
    Unit("戊局"),
    Unit("一区", groups=("各区人民政府",)),
    Unit("二区", groups=("各区人民政府",)),
]


def task(task_id: str, text: str, lead=(), responsible=()) -> Task:
    return Task(
        task_id, "二", "", "", task_id.split("-")[-1], text, tuple(lead), tuple(responsible)
    )


OLD = Master(
    tasks=[
        task("1-1", "推进甲项工作。", ["甲局"]),
        task("1-2", "推进乙项工作。", ["乙局"], ["丙局"]),
        task("2-49", "建设丙项目并运营丁平台。", ["甲局"], ["乙局"]),
        task("2-5-1", "完成戊项改造。", ["丙局"]),
        task("2-5-2", "完成己项改造。", ["丙局"]),
        task("2-7", "完成庚项改造400公里。", ["丁局"], ["各区人民政府"]),
        task("2-8", "推进辛项建设。", ["乙局"]),
        task("2-9", "开展壬项试点工作,形成经验。", ["乙局"]),
    ],
    units=UNITS,
)
NEW = Master(
    tasks=[
        task("1-1", "推进甲项工作,年底前全面完成。", ["甲局"]),  # re-worded
        task("1-2", "推进乙项工作。", ["戊局"], ["丙局"]),  # re-owned: 乙局 -> 戊局
        task("2-49-1", "建设丙项目。", ["甲局"]),  # split
        task("2-49-2", "运营丁平台。", ["乙局"]),
        task("2-5", "完成戊项、己项改造。", ["丙局"]),  # merged by 编号
        task("2-8", "推进辛项建设;开展壬项试点工作,形成经验。", ["乙局"]),  # 2-9 merged in
        task("2-10", "新增的批示任务。", ["戊局"]),  # added
    ],
    units=UNITS,
)


def test_each_kind_of_change_is_found():
    found = [(c.kind, c.old, c.new) for c in task_changes(OLD, NEW)]
    assert found == [
        ("added", (), ("2-10",)),
        ("removed", ("2-7",), ()),
        ("reworded", ("1-1",), ("1-1",)),
        ("reowned", ("1-2",), ("1-2",)),
        ("split", ("2-49",), ("2-49-1", "2-49-2")),
        ("merged", ("2-5-1", "2-5-2"), ("2-5",)),
        ("merged", ("2-9", "2-8"), ("2-8",)),
    ]
    details = {c.kind: c.detail for c in task_changes(OLD, NEW)}
    assert details["reowned"] == "牵头单位:乙局 → 戊局".replace(":", "：")
    assert details["reworded"] == "推进甲项工作。 → 推进甲项工作,年底前全面完成。"


def test_spaces_full_width_forms_and_owner_order_are_no_change():
    old = Master(tasks=[task("1-1", "推进甲项工作,2023年", ["甲局", "乙局"])], units=UNITS)
    new = Master(tasks=[task("1-1", " 推进甲项工作，２０２３年 ", ["乙局", "甲局"])], units=UNITS)
    result = diff_masters(old, new)
    assert result.empty and result.counts()["reworded"] == 0


def test_which_units_next_workbooks_change():
    result = diff_masters(OLD, NEW)
    forms = {f.recipient: (f.added, f.removed, f.changed) for f in result.forms}
    assert forms == {
        "甲局": (("2-49-1",), ("2-49",), ("1-1",)),
        "乙局": (("2-49-2",), ("1-2", "2-9", "2-49"), ("2-8",)),
        "丙局": (("2-5",), ("2-5-1", "2-5-2"), ("1-2",)),  # its lead unit changed
        "丁局": ((), ("2-7",), ()),
        "一区": ((), ("2-7",), ()),
        "二区": ((), ("2-7",), ()),
        "戊局": (("1-2", "2-10"), (), ()),
    }
    assert result.new_recipients == ["戊局"]
    assert result.gone_recipients == ["一区", "丁局", "二区"]


def test_a_group_member_added_in_the_directory_changes_its_workbook_only():
    units = [*UNITS, Unit("三区", groups=("各区人民政府",))]
    result = diff_masters(OLD, replace(OLD, units=units))
    assert result.changes == []
    assert [(f.recipient, f.added) for f in result.forms] == [("三区", ("2-7",))]


def test_a_reowned_task_is_prefilled_only_for_units_that_still_own_it():
    answers = {"status": "滞后", "progress": 30, "progress_note": "已开工"}
    previous = {
        "tasks": {("1-2", "乙局"): answers, ("1-2", "丙局"): {"progress_note": "配合推进"}},
        "targets": {},
        "units": {},
    }
    specs = build_specs(
        NEW,
        load_form("quarterly"),
        workspace_id="ws",
        title="测试",
        office="督查室",
        round_key="2023Q2",
        round_name="2023年第二季度",
        due=date(2023, 7, 20),
        period_end=date(2023, 6, 30),
        previous=previous,
    )
    by = {s.recipient: s for s in specs}
    assert "乙局" in by and ("1-2", "乙局") not in by["乙局"].previous.get("tasks", {})
    assert by["戊局"].previous == {}  # the new lead starts with an empty row
    assert by["丙局"].previous["tasks"] == {("1-2", "丙局"): {"progress_note": "配合推进"}}


def make_workspace(root) -> Workspace:
    (root / "outbox").mkdir(parents=True)
    ws = Workspace(
        root=root,
        id="ws-diff",
        title="测试",
        year=2023,
        office="督查室",
        master_path=root / "master.xlsx",
        rounds=default_rounds(2023),
    )
    write_master(OLD, ws.master_path)
    save(ws)
    return ws


def test_distribute_keeps_the_master_and_prints_the_changes(tmp_path):
    ws = make_workspace(tmp_path)
    runner = CliRunner()
    first = runner.invoke(main, ["distribute", "plan", "-w", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert "Changes" not in first.stdout  # nothing was distributed before
    kept = kept_master(ws, "plan")
    assert kept == tmp_path / "outbox" / "plan" / "留底" / "master.xlsx"
    assert kept.read_bytes() == ws.master_path.read_bytes()

    same = runner.invoke(main, ["diff", "-w", str(tmp_path)])
    assert same.exit_code == 0
    assert same.stdout == f"Changes from {kept} to {ws.master_path}: none\n"

    write_master(NEW, ws.master_path)
    shown = runner.invoke(main, ["diff", "-w", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert "  added     2-10  新增的批示任务。" in lines
    assert "  split     2-49 -> 2-49-1, 2-49-2  拆分为2项" in lines
    assert "  merged    2-9, 2-8 -> 2-8  并入2-8" in lines
    assert "Workbooks that change (7):" in lines
    assert "  甲局\t+2-49-1 -2-49 ~1-1" in lines
    assert "New recipients: 戊局" in lines

    second = runner.invoke(main, ["distribute", "2023Q1", "-w", str(tmp_path)])
    assert second.exit_code == 0, second.output
    assert second.stdout.startswith("Changes to the master since plan was distributed:\n")
    assert "  re-owned  1-2  牵头单位：乙局 → 戊局" in second.stdout
    assert kept_master(ws, "2023Q1").read_bytes() == ws.master_path.read_bytes()
    again = runner.invoke(main, ["distribute", "2023Q1", "--force", "-w", str(tmp_path)])
    assert "since plan was distributed" in again.stdout  # not since itself


def test_collect_does_not_take_the_kept_master_for_a_workbook(tmp_path):
    from xltools.collect.round import read_sent
    from xltools.distribute.round import distribute

    ws = make_workspace(tmp_path)
    distribute(ws, "plan")
    assert sorted(read_sent(ws.outbox("plan"))) == ["一区", "丁局", "丙局", "乙局", "二区", "甲局"]


def test_diff_of_two_files_and_without_a_distributed_round(tmp_path):
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    write_master(OLD, old)
    write_master(NEW, new)
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Changes from {old} to {new}:\n  added     2-10")
    make_workspace(tmp_path / "ws")
    result = CliRunner().invoke(main, ["diff", "-w", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert "no round was distributed with a copy of its master yet" in result.output
