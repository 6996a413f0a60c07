"""Write the summary workbook: 总览 with its charts (see `charts`), then the list sheets.

Every sheet is print-ready: A4, fit to the page width, the header row repeated, the title in the
page header and "第 x 页 共 y 页" in the footer. Values units typed go in as text, never formulas.
"""

from __future__ import annotations

from pathlib import Path

from xltools.core.excel import BODY_FONT, TITLE_FONT, office_formats, print_setup, row_height
from xltools.core.xlsxrows import render_rows, write_row
from xltools.summary.closing import NEW_TASK
from xltools.summary.model import ALL_STATUSES, LEAD, SENT_BACK, STATUSES, UNREPORTED, Summary

SHEETS = (
    "总览",
    "分类统计",
    "单位统计",
    "任务明细",
    "指标完成",
    "滞后事项",
    "未报送单位",
    "需协调事项",
    "已销号",
    "待销号",
)
LIGHT_COLOURS = {
    "红": ("#C00000", "#FFFFFF"),
    "黄": ("#FFC000", "#000000"),
    "绿": ("#00B050", "#FFFFFF"),
}


def summary_formats(wb) -> dict:
    """The office formats plus the summary's own: lights, unit lines, bands, numbers."""
    fmt = office_formats(wb)
    body = {"font_name": BODY_FONT, "font_size": 11, "valign": "vcenter", "border": 1}
    for word, (bg, fg) in LIGHT_COLOURS.items():
        fmt[word] = wb.add_format(
            {**body, "align": "center", "bold": True, "bg_color": bg, "font_color": fg}
        )
    fmt["int"] = wb.add_format({**body, "align": "center", "num_format": "0"})
    fmt["pct0"] = wb.add_format({**body, "align": "center", "num_format": "0%"})
    fmt["num"] = wb.add_format({**body, "num_format": "#,##0.##"})
    fmt["center"] = wb.add_format({**body, "align": "center", "text_wrap": True})
    grey = {"font_color": "#404040", "bg_color": "#F2F2F2"}
    fmt["sub"] = wb.add_format({**body, **grey, "text_wrap": True, "valign": "top"})
    fmt["sub_center"] = wb.add_format({**body, **grey, "align": "center", "text_wrap": True})
    fmt["sub_role"] = wb.add_format({**body, **grey, "align": "right", "italic": True})
    fmt["sub_int"] = wb.add_format({**body, **grey, "align": "center", "num_format": "0"})
    fmt["band"] = wb.add_format(
        {**body, "font_name": TITLE_FONT, "bold": True, "bg_color": "#EDEDED", "text_wrap": True}
    )
    fmt["sheet_title"] = wb.add_format(
        {
            "font_name": TITLE_FONT,
            "font_size": 16,
            "bold": True,
            "align": "center",
            "valign": "vcenter",
        }
    )
    fmt["flag"] = wb.add_format(
        {**body, "text_wrap": True, "valign": "top", "font_color": "#C00000"}
    )
    fmt["empty"] = wb.add_format({**body, "align": "center", "italic": True})
    fmt["note"] = wb.add_format({"font_name": BODY_FONT, "font_size": 10, "text_wrap": True})
    return fmt


def write_summary(summary: Summary, path: Path) -> None:
    """Write the summary workbook to ``path`` (xlsx): the eight sheets, charts on 总览."""
    import xlsxwriter

    from xltools.summary.charts import write_overview

    path = Path(path)
    with xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False}
    ) as wb:
        wb.set_properties({"title": f"{summary.title}{summary.period}落实情况汇总"})
        fmt = summary_formats(wb)
        overview = wb.add_worksheet(SHEETS[0])
        _categories(wb, fmt, summary)
        _units(wb, fmt, summary)
        _tasks(wb, fmt, summary)
        _targets(wb, fmt, summary)
        _behind(wb, fmt, summary)
        _missing(wb, fmt, summary)
        _coordination(wb, fmt, summary)
        _closed(wb, fmt, summary)
        _candidates(wb, fmt, summary)
        write_overview(wb, overview, fmt, summary)
        overview.activate()


def _sheet(wb, fmt, name: str, title: str, columns, *, landscape=True, header_rows=1):
    """A sheet with a title row and a header row (repeated on every printed page)."""
    ws = wb.add_worksheet(name)
    last = len(columns) - 1
    ws.merge_range(0, 0, 0, last, title, fmt["sheet_title"])
    ws.set_row(0, 30)
    for col, (header, width) in enumerate(columns):
        ws.set_column(col, col, width)
        if header_rows == 1:
            ws.write_string(1, col, header, fmt["header"])
    ws.freeze_panes(1 + header_rows, 0)
    render_rows(ws)  # the list rows are many: see `xlsxrows`
    print_setup(ws, title, landscape=landscape, repeat_rows=(1, header_rows))
    return ws


def _row(ws, row, values, styles, widths, fmt, *, level=0, hidden=False, collapsed=False) -> None:
    """Write one row of values, each with its style, and size the row to its text; ``level``,
    ``hidden`` and ``collapsed`` place it in the sheet's outline."""
    formats = [
        fmt.get(value, fmt["center"]) if style == "light" else fmt[style]
        for value, style in zip(values, styles, strict=True)
    ]
    write_row(ws, row, values, formats)
    options = {"level": level, "hidden": hidden, "collapsed": collapsed}
    ws.set_row(
        row, row_height(values, widths), None, {k: v for k, v in options.items() if v} or None
    )


def _nothing(ws, row, last, text, fmt) -> None:
    ws.merge_range(row, 0, row, last, text, fmt["empty"])


def _title(summary: Summary, what: str) -> str:
    return f"{summary.title}{summary.period}{what}"


def _widths(columns) -> list[float]:
    return [width for _header, width in columns]


def _header_height(ws, columns, row=1) -> None:
    ws.set_row(row, row_height([h for h, _w in columns], _widths(columns)))


def _categories(wb, fmt, summary: Summary) -> None:
    heads = [*ALL_STATUSES, "合计", "红灯", "黄灯", "绿灯", "滞后及未启动占比"]
    columns = [("分类", 44)] + [(h, 8 if len(h) < 5 else 10) for h in heads]
    ws = _sheet(wb, fmt, "分类统计", _title(summary, "分类统计"), columns)
    _header_height(ws, columns)
    widths = _widths(columns)
    styles = ["wrap"] + ["int"] * (len(heads) - 1) + ["pct0"]
    row = 2
    for label, table in (
        ("一、按板块统计", summary.by_section),
        ("二、按方向统计", summary.by_direction),
        ("三、按类别统计", summary.by_category),
    ):
        ws.merge_range(row, 0, row, len(columns) - 1, label, fmt["band"])
        ws.set_row(row, 20)
        row += 1
        for name, counts in table:
            values = [name, *(counts.get(s, 0) for s in ALL_STATUSES)]
            values += [counts.get(k, 0) for k in ("合计", "红", "黄", "绿")]
            total = counts.get("合计", 0)
            behind = counts.get("滞后", 0) + counts.get("未启动", 0)
            values.append(behind / total if total else 0)
            _row(ws, row, values, styles, widths, fmt)
            row += 1


def _units(wb, fmt, summary: Summary) -> None:
    heads = [("单位", 24), ("牵头任务", 7), ("配合任务", 7)]
    heads += [(s, 8 if len(s) < 5 else 10) for s in ALL_STATUSES]
    heads += [("指标低于序时进度", 9), ("报送情况", 8), ("错误", 6), ("警告", 6)]
    ws = _sheet(wb, fmt, "单位统计", _title(summary, "各单位情况统计"), heads, header_rows=2)
    first, last = 3, 3 + len(ALL_STATUSES) - 1
    for col, (header, _w) in enumerate(heads):
        if first <= col <= last:
            ws.write_string(2, col, header, fmt["header"])
        else:
            ws.merge_range(1, col, 2, col, header, fmt["header"])
    ws.merge_range(1, first, 1, last, "牵头任务完成状态(本单位填报)", fmt["header"])
    ws.set_row(1, 20)
    ws.set_row(2, 32)
    widths = _widths(heads)
    styles = ["wrap"] + ["int"] * (len(ALL_STATUSES) + 3) + ["center", "int", "int"]
    for row, unit in enumerate(summary.units, start=3):
        values = [unit.name, unit.led, unit.shared]
        values += [unit.statuses.get(s, 0) for s in ALL_STATUSES]
        reporting = f"{unit.reporting}，{SENT_BACK}" if unit.sent_back else unit.reporting
        values += [unit.targets_behind, reporting, unit.errors, unit.warnings]
        # Late or sent back is yellow, missing red, so the eye finds them in a long list.
        late = unit.reporting == "逾期" or unit.sent_back
        styles[-3] = "红" if unit.reporting == UNREPORTED else ("黄" if late else "center")
        _row(ws, row, values, styles, widths, fmt)
    if not summary.units:
        _nothing(ws, 3, len(heads) - 1, "无", fmt)


TASK_COLUMNS = [
    ("编号", 7),
    ("任务内容", 34),
    ("牵头单位", 12),
    ("完成状态", 10),
    ("完成进度(%)", 7),
    ("本期工作进展", 36),
    ("存在问题", 20),
    ("下步工作计划", 20),
    ("灯", 5),
    ("提示", 16),
]
SEE_BELOW = "(见下方各牵头单位填报)"


def _tasks(wb, fmt, summary: Summary) -> None:
    ws = _sheet(wb, fmt, "任务明细", _title(summary, "任务落实情况明细"), TASK_COLUMNS)
    _header_height(ws, TASK_COLUMNS)
    ws.outline_settings(True, False, True, False)
    widths = _widths(TASK_COLUMNS)
    last = len(TASK_COLUMNS) - 1
    task_styles = ["center", "wrap", "center", "center", "int", "wrap", "wrap", "wrap", "light"]
    task_styles.append("flag")
    line_styles = ["sub", "sub_role", "sub_center", "sub_center", "sub_int", "sub", "sub", "sub"]
    line_styles += ["sub", "flag"]
    row, band = 2, None
    added = set(summary.closing.added)
    for task in summary.tasks:
        heading = " ".join(x for x in (task.section, task.direction) if x)
        if heading and heading != band:
            ws.merge_range(row, 0, row, last, heading, fmt["band"])
            ws.set_row(row, row_height([heading], [sum(widths)]))
            band, row = heading, row + 1
        leads = [line for line in task.lines if line.role == LEAD]
        several = len(leads) > 1
        texts = [task.note, task.issues, task.next_steps]
        if several:
            # Each lead unit's own words follow on its line; the task row would only repeat them.
            texts = [SEE_BELOW if text else "" for text in texts]
        values = [task.id, task.text, task.leads, task.status, task.progress, *texts]
        hints = [NEW_TASK] if task.id in added else []
        values += [task.light, ";".join([*hints, *task.reasons])]
        # The lead's own line is the task row; the other units' lines (and every line of a task
        # with several lead units) are gathered under it, one level down in the outline. The
        # cooperating units' lines start folded: the printed report stays short, and a click on
        # "+" in Excel shows them.
        shown = task.lines if several else [line for line in task.lines if line.role != LEAD]
        folded = any(line.role != LEAD for line in shown)
        _row(ws, row, values, task_styles, widths, fmt, collapsed=folded)
        row += 1
        for line in shown:
            status = (line.status or "已报送") if line.state == "已采用" else line.state
            values = ["", f"{line.role}单位", line.unit, status, line.progress]
            values += [line.note, line.issues, line.next_steps, "", ";".join(line.flags)]
            _row(ws, row, values, line_styles, widths, fmt, level=1, hidden=line.role != LEAD)
            row += 1
    if not summary.tasks:
        _nothing(ws, 2, last, "无任务", fmt)
    else:
        note = "注:各配合单位的填报内容折叠在所配合任务的下方,在 Excel 中点击左侧“+”(或分级按钮“2”)展开。"
        ws.merge_range(row, 0, row, last, note, fmt["note"])
        ws.set_row(row, row_height([note], [sum(widths)]))


def _targets(wb, fmt, summary: Summary) -> None:
    columns = [
        ("编号", 7),
        ("指标", 34),
        ("目标值", 10),
        ("计量单位", 7),
        ("类型", 6),
        ("比较", 6),
        ("报送单位", 16),
        ("累计完成值", 11),
        ("完成比例", 8),
        ("序时进度", 8),
        ("灯", 5),
        ("说明", 16),
    ]
    ws = _sheet(wb, fmt, "指标完成", _title(summary, "指标完成情况"), columns)
    _header_height(ws, columns)
    styles = ["center", "wrap", "num", "center", "center", "center", "wrap", "num", "pct0"]
    styles += ["pct0", "light", "wrap"]
    for row, t in enumerate(summary.targets, start=2):
        values = [t.task_id, t.phrase, t.value, t.measure, t.kind, t.comparison, t.reporters]
        values += [t.achieved, t.share, t.due, t.light, t.note]
        _row(ws, row, values, styles, _widths(columns), fmt)
    if not summary.targets:
        _nothing(ws, 2, len(columns) - 1, "任务清单中没有量化指标", fmt)


def _behind(wb, fmt, summary: Summary) -> None:
    columns = [
        ("序号", 5),
        ("编号", 7),
        ("任务内容", 40),
        ("牵头单位", 14),
        ("完成状态", 10),
        ("完成进度(%)", 7),
        ("存在问题", 34),
        ("灯", 5),
        ("预警原因", 26),
    ]
    ws = _sheet(wb, fmt, "滞后事项", _title(summary, "滞后事项清单"), columns)
    _header_height(ws, columns)
    styles = ["int", "center", "wrap", "center", "center", "int", "wrap", "light", "wrap"]
    for n, task in enumerate(summary.behind, start=1):
        reasons = task.reasons or [f"完成状态为{task.status}"]
        values = [n, task.id, task.text, task.leads, task.status, task.progress, task.issues]
        values += [task.light, ";".join(reasons)]
        _row(ws, n + 1, values, styles, _widths(columns), fmt)
    if not summary.behind:
        _nothing(ws, 2, len(columns) - 1, "本期没有亮红灯或黄灯的任务", fmt)


def _missing(wb, fmt, summary: Summary) -> None:
    columns = [
        ("序号", 6),
        ("单位", 26),
        ("承办单位", 18),
        ("督办联系人", 12),
        ("联系电话", 16),
        ("牵头任务数", 9),
        ("配合任务数", 9),
    ]
    ws = _sheet(wb, fmt, "未报送单位", _title(summary, "未报送单位名单"), columns, landscape=False)
    styles = ["int", "wrap", "wrap", "center", "center", "int", "int"]
    for n, entry in enumerate(summary.missing, start=1):
        _row(ws, n + 1, [n, *entry.values()], styles, _widths(columns), fmt)
    if not summary.missing:
        _nothing(ws, 2, len(columns) - 1, "本期所有单位均已报送", fmt)


def _coordination(wb, fmt, summary: Summary) -> None:
    columns = [
        ("序号", 5),
        ("编号", 7),
        ("任务内容", 36),
        ("提出单位", 14),
        ("角色", 6),
        ("需协调事项", 44),
        ("存在问题", 28),
    ]
    ws = _sheet(wb, fmt, "需协调事项", _title(summary, "需协调事项清单"), columns)
    styles = ["int", "center", "wrap", "center", "center", "wrap", "wrap"]
    for n, (task, line) in enumerate(summary.coordination, start=1):
        values = [n, task.id, task.text, line.unit, line.role, line.coordination, line.issues]
        _row(ws, n + 1, values, styles, _widths(columns), fmt)
    if not summary.coordination:
        _nothing(ws, 2, len(columns) - 1, "本期各单位未提出需协调事项", fmt)


def _closed(wb, fmt, summary: Summary) -> None:
    """已销号: every task closed by the quarter's end, those closed this quarter marked."""
    columns = [
        ("序号", 5),
        ("编号", 7),
        ("任务内容", 44),
        ("牵头单位", 16),
        ("销号日期", 11),
        ("销号依据", 30),
        ("本季度销号", 8),
    ]
    ws = _sheet(wb, fmt, "已销号", _title(summary, "已销号任务"), columns)
    _header_height(ws, columns)
    styles = ["int", "center", "wrap", "wrap", "center", "wrap", "center"]
    newly = {t.id for t in summary.closing.newly}
    for n, task in enumerate(summary.closing.closed, start=1):
        values = [n, task.id, task.text, "、".join(task.leads), task.closed, task.closed_basis]
        values.append("是" if task.id in newly else "")
        _row(ws, n + 1, values, styles, _widths(columns), fmt)
    if not summary.closing.closed:
        _nothing(ws, 2, len(columns) - 1, "截至本期没有已销号的任务", fmt)


def _candidates(wb, fmt, summary: Summary) -> None:
    """待销号: tasks reported 已完成 at 100 % and not closed, with empty 销号日期 and 销号依据 for
    the office to fill once it has verified them, then copy into 任务清单 of master.xlsx."""
    columns = [
        ("序号", 5),
        ("编号", 7),
        ("任务内容", 36),
        ("牵头单位", 14),
        ("完成状态", 9),
        ("完成进度(%)", 7),
        ("本期工作进展", 34),
        ("销号日期", 11),
        ("销号依据", 20),
    ]
    ws = _sheet(wb, fmt, "待销号", _title(summary, "建议销号任务（待核实）"), columns)
    _header_height(ws, columns)
    styles = ["int", "center", "wrap", "center", "center", "int", "wrap", "center", "wrap"]
    for n, task in enumerate(summary.closing.candidates, start=1):
        values = [n, task.id, task.text, task.leads, task.status, task.progress, task.note, "", ""]
        _row(ws, n + 1, values, styles, _widths(columns), fmt)
    last = len(columns) - 1
    if not summary.closing.candidates:
        _nothing(ws, 2, last, "本期没有报告已完成且进度达到100%的未销号任务", fmt)
        return
    row = len(summary.closing.candidates) + 2
    note = (
        "注:以上任务牵头单位报告已完成且完成进度达到100%,尚未销号。经核实后,请在总表(master.xlsx)"
        "任务清单中填写该任务的销号日期和销号依据;截止日期在销号日期当天或之后的各轮不再下发该任务。"
    )
    ws.merge_range(row, 0, row, last, note, fmt["note"])
    ws.set_row(row, row_height([note], [sum(_widths(columns))]))


__all__ = ["SHEETS", "STATUSES", "summary_formats", "write_summary"]
