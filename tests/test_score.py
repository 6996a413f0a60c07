"""The year-end 考核 (`xltools score`), on rounds built by hand and scored by hand."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from click.testing import CliRunner

from xltools.cli import main
from xltools.core.errors import WorkspaceError
from xltools.master import workspace
from xltools.score.calc import RoundData, facts
from xltools.score.model import Rules
from xltools.score.report import FILE, compute_score, make_score

STATUS = ("单位", "状态", "文件", "保存时间", "是否按时", "错误数", "警告数", "被替代的文件")
TASKS = ("编号", "单位", "角色", "数据状态", "完成状态", "文件")
OFFICE = "市消费领导小组办公室"  # hosted by 丙局: its rows travel in 丙局's return

# unit, state, saved, on time, errors, superseded files
REPORTING = {
    "plan": [
        ("甲局", "已报送", "2023-02-09 10:00", "按时", 0, ""),
        ("乙局", "已报送", "2023-02-13 09:00", "逾期", 0, ""),  # 3 days late: -3
        ("丙局", "未报送", "", "", 0, ""),  # -10
    ],
    "2023Q1": [
        ("甲局", "已报送", "2023-04-20 18:00", "按时", 0, "a1.xlsx、a0.xlsx"),  # +20, 2 × -2
        ("乙局", "已报送", "2023-04-30 09:00", "逾期", 0, "b2.xlsx、b1.xlsx、b0.xlsx"),  # -5 cap
        ("丙局", "已报送", "2023-04-19 09:00", "按时", 3, ""),  # +20, still errors: -2
    ],
    "2023Q2": [
        ("甲局", "已报送", "2023-07-01 09:00", "按时", 0, ""),  # +20
        ("乙局", "已报送", "2023-07-20 09:00", "按时", 1, "b4.xlsx、b3.xlsx"),  # +20, 3 × -2
        ("丙局", "已报送", "2023-07-21 09:00", "逾期", 0, ""),  # 1 day: -1
    ],
}
# task, unit, role, data state, status, file
LEADS = {
    "2023Q1": [
        ("1-1", "甲局", "牵头", "已采用", "滞后", "甲局.xlsx"),
        ("1-2", "甲局", "牵头", "已采用", "已完成", "甲局.xlsx"),
        ("1-3", "乙局", "牵头", "已采用", "未启动", "乙局.xlsx"),
        ("2-1", OFFICE, "牵头", "退回修改", "", ""),
    ],
    "2023Q2": [
        ("1-1", "甲局", "牵头", "已采用", "滞后", "甲局.xlsx"),  # -2
        ("1-1", "乙局", "配合", "已采用", "", "乙局.xlsx"),
        ("1-2", "甲局", "牵头", "已采用", "已完成", "甲局.xlsx"),
        ("1-3", "乙局", "牵头", "退回修改", "", ""),  # still 未启动 from 2023Q1: -3
        ("1-4", "乙局", "牵头", "已采用", "滞后", "乙局.xlsx"),  # -2
        ("2-1", OFFICE, "牵头", "已采用", "未启动", "丙局-修改.xlsx"),  # -3, for 丙局
    ],
}
FILES = {"2023Q1": {"丙局": "丙局.xlsx"}, "2023Q2": {"丙局": "丙局-修改.xlsx"}}


def _table(path, sheet, headers, rows):
    import xlsxwriter

    from xltools.core.excel import write_table

    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(path)) as wb:
        write_table(wb, sheet, headers, rows)


def make_year(root, scoring=None):
    """A workspace whose plan, 2023Q1 and 2023Q2 were collected as REPORTING and LEADS say."""
    ws = workspace.Workspace(
        root=root,
        id="test",
        title="测试",
        year=2023,
        office="督查室",
        master_path=root / "master.xlsx",
        rounds=workspace.default_rounds(2023),
        scoring={**workspace.DEFAULT_SCORING, **(scoring or {})},
    )
    workspace.save(ws)
    for key, lines in REPORTING.items():
        rows = []
        for unit, state, saved, timely, errors, old in lines:
            file = FILES.get(key, {}).get(unit, f"{unit}.xlsx") if state == "已报送" else ""
            rows.append((unit, state, file, saved, timely, errors, 0, old))
        _table(root / "reports" / key / "报送情况.xlsx", "报送情况", STATUS, rows)
        _table(root / "reports" / key / "汇总数据.xlsx", "任务填报", TASKS, LEADS.get(key, []))
    return workspace.load(root)


def totals(scores):
    return [(s.rank, s.unit, s.total) for s in scores]


def test_every_rule_on_hand_computed_rounds(tmp_path):
    _, scores, _ = compute_score(make_year(tmp_path))
    by = {s.unit: s for s in scores}
    # 甲局: 3 × 20 on time, 2 files superseded (-4), lead task 1-1 behind (-2)
    assert by["甲局"].points("按时报送") == 60
    assert by["甲局"].points("退回修改") == -4
    assert by["甲局"].points("牵头任务滞后") == -2
    # 乙局: late 3 days (-3), late 10 days capped at 5 (-5), on time (+20); sent back 3 + 3
    # times (-12) capped at 10 (+2); 1-3 still 未启动 from 2023Q1 (-3), 1-4 behind (-2)
    b = by["乙局"]
    assert (b.late, b.late_days, b.points("逾期报送")) == (2, 13, -8)
    assert (b.sent_back, b.points("退回修改"), b.points("上限")) == (6, -12, 2)
    assert (b.lead_behind, b.lead_not_started) == (1, 1)
    assert b.points("牵头任务滞后", "牵头任务未启动") == -5
    # 丙局: unreported (-10), on time (+20) with errors left (-2), 1 day late (-1), and the
    # hosted office's 2-1 未启动 at year end (-3)
    c = by["丙局"]
    assert (c.unreported, c.points("未报送"), c.sent_back, c.late_days) == (1, -10, 1, 1)
    assert c.lead_not_started == 1 and OFFICE not in by
    assert totals(scores) == [(1, "甲局", 54), (2, "丙局", 4), (3, "乙局", -3)]


def test_caps_and_weights_come_from_the_yaml(tmp_path):
    ws = make_year(
        tmp_path,
        {"on_time": 10, "late_cap": None, "sent_back_cap": None, "lead_cap": 4, "unreported": 7},
    )
    _, scores, _ = compute_score(ws)
    by = {s.unit: s for s in scores}
    assert by["乙局"].points("逾期报送") == -13  # 3 + 10 days, no cap
    assert by["乙局"].points("退回修改") == -12 and by["乙局"].points("上限") == 1  # lead 5 → 4
    assert by["丙局"].points("未报送") == -7
    assert totals(scores) == [(1, "甲局", 24), (2, "丙局", -3), (3, "乙局", -19)]


def test_rounds_can_be_chosen_and_ties_share_a_rank(tmp_path):
    ws = make_year(tmp_path)
    chosen, scores, _ = compute_score(ws, ["2023Q2"])
    assert [r.key for r in chosen] == ["2023Q2"]
    # 甲局 20 - 2 (1-1); 乙局 20 - 6 - 2 (1-4; 1-3 has no accepted status in 2023Q2);
    # 丙局 -1 - 3
    assert totals(scores) == [(1, "甲局", 18), (2, "乙局", 12), (3, "丙局", -4)]
    _, scores, _ = compute_score(ws, ["plan"])  # no status in the plan round: no lead deductions
    assert totals(scores) == [(1, "甲局", 20), (2, "乙局", -3), (3, "丙局", -10)]


def test_the_deductions_are_explained_line_by_line(tmp_path):
    _, scores, _ = compute_score(make_year(tmp_path))
    lines = [(x.round, x.item, x.points) for x in scores[2].lines]  # 乙局
    assert lines == [
        ("办理方案", "逾期报送", -3),
        ("2023年第一季度", "逾期报送", -5),
        ("2023年第一季度", "退回修改", -2),
        ("2023年第一季度", "退回修改", -2),
        ("2023年第一季度", "退回修改", -2),
        ("2023年第二季度", "按时报送", 20),
        ("2023年第二季度", "退回修改", -2),
        ("2023年第二季度", "退回修改", -2),
        ("2023年第二季度", "退回修改", -2),
        ("全年", "上限", 2),
        ("全年", "牵头任务未启动", -3),
        ("全年", "牵头任务滞后", -2),
    ]
    assert sum(p for *_, p in lines) == scores[2].total
    why = [x.why for x in scores[2].lines]
    assert why[1] == "逾期10天（截止2023-04-20，保存于2023-04-30 09:00），每天扣1分，每轮最多扣5分"
    assert "报表“b4.xlsx”被更正件替代" in why[6]
    assert why[-2] == "牵头任务1-3年底完成状态为“未启动”（2023年第一季度报送），扣3分"
    office = [x.why for x in scores[1].lines if x.item == "牵头任务未启动"]
    assert office == [
        f"牵头任务2-1（代{OFFICE}报送）年底完成状态为“未启动”（2023年第二季度报送），扣3分"
    ]


def test_a_late_return_counts_at_least_one_day():
    rnd = RoundData("2023Q1", "一季度", date(2023, 4, 20))
    found = facts(rnd, {"状态": "已报送", "保存时间": "2023-04-20 23:00", "是否按时": "逾期"})
    assert (found.state, found.late_days) == ("逾期", 1)


def test_rules_are_checked():
    assert Rules.from_mapping(workspace.DEFAULT_SCORING) == Rules()
    with pytest.raises(WorkspaceError) as err:
        Rules.from_mapping({"on_tme": 3, "late_day": "一", "lead_cap": -1, "on_time": None})
    assert str(err.value) == (
        "xltools.yaml: scoring.late_day must be a number ≥ 0, not '一'; scoring.lead_cap must be"
        " a number ≥ 0 or null, not -1; scoring.on_time must be a number ≥ 0, not None; unknown"
        " key scoring.on_tme"
    )


def test_yaml_documents_the_rules_and_old_workspaces_get_the_defaults(tmp_path):
    ws = make_year(tmp_path, {"lead_cap": None})
    text = (tmp_path / "xltools.yaml").read_text(encoding="utf-8")
    assert "scoring:\n" in text and "  # 每轮未报送扣分\n  unreported: 10\n" in text
    assert "  lead_cap: null\n" in text
    assert workspace.load(tmp_path).scoring["lead_cap"] is None
    old = text.split("\n# 年度考核")[0]  # a workspace written before `scoring:` existed
    (tmp_path / "xltools.yaml").write_text(old, encoding="utf-8")
    assert workspace.load(tmp_path).scoring == workspace.DEFAULT_SCORING
    assert ws.scoring["lead_cap"] is None


def test_workbook_and_cli(tmp_path):
    from xltools.core.excel import read_sheets

    make_year(tmp_path)
    result = CliRunner().invoke(main, ["score", "-w", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "reports" / FILE
    assert result.output == f"Wrote {path}\n"
    sheets = read_sheets(path)
    assert list(sheets) == ["考核得分", "扣分明细", "排名图", "计分规则"]
    assert sheets["考核得分"][0][:2] == ["排名", "单位"] and sheets["考核得分"][0][-1] == "总分"
    assert [row[1] for row in sheets["考核得分"][1:]] == ["甲局", "丙局", "乙局"]
    assert [row[-1] for row in sheets["考核得分"][1:]] == [54, 4, -3]
    lines = sum(len(s.lines) for s in compute_score(workspace.load(tmp_path))[1])
    assert len(sheets["扣分明细"]) == 1 + lines
    with zipfile.ZipFile(path) as z:
        assert "xl/charts/chart1.xml" in z.namelist()
    first = path.read_bytes()
    assert make_score(workspace.load(tmp_path)) == path and path.read_bytes() == first
    result = CliRunner().invoke(main, ["score", "-w", str(tmp_path), "--rounds", "2023Q1,2023q2"])
    assert result.exit_code == 0, result.output
    assert "2023年第一季度、2023年第二季度" in str(read_sheets(path)["计分规则"])


def test_cli_refuses_rounds_not_collected(tmp_path):
    make_year(tmp_path)
    result = CliRunner().invoke(main, ["score", "-w", str(tmp_path), "--rounds", "2023Q3"])
    assert result.exit_code == 2
    assert "报送情况.xlsx: not found; run `xltools collect 2023Q3` first" in result.output
    result = CliRunner().invoke(main, ["score", "-w", str(tmp_path), "--rounds", "Q3"])
    assert result.exit_code == 2
