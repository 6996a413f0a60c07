"""The quarterly summary for the leaders: read collect's merged data, compute, write the report.

`compute_summary` is pure (data in, `Summary` out); `summary_sheets.write_summary` writes the
workbook; `make_summary` ties both to a workspace round. The rules behind the traffic lights
come from the ``lights`` mapping of ``xltools.yaml``; `Rules` lists the keys and their defaults.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from xltools.errors import WorkbookError, WorkspaceError
from xltools.excel import sheet_records
from xltools.files import replacing
from xltools.model import Master

__all__ = [
    "ALL_STATUSES",
    "STATUSES",
    "UNREPORTED",
    "Line",
    "MergedData",
    "Rules",
    "Summary",
    "TargetRow",
    "TaskRow",
    "UnitRow",
    "compute_summary",
    "make_summary",
    "progress_due",
    "read_merged",
    "summary_name",
    "summary_pdf",
]

# The statuses of the quarterly form, best first, as the report lists them.
STATUSES = ("已完成", "超序时进度", "序时推进", "滞后", "未启动")
UNREPORTED = "未报送"
ALL_STATUSES = (*STATUSES, UNREPORTED)
BEHIND = ("滞后", "未启动")
ON_TRACK = ("已完成", "超序时进度", "序时推进")
LIGHTS = ("红", "黄", "绿")
# Worst first: a task with several lead units takes the worst status any of them reported.
RANK = {"未启动": 0, "滞后": 1, "序时推进": 2, "超序时进度": 3, "已完成": 4}
LIGHT_RANK = {"红": 0, "黄": 1, "绿": 2, "": 3}
ADOPTED = "已采用"
LEAD, PARTNER = "牵头", "配合"


@dataclass
class Line:
    """One unit's row for one task, as collect merged it."""

    task_id: str
    unit: str
    role: str
    state: str  # 数据状态: 已采用 / 退回修改 / 未报送
    status: str  # 完成状态; 未报送 when the data was not adopted; "" when a partner gave none
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
    ranking: list[tuple[str, int, int, float]]  # unit, tasks led, behind, share behind
    reporting: dict[str, int]  # 应报送, 已报送, 按时, 逾期, 未报送
    missing: list[dict[str, object]]
    coordination: list[tuple[TaskRow, Line]]
    trend: list[tuple[str, dict[str, int]]]
    problems: dict[str, int]  # 错误, 警告
    office: str = ""  # who compiled it (the workspace's office)

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


MERGED_FILE = "汇总数据.xlsx"
STATUS_FILE = "报送情况.xlsx"
PROBLEMS_FILE = "问题清单.xlsx"

Rows = list[dict[str, object]]


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
    # how many lead units the "ranked by share behind" chart shows
    rank_top: int = 15

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
                mistakes.append(f"{key}: {value!r} is not a valid {type(default).__name__}")
        if mistakes:
            raise WorkspaceError(f"{source}: lights: " + "; ".join(mistakes))
        return cls(**values)


@dataclass
class MergedData:
    """What collect wrote for one round: rows of each sheet, as dicts keyed by header."""

    tasks: Rows = field(default_factory=list)  # 汇总数据.xlsx / 任务填报
    targets: Rows = field(default_factory=list)  # 汇总数据.xlsx / 指标
    units: Rows = field(default_factory=list)  # 汇总数据.xlsx / 单位信息
    status: Rows = field(default_factory=list)  # 报送情况.xlsx / 报送情况
    problems: Rows = field(default_factory=list)  # 问题清单.xlsx / 问题清单


_REQUIRED = {
    "任务填报": ("编号", "单位", "角色", "数据状态"),
    "指标": ("编号", "指标", "单位"),
    "报送情况": ("单位", "状态"),
}


def _read(path: Path) -> dict[str, list[list]]:
    from xltools.excel import read_sheets

    if not path.exists():
        raise WorkbookError(
            f"{path.name}: not found in {path.parent}; run `xltools collect` for this round first"
        )
    try:
        return read_sheets(path)
    except Exception as exc:  # calamine raises its own types for damaged files
        raise WorkbookError(f"{path.name}: cannot be read: {exc}") from exc


def _rows(sheets: dict, path: Path, sheet: str, required: tuple[str, ...] = ()) -> Rows:
    """A sheet's rows as dicts by header (read by header name, never by position)."""
    if sheet not in sheets:
        raise WorkbookError(f"{path.name}: has no sheet {sheet!r}; run `xltools collect` again")
    headers, rows = sheet_records(sheets[sheet])
    missing = [name for name in required if name not in headers]
    if missing:
        raise WorkbookError(f"{path.name}: sheet {sheet!r} lacks the columns {', '.join(missing)}")
    return rows


def read_merged(reports_dir: Path) -> MergedData:
    """Read collect's files in ``reports/<round>/`` (merged data, reporting status, problems)."""
    reports_dir = Path(reports_dir)
    path = reports_dir / MERGED_FILE
    sheets = _read(path)
    data = MergedData(
        tasks=_rows(sheets, path, "任务填报", _REQUIRED["任务填报"]),
        targets=_rows(sheets, path, "指标", _REQUIRED["指标"]),
        # 单位信息 is informative only; the summary does without it.
        units=_rows(sheets, path, "单位信息") if "单位信息" in sheets else [],
    )
    path = reports_dir / STATUS_FILE
    data.status = _rows(_read(path), path, "报送情况", _REQUIRED["报送情况"])
    # Collect writes 问题清单.xlsx; a folder without it has no problems to count.
    path = reports_dir / PROBLEMS_FILE
    if path.exists():
        data.problems = _rows(_read(path), path, "问题清单")
    return data


def _as_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def progress_due(period_end) -> float:
    """序时进度 at a period's end: the share of the year passed (03-31 → 0.25, 06-30 → 0.5)."""
    end = _as_date(period_end)
    if end is None:
        raise WorkspaceError(f"a quarterly round needs a period_end date, not {period_end!r}")
    days = calendar.monthrange(end.year, end.month)[1]
    return round((end.month - 1 + end.day / days) / 12, 4)


def compute_summary(
    master: Master,
    round,
    merged: MergedData,
    status: Rows | None = None,
    problems: Rows | None = None,
    history: list | None = None,
    rules: Rules | None = None,
    *,
    title: str = "",
    office: str = "",
    today: dt.date | None = None,
) -> Summary:
    """The figures and tables of one round's summary (pure: nothing is read or written).

    ``round`` is the workspace's Round (key, name, period_end); ``status``/``problems`` default to
    those in ``merged``; ``history`` is this year's earlier rounds as ``(Round, MergedData)``,
    oldest first; ``rules`` defaults to `Rules()`.
    """
    from xltools.summary_calc import calculate

    summary = calculate(
        master,
        key=str(round.key),
        period=str(getattr(round, "name", "") or round.key),
        due=progress_due(round.period_end),
        tasks=merged.tasks,
        targets=merged.targets,
        status=merged.status if status is None else status,
        problems=merged.problems if problems is None else problems,
        history=[
            (str(getattr(r, "name", "") or r.key), progress_due(r.period_end), m.tasks)
            for r, m in (history or [])
        ],
        rules=rules or Rules(),
        title=title,
        today=today or dt.date.today(),
    )
    summary.office = office
    return summary


def summary_name(title: str, period: str) -> str:
    """The report's file name: ``<title><period>落实情况汇总.xlsx``, safe on Windows."""
    from xltools.excel import file_name

    return file_name(f"{title}{period}落实情况汇总")


def _earlier_rounds(workspace, current) -> list:
    """This year's quarterly rounds before ``current`` whose merged data exists, oldest first."""
    end = _as_date(current.period_end)
    earlier = []
    for r in workspace.rounds:
        r_end = _as_date(getattr(r, "period_end", None))
        if r_end is None or r_end >= end or r_end.year != end.year:
            continue
        if (Path(workspace.reports(r.key)) / MERGED_FILE).exists():
            earlier.append(r)
    return sorted(earlier, key=lambda r: _as_date(r.period_end))


def make_summary(
    workspace,
    round_key: str,
    *,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write the summary workbook of a workspace round into its reports folder; return its path."""
    from xltools.summary_sheets import write_summary

    say = progress or (lambda _message: None)
    current = workspace.round(round_key)
    if _as_date(getattr(current, "period_end", None)) is None:
        raise WorkspaceError(
            f"xltools.yaml: round {round_key!r} has no period_end; the summary is for quarterly rounds"
        )
    reports = Path(workspace.reports(round_key))
    say("reading the merged data")
    merged = read_merged(reports)
    history = []
    for r in _earlier_rounds(workspace, current):
        say(f"reading {r.key} for the trend")
        history.append((r, read_merged(Path(workspace.reports(r.key)))))
    rules = Rules.from_mapping(getattr(workspace, "lights", None))
    say("computing")
    summary = compute_summary(
        workspace.master(),
        current,
        merged,
        history=history,
        rules=rules,
        title=workspace.title,
        office=getattr(workspace, "office", ""),
        today=today,
    )
    target = reports / summary_name(workspace.title, summary.period)
    say(f"writing {target.name}")
    # Written beside the target and moved into place: a failure never leaves half a report.
    with replacing(target) as tmp:
        write_summary(summary, tmp)
    return target


def summary_pdf(source: Path) -> Path:
    """Print the summary workbook to a PDF beside it with LibreOffice; return the PDF's path."""
    from xltools.office import convert

    with tempfile.TemporaryDirectory(dir=source.parent, prefix=".pdf-") as tmp:
        made = convert(source, "pdf", Path(tmp))
        target = source.with_suffix(".pdf")
        os.replace(made, target)
    return target
