"""Distribute a round: one fillable workbook per unit in ``outbox/<round>/``, and a manifest.

Who gets what: each owner of a task (`Task.leads` lead, `Task.partners` cooperate) is a unit of
单位名录 (by name or 别名) or a group word, which stands for the units listing it in 所属分组. A unit
with a 承办单位 (host) has no workbook of its own: its rows go into its host's workbook, with its
name in the column 单位. A unit named both as lead and partner of a task gets one 牵头 row. An owner
that is neither a unit nor a defined group, a group without members, a host missing from 单位名录 or
a cycle of hosts stops the work before anything is written. The layout of each workbook is in
`xltools.distribute.fillable`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from xltools.core.contracts import (
    CONTACT,
    EARLIER_FOLDER,
    FILE,
    KEPT_FOLDER,
    KEPT_MASTER,
    LEAD,
    LEAD_COUNT,
    MANIFEST_FILE,
    MANIFEST_HEADERS,
    MERGED_FILE,
    PARTNER,
    PARTNER_COUNT,
    PHONE,
    SHA256,
    TARGET_COUNT,
    UNIT,
)
from xltools.core.errors import MasterError, WorkbookError, WorkspaceError
from xltools.core.excel import file_name
from xltools.core.files import keep_aside, locked, new_folder, recover_folder, swap_folder
from xltools.core.i18n import _
from xltools.core.model import LIST_SEP, Master, Task
from xltools.core.text import clean
from xltools.core.workers import balanced_chunks, cpu_workers, run_jobs
from xltools.distribute.fillable import BookSpec, Row, TargetRow, write_book
from xltools.distribute.forms import Form, load_form
from xltools.distribute.prefill import previous_for, read_previous

PARALLEL_FROM = 24  # below this many workbooks a process pool costs more than it saves

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Assignment:
    """The rows one recipient's workbook holds: lead rows first, then partner rows, in task order."""

    recipient: str
    rows: tuple[Row, ...]


@dataclass
class DistributeResult:
    """What `distribute` wrote: the folder, one manifest line per workbook, warnings for the CLI."""

    folder: Path
    manifest: Path
    books: list[dict] = field(default_factory=list)  # one dict per workbook, keys MANIFEST_HEADERS
    warnings: list[str] = field(default_factory=list)
    prefilled: int = 0  # how many workbooks received last round's answers
    # What else the replaced folder held (a covering letter, a removed unit's old workbook), now
    # in moved_to (旧版/<date time>/): `distribute --force` deletes nothing a user put there.
    moved: list[str] = field(default_factory=list)
    moved_to: Path | None = None

    @property
    def lead_rows(self) -> int:
        """牵头 rows in all workbooks."""
        return sum(b[LEAD_COUNT] for b in self.books)

    @property
    def partner_rows(self) -> int:
        """配合 rows in all workbooks."""
        return sum(b[PARTNER_COUNT] for b in self.books)


def assign(master: Master, source: str = "master.xlsx") -> list[Assignment]:
    """Every recipient's rows, after expanding group words and routing hosted units to their host.

    Raises a `MasterError` listing, in the words of `xltools check` (Chinese, whatever the
    language of the command line: they say what to fix in the office's file), every owner that
    cannot be routed, every task without owners and every host that is missing or in a cycle."""
    per_unit, missing, ownerless = _roles(master)
    hosts, stuck = _route(master, sorted(per_unit))
    if missing or ownerless or stuck:
        listed = "\n".join(
            f"  - {p}" for p in _routing_problems(master, source, [*missing, *ownerless, *stuck])
        )
        raise MasterError(
            _("{source}: cannot route every task to a unit:\n{listed}").format(
                source=source, listed=listed
            )
        )
    return _assignments(master, per_unit, hosts)


# The codes of `check_master` for what stops the routing.
ROUTING_CODES = ("no-owner", "unknown-unit", "undefined-group", "unknown-host", "host-cycle")


def _routing_problems(master: Master, source: str, names: list[str]) -> list[str]:
    """The messages of `check_master` for what stops the routing (the names alone if it found
    none of them, which would be a disagreement between the two)."""
    from xltools.master.workbook import check_master

    found = [p.message for p in check_master(master, source).errors if p.code in ROUTING_CODES]
    return found or ["、".join(names)]


def _roles(master: Master):
    """Each directory unit's tasks with its role ({unit: {task id: (task, role)}}), the owners
    that stand for no unit (with their tasks), and the tasks that name no owner at all."""
    missing: dict[str, list[str]] = {}
    expanded: dict[str, list[str]] = {}

    def units_of(owner: str, task: Task) -> list[str]:
        """The directory units an owner stands for; an unknown owner is noted for the error."""
        owner = clean(owner)
        if owner not in expanded:
            members = master.members(owner)
            unit = master.unit(owner)
            expanded[owner] = members or ([unit.name] if unit else [])
        if not expanded[owner]:
            missing.setdefault(owner, []).append(task.id)
        return expanded[owner]

    per_unit: dict[str, dict[str, tuple[Task, str]]] = {}
    ownerless: list[str] = []
    for task in master.tasks:
        if not task.leads:
            ownerless.append(task.id)  # sent to nobody, it would silently drop out of the year
        roles: dict[str, str] = {}
        for owner in task.leads:
            for unit in units_of(owner, task):
                roles[unit] = LEAD
        for owner in task.partners:
            for unit in units_of(owner, task):
                roles.setdefault(unit, PARTNER)
        for unit, role in roles.items():
            per_unit.setdefault(unit, {})[task.id] = (task, role)
    return per_unit, missing, ownerless


def _assignments(master: Master, per_unit: dict, hosts: dict[str, str]) -> list[Assignment]:
    """Each recipient's rows: its own and its hosted units', lead rows first."""
    order = {task.id: index for index, task in enumerate(master.tasks)}
    books: dict[str, list[Row]] = {}
    for unit, tasks in per_unit.items():
        recipient = hosts[unit]
        for task, role in tasks.values():
            books.setdefault(recipient, []).append(
                Row(
                    task=task.id,
                    text=task.text,
                    unit=unit,
                    role=role,
                    leads=LIST_SEP.join(task.leads),
                    extra=tuple(task.extra.items()),
                )
            )
    result = []
    for recipient in sorted(books):
        # Lead rows first, each block in the document's order; the recipient's own row before a
        # hosted unit's row of the same task.
        rows = sorted(
            books[recipient],
            key=lambda r: (r.role != LEAD, order[r.task], r.unit != recipient, r.unit),
        )
        result.append(Assignment(recipient, tuple(rows)))
    return result


def _route(master: Master, units: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Each unit's recipient, following 承办单位 chains; the units whose host is missing from
    单位名录 or whose chain goes round in a cycle."""
    hosts: dict[str, str] = {}
    stuck: list[str] = []
    for name in units:
        chain = [name]
        current = master.unit(name)
        while current is not None and clean(current.host):
            host = master.unit(clean(current.host))
            if host is not None and host.name == current.name:
                break  # a unit hosting itself (by its name or an alias) receives its workbook
            if host is None or host.name in chain:
                stuck.append(name)
                break
            chain.append(host.name)
            current = host
        hosts[name] = chain[-1]
    return hosts, stuck


def open_tasks(master: Master, day: date | None) -> Master:
    """The master without the tasks closed (销号) on or before ``day``, nor their targets."""
    return master.without_closed(day)


def targets_for(
    master: Master, rows: Sequence[Row], by_task: dict[str, list] | None = None
) -> tuple[TargetRow, ...]:
    """The targets of the lead rows' tasks, in row order then the master's order.

    ``by_task`` is `targets_by_task(master)` when the caller already has it (one per round,
    not one per workbook: thousands of targets times hundreds of workbooks add up)."""
    by_task = targets_by_task(master) if by_task is None else by_task
    result = []
    for row in rows:
        if row.role != LEAD:
            continue
        for t in by_task.get(row.task, ()):
            result.append(
                TargetRow(row.task, row.unit, t.phrase, t.value, t.unit, t.kind, t.comparison)
            )
    return tuple(result)


def targets_by_task(master: Master) -> dict[str, list]:
    """The master's targets by task id, in the master's order."""
    by_task: dict[str, list] = {}
    for target in master.targets:
        by_task.setdefault(target.task_id, []).append(target)
    return by_task


def created_at(period_end: date | None, due: date) -> datetime:
    """The fixed creation time written into every workbook of a round (for identical output)."""
    return datetime.combine(period_end or due, time(9, 0))


def build_specs(
    master: Master,
    form: Form,
    *,
    workspace_id: str,
    title: str,
    office: str,
    round_key: str,
    round_name: str,
    due: date,
    period_end: date | None = None,
    previous: dict | None = None,
    source: str = "master.xlsx",
    office_contact: str = "",
    office_phone: str = "",
) -> list[BookSpec]:
    """One `BookSpec` per recipient: the pure part of distributing (no files touched).

    ``previous`` holds last round's accepted answers (see `read_previous`) to prefill. A task
    closed (销号) on or before the round's period end (the plan round: its due date) is left out."""
    specs = []
    created = created_at(period_end, due)
    master = open_tasks(master, period_end or due)
    assignments = assign(master, source)
    if not assignments:
        raise MasterError(
            _("{source}: sheet 任务清单 holds no tasks with owners; nothing to distribute").format(
                source=source
            )
        )
    taken: set[str] = set()
    by_task = targets_by_task(master)
    for item in assignments:
        unit = master.unit(item.recipient)
        name = _unique_file(f"{round_key}_{item.recipient}", taken)
        targets = targets_for(master, item.rows, by_task) if form.target_fields else ()
        specs.append(
            BookSpec(
                file=name,
                recipient=item.recipient,
                contact=unit.contact if unit else "",
                phone=unit.phone if unit else "",
                workspace_id=workspace_id,
                title=title,
                office=office,
                round_key=round_key,
                round_name=round_name,
                due=due,
                created=created,
                form=form,
                rows=item.rows,
                targets=targets,
                previous=previous_for(previous, item.rows, targets, item.recipient),
                office_contact=office_contact,
                office_phone=office_phone,
            )
        )
    return specs


def _unique_file(stem: str, taken: set[str]) -> str:
    """A Windows-safe file name not used yet (``A/B`` and ``A_B`` would both become ``A_B``)."""
    name, number = file_name(stem), 1
    while name.casefold() in taken:  # Windows and macOS folders ignore case
        number += 1
        name = file_name(f"{stem}_{number}")
    taken.add(name.casefold())
    return name


def distribute(
    ws,
    round_key: str,
    *,
    prefill: bool | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> DistributeResult:
    """Write the round's workbooks and manifest into ``outbox/<round>/`` of workspace ``ws``.

    ``prefill`` None means: prefill when the previous round used the same form; then (or with
    True) a previous round not collected yet stops the work. Refuses a round whose folder already
    holds files unless ``force``. Creates ``inbox/<round>/`` for the returns."""
    rnd = ws.round(round_key)
    folder = ws.outbox(rnd.key)
    with locked(ws.reports(rnd.key), rnd.key):
        recover_folder(folder)
        refuse_overwrite(folder, force)
        form = load_form(rnd.form, search=[ws.root / "templates"])
        master = ws.master()
        previous, warnings = _load_previous(ws, rnd, form, prefill)
        specs = round_specs(ws, rnd, form, master, previous)  # names every owner it cannot route
        refuse_broken_master(master, ws.master_path)
        result = write_round(
            specs, folder, master=master, force=force, progress=progress, keep=ws.master_path
        )
    result.warnings[:0] = warnings
    ws.inbox(rnd.key).mkdir(parents=True, exist_ok=True)  # where the clerk drops the returns
    return result


def refuse_broken_master(master: Master, path: Path) -> None:
    """Stop before anything is sent when `xltools check` finds errors in the master (a 编号 that
    Excel turned into a date would otherwise reach every unit)."""
    from xltools.master.workbook import check_master

    errors = check_master(master, path).errors
    if errors:
        shown = "; ".join(f"{p.sheet}!{p.cell} {p.code}" for p in errors[:5])
        more = _(" and {count} more").format(count=len(errors) - 5) if len(errors) > 5 else ""
        raise MasterError(
            _(
                "{name}: {count} error(s) to fix before distributing ({shown}{more}); run `xltools check` to see them"
            ).format(name=path.name, count=len(errors), shown=shown, more=more)
        )


def round_specs(
    ws, rnd, form: Form, master: Master, previous: dict | None = None
) -> list[BookSpec]:
    """`build_specs` for round ``rnd`` of workspace ``ws``: its id, title, office and master file."""
    return build_specs(
        master,
        form,
        workspace_id=ws.id,
        title=ws.title,
        office=ws.office,
        round_key=rnd.key,
        round_name=rnd.name,
        due=rnd.due,
        period_end=rnd.period_end,
        previous=previous,
        source=ws.master_path.name,
        office_contact=ws.contact,
        office_phone=ws.phone,
    )


def _load_previous(ws, rnd, form: Form, prefill: bool | None) -> tuple[dict | None, list[str]]:
    before = ws.previous(rnd.key)
    if prefill is None:
        prefill = before is not None and before.form == rnd.form
    if not prefill:
        return None, []
    if before is None:
        return None, [
            _("{key} is the first round: there are no earlier answers to prefill").format(
                key=rnd.key
            )
        ]
    path = ws.reports(before.key) / MERGED_FILE
    if not path.is_file():
        # Sent unprefilled, the units would retype last quarter's answers: ask before writing.
        raise WorkspaceError(
            _(
                "{key} has not been collected yet ({path} not found), so its accepted answers "
                "cannot be prefilled: run `xltools collect {key}` first, or pass --no-prefill to "
                "send {round} without them"
            ).format(key=before.key, path=path.relative_to(ws.root).as_posix(), round=rnd.key)
        )
    warnings = []
    if before.form != rnd.form:
        warnings.append(
            _(
                "{key} used the form {form}, {key2} uses {form2}: only answers under the same column names are prefilled"
            ).format(key=before.key, form=before.form, key2=rnd.key, form2=rnd.form)
        )
    return read_previous(path, form), warnings


def refuse_overwrite(folder: Path, force: bool) -> None:
    """Stop when ``folder`` already holds a round's files, unless ``force``."""
    if force or not folder.is_dir():
        return
    if any(not p.name.startswith(".") for p in folder.iterdir()):
        raise WorkspaceError(
            _(
                "{folder}: the round was already distributed; use --force to write its workbooks again (units may already be filling the old ones)"
            ).format(folder=folder)
        )


def write_round(
    specs: Sequence[BookSpec],
    folder: Path,
    *,
    master: Master | None = None,
    force: bool = False,
    progress: Progress | None = None,
    keep: Path | None = None,
) -> DistributeResult:
    """Write the workbooks and ``manifest.xlsx`` into a temporary folder, then move it to ``folder``.

    ``keep``: the master workbook distributed, copied to ``留底/master.xlsx`` so that `xltools diff`
    can later tell what changed since (the sub-folder keeps it apart from the units' workbooks)."""
    refuse_overwrite(folder, force)
    temp = new_folder(folder)
    try:
        hashes = _write_all(specs, temp, progress)
        books = []
        for spec, digest in zip(specs, hashes, strict=True):
            unit = master.unit(spec.recipient) if master else None
            books.append(
                {
                    UNIT: spec.recipient,
                    FILE: spec.file,
                    LEAD_COUNT: sum(r.role == LEAD for r in spec.rows),
                    PARTNER_COUNT: sum(r.role == PARTNER for r in spec.rows),
                    TARGET_COUNT: len(spec.targets),
                    CONTACT: unit.contact if unit else spec.contact,
                    PHONE: unit.phone if unit else spec.phone,
                    SHA256: digest,
                }
            )
        created = specs[0].created if specs else datetime(2000, 1, 1)
        _write_manifest(temp / MANIFEST_FILE, books, created)
        if keep is not None:
            (temp / KEPT_FOLDER).mkdir()
            shutil.copyfile(keep, temp / KEPT_FOLDER / KEPT_MASTER)
        aside, moved = keep_aside(folder, temp, (), EARLIER_FOLDER)
        swap_folder(temp, folder)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    result = DistributeResult(folder=folder, manifest=folder / MANIFEST_FILE, books=books)
    result.moved, result.moved_to = moved, (folder / aside if aside else None)
    result.prefilled = sum(bool(s.previous) for s in specs)
    return result


def _write_all(specs: Sequence[BookSpec], temp: Path, progress: Progress | None) -> list[str]:
    total = len(specs)
    workers = cpu_workers()
    if total < PARALLEL_FROM or workers < 2:
        hashes = []
        for done, spec in enumerate(specs, start=1):
            hashes.append(write_book(spec, temp / spec.file))
            if progress:
                progress(done, total, spec.recipient)
        return hashes
    # A district's workbook can hold 50 times the rows of a bureau's: chunks of equal work.
    weights = [len(s.rows) + len(s.targets) + 20 for s in specs]  # 20: a workbook's fixed cost
    chunks = balanced_chunks(weights, workers * 4)
    written = [0]

    def step(done: int, _total: int, index: int) -> None:
        written[0] += len(chunks[index])
        if progress:
            progress(written[0], total, specs[chunks[index][-1]].recipient)

    outcomes = run_jobs(
        _write_chunk,
        [([specs[i] for i in chunk], str(temp)) for chunk in chunks],
        workers=workers,
        progress=step,
    )
    hashes: list[str] = [""] * total
    for chunk, outcome in zip(chunks, outcomes, strict=True):
        if outcome.failure:
            raise WorkbookError(
                _(
                    "{parent}: writing the workbooks failed in a worker process ({failure}):\n{detail}"
                ).format(parent=temp.parent, failure=outcome.failure, detail=outcome.detail)
            )
        for i, digest in zip(chunk, outcome.value, strict=True):
            hashes[i] = digest
    return hashes


def _write_chunk(job: tuple[list[BookSpec], str]) -> list[str]:
    specs, temp = job
    return [write_book(spec, Path(temp) / spec.file) for spec in specs]


def _write_manifest(path: Path, books: list[dict], created: datetime) -> None:
    import xlsxwriter

    from xltools.core.excel import fit_widths, write_table

    with xlsxwriter.Workbook(str(path), {"in_memory": True}) as wb:
        wb.set_properties({"title": "分发清单", "created": created})
        rows = [[b[h] for h in MANIFEST_HEADERS] for b in books]
        # sha256 whole on one line (68: its 64 characters), so 60 units print on two pages.
        most = (26, 40, 10, 10, 8, 12, 16, 68)
        write_table(
            wb,
            "分发清单",
            MANIFEST_HEADERS,
            rows,
            widths=fit_widths(MANIFEST_HEADERS, rows, most),
        )
