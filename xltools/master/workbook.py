"""The master workbook (``master.xlsx``): write it, read it back by header names, check it, and
import a plan into it."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

from xltools.core.contracts import (
    ALIASES,
    CATEGORY,
    CLOSED_BASIS,
    CLOSED_DATE,
    COMPARISON,
    CONTACT,
    DEADLINE,
    DIRECTION,
    EMAIL,
    GROUPS,
    HOST,
    ID,
    KIND,
    KINDS,
    LABEL,
    LEAD_UNITS,
    MEASURE,
    NOTE,
    NOTES_SHEET,
    PHONE,
    PHRASE,
    RESPONSIBLE_UNITS,
    SECTION,
    TARGET_HEADERS,
    TARGET_REQUIRED,
    TARGET_SHEET,
    TARGET_VALUE,
    TASK_HEADERS,
    TASK_REQUIRED,
    TASK_SHEET,
    TEXT,
    UNIT_HEADERS,
    UNIT_NAME,
    UNIT_SHEET,
)
from xltools.core.errors import MasterError
from xltools.core.files import replacing
from xltools.core.i18n import _
from xltools.core.model import (
    LIST_SEP,
    Master,
    Target,
    Task,
    Unit,
    extra_headers,
    is_group_word,
)
from xltools.core.problems import Report
from xltools.core.text import cell_text, squash
from xltools.master.units import (
    check_units,
    find_table,
    join_list,
    merge_units,
    near_duplicates,
    read_book,
    read_units,
    row_getter,
    split_list,
    undefined_groups,
    units_with_rows,
)

_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}(T|$)")

_NOTES = [
    (
        TASK_SHEET,
        ID,
        "任务的唯一编号，按方案的序号生成（如 2-49-1），后续各环节据此识别任务，请勿随意修改",
    ),
    (TASK_SHEET, LIST_SEP.join((SECTION, DIRECTION, CATEGORY)), "方案中的各级标题，原文照录"),
    (
        TASK_SHEET,
        LIST_SEP.join((CLOSED_DATE, CLOSED_BASIS)),
        "任务完成并经核实后销号：填写销号日期（如 2023-06-30）和销号依据（如验收意见、领导批示）；"
        "报告期末在销号日期当天或之后的各轮不再下发该任务，汇总表单独统计已销号任务。未销号的留空",
    ),
    (
        TASK_SHEET,
        "销号依据之后的列",
        "方案表格或本室增加的列（如完成时限、责任领导），按表头原样保留；完成时限在下发的填报表中只读显示",
    ),
    (TASK_SHEET, LABEL, "方案中任务的序号，原文照录，如“（一）”“49”"),
    (
        TASK_SHEET,
        LIST_SEP.join((LEAD_UNITS, RESPONSIBLE_UNITS)),
        "多个单位用“、”分隔；“各区人民政府”等分组词照原文填写，其成员在单位名录中定义",
    ),
    (UNIT_SHEET, UNIT_NAME, "每个单位一行；任务中出现的每个单位都应在此列出"),
    (UNIT_SHEET, ALIASES, "同一单位的其他写法（如“市发改委”的别名“市发展改革委”），用“、”分隔"),
    (
        UNIT_SHEET,
        GROUPS,
        "该单位属于哪些分组词（如“各区人民政府”），用“、”分隔；分组的成员即列出该分组的各行",
    ),
    (
        UNIT_SHEET,
        HOST,
        "接收该单位报表的单位（如领导小组办公室由市商务局承办）；为空则发给单位本身",
    ),
    (UNIT_SHEET, LIST_SEP.join((CONTACT, PHONE, EMAIL)), "该单位的督办工作人员及联系方式"),
    (
        TARGET_SHEET,
        LIST_SEP.join((PHRASE, TARGET_VALUE, MEASURE)),
        "任务内容中的量化目标，如“新增停车泊位12万个”：目标值120000，计量单位“个”",
    ),
    (TARGET_SHEET, KIND, "累计：全年逐步累计完成的数量；水平：增速、占比、总量等按数值本身比较"),
    (TARGET_SHEET, COMPARISON, "以上、左右、以内、达到、突破、不低于等，为空表示按目标值"),
]


def write_master(master: Master, path: str | Path) -> Path:
    """Write ``master.xlsx``: 任务清单, 单位名录, 指标 as ARCHITECTURE.md says, and a 说明 sheet.
    The file is written next to ``path`` first and then moved into place."""
    import xlsxwriter

    from xltools.core.excel import office_formats, write_table

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    extras = extra_headers(master.tasks)
    try:
        with replacing(path) as tmp, xlsxwriter.Workbook(str(tmp)) as wb:
            fmt = office_formats(wb)
            write_table(
                wb,
                TASK_SHEET,
                (*TASK_HEADERS, *extras),
                (_task_row(t, extras) for t in master.tasks),
                widths=(9, 14, 22, 18, 6, 60, 24, 40, 14, 12, 24, *(14 for _ in extras)),
                formats=fmt,
                title=TASK_SHEET,
            )
            write_table(
                wb,
                UNIT_SHEET,
                UNIT_HEADERS,
                (_unit_row(u) for u in master.units),
                widths=(30, 24, 28, 20, 12, 16, 24),
                formats=fmt,
                title=UNIT_SHEET,
            )
            write_table(
                wb,
                TARGET_SHEET,
                TARGET_HEADERS,
                (_target_row(t) for t in master.targets),
                widths=(9, 50, 14, 10, 8, 8),
                formats=fmt,
                title=TARGET_SHEET,
            )
            write_table(
                wb,
                NOTES_SHEET,
                ("工作表", "列", "说明"),
                _NOTES,
                widths=(12, 24, 80),
                formats=fmt,
                title=NOTES_SHEET,
                landscape=False,
            )
    except OSError as exc:
        raise MasterError(
            _("{name}: cannot write it ({exc})").format(name=path.name, exc=exc)
        ) from exc
    return path


def _unit_row(unit: Unit) -> tuple:
    """单位名录's row of ``unit``, in UNIT_HEADERS' order."""
    return (
        unit.name,
        join_list(unit.aliases),
        join_list(unit.groups),
        unit.host,
        unit.contact,
        unit.phone,
        unit.email,
    )


def _target_row(target: Target) -> tuple:
    """指标's row of ``target``, in TARGET_HEADERS' order."""
    return (
        target.task_id,
        target.phrase,
        _number(target.value),
        target.unit,
        target.kind,
        target.comparison,
    )


def _number(value: object) -> object:
    # A value that is not a number (read from a broken master) is left blank, not written as NaN.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _task_row(task: Task, extras: Sequence[str] = ()) -> tuple:
    return (
        task.id,
        task.section,
        task.direction,
        task.category,
        task.label,
        task.text,
        join_list(task.lead),
        join_list(task.responsible),
        task.note,
        task.closed,
        task.closed_basis,
        *(task.extra.get(h, "") for h in extras),
    )


def read_master(path: str | Path) -> Master:
    """Read ``master.xlsx`` by header names (columns may be moved, a title row added). A
    `MasterError` names a missing file, sheet or column. A task's ``line`` is its row number."""
    path = Path(path)
    sheets = read_book(path, (TASK_SHEET, UNIT_SHEET, TARGET_SHEET), "master workbook")
    tasks, task_rows, cols = _read_tasks(sheets[TASK_SHEET], path.name)
    units, unit_rows = units_with_rows(sheets[UNIT_SHEET], path.name)
    _, unit_cols = find_table(sheets[UNIT_SHEET], (UNIT_NAME,), UNIT_SHEET, path.name)
    targets, target_rows, target_cols = _read_targets(sheets[TARGET_SHEET], path.name)
    master = Master(tasks=tasks, units=units, targets=targets)
    # Where each record sits, so that `check_master` names the cells the user sees; kept off the
    # shared dataclass's fields because a Master built in memory has no sheet.
    master._layout = {
        TASK_SHEET: (task_rows, cols),
        UNIT_SHEET: (unit_rows, unit_cols),
        TARGET_SHEET: (target_rows, target_cols),
    }
    return master


def _read_tasks(rows: list[list], source: str) -> tuple[list[Task], list[int], dict[str, int]]:
    """任务清单's tasks, their row numbers, and its columns by header."""
    header, cols = find_table(rows, TASK_REQUIRED, TASK_SHEET, source)
    extras = _extra_columns(rows[header])
    tasks, task_rows = [], []
    for r in range(header + 1, len(rows)):
        get = row_getter(rows[r], cols)
        if not any(cell_text(v) for v in rows[r]):
            continue
        row = rows[r]
        tasks.append(
            Task(
                id=get(ID),
                section=get(SECTION),
                direction=get(DIRECTION),
                category=get(CATEGORY),
                label=get(LABEL),
                text=get(TEXT),
                lead=tuple(split_list(get(LEAD_UNITS))),
                responsible=tuple(split_list(get(RESPONSIBLE_UNITS))),
                note=get(NOTE),
                line=r + 1,
                closed=_day_text(row, cols.get(CLOSED_DATE)),
                closed_basis=get(CLOSED_BASIS),
                extra={h: cell_text(row[c]) if c < len(row) else "" for h, c in extras.items()},
            )
        )
        task_rows.append(r + 1)
    return tasks, task_rows, cols


def _read_targets(rows: list[list], source: str) -> tuple[list[Target], list[int], dict[str, int]]:
    """指标's targets (a 目标值 that is no number is NaN, for `check_master`), their row numbers,
    and its columns by header."""
    from xltools.plan.targets import parse_number

    header, target_cols = find_table(rows, TARGET_REQUIRED, TARGET_SHEET, source)
    targets, target_rows = [], []
    for r in range(header + 1, len(rows)):
        if not any(cell_text(v) for v in rows[r]):
            continue
        get = row_getter(rows[r], target_cols)
        raw = (
            rows[r][target_cols[TARGET_VALUE]] if target_cols[TARGET_VALUE] < len(rows[r]) else None
        )
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            value = float(raw)
        else:
            parsed = parse_number(cell_text(raw))
            value = parsed if parsed is not None else math.nan
        targets.append(
            Target(
                task_id=get(ID),
                phrase=get(PHRASE),
                value=value,
                unit=get(MEASURE),
                kind=get(KIND),
                comparison=get(COMPARISON),
            )
        )
        target_rows.append(r + 1)
    return targets, target_rows, target_cols


def _day_text(row: Sequence[object], col: int | None) -> str:
    """销号日期 as text: a date Excel kept as a date becomes ISO (2023-06-30), text stays as typed."""
    value = row[col] if col is not None and col < len(row) else None
    if hasattr(value, "year") and hasattr(value, "month"):
        return value.strftime("%Y-%m-%d")
    return cell_text(value)


def _extra_columns(header_row: Sequence[object]) -> dict[str, int]:
    """Columns of 任务清单 the contract does not name: header as written -> column, in order."""
    known = {squash(h) for h in TASK_HEADERS}
    extras: dict[str, int] = {}
    for c, value in enumerate(header_row):
        name = cell_text(value)
        if name and squash(name) not in known and name not in extras:
            extras[name] = c
    return extras


def _place(master: Master, sheet: str, index: int, header: str) -> tuple[int, str]:
    """The row number and cell (``G5``) of a record's column, as written or as read."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    layout = getattr(master, "_layout", None)
    if layout:
        rows, cols = layout[sheet]
        row, col = rows[index], cols.get(header, cols.get(squash(header)))
    else:
        row, col = index + 2, None
    if col is None:
        headers = {TASK_SHEET: TASK_HEADERS, UNIT_SHEET: UNIT_HEADERS, TARGET_SHEET: TARGET_HEADERS}
        written = list(headers[sheet])
        if sheet == TASK_SHEET and header not in written:
            # as write_master places them, after 备注; only looked up for an extra column, since
            # going through every task for each problem made checking 5,000 tasks take 5 s
            written += extra_headers(master.tasks)
        col = written.index(header)
    return row, xl_rowcol_to_cell(row - 1, col)


def check_master(master: Master, path: str | Path = "") -> Report:
    """Lint a master list: IDs, empty texts, owners, the directory, groups, hosts and targets.
    Each problem has a code and a Chinese message naming the sheet and the row."""
    file = Path(path).name if path else ""
    report = Report()
    _check_tasks(master, file, report)
    report.extend(check_units(master.units, lambda i, h: _place(master, UNIT_SHEET, i, h), file))
    _check_targets(master, file, report)
    return report


def _check_tasks(master: Master, file: str, report: Report) -> None:
    names = {squash(n): u.name for u in master.units for n in (u.name, *u.aliases)}
    groups = {squash(g) for u in master.units for g in u.groups}
    directory = (names, groups, [u.name for u in master.units])
    first_row: dict[str, int] = {}
    reported: set[str] = set()
    for i, task in enumerate(master.tasks):
        row, cell = _place(master, TASK_SHEET, i, ID)
        where = {"file": file, "sheet": TASK_SHEET, "task": task.id}
        if not task.id:
            report.error(
                "missing-id", f"任务清单第{row}行没有编号：请填写唯一的编号。", cell=cell, **where
            )
        elif _DATE_LIKE.match(task.id):
            # Excel turns a typed 2-1 into a date; the ID is then lost.
            report.error(
                "id-is-date",
                f"任务清单第{row}行的编号被Excel当作日期（{task.id}）：请把该列设为文本格式后重新输入编号。",
                cell=cell,
                value=task.id,
                **where,
            )
        elif task.id in first_row:
            report.error(
                "duplicate-id",
                f"任务清单第{row}行的编号“{task.id}”与第{first_row[task.id]}行重复：请改为唯一的编号。",
                cell=cell,
                value=task.id,
                **where,
            )
        else:
            first_row[task.id] = row
        if not task.text:
            _, cell = _place(master, TASK_SHEET, i, TEXT)
            report.error(
                "empty-text",
                f"任务清单第{row}行的任务内容为空：请填写任务内容或删除该行。",
                cell=cell,
                **where,
            )
        _check_closed(master, i, task, row, where, report)
        _check_deadline(master, i, task, row, where, report)
        if not task.lead and not task.responsible:
            _, cell = _place(master, TASK_SHEET, i, LEAD_UNITS)
            report.error(
                "no-owner",
                f"任务清单第{row}行没有牵头单位和责任单位：请至少填写一个责任单位。",
                cell=cell,
                **where,
            )
        _check_owners(master, i, task, row, where, directory, reported, report)


def _check_owners(
    master: Master,
    i: int,
    task: Task,
    row: int,
    where: dict,
    directory: tuple[dict, set, list],
    reported: set[str],
    report: Report,
) -> None:
    """A task's owners that 单位名录 does not know: a group word without members, or a unit name
    (with the near name in the directory, if any). Each is reported once, at its first task."""
    names, groups, units = directory
    for header, owners in ((LEAD_UNITS, task.lead), (RESPONSIBLE_UNITS, task.responsible)):
        _, cell = _place(master, TASK_SHEET, i, header)
        for owner in owners:
            key = squash(owner)
            if key in names or key in groups:
                continue
            if is_group_word(owner):
                if key not in reported:
                    report.error(
                        "undefined-group",
                        f"任务清单第{row}行的分组“{owner}”在单位名录中没有成员：请在单位名录中为其每个"
                        f"成员单位填写一行，并在“所属分组”中填写“{owner}”。",
                        cell=cell,
                        unit=owner,
                        **where,
                    )
                reported.add(key)
                continue
            if key in reported:
                continue
            reported.add(key)
            like = [n for n in units if _similar(owner, n)]
            hint = (
                f"单位名录中有相近的“{like[0]}”，如为同一单位，请在其“别名”中填写“{owner}”；否则"
                if like
                else ""
            )
            report.error(
                "unknown-unit",
                f"任务清单第{row}行的{header}“{owner}”不在单位名录中：{hint}请在单位名录中增加一行“{owner}”。",
                cell=cell,
                unit=owner,
                value=like[0] if like else "",
                **where,
            )


def _check_deadline(master: Master, i: int, task: Task, row: int, where: dict, report) -> None:
    """完成时限 (an extra column) readable as a date, or open-ended (持续推进), for the summary's 逾期."""
    from xltools.core.deadlines import deadline_of

    text = task.extra.get(DEADLINE, "")
    try:
        deadline_of(text, 2000)  # whether it can be read does not depend on the year
    except ValueError:
        _, cell = _place(master, TASK_SHEET, i, DEADLINE)
        report.warning(
            "unreadable-deadline",
            f"任务清单第{row}行的完成时限“{text}”无法识别为日期，汇总时不判断是否逾期：请写成"
            "“6月底前”“第三季度”“年底前”“2023年12月31日”等；长期任务写“持续推进”。",
            cell=cell,
            value=text,
            **where,
        )


def _check_closed(master: Master, i: int, task: Task, row: int, where: dict, report) -> None:
    """销号: a readable 销号日期 and a 销号依据 saying why (the office will be asked)."""
    if task.closed and task.closed_on is None:
        _, cell = _place(master, TASK_SHEET, i, CLOSED_DATE)
        report.error(
            "bad-closed-date",
            f"任务清单第{row}行的销号日期“{task.closed}”不是日期：请填写如 2023-06-30 的日期，"
            "未销号的任务请留空。",
            cell=cell,
            value=task.closed,
            **where,
        )
    if task.closed and not task.closed_basis:
        _, cell = _place(master, TASK_SHEET, i, CLOSED_BASIS)
        report.warning(
            "closed-without-basis",
            f"任务清单第{row}行已填写销号日期，但没有销号依据：请写明销号的依据（如验收意见、"
            "领导批示、文件名称）。",
            cell=cell,
            **where,
        )
    if task.closed_basis and not task.closed:
        _, cell = _place(master, TASK_SHEET, i, CLOSED_DATE)
        report.warning(
            "basis-without-closed-date",
            f"任务清单第{row}行填写了销号依据，但没有销号日期，该任务仍按未销号处理：如已销号，"
            "请填写销号日期。",
            cell=cell,
            **where,
        )


def _similar(a: str, b: str) -> bool:
    from xltools.master.units import similarity

    return bool(similarity(a, b))


def _check_targets(master: Master, file: str, report: Report) -> None:
    ids = {t.id for t in master.tasks}
    for i, target in enumerate(master.targets):
        row, cell = _place(master, TARGET_SHEET, i, ID)
        where = {"file": file, "sheet": TARGET_SHEET, "task": target.task_id}
        if target.task_id not in ids:
            report.error(
                "unknown-task",
                f"指标第{row}行的编号“{target.task_id}”不在任务清单中：请改为对应任务的编号。",
                cell=cell,
                value=target.task_id,
                **where,
            )
        if not isinstance(target.value, (int, float)) or math.isnan(target.value):
            _, cell = _place(master, TARGET_SHEET, i, TARGET_VALUE)
            report.error(
                "target-not-number",
                f"指标第{row}行的目标值不是数字：请填写数字（如 120000）。",
                cell=cell,
                **where,
            )
        if target.kind not in KINDS:
            _, cell = _place(master, TARGET_SHEET, i, KIND)
            report.error(
                "bad-target-kind",
                f"指标第{row}行的类型“{target.kind}”无效：请填写“累计”或“水平”。",
                cell=cell,
                value=target.kind,
                **where,
            )


def build_master(plan, units_path: str | Path | None = None) -> tuple[Master, Report]:
    """The master list of a parsed plan: its tasks, the targets in their texts, and the unit
    directory completed from ``units_path``; the report holds the plan's warnings and the group
    words left undefined."""
    from xltools.plan.targets import find_targets

    existing = read_units(units_path) if units_path else []
    units = merge_units(plan.units, existing)
    targets = [t for task in plan.tasks for t in find_targets(task)]
    master = Master(tasks=list(plan.tasks), units=units, targets=targets)
    report = Report(list(plan.problems))
    words = list(plan.groups)
    words += [o for t in plan.tasks for o in (*t.lead, *t.responsible) if is_group_word(o)]
    for word in undefined_groups(words, units):
        note = plan.groups.get(word, "")
        hint = f"（方案中的说明：“{note}”）" if note else ""
        report.warning(
            "undefined-group",
            f"分组“{word}”在单位名录中没有成员{hint}：请在单位名录中为其每个成员单位"
            f"填写一行，并在“所属分组”中填写“{word}”（或用 --units 指定已有的单位名录）。",
            sheet=UNIT_SHEET,
            unit=word,
            line=_first_line(plan.tasks, word),
        )
    for a, b, why in near_duplicates([u.name for u in units]):
        report.warning(
            "near-duplicate",
            f"单位“{a}”与“{b}”可能是同一单位（{why}）：如是，请保留一行，把另一写法填入“别名”。",
            sheet=UNIT_SHEET,
            unit=a,
            value=b,
        )
    return master, report


def _first_line(tasks: Sequence[Task], word: str) -> int:
    for task in tasks:
        if word in task.lead or word in task.responsible:
            return task.line
    return 0


def import_plan(
    plan_path: str | Path,
    units_path: str | Path | None = None,
    lead: str = "explicit",
    *,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
) -> tuple[Master, Report]:
    """Read a plan (text, Word, a task table in a workbook or .csv, or a master) and build its
    master list (see `build_master` and `xltools.plan.tables`)."""
    master, report, _ = import_source(plan_path, units_path, lead, columns=columns, sheet=sheet)
    return master, report


def import_source(
    plan_path: str | Path,
    units_path: str | Path | None = None,
    lead: str = "explicit",
    *,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
):
    """Like `import_plan`, also giving the `Plan` read (None when the file is already a master:
    a workbook with the sheets 任务清单 and 单位名录 is read as one, units merged from
    ``units_path``)."""
    from xltools.plan.tables import read_plan_file

    path = Path(plan_path)
    if is_master(path):
        master = read_master(path)
        if units_path:
            master.units = merge_units(master.units, read_units(units_path))
        return master, Report(), None
    plan = read_plan_file(path, lead, columns, sheet)
    master, report = build_master(plan, units_path)
    return master, report, plan


def is_master(path: str | Path) -> bool:
    """Whether a file is a workbook with the master's sheets 任务清单 and 单位名录."""
    from xltools.plan.tables import SPREADSHEETS

    path = Path(path)
    if path.suffix.lower() not in SPREADSHEETS or not path.is_file():
        return False
    from python_calamine import CalamineWorkbook

    try:
        sheets = CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:  # not a workbook: the table reader says so
        return False
    return TASK_SHEET in sheets and UNIT_SHEET in sheets


def counts(master: Master, report: Report) -> dict[str, int]:
    """What an import yields: tasks, units, groups, targets and warnings, for the one-line summary."""
    return {
        "tasks": len(master.tasks),
        "units": len(master.units),
        "groups": len(
            {squash(o) for t in master.tasks for o in (*t.lead, *t.responsible) if is_group_word(o)}
            | {squash(g) for g in master.group_words()}
        ),
        "targets": len(master.targets),
        "warnings": len(report.warnings),
    }
