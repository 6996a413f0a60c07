"""The arithmetic of the quarterly summary: statuses, traffic lights, counts, ranking and trend.

Plain Python over rows (dicts keyed by the merged data's headers), so it stays fast at 5,000 tasks
and needs no heavy import. `calculate` is called through `summary.compute_summary`.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from xltools.core.model import LIST_SEP, Master
from xltools.core.text import cell_text, squash
from xltools.summary.model import (
    ADOPTED,
    ALL_STATUSES,
    BEHIND,
    LEAD,
    LIGHT_RANK,
    LIGHTS,
    ON_TRACK,
    RANK,
    SENT_BACK,
    STATUSES,
    UNREPORTED,
    Line,
    Summary,
    TargetRow,
    TaskRow,
    UnitRow,
)

# Answers that mean "nothing to coordinate".
_NOTHING = {"", "无", "暂无", "没有", "无。", "暂无。", "/", "-", "—", "无需协调", "不涉及"}


def _words(value) -> str:
    """A unit's free text: collect has already normalised it, so only trim (fast at scale)."""
    return value.strip() if isinstance(value, str) else cell_text(value)


def _number(value) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(squash(value).rstrip("%"))
    except ValueError:
        return None


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def read_lines(rows, due: float, rules) -> list[Line]:
    """Lines from 任务填报 rows, with the status/number contradictions flagged."""
    statuses = {squash(s): s for s in STATUSES}
    # Task ids, unit names, roles, states and statuses recur on thousands of rows: clean each
    # distinct text once (a province's round has 60,000 rows per quarter).
    texts: dict[str, str] = {}
    status_of: dict[object, str] = {}

    def text(value) -> str:
        if type(value) is not str:
            return cell_text(value)
        found = texts.get(value)
        if found is None:
            found = texts[value] = cell_text(value)
        return found

    lines = []
    for row in rows:
        state = text(row.get("数据状态")) or UNREPORTED
        adopted = state == ADOPTED
        # Cooperating units leave the status to the lead: their adopted lines may have none ("").
        status = SENT_BACK if state == SENT_BACK else UNREPORTED
        if adopted:
            typed = row.get("完成状态")
            key = typed if type(typed) is str else (type(typed), typed)
            status = status_of.get(key)
            if status is None:
                status = status_of[key] = statuses.get(squash(typed), "")
        line = Line(
            task_id=text(row.get("编号")),
            unit=text(row.get("单位")),
            role=text(row.get("角色")) or LEAD,
            state=state,
            status=status,
            progress=_number(row.get("完成进度(%)")) if adopted else None,
            note=_words(row.get("本期工作进展")) if adopted else "",
            issues=_words(row.get("存在问题")) if adopted else "",
            next_steps=_words(row.get("下步工作计划")) if adopted else "",
            coordination=_words(row.get("需协调事项")) if adopted else "",
        )
        _check(line, due, rules)
        lines.append(line)
    return lines


def _check(line: Line, due: float, rules) -> None:
    """Flag a self-reported status its own progress figure contradicts."""
    p = line.progress
    if p is None or line.status not in RANK:
        return
    due_pct = due * 100
    if line.status == "已完成" and p < rules.done_min_progress:
        line.flags.append(f"自报已完成,但完成进度仅{p:g}%")
    elif line.status == "超序时进度" and p < due_pct:
        line.flags.append(f"自报超序时进度,但完成进度{p:g}%低于序时进度{due_pct:g}%")
    elif line.status == "序时推进" and p < due_pct * rules.behind_share:
        line.flags.append(f"自报序时推进,但完成进度{p:g}%远低于序时进度{due_pct:g}%")
    elif line.status == "未启动" and p > 0:
        line.flags.append(f"自报未启动,但完成进度为{p:g}%")
    if line.flags and line.status in ON_TRACK:
        line.numbers_light = "绿" if p >= due_pct * rules.behind_share else "黄"


def lead_status(lines: list[Line]) -> tuple[str, float | None, list[Line]]:
    """A task's status is its lead unit's; with several leads, the worst any of them reported.
    With none reported: 退回修改 when a lead unit's return arrived but was sent back, else 未报送."""
    leads = [line for line in lines if line.role == LEAD] or lines
    reported = [line for line in leads if line.status in RANK]
    if not reported:
        sent_back = any(line.state == SENT_BACK for line in leads)
        return (SENT_BACK if sent_back else UNREPORTED), None, leads
    worst = min(reported, key=lambda line: RANK[line.status])
    values = [line.progress for line in reported if line.progress is not None]
    return worst.status, (min(values) if values else None), leads


def _group(lines: list[Line]) -> dict[str, list[Line]]:
    grouped: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        grouped[line.task_id].append(line)
    return grouped


def _status_light(status: str, due: float, rules) -> tuple[str, str]:
    if status in ON_TRACK:
        return "绿", ""
    if status == "滞后":
        return "黄", ""
    if status == "未启动":
        if rules.red_after_first_quarter_not_started and due > 0.25 + 1e-9:
            return "红", f"序时进度已达{_pct(due)}仍未启动"
        return "黄", ""
    if status == SENT_BACK:
        return rules.sent_back_light, "牵头单位报表有错误，已退回修改"
    return rules.unreported_light, "牵头单位未报送"


def _worse(a: str, b: str) -> str:
    return a if LIGHT_RANK[a] <= LIGHT_RANK[b] else b


def _target_light(kind: str, comparison: str, value, achieved, due: float, rules):
    """(share, due shown, light, note) of one target."""
    if value is None or achieved is None:
        return None, (due if kind != "水平" else None), "", "未填报完成值"
    share = achieved / value if value else None
    if kind != "水平":
        if comparison == "以内":
            return share, due, ("绿" if achieved <= value else "红"), ""
        if share is None or share >= due - 1e-9:
            return share, due, "绿", ""
        if share >= due * rules.target_far_below - 1e-9:
            return share, due, "黄", "低于序时进度"
        return share, due, "红", "远低于序时进度"
    margin = abs(value)
    if comparison == "以内":
        if achieved <= value:
            return share, None, "绿", ""
        light = "黄" if achieved <= value + margin * rules.level_tolerance else "红"
        return share, None, light, "超出目标值"
    need = value - margin * rules.level_tolerance if comparison == "左右" else value
    if achieved >= need - 1e-9:
        return share, None, "绿", ""
    light = "黄" if achieved >= value - margin * rules.level_far_below else "红"
    return share, None, light, "低于目标值"


def _targets(master: Master, rows, due: float, rules) -> list[TargetRow]:
    reported: dict[tuple[str, str], list[dict]] = defaultdict(list)
    order: list[tuple[str, str]] = []
    for row in rows:
        key = (cell_text(row.get("编号")), squash(row.get("指标")))
        if key not in reported:
            order.append(key)
        reported[key].append(row)
    known = {(t.task_id, squash(t.phrase)): t for t in master.targets}
    keys = list(known) + [k for k in order if k not in known]
    result = []
    for key in keys:
        t = known.get(key)
        group = reported.get(key, [])
        first = group[0] if group else {}
        value = t.value if t else _number(first.get("目标值"))
        kind = (t.kind if t else cell_text(first.get("类型"))) or "累计"
        comparison = t.comparison if t else cell_text(first.get("比较"))
        found = [(cell_text(r.get("单位")), _number(r.get("累计完成值"))) for r in group]
        values = [v for _u, v in found if v is not None]
        # Several units report their own part of a cumulative target; a level is their mean.
        if not values:
            achieved = None
        elif kind == "水平":
            achieved = sum(values) / len(values)
        else:
            achieved = sum(values)
        share, shown_due, light, note = _target_light(kind, comparison, value, achieved, due, rules)
        if kind == "水平" and len(values) > 1:
            note = f"{len(values)}个单位的平均值" + (f";{note}" if note else "")
        result.append(
            TargetRow(
                task_id=key[0],
                phrase=t.phrase if t else cell_text(first.get("指标")),
                value=value,
                measure=t.unit if t else cell_text(first.get("计量单位")),
                kind=kind,
                comparison=comparison,
                reporters=LIST_SEP.join(u for u, v in found if v is not None),
                achieved=achieved,
                share=share,
                due=shown_due,
                light=light,
                note=note,
            )
        )
    return result


def _tally(tasks: list[TaskRow], key) -> list[tuple[str, dict[str, int]]]:
    table: dict[str, Counter] = {}
    for task in tasks:
        name = key(task)
        counts = table.setdefault(name, Counter())
        counts[task.status] += 1
        counts[task.light] += 1
        counts["合计"] += 1
    return [(name, dict(counts)) for name, counts in table.items()]


def _behind_run(task_id: str, status: str, past: list[dict[str, str]]) -> int:
    """How many rounds running, this one included, the task has been behind."""
    if status not in BEHIND:
        return 0
    run = 1
    for statuses in reversed(past):
        if statuses.get(task_id) not in BEHIND:
            break
        run += 1
    return run


def _task_rows(master: Master, lines: list[Line], raw_rows, due, rules, past) -> list[TaskRow]:
    grouped = _group(lines)
    info: dict[str, dict] = {}
    for row in raw_rows:
        info.setdefault(cell_text(row.get("编号")), row)
    rank = {u.name: n for n, u in enumerate(master.units)}
    by_id = {t.id: t for t in master.tasks}
    # Tasks in the master's order; any the merged data has beyond it (an older master) after.
    order = [*by_id, *(i for i in grouped if i not in by_id)]
    tasks = []
    for task_id in dict.fromkeys(order):
        t, row, task_lines = by_id.get(task_id), info.get(task_id, {}), grouped.get(task_id, [])
        # Lead units first, then as 单位名录 lists them (collect sorts by recipient).
        task_lines.sort(key=lambda x: (x.role != LEAD, rank.get(x.unit, len(rank)), x.unit))
        status, progress, leads = lead_status(task_lines)
        light, reason = _status_light(status, due, rules)
        reasons = [reason] if reason else []
        run = _behind_run(task_id, status, past)
        if run >= rules.red_behind_rounds:
            light = "红"
            reasons.append(f"连续{run}期滞后或未启动")
        for line in leads:
            if line.flags:
                reasons.extend(line.flags)
                light = _worse(light, line.numbers_light or light)
        single = leads[0] if len(leads) == 1 else None
        lead_names = [line.unit for line in leads] or list(t.leads if t else ())
        tasks.append(
            TaskRow(
                id=task_id,
                section=t.section if t else cell_text(row.get("板块")),
                direction=t.direction if t else cell_text(row.get("方向")),
                category=t.category if t else cell_text(row.get("类别")),
                text=t.text if t else cell_text(row.get("任务内容")),
                leads=LIST_SEP.join(lead_names),
                status=status,
                progress=progress,
                note=single.note if single else _several(leads, "note"),
                issues=single.issues if single else _several(leads, "issues"),
                next_steps=single.next_steps if single else _several(leads, "next_steps"),
                coordination=single.coordination if single else _several(leads, "coordination"),
                light=light,
                reasons=reasons,
                lines=task_lines,
            )
        )
    return tasks


def _several(leads: list[Line], name: str) -> str:
    """With several lead units, each one's words on its own line, prefixed with its name."""
    return "\n".join(f"{line.unit}:{getattr(line, name)}" for line in leads if getattr(line, name))


def _units(master, lines, tasks, targets, status_rows, problem_rows) -> list[UnitRow]:
    targets_of = defaultdict(list)
    for target in targets:
        targets_of[target.task_id].append(target)
    reporting = {}
    for row in status_rows:
        name = cell_text(row.get("单位"))
        if cell_text(row.get("状态")) != "已报送":
            reporting[name] = UNREPORTED
        else:
            reporting[name] = "逾期" if cell_text(row.get("是否按时")) == "逾期" else "按时"
    errors, warnings = Counter(), Counter()
    for row in problem_rows:
        name = cell_text(row.get("单位"))
        (errors if cell_text(row.get("严重程度")) == "错误" else warnings)[name] += 1
    per_unit: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        per_unit[line.unit].append(line)
    names = [u.name for u in master.units if u.name in per_unit or u.name in reporting]
    names += [n for n in [*per_unit, *reporting] if n not in names]
    result = []
    for name in dict.fromkeys(names):
        own = per_unit.get(name, [])
        led = [line for line in own if line.role == LEAD]
        behind = {
            (t.task_id, t.phrase)
            for line in led
            for t in targets_of.get(line.task_id, [])
            if t.light in ("红", "黄")
        }
        result.append(
            UnitRow(
                name=name,
                led=len(led),
                shared=len(own) - len(led),
                statuses=dict(Counter(_lead_state(line) for line in led)),
                targets_behind=len(behind),
                reporting=_reporting_of(master, name, own, reporting),
                sent_back=any(line.state == SENT_BACK for line in own),
                errors=errors[name],
                warnings=warnings[name],
            )
        )
    return result


def _lead_state(line: Line) -> str:
    """A lead line's category: its status, else 退回修改 or 未报送."""
    if line.status in RANK:
        return line.status
    return SENT_BACK if line.state == SENT_BACK else UNREPORTED


def _reporting_of(master: Master, name: str, own: list[Line], reporting: dict) -> str:
    """按时/逾期/未报送 from 报送情况; a hosted office takes its host's."""
    if name in reporting:
        return reporting[name]
    entry = master.unit(name)
    if entry and entry.host in reporting:
        return reporting[entry.host]
    return "按时" if any(x.state != UNREPORTED for x in own) else UNREPORTED


def _missing(master: Master, units: list[UnitRow], listed: set[str]) -> list[dict[str, object]]:
    rows = []
    for unit in units:
        if unit.reporting != UNREPORTED or (listed and unit.name not in listed):
            continue
        entry = master.unit(unit.name)
        rows.append(
            {
                "单位": unit.name,
                "承办单位": entry.host if entry else "",
                "督办联系人": entry.contact if entry else "",
                "联系电话": entry.phone if entry else "",
                "牵头任务数": unit.led,
                "配合任务数": unit.shared,
            }
        )
    return rows


def calculate(
    master, *, key, period, due, tasks, targets, status, problems, history, rules, title, today
):
    """The `Summary` of one round; see `summary.compute_summary` for the arguments."""
    past: list[dict[str, str]] = []
    trend = []
    for name, past_due, rows in history:
        statuses = {
            i: lead_status(ls)[0] for i, ls in _group(read_lines(rows, past_due, rules)).items()
        }
        past.append(statuses)
        trend.append((name, dict(Counter(statuses.values()))))
    lines = read_lines(tasks, due, rules)
    target_rows = _targets(master, targets, due, rules)
    task_rows = _task_rows(master, lines, tasks, due, rules, past)
    far_below = defaultdict(list)
    for target in target_rows:
        if target.kind != "水平" and target.light == "红":
            far_below[target.task_id].append(target)
    for task in task_rows:
        for target in far_below.get(task.id, []):
            task.light = "红"
            task.reasons.append(
                f"指标“{target.phrase}”完成{_pct(target.share or 0)},远低于序时进度{_pct(due)}"
            )
    counts = Counter(t.status for t in task_rows)
    trend.append((period, dict(counts)))
    units = _units(master, lines, task_rows, target_rows, status, problems)
    ranking = []
    for unit in units:
        if unit.led:
            behind = sum(unit.statuses.get(s, 0) for s in BEHIND)
            if behind:
                ranking.append((unit.name, unit.led, behind, behind / unit.led))
    ranking.sort(key=lambda r: (-r[3], -r[2], r[0]))
    # Expected units are those 报送情况 lists (hosted offices report through their host).
    listed = {cell_text(row.get("单位")) for row in status}
    reporting = Counter(u.reporting for u in units if u.name in listed or not status)
    expected = sum(reporting.values())
    reporting_figures = {
        "应报送": expected,
        "已报送": expected - reporting[UNREPORTED],
        "按时": reporting["按时"],
        "逾期": reporting["逾期"],
        SENT_BACK: sum(1 for u in units if u.sent_back and (u.name in listed or not status)),
        UNREPORTED: reporting[UNREPORTED],
    }
    by_task = {t.id: t for t in task_rows}
    # In the task list's order, as a leader reads the list
    position = {t.id: n for n, t in enumerate(task_rows)}
    coordination = sorted(
        (
            (by_task[line.task_id], line)
            for line in lines
            if line.task_id in by_task and squash(line.coordination) not in _NOTHING
        ),
        key=lambda pair: position[pair[0].id],
    )
    return Summary(
        title=title,
        key=key,
        period=period,
        date=today,
        due=due,
        counts={s: counts.get(s, 0) for s in ALL_STATUSES},
        lights={c: sum(1 for t in task_rows if t.light == c) for c in LIGHTS},
        tasks=task_rows,
        targets=target_rows,
        by_section=_tally(task_rows, lambda t: t.section or "(未分板块)"),
        by_direction=_tally(task_rows, lambda t: t.direction or t.section or "(未分方向)"),
        by_category=_tally(
            task_rows, lambda t: t.category or t.direction or t.section or "(未分类别)"
        ),
        units=units,
        ranking=ranking[: rules.rank_top],
        reporting=reporting_figures,
        missing=_missing(master, units, listed),
        coordination=coordination,
        trend=trend,
        problems={
            "错误": sum(1 for p in problems if cell_text(p.get("严重程度")) == "错误"),
            "警告": sum(1 for p in problems if cell_text(p.get("严重程度")) != "错误"),
        },
    )
