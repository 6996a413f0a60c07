"""The master list as plain data: tasks, units and targets, shared by every stage."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from xltools.core.text import clean, halfwidth, squash

LIST_SEP = "、"


def is_group_word(name: str) -> bool:
    """True for an owner that stands for several units (各区人民政府, 各相关单位, 各县(市、区)人民政府)."""
    return clean(name).startswith("各")


@dataclass(frozen=True)
class Task:
    """One row of 任务清单. Owners are unit names or group words, as the document writes them."""

    id: str  # 编号: stable, unique, derived from the document's numbering ("2-49-1")
    section: str  # 板块 (heading level 1, as written: "二、重点工作")
    direction: str  # 方向 (level 2: "(一)着力扩大内需,持续增强稳增长内生动力")
    category: str  # 类别 (level 3: "——千方百计提振促进消费")
    label: str  # 序号 exactly as in the document: "(一)", "49"
    text: str  # 任务内容
    lead: tuple[str, ...] = ()  # 牵头单位
    responsible: tuple[str, ...] = ()  # 责任单位 (配合/协办 units too)
    note: str = ""  # 备注
    line: int = 0  # line in the source document; not stored in the master
    closed: str = ""  # 销号日期 as written (ISO when Excel kept it as a date); "" while open
    closed_basis: str = ""  # 销号依据
    # Columns the master contract does not name (完成时限, 责任领导, any an office adds after 备注),
    # header -> text as written, in column order. Not hashed: a dict is not hashable.
    extra: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def leads(self) -> tuple[str, ...]:
        """Who leads: the named lead, or else the responsible units (无牵头单位的,责任单位即为牵头单位)."""
        return self.lead or self.responsible

    @property
    def partners(self) -> tuple[str, ...]:
        """Who cooperates: responsible units when a lead is named, else nobody."""
        return self.responsible if self.lead else ()

    @property
    def closed_on(self) -> date | None:
        """The day the task was closed (销号), or None while it is open or the date is unreadable."""
        return parse_day(self.closed)

    def closed_by(self, day: date | None) -> bool:
        """Closed on or before ``day``: a round whose period ends on ``day`` no longer asks for it."""
        closed = self.closed_on
        return closed is not None and day is not None and closed <= day


_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T ]\d.*)?$")


def parse_day(text: object) -> date | None:
    """A day as offices write it: 2023-06-30, 2023/6/30, 2023.6.30, 2023年6月30日 (or a date)."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    found = _DAY.match(halfwidth(clean(text)))
    if not found:
        return None
    try:
        return date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


def extra_headers(tasks) -> list[str]:
    """The extra columns of a task list, in the order they first appear."""
    return list(dict.fromkeys(h for task in tasks for h in task.extra))


@dataclass(frozen=True)
class Unit:
    """One row of 单位名录. A group word is defined by the rows that list it in ``groups``."""

    name: str
    aliases: tuple[str, ...] = ()  # 别名
    groups: tuple[str, ...] = ()  # 所属分组: group words that include this unit
    host: str = ""  # 承办单位: who receives this unit's workbook, when not itself
    contact: str = ""  # 督办联系人
    phone: str = ""  # 联系电话
    email: str = ""  # 邮箱


@dataclass(frozen=True)
class Target:
    """One row of 指标: a quantitative target found in a task's text."""

    task_id: str  # 编号
    phrase: str  # 指标: the phrase as written, "新增停车泊位12万个"
    value: float  # 目标值: 120000
    unit: str  # 计量单位: "个"
    kind: str  # 类型: "累计" (built up over the year) or "水平" (a rate or level)
    comparison: str = ""  # 比较: 以上 / 左右 / 以内 / 达到 / ""


@dataclass
class Master:
    """The whole master list."""

    tasks: list[Task] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def unit(self, name: str) -> Unit | None:
        """The directory entry for a name or one of its aliases; spelt exactly, else equal but for
        full-width characters and spaces (as `check_master` compares them)."""
        for unit in self.units:
            if name == unit.name or name in unit.aliases:
                return unit
        key = squash(name)
        for unit in self.units:
            if key == squash(unit.name) or key in {squash(a) for a in unit.aliases}:
                return unit
        return None

    def without_closed(self, day: date | None) -> Master:
        """The master without the tasks closed (销号) on or before ``day``, nor their targets."""
        closed = {t.id for t in self.tasks if t.closed_by(day)}
        if not closed:
            return self
        return Master(
            tasks=[t for t in self.tasks if t.id not in closed],
            units=self.units,
            targets=[t for t in self.targets if t.task_id not in closed],
        )

    def group_words(self) -> set[str]:
        return {g for u in self.units for g in u.groups}

    def members(self, group: str) -> list[str]:
        """The units a group word stands for, in directory order. An office types 所属分组 with a
        Chinese input method: 各县（市、区）人民政府 defines the plan's 各县(市、区)人民政府."""
        exact = [u.name for u in self.units if group in u.groups]
        if exact:
            return exact
        key = squash(group)
        return [u.name for u in self.units if key in {squash(g) for g in u.groups}]
