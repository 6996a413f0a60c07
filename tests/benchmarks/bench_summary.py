"""``xltools summary 2023Q2`` as a user runs it (start-up, reading the merged data of the first
two quarters, the arithmetic, writing the leaders' workbook with its charts), for synthetic plans
of 120/60, 1,000/200 and 5,000/500 tasks/units, median of three runs, peak memory of the process.
Target: 5,000 tasks under 10 s. (No baseline: no short user script makes this report.)

The merged data is made as collect writes it: one row per task and unit (group words expanded and
hosted offices routed by `distribute.assign`), random but seeded answers, a few units missing.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from xltools.core.contracts import MERGED_TARGET_HEADERS as TARGET_HEADERS
from xltools.core.contracts import PROBLEM_HEADERS, STATUS_HEADERS
from xltools.core.model import Master
from xltools.master.workspace import Round

STATUSES = ("已完成", "超序时进度", "序时推进", "滞后", "未启动")
WEIGHTS = (8, 15, 55, 15, 7)
# progress as a multiple of 序时进度 that goes with each status
SPREAD = {
    "已完成": (9, 9),
    "超序时进度": (1.1, 1.5),
    "序时推进": (0.85, 1.1),
    "滞后": (0.3, 0.75),
    "未启动": (0, 0),
}
TASK_HEADERS = ["编号", "板块", "方向", "类别", "序号", "任务内容", "单位", "角色", "数据状态"]
FIELDS = ["完成状态", "完成进度(%)", "本期工作进展", "存在问题", "下步工作计划", "需协调事项"]


def merged_round(master: Master, rnd: Round, seed: int = 2, missing: float = 0.05) -> dict:
    """Rows of the four sheets collect writes for a round, with seeded answers."""
    from xltools.distribute.round import assign

    r = random.Random(seed)
    due = rnd.period_end.month / 12
    tasks = {t.id: t for t in master.tasks}
    recipients = assign(master)
    gone = {a.recipient for a in recipients if r.random() < missing}
    task_rows, target_rows, status_rows, problems = [], [], [], []
    for a in recipients:
        state = "未报送" if a.recipient in gone else "已采用"
        late = r.random() < 0.15
        status_rows.append(
            [
                a.recipient,
                "未报送" if state == "未报送" else "已报送",
                "",
                "",
                "" if state == "未报送" else ("逾期" if late else "按时"),
                0,
                0,
                "",
            ]
        )
        for row in a.rows:
            t = tasks[row.task]
            base = [
                t.id,
                t.section,
                t.direction,
                t.category,
                t.label,
                t.text,
                row.unit,
                row.role,
                state,
            ]
            if state != "已采用":
                task_rows.append(base + [""] * len(FIELDS))
                continue
            if row.role == "牵头":
                status = r.choices(STATUSES, WEIGHTS)[0]
                low, high = SPREAD[status]
                progress = min(100, round(due * 100 * r.uniform(low, high)))
                if r.random() < 0.03:  # now and then a status its own figure contradicts
                    progress = round(due * 100 * 0.4)
            else:
                status, progress = "", ""
            issues = "项目审批进度慢,资金未完全到位" if status in ("滞后", "未启动") else ""
            coord = "需市财政局协调资金" if status == "滞后" and r.random() < 0.3 else ""
            note = f"{row.unit}本季度召开专题会议{r.randint(1, 5)}次,推进{t.text[:12]}等工作,完成阶段目标。"
            task_rows.append(
                base
                + [
                    status,
                    min(progress, 100) if progress != "" else "",
                    note,
                    issues,
                    "继续推进",
                    coord,
                ]
            )
        for target in master.targets:
            if any(x.task == target.task_id and x.role == "牵头" for x in a.rows):
                share = r.uniform(0.85, 1.1) if target.kind == "水平" else due * r.uniform(0.4, 1.3)
                value = round(target.value * share, 2) if state == "已采用" else ""
                target_rows.append(
                    [
                        target.task_id,
                        target.phrase,
                        target.value,
                        target.unit,
                        target.kind,
                        target.comparison,
                        a.recipient,
                        value,
                        "",
                    ]
                )
        if state == "已采用" and r.random() < 0.2:
            problems.append(
                [
                    "ambiguous-percent",
                    "警告",
                    a.recipient,
                    "",
                    "任务",
                    "E5",
                    "",
                    "完成进度(%)",
                    "0.5",
                    "请确认",
                ]
            )
    return {"tasks": task_rows, "targets": target_rows, "status": status_rows, "problems": problems}


def write_merged(folder: Path, data: dict) -> Path:
    """Write the round's data as collect's three files in ``folder``."""
    import xlsxwriter

    from xltools.core.excel import write_cell

    folder.mkdir(parents=True, exist_ok=True)
    books = {
        "汇总数据.xlsx": {
            "任务填报": ([*TASK_HEADERS, *FIELDS, "文件", "sha256", "保存时间"], data["tasks"]),
            "指标": (TARGET_HEADERS, data["targets"]),
            "单位信息": (["单位", "文件"], []),
        },
        "报送情况.xlsx": {"报送情况": (STATUS_HEADERS, data["status"])},
        "问题清单.xlsx": {"问题清单": (PROBLEM_HEADERS, data["problems"])},
    }
    for name, sheets in books.items():
        with xlsxwriter.Workbook(str(folder / name), {"constant_memory": True}) as wb:
            for sheet, (headers, rows) in sheets.items():
                ws = wb.add_worksheet(sheet)
                for r, values in enumerate([headers, *rows]):
                    for c, value in enumerate(values):
                        write_cell(ws, r, c, value)
    return folder


SIZES = ((120, 60), (1000, 200), (5000, 500))  # (tasks, units)
TARGET_SECONDS = 10.0


def workspace(tasks: int, units: int) -> Path:
    """A workspace (``xltools init`` of a synthetic plan) whose first two quarters have merged
    data as collect writes it, in the run's cache."""
    from tests.benchmarks.common import cache_dir, prepare, xltools
    from tests.benchmarks.synth import inputs
    from xltools.master.workspace import load

    root = cache_dir() / f"ws-summary-{tasks}-{units}"
    if (root / "reports" / "2023Q2").is_dir():
        return root
    plan, directory, _ = inputs(tasks, units)
    prepare(xltools("init", root, "--plan", plan, "--units", directory))
    ws = load(root)
    master = ws.master()
    for n, key in enumerate(("2023Q1", "2023Q2")):
        rnd = ws.round(key)
        write_merged(ws.reports(rnd), merged_round(master, rnd, seed=n + 2))
    return root


def main() -> bool:
    """``xltools summary 2023Q2`` per size, median of three runs; False when 5,000 tasks miss."""
    from tests.benchmarks.common import Figure, median_run, report, xltools

    ok = True
    for tasks, units in SIZES:
        root = workspace(tasks, units)
        run = median_run(xltools("summary", "2023Q2", "-w", root))
        target = tasks == 5000
        passed = run.seconds < TARGET_SECONDS if target else None
        ok = ok and passed is not False
        report(Figure("summary", f"{tasks:,} tasks/{units} units", run.seconds, run.mb, None,
                      f"< {TARGET_SECONDS:g} s" if target else "", passed))  # fmt: skip
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
