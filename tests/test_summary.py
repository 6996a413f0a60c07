"""The quarterly summary on a merged dataset built in code, written as collect writes it."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from xltools.core.contracts import PROBLEM_HEADERS, STATUS_HEADERS
from xltools.core.errors import WorkbookError, WorkspaceError
from xltools.core.excel import write_table
from xltools.core.model import Master, Target, Task, Unit
from xltools.master.workspace import Round
from xltools.summary.report import (
    Rules,
    compute_summary,
    make_summary,
    progress_due,
    read_merged,
    summary_name,
)
from xltools.summary.sheets import SHEETS

TITLE = "2023年市《政府工作报告》目标任务"
A, B, C, D, E = "市发改委", "市商务局", "市经信局", "江岸区人民政府", "江汉区人民政府"
S1 = "一、经济社会发展主要预期目标"
S2 = "二、重点工作"
D1 = "(一)着力扩大内需,持续增强稳增长内生动力"
D2 = "(二)着力发展产业,不断壮大实体经济"
TASK_HEADERS = ["编号", "板块", "方向", "类别", "序号", "任务内容", "单位", "角色", "数据状态"]
FIELDS = ["完成状态", "完成进度(%)", "本期工作进展", "存在问题", "下步工作计划", "需协调事项"]
TARGET_HEADERS = [
    "编号",
    "指标",
    "目标值",
    "计量单位",
    "类型",
    "比较",
    "单位",
    "累计完成值",
    "文件",
]
FIELDS_AT = len(TASK_HEADERS)


Q1 = Round("2023Q1", "2023年第一季度", "quarterly", dt.date(2023, 4, 20), dt.date(2023, 3, 31))
Q2 = Round("2023Q2", "2023年第二季度", "quarterly", dt.date(2023, 7, 20), dt.date(2023, 6, 30))
Q3 = Round("2023Q3", "2023年第三季度", "quarterly", dt.date(2023, 10, 20), dt.date(2023, 9, 30))
PLAN = Round("plan", "办理方案", "plan", dt.date(2023, 2, 10), None)


def task(id, section, direction, text, lead=(), responsible=()):
    return Task(
        id, section, direction, "", id.split("-")[-1], text, tuple(lead), tuple(responsible)
    )


MASTER = Master(
    tasks=[
        task("1-1", S1, "", "地区生产总值增长6.5%以上", [A], [B]),
        task("2-1", S2, D1, "加快建设国际消费中心城市", [B], [C]),
        task("2-2", S2, D1, "打造国家综合型信息消费示范城市", [C]),
        task("2-3", S2, D1, "实施项目投资攻坚年行动", [A]),
        task("2-4", S2, D2, "争创国家制造业高质量发展试验区", [D]),
        task("2-5", S2, D2, "培育专精特新企业", [E]),
        task("2-6", S2, D2, "推进强链补链", [C, D]),
        task("2-7", S2, D2, "振兴汉派服装", [B]),
        task("2-8", S2, D2, "新增停车泊位10万个", [A], [E]),
        task("2-9", S2, D2, "固定资产投资增长6.5%以上,价格涨幅3%左右", [D]),
    ],
    units=[
        Unit(A, contact="张三", phone="027-1"),
        Unit(B),
        Unit(C),
        Unit(D, groups=("各区人民政府",)),
        Unit(E, groups=("各区人民政府",), contact="李四", phone="027-5"),
    ],
    targets=[
        Target("1-1", "地区生产总值增长6.5%以上", 6.5, "%", "水平", "以上"),
        Target("2-8", "新增停车泊位10万个", 100000, "个", "累计", ""),
        Target("2-9", "固定资产投资增长6.5%以上", 6.5, "%", "水平", "以上"),
        Target("2-9", "价格涨幅3%左右", 3, "%", "水平", "左右"),
    ],
)


def line(
    task_id, unit, role="牵头", status="", progress="", note="", issues="", coord="", state="已采用"
):
    t = next(t for t in MASTER.tasks if t.id == task_id)
    values = [t.id, t.section, t.direction, t.category, t.label, t.text, unit, role, state]
    if state != "已采用":
        return values + [""] * len(FIELDS)
    return values + [status, progress, note or f"{unit}推进{task_id}", issues, "继续推进", coord]


Q2_LINES = [
    line("1-1", A, status="已完成", progress=100),
    line("1-1", B, "配合", note="配合完成"),
    line("2-1", B, status="超序时进度", progress=70, coord="需市财政局安排专项资金"),
    line("2-1", C, "配合"),
    line("2-2", C, status="序时推进", progress=20),
    line("2-3", A, status="滞后", progress=30, issues="土地报批慢"),
    line("2-4", D, status="未启动", progress=0, issues="方案未批", coord="无"),
    line("2-5", E, state="未报送"),
    line("2-6", C, status="滞后", progress=35, issues="资金未到位"),
    line("2-6", D, status="序时推进", progress=50),
    line("2-7", B, status="已完成", progress=30),
    line("2-8", A, status="序时推进", progress=55),
    line("2-8", E, "配合", state="未报送"),
    line("2-9", D, status="序时推进", progress=60),
]
Q1_LINES = [
    line("1-1", A, status="序时推进", progress=25),
    line("2-1", B, status="序时推进", progress=25),
    line("2-2", C, status="滞后", progress=10),
    line("2-3", A, status="滞后", progress=5),
    line("2-4", D, status="未启动", progress=0),
    line("2-5", E, status="序时推进", progress=25),
    line("2-6", C, status="序时推进", progress=25),
    line("2-6", D, status="序时推进", progress=25),
    line("2-7", B, status="序时推进", progress=25),
    line("2-8", A, status="序时推进", progress=25),
    line("2-9", D, status="已完成", progress=100),
]
Q2_TARGETS = [
    ["1-1", "地区生产总值增长6.5%以上", 6.5, "%", "水平", "以上", A, 6.8, "a.xlsx"],
    ["2-8", "新增停车泊位10万个", 100000, "个", "累计", "", A, 10000, "a.xlsx"],
    ["2-9", "固定资产投资增长6.5%以上", 6.5, "%", "水平", "以上", D, 5.0, "d.xlsx"],
    ["2-9", "价格涨幅3%左右", 3, "%", "水平", "左右", D, 2.9, "d.xlsx"],
]
Q2_STATUS = [
    [A, "已报送", "a.xlsx", "2023-07-10 09:00", "按时", 0, 0, ""],
    [B, "已报送", "b.xlsx", "2023-07-11 09:00", "按时", 0, 1, ""],
    [C, "已报送", "c.xlsx", "2023-07-25 09:00", "逾期", 0, 2, ""],
    [D, "已报送", "d.xlsx", "2023-07-12 09:00", "按时", 0, 0, ""],
    [E, "未报送", "", "", "", 0, 0, ""],
]
Q2_PROBLEMS = [
    ["number-ambiguous", "警告", C, "c.xlsx", "任务", "E5", "2-2", "完成进度(%)", "0.2", "请确认"],
    ["text-too-long", "警告", C, "c.xlsx", "任务", "F6", "2-6", "本期工作进展", "…", "请精简"],
    ["formula", "警告", B, "b.xlsx", "任务", "E4", "2-1", "完成进度(%)", "=70", "公式"],
]


def write_book(path: Path, sheets: dict[str, tuple[list, list]]) -> None:
    """Write a workbook as collect does (`merge` through `excel.write_table`)."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(path)) as wb:
        for name, (headers, rows) in sheets.items():
            write_table(wb, name, headers, rows)


def write_round(reports: Path, lines, targets=(), status=(), problems=()) -> Path:
    task_rows = [[*row, "x.xlsx", "0" * 64, "2023-07-10 09:00"] for row in lines]
    write_book(
        reports / "汇总数据.xlsx",
        {
            "任务填报": ([*TASK_HEADERS, *FIELDS, "文件", "sha256", "保存时间"], task_rows),
            "指标": (TARGET_HEADERS, list(targets)),
            "单位信息": (["单位", "填报人", "文件"], []),
        },
    )
    write_book(reports / "报送情况.xlsx", {"报送情况": (STATUS_HEADERS, list(status))})
    # The rows below are written in this order; summary reads the columns by name.
    order = ("代码", "严重程度", "单位", "文件", "工作表", "单元格", "任务", "字段", "值", "说明")
    assert set(order) == set(PROBLEM_HEADERS)
    write_book(reports / "问题清单.xlsx", {"问题清单": (order, list(problems))})
    return reports


@pytest.fixture
def workspace(tmp_path):
    """A stand-in with the interface of xltools.master.workspace.Workspace."""

    class Workspace:
        root = tmp_path
        title = TITLE
        year = 2023
        office = "市政府督查室"
        rounds = [PLAN, Q1, Q2, Q3]
        lights: dict = {}

        def round(self, key):
            return next(r for r in self.rounds if r.key == key)

        def reports(self, key):
            return tmp_path / "reports" / key

        def master(self):
            return MASTER

    ws = Workspace()
    write_round(
        ws.reports("2023Q1"),
        Q1_LINES,
        status=[[u, "已报送", "", "", "按时", 0, 0, ""] for u in (A, B, C, D, E)],
    )
    write_round(ws.reports("2023Q2"), Q2_LINES, Q2_TARGETS, Q2_STATUS, Q2_PROBLEMS)
    return ws


@pytest.fixture
def summary(workspace):
    merged = read_merged(workspace.reports("2023Q2"))
    history = [(Q1, read_merged(workspace.reports("2023Q1")))]
    return compute_summary(
        MASTER, Q2, merged, history=history, title=TITLE, today=dt.date(2023, 7, 26)
    )


# --- the figures -------------------------------------------------------------------------------


def test_progress_due_is_the_share_of_the_year_passed():
    assert [
        progress_due(dt.date(2023, m, d)) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))
    ] == [
        0.25,
        0.5,
        0.75,
        1.0,
    ]
    with pytest.raises(WorkspaceError):
        progress_due(None)


def test_counts_and_shares(summary):
    assert summary.total == 10
    assert summary.counts == {
        "已完成": 2,
        "超序时进度": 1,
        "序时推进": 3,
        "滞后": 2,
        "未启动": 1,
        "退回修改": 0,
        "未报送": 1,
    }
    assert summary.share("序时推进") == pytest.approx(0.3)
    assert summary.lights == {"红": 4, "黄": 3, "绿": 3}
    assert summary.due == 0.5
    assert summary.problems == {"错误": 0, "警告": 3}


def test_lights_and_reasons(summary):
    lights = {t.id: t.light for t in summary.tasks}
    assert lights == {
        "1-1": "绿",
        "2-1": "绿",
        "2-2": "黄",  # 序时推进 with 20 %, below 0.8 × 50 %
        "2-3": "红",  # 滞后 in Q1 and Q2
        "2-4": "红",  # 未启动 after the first quarter
        "2-5": "红",  # the lead did not report
        "2-6": "黄",  # 滞后, the worst of its two leads
        "2-7": "黄",  # 已完成 with 30 %
        "2-8": "红",  # its cumulative target is at 10 % at half-year
        "2-9": "绿",
    }
    reasons = {t.id: t.reasons for t in summary.tasks}
    assert reasons["2-3"] == ["连续2期滞后或未启动"]
    assert reasons["2-5"] == ["牵头单位未报送"]
    assert reasons["2-7"] == ["自报已完成，但完成进度仅30%"]
    assert "新增停车泊位10万个" in reasons["2-8"][0]
    assert summary.flagged == 2
    assert [t.id for t in summary.behind] == ["2-3", "2-4", "2-5", "2-8", "2-2", "2-6", "2-7"]


def test_a_task_with_several_leads_takes_the_worst_and_gathers_their_words(summary):
    task = next(t for t in summary.tasks if t.id == "2-6")
    assert (task.status, task.progress, task.leads) == ("滞后", 35, f"{C}、{D}")
    assert task.issues == f"{C}：资金未到位"
    assert [(line.unit, line.status) for line in task.lines] == [(C, "滞后"), (D, "序时推进")]


def test_targets(summary):
    rows = [(t.task_id, t.achieved, round(t.share, 3), t.due, t.light) for t in summary.targets]
    assert rows == [
        ("1-1", 6.8, 1.046, None, "绿"),
        ("2-8", 10000, 0.1, 0.5, "红"),
        ("2-9", 5.0, 0.769, None, "红"),  # a level below its value, compared as it stands
        ("2-9", 2.9, 0.967, None, "绿"),  # 3%左右: 2.9 is within 5 %
    ]


def test_units_ranking_reporting_and_lists(summary):
    units = [
        (u.name, u.led, u.shared, u.statuses, u.targets_behind, u.reporting, u.warnings)
        for u in summary.units
    ]
    assert units == [
        (A, 3, 0, {"已完成": 1, "滞后": 1, "序时推进": 1}, 1, "按时", 0),
        (B, 2, 1, {"超序时进度": 1, "已完成": 1}, 0, "按时", 1),
        (C, 2, 1, {"序时推进": 1, "滞后": 1}, 0, "逾期", 2),
        (D, 3, 0, {"未启动": 1, "序时推进": 2}, 1, "按时", 0),
        (E, 1, 1, {"未报送": 1}, 0, "未报送", 0),
    ]
    assert [(n, led, behind) for n, led, behind, _s in summary.ranking] == [
        (C, 2, 1),
        (A, 3, 1),
        (D, 3, 1),
    ]
    assert summary.reporting == {
        "应报送": 5,
        "已报送": 4,
        "按时": 3,
        "逾期": 1,
        "退回修改": 0,
        "未报送": 1,
    }
    assert summary.missing == [
        {
            "单位": E,
            "承办单位": "",
            "督办联系人": "李四",
            "联系电话": "027-5",
            "联系人来源": "单位名录",
            "牵头任务数": 1,
            "配合任务数": 1,
        }
    ]
    # "无" is not a request for coordination
    assert [(t.id, line.unit, line.coordination) for t, line in summary.coordination] == [
        ("2-1", B, "需市财政局安排专项资金")
    ]


def test_ranking_by_the_number_of_tasks_behind_then_share():
    import pandas as pd

    from xltools.summary.calc import ranking

    units = pd.DataFrame(
        {"led": [1, 26, 4, 4, 3, 2]}, index=["甲", "市发改委", "乙", "丙", "丁", "戊"]
    )
    units.index.name = "unit"
    statuses = pd.DataFrame(
        {"滞后": [1, 9, 1, 2, 0, 0], "未启动": [0, 3, 1, 0, 0, 0], "序时推进": [0, 14, 2, 2, 3, 2]},
        index=units.index,
    )
    # 12 of 26 behind leads; one of one (100 %) comes after two of four; none behind: not ranked
    assert ranking(units, statuses, 15) == [
        ("市发改委", 26, 12, 12 / 26),
        ("丙", 4, 2, 0.5),
        ("乙", 4, 2, 0.5),
        ("甲", 1, 1, 1.0),
    ]
    assert ranking(units, statuses, 2) == [("市发改委", 26, 12, 12 / 26), ("丙", 4, 2, 0.5)]


def test_trend_over_the_years_earlier_rounds(summary):
    assert summary.trend == [
        ("2023年第一季度", {"序时推进": 6, "滞后": 2, "未启动": 1, "已完成": 1}),
        (
            "2023年第二季度",
            {"已完成": 2, "超序时进度": 1, "序时推进": 3, "滞后": 2, "未启动": 1, "未报送": 1},
        ),
    ]


def test_without_history_nothing_is_behind_twice(workspace):
    merged = read_merged(workspace.reports("2023Q2"))
    s = compute_summary(MASTER, Q2, merged, title=TITLE)
    lights = {t.id: t.light for t in s.tasks}
    assert lights["2-3"] == "黄"
    assert lights["2-4"] == "红"  # still: not started after the first quarter
    assert len(s.trend) == 1


def test_not_started_in_the_first_quarter_is_yellow(workspace):
    s = compute_summary(MASTER, Q1, read_merged(workspace.reports("2023Q1")), title=TITLE)
    assert {t.id: t.light for t in s.tasks}["2-4"] == "黄"
    assert s.due == 0.25


def test_rules_from_the_workspace(workspace):
    merged = read_merged(workspace.reports("2023Q2"))
    rules = Rules.from_mapping(
        {
            "target_far_below": 0.1,
            "red_after_first_quarter_not_started": False,
            "unreported_light": "黄",
        }
    )
    s = compute_summary(MASTER, Q2, merged, rules=rules, title=TITLE)
    lights = {t.id: t.light for t in s.tasks}
    # the parking target (10 % at half-year) is now only yellow, which leaves its task green
    assert [t.light for t in s.targets if t.task_id == "2-8"] == ["黄"]
    assert (lights["2-8"], lights["2-4"], lights["2-5"]) == ("绿", "黄", "黄")
    with pytest.raises(WorkspaceError, match="unknown key 'behind_sahre'"):
        Rules.from_mapping({"behind_sahre": 0.8})
    with pytest.raises(WorkspaceError, match="unreported_light"):
        Rules.from_mapping({"unreported_light": "red"})


def test_missing_merged_data_names_the_file(tmp_path):
    with pytest.raises(WorkbookError, match="汇总数据.xlsx: not found"):
        read_merged(tmp_path)
    write_book(
        tmp_path / "汇总数据.xlsx",
        {"任务填报": (["编号", "单位"], []), "指标": (TARGET_HEADERS, [])},
    )
    with pytest.raises(WorkbookError, match="lacks the columns 角色, 数据状态"):
        read_merged(tmp_path)


# --- the workbook ------------------------------------------------------------------------------


def chart_xml(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return [
            z.read(n).decode("utf-8")
            for n in sorted(names, key=lambda n: int(re.findall(r"\d+", n)[0]))
        ]


@pytest.fixture
def report(workspace):
    return make_summary(workspace, "2023Q2", today=dt.date(2023, 7, 26))


def test_report_file_name_and_sheets(report, workspace):
    from openpyxl import load_workbook

    assert report == workspace.reports("2023Q2") / f"{TITLE}第二季度落实情况汇总.xlsx"
    assert report.name == summary_name(TITLE, "2023年第二季度")  # the year once
    assert (
        summary_name("市政府工作报告任务", "2023年第二季度")
        == "市政府工作报告任务2023年第二季度落实情况汇总.xlsx"
    )
    wb = load_workbook(report)
    assert wb.sheetnames == [*SHEETS, "图表数据"]
    assert wb["图表数据"].sheet_state == "hidden"
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == list(SHEETS)
    overview = wb["总览"]
    # the title says the year once (TITLE begins with 2023年)
    assert overview["A1"].value == f"{TITLE}第二季度落实情况汇总"
    assert "序时进度50%" in overview["A2"].value and "2023年07月26日" in overview["A2"].value
    assert overview["A2"].value.startswith("编制单位：市政府督查室")
    figures = {overview.cell(r, 1).value: overview.cell(r, 4).value for r in range(6, 18)}
    assert figures["任务总数"] == 10 and figures["滞后"] == 2 and figures["红灯"] == 4
    assert figures["自报状态与进度不符"] == 2
    right = {overview.cell(r, 6).value: overview.cell(r, 9).value for r in range(6, 18)}
    # the office's checking figures are on 校验情况, not on the leaders' first page
    assert not any("待处理问题" in str(k) for k in right)
    checking = wb["校验情况"]
    assert [checking.cell(3, c).value for c in (2, 4, 5)] == ["合计", 0, 3]
    assert right["其中逾期报送"] == 1 and right["未报送单位"] == 1 and right["需协调事项"] == 1


def test_charts_types_and_series(report):
    charts = chart_xml(report)
    kinds = [
        (re.search(r"<c:(\w+)Chart>", x)[1], re.findall(r'<c:barDir val="(\w+)"', x))
        for x in charts
    ]
    assert kinds == [
        ("pie", []),  # status share
        ("bar", ["col"]),  # reporting: on time, late, missing
        ("bar", ["bar"]),  # status by 板块
        ("bar", ["bar"]),  # status by 方向
        ("bar", ["bar"]),  # lead units ranked by share behind
        ("bar", ["col"]),  # the trend over the quarters
    ]
    # status share: one series over the six statuses present
    assert re.findall(r"<c:val><c:numRef><c:f>(.*?)</c:f>", charts[0]) == ["图表数据!$B$2:$B$7"]
    # status by 板块 and by 方向: stacked, one series per status
    for xml in charts[2:4]:
        assert '<c:grouping val="stacked"/>' in xml
        assert len(re.findall(r"<c:ser>", xml)) == 6
    assert "各板块任务完成状态" in charts[2] and "各方向任务完成状态" in charts[3]
    # ranking: 3 lead units behind; the trend: two quarters, stacked columns
    (ranking,) = re.findall(r"<c:cat><c:strRef><c:f>(.*?)</c:f>", charts[4])
    first, last = map(int, re.fullmatch(r"图表数据!\$A\$(\d+):\$A\$(\d+)", ranking).groups())
    assert last - first == 2  # the three lead units with tasks behind
    # full names (wrapped), and a label with the number, the tasks led and the share
    names = re.findall(r"<c:cat>.*?</c:cat>", charts[4], re.S)[0]
    assert re.findall(r"<c:v>([^<]*)</c:v>", names) == [
        f"{C}（1/2，50%）",
        f"{A}（1/3，33%）",
        f"{D}（1/3，33%）",
    ]
    # the trend: side by side, each count labelled (none hidden however small)
    (trend,) = [x for x in charts if "本年度各期" in x]
    assert trend.count("<c:ser>") == 6
    # (outside the end is a column chart's default position: xlsxwriter writes none)
    assert '<c:grouping val="clustered"/>' in trend and '<c:showVal val="1"/>' in trend
    assert "报送情况" in charts[1]


def test_the_charts_point_at_the_figures(report):
    from openpyxl import load_workbook

    data = load_workbook(report)["图表数据"]
    assert [[c.value for c in row] for row in data["A1:B7"]] == [
        ["完成状态", "任务数"],
        ["已完成", 2],
        ["超序时进度", 1],
        ["序时推进", 3],
        ["滞后", 2],
        ["未启动", 1],
        ["未报送", 1],
    ]


def test_no_trend_chart_without_earlier_reports(workspace):
    import shutil

    shutil.rmtree(workspace.reports("2023Q1"))
    path = make_summary(workspace, "2023Q2")
    assert len(chart_xml(path)) == 5
    from openpyxl import load_workbook

    texts = [
        c.value
        for row in load_workbook(path)["总览"].iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert any("趋势图自下期起显示" in t for t in texts)


def test_print_settings(report):
    from openpyxl import load_workbook

    wb = load_workbook(report)
    for name in SHEETS:
        ws = wb[name]
        assert ws.page_setup.paperSize == 9, name
        portrait = name == "未报送单位"
        assert ws.page_setup.orientation == ("portrait" if portrait else "landscape"), name
        assert f"{TITLE}第二季度" in ws.oddHeader.center.text, name
        assert ws.oddFooter.center.text.endswith("第 &P 页 共 &N 页"), name
        if name == "总览":  # one page wide, and the charts start on fresh pages
            assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
            assert ws.row_breaks.brk
        else:
            assert ws.sheet_properties.pageSetUpPr.fitToPage, name
            assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), name
            # 未报送单位 has three short tables, each with its own header row
            titles = {"单位统计": "$2:$3", "未报送单位": None}
            assert ws.print_title_rows == titles.get(name, "$2:$2"), name
    body = wb["任务明细"]["B4"]
    assert body.font.name == "仿宋" and wb["任务明细"]["A1"].font.b


def test_task_details_lines_lights_and_text_stays_text(workspace):
    from openpyxl import load_workbook

    lines = [list(row) for row in Q2_LINES]
    lines[0][FIELDS_AT + 2] = '=HYPERLINK("http://x")'  # the lead's 本期工作进展 of 1-1
    lines[1][FIELDS_AT + 2] = "配合开展经济运行监测分析," * 12  # a partner's long 本期工作进展
    write_round(workspace.reports("2023Q2"), lines, Q2_TARGETS, Q2_STATUS, Q2_PROBLEMS)
    ws = load_workbook(make_summary(workspace, "2023Q2"))["任务明细"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    first = rows[1]
    assert first[:5] == ["1-1", "地区生产总值增长6.5%以上", A, "已完成", 100]
    assert first[5] == '=HYPERLINK("http://x")'
    assert ws.cell(4, 6).data_type == "s"
    assert first[8] == "绿" and ws.cell(4, 9).fill.fgColor.rgb.endswith("00B050")
    # the partner's line follows, one outline level down, folded so the printed report stays short
    assert rows[2][1:4] == ["配合单位", B, "已报送"] and ws.row_dimensions[5].outline_level == 1
    assert ws.row_dimensions[5].hidden and not ws.row_dimensions[4].hidden
    # its row is tall enough to show all of it (LibreOffice keeps stored heights as they are)
    assert ws.row_dimensions[5].height >= 14 * 8 and ws.row_dimensions[4].height < 40
    multi = next(i for i, r in enumerate(rows) if r[0] == "2-6")
    assert rows[multi][5] == "（见下方各牵头单位填报）"
    assert [r[2] for r in rows[multi + 1 : multi + 3]] == [C, D]
    # the lead units' own lines of a task with several leads stay in view: the task row refers to them
    assert not any(ws.row_dimensions[multi + 3 + k].hidden for k in (1, 2))
    assert rows[-1][0].startswith("注：各配合单位的填报内容折叠")


def test_plan_round_is_refused_in_plain_words(workspace):
    with pytest.raises(WorkspaceError) as caught:
        make_summary(workspace, "plan")
    message = str(caught.value)
    assert message.startswith("the summary for the leaders is written for a quarter, and plan (")
    assert "run `xltools summary` with a quarter (2023Q1" in message
    assert "period_end" not in message.split(";")[0]  # the plain words come first


# --- the command -------------------------------------------------------------------------------


def test_cli_writes_the_summary(workspace, monkeypatch):
    from click.testing import CliRunner

    import xltools.master.workspace
    from xltools.cli import main

    monkeypatch.setattr(xltools.master.workspace, "load", lambda path=None: workspace)
    result = CliRunner().invoke(main, ["summary", "2023q2"])
    assert result.exit_code == 0, result.output
    reports = workspace.reports("2023Q2")
    assert result.stdout.splitlines() == [
        f"Wrote {reports / (TITLE + '第二季度落实情况汇总.xlsx')}",
        f"Wrote {reports / (TITLE + '第二季度落实情况通报.docx')}",
    ]


def test_cli_pdf_without_libreoffice_says_so(workspace, monkeypatch):
    from click.testing import CliRunner

    import xltools.core.office
    import xltools.master.workspace
    from xltools.cli import main

    monkeypatch.setattr(xltools.master.workspace, "load", lambda path=None: workspace)
    monkeypatch.setattr(xltools.core.office, "find_soffice", lambda: None)
    result = CliRunner().invoke(main, ["summary", "2023Q2", "--pdf"])
    assert result.exit_code == 2
    assert "Error: LibreOffice is not installed" in result.stderr
    made = sorted(p.name for p in workspace.reports("2023Q2").glob(f"{TITLE}*"))
    assert made == [  # the workbook and the 通报 are there all the same
        f"{TITLE}第二季度落实情况汇总.xlsx",
        f"{TITLE}第二季度落实情况通报.docx",
    ]


def test_cli_pdf_is_printed_holding_the_rounds_lock(workspace, monkeypatch):
    """A collect meanwhile would move the summary into 旧版/ while LibreOffice reads it."""
    import sys

    from click.testing import CliRunner

    import xltools.master.workspace
    import xltools.summary.report
    from xltools.cli import main

    held = []

    def printed(source):
        code = (  # another process, as a collect started meanwhile would be
            "from pathlib import Path; from xltools.core.files import locked\n"
            "try:\n"
            f"    with locked(Path({str(source.parent)!r}), '2023Q2'): print('free')\n"
            "except Exception: print('held')\n"
        )
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        held.append(run.stdout.strip())
        source.with_suffix(".pdf").write_bytes(b"%PDF-1.7")
        return source.with_suffix(".pdf")

    monkeypatch.setattr(xltools.master.workspace, "load", lambda path=None: workspace)
    monkeypatch.setattr(xltools.summary.report, "summary_pdf", printed)
    result = CliRunner().invoke(main, ["summary", "2023Q2", "--pdf"])
    assert result.exit_code == 0, result.output
    assert held == ["held", "held"]
    base = workspace.reports("2023Q2") / f"{TITLE}第二季度落实情况"
    assert result.stdout.splitlines() == [
        f"Wrote {base}汇总.xlsx",
        f"Wrote {base}通报.docx",
        f"Wrote {base}汇总.pdf",
        f"Wrote {base}通报.pdf",
    ]


def test_cli_without_collect_names_the_missing_file(workspace, monkeypatch):
    from click.testing import CliRunner

    import xltools.master.workspace
    from xltools.cli import main

    monkeypatch.setattr(xltools.master.workspace, "load", lambda path=None: workspace)
    result = CliRunner().invoke(main, ["summary", "2023Q3"])
    assert result.exit_code == 2
    assert "汇总数据.xlsx: not found" in result.stderr


# --- printed -----------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_pdf_pages(report, tmp_path):
    from xltools.summary.report import summary_pdf

    pdf = summary_pdf(report)
    assert pdf == report.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert 10 <= pages <= 16  # up to four pages of 总览, one for each other sheet
    texts = []
    for n in range(1, pages + 1):
        out = subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        texts.append(out)
        assert f"第 {n} 页 共 {pages} 页" in out, n
        assert "2023年市《政府工作报告》目标任务第二季度" in out, n
    whole = "\n".join(texts)
    for title in (
        "落实情况汇总",
        "分类统计",
        "各单位情况统计",
        "任务落实情况明细",
        "指标完成情况",
        "滞后事项清单",
        "未报送、逾期报送及退回修改单位名单",
        "任务推进变化情况",
        "报表校验情况",
        "需协调事项清单",
    ):
        assert title in whole, title
    # the last column of the widest sheets is on the page, not cut off to another one
    details = next(t for t in texts if "任务落实情况明细" in t)
    assert "提示" in details and "下步工作计划" in details
    assert "需市财政局安排专项资金" in whole


def sent_back_round(workspace):
    """Q2 where 市商务局 (lead of 2-1 and 2-7) returned on time, but its file has an error: collect
    marks its lines 退回修改 and keeps no answers of it; 报送情况 says 已报送, 按时, 1 错误."""
    lines = [
        line(*row[:1], row[6], row[7], state="退回修改") if row[6] == B else row for row in Q2_LINES
    ]
    status = [
        [B, "已报送", "b.xlsx", "2023-07-11 09:00", "按时", 1, 1, ""] if r[0] == B else r
        for r in Q2_STATUS
    ]
    problems = [
        *Q2_PROBLEMS,
        [
            "missing-value",
            "错误",
            B,
            "b.xlsx",
            "任务",
            "H5",
            "2-7",
            "存在问题",
            "",
            "请填写存在问题",
        ],
    ]
    write_round(workspace.reports("2023Q2"), lines, Q2_TARGETS, status, problems)
    return compute_summary(
        MASTER,
        Q2,
        read_merged(workspace.reports("2023Q2")),
        history=[(Q1, read_merged(workspace.reports("2023Q1")))],
        title=TITLE,
    )


def test_a_lead_unit_whose_return_was_sent_back_is_not_unreported(workspace):
    s = sent_back_round(workspace)
    tasks = {t.id: t for t in s.tasks}
    assert [(tasks[i].status, tasks[i].light, tasks[i].reasons) for i in ("2-1", "2-7")] == [
        ("退回修改", "黄", ["牵头单位报表有错误，已退回修改"]),
    ] * 2
    assert (s.counts["退回修改"], s.counts["未报送"]) == (2, 1)  # 未报送: only 江汉区 (2-5)
    assert s.trend[-1][1]["退回修改"] == 2 and "未报送" in s.trend[-1][1]
    unit = next(u for u in s.units if u.name == B)
    assert (unit.reporting, unit.sent_back, unit.statuses) == ("按时", True, {"退回修改": 2})
    assert [m["单位"] for m in s.missing] == [E]
    assert s.reporting == {
        "应报送": 5,
        "已报送": 4,
        "按时": 3,
        "逾期": 1,
        "退回修改": 1,
        "未报送": 1,
    }
    assert {"2-1", "2-7"} <= {t.id for t in s.behind}
    # a partner's line sent back is the partner's affair, not the task's: 2-1's lead is 市商务局
    # itself; 1-1, where it only cooperates, keeps its lead's status
    assert tasks["1-1"].status == "已完成"
    # several leads: one sent back, one reported: the one that reported counts
    lines = [list(row) for row in Q2_LINES]
    lines[9] = line("2-6", D, state="退回修改")
    write_round(workspace.reports("2023Q2"), lines, Q2_TARGETS, Q2_STATUS, Q2_PROBLEMS)
    s = compute_summary(MASTER, Q2, read_merged(workspace.reports("2023Q2")), title=TITLE)
    assert next((t.status, t.progress) for t in s.tasks if t.id == "2-6") == ("滞后", 35)


def test_sent_back_everywhere_in_the_workbook(workspace):
    from openpyxl import load_workbook

    sent_back_round(workspace)
    wb = load_workbook(make_summary(workspace, "2023Q2"))

    def texts(name):
        return [[c.value for c in row] for row in wb[name].iter_rows()]

    overview = {r[0]: r[3] for r in texts("总览") if r[0]}
    assert (overview["退回修改"], overview["未报送"]) == (2, 1)
    categories = texts("分类统计")
    header = categories[1]
    assert header.index("退回修改") == header.index("未报送") - 1
    section = next(r for r in categories if r[0] == S2)
    assert section[header.index("退回修改")] == 2
    listed = texts("未报送单位")
    sections = [i for i, r in enumerate(listed) if r[0] and str(r[0])[1:2] == "、"]
    assert [listed[i][0] for i in sections] == [
        "一、未报送单位（1个）",
        "二、逾期报送单位（1个）",
        "三、已报送但报表有错误、已退回修改的单位（1个）",
    ]
    assert [r[1] for r in listed[sections[0] + 2 : sections[1] - 1]] == [E]
    assert [r[1] for r in listed[sections[1] + 2 : sections[2] - 1]] == [C]
    assert listed[sections[2] + 2][1:4] == [B, "按时", 1]
    details = {r[0]: r for r in texts("任务明细") if r[0] in ("2-1", "2-7")}
    assert [details[i][3] for i in ("2-1", "2-7")] == ["退回修改", "退回修改"]
    data = {r[0]: r[1] for r in texts("图表数据") if r[0]}
    assert data["退回修改"] == 2


def test_end_to_end_on_the_wuhan_sample(tmp_path):
    """A real workspace (xltools.yaml, master.xlsx from the sample) and collect-shaped data."""
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from tests.benchmarks.bench_summary import merged_round, write_merged
    from xltools.cli import main
    from xltools.master.workspace import init_workspace

    from .conftest import SAMPLE

    ws = init_workspace(tmp_path / "ws", SAMPLE / "plan.txt", SAMPLE / "units.xlsx")
    master = ws.master()
    q2 = ws.round("2023Q2")
    data = merged_round(master, q2, seed=5)
    write_merged(ws.reports("2023Q2"), data)
    result = CliRunner().invoke(main, ["summary", "2023Q2", "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    # The Wuhan title begins with 2023年: the file names say the year once.
    path = ws.reports("2023Q2") / f"{ws.title}第二季度落实情况汇总.xlsx"
    notice = path.with_name(f"{ws.title}第二季度落实情况通报.docx")
    assert result.stdout.splitlines() == [f"Wrote {path}", f"Wrote {notice}"]
    figures = load_workbook(path)["总览"]
    shown = {figures.cell(r, 1).value: figures.cell(r, 4).value for r in range(6, 18)}
    assert shown["任务总数"] == len(master.tasks)
    assert sum(
        shown[s] for s in ("已完成", "超序时进度", "序时推进", "滞后", "未启动", "未报送")
    ) == len(master.tasks)
    missing = sum(1 for row in data["status"] if row[1] == "未报送")
    right = {figures.cell(r, 6).value: figures.cell(r, 9).value for r in range(6, 15)}
    assert (right["应报送单位"], right["未报送单位"]) == (len(data["status"]), missing)


# --- the data API and the form's field keys ----------------------------------------------------


def test_read_round_gives_typed_frames(workspace, tmp_path):
    import pandas as pd

    import xltools

    reports = workspace.reports("2023Q2")
    lines = [list(row) for row in Q2_LINES]
    lines[0][0] = "1-1"
    write_round(reports, lines, Q2_TARGETS, Q2_STATUS, Q2_PROBLEMS)
    # a 单位信息 whose phone a spreadsheet turned into a number, and a 编号 typed as a number
    write_book(
        reports / "汇总数据.xlsx",
        {
            "任务填报": (
                [*TASK_HEADERS, *FIELDS, "文件", "sha256", "保存时间"],
                [[*row, "x.xlsx", "0" * 64, "2023-07-10 09:00"] for row in lines]
                + [
                    [
                        3,
                        S2,
                        D1,
                        "",
                        "3",
                        "另一项",
                        A,
                        "牵头",
                        "已采用",
                        "滞后",
                        40,
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                ],
            ),
            "指标": (TARGET_HEADERS, Q2_TARGETS),
            "单位信息": (
                ["单位", "填报人", "联系电话", "分管领导", "填报日期", "文件"],
                [
                    [A, "张三", 2785551234.0, "王五", "2023-07-10", "a.xlsx"],
                    [B, "赵六", "02785550001", "", "", "b.xlsx"],
                ],
            ),
        },
    )
    data = xltools.read_round(workspace, "2023Q2")
    assert isinstance(data, xltools.RoundData)
    tasks = data.tasks
    assert tasks["编号"].tolist()[-1] == "3" and tasks["编号"].map(type).eq(str).all()
    assert tasks["完成进度(%)"].dtype == "float64" and pd.isna(tasks["完成进度(%)"].iloc[1])
    assert tasks["完成状态"].map(type).eq(str).all() and tasks["存在问题"].iloc[0] == ""
    assert data.units["联系电话"].tolist() == ["2785551234", "02785550001"]
    assert data.targets["累计完成值"].dtype == "float64"
    assert data.status["错误数"].dtype.kind in "if" and data.status["单位"].tolist()[0] == A
    assert str(data.status["保存时间"].dtype).startswith("datetime64")
    assert data.problems["严重程度"].tolist() == ["警告"] * 3
    answers = data.answers()
    assert {"status", "progress", "progress_note", "issues", "next_steps", "coordination"} <= set(
        answers.columns
    )
    assert answers.query("角色 == '牵头'").groupby("status").size()["序时推进"] == 4


def test_an_office_that_renames_a_label_still_gets_its_summary(workspace):
    """The summary reads answers by the form's field keys: a workspace whose own quarterly form
    calls 本期工作进展 “工作推进情况” and 完成状态 “推进状态” gets the same figures and words."""
    from xltools.distribute.forms import bundled_dir

    form = (bundled_dir() / "quarterly.yaml").read_text(encoding="utf-8")
    form = form.replace("label: 本期工作进展", "label: 工作推进情况")
    form = form.replace("label: 完成状态", "label: 推进状态")
    (workspace.root / "templates").mkdir()
    (workspace.root / "templates" / "quarterly.yaml").write_text(form, encoding="utf-8")
    renamed = [*FIELDS]
    renamed[0], renamed[2] = "推进状态", "工作推进情况"
    for key, lines in (("2023Q1", Q1_LINES), ("2023Q2", Q2_LINES)):
        task_rows = [[*row, "x.xlsx", "0" * 64, "2023-07-10 09:00"] for row in lines]
        write_book(
            workspace.reports(key) / "汇总数据.xlsx",
            {
                "任务填报": ([*TASK_HEADERS, *renamed, "文件", "sha256", "保存时间"], task_rows),
                "指标": (TARGET_HEADERS, Q2_TARGETS if key == "2023Q2" else []),
            },
        )
    from openpyxl import load_workbook

    wb = load_workbook(make_summary(workspace, "2023Q2"))
    figures = {wb["总览"].cell(r, 1).value: wb["总览"].cell(r, 4).value for r in range(6, 18)}
    assert (figures["已完成"], figures["滞后"], figures["未报送"]) == (2, 2, 1)
    details = {r[0]: r for r in wb["任务明细"].iter_rows(values_only=True) if r[0]}
    assert details["2-3"][3:6] == ("滞后", 30, f"{A}推进2-3")
    # the trend read 2023Q1 by the same keys
    trend = [r for r in wb["图表数据"].iter_rows(values_only=True) if r[0] == "2023年第一季度"]
    assert trend and sum(v or 0 for v in trend[0][1:]) == 10


def test_late_units_changes_and_coordination_for_the_notice(summary):
    # 市经信局's file was saved on 07-25, five days after the 07-20 due date
    assert [(e["单位"], e["逾期天数"]) for e in summary.late] == [(C, 5)]
    # since 2023Q1: 2-6 fell behind, 2-2 recovered, 1-1 and 2-7 were completed
    changes = {k: [t.id for t in v] for k, v in summary.changes.items()}
    assert changes == {"新增滞后": ["2-6"], "恢复正常": ["2-2"], "新完成": ["1-1", "2-7"]}
    assert summary.previous_period == "2023年第一季度"
    tasks = {t.id: t for t in summary.tasks}
    assert tasks["2-6"].newly_behind and not tasks["2-3"].newly_behind
    assert (tasks["2-8"].partners, tasks["2-3"].previous) == (E, "滞后")


def test_who_a_request_for_coordination_asks():
    from xltools.summary.calc import asked

    names = [
        ("市自然资源规划局", "市自然资源规划局"),
        ("市财政局", "市财政局"),
        ("市自规局", "市自然资源规划局"),
    ]
    assert asked("请市财政局、市自规局协调用地和资金", names) == ["市财政局", "市自然资源规划局"]
    assert asked("争取省发改委支持", names) == ["省有关部门"]
    assert asked("恳请国家部委加快审批", names) == ["国家有关部委"]
    assert asked("提请市政府专题会议研究", names) == ["市政府（市领导）"]
    assert asked("协调解决", names) == ["未指明协调对象"]


def test_a_missing_unit_without_a_liaison_in_the_directory_gets_its_earlier_one(workspace):
    """市经信局 has no liaison in 单位名录; it sent nothing in Q2, and its Q1 return named one."""
    from openpyxl import load_workbook

    q1 = workspace.reports("2023Q1")
    task_rows = [[*row, "x.xlsx", "0" * 64, "2023-04-10 09:00"] for row in Q1_LINES]
    write_book(
        q1 / "汇总数据.xlsx",
        {
            "任务填报": ([*TASK_HEADERS, *FIELDS, "文件", "sha256", "保存时间"], task_rows),
            "指标": (TARGET_HEADERS, []),
            "单位信息": (
                ["单位", "填报人", "联系电话", "分管领导", "填报日期", "文件"],
                [[C, "王工", 13907100000, "刘处", "2023-04-10", "c.xlsx"]],
            ),
        },
    )
    lines = [line(*r[:1], r[6], r[7], state="未报送") if r[6] == C else r for r in Q2_LINES]
    status = [[C, "未报送", "", "", "", 0, 0, ""] if r[0] == C else r for r in Q2_STATUS]
    write_round(workspace.reports("2023Q2"), lines, Q2_TARGETS, status, Q2_PROBLEMS)
    wb = load_workbook(make_summary(workspace, "2023Q2"))
    rows = [[c.value for c in r] for r in wb["未报送单位"].iter_rows()]
    found = {r[1]: r[2:6] for r in rows if r[1] in (C, E)}
    assert found[C] == [None, "王工", "13907100000", "2023年第一季度报表"]
    assert found[E] == [None, "李四", "027-5", "单位名录"]
