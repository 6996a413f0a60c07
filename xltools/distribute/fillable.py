"""Write one unit's fillable workbook for a round (used by `xltools.distribute.round`).

Sheets, in order:
- ``填报说明``: title, round, due date, the unit, what the workbook holds, how to fill, whom to ask.
- ``填报表``: one row per task row; header in row 1. Columns: 编号, 角色 (牵头/配合), 单位 (only in
  a workbook that also carries hosted units' rows), 牵头单位 (the task's leads as written), 任务内容,
  the form's ``task_columns`` the master has (完成时限 by default, read-only), then one column per
  task field of the form, headed by its label. Task columns are locked; cells a
  row fills are unlocked (grey and locked where the row's role does not fill the field).
- ``指标`` (forms with target fields, units whose lead tasks carry targets): 编号, 单位 (as above),
  指标, 目标值, 计量单位, 类型, 比较, then the target fields.
- ``填报单位信息`` (forms with unit fields): columns 项目, 填写内容, 填写说明; one line per unit
  field, its label in 项目 and the unit's answer in 填写内容 (column B).
- ``_xltools``: the identity (`xltools.distribute.identity`), very hidden.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from xltools.core.contracts import (
    COMPARISON,
    FORM_INFO_SHEET,
    FORM_TARGET_SHEET,
    FORM_TASK_SHEET,
    FORM_UNIT_SHEET,
    ID,
    ITEM,
    KIND,
    LEAD,
    LEAD_UNITS,
    MEASURE,
    PHRASE,
    ROLE,
    TARGET_VALUE,
    TEXT,
    UNIT,
)
from xltools.core.excel import (
    BODY_FONT,
    HEADER_FORMAT,
    TITLE_FONT,
    TITLE_FORMAT,
    print_setup,
    text_lines,
    write_cell,
)
from xltools.core.xlsxrows import render_rows, write_row
from xltools.distribute.forms import Field, Form
from xltools.distribute.identity import Identity, IdentityRow, IdentityTarget, embed, fingerprint

LOCKED_FILL = "#F2F2F2"
NOT_APPLICABLE_FILL = "#D9D9D9"
PREFILL_FILL = "#FFF2CC"
MISSING_FILL = "#FFC7CE"
_PROTECTION = {"format_cells": True, "format_columns": True, "format_rows": True}
_LINE_HEIGHT = 14.5  # points per line of 11-point 仿宋


# A task's text recurs in the workbook of every unit that has the task: hash it once.
_fingerprint = functools.lru_cache(maxsize=1 << 16)(fingerprint)


@dataclass(frozen=True)
class Row:
    """One task row of 填报表: the task, the unit it is for (the recipient or a hosted unit), role."""

    task: str
    text: str
    unit: str
    role: str
    leads: str
    extra: tuple[tuple[str, str], ...] = ()  # the task's extra columns (完成时限 …), as written

    def extra_value(self, header: str) -> str:
        return dict(self.extra).get(header, "")


@dataclass(frozen=True)
class TargetRow:
    """One row of 指标."""

    task: str
    unit: str
    phrase: str
    value: float
    measure: str
    kind: str
    comparison: str = ""


@dataclass(frozen=True)
class BookSpec:
    """Everything one workbook needs; plain data, so workbooks can be written in other processes."""

    file: str
    recipient: str
    contact: str
    phone: str
    workspace_id: str
    title: str
    office: str
    round_key: str
    round_name: str
    due: date
    created: datetime
    form: Form
    rows: tuple[Row, ...]
    targets: tuple[TargetRow, ...] = ()
    previous: dict = field(default_factory=dict, hash=False)  # last round's answers, to prefill
    office_contact: str = ""  # the office's contact person and phone, for the units' questions
    office_phone: str = ""

    @property
    def heading(self) -> str:
        """Round and form as one title, without saying a word twice (第一季度 + 季度工作进展)."""
        name, title = self.round_name, self.form.title
        for size in range(min(len(name), len(title)), 0, -1):
            if name.endswith(title[:size]):
                return name + title[size:]
        return name + title

    @property
    def task_columns(self) -> tuple[str, ...]:
        """The form's read-only extra columns (完成时限 …) that the master's tasks have."""
        present = {h for r in self.rows for h, _ in r.extra}
        return tuple(c for c in self.form.task_columns if c in present)

    @property
    def hosted(self) -> tuple[str, ...]:
        """Units other than the recipient whose rows this workbook carries."""
        return tuple(dict.fromkeys(r.unit for r in self.rows if r.unit != self.recipient))

    def identity(self) -> Identity:
        """The identity embedded in the workbook."""
        return Identity(
            workspace=self.workspace_id,
            unit=self.recipient,
            round=self.round_key,
            form=self.form.name,
            version=self.form.version,
            rows=tuple(
                IdentityRow(r.task, r.unit, r.role, _fingerprint(r.text)) for r in self.rows
            ),
            targets=tuple(
                IdentityTarget(t.task, t.unit, _fingerprint(t.phrase)) for t in self.targets
            ),
        )


def write_book(spec: BookSpec, path: Path) -> str:
    """Write the workbook to ``path``; return its sha256."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties(
        {
            "title": spec.heading,
            "subject": spec.title,
            "author": spec.office,
            "company": spec.office,
            "keywords": f"{spec.round_key} {spec.recipient}",
            "created": spec.created,
        }
    )
    fmt = _formats(wb)
    _info_sheet(wb, spec, fmt)
    _task_sheet(wb, spec, fmt)
    if spec.form.target_fields and spec.targets:
        _target_sheet(wb, spec, fmt)
    if spec.form.unit_fields:
        _unit_sheet(wb, spec, fmt)
    embed(wb, spec.identity())
    wb.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _formats(wb) -> dict:
    # Top-aligned: long task texts and answers read from their first line.
    base = {
        "font_name": BODY_FONT,
        "font_size": 11,
        "border": 1,
        "valign": "top",
        "text_wrap": True,
    }
    locked = {**base, "bg_color": LOCKED_FILL}
    entry = {**base, "locked": False}
    prefill = {**entry, "bg_color": PREFILL_FILL}
    numbers = {"date": "yyyy-mm-dd", "integer": "0", "number": "#,##0.####", "percent": "0.##"}
    fmt = {
        "title": wb.add_format({**TITLE_FORMAT}),
        "subtitle": wb.add_format(
            {"font_name": TITLE_FONT, "font_size": 12, "bold": True, "align": "center"}
        ),
        "header": wb.add_format({**HEADER_FORMAT}),
        "label": wb.add_format(
            {**base, "font_name": TITLE_FONT, "bold": True, "valign": "vcenter"}
        ),
        "plain": wb.add_format({**base, "border": 0}),
        "plain_bold": wb.add_format({**base, "border": 0, "bold": True, "font_name": TITLE_FONT}),
        "locked": wb.add_format(locked),
        "locked_center": wb.add_format({**locked, "align": "center", "valign": "vcenter"}),
        "locked_number": wb.add_format({**locked, "num_format": "#,##0.####"}),
        "na": wb.add_format({**base, "bg_color": NOT_APPLICABLE_FILL}),
        "missing": wb.add_format({"bg_color": MISSING_FILL}),
    }
    for kind in ("text", *numbers):
        extra = {"num_format": numbers[kind]} if kind in numbers else {}
        fmt[f"entry_{kind}"] = wb.add_format({**entry, **extra})
        fmt[f"prefill_{kind}"] = wb.add_format({**prefill, **extra})
    return fmt


def _entry_format(fmt: dict, f: Field, prefilled: bool):
    kind = f.type if f.type in ("date", "integer", "number", "percent") else "text"
    return fmt[f"{'prefill' if prefilled else 'entry'}_{kind}"]


def office_contact(office: str, person: str, phone: str) -> str:
    """Whom a unit asks: the office, its contact person and phone (xltools.yaml) when given."""
    who = f"{office}{person}" if person else office
    if phone:
        return f"填写中如有疑问，请与{who}联系（电话：{phone}）。"
    return f"填写中如有疑问，请与{who}联系。"


def _info_sheet(wb, spec: BookSpec, fmt: dict) -> None:
    """填报说明: whose workbook, which round and when due, what it holds, and how to fill it."""
    ws = wb.add_worksheet(FORM_INFO_SHEET)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 84)
    ws.merge_range(0, 0, 0, 1, spec.title or spec.office, fmt["title"])
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, 1, f"{spec.heading}填报表", fmt["subtitle"])
    lead = sum(r.role == LEAD for r in spec.rows)
    content = f"牵头任务 {lead} 项、配合任务 {len(spec.rows) - lead} 项"
    if spec.targets:
        content += f"、指标 {len(spec.targets)} 项"
    if spec.hosted:
        content += f"；含代为承办的{'、'.join(spec.hosted)}的任务（见“单位”列）"
    due = f"{spec.due.year}年{spec.due.month}月{spec.due.day}日前"
    lines = [
        ("填报单位", spec.recipient),
        ("报送轮次", spec.round_name),
        ("报送截止", due),
        ("本表内容", content),
        ("报送方式", f"填写完成后保存（xlsx 格式，文件名可保留不变），于{due}报送{spec.office}。"),
        ("咨询联系", office_contact(spec.office, spec.office_contact, spec.office_phone)),
    ]
    row = 3
    for label, value in lines:
        ws.write_string(row, 0, label, fmt["label"])
        ws.write_string(row, 1, value, fmt["locked"])
        ws.set_row(row, _height([(value, 84)], minimum=20))
        row += 1
    row += 1
    ws.write_string(row, 0, "填写说明", fmt["plain_bold"])
    for number, step in enumerate(_info_steps(spec), start=1):
        row += 1
        text = f"{number}. {step}"
        ws.write_string(row, 1, text, fmt["plain"])
        ws.set_row(row, _height([(text, 84)], minimum=18))
    ws.protect("", _PROTECTION)
    print_setup(ws, f"{spec.recipient} {spec.heading}", landscape=False)


def _info_steps(spec: BookSpec) -> list[str]:
    """填报说明's numbered steps: the form's instructions, then what this workbook holds."""
    steps = list(spec.form.instructions)
    steps.append(
        "灰色单元格（编号、任务内容等）已锁定，请勿修改；深灰色表示该行无需填写此项；白色单元格为"
        "填写区，淡红色为尚未填写的必填项，填写后颜色自动消失。"
    )
    steps.append("将鼠标停在填写单元格上可看到填写提示；下拉单元格请从列表中选择。")
    if spec.task_columns:
        shown = "”“".join(spec.task_columns)
        steps.append(
            f"“{shown}”列为任务分解方案中的要求，仅供参考，请勿修改；请对照按期推进，"
            "未能按期完成的，请在存在问题中说明原因。"
        )
    if spec.previous:
        steps.append(
            "黄色底色的单元格已预填上一轮已采用的内容，请逐项核对，按本期实际情况修改更新后再报送。"
        )
    if spec.targets:
        labels = "、".join(f.label for f in spec.form.target_fields)
        steps.append(
            f"请在“{FORM_TARGET_SHEET}”工作表填写本单位牵头任务中各项指标的{labels}"
            "（截至本期末的累计数，计量单位与目标值相同；比率、水平类指标填当前达到的数值）。"
        )
    if spec.form.unit_fields:
        labels = "、".join(f.label for f in spec.form.unit_fields)
        steps.append(f"请在“{FORM_UNIT_SHEET}”工作表填写{labels}。")
    steps.append("请勿增删行列、调整顺序或重命名工作表，填写完成后保存为 xlsx 格式报送。")
    return steps


def _task_sheet(wb, spec: BookSpec, fmt: dict) -> None:
    """填报表: a row per task and unit, the form's task fields to fill, checked as they are typed."""
    ws = wb.add_worksheet(FORM_TASK_SHEET)
    render_rows(ws)  # a district's sheet has 2,000 rows; a round a million cells: see `xlsxrows`
    fixed = _task_fixed_columns(spec)
    columns = [*fixed, *((f.label, f.width) for f in spec.form.task_fields)]
    _header_row(ws, fmt, columns, _height(columns, minimum=30))
    _task_rows(ws, spec, fmt, len(fixed))
    _task_rules(ws, spec, fmt, len(fixed))
    ws.freeze_panes(1, 2)
    ws.protect("", _PROTECTION)
    print_setup(ws, f"{spec.recipient} {spec.heading}", landscape=True, repeat_rows=(0, 0))


def _task_fixed_columns(spec: BookSpec) -> list[tuple[str, float]]:
    """填报表's locked columns before the fields, (header, width) each."""
    fixed: list[tuple[str, float]] = [(ID, 8), (ROLE, 6)]
    if spec.hosted:
        fixed.append((UNIT, 14))
    # Narrow enough that a landscape A4 page, fitted to width, still prints at about 70 %.
    fixed += [(LEAD_UNITS, 12), (TEXT, 40)]
    fixed += [(h, 12) for h in spec.task_columns]  # read-only, from the master: 完成时限 …
    return fixed


def _task_rows(ws, spec: BookSpec, fmt: dict, first_input: int) -> None:
    """填报表's task rows: the locked columns, then the fields, blank or last round's answers."""
    form = spec.form
    hosted = bool(spec.hosted)
    shown = spec.task_columns
    previous = spec.previous.get("tasks", {}) if spec.previous else {}
    task_formats = [fmt["locked_center"]] * 2 + [fmt["locked"]] * (first_input - 2)
    blank_formats: dict[str, list] = {}  # role -> formats of its unanswered field cells
    long_text = {
        role: any(f.type == "longtext" and f.applies_to(role) for f in form.task_fields)
        for role in {r.role for r in spec.rows}
    }
    for r, row in enumerate(spec.rows, start=1):
        values = [row.task, row.role, *([row.unit] if hosted else []), row.leads, row.text]
        values += [row.extra_value(h) for h in shown]
        answers = previous.get((row.task, row.unit), {})
        cells = [(row.text, 40), (row.leads, 12), *([(row.unit, 14)] if hosted else [])]
        if not answers:
            # Without last round's answers a row's cells depend only on its role.
            if row.role not in blank_formats:
                blank_formats[row.role] = [
                    _entry_format(fmt, f, False) if f.applies_to(row.role) else fmt["na"]
                    for f in form.task_fields
                ]
            values += [None] * len(form.task_fields)
            write_row(ws, r, values, task_formats + blank_formats[row.role])
            ws.set_row(r, _height(cells, minimum=45 if long_text[row.role] else 24))
            continue
        formats = list(task_formats)
        for f in form.task_fields:
            if not f.applies_to(row.role):
                values.append(None)
                formats.append(fmt["na"])
                continue
            value = answers.get(f.key)
            values.append(value)
            formats.append(_entry_format(fmt, f, value not in (None, "")))
            if isinstance(value, str):
                cells.append((value, f.width))
        write_row(ws, r, values, formats)
        ws.set_row(r, _height(cells, minimum=45 if long_text[row.role] else 24))


def _task_rules(ws, spec: BookSpec, fmt: dict, first_input: int) -> None:
    """填报表's data validation and its highlights of required cells left empty."""
    form = spec.form
    # Validation per block of rows of one role (lead rows come first).
    blocks = _blocks(spec.rows)
    for first, last, role in blocks:
        for c, f in enumerate(form.task_fields, start=first_input):
            if f.applies_to(role):
                _validate(ws, first, c, last, c, f)
    # Highlights per run of rows a field applies to: a field both roles fill has one rule over
    # the lead and the partner block (xlsxwriter spends half a millisecond on each rule).
    others = {o.key: first_input + i for i, o in enumerate(form.task_fields)}
    for c, f in enumerate(form.task_fields, start=first_input):
        for first, last in _runs(blocks, f):
            _highlight(ws, first, c, last, c, f, others, fmt)


def _target_sheet(wb, spec: BookSpec, fmt: dict) -> None:
    ws = wb.add_worksheet(FORM_TARGET_SHEET)
    render_rows(ws)
    hosted = any(t.unit != spec.recipient for t in spec.targets)
    fixed: list[tuple[str, float]] = [(ID, 8)]
    if hosted:
        fixed.append((UNIT, 14))
    fixed += [(PHRASE, 40), (TARGET_VALUE, 12), (MEASURE, 9), (KIND, 7), (COMPARISON, 7)]
    columns = [*fixed, *((f.label, f.width) for f in spec.form.target_fields)]
    _header_row(ws, fmt, columns, 30)
    previous = spec.previous.get("targets", {}) if spec.previous else {}
    for r, t in enumerate(spec.targets, start=1):
        values = [
            t.task,
            *([t.unit] if hosted else []),
            t.phrase,
            t.value,
            t.measure,
            t.kind,
            t.comparison,
        ]
        formats = [
            fmt[
                "locked_center" if c == 0 else "locked_number" if isinstance(v, float) else "locked"
            ]
            for c, v in enumerate(values)
        ]
        answers = previous.get((t.task, t.unit, t.phrase), {})
        for f in spec.form.target_fields:
            value = answers.get(f.key)
            values.append(value)
            formats.append(_entry_format(fmt, f, value not in (None, "")))
        write_row(ws, r, values, formats)
        ws.set_row(r, _height([(t.phrase, 40)], minimum=22))
    last = len(spec.targets)
    others = {o.key: len(fixed) + i for i, o in enumerate(spec.form.target_fields)}
    for c, f in enumerate(spec.form.target_fields, start=len(fixed)):
        _validate(ws, 1, c, last, c, f)
        _highlight(ws, 1, c, last, c, f, others, fmt)
    ws.freeze_panes(1, 1)
    ws.protect("", _PROTECTION)
    print_setup(ws, f"{spec.recipient} {spec.round_name}指标完成情况", repeat_rows=(0, 0))


def _header_row(ws, fmt: dict, columns, height: float) -> None:
    """Row 1: each (label, width) column's label in the header format, the column at its width."""
    for c, (label, width) in enumerate(columns):
        ws.write_string(0, c, label, fmt["header"])
        ws.set_column(c, c, width)
    ws.set_row(0, height)


def _unit_sheet(wb, spec: BookSpec, fmt: dict) -> None:
    ws = wb.add_worksheet(FORM_UNIT_SHEET)
    _header_row(ws, fmt, ((ITEM, 18), ("填写内容", 30), ("填写说明", 50)), 24)
    answers = spec.previous.get("unit", {}) if spec.previous else {}
    for r, f in enumerate(spec.form.unit_fields, start=1):
        ws.write_string(r, 0, f.label + (" *" if f.required else ""), fmt["label"])
        value = answers.get(f.key)
        write_cell(ws, r, 1, value, _entry_format(fmt, f, value not in (None, "")))
        ws.write_string(r, 2, f.help, fmt["locked"])
        ws.set_row(r, _height([(f.help, 50)], minimum=24))
        _validate(ws, r, 1, r, 1, f)
        _highlight(ws, r, 1, r, 1, f, {}, fmt)
    ws.protect("", _PROTECTION)
    print_setup(ws, f"{spec.recipient} {spec.round_name}{FORM_UNIT_SHEET}", landscape=False)


def _blocks(rows) -> list[tuple[int, int, str]]:
    """Runs of consecutive rows with the same role, as (first, last, role) sheet rows."""
    blocks: list[tuple[int, int, str]] = []
    for r, row in enumerate(rows, start=1):
        if blocks and blocks[-1][2] == row.role and blocks[-1][1] == r - 1:
            blocks[-1] = (blocks[-1][0], r, row.role)
        else:
            blocks.append((r, r, row.role))
    return blocks


def _runs(blocks, f: Field) -> list[tuple[int, int]]:
    """Runs of consecutive blocks whose rows ``f`` applies to, as (first, last) sheet rows."""
    runs: list[tuple[int, int]] = []
    for first, last, role in blocks:
        if not f.applies_to(role):
            continue
        if runs and runs[-1][1] == first - 1:
            runs[-1] = (runs[-1][0], last)
        else:
            runs.append((first, last))
    return runs


def validation(f: Field) -> dict:
    """The xlsxwriter data validation of a field: dropdown, bounds or length, and its prompt."""
    rule: dict = {"validate": "any"}
    error = ""
    if f.type == "choice":
        rule = {"validate": "list", "source": list(f.choices)}
        error = f"请从下拉列表中选择：{'、'.join(f.choices)}。"
    elif f.type in ("integer", "number", "percent"):
        kind = "integer" if f.type == "integer" else "decimal"
        low = f.min if f.min is not None else -1e15
        high = f.max if f.max is not None else 1e15
        rule = {"validate": kind, "criteria": "between", "minimum": low, "maximum": high}
        word = "整数" if kind == "integer" else "数字"
        error = f"请填写{word}" + (
            f"，范围 {_num(f.min)} 至 {_num(f.max)}。" if f.min is not None and f.max is not None
            else f"，不小于 {_num(f.min)}。" if f.min is not None
            else f"，不大于 {_num(f.max)}。" if f.max is not None else "。"
        )  # fmt: skip
    elif f.type == "date":
        low = f.min or date(1990, 1, 1)
        high = f.max or date(2099, 12, 31)
        rule = {"validate": "date", "criteria": "between", "minimum": low, "maximum": high,
                "error_type": "warning"}  # fmt: skip
        error = "请填写日期，如 2023-12-31。"
    elif f.max_length:
        rule = {"validate": "length", "criteria": "<=", "value": f.max_length}
        error = f"内容不能超过 {f.max_length} 个字。"
    if f.type == "choice" or rule["validate"] not in ("any", "list"):
        rule.update({"error_title": "输入有误", "error_message": error[:255]})
    prompt = f.help + ("（必填）" if f.required else "")
    if prompt:
        rule.update({"input_title": f.label[:32], "input_message": prompt[:255]})
    return rule


def _num(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _validate(ws, r1: int, c1: int, r2: int, c2: int, f: Field) -> None:
    if r2 < r1:
        return
    rule = validation(f)
    if rule == {"validate": "any"}:
        return
    if ws.data_validation(r1, c1, r2, c2, rule) != 0:
        raise ValueError(f"data validation of {f.key} rejected by xlsxwriter")


def _highlight(ws, r1, c1, r2, c2, f: Field, others: dict[str, int], fmt: dict) -> None:
    """Light red while a required cell is empty; a conditional format, so filling clears it."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    if r2 < r1:
        return
    cell = xl_rowcol_to_cell(r1, c1)
    if f.required:
        formula = f"=LEN(TRIM({cell}))=0"
    elif f.required_when:
        conditions = []
        for key, values in f.required_when.items():
            if key not in others:
                continue
            other = xl_rowcol_to_cell(r1, others[key], col_abs=True)
            conditions += [f'{other}="{v}"' for v in values]
        if not conditions:
            return
        formula = f"=AND(LEN(TRIM({cell}))=0,OR({','.join(conditions)}))"
    else:
        return
    ws.conditional_format(
        r1, c1, r2, c2, {"type": "formula", "criteria": formula, "format": fmt["missing"]}
    )


def _height(cells, minimum: float = 18) -> float:
    """A row height that shows wrapped texts whole: xlsxwriter cannot autofit heights."""
    lines = 1
    for text, width in cells:
        lines = max(lines, _lines(str(text), width))
    return min(409.0, max(minimum, lines * _LINE_HEIGHT + 5))


@functools.lru_cache(maxsize=1 << 16)
def _lines(text: str, width: float) -> int:
    # Cached: a task's text and leads recur in the workbook of every unit that has the task.
    return text_lines(text, width, padding=1.5)
