"""The summary's types and words: statuses, lights, the rows it computes and the rules behind them.

Shared by `calc` (the arithmetic), `sheets` and `charts` (the workbook) and `report` (the entry
points), which import it and never each other upward.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from xltools.core.contracts import (  # noqa: F401 (the summary's modules take these from here)
    ADOPTED,
    BEHIND_STATUSES,
    LEAD,
    MERGED_FILE,
    ON_TRACK_STATUSES,
    PARTNER,
    PROBLEMS_FILE,
    RETURNED,
    STATUS_FILE,
    STATUSES,
    UNREPORTED,
)
from xltools.core.errors import WorkspaceError
from xltools.core.i18n import _

# The statuses of the quarterly form, best first, as the report lists them (core.contracts), then
# the two a task takes when its lead units' data is not usable:
# 退回修改: a lead unit's return arrived but was sent back for correction. The unit *did* report
# (naming it 未报送 in a 通报 would be a public error); only its data is not usable yet.
# 未报送: no usable return arrived from the task's lead units.
SENT_BACK = RETURNED
ALL_STATUSES = (*STATUSES, SENT_BACK, UNREPORTED)
BEHIND = BEHIND_STATUSES
ON_TRACK = ON_TRACK_STATUSES
LIGHTS = ("红", "黄", "绿")
# Worst first: a task with several lead units takes the worst status any of them reported.
RANK = {status: len(STATUSES) - 1 - i for i, status in enumerate(STATUSES)}
LIGHT_RANK = {"红": 0, "黄": 1, "绿": 2, "": 3}


@dataclass
class Line:
    """One unit's row for one task, as collect merged it."""

    task_id: str
    unit: str
    role: str
    state: str  # 数据状态: 已采用 / 退回修改 / 未报送
    # 完成状态; 退回修改 or 未报送 (the state) when the data was not adopted; "" when a partner
    # gave none
    status: str
    progress: float | None
    note: str = ""
    issues: str = ""
    next_steps: str = ""
    coordination: str = ""
    flags: list[str] = field(default_factory=list)
    numbers_light: str = ""  # the light the numbers alone give, where they contradict the status


@dataclass
class TaskRow:
    """One task of the summary: its lead units' status and light, and every unit's line."""

    id: str
    section: str
    direction: str
    category: str
    text: str
    leads: str
    status: str
    progress: float | None
    note: str
    issues: str
    next_steps: str
    coordination: str
    light: str
    reasons: list[str]
    lines: list[Line]
    partners: str = ""  # the cooperating units (配合单位), joined with 、
    previous: str = ""  # the status last round ("" without an earlier round or task)

    @property
    def newly_behind(self) -> bool:
        """Behind (滞后/未启动) now and not last round, when there was a last round."""
        return bool(self.previous) and self.status in BEHIND and self.previous not in BEHIND


@dataclass
class TargetRow:
    """One target with what was achieved so far and its light."""

    task_id: str
    phrase: str
    value: float | None
    measure: str
    kind: str
    comparison: str
    reporters: str
    achieved: float | None
    share: float | None
    due: float | None  # 序时进度 for cumulative targets; None for levels, compared as they stand
    light: str
    note: str


@dataclass
class UnitRow:
    """One unit's figures."""

    name: str
    led: int
    shared: int
    statuses: dict[str, int]
    targets_behind: int
    reporting: str  # 按时 / 逾期 / 未报送
    errors: int
    warnings: int
    sent_back: bool = False  # its return arrived but was sent back for correction (退回修改)


@dataclass
class Closing:
    """销号 in a quarter's summary: tasks closed by the period's end (not counted among the
    statuses), those closed during the quarter, candidates to close, and tasks new this quarter."""

    closed: list = field(default_factory=list)  # core.model.Task, closed on or before period end
    newly: list = field(default_factory=list)  # the ones closed during this quarter
    candidates: list = field(default_factory=list)  # TaskRow: 已完成 at 100 %, not closed (待销号)
    added: list = field(default_factory=list)  # 编号 of tasks absent from the previous quarter


@dataclass
class FollowUp:
    """完成时限 and 责任领导 in a quarter's summary (see `followup`); empty without the columns."""

    deadlines: dict = field(default_factory=dict)  # 编号 -> (完成时限 as written, date or None)
    has_deadlines: bool = False  # 任务清单 has a 完成时限 column
    overdue: list = field(default_factory=list)  # TaskRow past its 完成时限, not 已完成 (逾期)
    due_next: list = field(default_factory=list)  # TaskRow due in the next quarter, not 已完成
    next_name: str = ""  # the next quarter's name (2023年第三季度)
    # (责任领导, counts of each status and light, 合计, 逾期), when 任务清单 has the column
    leaders: list = field(default_factory=list)


def titled(title: str, period: str, what: str) -> str:
    """The plan's title, the period and ``what``, without the year twice (the title "2023年…方案"
    and the period "2023年第二季度" give "2023年…方案第二季度…"): headings and file names."""
    year = re.match(r"\s*((?:19|20)\d\d)\s*年", period)
    if year and f"{year[1]}年" in title:
        period = period[year.end() :]
    return f"{title}{period}{what}"


@dataclass
class Summary:
    """Everything the report shows, computed from one round's merged data."""

    title: str
    key: str
    period: str
    date: dt.date
    due: float
    counts: dict[str, int]
    lights: dict[str, int]
    tasks: list[TaskRow]
    targets: list[TargetRow]
    by_section: list[tuple[str, dict[str, int]]]
    by_direction: list[tuple[str, dict[str, int]]]
    by_category: list[tuple[str, dict[str, int]]]
    units: list[UnitRow]
    # lead units with tasks behind or not started, most first: unit, tasks led, behind, share behind
    ranking: list[tuple[str, int, int, float]]
    reporting: dict[str, int]  # 应报送, 已报送, 按时, 逾期, 退回修改, 未报送
    # units with no usable return (未报送单位): 单位, 承办单位, 督办联系人, 联系电话, 联系人来源,
    # 牵头任务数, 配合任务数
    missing: list[dict[str, object]]
    coordination: list[tuple[TaskRow, Line]]
    trend: list[tuple[str, dict[str, int]]]
    problems: dict[str, int]  # 错误, 警告 (for the office's 校验情况 sheet, not the leaders' pages)
    office: str = ""  # who compiled it (the workspace's office)
    closing: Closing = field(default_factory=Closing)
    followup: FollowUp = field(default_factory=FollowUp)
    # Units whose return arrived after the due date: 单位, 报送时间, 逾期天数, 督办联系人, 联系电话
    late: list[dict[str, object]] = field(default_factory=list)
    # Units whose return arrived but was sent back: 单位, 报送情况, 错误数, 牵头任务数, 督办联系人, 联系电话
    sent_back: list[dict[str, object]] = field(default_factory=list)
    # Since the last round: 新增滞后, 恢复正常, 新完成 (tasks, in task order); empty lists without one
    changes: dict[str, list[TaskRow]] = field(default_factory=dict)
    previous_period: str = ""  # the last round's name ("" without one)
    # 需协调事项 grouped by who is asked (a unit of 单位名录, 国家有关部委, 省有关部门, 市政府（市领导）
    # or 未指明协调对象), most items first; an item naming two units is under both
    coordination_groups: list[tuple[str, list[tuple[TaskRow, Line]]]] = field(default_factory=list)

    def heading(self, what: str) -> str:
        """A title: see `titled`."""
        return titled(self.title, self.period, what)

    @property
    def total(self) -> int:
        return len(self.tasks)

    @property
    def behind(self) -> list[TaskRow]:
        """Tasks for the 通报: red first, then yellow, in task order."""
        flagged = [t for t in self.tasks if t.light in ("红", "黄")]
        return sorted(flagged, key=lambda t: LIGHT_RANK[t.light])

    @property
    def flagged(self) -> int:
        """Tasks whose self-reported status contradicts their numbers."""
        return sum(1 for t in self.tasks if any(line.flags for line in t.lines))

    def share(self, status: str) -> float:
        return self.counts.get(status, 0) / self.total if self.total else 0.0


@dataclass(frozen=True)
class Rules:
    """Traffic-light rules; each field is a key of ``lights`` in xltools.yaml (the first four are
    the ones `workspace` writes there, with the same meaning)."""

    # progress below this share of 序时进度 is behind: 序时推进 below it is flagged and yellow
    # (0.8 at Q2: below 40 %)
    behind_share: float = 0.8
    # 未启动 after the first quarter is red (yellow in the first quarter)
    red_after_first_quarter_not_started: bool = True
    # this many rounds running 滞后/未启动 (this one included) turn a task red
    red_behind_rounds: int = 2
    # a cumulative target below this share of its time-proportional part is red, and so is its
    # task (0.5 at Q2: below 25 % of the year's target); below the part itself it is yellow
    target_far_below: float = 0.5
    # 已完成 with progress below this (%) is flagged
    done_min_progress: float = 100.0
    # a level (水平) target written "左右" counts as met within this share of its value
    level_tolerance: float = 0.05
    # a level target further than this share below its value is red (closer: yellow)
    level_far_below: float = 0.2
    # the light of a task whose lead units did not report (红/黄)
    unreported_light: str = "红"
    # the light of a task whose lead unit's return was sent back for correction (红/黄)
    sent_back_light: str = "黄"
    # how many lead units the "ranked by share behind" chart shows
    rank_top: int = 15
    # the light of a task past its 完成时限 at the quarter's end and not 已完成 (逾期)
    overdue_light: str = "红"

    @classmethod
    def from_mapping(cls, lights: Mapping | None, *, source: str = "xltools.yaml") -> Rules:
        """Rules from the workspace's ``lights`` mapping; unknown keys or bad values are an error."""
        lights = dict(lights or {})
        known = {f.name: f for f in fields(cls)}
        mistakes = [f"unknown key {key!r}" for key in lights if key not in known]
        values = {}
        for key, value in lights.items():
            if key not in known:
                continue
            default = known[key].default
            try:
                if isinstance(default, bool):
                    if not isinstance(value, bool):
                        raise ValueError
                    values[key] = value
                elif isinstance(default, str):
                    if value not in ("红", "黄", "绿"):
                        raise ValueError
                    values[key] = value
                elif isinstance(default, int):
                    values[key] = int(value)
                else:
                    values[key] = float(value)
            except (TypeError, ValueError):
                mistakes.append(
                    _("{key}: {value!r} is not a valid {name}").format(
                        key=key, value=value, name=type(default).__name__
                    )
                )
        if mistakes:
            raise WorkspaceError(
                _("{source}: lights: {mistakes}").format(
                    source=source, mistakes="; ".join(mistakes)
                )
            )
        return cls(**values)
