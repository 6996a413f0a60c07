"""A task table's header row: found below title rows, each column mapped to a field by its header.

`SYNONYMS` lists the headers each field is known by; a short header none names is matched by what
it holds (…领导, 牵头…, 时限, 任务/内容); ``columns`` (``--columns 表头=字段``) maps any other.
Columns the master does not name are kept by their header as extra columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xltools.core.contracts import (
    CATEGORY,
    DEADLINE,
    DIRECTION,
    ID,
    LABEL,
    LEAD_UNITS,
    LEADER,
    NOTE,
    RESPONSIBLE_UNITS,
    SECTION,
    TEXT,
)
from xltools.core.text import cell_text, squash

# Header -> field. 编号 alone is the 序号; beside a 序号 it is the task's ID.
SYNONYMS: dict[str, tuple[str, ...]] = {
    LABEL: ("序号", "编号"),
    TEXT: (
        "任务内容",
        "重点任务",
        "工作任务",
        "重点工作任务",
        "工作内容",
        "任务",
        "主要任务",
        "具体任务",
        "重点工作",
        "任务名称",
        "工作事项",
    ),
    LEAD_UNITS: ("牵头单位", "牵头部门", "牵头责任单位", "主办单位"),
    RESPONSIBLE_UNITS: (
        "责任单位",
        "配合单位",
        "协办单位",
        "责任部门",
        "配合部门",
        "协办部门",
        "参与单位",
    ),
    DEADLINE: ("完成时限", "完成时间", "时间节点", "完成期限"),
    LEADER: ("责任领导", "分管领导", "分管市领导", "牵头市领导"),
    NOTE: ("备注",),
    SECTION: ("板块",),
    DIRECTION: ("方向",),
    CATEGORY: ("类别",),
}
FIELDS = (ID, *SYNONYMS)
_EXACT = {name: f for f, words in SYNONYMS.items() for name in words}
# Headers no synonym names, by what they contain (short headers only).
_LOOSE = (
    (LEADER, re.compile(r"领导")),
    (LEAD_UNITS, re.compile(r"牵头")),
    (RESPONSIBLE_UNITS, re.compile(r"(责任|配合|协办|参与).{0,2}(单位|部门)")),
    (DEADLINE, re.compile(r"时限|期限|完成时间|时间节点")),
    (TEXT, re.compile(r"任务|内容|事项")),
)


@dataclass
class Layout:
    """Where a table's header is and what each column holds."""

    row: int  # 0-based index of the (last) header row
    fields: dict[str, int]  # field -> column
    extras: dict[str, int]  # extra column header -> column (完成时限 and 责任领导 among them)


def header_name(value: object) -> str:
    return re.sub(r"\s+", "", cell_text(value))


def _key(header: str) -> str:
    """A header as compared: half-width, no spaces, no bracketed note (完成时限(年月) -> 完成时限)."""
    return re.sub(r"\(.*?\)", "", squash(header)) or squash(header)


def map_header(row: list, columns: dict[str, str] | None = None) -> Layout | None:
    """The layout a header row gives, or None when it names no task column and no owner column.
    ``columns`` maps more headers to a field (``{"主要目标": "任务内容"}``) or renames an extra one."""
    # --columns may name a field by any of its synonyms (主要目标=重点任务 means 任务内容).
    user = {
        _key(k): v if v in FIELDS else _EXACT.get(_key(v), v) for k, v in (columns or {}).items()
    }
    fields: dict[str, int] = {}
    extras: dict[str, int] = {}
    numbered: int | None = None  # a column headed 编号
    loose: list[tuple[int, str]] = []
    for c, value in enumerate(row):
        header = header_name(value)
        if not header:
            continue
        key = _key(header)
        target = user.get(key)
        if target is not None:
            if target in FIELDS and target not in fields:
                fields[target] = c
            elif target not in FIELDS:
                extras.setdefault(target, c)
            continue
        if key == "编号" and numbered is None:
            numbered = c
            continue
        found = _EXACT.get(key)
        if found and found not in fields:
            fields[found] = c
        else:
            loose.append((c, header))
    for c, header in loose:
        found = next(
            (f for f, rx in _LOOSE if f not in fields and len(header) <= 10 and rx.search(header)),
            None,
        )
        if found:
            fields[found] = c
        else:
            extras.setdefault(header, c)
    if numbered is not None:
        fields[ID if LABEL in fields else LABEL] = numbered
    for name in (DEADLINE, LEADER):  # kept by their usual names, in column order
        if name in fields:
            extras[name] = fields.pop(name)
    extras = dict(sorted(extras.items(), key=lambda kv: kv[1]))
    if TEXT not in fields or not (LEAD_UNITS in fields or RESPONSIBLE_UNITS in fields):
        return None
    return Layout(0, fields, extras)


def find_header(
    grid: list[list], columns: dict[str, str] | None = None, first: int = 20
) -> Layout | None:
    """The header row among the grid's first rows (title rows may sit above it). A second header
    row below it (责任单位 split into 牵头单位 | 配合单位) completes it."""
    for r, row in enumerate(grid[:first]):
        layout = map_header(row, columns)
        if layout is None:
            continue
        layout.row = r
        if r + 1 < len(grid):
            below = [header_name(v) for v in grid[r + 1]]
            known = [h for h in below if h]
            if known and all(_key(h) in _EXACT for h in known):
                merged = [b or header_name(v) for v, b in zip(grid[r], below, strict=False)]
                merged += [header_name(v) for v in grid[r][len(below) :]]
                layout2 = map_header(merged, columns)
                if layout2 is not None:
                    layout2.row = r + 1
                    return layout2
        return layout
    return None
