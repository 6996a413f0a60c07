"""Collect a round: read the inbox, identify and check every returned file, write the reports.

A returned file is matched to a sent one by its embedded identity, or — when a unit retyped the
form and lost it — by a unit name in its file name plus headers that look like the form (flagged
``no-identity``); files of another workspace, round, form version or unit are refused.

`collect(ws, round_key)` reads ``inbox/<round>/`` (never changing it), checks each file against the
workbook sent to its unit (``outbox/<round>/``), keeps the newest file of each unit and writes
``reports/<round>/`` through a temporary folder: 汇总数据.xlsx, 问题清单.xlsx, 报送情况.xlsx and
退回修改/<unit>.xlsx; whatever else was there (the summary, the 通报, a clerk's files) moves into
旧版/<date time>/ in the same swap. `status(ws, round_key)` is the quick who-has-returned view for
催报.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from xltools.collect.inbox import Inbox, Limits, Returned, display_path, inbox_files, read_files
from xltools.collect.validate import Context, Sent, Submission, check, find_form_table
from xltools.core.contracts import (
    COLLECT_OUTPUTS,
    EARLIER_FOLDER,
    LATE,
    MANIFEST_FILE,
    ON_TIME,
    RECEIVED,
    UNREPORTED,
)
from xltools.core.errors import XltoolsError
from xltools.core.files import (
    keep_aside,
    locked,
    new_folder,
    processing,
    recover_folder,
    swap_folder,
)
from xltools.core.i18n import _
from xltools.core.problems import ERROR, WARNING, Problem, Report, new_problem
from xltools.core.text import squash
from xltools.distribute.identity import Identity, read_identity, read_properties


@dataclass(frozen=True)
class Status:
    """One expected unit's line of 报送情况."""

    unit: str
    received: bool
    file: str = ""
    saved: datetime | None = None
    on_time: bool | None = None
    errors: int = 0
    warnings: int = 0
    superseded: tuple[str, ...] = ()

    @property
    def state(self) -> str:
        return RECEIVED if self.received else UNREPORTED

    @property
    def timeliness(self) -> str:
        return "" if self.on_time is None else (ON_TIME if self.on_time else LATE)


@dataclass
class Collection(Report):
    """The report of a collect run: its problems plus what was accepted and where it went."""

    round: str = ""
    due: date | None = None
    submissions: dict[str, Submission] = field(default_factory=dict)  # newest per unit
    status: list[Status] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    output: Path | None = None
    # What reports/<round>/ held besides collect's own files (the summary, the 通报, PDFs, a
    # clerk's files, all made from the data this run replaces), now in moved_to (旧版/<time>/).
    moved: list[str] = field(default_factory=list)
    moved_to: Path | None = None
    # --update-contacts: the copy of the master kept before the liaisons were written into it
    contacts_backup: Path | None = None

    def accepted(self, unit: str) -> bool:
        """The unit's data goes into the merged data (received and without 错误)."""
        sub = self.submissions.get(unit)
        return sub is not None and sub.errors == 0


def read_sent(outbox: Path) -> dict[str, Sent]:
    """What was sent in a round: each outbox workbook's recipient, file name and identity."""
    from xltools.core.excel import read_sheets

    if not outbox.is_dir():
        raise XltoolsError(
            _(
                "{outbox}: nothing was distributed for this round; run `xltools distribute` first"
            ).format(outbox=outbox)
        )
    sent: dict[str, Sent] = {}
    for path in sorted(outbox.glob("*.xlsx")):
        if path.name == MANIFEST_FILE or path.name.startswith(("~$", ".")):
            continue
        with processing(path):
            data = path.read_bytes()
            # The properties carry the whole identity; the hidden sheet is read only without them.
            identity = read_identity({}, read_properties(data)) or read_identity(
                read_sheets(data), {}
            )
        if identity is not None:
            sent[identity.unit] = Sent(identity.unit, path.name, identity, path)
    if not sent:
        raise XltoolsError(
            _("{outbox}: no distributed workbooks found; run `xltools distribute` first").format(
                outbox=outbox
            )
        )
    return sent


def collect_inbox(
    inbox_dir: Path,
    ctx: Context,
    due: date,
    *,
    limits: Limits | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Collection:
    """Identify and check every file of an inbox; the pure part of `collect` (writes nothing).

    Each file is read, identified and checked in turn, across processes when there are many;
    a checked submission keeps its file's name, path, hash and saved time, not its bytes and
    values, so memory stays bounded at thousands of files."""
    limits = limits or Limits()
    rels = inbox_files(inbox_dir)
    done = _check_all(inbox_dir, rels, ctx, limits, progress, meanwhile=meanwhile)
    result = Collection(round=ctx.round, due=due)
    # The reading problems first, in file order, as a scan gives them.
    for found, _subs, _refusals in done:
        result.skipped.extend(found.skipped)
        for problem in found.problems:
            unit = _unit_in_path(problem.file, ctx.sent) or ""
            result.problems.append(replace(problem, unit=unit))
    candidates: dict[str, list[Submission]] = {}
    refused = []
    for _found, subs, refusals in done:
        refused.extend(refusals)
        for sub in subs:
            candidates.setdefault(sub.unit, []).append(sub)
    for unit in sorted(ctx.sent):
        newest, status = _newest(unit, candidates.get(unit, []), due)
        if newest is not None:
            result.submissions[unit] = newest
            result.problems.extend(newest.problems)
        result.status.append(status)
    result.problems.extend(_refused_beside(p, result.submissions) for p in refused)
    result.problems.sort(key=_order)
    result.status = [_with_refused_files(s, result.problems) for s in result.status]
    return result


def _newest(unit: str, subs: list[Submission], due: date) -> tuple[Submission | None, Status]:
    """A unit's submission taken (its newest return, by saved time) and its line of 报送情况."""
    subs = sorted(subs, key=lambda s: (s.file.saved, s.file.name))
    if not subs:
        return None, Status(unit, False)
    newest = subs[-1]
    status = Status(
        unit,
        True,
        newest.file.name,
        newest.file.saved,
        newest.file.saved.date() <= due,
        newest.errors,
        newest.warnings,
        tuple(s.file.name for s in reversed(subs[:-1])),
    )
    return newest, status


def _refused_beside(problem: Problem, submissions: dict[str, Submission]) -> Problem:
    """A refused file's problem; from a unit whose right file also came it is clutter, a warning."""
    if problem.unit in submissions and problem.severity == ERROR:
        return replace(
            problem,
            severity=WARNING,
            message=problem.message + "（该单位另有有效报表，本文件未采用）",
        )
    return problem


def _with_refused_files(status: Status, problems: list[Problem]) -> Status:
    """A unit whose only files could not be used (password, empty, last quarter's, another
    unit's form) stays 未报送, but its line names those files and counts their problems, so
    the office asks it for a usable file instead of chasing a unit that did send one."""
    if status.received:
        return status
    own = [p for p in problems if p.unit == status.unit and p.file]
    if not own:
        return status
    return replace(
        status,
        file="、".join(dict.fromkeys(p.file for p in own)),
        errors=sum(p.severity == ERROR for p in own),
        warnings=sum(p.severity == WARNING for p in own),
    )


_Checked = tuple[Inbox, list[Submission], list[Problem]]  # per inbox file, in file order
_WORKER: dict = {}


def _init_worker(folder: str, ctx: Context, limits: Limits, checking: bool) -> None:
    _WORKER.update(folder=Path(folder), ctx=ctx, limits=limits, checking=checking)


def _check_file(rel: str) -> _Checked:
    """Read, identify and (when checking) check one inbox file in a worker: what reading found,
    the submissions, and the problems of files refused as not this round's."""
    ctx, checking = _WORKER["ctx"], _WORKER["checking"]
    found = read_files(_WORKER["folder"], [rel], limits=_WORKER["limits"])
    subs, refused = [], []
    for returned in found.files:
        unit, identity, problems = identify(returned, ctx)
        if unit is None:
            refused.extend(problems)
            continue
        sub = (
            check(returned, unit, identity, ctx, problems)
            if checking
            else Submission(returned, unit, identity, problems=problems)
        )
        # Only the answers are needed from here on: drop the bytes and values.
        sub.file = replace(
            returned, data=b"", sheets={}, merged={}, formulas={}, percents={}, errors={}
        )
        subs.append(sub)
    found.files = []
    return found, subs, refused


def _check_all(
    folder: Path,
    rels: list[str],
    ctx: Context,
    limits: Limits,
    progress: Callable[[int, int, str], None] | None,
    *,
    checking: bool = True,
    meanwhile: Callable[[], object] | None = None,
) -> list[_Checked]:
    """`_check_file` of every file, in file order, in worker processes (one per core): a reader
    that crashes, panics, runs out of memory or hangs on one file costs that file a problem, and
    the rest of the round goes on. Largest files first, so no core waits idle on the last big
    workbook (a district's can be a hundred times a bureau's)."""
    from xltools.core.workers import cpu_workers, run_jobs

    sizes = [(folder / rel).stat().st_size for rel in rels]
    order = sorted(range(len(rels)), key=lambda i: (-sizes[i], rels[i]))
    outcomes = run_jobs(
        _check_file,
        [rels[i] for i in order],
        workers=cpu_workers(),
        initializer=_init_worker,
        initargs=(str(folder), ctx, limits, checking),
        timeout=limits.seconds,
        memory=limits.memory,
        progress=(lambda done, total, i: progress(done, total, rels[order[i]]))
        if progress
        else None,
        meanwhile=meanwhile,
        ahead=2,  # a job is a file name: the next one waits in the worker's pipe
    )
    done: list[_Checked | None] = [None] * len(rels)
    for i, outcome in zip(order, outcomes, strict=True):
        done[i] = outcome.value if not outcome.failure else _failed(rels[i], outcome, limits)
    return done  # type: ignore[return-value]


def _failed(rel: str, outcome, limits: Limits) -> _Checked:
    """The problem of a file whose reading killed, exhausted or stalled its worker."""
    from xltools.core.workers import MEMORY, TIMEOUT

    name = display_path(rel)
    if outcome.failure == TIMEOUT:
        problem = new_problem(
            "read-timeout",
            f"读取和检查“{name}”超过 {limits.seconds:g} 秒仍未完成，已跳过；文件可能过大或已损坏，"
            "请删除表格以外的多余内容后另存为 .xlsx 重新报送",
            file=name,
        )
    elif outcome.failure == MEMORY:
        problem = new_problem(
            "file-too-complex",
            f"“{name}”读取时所需内存超过上限（常见原因：表格很远处的单元格中有空格等内容，或文件已损坏），"
            "无法读取；请删除表格以外的多余行列后另存为 .xlsx 重新报送",
            file=name,
        )
    else:
        problem = new_problem(
            "damaged-file",
            f"“{name}”已损坏或不完整，读取时出错；请重新打开确认后另存为 .xlsx 再报送",
            file=name,
        )
    return Inbox(problems=[problem]), [], []


def identify(returned: Returned, ctx: Context) -> tuple[str | None, Identity | None, list[Problem]]:
    """Whose file this is (a recipient unit or None), its identity, and problems about that."""
    # The hidden sheet is already read; the properties (a second copy) only when it is gone.
    identity = read_identity(returned.sheets, {}) or read_identity({}, returned.properties)
    named = _unit_in_name(returned.file_name, ctx.sent)
    if identity is None:
        if named and find_form_table(returned.sheets, ctx.form) is not None:
            message = (
                f"“{returned.file_name}”不是下发的原表（可能重新制作或复制过），已按文件名认定为{named}的报表；"
                "请今后在下发的工作簿上直接填写"
            )
            return named, None, [_p("no-identity", message, named, WARNING, file=returned.name)]
        return None, None, [_unknown(returned)]
    refusal = _refusal(returned.file_name, identity, named, ctx)
    if refusal is None:
        return identity.unit, identity, []
    code, unit, message = refusal
    return None, identity, [_p(code, message, unit, file=returned.name)]


def _refusal(
    name: str, identity: Identity, named: str | None, ctx: Context
) -> tuple[str, str, str] | None:
    """Why a file with an identity is not this round's file of its unit: (code, the unit it
    concerns, what to do), or None when it is."""
    who = identity.unit
    if identity.workspace != ctx.workspace:
        return (
            "other-workspace",
            who,
            f"“{name}”是其他工作（另一套任务清单）下发的表格，不是本次的报表，请用本次下发的工作簿填报",
        )
    if identity.round != ctx.round:
        # Units know rounds by their names (2023年第二季度), not by the keys (2023Q2).
        theirs = ctx.round_names.get(identity.round, identity.round)
        this = ctx.round_names.get(ctx.round, ctx.round)
        return (
            "other-round",
            who,
            f"“{name}”是{theirs}的表格，不是本次（{this}）的报表，请用本次下发的工作簿重新填报",
        )
    if identity.form != ctx.form.name or identity.version < ctx.form.version:
        return (
            "old-form-version",
            who,
            f"“{name}”是旧版表格（第{identity.version}版），请用本次下发的新版工作簿重新填报",
        )
    if who not in ctx.sent:
        return "unknown-unit", who, f"“{name}”属于“{who}”，但本次没有向该单位下发报表"
    if named and named != who:
        return (
            "other-unit",
            named,
            f"“{name}”的文件名是{named}，但内容是下发给{who}的报表；请{named}用本单位的工作簿填报",
        )
    return None


def _p(code: str, message: str, unit: str, severity: str | None = None, **where) -> Problem:
    return new_problem(code, message, severity, unit=unit, **where)


def _unknown(returned: Returned) -> Problem:
    return new_problem(
        "unknown-file",
        f"无法识别“{returned.file_name}”是哪个单位的报表（没有下发时的标识，文件名中也没有单位名称），请核实后重新报送",
        file=returned.name,
    )


def _unit_in_path(name: str, sent: dict[str, Sent]) -> str | None:
    """The unit a display name (``市发改委/报表.zip/2023Q2.zip``) names: the innermost part that
    names one (a zip inside a zip belongs to the unit its outer name names)."""
    for part in reversed(name.split("/")):
        unit = _unit_in_name(part, sent)
        if unit:
            return unit
    return None


def _unit_in_name(name: str, sent: dict[str, Sent]) -> str | None:
    """The longest recipient unit name found in a file name (``市发改委-修改版(2).xlsx``)."""
    plain = squash(name)
    index, lengths = _name_index(tuple(sent))
    # Each place of the name against each length a unit name has: a few dozen dictionary
    # look-ups, however many units there are (thousands at province scale).
    found = []
    for i in range(len(plain)):
        hits = [h for n in lengths if (h := index.get(plain[i : i + n]))]
        if hits:
            found += sorted(h for group in hits for h in group)
    return max((unit for _, unit in found), key=len) if found else None


@functools.lru_cache(maxsize=8)
def _name_index(
    units: tuple[str, ...],
) -> tuple[dict[str, list[tuple[int, str]]], tuple[int, ...]]:
    """Unit names (with their order) by their squashed text, and the lengths those texts have."""
    index: dict[str, list[tuple[int, str]]] = {}
    for order, unit in enumerate(units):
        key = squash(unit)
        if key:
            index.setdefault(key, []).append((order, unit))
    return index, tuple(sorted({len(k) for k in index}))


def _order(problem) -> tuple:
    return (problem.unit, problem.file, problem.sheet, _cell_key(problem.cell), problem.code)


def _cell_key(cell: str) -> tuple:
    letters = "".join(c for c in cell if c.isalpha())
    digits = "".join(c for c in cell.split(":")[0] if c.isdigit())
    return (int(digits) if digits else 0, len(letters), letters)


def context(ws, round_key: str) -> tuple[Context, object]:
    """The check context of a workspace's round and the round itself."""
    from xltools.distribute.forms import load_form

    rnd = ws.round(round_key)
    form = load_form(rnd.form, search=[ws.root / "templates"])
    sent = read_sent(ws.outbox(rnd))
    names = {r.key: r.name for r in ws.rounds}
    return Context(ws.id, rnd.key, ws.year, form, sent, ws.outbox(rnd), names), rnd


def collect(
    ws,
    round_key: str,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    update_contacts: bool = False,
) -> Collection:
    """Collect a round of a workspace and write ``reports/<round>/``; returns the report."""

    from xltools.collect.reports import office_of, write_reports

    ctx, rnd = context(ws, round_key)
    target = ws.reports(rnd)
    with locked(target, rnd.key):
        recover_folder(target)
        # The master list is needed only for the reports: read it while the workers check the
        # returns (this process waits on them meanwhile).
        master = []
        result = collect_inbox(
            ws.inbox(rnd),
            ctx,
            rnd.due,
            progress=progress,
            meanwhile=lambda: master.append(_read_master(ws)),
        )
        master = master[0] if master else _read_master(ws)
        temp = new_folder(target)
        try:
            with processing(target):
                write_reports(result, ctx, master, temp, office_of(ws, rnd.key))
                aside, result.moved = keep_aside(target, temp, COLLECT_OUTPUTS, EARLIER_FOLDER)
            swap_folder(temp, target)
            result.moved_to = target / aside if aside else None
        finally:
            if temp.exists():
                shutil.rmtree(temp, ignore_errors=True)
    result.output = target
    if update_contacts:
        from xltools.master.contacts import checked_values
        from xltools.master.contacts import update_contacts as write_contacts

        accepted = {
            u: checked_values(s, ctx.form) for u, s in result.submissions.items() if not s.errors
        }
        result.contacts_backup = write_contacts(ws.master_path, accepted)
    return result


def _read_master(ws):
    with processing(ws.master_path):
        return ws.master()


def status(ws, round_key: str, *, today: date | None = None) -> dict:
    """Who has and has not returned (from the inbox alone), days left, and the 催报 list."""
    ctx, rnd = context(ws, round_key)
    today = today or date.today()
    folder = ws.inbox(rnd)
    done = _check_all(folder, inbox_files(folder), ctx, Limits(), None, checking=False)
    returned: dict[str, Returned] = {}
    # Files that cannot be used (password, empty, last quarter's, another unit's form): a unit
    # that sent only such a file is still to be reminded, but of what is wrong with its file.
    unusable = []
    for found, subs, refused in done:
        unusable.extend(found.problems)
        unusable.extend(refused)
        for sub in subs:
            f = sub.file
            if sub.unit not in returned or returned[sub.unit].saved < f.saved:
                returned[sub.unit] = f
    unusable = [replace(p, unit=p.unit or _unit_in_path(p.file, ctx.sent) or "") for p in unusable]
    sent = ctx.sent
    master = ws.master()
    missing = []
    for unit in sorted(u for u in sent if u not in returned):
        entry = master.unit(unit)
        missing.append(
            {
                "unit": unit,
                "contact": entry.contact if entry else "",
                "phone": entry.phone if entry else "",
            }
        )
    return {
        "round": rnd.key,
        "name": rnd.name,
        "due": rnd.due,
        "days_left": (rnd.due - today).days,
        "expected": len(sent),
        "returned": {u: (f.name, f.saved) for u, f in sorted(returned.items())},
        "missing": missing,
        "problems": unusable,
    }
