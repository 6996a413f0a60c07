"""Collect a round: read the inbox, identify and check every returned file, write the reports.

A returned file is matched to a sent one by its embedded identity, or — when a unit retyped the
form and lost it — by a unit name in its file name plus headers that look like the form (flagged
``no-identity``); files of another workspace, round, form version or unit are refused.

`collect(ws, round_key)` reads ``inbox/<round>/`` (never changing it), checks each file against the
workbook sent to its unit (``outbox/<round>/``), keeps the newest file of each unit and writes
``reports/<round>/`` through a temporary folder: 汇总数据.xlsx, 问题清单.xlsx, 报送情况.xlsx and
退回修改/<unit>.xlsx. `status(ws, round_key)` is the quick who-has-returned view for 催报.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from xltools.collect.inbox import Inbox, Limits, Returned, inbox_files, read_files, scan
from xltools.collect.validate import Context, Sent, Submission, check, find_form_table
from xltools.core.contracts import LATE, MANIFEST_FILE, ON_TIME, RECEIVED, UNREPORTED
from xltools.core.errors import XltoolsError
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
        data = path.read_bytes()
        # The properties carry the whole identity; the hidden sheet is read only without them.
        identity = read_identity({}, read_properties(data)) or read_identity(read_sheets(data), {})
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
) -> Collection:
    """Identify and check every file of an inbox; the pure part of `collect` (writes nothing).

    Each file is read, identified and checked in turn, across processes when there are many;
    a checked submission keeps its file's name, path, hash and saved time, not its bytes and
    values, so memory stays bounded at thousands of files."""
    limits = limits or Limits()
    rels = inbox_files(inbox_dir)
    done = _check_all(inbox_dir, rels, ctx, limits, progress)
    result = Collection(round=ctx.round, due=due)
    candidates: dict[str, list[Submission]] = {}
    refused = []
    for (
        found,
        _subs,
        _refusals,
    ) in done:  # the reading problems first, in file order, as a scan gives them
        result.skipped.extend(found.skipped)
        for problem in found.problems:
            unit = _unit_in_name(problem.file.rsplit("/", 1)[-1], ctx.sent) or ""
            result.problems.append(replace(problem, unit=unit))
    for _found, subs, refusals in done:
        refused.extend(refusals)
        for sub in subs:
            candidates.setdefault(sub.unit, []).append(sub)
    for unit in sorted(ctx.sent):
        subs = sorted(candidates.get(unit, []), key=lambda s: (s.file.saved, s.file.name))
        if not subs:
            result.status.append(Status(unit, False))
            continue
        newest = subs[-1]
        result.submissions[unit] = newest
        result.problems.extend(newest.problems)
        result.status.append(
            Status(
                unit,
                True,
                newest.file.name,
                newest.file.saved,
                newest.file.saved.date() <= due,
                newest.errors,
                newest.warnings,
                tuple(s.file.name for s in reversed(subs[:-1])),
            )
        )
    for problem in refused:
        # A wrong file from a unit whose right file also came is clutter, not a blocking error.
        if problem.unit in result.submissions and problem.severity == ERROR:
            problem = replace(
                problem,
                severity=WARNING,
                message=problem.message + "(该单位另有有效报表,本文件未采用)",
            )
        result.problems.append(problem)
    result.problems.sort(key=_order)
    result.status = [_with_refused_files(s, result.problems) for s in result.status]
    return result


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


PARALLEL_FROM = 64  # files; below this a process pool costs more than it saves
_Checked = tuple[Inbox, list[Submission], list[Problem]]  # per inbox file, in file order


def _check_files(folder: Path, rels: list[str], ctx: Context, limits: Limits) -> list[_Checked]:
    """Read, identify and check each file of ``rels``: what reading found, the submissions, and
    the problems of files refused as not this round's."""
    done = []
    for rel in rels:
        found = read_files(folder, [rel], limits=limits)
        subs, refused = [], []
        for returned in found.files:
            unit, identity, problems = identify(returned, ctx)
            if unit is None:
                refused.extend(problems)
                continue
            sub = check(returned, unit, identity, ctx, problems)
            # Only the answers are needed from here on: drop the bytes and values.
            sub.file = replace(returned, data=b"", sheets={}, merged={}, formulas={}, percents={})
            subs.append(sub)
        found.files = []
        done.append((found, subs, refused))
    return done


_WORKER: dict = {}


def _init_worker(ctx: Context, limits: Limits) -> None:
    _WORKER.update(ctx=ctx, limits=limits)


def _check_chunk(folder: str, rels: list[str]) -> list[_Checked]:
    return _check_files(Path(folder), rels, _WORKER["ctx"], _WORKER["limits"])


def _check_all(
    folder: Path,
    rels: list[str],
    ctx: Context,
    limits: Limits,
    progress: Callable[[int, int, str], None] | None,
) -> list[_Checked]:
    """`_check_files` of every file, in file order; in a process pool across the cores when
    there are many (reading and checking is most of collect's work, and each file is separate)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(rels) < PARALLEL_FROM or workers < 2:
        done = []
        for i, rel in enumerate(rels, start=1):
            if progress:
                progress(i, len(rels), rel)
            done.extend(_check_files(folder, [rel], ctx, limits))
        return done
    from concurrent.futures import ProcessPoolExecutor, as_completed

    chunks = _chunks(folder, rels, workers * 8)
    results: dict[str, _Checked] = {}
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(ctx, limits)) as pool:
        futures = {pool.submit(_check_chunk, str(folder), chunk): chunk for chunk in chunks}
        for future in as_completed(futures):
            chunk = futures[future]
            results.update(zip(chunk, future.result(), strict=True))
            if progress:
                progress(len(results), len(rels), chunk[-1])
    return [results[rel] for rel in rels]


def _chunks(folder: Path, rels: list[str], count: int) -> list[list[str]]:
    """Files in ``count`` chunks of about equal bytes, largest first, so no core waits idle
    on the last big workbook (a district's can be a hundred times a bureau's)."""
    sizes = {rel: (folder / rel).stat().st_size + 4096 for rel in rels}
    chunks: list[list[str]] = [[] for _ in range(min(count, len(rels)))]
    loads = [0] * len(chunks)
    for rel in sorted(rels, key=lambda r: (-sizes[r], r)):
        lightest = loads.index(min(loads))
        chunks[lightest].append(rel)
        loads[lightest] += sizes[rel]
    return [c for c in sorted(chunks, key=lambda c: -sum(sizes[r] for r in c)) if c]


def identify(returned: Returned, ctx: Context) -> tuple[str | None, Identity | None, list[Problem]]:
    """Whose file this is (a recipient unit or None), its identity, and problems about that."""
    place = {"file": returned.name}
    # The hidden sheet is already read; the properties (a second copy) only when it is gone.
    identity = read_identity(returned.sheets, {}) or read_identity({}, returned.properties)
    named = _unit_in_name(returned.file_name, ctx.sent)
    if identity is None:
        if named and find_form_table(returned.sheets, ctx.form) is not None:
            return (
                named,
                None,
                [
                    Problem(
                        "no-identity",
                        WARNING,
                        f"“{returned.file_name}”不是下发的原表(可能重新制作或复制过),已按文件名认定为{named}的报表;"
                        "请今后在下发的工作簿上直接填写",
                        unit=named,
                        **place,
                    )
                ],
            )
        return None, None, [_unknown(returned)]
    who = identity.unit
    if identity.workspace != ctx.workspace:
        return (
            None,
            identity,
            [
                _p(
                    "other-workspace",
                    f"“{returned.file_name}”是其他工作(另一套任务清单)下发的表格,不是本次的报表,请用本次下发的工作簿填报",
                    who,
                    **place,
                )
            ],
        )
    if identity.round != ctx.round:
        # Units know rounds by their names (2023年第二季度), not by the keys (2023Q2).
        theirs = ctx.round_names.get(identity.round, identity.round)
        this = ctx.round_names.get(ctx.round, ctx.round)
        return (
            None,
            identity,
            [
                _p(
                    "other-round",
                    f"“{returned.file_name}”是{theirs}的表格,不是本次({this})的报表,请用本次下发的工作簿重新填报",
                    who,
                    **place,
                )
            ],
        )
    if identity.form != ctx.form.name or identity.version < ctx.form.version:
        return (
            None,
            identity,
            [
                _p(
                    "old-form-version",
                    f"“{returned.file_name}”是旧版表格(第{identity.version}版),请用本次下发的新版工作簿重新填报",
                    who,
                    **place,
                )
            ],
        )
    if who not in ctx.sent:
        return (
            None,
            identity,
            [
                _p(
                    "unknown-unit",
                    f"“{returned.file_name}”属于“{who}”,但本次没有向该单位下发报表",
                    who,
                    **place,
                )
            ],
        )
    if named and named != who:
        return (
            None,
            identity,
            [
                _p(
                    "other-unit",
                    f"“{returned.file_name}”的文件名是{named},但内容是下发给{who}的报表;请{named}用本单位的工作簿填报",
                    named,
                    **place,
                )
            ],
        )
    return who, identity, []


def _p(code: str, message: str, unit: str, severity: str | None = None, **where) -> Problem:
    return new_problem(code, message, severity, unit=unit, **where)


def _unknown(returned: Returned) -> Problem:
    return new_problem(
        "unknown-file",
        f"无法识别“{returned.file_name}”是哪个单位的报表(没有下发时的标识,文件名中也没有单位名称),请核实后重新报送",
        file=returned.name,
    )


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
    from concurrent.futures import ThreadPoolExecutor

    from xltools.collect.reports import write_reports

    ctx, rnd = context(ws, round_key)
    # The master list is needed only for the reports: read it while the returns are checked
    # (mostly in other processes, this one waiting).
    with ThreadPoolExecutor(1) as thread:
        reading = thread.submit(ws.master)
        result = collect_inbox(ws.inbox(rnd), ctx, rnd.due, progress=progress)
        master = reading.result()
    target = ws.reports(rnd)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{rnd.key}-", dir=target.parent))
    try:
        write_reports(result, ctx, master, temp)
        if target.exists():
            old = target.with_name(f".{rnd.key}-old")
            if old.exists():
                shutil.rmtree(old)
            target.rename(old)
            temp.rename(target)
            shutil.rmtree(old)
        else:
            temp.rename(target)
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
    result.output = target
    if update_contacts:
        from xltools.master.contacts import update_contacts as write_contacts

        accepted = {u: s.unit_values for u, s in result.submissions.items() if not s.errors}
        result.contacts_backup = write_contacts(ws.master_path, accepted)
    return result


def status(ws, round_key: str, *, today: date | None = None) -> dict:
    """Who has and has not returned (from the inbox alone), days left, and the 催报 list."""
    ctx, rnd = context(ws, round_key)
    today = today or date.today()
    found = scan(ws.inbox(rnd))
    returned: dict[str, Returned] = {}
    # Files that cannot be used (password, empty, last quarter's, another unit's form): a unit
    # that sent only such a file is still to be reminded, but of what is wrong with its file.
    unusable = list(found.problems)
    for f in found.files:
        unit, _, problems = identify(f, ctx)
        if unit is None:
            unusable.extend(problems)
        elif unit not in returned or returned[unit].saved < f.saved:
            returned[unit] = f
    unusable = [
        replace(p, unit=p.unit or _unit_in_name(p.file.rsplit("/", 1)[-1], ctx.sent) or "")
        for p in unusable
    ]
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
