"""The arithmetic of the quarterly summary as DataFrame operations: statuses, traffic lights,
counts by 板块/方向/类别 and unit, the ranking, the trend and what changed since last quarter.

`calculate` is called through `report.compute_summary`. The answers are read by the form's field
keys (``status``, ``progress`` …, see `data.RoundData.answers`), never by their labels. Each part
is one function over frames (`lines`, `task_frame`, `tally`, `unit_frame` …), so a new rule or
count is one more function. pandas is imported inside the functions (``xltools --help`` stays fast).
"""

from __future__ import annotations

import re

from xltools.core.contracts import (
    AHEAD,
    DONE,
    ID,
    LAGGING,
    LATE,
    NOT_STARTED,
    ON_SCHEDULE,
    ON_TIME,
    RECEIVED,
    ROLE,
    STATE,
    STATE_COLUMN,
    TIMELINESS,
    UNIT,
)
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
    PARTNER,
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

# The task fields the summary reads, by key (templates/quarterly.yaml).
TEXTS = {"progress_note": "note", "issues": "issues", "next_steps": "next_steps"}
TEXTS["coordination"] = "coordination"
# Answers that mean "nothing to coordinate".
_NOTHING = {"", "无", "暂无", "没有", "无。", "暂无。", "/", "-", "—", "无需协调", "不涉及"}
# Who a request for coordination asks, when it names no unit of 单位名录 (checked in this order).
LEVELS = (
    ("国家有关部委", re.compile(r"国家|部委|国务院|中央")),
    ("省有关部门", re.compile(r"省(?:委|政府|级|有关|直|相关)|省[^份会]{0,6}(?:厅|局|委)")),
    ("市政府（市领导）", re.compile(r"市政府|市领导|市委|市级层面|分管市领导|市长")),
)
OTHER_ASKED = "未指明协调对象"


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


# The answers (field keys) `lines` reads of an earlier round, with ``words=False``.
TREND_KEYS = ("status", "progress")


def lines(tasks, due: float, rules, *, words: bool = True):
    """One row per (task, unit) with the answers the summary uses, typed and checked.

    ``tasks`` is the merged data with answers named by key. Columns: id, unit, role, state,
    status (the 完成状态, or 退回修改/未报送 when the data was not adopted, "" when a cooperating
    unit gave none), progress (float), note, issues, next_steps, coordination, flag (where the
    status contradicts the progress figure) and numbers_light (the light the figure gives then).
    With ``words=False`` (an earlier round, read for its statuses) only the first six.
    """
    import numpy as np
    import pandas as pd

    def column(name, default=""):
        return tasks[name] if name in tasks else pd.Series(default, index=tasks.index, dtype=object)

    frame = pd.DataFrame(
        {
            "id": column(ID).astype(str),
            "unit": column(UNIT).astype(str),
            "role": column(ROLE).replace("", LEAD).fillna(LEAD),
            "state": column(STATE).replace("", UNREPORTED).fillna(UNREPORTED),
        }
    )
    adopted = frame["state"].eq(ADOPTED)
    # Each distinct typed status cleaned once (a province's round has 60,000 rows per quarter).
    known = {squash(s): s for s in STATUSES}
    status_key, progress_key = TREND_KEYS
    typed = column(status_key)
    status = typed.map({v: known.get(squash(v), "") for v in typed.unique()})
    missing = np.where(frame["state"].eq(SENT_BACK), SENT_BACK, UNREPORTED)
    frame["status"] = np.where(adopted, status, missing)
    progress = column(progress_key, None)
    if progress.dtype == object:
        progress = progress.astype(str).str.replace("%", "", regex=False).str.strip()
    frame["progress"] = pd.to_numeric(progress, errors="coerce").where(adopted)
    if not words:
        return frame
    for key, name in TEXTS.items():
        text = column(key).fillna("").astype(str).str.strip()
        frame[name] = text.where(adopted, "")
    _flag(frame, due, rules)
    return frame


def _flag(frame, due: float, rules) -> None:
    """Flag a self-reported status its own progress figure contradicts."""
    import numpy as np

    p, s, due_pct = frame["progress"], frame["status"], due * 100
    cases = [
        (s.eq(DONE) & p.lt(rules.done_min_progress), "自报已完成，但完成进度仅{p:g}%"),
        (s.eq(AHEAD) & p.lt(due_pct), "自报超序时进度，但完成进度{p:g}%低于序时进度{d:g}%"),
        (
            s.eq(ON_SCHEDULE) & p.lt(due_pct * rules.behind_share),
            "自报序时推进，但完成进度{p:g}%远低于序时进度{d:g}%",
        ),
        (s.eq(NOT_STARTED) & p.gt(0), "自报未启动，但完成进度为{p:g}%"),
    ]
    frame["flag"] = ""
    for condition, text in reversed(cases):  # the first case wins, as the statuses exclude
        if condition.any():
            frame.loc[condition, "flag"] = [text.format(p=v, d=due_pct) for v in p[condition]]
    flagged = frame["flag"].ne("") & s.isin(ON_TRACK)
    good = np.where(p >= due_pct * rules.behind_share, "绿", "黄")
    frame["numbers_light"] = np.where(flagged, good, "")


def task_status(lines_):
    """Per task id: status, progress and the lead lines' index. A task's status is its lead
    unit's; with several leads, the worst any of them reported; with none reported, 退回修改 when
    a lead unit's return arrived but was sent back, else 未报送."""
    import pandas as pd

    is_lead = lines_["role"].eq(LEAD)
    has_lead = is_lead.groupby(lines_["id"]).transform("any")
    leads = lines_[is_lead | ~has_lead]
    rank = leads["status"].map(RANK)
    reported = leads[rank.notna()]
    by_id = reported.assign(rank=rank).groupby("id", sort=False)
    worst = by_id["rank"].min().map({v: k for k, v in RANK.items()})
    progress = by_id["progress"].min()
    sent_back = leads["state"].eq(SENT_BACK).groupby(leads["id"], sort=False).any()
    status = pd.Series(UNREPORTED, index=sent_back.index, dtype=object)
    status[sent_back] = SENT_BACK
    status.update(worst)
    return pd.DataFrame({"status": status, "progress": progress.reindex(status.index)}), leads


def _base_light(status, due: float, rules):
    """(light, reason) of each task from its status alone."""
    import pandas as pd

    late_start = rules.red_after_first_quarter_not_started and due > 0.25 + 1e-9
    table = {s: ("绿", "") for s in ON_TRACK}
    table[LAGGING] = ("黄", "")
    table[NOT_STARTED] = ("红", f"序时进度已达{_pct(due)}仍未启动") if late_start else ("黄", "")
    table[SENT_BACK] = (rules.sent_back_light, "牵头单位报表有错误，已退回修改")
    table[UNREPORTED] = (rules.unreported_light, "牵头单位未报送")
    return (
        pd.Series(status.map(lambda s: table[s][0]), index=status.index),
        pd.Series(status.map(lambda s: table[s][1]), index=status.index),
    )


def behind_run(status, past: list) -> object:
    """How many rounds running, this one included, each task has been behind (0 when not)."""
    current = status.isin(BEHIND)
    run = current.astype(int)
    going = current.copy()
    for earlier in reversed(past):
        going &= earlier.reindex(status.index).isin(BEHIND)
        run += going.astype(int)
    return run


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


_SEP = "\x1f"


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number  # NaN


def target_rows(master: Master, targets, due: float, rules) -> list[TargetRow]:
    """Each target of the master (then any other reported) with the units' values summed (a
    cumulative target: each reports its part) or averaged (a level), and its light."""
    import pandas as pd

    frame = targets.copy() if targets is not None else pd.DataFrame()
    for name in (ID, "指标", UNIT, "目标值", "计量单位", "类型", "比较", "累计完成值"):
        if name not in frame:
            frame[name] = None
    # One text key per target (a tuple would become a MultiIndex).
    frame["key"] = frame[ID].map(cell_text) + _SEP + frame["指标"].map(squash)
    values = frame.dropna(subset=["累计完成值"])
    groups = values.groupby("key", sort=False)
    total, mean, count = groups["累计完成值"].sum(), groups["累计完成值"].mean(), groups.size()
    reporters = groups[UNIT].agg(lambda units: LIST_SEP.join(map(cell_text, units)))
    first = frame.drop_duplicates("key").set_index("key").to_dict("index")
    known = {t.task_id + _SEP + squash(t.phrase): t for t in master.targets}
    keys = list(known) + [k for k in first if k not in known]
    result = []
    for key in keys:
        t = known.get(key)
        row = first.get(key)
        value = t.value if t else _number(row["目标值"])
        kind = (t.kind if t else cell_text(row["类型"])) or "累计"
        comparison = t.comparison if t else cell_text(row["比较"])
        n = int(count.get(key, 0))
        achieved = None if not n else float(mean[key] if kind == "水平" else total[key])
        share, shown_due, light, note = _target_light(kind, comparison, value, achieved, due, rules)
        if kind == "水平" and n > 1:
            note = f"{n}个单位的平均值" + (f"；{note}" if note else "")
        result.append(
            TargetRow(
                task_id=key.split(_SEP)[0],
                phrase=t.phrase if t else cell_text(row["指标"]),
                value=value,
                measure=t.unit if t else cell_text(row["计量单位"]),
                kind=kind,
                comparison=comparison,
                reporters=reporters.get(key, ""),
                achieved=achieved,
                share=share,
                due=shown_due,
                light=light,
                note=note,
            )
        )
    return result


def task_frame(
    master: Master, lines_, merged, due: float, rules, past: list, targets, period_end=None
):
    """One row per task (the master's order; any the merged data has beyond it after): its
    headings and text, lead units, status, progress, light, reasons, status last round."""
    status, leads = task_status(lines_)
    frame = _task_headings(master, merged)
    frame["status"] = status["status"].reindex(frame.index).fillna(UNREPORTED)
    frame["progress"] = status["progress"].reindex(frame.index)
    light, reason = _base_light(frame["status"], due, rules)
    frame["light"] = light
    frame["reasons"] = [[r] if r else [] for r in reason]
    run = behind_run(frame["status"], past)
    red_run = run.ge(rules.red_behind_rounds)
    frame.loc[red_run, "light"] = "红"
    for task_id in frame.index[red_run]:
        frame.at[task_id, "reasons"].append(f"连续{run[task_id]}期滞后或未启动")
    # A lead's status its figure contradicts: the reason, and the light of the figure if worse.
    for row in leads[leads["flag"].ne("")].itertuples():
        if row.id in frame.index:
            frame.at[row.id, "reasons"].append(row.flag)
            light = frame.at[row.id, "light"]
            frame.at[row.id, "light"] = _worse(light, row.numbers_light or light)
    # A cumulative target far below 序时进度 turns its task red.
    for target in targets:
        if target.kind != "水平" and target.light == "红" and target.task_id in frame.index:
            frame.at[target.task_id, "light"] = "红"
            frame.at[target.task_id, "reasons"].append(
                f"指标“{target.phrase}”完成{_pct(target.share or 0)}，远低于序时进度{_pct(due)}"
            )
    if period_end is not None:  # past its 完成时限 and not 已完成: 逾期
        from xltools.summary.followup import mark_overdue

        mark_overdue(frame, master, period_end, rules, _worse)
    frame["previous"] = past[-1].reindex(frame.index).fillna("") if past else ""
    return frame, leads


def _task_headings(master: Master, merged):
    """The tasks by id, the master's first: their headings, text, lead and partner units."""
    import pandas as pd

    # 配合单位 as the plan writes them (各区人民政府 rather than its seventeen members).
    rows = [
        (t.id, t.section, t.direction, t.category, t.text, LIST_SEP.join(t.leads),
         LIST_SEP.join(t.partners))
        for t in master.tasks
    ]  # fmt: skip
    columns = ["id", "section", "direction", "category", "text", "leads", "partners"]
    frame = pd.DataFrame(rows, columns=columns)
    extra = merged[~merged[ID].isin(frame["id"])].drop_duplicates(ID) if len(merged) else merged
    if len(extra):
        more = pd.DataFrame(
            {
                "id": extra[ID],
                "section": extra.get("板块", ""),
                "direction": extra.get("方向", ""),
                "category": extra.get("类别", ""),
                "text": extra.get("任务内容", ""),
                "leads": "",
                "partners": None,
            }
        )
        frame = pd.concat([frame, more], ignore_index=True)
    frame = frame.drop_duplicates("id").set_index("id", drop=False)
    texts = ["section", "direction", "category", "text", "leads"]
    frame[texts] = frame[texts].fillna("").astype(str)
    return frame


def tally(frame, by: str) -> list[tuple[str, dict[str, int]]]:
    """Counts of each status and light, and the total, per value of ``by`` (in first-seen order)."""
    import pandas as pd

    if not len(frame):
        return []
    order = list(dict.fromkeys(frame[by]))
    counts = pd.concat(
        [pd.crosstab(frame[by], frame["status"]), pd.crosstab(frame[by], frame["light"])], axis=1
    ).reindex(order)
    counts["合计"] = frame.groupby(by, sort=False).size()
    return [
        (name, {k: int(v) for k, v in row.items() if v})
        for name, row in zip(order, counts.fillna(0).to_dict("records"), strict=True)
    ]


def unit_frame(master: Master, lines_, targets, status, problems):
    """One row per unit: tasks led and shared, the lead tasks' categories, targets behind,
    reporting (按时/逾期/未报送), sent back, errors and warnings; in 单位名录's order."""
    import pandas as pd

    led = lines_[lines_["role"].eq(LEAD)]
    behind_targets = {t.task_id for t in targets if t.light in ("红", "黄")}
    targets_of = pd.Series([t.task_id for t in targets if t.light in ("红", "黄")], dtype=object)
    per_task = targets_of.value_counts()
    names = list(dict.fromkeys([u.name for u in master.units]))
    seen = set(lines_["unit"])
    reported = status[UNIT].tolist() if len(status) else []
    order = [n for n in names if n in seen or n in set(reported)]
    order += [n for n in dict.fromkeys([*lines_["unit"], *reported]) if n not in set(order)]
    frame = pd.DataFrame(index=pd.Index(order, name="unit"))
    frame["led"] = led.groupby("unit").size()
    frame["shared"] = lines_.groupby("unit").size() - frame["led"].reindex(frame.index).fillna(0)
    category = led["status"].where(
        led["status"].isin(RANK.keys()), led["state"].where(led["state"].eq(SENT_BACK), UNREPORTED)
    )
    statuses = pd.crosstab(led["unit"], category)
    frame["targets_behind"] = (
        led[led["id"].isin(behind_targets)]
        .assign(n=lambda x: x["id"].map(per_task))
        .groupby("unit")["n"]
        .sum()
    )
    frame = frame.fillna(0).astype(int)
    frame["reporting"] = _reporting(frame.index, master, lines_, status)
    frame["sent_back"] = (
        lines_["state"]
        .eq(SENT_BACK)
        .groupby(lines_["unit"])
        .any()
        .reindex(frame.index)
        .fillna(False)
        .astype(bool)
    )
    severity = (
        problems.get("严重程度", pd.Series(dtype=object))
        if len(problems)
        else pd.Series(dtype=object)
    )
    errors = severity.eq("错误")
    by_unit = problems[UNIT] if len(problems) else pd.Series(dtype=object)
    frame["errors"] = errors.groupby(by_unit).sum().reindex(frame.index).fillna(0).astype(int)
    frame["warnings"] = (~errors).groupby(by_unit).sum().reindex(frame.index).fillna(0).astype(int)
    return frame, statuses


def _reporting(names, master: Master, lines_, status) -> list[str]:
    """Each unit's 报送情况: 按时/逾期 if received, else 未报送; a hosted office takes its host's."""
    import numpy as np
    import pandas as pd

    if len(status):
        received = status[STATE_COLUMN].eq(RECEIVED)
        late = status[TIMELINESS].eq(LATE)
        state = pd.Series(
            np.where(received, np.where(late, LATE, ON_TIME), UNREPORTED), index=status[UNIT]
        )
        state = state[~state.index.duplicated()]
    else:
        state = pd.Series(dtype=object)
    hosts = {u.name: u.host for u in master.units if u.host}
    any_return = lines_["state"].ne(UNREPORTED).groupby(lines_["unit"]).any()
    reporting = []
    for name in names:
        if name in state.index:
            reporting.append(state[name])
        elif hosts.get(name) in state.index:
            reporting.append(state[hosts[name]])
        else:
            reporting.append(ON_TIME if any_return.get(name, False) else UNREPORTED)
    return reporting


def ranking(units, statuses, top: int) -> list[tuple[str, int, int, float]]:
    """Lead units with tasks behind or not started: most such tasks first, then the larger share,
    then by name; (unit, tasks led, behind, share behind)."""
    behind = statuses.reindex(columns=list(BEHIND), fill_value=0).sum(axis=1)
    frame = units[["led"]].join(behind.rename("behind")).fillna(0)
    frame = frame[(frame["led"] > 0) & (frame["behind"] > 0)].copy()
    frame["share"] = frame["behind"] / frame["led"]
    frame = frame.reset_index().sort_values(
        ["behind", "share", "unit"], ascending=[False, False, True]
    )
    return [
        (r.unit, int(r.led), int(r.behind), float(r.share)) for r in frame.head(top).itertuples()
    ]


def changes(frame, has_past: bool) -> dict[str, list[str]]:
    """Task ids that changed since last round: 新增滞后 (behind now, not then), 恢复正常 (behind
    then, on track now), 新完成 (done now, not then). Empty without an earlier round."""
    if not has_past:
        return {"新增滞后": [], "恢复正常": [], "新完成": []}
    now, then = frame["status"], frame["previous"]
    return {
        "新增滞后": frame.index[now.isin(BEHIND) & ~then.isin(BEHIND)].tolist(),
        "恢复正常": frame.index[now.isin(ON_TRACK) & then.isin(BEHIND)].tolist(),
        "新完成": frame.index[now.eq(DONE) & then.ne(DONE)].tolist(),
    }


def asked(text: str, names: list[tuple[str, str]]) -> list[str]:
    """Who a request for coordination asks: the units of 单位名录 it names (by name or alias,
    longest first), else a level (国家, 省, 市政府), else `OTHER_ASKED`."""
    found, rest = [], text
    for written, unit in names:
        if written in rest:
            found.append(unit)
            rest = rest.replace(written, "|")
    if found:
        return list(dict.fromkeys(found))
    for level, pattern in LEVELS:
        if pattern.search(text):
            return [level]
    return [OTHER_ASKED]


def _line_objects(lines_, master: Master) -> dict[str, list[Line]]:
    """`Line` records by task id: lead units first, then as 单位名录 lists them."""
    rank = {u.name: n for n, u in enumerate(master.units)}
    ordered = lines_.assign(
        _partner=lines_["role"].ne(LEAD), _rank=lines_["unit"].map(rank).fillna(len(rank))
    ).sort_values(["_partner", "_rank", "unit"], kind="stable")
    grouped: dict[str, list[Line]] = {}
    # Plain lists, not itertuples: iterating pandas' string arrays costs a call per value.
    names = ["id", "unit", "role", "state", "status", "progress", "note", "issues"]
    names += ["next_steps", "coordination", "flag", "numbers_light"]
    columns = [ordered[name].tolist() for name in names]
    for values in zip(*columns, strict=True):
        (task_id, unit, role, state, status, progress, note, issues, steps, coordination, flag,
         numbers_light) = values  # fmt: skip
        grouped.setdefault(task_id, []).append(
            Line(
                task_id=task_id,
                unit=unit,
                role=role,
                state=state,
                status=status,
                progress=None if progress != progress else float(progress),
                note=note,
                issues=issues,
                next_steps=steps,
                coordination=coordination,
                flags=[flag] if flag else [],
                numbers_light=numbers_light,
            )
        )
    return grouped


def _several(leads: list[Line], name: str) -> str:
    """With several lead units, each one's words on its own line, prefixed with its name."""
    return "\n".join(f"{line.unit}：{getattr(line, name)}" for line in leads if getattr(line, name))


def _task_objects(frame, grouped: dict[str, list[Line]]) -> list[TaskRow]:
    tasks = []
    for row in frame.itertuples(index=False):
        task_lines = grouped.get(row.id, [])
        leads = [line for line in task_lines if line.role == LEAD] or task_lines
        single = leads[0] if len(leads) == 1 else None
        words = {
            name: getattr(single, name) if single else _several(leads, name)
            for name in TEXTS.values()
        }
        progress = None if row.progress != row.progress else float(row.progress)
        tasks.append(
            TaskRow(
                id=row.id,
                section=row.section,
                direction=row.direction,
                category=row.category,
                text=row.text,
                leads=LIST_SEP.join(line.unit for line in leads if line.role == LEAD)
                or LIST_SEP.join(line.unit for line in leads)
                or row.leads,
                status=row.status,
                progress=progress,
                light=row.light,
                reasons=row.reasons,
                lines=task_lines,
                partners=row.partners
                if isinstance(row.partners, str)
                else LIST_SEP.join(x.unit for x in task_lines if x.role == PARTNER),
                previous=row.previous,
                **words,
            )
        )
    return tasks


def _contact(name: str, master: Master, contacts: dict) -> tuple[str, str, str]:
    """(liaison, phone, where from) of a unit: 单位名录, else its latest earlier return."""
    entry = master.unit(name)
    if entry and (entry.contact or entry.phone):
        return entry.contact, entry.phone, "单位名录"
    found = contacts.get(name) or (contacts.get(entry.host) if entry and entry.host else None)
    if found:
        person, phone, where = found
        return person, phone, where
    return "", "", ""


def _late(status, deadline, units, master, contacts) -> list[dict[str, object]]:
    import pandas as pd

    if not len(status):
        return []
    late = status[status[STATE_COLUMN].eq(RECEIVED) & status[TIMELINESS].eq(LATE)]
    rows = []
    for row in late.itertuples(index=False):
        name = getattr(row, UNIT)
        saved = getattr(row, "保存时间", None)
        saved = saved if isinstance(saved, pd.Timestamp) and not pd.isna(saved) else None
        days = (saved.date() - deadline).days if saved is not None and deadline else None
        person, phone, _where = _contact(name, master, contacts)
        rows.append(
            {
                "单位": name,
                "报送时间": saved.strftime("%Y-%m-%d %H:%M") if saved is not None else "",
                "逾期天数": days,
                "督办联系人": person,
                "联系电话": phone,
            }
        )
    return sorted(rows, key=lambda r: (-(r["逾期天数"] or 0), r["单位"]))


def _coordination(task_rows: list[TaskRow], master: Master):
    """Requests for coordination in task order, and the same grouped by who is asked."""
    names = sorted(
        {(w, u.name) for u in master.units for w in (u.name, *u.aliases) if len(w) >= 3},
        key=lambda pair: -len(pair[0]),
    )
    items = [
        (task, line)
        for task in task_rows
        for line in task.lines
        if line.coordination and squash(line.coordination) not in _NOTHING
    ]
    groups: dict[str, list] = {}
    for task, line in items:
        for who in asked(line.coordination, names):
            groups.setdefault(who, []).append((task, line))
    order = sorted(groups, key=lambda who: (who == OTHER_ASKED, -len(groups[who])))
    return items, [(who, groups[who]) for who in order]


def _counts(status) -> dict[str, int]:
    counts = status.value_counts()
    return {s: int(counts[s]) for s in ALL_STATUSES if counts.get(s, 0)}


def calculate(
    master,
    *,
    key,
    period,
    due,
    tasks,
    targets,
    status,
    problems,
    history,
    rules,
    title,
    today,
    deadline=None,
    contacts=None,
    period_end=None,
):
    """The `Summary` of one round; see `report.compute_summary` for the arguments (``tasks`` and
    ``history``'s frames have their answers named by key)."""
    import pandas as pd

    contacts = contacts or {}
    status = status if status is not None else pd.DataFrame(columns=[UNIT, STATE_COLUMN])
    problems = problems if problems is not None else pd.DataFrame(columns=[UNIT, "严重程度"])
    past, trend = _history(history, rules)
    lines_ = lines(tasks, due, rules)
    target_list = target_rows(master, targets, due, rules)
    frame, _leads = task_frame(
        master, lines_, tasks, due, rules, past, target_list, period_end=period_end
    )
    trend.append((period, _counts(frame["status"])))
    task_rows = _task_objects(frame, _line_objects(lines_, master))
    by_id = {t.id: t for t in task_rows}
    units, statuses = unit_frame(master, lines_, target_list, status, problems)
    unit_rows = _unit_rows(units, statuses)
    # Expected units are those 报送情况 lists (hosted offices report through their host).
    listed = set(status[UNIT]) if len(status) else set()
    coordination, groups = _coordination(task_rows, master)
    change_ids = changes(frame, bool(past))
    severity = problems["严重程度"] if "严重程度" in problems else pd.Series(dtype=object)
    by_section, by_direction, by_category = _by_heading(frame)
    return Summary(
        title=title,
        key=key,
        period=period,
        date=today,
        due=due,
        counts={s: int((frame["status"] == s).sum()) for s in ALL_STATUSES},
        lights={c: int((frame["light"] == c).sum()) for c in LIGHTS},
        tasks=task_rows,
        targets=target_list,
        by_section=by_section,
        by_direction=by_direction,
        by_category=by_category,
        units=unit_rows,
        ranking=ranking(units, statuses, rules.rank_top),
        reporting=_reporting_figures(units, listed),
        missing=_missing(unit_rows, listed, master, contacts),
        coordination=coordination,
        trend=trend,
        problems={"错误": int(severity.eq("错误").sum()), "警告": int(severity.ne("错误").sum())},
        late=_late(status, deadline, units, master, contacts),
        sent_back=_sent_back(unit_rows, listed, master, contacts),
        changes={name: [by_id[i] for i in ids] for name, ids in change_ids.items()},
        previous_period=history[-1][0] if history else "",
        coordination_groups=groups,
    )


def _history(history, rules) -> tuple[list, list]:
    """Each past round's task statuses (for the runs behind) and its counts (for the trend)."""
    past, trend = [], []
    for name, past_due, frame in history:
        past_status, _leads = task_status(lines(frame, past_due, rules, words=False))
        past.append(past_status["status"])
        trend.append((name, _counts(past_status["status"])))
    return past, trend


def _unit_rows(units, statuses) -> list[UnitRow]:
    """`unit_frame`'s two frames as one `UnitRow` per unit."""
    counted = statuses.to_dict("index")  # {unit: {status: count}}
    return [
        UnitRow(
            name=name,
            led=int(row.led),
            shared=int(row.shared),
            statuses={s: int(n) for s, n in counted.get(name, {}).items() if n},
            targets_behind=int(row.targets_behind),
            reporting=row.reporting,
            errors=int(row.errors),
            warnings=int(row.warnings),
            sent_back=bool(row.sent_back),
        )
        for name, row in zip(units.index, units.itertuples(index=False), strict=True)
    ]


def _reporting_figures(units, listed: set[str]) -> dict[str, int]:
    """How many units were to report, and how many reported on time, late, sent back or not."""
    expected_units = units[units.index.isin(listed)] if listed else units
    reporting = expected_units["reporting"].value_counts()
    expected = len(expected_units)
    return {
        "应报送": expected,
        "已报送": expected - int(reporting.get(UNREPORTED, 0)),
        ON_TIME: int(reporting.get(ON_TIME, 0)),
        LATE: int(reporting.get(LATE, 0)),
        SENT_BACK: int(expected_units["sent_back"].sum()),
        UNREPORTED: int(reporting.get(UNREPORTED, 0)),
    }


def _missing(unit_rows: list[UnitRow], listed: set[str], master, contacts) -> list[dict]:
    """The units expected that sent nothing, with whom to call."""
    missing = []
    for unit in unit_rows:
        if unit.reporting != UNREPORTED or (listed and unit.name not in listed):
            continue
        entry = master.unit(unit.name)
        person, phone, where = _contact(unit.name, master, contacts)
        missing.append(
            {
                "单位": unit.name,
                "承办单位": entry.host if entry else "",
                "督办联系人": person,
                "联系电话": phone,
                "联系人来源": where,
                "牵头任务数": unit.led,
                "配合任务数": unit.shared,
            }
        )
    return missing


def _sent_back(unit_rows: list[UnitRow], listed: set[str], master, contacts) -> list[dict]:
    """The units whose return was sent back for correction, with whom to call."""
    sent_back = []
    for unit in unit_rows:
        if unit.sent_back and (not listed or unit.name in listed):
            person, phone, _where = _contact(unit.name, master, contacts)
            sent_back.append(
                {
                    "单位": unit.name,
                    "报送情况": unit.reporting,
                    "错误数": unit.errors,
                    "牵头任务数": unit.led,
                    "督办联系人": person,
                    "联系电话": phone,
                }
            )
    return sent_back


def _by_heading(frame) -> tuple[list, list, list]:
    """The task counts by 板块, by 方向 and by 类别; a task without one counts under the level above."""
    by_section = tally(frame.assign(k=frame["section"].replace("", "（未分板块）")), "k")
    by_direction = tally(
        frame.assign(
            k=frame["direction"]
            .where(frame["direction"].ne(""), frame["section"])
            .replace("", "（未分方向）")
        ),
        "k",
    )
    by_category = tally(
        frame.assign(
            k=frame["category"]
            .where(frame["category"].ne(""), frame["direction"])
            .where(lambda c: c.ne(""), frame["section"])
            .replace("", "（未分类别）")
        ),
        "k",
    )
    return by_section, by_direction, by_category
