"""What a 督查室 follows up on beyond the statuses: 完成时限 and 责任领导 (extra columns of 任务清单).

A task past its 完成时限 at the quarter's end and not 已完成 is 逾期: its light is the ``lights``
rule ``overdue_light`` (红 by default) with the reason. Tasks whose 完成时限 falls in the next
quarter are listed so that units can be reminded in time. When 任务清单 has a 责任领导 column,
the tasks are counted by leader. A master without these columns gives none of this.
"""

from __future__ import annotations

import datetime as dt
import re

from xltools.core.contracts import DEADLINE, DONE, LEADER
from xltools.core.deadlines import deadline_of
from xltools.core.model import Master
from xltools.summary.model import ALL_STATUSES, LIGHTS, FollowUp, Summary

_LEADER_SEP = re.compile(r"[、,，;；/\s]+")


def deadlines(master: Master, year: int) -> dict[str, tuple[str, dt.date | None]]:
    """Each task's 完成时限 as written and as a date (None: open-ended or unreadable), for the
    tasks that have one."""
    out = {}
    for task in master.tasks:
        text = task.extra.get(DEADLINE, "").strip()
        if not text:
            continue
        try:
            out[task.id] = (text, deadline_of(text, year))
        except ValueError:  # `xltools check` reported it
            out[task.id] = (text, None)
    return out


def is_overdue(deadline: dt.date | None, status: str, period_end: dt.date) -> bool:
    """Past its deadline at the period's end (the deadline day itself included) and not done."""
    return deadline is not None and deadline <= period_end and status != DONE


def overdue_reason(text: str) -> str:
    return f"逾期：已过完成时限（{text}）仍未完成"


def mark_overdue(frame, master: Master, period_end: dt.date, rules, worse) -> None:
    """The 逾期 rule on calc's task frame: the light ``rules.overdue_light`` (if worse) and the
    reason, for each task past its 完成时限 and not 已完成."""
    for task_id, (text, day) in deadlines(master, period_end.year).items():
        if task_id in frame.index and is_overdue(day, frame.at[task_id, "status"], period_end):
            frame.at[task_id, "light"] = worse(frame.at[task_id, "light"], rules.overdue_light)
            frame.at[task_id, "reasons"].append(overdue_reason(text))


def next_quarter(period_end: dt.date) -> tuple[dt.date, dt.date, str]:
    """The quarter after the one ending on ``period_end``: first day, last day, its name."""
    start = period_end + dt.timedelta(days=1)
    month = start.month + 2
    year = start.year
    end = (
        dt.date(year, month + 1, 1) - dt.timedelta(days=1) if month < 12 else dt.date(year, 12, 31)
    )
    name = f"{year}年第{'一二三四'[(start.month - 1) // 3]}季度"
    return start, end, name


def leaders_of(text: str) -> list[str]:
    """The leaders a 责任领导 cell names (``张副市长、李副市长`` -> two)."""
    return [name for name in _LEADER_SEP.split(text.strip()) if name]


def followup_of(summary: Summary, master: Master, period_end: dt.date) -> FollowUp:
    """The summary's follow-up part: 逾期 tasks, tasks due next quarter, counts by 责任领导."""
    dates = deadlines(master, period_end.year)
    start, end, name = next_quarter(period_end)
    overdue, due_next = [], []
    for task in summary.tasks:
        text, day = dates.get(task.id, ("", None))
        if is_overdue(day, task.status, period_end):
            overdue.append(task)
        elif day is not None and start <= day <= end and task.status != DONE:
            due_next.append(task)
    has_deadlines = any(DEADLINE in t.extra for t in master.tasks)
    return FollowUp(
        deadlines=dates,
        has_deadlines=has_deadlines,
        overdue=overdue,
        due_next=due_next,
        next_name=name,
        leaders=_by_leader(summary, master, {t.id for t in overdue}),
    )


def _by_leader(summary: Summary, master: Master, overdue: set[str]):
    """(leader, {status and light: count, 合计, 逾期}) per 责任领导, in first-seen order; empty when
    任务清单 has no 责任领导 column. A task naming two leaders counts under each; one naming
    none is under (未填责任领导)."""
    if not any(LEADER in t.extra for t in master.tasks):
        return []
    named = {t.id: leaders_of(t.extra.get(LEADER, "")) for t in master.tasks}
    table: dict[str, dict[str, int]] = {}
    for task in summary.tasks:
        for leader in named.get(task.id) or ["（未填责任领导）"]:
            counts = table.setdefault(leader, dict.fromkeys((*ALL_STATUSES, *LIGHTS), 0))
            counts[task.status] = counts.get(task.status, 0) + 1
            if task.light:
                counts[task.light] += 1
            counts["合计"] = counts.get("合计", 0) + 1
            counts["逾期"] = counts.get("逾期", 0) + (task.id in overdue)
    return list(table.items())
