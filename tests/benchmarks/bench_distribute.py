"""``xltools distribute 2023Q1 --force`` in a workspace, as a user runs it (start-up, reading
master.xlsx, routing, one workbook per unit written by a process pool, the manifest): the Wuhan
sample and synthetic plans of 120/60, 1,000/200 and 5,000/500 tasks/units, median of three runs,
peak memory of the process.

Baseline: the script a user would write with openpyxl — one workbook per unit holding the same
content (填报说明; 填报表 with headers, the unit's task rows, task columns locked and grey, answer
cells unlocked, a data validation per answer column from the form, sheet protection, widths;
指标 with the unit's targets; 填报单位信息). It is handed the routing ready-made (which rows each
unit gets, computed beforehand and not timed), so it only writes — a conservative yardstick.
Targets: Wuhan under 1.5 s; at 500 units at least 3× faster than the baseline.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.benchmarks.common import (
    Figure,
    cache_dir,
    median_run,
    prepare,
    python_script,
    report,
    xltools,
)
from tests.benchmarks.synth import inputs

SIZES = ((120, 60), (1000, 200), (5000, 500))  # (tasks, units)
ROUND = "2023Q1"
WUHAN_SECONDS = 1.5
TARGET_RATIO = 3.0

BASELINE = r"""
import json, sys
from pathlib import Path
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
out = Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
title, body = Font(name="宋体", size=16, bold=True), Font(name="仿宋", size=11)
bold = Font(name="仿宋", size=11, bold=True)
wrap = Alignment(wrap_text=True, vertical="center")
grey = PatternFill("solid", fgColor="F2F2F2")
unlocked = Protection(locked=False)


def rule(f, cells):
    if f["type"] == "choice":
        dv = DataValidation(type="list", formula1='"' + ",".join(f["choices"]) + '"')
    elif f["type"] in ("integer", "number", "percent"):
        low = f["min"] if f["min"] is not None else -1e15
        high = f["max"] if f["max"] is not None else 1e15
        kind = "whole" if f["type"] == "integer" else "decimal"
        dv = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high))
    elif f["type"] == "date":
        dv = DataValidation(type="date", operator="between", formula1="32874", formula2="73050")
    elif f["max_length"]:
        dv = DataValidation(type="textLength", operator="lessThanOrEqual",
                            formula1=str(f["max_length"]))
    else:
        return None
    dv.error, dv.errorTitle, dv.showErrorMessage = "输入有误", "输入有误", True
    if f["help"]:
        dv.prompt, dv.promptTitle, dv.showInputMessage = f["help"], f["label"][:32], True
    dv.add(cells)
    return dv


def table(ws, headers, rows, locked, fields, widths):
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.alignment = bold, wrap
    for values in rows:
        ws.append(values)
    for row in ws.iter_rows(min_row=2, max_row=len(rows) + 1):
        for c, cell in enumerate(row):
            cell.font, cell.alignment = body, wrap
            if c < locked:
                cell.fill = grey
            else:
                cell.protection = unlocked
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    for i, f in enumerate(fields):
        letter = get_column_letter(locked + i + 1)
        dv = rule(f, f"{letter}2:{letter}{max(len(rows), 1) + 1}")
        if dv is not None:
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    ws.protection.sheet = True


for book in spec["books"]:
    wb = Workbook()
    info = wb.active
    info.title = "填报说明"
    info.append([spec["title"]])
    info["A1"].font = title
    for label, value in (("轮次", spec["round"]), ("填报单位", book["recipient"]),
                         ("截止日期", spec["due"]), ("填报任务", f"{len(book['rows'])} 项"),
                         ("填报方法", "请在白色单元格中填写,灰色单元格为下发内容,不能修改。")):
        info.append([label, value])
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 14, 80
    fields = spec["fields"]
    table(wb.create_sheet("填报表"), ["编号", "角色", "牵头单位", "任务内容"]
          + [f["label"] for f in fields], [r + [None] * len(fields) for r in book["rows"]],
          4, fields, [8, 6, 16, 50] + [f["width"] for f in fields])
    if book["targets"]:
        tf = spec["target_fields"]
        table(wb.create_sheet("指标"), ["编号", "指标", "目标值", "计量单位", "类型", "比较"]
              + [f["label"] for f in tf], [t + [None] * len(tf) for t in book["targets"]],
              6, tf, [8, 40, 10, 10, 8, 8] + [f["width"] for f in tf])
    if spec["unit_fields"]:
        ws = wb.create_sheet("填报单位信息")
        ws.append(["项目", "填写内容", "填写说明"])
        for f in spec["unit_fields"]:
            ws.append([f["label"], None, f["help"]])
        for r in range(2, len(spec["unit_fields"]) + 2):
            ws.cell(r, 2).protection = unlocked
        ws.protection.sheet = True
    wb.save(out / book["file"])
print(len(spec["books"]))
"""


def _field(f) -> dict:
    return {"label": f.label, "type": f.type, "choices": list(f.choices), "help": f.help,
            "min": f.min if isinstance(f.min, (int, float)) else None,
            "max": f.max if isinstance(f.max, (int, float)) else None,
            "max_length": f.max_length, "width": f.width}  # fmt: skip


def baseline_spec(root: Path) -> Path:
    """What the baseline script is handed: the round's form and each unit's rows and targets."""
    from xltools.distribute.forms import load_form
    from xltools.distribute.round import build_specs
    from xltools.master.workspace import load

    ws = load(root)
    rnd = ws.round(ROUND)
    form = load_form(rnd.form, search=[ws.root / "templates"])
    specs = build_specs(
        ws.master(), form, workspace_id=ws.id, title=ws.title, office=ws.office, round_key=ROUND,
        round_name=rnd.name, due=rnd.due, period_end=rnd.period_end,
    )  # fmt: skip
    data = {
        "title": ws.title, "round": rnd.name, "due": rnd.due.isoformat(),
        "fields": [_field(f) for f in form.task_fields],
        "target_fields": [_field(f) for f in form.target_fields],
        "unit_fields": [_field(f) for f in form.unit_fields],
        "books": [
            {"file": s.file, "recipient": s.recipient,
             "rows": [[r.task, r.role, r.leads, r.text] for r in s.rows],
             "targets": [[t.task, t.phrase, t.value, t.measure, t.kind, t.comparison]
                         for t in s.targets]}
            for s in specs
        ],
    }  # fmt: skip
    path = root.parent / f"{root.name}-baseline.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def workspace(name: str, plan: Path, units: Path) -> Path:
    """A workspace made with ``xltools init`` in the run's cache (once per run)."""
    root = cache_dir() / name
    if not (root / "xltools.yaml").exists():
        prepare(xltools("init", root, "--plan", plan, "--units", units))
    return root


def main() -> bool:
    """One figure per workspace; False when a target is missed."""
    from xltools.demo.run import sample_files

    ok = True
    cases = [("Wuhan", workspace("ws-wuhan", *sample_files()), 0)]
    for tasks, units in SIZES:
        plan_path, units_path, _ = inputs(tasks, units)
        root = workspace(f"ws-{tasks}-{units}", plan_path, units_path)
        cases.append((f"{tasks:,}/{units}", root, units))
    for size, root, units in cases:
        run = median_run(xltools("distribute", ROUND, "--force", "-w", root))
        # "Wrote 60 workbooks (122 lead rows, 1389 partner rows) and manifest.xlsx to …"
        words = run.output.split()
        books, rows = int(words[1]), int(words[3].lstrip("(")) + int(words[6])
        spec = baseline_spec(root)
        base = median_run(python_script(BASELINE, spec, root.parent / f"{root.name}-baseline"))
        if int(base.output) != books:
            raise RuntimeError(f"baseline wrote {base.output} workbooks, xltools {books}")
        checks = []
        if units == 0:
            checks.append((f"< {WUHAN_SECONDS} s", run.seconds < WUHAN_SECONDS))
        if units == 500:
            checks.append(
                (f"≥ {TARGET_RATIO:g}× baseline", base.seconds / run.seconds >= TARGET_RATIO)
            )
        passed = all(c[1] for c in checks) if checks else None
        ok = ok and passed is not False
        report(Figure("distribute", f"{size}: {books} books, {rows:,} rows", run.seconds,
                      run.mb, base.seconds, ", ".join(c[0] for c in checks), passed))  # fmt: skip
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
