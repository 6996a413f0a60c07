"""The 考核's types: the scoring rules of ``xltools.yaml``, what a unit did in a round, its score."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date

from xltools.core import contracts as c
from xltools.core.errors import WorkspaceError
from xltools.core.i18n import _

ON_TIME, LATE, UNREPORTED = c.ON_TIME, c.LATE, c.UNREPORTED
BEHIND, NOT_STARTED = c.LAGGING, c.NOT_STARTED


@dataclass(frozen=True)
class Rules:
    """``scoring:`` of ``xltools.yaml`` (defaults in `xltools.master.workspace.DEFAULT_SCORING`).

    Points are added for on-time returns; every other value is a deduction. A cap of None means
    no cap: ``late_cap`` bounds one round's lateness, the other caps a whole year's total."""

    on_time: float = 20
    late_day: float = 1
    late_cap: float | None = 5
    unreported: float = 10
    sent_back: float = 2
    sent_back_cap: float | None = 10
    lead_behind: float = 2
    lead_not_started: float = 3
    lead_cap: float | None = 20

    @classmethod
    def from_mapping(cls, values: Mapping | None, *, source: str = "xltools.yaml") -> Rules:
        """Rules from settings; a `WorkspaceError` lists unknown keys and values that are not
        numbers (a cap may also be null)."""
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        mistakes = [_("unknown key scoring.{key}").format(key=k) for k in values if k not in known]
        taken = {}
        for name in known & set(values):
            value = values[name]
            if value is None and name.endswith("_cap"):
                taken[name] = None
            elif (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and math.isfinite(value)
                and value >= 0
            ):
                taken[name] = value
            else:
                kind = _("a number ≥ 0 or null") if name.endswith("_cap") else _("a number ≥ 0")
                mistakes.append(
                    _("scoring.{name} must be {kind}, not {value!r}").format(
                        name=name, kind=kind, value=value
                    )
                )
        if mistakes:
            raise WorkspaceError(
                _("{source}: {mistakes}").format(
                    source=source, mistakes="; ".join(sorted(mistakes))
                )
            )
        return cls(**taken)


@dataclass(frozen=True)
class RoundFacts:
    """What one unit did in one round, as collect's 报送情况 says."""

    round: str  # key: 2023Q1
    name: str  # 2023年第一季度
    due: date
    state: str  # 按时 / 逾期 / 未报送
    late_days: int = 0
    sent_back: int = 0  # superseded files + 1 when the kept return still has errors
    note: str = ""  # why sent_back counts what it counts, for the 扣分明细


@dataclass(frozen=True)
class Line:
    """One line of 扣分明细: a unit's points or deduction, and why."""

    unit: str
    round: str  # the round's name, or 全年
    item: str  # 按时报送 / 逾期报送 / 未报送 / 退回修改 / 牵头任务滞后 / 牵头任务未启动 / 上限
    why: str
    points: float  # positive: added; negative: deducted


@dataclass
class UnitScore:
    """One unit's row of 考核得分."""

    unit: str
    on_time: int = 0
    late: int = 0
    late_days: int = 0
    unreported: int = 0
    sent_back: int = 0
    lead_behind: int = 0
    lead_not_started: int = 0
    lines: list[Line] = field(default_factory=list)
    rank: int = 0

    def points(self, *items: str) -> float:
        """The sum of this unit's lines of these items (all lines when none is named)."""
        return round(sum(x.points for x in self.lines if not items or x.item in items), 2)

    @property
    def total(self) -> float:
        return self.points()
