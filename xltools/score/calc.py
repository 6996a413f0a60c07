"""The 考核's arithmetic, from what collect wrote for each round (no workbook is written here).

A unit is scored on the rounds it was sent a workbook in (its lines of 报送情况):

- 按时: ``on_time`` points. 逾期: no points, ``late_day`` deducted per day between the due date
  and the return's saved date (at least one), at most ``late_cap`` in one round. 未报送:
  ``unreported`` deducted.
- 退回修改: ``sent_back`` deducted for each return that was sent back — each file a later return
  superseded (the correction replaced it) and the kept return when it still has errors — at most
  ``sent_back_cap`` in the year.
- At year end (the last chosen round that reports 完成状态), each task the unit leads is taken at
  its latest accepted status of the chosen rounds: ``lead_behind`` deducted for 滞后 and
  ``lead_not_started`` for 未启动, together at most ``lead_cap``. A hosted office's lead tasks
  count for the unit whose return carried them (its 承办单位).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from xltools.core import contracts as c
from xltools.core.text import cell_text
from xltools.score.model import (
    BEHIND,
    LATE,
    NOT_STARTED,
    ON_TIME,
    UNREPORTED,
    Line,
    RoundFacts,
    Rules,
    UnitScore,
)

YEAR = "全年"


@dataclass
class RoundData:
    """One collected round as the 考核 reads it: 报送情况 and 任务填报 records by header name."""

    key: str
    name: str
    due: date
    status: list[dict] = field(default_factory=list)  # 报送情况
    tasks: list[dict] = field(default_factory=list)  # 任务填报
    status_label: str = ""  # the header of 完成状态 in 任务填报, "" when the form has none


def _saved(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    try:
        return datetime.fromisoformat(text[:16].replace("/", "-")).date() if text else None
    except ValueError:
        return None


def _count(value) -> int:
    try:
        return int(float(cell_text(value) or 0))
    except ValueError:
        return 0


def _n(value: float) -> str:
    """A number of points as people write it: 2, 0.5."""
    return f"{value:g}"


def facts(rnd: RoundData, record: dict) -> RoundFacts:
    """What a unit's line of 报送情况 says about its return in round ``rnd``."""
    if cell_text(record.get(c.STATE_COLUMN)) != c.RECEIVED:
        return RoundFacts(rnd.key, rnd.name, rnd.due, UNREPORTED)
    saved = _saved(record.get(c.SAVED))
    late = cell_text(record.get(c.TIMELINESS)) == c.LATE
    days = max(1, (saved - rnd.due).days) if late and saved else (1 if late else 0)
    superseded = [f for f in cell_text(record.get(c.STATUS_HEADERS[-1])).split("、") if f]
    errors = _count(record.get(c.STATUS_HEADERS[5]))
    notes = [f"报表“{f}”被更正件替代" for f in superseded]
    if errors:
        notes.append(f"报表“{cell_text(record.get(c.FILE))}”收集时仍有{errors}个错误")
    return RoundFacts(
        rnd.key,
        rnd.name,
        rnd.due,
        LATE if late else ON_TIME,
        days if late else 0,
        len(notes),
        "；".join(notes),
    )


def year_end_leads(rounds: Sequence[RoundData]) -> dict[tuple[str, str], tuple[str, str]]:
    """(编号, 单位) of each lead row of the last round reporting 完成状态 -> (its latest accepted
    status in the chosen rounds, the name of the round it was reported in)."""
    reporting = [r for r in rounds if r.status_label]
    if not reporting:
        return {}
    latest: dict[tuple[str, str], tuple[str, str]] = {}
    for rnd in reporting:
        for row in rnd.tasks:
            if cell_text(row.get(c.ROLE)) != c.LEAD or cell_text(row.get(c.STATE)) != c.ADOPTED:
                continue
            status = cell_text(row.get(rnd.status_label))
            if status:
                latest[(cell_text(row.get(c.ID)), cell_text(row.get(c.UNIT)))] = (
                    status,
                    rnd.name,
                )
    last = reporting[-1]
    keys = [
        (cell_text(row.get(c.ID)), cell_text(row.get(c.UNIT)))
        for row in last.tasks
        if cell_text(row.get(c.ROLE)) == c.LEAD
    ]
    return {key: latest.get(key, ("", "")) for key in dict.fromkeys(keys)}


def carriers(rounds: Sequence[RoundData]) -> dict[str, str]:
    """A hosted unit (no line of its own in 报送情况) -> the unit whose return carried its rows."""
    own = {cell_text(s.get(c.UNIT)) for r in rounds for s in r.status}
    found: dict[str, str] = {}
    for rnd in rounds:
        by_file = {
            cell_text(s.get(c.FILE)): cell_text(s.get(c.UNIT))
            for s in rnd.status
            if cell_text(s.get(c.STATE_COLUMN)) == c.RECEIVED and cell_text(s.get(c.FILE))
        }
        for row in rnd.tasks:
            unit, file = cell_text(row.get(c.UNIT)), cell_text(row.get(c.FILE))
            if unit not in own and unit not in found and file in by_file:
                found[unit] = by_file[file]
    return found


def _cap(score: UnitScore, items: tuple[str, ...], cap: float | None, what: str) -> None:
    """A line giving back what a year's deductions of ``items`` exceed ``cap`` by."""
    deducted = -score.points(*items)
    if cap is not None and deducted > cap:
        score.lines.append(
            Line(
                score.unit,
                YEAR,
                "上限",
                f"{what}合计{_n(deducted)}分，超过全年上限{_n(cap)}分，超出部分不扣",
                round(deducted - cap, 2),
            )
        )


def score(rounds: Sequence[RoundData], rules: Rules) -> list[UnitScore]:
    """Every unit's score over ``rounds`` (in the year's order), ranked: highest total first,
    ties sharing a rank and listed by name."""
    scores: dict[str, UnitScore] = {}

    def unit(name: str) -> UnitScore:
        return scores.setdefault(name, UnitScore(name))

    for rnd in rounds:
        for record in rnd.status:
            name = cell_text(record.get(c.UNIT))
            if not name:
                continue
            _reporting(unit(name), facts(rnd, record), record, rules)
    for name in sorted(scores):
        _cap(scores[name], ("退回修改",), rules.sent_back_cap, "退回修改扣分")
    carried = carriers(rounds)
    leads = year_end_leads(rounds)
    for (task, owner), (status, when) in sorted(leads.items(), key=_task_order):
        if status not in (BEHIND, NOT_STARTED):
            continue
        target = unit(carried.get(owner, owner))
        by = "" if target.unit == owner else f"（代{owner}报送）"
        if status == BEHIND:
            target.lead_behind += 1
            points, item = rules.lead_behind, "牵头任务滞后"
        else:
            target.lead_not_started += 1
            points, item = rules.lead_not_started, "牵头任务未启动"
        target.lines.append(
            Line(
                target.unit,
                YEAR,
                item,
                f"牵头任务{task}{by}年底完成状态为“{status}”（{when}报送），扣{_n(points)}分",
                -points,
            )
        )
    for name in sorted(scores):
        _cap(scores[name], ("牵头任务滞后", "牵头任务未启动"), rules.lead_cap, "牵头任务扣分")
    ranked = sorted(scores.values(), key=lambda s: (-s.total, s.unit))
    for i, item in enumerate(ranked):
        same = i > 0 and item.total == ranked[i - 1].total
        item.rank = ranked[i - 1].rank if same else i + 1
    return ranked


def _task_order(item) -> tuple:
    (task, unit), _ = item
    return tuple(int(p) if p.isdigit() else 0 for p in task.split("-")), task, unit


def _reporting(score_: UnitScore, fact: RoundFacts, record: dict, rules: Rules) -> None:
    due = f"截止{fact.due:%Y-%m-%d}"
    saved = cell_text(record.get(c.SAVED))
    if fact.state == ON_TIME:
        score_.on_time += 1
        why = f"按时报送（{due}，保存于{saved}），得{_n(rules.on_time)}分"
        score_.lines.append(Line(score_.unit, fact.name, "按时报送", why, rules.on_time))
    elif fact.state == LATE:
        score_.late += 1
        score_.late_days += fact.late_days
        deducted = rules.late_day * fact.late_days
        why = f"逾期{fact.late_days}天（{due}，保存于{saved}），每天扣{_n(rules.late_day)}分"
        if rules.late_cap is not None and deducted > rules.late_cap:
            deducted = rules.late_cap
            why += f"，每轮最多扣{_n(rules.late_cap)}分"
        score_.lines.append(Line(score_.unit, fact.name, "逾期报送", why, -round(deducted, 2)))
    else:
        score_.unreported += 1
        why = f"未报送（{due}），扣{_n(rules.unreported)}分"
        score_.lines.append(Line(score_.unit, fact.name, "未报送", why, -rules.unreported))
    if fact.sent_back:
        score_.sent_back += fact.sent_back
        for note in fact.note.split("；"):
            why = f"退回修改：{note}，扣{_n(rules.sent_back)}分"
            score_.lines.append(Line(score_.unit, fact.name, "退回修改", why, -rules.sent_back))
