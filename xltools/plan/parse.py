"""Read a published plan (.txt or .docx) into tasks with owners, units, groups and warnings.

A task is told from a heading by its owner annotation, not by its label: in the Wuhan seed ``(一)``
is a task in part 一 and a heading in part 二. An unowned labelled line is a heading when owned tasks
follow below it, a task without owners when its siblings are owned tasks, and is reported otherwise.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from xltools.core.errors import PlanError
from xltools.core.i18n import _
from xltools.core.model import Task, Unit
from xltools.core.problems import WARNING, Problem, new_problem
from xltools.core.text import clean, halfwidth
from xltools.plan import names
from xltools.plan.documents import read_text

LEADS = ("explicit", "first")

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
_CN = "一二三四五六七八九十百零〇"
_CIRCLED = "\u2460-\u2473\u3251-\u325f\u32b1-\u32bf"
# (style, rank, pattern); rank orders the usual nesting 一、 > (一) > —— > 1. > (1) > ①.
_LABELS = (
    ("cn", 0, re.compile(rf"([{_CN}]+)[、.]\s*")),
    ("pcn", 1, re.compile(rf"(\([{_CN}]+\))[、.]?\s*")),
    ("dash", 2, re.compile(r"(?:——|--|—|─{1,2})\s*")),
    ("num", 3, re.compile(r"(\d+)(?:[.、](?!\d))\s*")),
    ("pnum", 4, re.compile(r"(\(\d+\))[、.]?\s*")),
    ("circ", 5, re.compile(rf"([{_CIRCLED}])[、.]?\s*")),
)
_FIXED_LEVELS = {0: 0, 1: 1, 2: 2}  # 一、 -> 板块, (一) -> 方向, —— -> 类别
_TASK_STYLES = ("num", "pnum", "circ")
_TITLE = re.compile(
    r".{4,80}(方案|计划|清单|分工|要点|任务表|责任表|分解表|台账|一览表)(\(.{1,6}\))?"
)
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_DUE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:前|之前|以前)")


@dataclass
class Plan:
    """A plan as read: tasks in document order, the units and group words they name, warnings."""

    title: str
    tasks: list[Task]
    units: list[Unit]
    groups: dict[str, str]
    due: datetime.date | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Item:
    line: int  # 1-based
    text: str  # the whole line(s) as normalised
    style: str = ""
    rank: int = -1
    label: str = ""
    body: str = ""  # text without label and annotation
    owners: str | None = None  # annotation content, None when the line names no owners
    parent: tuple = ()
    role: str = ""  # task / heading / missing / stray


@functools.lru_cache(maxsize=1024)
def number(label: str) -> int | None:
    """The number a label stands for: ``49``, ``(一)`` -> 1, ``十二`` -> 12, ``①`` -> 1."""
    core = label.strip("()")
    if core.isascii() and core.isdigit():
        return int(core)
    if len(core) == 1 and re.fullmatch(f"[{_CIRCLED}]", core):
        code = ord(core)
        if code <= 0x2473:
            return code - 0x2460 + 1
        if code <= 0x325F:
            return code - 0x3251 + 21
        return code - 0x32B1 + 36
    if core and all(c in _CN for c in core):
        total, digit = 0, 0
        for c in core:
            if c == "十":
                total += (digit or 1) * 10
                digit = 0
            elif c == "百":
                total += (digit or 1) * 100
                digit = 0
            else:
                digit = _CN_DIGITS[c]
        return total + digit
    return None


def label_of(line: str) -> tuple[str, int, str, str] | None:
    for style, rank, pattern in _LABELS:
        m = pattern.match(line)
        if m:
            rest = line[m.end() :]
            if not rest.strip():
                return None
            return style, rank, (m.group(1) if m.groups() else ""), rest
    return None


def _scan(lines: list[str]) -> list[_Item]:
    """Labelled lines with the owners that follow them; owner lines and wrapped text are joined."""
    items: list[_Item] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if not line:
            continue
        found = label_of(line)
        body, owners = names.split_annotation(found[3] if found else line)
        item = _Item(line=i, text=line, body=body, owners=owners)
        if found:
            item.style, item.rank, item.label = found[:3]
        if owners is None and names.starts_with_key(line):
            item.owners, item.body = line.rstrip("。."), ""
        elif found and owners is None:
            i = _follow(lines, i, item)
        items.append(item)
    return items


def _follow(lines: list[str], i: int, item: _Item) -> int:
    """Owners on their own lines after a task, or the task wrapped onto lines before its annotation."""
    collected: list[str] = []
    extra: list[str] = []
    j = i
    while j < len(lines) and len(extra) < 4:
        nxt = lines[j]
        j += 1
        if not nxt:
            continue
        if label_of(nxt):
            break
        if names.starts_with_key(nxt) and not extra:
            collected.append(nxt.rstrip(" 。.;"))
            i = j
            continue
        if collected:
            break
        rest, annotation = names.split_annotation(nxt)
        extra.append(rest.strip())
        if annotation is not None:
            collected.append(annotation)
            item.body += "".join(extra)
            i = j
            break
    if collected:
        item.owners = ";".join(collected)
    return i


def _has_owned_below(labelled: list[_Item], k: int) -> bool:
    rank = labelled[k].rank
    for other in labelled[k + 1 :]:
        if other.rank <= rank:
            return False
        if other.owners is not None:
            return True
    return False


def _title(items: list[_Item], before: int) -> _Item | None:
    for item in reversed(items):
        plain = item.line < before and not item.style and item.owners is None
        if plain and "。" not in item.text and _TITLE.fullmatch(item.text):
            return item
    return None


def _due(items: list[_Item], before: int) -> datetime.date | None:
    """The first deadline the notice gives, preferring a sentence about 方案."""
    found = []
    for item in items:
        if item.line >= before:
            break
        for m in _DUE.finditer(item.text):
            around = item.text[max(0, m.start() - 60) : m.end() + 60]
            found.append(("方案" not in around, m))
    for _late, m in sorted(found, key=lambda f: f[0]):
        try:
            return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def _classify(labelled: list[_Item], last_owned: int) -> None:
    """Set each item's role and parent (the unowned labelled lines above it)."""
    stack: list[_Item] = []
    owned_keys = set()
    for k, item in enumerate(labelled):
        while stack and stack[-1].rank >= item.rank:
            stack.pop()
        item.parent = tuple(h.line for h in stack)
        if item.owners is not None:
            item.role = "task"
            owned_keys.add((item.parent, item.style))
        else:
            item.role = "heading" if _has_owned_below(labelled, k) else ""
            stack.append(item)
    for item in labelled:
        if item.role:
            continue
        if (item.parent, item.style) in owned_keys:
            item.role = "missing"  # a task like its siblings, without owners
        elif item.line > last_owned or item.style in _TASK_STYLES:
            item.role = "stray"  # reported, not imported
        else:
            item.role = "heading"


def heading_levels(headings: list) -> dict[int, int]:
    """Heading rank -> level (0 板块, 1 方向, 2 类别); unusual heading styles fill the free levels.
    ``headings`` are anything with a ``rank``."""
    used = sorted({h.rank for h in headings})
    levels = {r: _FIXED_LEVELS[r] for r in used if r in _FIXED_LEVELS}
    free = [lv for lv in range(3) if lv not in levels.values()]
    for r in used:
        if r not in levels:
            levels[r] = free.pop(0) if free else 2
    return levels


class Warnings(list):
    """Problems of one plan, all warnings with their line. ``where(line)`` names the place of a
    line in messages (a table's row: ``工作表“任务”第5行``) instead of ``第5行``."""

    def __init__(self, source: str, where=None) -> None:
        super().__init__()
        self.source = source
        self.where = where

    def add(self, code: str, line: int, message: str, task: str = "", value: str = "") -> None:
        if self.where is not None:
            message = message.replace(f"第{line}行", self.where(line), 1)
        elif self.source.lower().endswith(".docx"):  # a Word file counts paragraphs, not lines
            message = message.replace(f"第{line}行", f"第{line}段", 1)
        self.append(
            new_problem(code, message, WARNING, file=self.source, line=line, task=task, value=value)
        )


class Collector:
    """Owners of all tasks: units in first-seen order with hosts, group words, note warnings."""

    def __init__(self, warnings: Warnings) -> None:
        self.units: dict[str, Unit] = {}
        self.groups: dict[str, str] = {}
        self.warnings = warnings

    def names(self, items: list[tuple[str, str]], line: int, label: str) -> tuple[str, ...]:
        out: list[str] = []
        for name, note in items:
            if name not in out:
                out.append(name)
            kind = names.note_kind(name, note) if note else ""
            if name in self.groups or names.is_group_word(name):
                if kind == "definition" and not self.groups.get(name):
                    self.groups[name] = names.definition(note)
                else:
                    self.groups.setdefault(name, "")
            else:
                host = names.split_units(note)[0] if kind == "host" else ""
                known = self.units.get(name)
                if known is None or (host and not known.host):
                    self.units[name] = Unit(name, host=host or (known.host if known else ""))
                if host and host not in self.units:
                    self.units[host] = Unit(host)  # the host receives the workbook: a unit too
            if kind == "unknown":
                msg = f"第{line}行任务“{label}”中“{name}”后的说明〈{note}〉无法识别，请核对该单位并在单位名录中处理。"
                self.warnings.add("unknown-owner-note", line, msg, value=note)
        return tuple(out)


def _row(lead: tuple, responsible: tuple, mode: str) -> tuple[tuple, tuple]:
    if mode == "first" and not lead and responsible:
        return responsible[:1], responsible[1:]
    return lead, responsible


def task_ids(tasks: list[tuple]) -> list[str]:
    """IDs from the numbering: top heading, intermediate numbers only where numbering restarts.
    ``tasks`` are (task, headings above it), each with a ``label`` and a distinct ``line``."""
    groups: dict[object, list[int]] = {}
    chains = []
    for k, (item, stack) in enumerate(tasks):
        numbered = [h for h in stack if number(h.label) is not None]
        chains.append((numbered, number(item.label)))
        groups.setdefault(numbered[0].line if numbered else None, []).append(k)
    ids = [""] * len(tasks)
    for members in groups.values():
        depth = max(len(chains[k][0]) for k in members)
        for extra in range(max(depth, 1)):
            keys = []
            for k in members:
                numbered, own = chains[k]
                path = [number(h.label) for h in numbered[: 1 + extra]]
                keys.append("-".join(str(x) for x in [*path, own] if x is not None))
            if len(set(keys)) == len(keys):
                break
        for k, key in zip(members, keys, strict=True):
            ids[k] = key
    return ids


def _locate(items: list[_Item], labelled: list[_Item], owned: list[_Item]) -> tuple:
    """Where the plan starts (after its title, else at its first heading leading to tasks)."""
    first = owned[0].line
    for k, item in enumerate(labelled):
        if item.line >= first:
            break
        if item.owners is None and _has_owned_below(labelled, k):
            first = item.line
            break
    title = _title(items, first)
    notice_end = title.line if title else first
    return (title.line + 1 if title else first), title, _due(items, notice_end)


def _walk(body: list[_Item], items: list[_Item], start: int, warnings: Warnings) -> list:
    """Tasks with the headings above them; lines that look like tasks but are not are reported."""
    stack: list[_Item] = []
    found: list[tuple[_Item, list[_Item]]] = []
    for item in body:
        while stack and stack[-1].rank >= item.rank:
            stack.pop()
        if item.role == "heading":
            stack.append(item)
        elif item.role in ("task", "missing"):
            found.append((item, list(stack)))
            stack.append(item)  # its sub-tasks ((1) under 1.) are numbered under it
        elif item.role == "stray":
            msg = f"第{item.line}行“{item.text[:30]}”像是任务但没有写明牵头单位或责任单位，未导入；如是任务，请在任务清单中补录。"
            warnings.add("line-not-imported", item.line, msg, value=item.text)
    for item in items:
        if not item.style and item.owners is not None and item.line >= start:
            msg = (
                f"第{item.line}行写有责任单位但没有任务序号，未导入；请核对该行并在任务清单中补录。"
            )
            warnings.add("task-without-label", item.line, msg, value=item.text)
    # a task labelled only "——" has no number of its own: its place among its siblings stands in
    ordinal: dict[tuple, int] = {}
    for item, _match in found:
        if number(item.label) is None:
            ordinal[item.parent] = ordinal.get(item.parent, 0) + 1
            item.label = str(ordinal[item.parent])
    return found


def _tasks(found: list, levels: dict, mode: str, collector: Collector) -> list[Task]:
    """One row per task, or per part where parts name their own owners."""
    tasks: list[Task] = []
    for (item, stack), task_id in zip(found, task_ids(found), strict=True):
        heads = ["", "", ""]
        for h in (h for h in stack if h.role == "heading"):
            level = levels[h.rank]
            heads[level] = f"{heads[level]} {h.text}".strip()
        label, line = item.label, item.line
        common = dict(
            section=heads[0], direction=heads[1], category=heads[2], label=label, line=line
        )
        owners = names.parse_owners(item.owners or "")
        for suffix, text, note, lead, resp in owner_rows(
            owners, collector, line, label, task_id, item.body, mode
        ):
            tasks.append(
                Task(task_id + suffix, text=text, lead=lead, responsible=resp, note=note, **common)
            )
    return tasks


def owner_rows(
    owners: names.Owners,
    collector: Collector,
    line: int,
    label: str,
    task_id: str,
    body: str,
    mode: str = "explicit",
) -> list[tuple[str, str, str, tuple, tuple]]:
    """A task's rows as (ID suffix, text, note, lead, responsible): one, or one per part where
    parts name their own owners (``-1``, ``-2``); missing or unclear owners are warned about."""
    warnings = collector.warnings
    if owners.empty():
        msg = f"第{line}行任务“{label}”没有写明牵头单位或责任单位，请在任务清单中补填。"
        warnings.add("task-without-owners", line, msg, task=task_id)
    for piece in owners.unclear:
        msg = f"第{line}行任务“{label}”的责任单位说明“{piece}”无法识别，请核对并在任务清单中补填。"
        warnings.add("unclear-owners", line, msg, task=task_id, value=piece)
    shared_lead = collector.names(owners.lead, line, label)
    shared_resp = collector.names(owners.responsible, line, label)
    if not owners.parts:
        return [("", body, "", *_row(shared_lead, shared_resp, mode))]
    rows = []
    for p, (part, part_owners) in enumerate(owners.parts, 1):
        part_lead = collector.names(part_owners.lead, line, label)
        part_resp = collector.names(part_owners.responsible, line, label)
        resp = tuple(dict.fromkeys(part_resp + shared_resp))
        lead, resp = _row(part_lead or shared_lead, resp, mode)
        note = f"第{label}项任务按责任单位分为{len(owners.parts)}项，此为第{p}项：{part}"
        rows.append((f"-{p}", f"{body}（其中：{part}）", note, lead, resp))
    return rows


def notice(lines: list[str]) -> tuple[str, datetime.date | None]:
    """The title and the plans' deadline of the text above a task table (a notice, a title row)."""
    items = _scan([normal_line(line) for line in lines])
    end = len(lines) + 1
    title = _title(items, end)
    return (title.text if title else ""), _due(items, end)


def normal_line(line: str) -> str:
    line = clean(line)
    return halfwidth(line) if _FULL_WIDTH.search(line) else line


def parse_plan(text: str, lead: str = "explicit", source: str = "") -> Plan:
    """Parse a plan's text into a `Plan`; ``lead="first"`` makes the first listed unit lead."""
    if lead not in LEADS:
        raise ValueError(f"lead must be one of {LEADS}, not {lead!r}")
    items = _scan([normal_line(line) for line in text.splitlines()])
    labelled = [it for it in items if it.style]
    owned = [it for it in labelled if it.owners is not None]
    if not owned:
        raise PlanError(
            _(
                "{value}: no task with owners (牵头单位/责任单位) found; is this the plan document?"
            ).format(value=source or "the plan")
        )
    start, title, due = _locate(items, labelled, owned)
    body = [it for it in labelled if it.line >= start]
    _classify(body, owned[-1].line)
    warnings = Warnings(source)
    collector = Collector(warnings)
    found = _walk(body, items, start, warnings)
    levels = heading_levels([it for it in body if it.role == "heading"])
    tasks = unique_ids(_tasks(found, levels, lead, collector), warnings)
    return Plan(
        title=title.text if title else "",
        tasks=tasks,
        units=list(collector.units.values()),
        groups=collector.groups,
        due=due,
        problems=sorted(warnings, key=lambda p: p.line),
    )


def unique_ids(tasks: list[Task], warnings: Warnings) -> list[Task]:
    """Never two tasks with one ID: a repeated number gets a further ``-n`` and a warning."""
    seen: set[str] = set()
    out = []
    for task in tasks:
        if task.id in seen:
            n = 2
            while f"{task.id}-{n}" in seen:
                n += 1
            new = f"{task.id}-{n}"
            msg = f"第{task.line}行任务序号“{task.label}”与前面的任务重复，编号改为{new}，请核对原文。"
            warnings.add("duplicate-task-number", task.line, msg, task=new)
            task = replace(task, id=new)
        seen.add(task.id)
        out.append(task)
    return out


def read_plan(path: Path, lead: str = "explicit") -> Plan:
    """Read a plan from a .txt (UTF-8 with or without BOM, GB18030) or .docx file."""
    path = Path(path)
    return parse_plan(read_text(path), lead=lead, source=path.name)
