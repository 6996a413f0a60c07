"""Check one returned workbook against what was sent to its unit and take its answers.

What was sent is known from the outbox: each distributed workbook's embedded identity lists its
rows (task, unit, role, fingerprint of the locked task text) and targets. Which unit a returned
file belongs to is decided before (`xltools.collect.round.identify`).

Rows are matched by task key (编号 and 单位), columns by header text, never by position, so
inserted columns, re-sorted or deleted rows and renamed sheets are handled and reported.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

from xltools.collect.inbox import Returned
from xltools.collect.values import display, is_empty, normalise
from xltools.core.contracts import (
    DONE,
    FORM_TARGET_SHEET,
    FORM_TASK_SHEET,
    FORM_UNIT_SHEET,
    ID,
    LABEL,
    LEAD_UNITS,
    NOT_STARTED,
    NOTE,
    PHRASE,
    RESPONSIBLE_UNITS,
    ROLE,
    TEXT,
    UNIT,
)
from xltools.core.excel import cell_name, find_header, header_key
from xltools.core.problems import ERROR, WARNING, Problem, new_problem
from xltools.distribute.forms import Form
from xltools.distribute.identity import Identity, fingerprint

_HEADER_ROWS = 15  # the header row is searched for near the top only


@dataclass(frozen=True)
class Sent:
    """One workbook as distributed: its recipient, file name and identity."""

    unit: str
    file: str
    identity: Identity
    path: Path | None = None  # the sent workbook, read only when its layout is needed

    @property
    def sheets(self) -> dict[str, list[list]]:
        """The sent workbook's values (read on first use: most runs never need them)."""
        return _read_sent_sheets(self.path) if self.path else {}


@dataclass(frozen=True)
class Context:
    """What every check needs: the workspace, the round and its form, and everything sent."""

    workspace: str
    round: str
    year: int
    form: Form
    sent: dict[str, Sent]  # by recipient unit
    outbox: Path | None = None  # where the sent workbooks are (for 退回修改)
    round_names: dict[str, str] = field(
        default_factory=dict
    )  # key -> name units know (2023年第二季度)


@dataclass
class Submission:
    """The answers taken from one returned file, where they were, and its problems."""

    file: Returned
    unit: str  # the recipient unit the file belongs to
    identity: Identity | None
    answers: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)
    cells: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    targets: dict[tuple[str, str, str], object] = field(default_factory=dict)
    target_cells: dict[tuple[str, str, str], str] = field(default_factory=dict)
    unit_values: dict[str, object] = field(default_factory=dict)
    unit_cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (sheet, cell)
    layout: dict[str, tuple[str, int]] = field(
        default_factory=dict
    )  # "tasks"/"targets" -> (sheet, header row)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(p.severity == ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == WARNING for p in self.problems)


@functools.lru_cache(maxsize=4)
def _read_sent_sheets(path: Path) -> dict[str, list[list]]:
    from xltools.core.excel import read_sheets

    return read_sheets(path)


def find_form_table(
    sheets: dict[str, list[list]], form: Form, wanted: str = FORM_TASK_SHEET, labels=None
) -> tuple[str, int, dict[str, int]] | None:
    """(sheet name, header row, {header key: col}) of the form's table holding 编号 and one of
    ``labels`` (default: the task fields' labels), looking in sheet ``wanted`` first."""
    labels = labels if labels is not None else [f.label for f in form.task_fields]
    return find_header(sheets, ID, labels, wanted, _HEADER_ROWS)


def check(
    returned: Returned, unit: str, identity: Identity | None, ctx: Context, problems=()
) -> Submission:
    """Take the answers of a file identified as ``unit``'s and check every one of them."""
    sent = ctx.sent[unit]
    sub = Submission(returned, unit, identity, problems=list(problems))
    _check_tasks(sub, sent, ctx)
    if ctx.form.target_fields and sent.identity.targets:
        _check_targets(sub, sent, ctx)
    if ctx.form.unit_fields:
        _check_unit_fields(sub, ctx)
    _check_merged(sub)
    _check_formulas(sub)
    _check_texts(sub)
    _check_cut(sub)
    return sub


def _add(sub: Submission, problem: Problem, **where) -> None:
    sub.problems.append(replace(problem, unit=sub.unit, file=sub.file.name, **where))


def _new(sub: Submission, code: str, message: str, severity: str | None = None, **where) -> None:
    sub.problems.append(
        new_problem(code, message, severity, unit=sub.unit, file=sub.file.name, **where)
    )


def _check_tasks(sub: Submission, sent: Sent, ctx: Context) -> None:
    """填报表: each row the unit was sent, read and checked; rows added, doubled or lost."""
    form = ctx.form
    found = _task_table(sub, form)
    if found is None:
        return
    sheet, header, heads = found
    rows = sub.file.sheets[sheet]
    expected = {(r.task, r.unit): r for r in sent.identity.rows}
    only_ids = {r.task: (r.task, r.unit) for r in sent.identity.rows}
    seen: dict[tuple[str, str], int] = {}
    order: list[tuple[str, str]] = []
    extra: list[tuple[int, str]] = []  # (row, 编号) of rows that are not the unit's tasks
    for r in range(header + 1, len(rows)):
        row = rows[r]
        task_id = display(_get(row, heads.get(ID)))
        shown = display(_get(row, heads.get(UNIT))) if UNIT in heads else ""
        key = (task_id, shown) if (task_id, shown) in expected else None
        if key is None and task_id in only_ids and not shown:
            key = only_ids[task_id]  # the 单位 column was deleted
        if key is None:
            if any(not is_empty(v) for v in row):
                extra.append((r, task_id))
            continue
        if key in seen:
            _new(
                sub,
                "task-row-duplicated",
                f"任务 {task_id} 出现了两次（第 {seen[key] + 1} 行和第 {r + 1} 行），请删除重复的一行",
                sheet=sheet,
                cell=cell_name(r, heads[ID]),
                task=task_id,
            )
            continue
        seen[key] = r
        order.append(key)
        _check_row(sub, sheet, r, row, heads, expected[key], form, ctx.year)
    _extra_rows(
        sub,
        sheet,
        extra,
        lambda r, task_id: _new(
            sub,
            "task-row-extra",
            f"第 {r + 1} 行（编号“{task_id}”）不是下发给本单位的任务，已忽略；请勿增加任务行",
            WARNING,
            sheet=sheet,
            cell=cell_name(r, heads.get(ID, 0)),
            task=task_id,
        ),
    )
    _check_rows_kept(sub, sheet, expected, seen, order)


def _task_table(sub: Submission, form: Form) -> tuple[str, int, dict[str, int]] | None:
    """填报表 (sheet, header row, columns), found even if renamed; its columns checked."""
    found = find_form_table(sub.file.sheets, form)
    if found is None:
        _new(
            sub,
            "sheet-missing",
            f"找不到“{FORM_TASK_SHEET}”（含“{ID}”列的填报表），请在下发的工作簿上填写",
            sheet=FORM_TASK_SHEET,
        )
        return None
    sheet, header, heads = found
    sub.layout["tasks"] = (sheet, header)
    if sheet != FORM_TASK_SHEET:
        _new(
            sub,
            "sheet-renamed",
            f"工作表“{FORM_TASK_SHEET}”被改名为“{sheet}”，已照常读取；请勿修改工作表名称",
            WARNING,
            sheet=sheet,
        )
    _check_columns(
        sub,
        sheet,
        header,
        heads,
        [ID, TEXT, *(f.label for f in form.task_fields)],
        shown=form.task_columns,
    )
    return found


def _check_rows_kept(
    sub: Submission,
    sheet: str,
    expected: dict,
    seen: dict,
    order: list[tuple[str, str]],
) -> None:
    """Every task row sent is still there, in the order sent."""
    for key in expected:
        if key not in seen:
            _new(
                sub,
                "task-row-missing",
                f"任务 {key[0]}（{key[1]}）的行被删除了，请恢复该行并填写",
                sheet=sheet,
                task=key[0],
            )
    sent_order = [k for k in expected if k in seen]
    if order != sent_order:
        _new(
            sub,
            "rows-reordered",
            "填报表的行顺序被调整过，已按编号逐行对应读取；请勿调整行顺序",
            WARNING,
            sheet=sheet,
        )


def _get(row: list, col: int | None) -> object:
    return row[col] if col is not None and col < len(row) else None


def _check_columns(
    sub: Submission,
    sheet: str,
    header: int,
    heads: dict[str, int],
    wanted: list[str],
    shown: tuple[str, ...] = (),
) -> None:
    """Columns missing, added or moved; ``shown`` are read-only columns the form may show."""
    wanted_keys = [header_key(w) for w in wanted]
    missing = [w for w, k in zip(wanted, wanted_keys, strict=True) if k not in heads]
    for label in missing:
        _new(
            sub,
            "column-missing",
            f"“{sheet}”缺少“{label}”列，请恢复该列并填写",
            sheet=sheet,
            field=label,
        )
    known = set(wanted_keys) | {
        header_key(x) for x in (UNIT, ROLE, LEAD_UNITS, RESPONSIBLE_UNITS, LABEL, NOTE, *shown)
    }
    added = [h for h in heads if h not in known]
    if added:
        cell = cell_name(header, heads[added[0]])
        _new(
            sub,
            "column-added",
            f"“{sheet}”增加了列“{'、'.join(added)}”，其内容未采用；请勿增加列",
            WARNING,
            sheet=sheet,
            cell=cell,
        )
    present = [heads[k] for k in wanted_keys if k in heads]
    if present != sorted(present):
        _new(
            sub,
            "columns-moved",
            f"“{sheet}”的列顺序被调整过，已按列标题读取；请勿调整列顺序",
            WARNING,
            sheet=sheet,
        )


def _check_row(sub, sheet, r, row, heads, sent_row, form: Form, year: int) -> None:
    task, role = sent_row.task, sent_row.role
    key = (task, sent_row.unit)
    where = {"sheet": sheet, "task": task}
    text_col = heads.get(TEXT)
    if text_col is not None and fingerprint(_get(row, text_col)) != sent_row.fingerprint:
        _new(
            sub,
            "locked-cell-changed",
            f"任务 {task} 的任务内容被修改了，已按下发的原文采用；请勿修改锁定的任务内容",
            WARNING,
            cell=cell_name(r, text_col),
            value=display(_get(row, text_col))[:50],
            **where,
        )
    values: dict[str, object] = {}
    cells: dict[str, str] = {}
    for f in form.task_fields:
        col = heads.get(header_key(f.label))
        if col is None:
            continue
        raw = _get(row, col)
        cells[f.key] = cell_name(r, col)
        if not f.applies_to(role):
            continue
        fraction = cells[f.key] in sub.file.percents.get(sheet, ())
        value, problem = normalise(f, raw, year=year, fraction=fraction)
        if problem:
            _add(sub, problem, cell=cells[f.key], field=f.label, **where)
        values[f.key] = value
    for f in form.task_fields:
        if (
            f.key in cells
            and values.get(f.key) is None
            and f.applies_to(role)
            and f.is_required(values, role)
        ):
            why = "" if f.required else f"（“{_condition(f, form)}”时必填）"
            _new(
                sub,
                "missing-value",
                f"任务 {task} 的“{f.label}”未填写{why}，请补充",
                cell=cells[f.key],
                field=f.label,
                **where,
            )
    _check_contradictions(sub, values, cells, form, where)
    sub.answers[key] = values
    sub.cells[key] = cells


def _condition(f, form: Form) -> str:
    parts = []
    for other, choices in f.required_when.items():
        try:
            label = form.field(other).label
        except KeyError:
            label = other
        parts.append(f"{label}为{'或'.join(choices)}")
    return ";".join(parts)


def _check_contradictions(sub, values, cells, form: Form, where) -> None:
    """Answers that contradict each other, for forms with a status and a progress (warnings)."""
    status, progress = values.get("status"), values.get("progress")
    if not isinstance(progress, (int, float)) or status is None:
        return
    message = None
    if status == DONE and progress < 100:
        message = f"完成状态为“{DONE}”，但完成进度为 {progress:g}%，请核实其中之一"
    elif status == NOT_STARTED and progress > 0:
        message = f"完成状态为“{NOT_STARTED}”，但完成进度为 {progress:g}%，请核实其中之一"
    elif progress >= 100 and status != DONE:
        message = f"完成进度为 {progress:g}%，但完成状态为“{status}”，请核实其中之一"
    if message:
        label = form.field("progress").label
        _new(
            sub,
            "contradiction",
            message,
            WARNING,
            cell=cells.get("progress", ""),
            field=label,
            value=f"{status} / {progress:g}",
            **where,
        )


def _check_targets(sub: Submission, sent: Sent, ctx: Context) -> None:
    """指标: each target sent, matched by 编号 and 指标, read and checked; rows added or doubled."""
    labels = [f.label for f in ctx.form.target_fields]
    found = find_form_table(sub.file.sheets, ctx.form, FORM_TARGET_SHEET, labels + [PHRASE])
    if found is None or found[0] == sub.layout.get("tasks", ("",))[0]:
        _new(
            sub,
            "sheet-missing",
            f"找不到“{FORM_TARGET_SHEET}”工作表，请在下发的工作簿上填写指标完成值",
            sheet=FORM_TARGET_SHEET,
        )
        return
    sheet, header, heads = found
    sub.layout["targets"] = (sheet, header)
    rows = sub.file.sheets[sheet]
    lookup = _target_lookup(sent)
    seen = set()
    extra: list[tuple[int, str]] = []
    for r in range(header + 1, len(rows)):
        row = rows[r]
        task_id = display(_get(row, heads.get(ID)))
        phrase = _get(row, heads.get(header_key(PHRASE)))
        where = {"sheet": sheet, "task": task_id}
        phrase_cell = cell_name(r, heads.get(header_key(PHRASE), 0))
        target = _match_target(sub, lookup, task_id, phrase, phrase_cell, where)
        if target is None:
            if any(not is_empty(v) for v in row):
                extra.append((r, task_id))
            continue
        key = (target.task, target.unit, target.fingerprint)
        if key in seen:
            _new(
                sub,
                "target-row-duplicated",
                f"指标“{display(phrase)}”出现了两次，请删除重复的一行",
                cell=cell_name(r, 0),
                **where,
            )
            continue
        seen.add(key)
        _check_target_row(sub, sheet, r, row, heads, key, display(phrase), ctx)
    _extra_rows(
        sub,
        sheet,
        extra,
        lambda r, task_id: _new(
            sub,
            "target-row-extra",
            f"第 {r + 1} 行不是下发的指标，已忽略；请勿增加指标行",
            WARNING,
            sheet=sheet,
            cell=cell_name(r, 0),
            task=task_id,
        ),
    )


def _target_lookup(sent: Sent) -> tuple[dict, dict]:
    """The targets sent, by (编号, fingerprint of 指标) and by 编号."""
    by_fp = {(t.task, t.fingerprint): t for t in sent.identity.targets}
    per_task: dict[str, list] = {}
    for t in sent.identity.targets:
        per_task.setdefault(t.task, []).append(t)
    return by_fp, per_task


def _match_target(sub, lookup: tuple[dict, dict], task_id: str, phrase, cell: str, where: dict):
    """The sent target of a 指标 row: by 编号 and 指标, else its task's only one (指标 changed)."""
    by_fp, per_task = lookup
    target = by_fp.get((task_id, fingerprint(phrase)))
    if target is None and len(per_task.get(task_id, ())) == 1:
        target = per_task[task_id][0]
        _new(
            sub,
            "locked-cell-changed",
            f"任务 {task_id} 的指标名称被修改了，已按下发的原文采用",
            WARNING,
            cell=cell,
            value=display(phrase)[:50],
            **where,
        )
    return target


def _check_target_row(sub, sheet, r, row, heads, key, phrase: str, ctx: Context) -> None:
    """A 指标 row's answers, normalised and checked, kept by the target's key."""
    where = {"sheet": sheet, "task": key[0]}
    for f in ctx.form.target_fields:
        col = heads.get(header_key(f.label))
        if col is None:
            continue
        fraction = cell_name(r, col) in sub.file.percents.get(sheet, ())
        value, problem = normalise(f, _get(row, col), year=ctx.year, fraction=fraction)
        if problem:
            _add(sub, problem, cell=cell_name(r, col), field=f.label, **where)
        elif value is None and f.required:
            _new(
                sub,
                "missing-value",
                f"指标“{phrase}”的“{f.label}”未填写，请补充",
                cell=cell_name(r, col),
                field=f.label,
                **where,
            )
        sub.targets[key] = value
        sub.target_cells[key] = cell_name(r, col)


STRAY_ROWS = 10  # more rows than this that are not the form's are one problem, not one each


def _extra_rows(sub: Submission, sheet: str, extra: list[tuple[int, str]], each) -> None:
    """Rows of a table that are not the unit's (each reported by ``each(row, 编号)``), and the
    rows cut from the sheet before reading: a few one by one, many as one problem."""
    first_cut, cut = sub.file.cut.get(sheet, (0, 0))
    if len(extra) + cut <= STRAY_ROWS and not cut:
        for r, task_id in extra:
            each(r, task_id)
        return
    first = extra[0][0] + 1 if extra else first_cut
    _new(
        sub,
        "stray-rows",
        f"“{sheet}”第 {first} 行起有 {len(extra) + cut:,} 行多余内容（不是下发的任务或指标），"
        "已忽略；请删除这些行（可能是粘贴时带入的内容）后重新报送",
        WARNING,
        sheet=sheet,
        cell=cell_name(first - 1, 0),
    )


def _check_unit_fields(sub: Submission, ctx: Context) -> None:
    """Unit-level cells: a label cell with the answer to its right, on any sheet but the tables."""
    wanted = {header_key(f.label): f for f in ctx.form.unit_fields}
    order = [FORM_UNIT_SHEET] + [
        s for s in sub.file.sheets if s not in (FORM_UNIT_SHEET, FORM_TASK_SHEET, FORM_TARGET_SHEET)
    ]
    found: dict[str, tuple[str, int, int]] = {}
    for name in order:
        if len(found) == len(wanted):
            break
        for r, row in enumerate(sub.file.sheets.get(name) or []):
            for c, v in enumerate(row):
                if not isinstance(v, str) or len(v) > 40:  # a label is short text
                    continue
                k = header_key(v).rstrip(":")
                if k in wanted and wanted[k].key not in found:
                    found[wanted[k].key] = (name, r, c + 1)
    for f in ctx.form.unit_fields:
        if f.key not in found:
            if f.required:
                _new(
                    sub,
                    "missing-value",
                    f"找不到“{f.label}”的填写位置，请在“{FORM_UNIT_SHEET}”工作表填写",
                    sheet=FORM_UNIT_SHEET,
                    field=f.label,
                )
            continue
        sheet, r, c = found[f.key]
        rows = sub.file.sheets[sheet]
        raw = _get(rows[r], c)
        cell = cell_name(r, c)
        value, problem = normalise(f, raw, year=ctx.year)
        if problem:
            _add(sub, problem, sheet=sheet, cell=cell, field=f.label)
        elif value is None and f.required:
            _new(
                sub,
                "missing-value",
                f"“{f.label}”未填写，请补充",
                sheet=sheet,
                cell=cell,
                field=f.label,
            )
        sub.unit_values[f.key] = value
        sub.unit_cells[f.key] = (sheet, cell)


def _check_formulas(sub: Submission) -> None:
    """Warn about formulas in answer cells (their cached value is taken; .xlsx, .xls and .ods);
    an answer cell holding an error value (.xlsx) is an error."""
    tasks = sub.layout.get("tasks", ("",))[0]
    targets = sub.layout.get("targets", ("",))[0]
    answer_cells = {(tasks, c) for cells in sub.cells.values() for c in cells.values()}
    answer_cells |= {(targets, c) for c in sub.target_cells.values()}
    answer_cells |= set(sub.unit_cells.values())
    broken = {(sheet, cell) for sheet, cells in sub.file.errors.items() for cell in cells}
    for sheet, cells in sub.file.formulas.items():
        for cell in cells:
            if (sheet, cell) in answer_cells and (sheet, cell) not in broken:
                _new(
                    sub,
                    "formula-value",
                    f"单元格 {cell} 是公式，已采用其计算结果；请改为直接填写数值或文字",
                    WARNING,
                    sheet=sheet,
                    cell=cell,
                )
    # An error value (#NAME?) reads as empty: most often text typed with a leading "=" that
    # Excel took for a formula. Without this the unit hears only "未填写" about a cell it filled.
    for sheet, cell in sorted(broken & answer_cells):
        _new(
            sub,
            "formula-error",
            f"单元格 {cell} 显示为错误值（如 #NAME?），内容无法读取；以“=”开头的文字会被当作公式，"
            "请去掉“=”或在前面加英文单引号'，改为直接填写",
            ERROR,
            sheet=sheet,
            cell=cell,
        )


def _check_merged(sub: Submission) -> None:
    """Warn once per table where cells below its header are merged (only the top-left is read)."""
    for sheet, header in sub.layout.values():
        ranges = [m for m in sub.file.merged.get(sheet, ()) if m[0][0] > header]
        if not ranges:
            continue
        (r0, c0), (r1, c1) = ranges[0]
        first = f"{cell_name(r0, c0)}:{cell_name(r1, c1)}"
        _new(
            sub,
            "merged-cells",
            f"“{sheet}”中有 {len(ranges)} 处合并单元格（如 {first}），合并区域只读取左上角的值；请取消合并后逐格填写",
            WARNING,
            sheet=sheet,
            cell=first,
        )


_TEXT_CHANGES = {
    "line-break": "的换行符号（垂直制表符，Word 或 LibreOffice 的手动换行）已改为普通换行",
    "control": "含有无法保存的控制字符，已替换为“\ufffd”",
    "cut": "的文字达到 Excel 单元格的上限 32,767 个字符，末尾可能已被截断",
}


def _check_texts(sub: Submission) -> None:
    """Warn where text was changed to be writable or looks cut (one problem per kind and sheet,
    naming the cells), so no value changes silently."""
    from xltools.distribute.identity import SHEET

    cells: dict[tuple[str, str], list[str]] = {}
    for sheet, cell, what in sub.file.texts:
        if sheet != SHEET:
            cells.setdefault((what, sheet), []).append(cell)
    for (what, sheet), found in cells.items():
        shown = "、".join(found[:5]) + (f" 等 {len(found)} 个单元格" if len(found) > 5 else "")
        code = "text-truncated" if what == "cut" else "text-changed"
        advice = "请核对并精简后重新填写" if what == "cut" else "请核对内容"
        _new(sub, code, f"单元格 {shown}{_TEXT_CHANGES[what]}；{advice}", WARNING, sheet=sheet,
             cell=found[0])  # fmt: skip


def _check_cut(sub: Submission) -> None:
    """Content cut before reading on sheets that are not the tables (they report their own)."""
    tables = {sheet for sheet, _ in sub.layout.values()}
    for sheet, (first, rows) in sub.file.cut.items():
        if sheet in tables:
            continue
        _new(
            sub,
            "stray-rows",
            f"“{sheet}”第 {first} 行起有 {rows:,} 行远在表格以外的内容，未读取；请删除这些多余内容后重新报送",
            WARNING,
            sheet=sheet,
            cell=cell_name(first - 1, 0),
        )
