"""销号 in the quarter's summary: what is closed, what was closed this quarter, what could be.

A task closed (销号) on or before the quarter's end is not sent that quarter (see
`xltools.distribute.round.open_tasks`); the summary leaves it out of the statuses and counts it
apart as 已销号. A task its lead units report 已完成 at 100 % and that is still open is proposed
for closing (待销号): the office verifies it and fills 销号日期 and 销号依据 in master.xlsx.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from xltools.core.contracts import DONE
from xltools.core.model import Master
from xltools.summary.model import Closing, Summary

NEW_TASK = "本季度新增任务"  # what 任务明细's 提示 says of a task added since the last quarter


def split_closed(master: Master, period_end: dt.date) -> tuple[Master, list]:
    """The master of the open tasks at ``period_end``, and the tasks closed by then."""
    open_master = master.without_closed(period_end)
    kept = {t.id for t in open_master.tasks}
    return open_master, [t for t in master.tasks if t.id not in kept]


def closing_of(
    summary: Summary,
    closed: list,
    period_end: dt.date,
    since: dt.date | None,
    earlier_ids: Iterable[str] | None,
    done_min_progress: float = 100.0,
) -> Closing:
    """The 销号 part of ``summary``: ``closed`` tasks, those closed after ``since`` (default: the
    end of the quarter before), candidates, and the tasks absent from the previous quarter's
    merged data (``earlier_ids``; None when there is no earlier quarter)."""
    start = since or quarter_before(period_end)
    newly = [t for t in closed if t.closed_on and start < t.closed_on <= period_end]
    candidates = [
        t
        for t in summary.tasks
        if t.status == DONE and t.progress is not None and t.progress >= done_min_progress
    ]
    added = []
    if earlier_ids is not None:
        before = set(earlier_ids)
        added = [t.id for t in summary.tasks if t.id not in before]
    return Closing(closed=closed, newly=newly, candidates=candidates, added=added)


def quarter_before(period_end: dt.date) -> dt.date:
    """The end of the quarter before the one ending on ``period_end`` (06-30 -> 03-31)."""
    month = period_end.month - 3
    if month <= 0:
        return dt.date(period_end.year - 1, 12, 31)
    following = dt.date(period_end.year, month + 1, 1) if month < 12 else None
    return following - dt.timedelta(days=1)
