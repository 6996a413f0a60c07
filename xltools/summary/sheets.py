"""Write the summary workbook: 总览 with its charts (see `charts`), then the list sheets.

Every sheet is print-ready: A4, fit to the page width, the header row repeated, the title in the
page header and "第 x 页 共 y 页" in the footer. Values units typed go in as text, never formulas.
"""

from __future__ import annotations

import math
from pathlib import Path

from xltools.core.contracts import ADOPTED, RECEIVED
from xltools.core.excel import (
    BODY_FONT,
    TITLE_FONT,
    office_formats,
    print_setup,
    row_height,
    wrapped_lines,
)
from xltools.core.xlsxrows import render_rows, write_row
from xltools.summary.closing import NEW_TASK
from xltools.summary.model import (
    ALL_STATUSES,
    BEHIND,
    LEAD,
    SENT_BACK,
    STATUSES,
    UNREPORTED,
    Summary,
)

SHEETS = (
    "总览",
    "分类统计",
    "单位统计",
    "任务明细",
    "指标完成",
    "滞后事项",
    "本期变化",
    "未报送单位",
    "需协调事项",
    "已销号",
    "待销号",
    "校验情况",
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
    """Write the summary workbook to ``path`` (xlsx): the sheets of `SHEETS`, charts on 总览.

    One function per sheet, each from the `Summary` alone: a new sheet is one more function."""
    import xlsxwriter

    from xltools.summary.charts import write_overview

    path = Path(path)
    with xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False}
    ) as wb:
        wb.set_properties({"title": heading(summary, "落实情况汇总")})
        fmt = summary_formats(wb)
        overview = wb.add_worksheet(SHEETS[0])
        for write in (
            _categories,
            _units,
            _tasks,
            _targets,
            _behind,
            _changes,
            _missing,
            _coordination,
            _closed,
            _candidates,
            _overdue,
            _due_next,
            _leaders,
            _checking,
        ):
            write(wb, fmt, summary)
        write_overview(wb, overview, fmt, summary)
        overview.activate()


def heading(summary: Summary, what: str) -> str:
    """A title: see `Summary.heading`."""
    return summary.heading(what)


# Printable area of A4 in points with print_setup's margins (0.5 in left/right, 0.75 in top/bottom).
PAGE_PT = {True: (770.0, 487.0), False: (523.0, 734.0)}  # landscape: (width, height)


def fit_pages(ws, widths, heights, *, landscape=True) -> None:
    """Fit to the page width, and when the last page would hold only a few rows, shrink a little
    so that it does not print (no near-empty page): ``heights`` are the rows' points."""
    page_width, page_height = PAGE_PT[landscape]
    content = sum(width * 7 + 5 for width in widths) * 0.75  # Excel's px per character
    scale = min(1.0, page_width / content)
    total = sum(heights) * scale
    pages = max(1, math.ceil(total / page_height))
    last = total - (pages - 1) * page_height
    if pages > 1 and last < 0.25 * page_height and total / (pages - 1) < 1.15 * page_height:
        ws.fit_to_pages(1, pages - 1)


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
    if header_rows == 1:
        _header_height(ws, columns)
    ws.freeze_panes(1 + header_rows, 0)
    render_rows(ws)  # the list rows are many: see `xlsxrows`
    print_setup(ws, title, landscape=landscape, repeat_rows=(1, header_rows))
    return ws


def _row(ws, row, values, styles, widths, fmt, *, level=0, hidden=False, collapsed=False) -> float:
    """Write one row of values, each with its style, and size the row to its text; ``level``,
    ``hidden`` and ``collapsed`` place it in the sheet's outline. Returns the printed height."""
    formats = [
        fmt.get(value, fmt["center"]) if style == "light" else fmt[style]
        for value, style in zip(values, styles, strict=True)
    ]
    options = {"level": level, "hidden": hidden, "collapsed": collapsed}
    height = fit_height(values, widths)
    # The row's settings first: write_row then need not give the row settings of its own.
    ws.set_row(row, height, None, {k: v for k, v in options.items() if v} or None)
    write_row(ws, row, values, formats)
    return 0.0 if hidden else height


# LibreOffice prints 11-point 仿宋 (a CJK fallback font where 仿宋 is missing) with lines of about
# 16.2 points, where `excel.row_height` allows 14: a row of three lines then loses the bottom of
# its last one. Measured with LibreOffice itself: the optimal height it computes for each row of
# the demo's summary (1 line 17.1 pt, 3 lines 48.5 pt, 4 lines 64.1 pt). Excel's lines are
# shorter, so these rows are a little roomy there.
LINE_PT = 16.5


def fit_height(values, widths) -> float:
    """Points for a row whose wrapped cells show all their text when printed (see `LINE_PT`)."""
    return min(409.0, wrapped_lines(values, widths) * LINE_PT + 3)


def _nothing(ws, row, last, text, fmt) -> None:
    ws.merge_range(row, 0, row, last, text, fmt["empty"])
    ws.set_row(row, 20)


def _title(summary: Summary, what: str) -> str:
    return heading(summary, what)


def _widths(columns) -> list[float]:
    return [width for _header, width in columns]


def _header_height(ws, columns, row=1) -> None:
    ws.set_row(row, fit_height([h for h, _w in columns], _widths(columns)))


def _band(ws, row, last, text, fmt) -> float:
    ws.merge_range(row, 0, row, last, text, fmt["band"])
    ws.set_row(row, 20)
    return 20.0


def _categories(wb, fmt, summary: Summary) -> None:
    heads = [*ALL_STATUSES, "合计", "红灯", "黄灯", "绿灯", "滞后及未启动占比"]
    columns = [("分类", 44)] + [(h, 8 if len(h) < 4 else 10) for h in heads]
    ws = _sheet(wb, fmt, "分类统计", _title(summary, "分类统计"), columns)
    _header_height(ws, columns)
    widths = _widths(columns)
    styles = ["wrap"] + ["int"] * (len(heads) - 1) + ["pct0"]
    row, heights = 2, [30.0, 32.0]
    for label, table in (
        ("一、按板块统计", summary.by_section),
        ("二、按方向统计", summary.by_direction),
        ("三、按类别统计", summary.by_category),
    ):
        heights.append(_band(ws, row, len(columns) - 1, label, fmt))
        row += 1
        for name, counts in table:
            values = [name, *(counts.get(s, 0) for s in ALL_STATUSES)]
            values += [counts.get(k, 0) for k in ("合计", "红", "黄", "绿")]
            total = counts.get("合计", 0)
            behind = sum(counts.get(s, 0) for s in BEHIND)
            values.append(behind / total if total else 0)
            heights.append(_row(ws, row, values, styles, widths, fmt))
            row += 1
    fit_pages(ws, widths, heights)


def _units(wb, fmt, summary: Summary) -> None:
    heads = [("单位", 26), ("牵头任务", 7), ("配合任务", 7)]
    heads += [(s, 8 if len(s) < 4 else 10) for s in ALL_STATUSES]
    heads += [("指标低于序时进度", 9), ("报送情况", 14)]
    ws = _sheet(wb, fmt, "单位统计", _title(summary, "各单位情况统计"), heads, header_rows=2)
    first, last = 3, 3 + len(ALL_STATUSES) - 1
    for col, (header, _w) in enumerate(heads):
        if first <= col <= last:
            ws.write_string(2, col, header, fmt["header"])
        else:
            ws.merge_range(1, col, 2, col, header, fmt["header"])
    ws.merge_range(1, first, 1, last, "牵头任务完成状态（本单位填报）", fmt["header"])
    ws.set_row(1, 20)
    ws.set_row(2, 32)
    widths = _widths(heads)
    styles = ["wrap"] + ["int"] * (len(ALL_STATUSES) + 3) + ["center"]
    # A unit with only cooperating tasks that reported on time has nothing to show here (a row
    # of zeros): it is counted in the note below instead.
    shown = [u for u in summary.units if u.led or u.reporting != "按时" or u.sent_back]
    row, heights = 3, [30.0, 20.0, 32.0]
    for unit in shown:
        values = [unit.name, unit.led, unit.shared]
        values += [unit.statuses.get(s, 0) for s in ALL_STATUSES]
        reporting = f"{unit.reporting}，{SENT_BACK}" if unit.sent_back else unit.reporting
        values += [unit.targets_behind, reporting]
        # Late or sent back is yellow, missing red, so the eye finds them in a long list.
        late = unit.reporting == "逾期" or unit.sent_back
        styles[-1] = "红" if unit.reporting == UNREPORTED else ("黄" if late else "center")
        heights.append(_row(ws, row, values, styles, widths, fmt))
        row += 1
    if not summary.units:
        _nothing(ws, row, len(heads) - 1, "无", fmt)
    hidden = len(summary.units) - len(shown)
    if hidden:
        note = f"注：另有{hidden}个单位本期只承担配合任务且已按时报送，未列出。"
        ws.merge_range(row, 0, row, len(heads) - 1, note, fmt["note"])
        heights.append(20.0)
    fit_pages(ws, widths, heights)


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
SEE_BELOW = "（见下方各牵头单位填报）"


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
            ws.set_row(row, fit_height([heading], [sum(widths)]))
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
            status = (line.status or RECEIVED) if line.state == ADOPTED else line.state
            values = ["", f"{line.role}单位", line.unit, status, line.progress]
            values += [line.note, line.issues, line.next_steps, "", ";".join(line.flags)]
            _row(ws, row, values, line_styles, widths, fmt, level=1, hidden=line.role != LEAD)
            row += 1
    if not summary.tasks:
        _nothing(ws, 2, last, "无任务", fmt)
    else:
        note = "注：各配合单位的填报内容折叠在所配合任务的下方，在 Excel 中点击左侧“+”（或分级按钮“2”）展开。"
        ws.merge_range(row, 0, row, last, note, fmt["note"])
        ws.set_row(row, fit_height([note], [sum(widths)]))


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
        ("任务内容", 30),
        ("牵头单位", 11),
        ("配合单位", 13),
        ("完成状态", 9),
        ("完成进度(%)", 7),
        ("存在问题", 24),
        ("下步工作计划", 22),
        ("灯", 5),
        ("较上期", 9),
        ("预警原因", 18),
    ]
    ws = _sheet(wb, fmt, "滞后事项", _title(summary, "滞后事项清单"), columns)
    _header_height(ws, columns)
    styles = ["int", "center", "wrap", "wrap", "wrap", "center", "int", "wrap", "wrap", "light"]
    styles += ["center", "wrap"]
    heights = [30.0, 32.0]
    for n, task in enumerate(summary.behind, start=1):
        reasons = task.reasons or [f"完成状态为{task.status}"]
        partners = _few(task.partners)
        values = [n, task.id, task.text, task.leads, partners, task.status, task.progress]
        values += [task.issues, task.next_steps, task.light, _compared(task), "；".join(reasons)]
        heights.append(_row(ws, n + 1, values, styles, _widths(columns), fmt))
    if not summary.behind:
        _nothing(ws, 2, len(columns) - 1, "本期没有亮红灯或黄灯的任务", fmt)
    fit_pages(ws, _widths(columns), heights)


def _few(names: str, most: int = 4) -> str:
    """A list of units short enough for a leader's table: the first few, then how many."""
    parts = [n for n in names.split("、") if n]
    if len(parts) <= most:
        return names
    return f"{'、'.join(parts[: most - 1])}等{len(parts)}个单位"


def _compared(task) -> str:
    """新增滞后 when the task is newly behind; else last round's status, if any."""
    if task.newly_behind:
        return "新增滞后"
    return f"上期{task.previous}" if task.previous else ""


CHANGES = (
    ("新增滞后", "一、新增滞后或未启动的任务（上期未滞后）"),
    ("恢复正常", "二、由滞后或未启动恢复正常推进的任务"),
    ("新完成", "三、本期新完成的任务"),
)


def _changes(wb, fmt, summary: Summary) -> None:
    columns = [
        ("序号", 5),
        ("编号", 7),
        ("任务内容", 44),
        ("牵头单位", 16),
        ("上期状态", 10),
        ("本期状态", 10),
        ("完成进度(%)", 7),
        ("灯", 5),
        ("存在问题或本期进展", 40),
    ]
    title = _title(summary, "任务推进变化情况")
    ws = _sheet(wb, fmt, "本期变化", title, columns)
    _header_height(ws, columns)
    last, widths = len(columns) - 1, _widths(columns)
    styles = ["int", "center", "wrap", "wrap", "center", "center", "int", "light", "wrap"]
    row, heights = 2, [30.0, 32.0]
    if not summary.previous_period:
        _nothing(ws, row, last, "本年度此前各期尚无汇总数据，自下期起列出与上期相比的变化。", fmt)
        return
    for name, label in CHANGES:
        tasks = summary.changes.get(name, [])
        heights.append(_band(ws, row, last, f"{label}：{len(tasks)}项", fmt))
        row += 1
        for n, task in enumerate(tasks, start=1):
            words = task.issues if name == "新增滞后" else task.note
            values = [n, task.id, task.text, task.leads, task.previous, task.status]
            values += [task.progress, task.light, words]
            heights.append(_row(ws, row, values, styles, widths, fmt))
            row += 1
    note = f"注：与{summary.previous_period}汇总相比；状态为牵头单位填报的完成状态。"
    ws.merge_range(row, 0, row, last, note, fmt["note"])
    fit_pages(ws, widths, heights)


def _missing(wb, fmt, summary: Summary) -> None:
    columns = [("序号", 5), ("单位", 24), ("", 16), ("", 11), ("", 15), ("", 12), ("", 9)]
    columns.append(("", 9))
    title = _title(summary, "未报送、逾期报送及退回修改单位名单")
    ws = wb.add_worksheet("未报送单位")
    last, widths = len(columns) - 1, _widths(columns)
    ws.merge_range(0, 0, 0, last, title, fmt["sheet_title"])
    ws.set_row(0, 30)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    render_rows(ws)
    print_setup(ws, title, landscape=False)
    sections = (
        (
            f"一、未报送单位（{len(summary.missing)}个）",
            ["序号", "单位", "承办单位", "督办联系人", "联系电话", "联系人来源", "牵头任务数", "配合任务数"],
            [[e["单位"], e["承办单位"], e["督办联系人"], e["联系电话"], e["联系人来源"],
              e["牵头任务数"], e["配合任务数"]] for e in summary.missing],
            ["int", "wrap", "wrap", "center", "center", "center", "int", "int"],
            "本期所有单位均已报送",
        ),
        (
            f"二、逾期报送单位（{len(summary.late)}个）",
            ["序号", "单位", "报送时间", "逾期天数", "联系电话", "督办联系人", "", ""],
            [[e["单位"], e["报送时间"], e["逾期天数"], e["联系电话"], e["督办联系人"], "", ""]
             for e in summary.late],
            ["int", "wrap", "center", "int", "center", "center", "center", "center"],
            "本期没有逾期报送的单位",
        ),
        (
            f"三、已报送但报表有错误、已退回修改的单位（{len(summary.sent_back)}个）",
            ["序号", "单位", "报送情况", "错误数", "联系电话", "督办联系人", "牵头任务数", ""],
            [[e["单位"], e["报送情况"], e["错误数"], e["联系电话"], e["督办联系人"],
              e["牵头任务数"], ""] for e in summary.sent_back],
            ["int", "wrap", "center", "int", "center", "center", "int", "center"],
            "本期没有退回修改的单位",
        ),
    )  # fmt: skip
    row, heights = 1, [30.0]
    for label, headers, rows, styles, empty in sections:
        heights.append(_band(ws, row, last, label, fmt))
        for col, header in enumerate(headers):
            ws.write_string(row + 1, col, header, fmt["header"])
        ws.set_row(row + 1, 32)
        heights.append(32.0)
        row += 2
        for n, values in enumerate(rows, start=1):
            heights.append(_row(ws, row, [n, *values], styles, widths, fmt))
            row += 1
        if not rows:
            _nothing(ws, row, last, empty, fmt)
            row += 1
        row += 1
    fit_pages(ws, widths, heights, landscape=False)


def _coordination(wb, fmt, summary: Summary) -> None:
    columns = [
        ("序号", 5),
        ("编号", 7),
        ("任务内容", 36),
        ("提出单位", 14),
        ("角色", 6),
        ("需协调事项", 48),
        ("存在问题", 28),
    ]
    title = _title(summary, "需协调事项清单")
    ws = _sheet(wb, fmt, "需协调事项", title, columns)
    styles = ["int", "center", "wrap", "wrap", "center", "wrap", "wrap"]
    last, widths = len(columns) - 1, _widths(columns)
    row, heights = 2, [30.0, 20.0]
    numerals = "一二三四五六七八九十"
    for k, (who, items) in enumerate(summary.coordination_groups):
        number = numerals[k] if k < len(numerals) else str(k + 1)
        heights.append(_band(ws, row, last, f"{number}、需{who}协调（{len(items)}项）", fmt))
        row += 1
        for n, (task, line) in enumerate(items, start=1):
            values = [n, task.id, task.text, line.unit, line.role, line.coordination, line.issues]
            heights.append(_row(ws, row, values, styles, widths, fmt))
            row += 1
    if not summary.coordination:
        _nothing(ws, 2, last, "本期各单位未提出需协调事项", fmt)
    else:
        note = (
            f"注：共{len(summary.coordination)}项，按所请求协调的单位或层级分组；"
            "一项涉及几个单位的，在各单位下分别列出。"
        )
        ws.merge_range(row, 0, row, last, note, fmt["note"])
    fit_pages(ws, widths, heights)


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
        "注：以上任务牵头单位报告已完成且完成进度达到100%，尚未销号。经核实后，请在总表（master.xlsx）"
        "任务清单中填写该任务的销号日期和销号依据；报告期末在销号日期当天或之后的各轮不再下发该任务。"
    )
    ws.merge_range(row, 0, row, last, note, fmt["note"])
    ws.set_row(row, row_height([note], [sum(_widths(columns))]))


DEADLINE_COLUMNS = [
    ("序号", 5),
    ("编号", 7),
    ("任务内容", 40),
    ("牵头单位", 14),
    ("完成时限", 11),
    ("完成状态", 9),
    ("完成进度(%)", 7),
    ("灯", 5),
    ("存在问题", 28),
]


def _deadline_rows(ws, fmt, summary: Summary, tasks) -> None:
    styles = ["int", "center", "wrap", "center", "center", "center", "int", "light", "wrap"]
    for n, task in enumerate(tasks, start=1):
        text = summary.followup.deadlines.get(task.id, ("", None))[0]
        values = [n, task.id, task.text, task.leads, text, task.status, task.progress]
        values += [task.light, task.issues]
        _row(ws, n + 1, values, styles, _widths(DEADLINE_COLUMNS), fmt)


def _overdue(wb, fmt, summary: Summary) -> None:
    """逾期任务 (when 任务清单 has 完成时限): past the deadline at the quarter's end, not 已完成."""
    if not summary.followup.has_deadlines:
        return
    ws = _sheet(wb, fmt, "逾期任务", _title(summary, "逾期未完成任务"), DEADLINE_COLUMNS)
    _deadline_rows(ws, fmt, summary, summary.followup.overdue)
    if not summary.followup.overdue:
        _nothing(ws, 2, len(DEADLINE_COLUMNS) - 1, "本期没有超过完成时限仍未完成的任务", fmt)


def _due_next(wb, fmt, summary: Summary) -> None:
    """下季度到期 (when 任务清单 has 完成时限): not 已完成, due in the next quarter."""
    if not summary.followup.has_deadlines:
        return
    name = summary.followup.next_name
    ws = _sheet(wb, fmt, "下季度到期", f"{name}到期任务（截至本期未完成）", DEADLINE_COLUMNS)
    _deadline_rows(ws, fmt, summary, summary.followup.due_next)
    if not summary.followup.due_next:
        _nothing(ws, 2, len(DEADLINE_COLUMNS) - 1, f"没有在{name}到期的未完成任务", fmt)


def _leaders(wb, fmt, summary: Summary) -> None:
    """按责任领导 (when 任务清单 has 责任领导): each leader's tasks by status and light, 逾期."""
    if not summary.followup.leaders:
        return
    heads = [*ALL_STATUSES, "合计", "红灯", "黄灯", "绿灯", "逾期"]
    columns = [("责任领导", 16)] + [(h, 8 if len(h) < 4 else 10) for h in heads]
    ws = _sheet(wb, fmt, "按责任领导", _title(summary, "按责任领导统计"), columns)
    styles = ["wrap"] + ["int"] * len(heads)
    keys = [*ALL_STATUSES, "合计", "红", "黄", "绿", "逾期"]
    for n, (leader, counts) in enumerate(summary.followup.leaders, start=2):
        values = [leader, *(counts.get(k, 0) for k in keys)]
        _row(ws, n, values, styles, _widths(columns), fmt)


def _checking(wb, fmt, summary: Summary) -> None:
    """For the office, not the leaders: the problems collect found, per unit."""
    columns = [("序号", 6), ("单位", 50), ("报送情况", 30), ("错误", 20), ("警告", 20)]
    title = _title(summary, "报表校验情况（内部核对用）")
    ws = _sheet(wb, fmt, "校验情况", title, columns)
    styles = ["int", "wrap", "center", "int", "int"]
    units = [u for u in summary.units if u.errors or u.warnings]
    row = 2
    total = ["", "合计", "", summary.problems.get("错误", 0), summary.problems.get("警告", 0)]
    _row(ws, row, total, ["center", "center", "center", "int", "int"], _widths(columns), fmt)
    for n, unit in enumerate(units, start=1):
        reporting = f"{unit.reporting}，{SENT_BACK}" if unit.sent_back else unit.reporting
        values = [n, unit.name, reporting, unit.errors, unit.warnings]
        _row(ws, row + n, values, styles, _widths(columns), fmt)
    note = "注：错误须退回单位修改后方采用其数据，警告不影响采用；明细见本期“问题清单.xlsx”。"
    at = row + len(units) + 1
    ws.merge_range(at, 0, at, len(columns) - 1, note, fmt["note"])
    ws.set_row(at, 30)


__all__ = ["SHEETS", "STATUSES", "fit_height", "heading", "summary_formats", "write_summary"]
