"""Write what a collect run found: merged data, problem list, return status, workbooks to send back.

Layouts follow ARCHITECTURE.md exactly. Every value a unit typed is written through
`excel.write_cell`/`excel.set_text`, so text beginning with ``=``, ``+``, ``-`` or ``@`` stays text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from xltools.collect.validate import Context, find_form_table
from xltools.collect.values import display
from xltools.core.contracts import (
    ADOPTED,
    FILE,
    ID,
    LEAD,
    MERGED_FILE,
    MERGED_TAIL,
    MERGED_TARGET_HEADERS,
    MERGED_TARGET_SHEET,
    MERGED_TASK_HEADERS,
    MERGED_TASK_SHEET,
    MERGED_UNIT_SHEET,
    PARTNER,
    PROBLEM_HEADERS,
    PROBLEMS_FILE,
    PROBLEMS_SHEET,
    RETURN_FOLDER,
    RETURN_SHEET,
    RETURNED,
    STATUS_FILE,
    STATUS_HEADERS,
    STATUS_SHEET,
    UNIT,
    UNREPORTED,
)
from xltools.core.excel import (
    BODY_FONT,
    TITLE_FONT,
    cell_name,
    file_name,
    fit_widths,
    header_key,
    row_height,
    set_text,
    write_table,
)
from xltools.core.model import Master, extra_headers
from xltools.core.sheetml import write_tables
from xltools.distribute.fillable import MISSING_FILL, PREFILL_FILL, office_contact
from xltools.distribute.identity import fingerprint

ROLES = {"lead": LEAD, "partner": PARTNER}
_FIXED = datetime(2000, 1, 1)  # document properties' time: same inbox -> same bytes
# "To correct" in a workbook sent back: orange, unlike the light red the form itself uses for
# "required and not yet filled" and the yellow of prefilled answers.
CORRECT_FILL = "#F8CBAD"


@dataclass(frozen=True)
class Office:
    """Who sends a workbook back, whom to ask, and by when the correction is due."""

    name: str = ""
    contact: str = ""
    phone: str = ""
    round_name: str = ""
    resubmit_by: date | None = None


def working_days_after(start: date, days: int) -> date:
    """The date ``days`` working days (Monday to Friday) after ``start``."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def office_of(ws, round_key: str, today: date | None = None) -> Office:
    """The office's settings in a workspace (xltools.yaml) for the workbooks sent back today."""
    today = today or date.today()
    return Office(
        name=ws.office,
        contact=ws.contact,
        phone=ws.phone,
        round_name=ws.round(round_key).name,
        resubmit_by=working_days_after(today, ws.resubmit_days),
    )


def _role(role: str) -> str:
    return ROLES.get(role, role)


def _cell(value: object) -> object:
    """A value as written: dates as ISO text for stable, readable output."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _workbook(path: Path):
    import xlsxwriter

    # Rows go to disk as they are written (strings inline): the merged data of a province's
    # round is a million cells, which xlsxwriter would otherwise hold in memory to the end.
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    wb.set_properties({"created": _FIXED, "author": "xltools"})
    return wb


def merged_rows(result, ctx: Context, master: Master) -> tuple[list[str], list[list]]:
    """The 任务填报 sheet: one row per expected (task, unit), values only when 已采用."""
    tasks = {t.id: t for t in master.tasks}
    fields = ctx.form.task_fields
    taken = {*MERGED_TASK_HEADERS, *(f.label for f in fields), *MERGED_TAIL}
    extras = [h for h in extra_headers(master.tasks) if h not in taken]  # 完成时限, 责任领导 …
    headers = [*MERGED_TASK_HEADERS, *(f.label for f in fields), *extras, *MERGED_TAIL]
    rows = []
    for recipient in sorted(ctx.sent):
        sub = result.submissions.get(recipient)
        state = UNREPORTED if sub is None else (ADOPTED if sub.errors == 0 else RETURNED)
        for r in ctx.sent[recipient].identity.rows:
            task = tasks.get(r.task)
            line = [r.task]
            line += (
                [task.section, task.direction, task.category, task.label, task.text]
                if task
                else [""] * 5
            )
            line += [r.unit, _role(r.role), state]
            answers = sub.answers.get((r.task, r.unit), {}) if sub and state == ADOPTED else {}
            line += [_cell(answers.get(f.key)) for f in fields]
            line += [task.extra.get(h, "") if task else "" for h in extras]
            line += [sub.file.name, sub.file.sha256, _cell(sub.file.saved)] if sub else ["", "", ""]
            rows.append(line)
    return headers, rows


def target_rows(result, ctx: Context, master: Master) -> list[list]:
    """The 指标 sheet: one row per target sent, with the unit's cumulative value when 已采用."""
    by_fp = {(t.task_id, fingerprint(t.phrase)): t for t in master.targets}
    key = ctx.form.target_fields[0].key if ctx.form.target_fields else None
    rows = []
    for recipient in sorted(ctx.sent):
        sub = result.submissions.get(recipient)
        ok = sub is not None and sub.errors == 0
        for t in ctx.sent[recipient].identity.targets:
            target = by_fp.get((t.task, t.fingerprint))
            value = sub.targets.get((t.task, t.unit, t.fingerprint)) if ok and key else None
            rows.append(
                [
                    t.task,
                    target.phrase if target else "",
                    target.value if target else "",
                    target.unit if target else "",
                    target.kind if target else "",
                    target.comparison if target else "",
                    t.unit,
                    _cell(value),
                    sub.file.name if ok else "",
                ]
            )
    return rows


def write_reports(
    result, ctx: Context, master: Master, folder: Path, office: Office | None = None
) -> None:
    """Write the four outputs of a collect run into ``folder``; ``office`` (`office_of`) gives
    the workbooks sent back their deadline and contact."""
    from xltools.core.workers import alongside

    folder.mkdir(parents=True, exist_ok=True)

    def merged() -> None:
        headers, rows = merged_rows(result, ctx, master)
        unit_fields = ctx.form.unit_fields
        write_tables(
            folder / MERGED_FILE,
            [
                (MERGED_TASK_SHEET, headers, rows, None, "任务填报汇总"),
                (MERGED_TARGET_SHEET, MERGED_TARGET_HEADERS, target_rows(result, ctx, master),
                 None, "指标完成情况"),
                (MERGED_UNIT_SHEET, [UNIT, *(f.label for f in unit_fields), FILE],
                 _unit_rows(result, ctx), None, "填报单位信息"),
            ],
        )  # fmt: skip

    def the_rest() -> None:
        _write_problems(result, ctx, folder / PROBLEMS_FILE)
        _write_status(result, ctx, folder / STATUS_FILE)
        for unit, sub in sorted(result.submissions.items()):
            if sub.errors:
                (folder / RETURN_FOLDER).mkdir(exist_ok=True)
                write_return(sub, ctx, folder / RETURN_FOLDER / file_name(unit), office)

    # 汇总数据 (a row per task and unit: sixty thousand in a province) is written by a helper
    # process on a second core while this one writes the problem lists and the workbooks sent back.
    alongside(merged, the_rest)


def _unit_rows(result, ctx: Context) -> list[list]:
    """单位信息's rows: each unit sent a workbook, its unit-level answers if its return is used."""
    rows = []
    for unit in sorted(ctx.sent):
        sub = result.submissions.get(unit)
        ok = sub is not None and sub.errors == 0
        values = sub.unit_values if ok else {}
        rows.append(
            [unit, *(_cell(values.get(f.key)) for f in ctx.form.unit_fields),
             sub.file.name if ok else ""]
        )  # fmt: skip
    return rows


def _write_problems(result, ctx: Context, path: Path) -> None:
    """问题清单.xlsx: every problem found, errors shaded."""
    with _workbook(path) as wb:
        problems = [
            (p.severity, p.unit, p.file, p.sheet, p.cell, p.task, p.field, p.value, p.message,
             p.code)
            for p in result.problems
        ]  # fmt: skip
        ws = write_table(
            wb,
            PROBLEMS_SHEET,
            PROBLEM_HEADERS,
            problems,
            widths=(8, 16, 28, 10, 8, 8, 14, 20, 60, 18),
            title=f"{ctx.round} {PROBLEMS_SHEET}",
        )
        _highlight(wb, ws, len(problems), 0, '="错误"')


def _write_status(result, ctx: Context, path: Path) -> None:
    """报送情况.xlsx: each unit's return, on time or late, with its error and warning counts."""
    status_rows = [
        (
            s.unit,
            s.state,
            s.file,
            _cell(s.saved),
            s.timeliness,
            s.errors,
            s.warnings,
            "、".join(s.superseded),
        )
        for s in result.status
    ]
    with _workbook(path) as wb:
        ws = write_table(
            wb,
            STATUS_SHEET,
            STATUS_HEADERS,
            status_rows,
            widths=fit_widths(STATUS_HEADERS, status_rows, most=(28, 8, 46, 19, 8, 7, 7, 30)),
            title=f"{ctx.round} {STATUS_SHEET}（截止 {result.due.isoformat() if result.due else ''}）",
        )
        late = STATUS_HEADERS.index("是否按时")
        _highlight(wb, ws, len(status_rows), late, '="逾期"')
        _highlight(wb, ws, len(status_rows), STATUS_HEADERS.index("错误数"), ">0")


def _highlight(wb, ws, rows: int, col: int, condition: str) -> None:
    """Shade the cells of column ``col`` that meet ``condition`` (逾期, an error count above 0)."""
    if not rows:
        return
    shade = wb.add_format({"bg_color": CORRECT_FILL, "bold": True})
    operator, value = ("==", condition[1:]) if condition.startswith("=") else (">", condition[1:])
    rule = {"type": "cell", "criteria": operator, "value": value, "format": shade}
    if ws.conditional_format(1, col, rows, col, rule) != 0:  # xlsxwriter returns -1, not raising
        raise ValueError(f"conditional format {condition} rejected by xlsxwriter")


def write_return(sub, ctx: Context, path: Path, office: Office | None = None) -> Path:
    """The sent workbook again, the unit's answers filled back, each problem cell shaded orange
    with a comment, and a first sheet 问题: what to correct, by when, whom to ask — ready to send
    back for correction."""
    from openpyxl import load_workbook

    office = office or Office()
    sent = ctx.sent[sub.unit]
    outbox_file = _outbox_path(sub, ctx)
    wb = load_workbook(outbox_file)
    places = _fill_answers(wb, sub, ctx, sent)
    style = _return_styles()
    _mark_problem_cells(wb, sub.problems, places, style)
    ws = wb.create_sheet(RETURN_SHEET, 0)
    header_row = _return_heading(ws, sub, office, style)
    _return_problems(ws, sub.problems, places, header_row, style)
    _return_page_setup(ws, sub.unit, header_row)
    wb.active = 0
    for sheet in wb.worksheets:  # the workbook opens on 问题, not on a sheet also selected
        sheet.sheet_view.tabSelected = sheet is ws
    wb.properties.modified = _FIXED
    wb.properties.created = _FIXED
    wb.save(path)
    return path


_RETURN_HEADERS = ("序号", "严重程度", "工作表", "单元格", "任务", "字段", "填写的值", "请修改")
_RETURN_WIDTHS = (6, 8, 10, 8, 8, 14, 20, 70)


def _return_styles() -> dict:
    """The fonts, fills and borders of a workbook sent back, by name."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    return {
        "orange": PatternFill("solid", fgColor=CORRECT_FILL.lstrip("#")),
        "title": Font(bold=True, name=TITLE_FONT, size=14),
        "bold": Font(bold=True, name=TITLE_FONT, size=11),
        "body": Font(name=BODY_FONT, size=11),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "box": Border(left=thin, right=thin, top=thin, bottom=thin),
    }


def _mark_problem_cells(wb, problems, places, style: dict) -> None:
    """Shade each cell a problem is about orange, its problems in a comment."""
    from openpyxl.comments import Comment

    notes: dict[tuple[str, str], list[str]] = {}
    for p in problems:
        where = places.get((p.task, p.field)) or places.get(("", p.field))
        if where:
            notes.setdefault(where, []).append(f"{p.severity}：{p.message}")
    for (sheet, cell), texts in notes.items():
        ws = wb[sheet]
        ws[cell].fill = style["orange"]
        ws[cell].comment = Comment("\n".join(texts), "督查室", width=300, height=120)


def _return_heading(ws, sub, office: Office, style: dict) -> int:
    """问题's title, what to fix by when, whom to ask, the colours; the table's header row."""
    from openpyxl.styles import Alignment, PatternFill

    body = style["body"]
    last = len(_RETURN_HEADERS)
    what = f"{office.round_name}报表" if office.round_name else "报表"
    ws.cell(1, 1, f"{sub.unit}{what}退回修改通知").font = style["title"]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    errors = sum(p.severity == "错误" for p in sub.problems)
    lines = [
        f"贵单位报送的报表经检查有 {errors} 处错误需要修改（警告供核实，可不改）。"
        "请按下表逐项修改；需修改的单元格在原表中以橙色标出，鼠标停在单元格上可看到批注。"
        "淡红色表示必填但尚未填写，黄色为预填的上一轮内容。",
    ]
    if office.resubmit_by:
        by = office.resubmit_by
        lines.append(
            f"请于{by.year}年{by.month}月{by.day}日前修改完毕，保存后重新报送（文件名可不变）。"
        )
    lines.append(office_contact(office.name or "督查室", office.contact, office.phone))
    row = 2
    for text in lines:
        ws.cell(row, 1, text).font = body
        ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        ws.row_dimensions[row].height = (
            15 * max(1, -(-len(text) * 2 // (sum(_RETURN_WIDTHS) - 4))) + 4
        )
        row += 1
    for col, (fill, text) in enumerate(
        ((CORRECT_FILL, "需修改"), (MISSING_FILL, "必填未填"), (PREFILL_FILL, "上一轮预填")),
        start=1,
    ):
        cell = ws.cell(row, 2 * col - 1, text)
        cell.fill = PatternFill("solid", fgColor=fill.lstrip("#"))
        cell.font, cell.border = body, style["box"]
        ws.merge_cells(start_row=row, start_column=2 * col - 1, end_row=row, end_column=2 * col)
    return row + 2


def _return_problems(ws, problems, places, header_row: int, style: dict) -> None:
    """问题's table: one row per problem, where it is and what to change."""
    from openpyxl.styles import Alignment, PatternFill

    body, wrap, box = style["body"], style["wrap"], style["box"]
    for c, h in enumerate(_RETURN_HEADERS, start=1):
        cell = ws.cell(header_row, c, h)
        cell.font, cell.border = style["bold"], box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
    for r, p in enumerate(problems, start=header_row + 1):
        sheet, cell_ref = _place(places, p)
        values = (r - header_row, p.severity, sheet, cell_ref, p.task, p.field, p.value, p.message)
        for c, value in enumerate(values, start=1):
            target = ws.cell(r, c)
            set_text(target, value)
            target.font, target.alignment, target.border = body, wrap, box
        if p.severity == "错误":
            ws.cell(r, 2).fill = style["orange"]
        ws.row_dimensions[r].height = row_height(values, _RETURN_WIDTHS)
    for col, width in zip("ABCDEFGH", _RETURN_WIDTHS, strict=True):
        ws.column_dimensions[col].width = width


def _return_page_setup(ws, unit: str, header_row: int) -> None:
    """问题 prints landscape on A4, fitted to width, its headers on every page."""
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.center.text = f"{unit} 报表问题清单（请修改后重新报送）"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"


def _outbox_path(sub, ctx: Context) -> Path:
    return Path(ctx.outbox) / ctx.sent[sub.unit].file


def _place(places, p) -> tuple[str, str]:
    where = places.get((p.task, p.field)) or places.get(("", p.field))
    return where if where else (p.sheet, p.cell)


def _fill_answers(wb, sub, ctx: Context, sent) -> dict[tuple[str, str], tuple[str, str]]:
    """Write the answers into the sent layout; return (task, field label) -> (sheet, cell)."""
    places: dict[tuple[str, str], tuple[str, str]] = {}
    found = find_form_table(sent.sheets, ctx.form)
    if found:
        sheet, header, heads = found
        ws = wb[sheet]
        rows = sent.sheets[sheet]
        unit_col = heads.get(UNIT)
        # Without a 单位 column (no hosted units) a row is the task's only row in the workbook.
        only = {r.task: r.unit for r in sent.identity.rows}
        for r in range(header + 1, len(rows)):
            row = rows[r]
            task = display(row[heads[ID]]) if heads[ID] < len(row) else ""
            shown = display(row[unit_col]) if unit_col is not None and unit_col < len(row) else ""
            answers = sub.answers.get((task, shown or only.get(task, "")))
            if answers is None:
                continue
            for f in ctx.form.task_fields:
                col = heads.get(header_key(f.label))
                if col is None:
                    continue
                places[(task, f.label)] = (sheet, cell_name(r, col))
                value = answers.get(f.key)
                if value is not None:
                    set_text(ws.cell(r + 1, col + 1), value)
    for f in ctx.form.unit_fields:
        where = sub.unit_cells.get(f.key)
        if where and where[0] in wb.sheetnames:
            places[("", f.label)] = where
            value = sub.unit_values.get(f.key)
            if value is not None:
                set_text(wb[where[0]][where[1]], value)
    return places
