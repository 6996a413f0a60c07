"""Plans kept as tables: a task table in a workbook (.xlsx, .xlsm, .xls, .ods), a .csv, or Word.

The header row is found below any title rows and columns are mapped by their header
(`xltools.plan.headers`). A row naming owners is a task. A row without owners that holds a
single text (a row merged across) or fills only its first cells is a heading: 板块, 方向 or 类别 by
its label's style, as in text plans (一、 / (一) / ——). A row below a task whose 序号 is repeated or
empty (a cell merged down) is a part of that task with its own owners: ``2-49-1``, ``2-49-2``.
Owners in a cell are separated by 、 , ; (full-width too), spaces or line breaks; in a single owners
column, ``(牵头)`` or ``牵头`` after a name makes it lead. Columns the master does not name
(完成时限, 责任领导, any other) are kept by header in `Task.extra`.
"""

from __future__ import annotations

import csv
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from xltools.core.contracts import (
    CATEGORY,
    CLOSED_BASIS,
    CLOSED_DATE,
    DIRECTION,
    ID,
    LABEL,
    LEAD_UNITS,
    NOTE,
    RESPONSIBLE_UNITS,
    SECTION,
    TEXT,
)
from xltools.core.errors import PlanError
from xltools.core.i18n import _
from xltools.core.model import Task
from xltools.core.text import cell_text, clean, halfwidth, squash
from xltools.plan import names
from xltools.plan.documents import decode_text
from xltools.plan.headers import Layout, find_header, header_name
from xltools.plan.parse import (
    Collector,
    Plan,
    Warnings,
    heading_levels,
    label_of,
    normal_line,
    notice,
    number,
    owner_rows,
    task_ids,
    unique_ids,
)

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
TABLES = (*SPREADSHEETS, ".csv")

_TASK_STYLES = ("num", "pnum", "circ")
_CN_NUMERAL = re.compile(r"[一二三四五六七八九十百零〇]+")
_LEAD_MARK = re.compile(r"\s*\(?(牵头单位|牵头)\)?$")
_PARTNER_MARK = re.compile(r"\s*\(?(配合|协办|参与)\)?$")
_SEPARATORS = "、,;"


@dataclass
class _Heading:
    line: int
    text: str
    label: str
    rank: int


@dataclass
class _Entry:
    """A task row: one table row, before IDs and owners are worked out."""

    line: int
    label: str
    text: str
    lead: str
    responsible: str
    note: str
    given_id: str
    heads: dict[str, str]  # 板块/方向/类别 columns when the table has them
    extra: dict[str, str]
    stack: list[_Heading] = field(default_factory=list)


def _text(value: object) -> str:
    """A cell as text; a date cell as its date (``2023-12-31``), a whole number without ``.0``."""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, str):
        return "\n".join(clean(line) for line in value.splitlines()).strip()
    return cell_text(value)


def _one_line(text: str) -> str:
    """A task text wrapped inside its cell, joined again (Chinese needs no space at a wrap)."""
    return "".join(line.strip() for line in text.splitlines())


def _label(text: str) -> str:
    """序号 as the master keeps it: ``1.`` -> ``1``, ``（一）`` -> ``(一)``."""
    return halfwidth(_one_line(text)).strip().rstrip("、.．")


def _task_style(label: str) -> bool:
    if label.isascii() and label.isdigit():
        return True
    found = label_of(label + "。")
    return bool(found) and found[0] in _TASK_STYLES


def _heading_text(label: str, text: str) -> str:
    if not label:
        return text
    if _CN_NUMERAL.fullmatch(label):
        return f"{label}、{text}"
    if label.isdigit():
        return f"{label}.{text}"
    return label + text


def _owner_items(text: str) -> list[tuple[str, str]]:
    """A cell's owner list as (name, separator after it): line breaks and spaces outside brackets
    separate like 、."""
    text = halfwidth(text).replace("<", "〈").replace(">", "〉")
    text = re.sub(r"\s+(?=[(〈])", "", text.strip())
    masked = names.mask(text)
    out, start = [], 0
    for i, ch in enumerate(masked):
        if ch.isspace() or ch in _SEPARATORS:
            out.append((text[start:i], "、" if ch.isspace() else ch))
            start = i + 1
    out.append((text[start:], ""))
    return [(n.strip(), sep) for n, sep in out if n.strip()]


def _owners_text(lead: str, responsible: str) -> str:
    """The owner annotation a row's cells make (``牵头单位:…;责任单位:…``) for `names.parse_owners`;
    in the responsible cell a name marked 牵头 leads."""
    if names.starts_with_key(responsible) and not lead:
        return responsible  # the cell spells the clauses out itself
    leads = [n for n, _ in _owner_items(lead)] if lead else []
    others: list[str] = []
    for name, sep in _owner_items(responsible):
        if _LEAD_MARK.search(name) and _LEAD_MARK.sub("", name):
            leads.append(_LEAD_MARK.sub("", name))
        else:
            others.append(_PARTNER_MARK.sub("", name) + sep)
    leads = [_LEAD_MARK.sub("", n) or n for n in leads]
    clauses = []
    if leads:
        clauses.append("牵头单位:" + "、".join(leads))
    if others:
        clauses.append("责任单位:" + "".join(others).rstrip(_SEPARATORS))
    return ";".join(clauses)


class _Reader:
    """Rows of one or more tables with one layout into entries and headings."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.groups: list[list[_Entry]] = []
        self.headings: list[_Heading] = []
        self.stack: list[_Heading] = []
        self.open = False  # whether the next row may continue the last task

    def cell(self, cells: list[str], name: str) -> str:
        c = self.layout.fields.get(name)
        return cells[c] if c is not None and c < len(cells) else ""

    def heading(self, line: int, text: str) -> bool:
        found = label_of(normal_line(text))
        if found and found[0] in _TASK_STYLES:
            return False
        style_rank, label = (found[1], found[2]) if found else (-1, "")
        heading = _Heading(line, _one_line(text), label, style_rank)
        while self.stack and self.stack[-1].rank >= heading.rank:
            self.stack.pop()
        self.stack.append(heading)
        self.headings.append(heading)
        self.open = False
        return True

    def heading_text(self, cells: list[str], filled: list[int], label: str, text: str) -> str:
        """A row without owners as a heading: one text (merged across), or only its 序号 and
        task cells or its first two cells filled; "" when it is not one."""
        if len({cells[c] for c in filled}) == 1:
            return cells[filled[0]]
        if set(filled) <= {self.layout.fields.get(LABEL), self.layout.fields.get(TEXT)}:
            return _heading_text(label, text)
        if filled == [0, 1]:
            return _heading_text(_label(cells[0]), _one_line(cells[1]))
        return ""

    def row(self, line: int, values: list) -> None:
        cells = [_text(v) for v in values]
        filled = [c for c, t in enumerate(cells) if t]
        if not filled:
            return
        layout = self.layout
        label = _label(self.cell(cells, LABEL))
        lead, responsible = self.cell(cells, LEAD_UNITS), self.cell(cells, RESPONSIBLE_UNITS)
        text = _one_line(self.cell(cells, TEXT))
        if not lead and not responsible and not _task_style(label):
            heading = self.heading_text(cells, filled, label, text)
            if heading and self.heading(line, heading):
                return
        entry = _Entry(
            line=line,
            label=label,
            text=text,
            lead=lead,
            responsible=responsible,
            note=_one_line(self.cell(cells, NOTE)),
            given_id=_label(self.cell(cells, ID)),
            heads={h: _one_line(self.cell(cells, h)) for h in (SECTION, DIRECTION, CATEGORY)},
            extra={h: cells[c] if c < len(cells) else "" for h, c in layout.extras.items()},
            stack=list(self.stack),
        )
        last = self.groups[-1][0] if self.groups and self.open else None
        part = last is not None and LABEL in layout.fields and label in ("", last.label)
        if (
            part
            and not label
            and entry.text
            and entry.text != last.text
            and not (lead or responsible)
        ):
            part = False  # a row without 序号 and without owners is a task of its own
        if part:
            entry.label = last.label
            entry.text = entry.text or last.text
            self.groups[-1].append(entry)
        else:
            self.groups.append([entry])
        self.open = True


def _tasks(reader: _Reader, mode: str, collector: Collector) -> list[Task]:
    levels = heading_levels(reader.headings)
    ordinal: dict[tuple, int] = {}
    chains = []
    for group in reader.groups:
        first = group[0]
        own = first.label
        if number(own) is None:  # no number of its own: its place among its siblings stands in
            key = tuple(h.line for h in first.stack)
            ordinal[key] = ordinal.get(key, 0) + 1
            own = str(ordinal[key])
        numbered = _Heading(first.line, first.text, own, 99)
        chains.append((numbered, [h for h in first.stack if number(h.label) is not None]))
    ids = task_ids(chains)
    tasks: list[Task] = []
    for group, base in zip(reader.groups, ids, strict=True):
        for p, entry in enumerate(group, 1):
            task_id = entry.given_id or (f"{base}-{p}" if len(group) > 1 else base)
            heads = ["", "", ""]
            for h in entry.stack:
                level = levels[h.rank]
                heads[level] = f"{heads[level]} {h.text}".strip()
            for level, name in enumerate((SECTION, DIRECTION, CATEGORY)):
                heads[level] = entry.heads[name] or heads[level]
            owners = names.parse_owners(_owners_text(entry.lead, entry.responsible))
            rows = owner_rows(
                owners, collector, entry.line, entry.label or base, task_id, entry.text, mode
            )
            extra, closed, basis = _closing(entry.extra)
            for suffix, text, note, lead, resp in rows:
                tasks.append(
                    Task(
                        task_id + suffix,
                        section=heads[0],
                        direction=heads[1],
                        category=heads[2],
                        label=entry.label,
                        text=text,
                        lead=lead,
                        responsible=resp,
                        note="\n".join(n for n in (entry.note, note) if n),
                        line=entry.line,
                        extra=dict(extra),
                        closed=closed,
                        closed_basis=basis,
                    )
                )
    return tasks


def _closing(extra: dict[str, str]) -> tuple[dict[str, str], str, str]:
    """An existing master's 销号日期 and 销号依据 (read as extra columns) back in their fields, so
    that importing a master keeps its closed tasks closed."""
    extra = dict(extra)
    closed = extra.pop(CLOSED_DATE, "")
    basis = extra.pop(CLOSED_BASIS, "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00", closed):  # a date cell, read as text
        closed = closed[:10]
    return extra, closed, basis


def _plan(reader: _Reader, above: list[str], mode: str, source: str, warnings: Warnings) -> Plan:
    collector = Collector(warnings)
    tasks = unique_ids(_tasks(reader, mode, collector), warnings)
    if not tasks:
        raise PlanError(no_tasks_message(source))
    title, due = notice(above)
    return Plan(
        title=title,
        tasks=tasks,
        units=list(collector.units.values()),
        groups=collector.groups,
        due=due,
        problems=sorted(warnings, key=lambda p: p.line),
    )


def no_tasks_message(source: str) -> str:
    """What to do when a plan yields no task: the shapes and columns that are read."""
    return _(
        "{source}: no task with owners (牵头单位/责任单位) found. A text plan (.txt, .docx) numbers "
        "its tasks and ends each with its owners, e.g. 1.任务内容。(牵头单位:市发改委;责任单位:市财政局). "
        "A table (.xlsx, .xls, .ods, .csv or a table in .docx) needs a header row with a task column "
        "(任务内容, 重点任务, 工作任务, 工作内容) and an owner column (牵头单位, 责任单位, 配合单位); "
        "name other headers with --columns 表头=字段, pick a sheet with --sheet."
    ).format(source=source)


def read_grids(path: Path) -> dict[str, list[list]]:
    """The sheets of a workbook or the one table of a .csv (UTF-8 with or without BOM, GB18030,
    or UTF-16 as Excel saves Unicode text)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        text = decode_text(path)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
        except csv.Error:
            dialect = csv.excel
        return {path.stem: [list(row) for row in csv.reader(text.splitlines(), dialect)]}
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        grids = {}
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            grids[name] = _fill_down(
                sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or ()
            )
        return grids
    except Exception as exc:  # calamine raises several private error types
        raise PlanError(
            _("{name}: cannot read it as a workbook ({error})").format(name=path.name, error=exc)
        ) from exc


def _fill_down(grid: list[list], merged) -> list[list]:
    """A cell merged down over several rows (owners shared by consecutive tasks, a 序号 over a
    task's parts) gives its value to each of its rows, as a Word table does; a cell merged across
    keeps it in its first column only (a heading row)."""
    for (r0, c0), (r1, _c1) in merged:
        if r1 <= r0 or r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        for r in range(r0 + 1, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            row.extend([""] * (c0 + 1 - len(row)))
            row[c0] = value
    return grid


def read_table_plan(
    path: Path,
    lead: str = "explicit",
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
) -> Plan:
    """Read a plan kept as a table in a workbook or .csv: the sheet with the task table's
    headers (or ``sheet``), its title rows above the header, its tasks and extra columns."""
    path = Path(path)
    grids = read_grids(path)
    if sheet is not None:
        chosen = [n for n in grids if n == sheet or squash(n) == squash(sheet)]
        if not chosen:
            raise PlanError(
                _("{name}: no sheet named {sheet} (sheets: {sheets})").format(
                    name=path.name, sheet=sheet, sheets=", ".join(grids) or "none"
                )
            )
        grids = {chosen[0]: grids[chosen[0]]}
    found = [(n, layout) for n, g in grids.items() if (layout := find_header(g, columns))]
    if not found:
        raise PlanError(no_tasks_message(path.name))
    name, layout = found[0]
    grid = grids[name]
    several = len([g for g in grids.values() if any(any(_text(v) for v in r) for r in g)]) > 1

    def where(line: int) -> str:
        return f"工作表“{name}”第{line}行" if several or sheet else f"第{line}行"

    warnings = Warnings(path.name, where)
    if several and sheet is None:
        others = [n for n, _ in found[1:]]
        also = f"；工作表“{'”“'.join(others)}”也有任务表，未读取" if others else ""
        warnings.add(
            "sheet-chosen",
            layout.row + 1,
            f"工作簿有{len(grids)}个工作表，任务从工作表“{name}”读取{also}；"
            f"如需读取其他工作表，请用 --sheet 指定。",
            value=name,
        )
    reader = _Reader(layout)
    header = [header_name(v) for v in grid[layout.row]]
    for r in range(layout.row + 1, len(grid)):
        if [header_name(v) for v in grid[r]] == header:
            continue  # the header repeated (a printed list's pages)
        reader.row(r + 1, grid[r])
    above = [" ".join(_text(v) for v in row if _text(v)) for row in grid[: layout.row]]
    return _plan(reader, above, lead, path.name, warnings)


def read_docx_plan(
    path: Path, lead: str = "explicit", columns: dict[str, str] | None = None
) -> Plan | None:
    """Read a Word plan whose tasks are in tables (headings may also be paragraphs between them);
    None when no table has a task table's headers."""
    from xltools.plan.documents import docx_blocks

    path = Path(path)
    blocks = docx_blocks(path)
    above: list[str] = []
    reader: _Reader | None = None
    line = 0
    warnings = Warnings(path.name, lambda n: f"表格第{n}行")
    for block in blocks:
        if isinstance(block, str):
            if reader is None:
                above.append(block)
            elif block.strip():
                found = label_of(normal_line(block))
                if found and found[0] not in _TASK_STYLES:
                    line += 1  # a heading paragraph between tables counts as a row
                    reader.heading(line, block)
            continue
        start = 0
        layout = find_header(block, columns)
        if reader is None:
            if layout is None:
                above.extend(" ".join(c for c in row if c.strip()) for row in block)
                continue
            reader = _Reader(layout)
        if layout is not None:
            if layout.fields != reader.layout.fields:
                reader.layout = layout  # another table with its own columns
            start = layout.row + 1
            line += start
        for row in block[start:]:
            line += 1
            reader.row(line, row)
    if reader is None:
        return None
    return _plan(reader, above, lead, path.name, warnings)


def read_plan_file(
    path: Path,
    lead: str = "explicit",
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
) -> Plan:
    """Read a plan in any shape: a text (.txt), a Word document (.docx: its task tables, else its
    text), a workbook (.xlsx, .xlsm, .xls, .ods) or a .csv table."""
    from xltools.plan.parse import read_plan

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in TABLES:
        return read_table_plan(path, lead, columns, sheet)
    if suffix == ".docx":
        plan = read_docx_plan(path, lead, columns)
        if plan is not None:
            return plan
    try:
        return read_plan(path, lead=lead)
    except PlanError as exc:
        if "no task with owners" in str(exc):
            raise PlanError(no_tasks_message(path.name)) from exc
        raise
