"""Simulated returns: fill the workbooks of a round as units would, with their typical mistakes.

The demo, the end-to-end test and the benchmarks use it. It works like a clerk with a spreadsheet
application: it opens each distributed workbook with openpyxl, finds columns by their headers and
rows by their 编号, types answers, and saves the file into ``inbox/<round>/`` with a saved time of
its own. It never uses xltools' readers, so what collect sees is what a unit would send.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from xltools.core.contracts import (
    AHEAD,
    BEHIND_STATUSES,
    CATEGORY,
    CLOSED_BASIS,
    CLOSED_DATE,
    CUMULATIVE,
    CUMULATIVE_VALUE,
    DIRECTION,
    DONE,
    FILE,
    FORM_TARGET_SHEET,
    FORM_TASK_SHEET,
    FORM_UNIT_SHEET,
    ID,
    KIND,
    LABEL,
    LAGGING,
    LEAD,
    LEAD_COUNT,
    LEAD_UNITS,
    LEVEL,
    MANIFEST_FILE,
    NOT_STARTED,
    NOTE,
    ON_SCHEDULE,
    PHRASE,
    RESPONSIBLE_UNITS,
    ROLE,
    SECTION,
    TARGET_VALUE,
    TASK_SHEET,
    TEXT,
)
from xltools.core.errors import XltoolsError
from xltools.core.i18n import _

# What goes wrong, one kind per unit that makes a mistake (DOMAIN.md, "What comes back").
MISTAKES = (
    "status-not-in-list",  # 完成状态 typed by hand: 进行中
    "missing-issues",  # 滞后 without 存在问题
    "percent-as-text",  # 完成进度 typed as 60% or full-width ６０
    "date-as-text",  # 填报日期 typed as 2023年4月18日 / 4.18
    "renamed",  # 市发改委-修改版(2).xlsx
    "sent-twice",  # a first version with a mistake, then a correction
    "zipped",  # sent as a .zip
    "task-text-edited",  # sheet unprotected and a task text changed
    "column-inserted",  # a column of notes inserted into 填报表
)

_ACTIONS = (
    "召开专题推进会{n}次，研究解决重点难点问题{m}个",
    "制定年度工作方案并分解到{n}个责任处室",
    "开展现场督导{n}次，形成问题清单并逐项销号",
    "协调解决要素保障问题{m}个，推动项目加快建设",
    "完成阶段性任务{n}项，累计推进率达{p}%",
    "建立周调度、月通报工作机制，已调度{n}次",
    "会同相关部门赴{m}个区开展调研，摸清底数",
    "出台配套政策文件{n}件，政策兑现资金{m}亿元",
)
_PROBLEMS = (
    "项目前期手续办理周期较长，进度慢于预期",
    "资金到位不足，部分项目推进受影响",
    "涉及多个部门，协调难度较大",
    "征收拆迁工作推进缓慢",
    "受市场需求变化影响，部分企业投资意愿下降",
)
_NEXT = (
    "加快推进项目建设，确保按期完成年度目标",
    "加强调度督办，每月通报进展情况",
    "完善政策措施，强化要素保障",
    "加强与各区和相关部门的沟通协调，形成工作合力",
)
_COORDINATION = (
    "请市政府协调解决项目用地指标问题",
    "请市财政局加快拨付专项资金",
    "请市自然资源规划局加快规划审批",
)
_SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
_GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
)


@dataclass
class UnitReturn:
    """What one unit sent in a simulated round (for the account and the end-to-end test)."""

    unit: str
    fate: str  # on-time, late, missing
    files: list[str] = field(default_factory=list)  # paths relative to inbox/<round>/
    mistake: str = ""
    saved: datetime | None = None
    statuses: dict[str, str] = field(default_factory=dict)  # task id -> 完成状态 of its lead rows
    progress: dict[str, float] = field(default_factory=dict)  # task id -> 完成进度(%)
    targets: dict[str, float] = field(default_factory=dict)  # "task id|phrase" -> 累计完成值


@dataclass
class Simulation:
    """All units of one simulated round."""

    round: str
    returns: list[UnitReturn] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)  # files that are not returns (lock files)

    def by_fate(self, fate: str) -> list[UnitReturn]:
        return [r for r in self.returns if r.fate == fate]


def pace(task: str, seed: int) -> float:
    """A task's speed, fixed across rounds: the share of the year's work done per share of time."""
    rng = random.Random(f"{seed}:{task}")
    roll = rng.random()
    if roll < 0.05:
        return 0.0  # never started
    if roll < 0.20:
        return rng.uniform(0.35, 0.75)  # behind
    if roll < 0.85:
        return rng.uniform(0.9, 1.15)  # on track
    return rng.uniform(1.4, 2.5)  # ahead, some done early


def progress_at(task: str, seed: int, elapsed: float) -> float:
    """完成进度(%) of a task when ``elapsed`` (0–1) of the year has passed, a whole number."""
    return float(min(100, round(pace(task, seed) * elapsed * 100)))


def status_for(progress: float, elapsed: float) -> str:
    """The status a unit would pick for its progress against 序时进度."""
    due = elapsed * 100
    if progress >= 100:
        return DONE
    if progress <= 0:
        return NOT_STARTED
    if progress >= due + 10:
        return AHEAD
    if progress >= due * 0.8:
        return ON_SCHEDULE
    return LAGGING


def simulate_returns(
    ws,
    round_key: str,
    *,
    seed: int = 0,
    missing: float = 0.07,
    late: float = 0.1,
    mistakes: int | None = None,
    resave: Callable[[Path], Path] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Simulation:
    """Fill the round's workbooks from ``outbox/`` as units would and drop them into ``inbox/``.

    ``missing`` and ``late`` are the shares of units that send nothing or send after the due date;
    ``mistakes`` units (default: one for each kind in MISTAKES) make one typical mistake each.
    ``resave``, when given, re-saves one return through a spreadsheet application (LibreOffice)."""
    from openpyxl import load_workbook

    rnd = ws.round(round_key)
    outbox, inbox = ws.outbox(rnd.key), ws.inbox(rnd.key)
    books = _books(outbox, rnd.key)
    inbox.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}:{rnd.key}")
    elapsed = _elapsed(rnd)
    n_mistakes = len(MISTAKES) if mistakes is None else mistakes
    fates, kinds, resaved = _fates(books, outbox, rng, missing, late, n_mistakes, bool(resave))

    sim = Simulation(rnd.key)
    for i, book in enumerate(books, start=1):
        if progress:
            progress(i, len(books), book.name)
        fate = fates.get(book, "on-time")
        wb = load_workbook(book)
        unit = _unit_of(wb, book)
        record = UnitReturn(unit=unit, fate=fate, mistake=kinds.get(book, ""))
        sim.returns.append(record)
        if fate == "missing":
            continue
        record.saved = _saved_time(rng, rnd.due, late=fate == "late")
        _fill(wb, record, rng, seed, elapsed, rnd)
        if record.mistake == "sent-twice":
            first = _mutated_copy(book, record, rng, seed, elapsed, rnd)
            path = inbox / f"{book.stem}-初稿.xlsx"
            path.write_bytes(_with_saved_time(first, record.saved - timedelta(days=2)))
            record.files.append(path.name)
        elif record.mistake:
            _make_mistake(wb, record, rng)
        name, data = _sent_file(book, wb, record)
        target = inbox / name
        target.write_bytes(data)
        if book == resaved:
            target = resave(target)
            # The application stamps the present moment; keep the unit's own saved time.
            target.write_bytes(_with_saved_time(target.read_bytes(), record.saved))
        record.files.append(target.name)
    _leave_lock_file(sim, inbox)
    return sim


def _books(outbox: Path, key: str) -> list[Path]:
    """The round's workbooks in ``outbox/``, by name; an error when it has none."""
    books = sorted(p for p in outbox.glob("*.xlsx") if p.name != MANIFEST_FILE)
    if not books:
        raise XltoolsError(
            _("{outbox}: no workbooks to fill; run `xltools distribute {key}` first").format(
                outbox=outbox, key=key
            )
        )
    return books


def _fates(books, outbox: Path, rng, missing: float, late: float, mistakes: int, resave: bool):
    """Who sends nothing or late (by book), who makes which mistake, and whose return is re-saved."""
    order = books[:]
    rng.shuffle(order)
    n_missing = round(len(books) * missing)
    n_late = round(len(books) * late)
    fates = {p: "missing" for p in order[:n_missing]}
    fates |= {p: "late" for p in order[n_missing : n_missing + n_late]}
    kinds = _assign_mistakes(books, fates, _lead_counts(outbox), mistakes, rng)
    plain = [p for p in order if p not in fates and p not in kinds]
    resaved = plain[0] if resave and plain else None
    return fates, kinds, resaved


def _sent_file(book: Path, wb, record: UnitReturn) -> tuple[str, bytes]:
    """The name and bytes a unit sends its return as (renamed or zipped by mistake)."""
    name = book.name
    data = _with_saved_time(_save(wb), record.saved)
    if record.mistake == "renamed":
        name = f"{record.unit}-修改版(2).xlsx"
    if record.mistake == "zipped":
        name = f"{book.stem}.zip"
        data = _zip({book.name: data})
    return name, data


def _leave_lock_file(sim: Simulation, inbox: Path) -> None:
    """Excel's lock file of a workbook still open on someone's desk, beside one return sent on time."""
    lock = next((r for r in sim.returns if r.fate == "on-time" and r.files), None)
    if lock:
        lock_name = f"~${lock.files[-1]}"
        (inbox / lock_name).write_bytes(b"\x00" * 165)
        sim.extras.append(lock_name)


# Mistakes in answers only lead units give (完成状态, 完成进度) need a unit with lead rows.
_LEAD_ONLY = {"status-not-in-list", "missing-issues", "percent-as-text"}


def _lead_counts(outbox: Path) -> dict[str, int]:
    """牵头任务数 per file name, from the office's manifest."""
    from openpyxl import load_workbook

    path = outbox / MANIFEST_FILE
    if not path.exists():
        return {}
    book = load_workbook(path, read_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    cols = {str(h): i for i, h in enumerate(rows[0])}
    if FILE not in cols or LEAD_COUNT not in cols:
        return {}
    return {str(r[cols[FILE]]): int(r[cols[LEAD_COUNT]] or 0) for r in rows[1:] if r[cols[FILE]]}


def _assign_mistakes(books, fates, leads, count, rng) -> dict[Path, str]:
    """One mistake kind each for ``count`` units that send something."""
    sending = [p for p in books if fates.get(p) != "missing"]
    rng.shuffle(sending)
    kinds: dict[Path, str] = {}
    for i in range(min(count, len(sending))):
        kind = MISTAKES[i % len(MISTAKES)]
        fits = [
            p
            for p in sending
            if p not in kinds and (kind not in _LEAD_ONLY or leads.get(p.name, 1))
        ]
        if fits:
            kinds[fits[0]] = kind
    return kinds


def _elapsed(rnd) -> float:
    """序时进度 of the round as a share: Q2 -> 0.5; the plan round -> 0."""
    if rnd.period_end is None:
        return 0.0
    return round(rnd.period_end.month / 12, 4)


def _unit_of(wb, book: Path) -> str:
    """The unit named on 填报说明 (填报单位), as a clerk reads it."""
    if "填报说明" in wb.sheetnames:
        for row in wb["填报说明"].iter_rows(max_row=12, max_col=2, values_only=True):
            if row[0] == "填报单位" and row[1]:
                return str(row[1])
    return book.stem.split("_", 1)[-1]


def _header(ws_) -> tuple[int, dict[str, int]]:
    """The header row (the first with 编号) and its labels -> column numbers."""
    for row in ws_.iter_rows(max_row=10):
        labels = {str(c.value).strip(): c.column for c in row if c.value is not None}
        if ID in labels:
            return row[0].row, labels
    raise XltoolsError(_("{title}: no header row with {id}").format(title=ws_.title, id=ID))


def _fill(wb, record: UnitReturn, rng: random.Random, seed: int, elapsed: float, rnd) -> None:
    sheet = wb[FORM_TASK_SHEET]
    top, cols = _header(sheet)
    quarterly = "完成状态" in cols
    for row in range(top + 1, sheet.max_row + 1):
        task = sheet.cell(row, cols[ID]).value
        if not task:
            continue
        lead = sheet.cell(row, cols[ROLE]).value == LEAD if ROLE in cols else True
        if quarterly:
            _fill_progress(sheet, row, cols, str(task), lead, record, rng, seed, elapsed)
        else:
            _fill_plan(sheet, row, cols, rng, rnd)
    if quarterly and FORM_TARGET_SHEET in wb.sheetnames:
        _fill_targets(wb[FORM_TARGET_SHEET], record, seed, elapsed)
    if FORM_UNIT_SHEET in wb.sheetnames:
        _fill_unit(wb[FORM_UNIT_SHEET], rng, record.saved or datetime(2023, 1, 1))


def _fill_progress(sheet, row, cols, task, lead, record, rng, seed, elapsed) -> None:
    n, m = rng.randint(2, 9), rng.randint(1, 6)
    percent = progress_at(task, seed, elapsed)
    note = "；".join(a.format(n=n, m=m, p=int(percent)) for a in rng.sample(_ACTIONS, 2)) + "。"
    values = {"本期工作进展": note, "下步工作计划": rng.choice(_NEXT) + "。"}
    if lead:
        status = status_for(percent, elapsed)
        values |= {"完成状态": status, "完成进度(%)": percent}
        if status in BEHIND_STATUSES:
            values["存在问题"] = rng.choice(_PROBLEMS) + "。"
            if rng.random() < 0.5:
                values["需协调事项"] = rng.choice(_COORDINATION) + "。"
        record.statuses[task] = status
        record.progress[task] = percent
    for label, value in values.items():
        if label in cols:
            sheet.cell(row, cols[label]).value = value


def _fill_plan(sheet, row, cols, rng, rnd) -> None:
    values = {
        "工作目标": "按期完成年度目标任务。",
        "具体措施": "；".join(rng.sample(_NEXT, 2)) + "。",
        "完成时限": datetime(rnd.due.year, 12, 31),
        "分管领导": _person(rng),
        "责任部门(处室)": rng.choice(("综合处", "规划处", "产业处", "项目处")),
    }
    for label, value in values.items():
        if label in cols:
            sheet.cell(row, cols[label]).value = value


def _fill_targets(sheet, record: UnitReturn, seed: int, elapsed: float) -> None:
    top, cols = _header(sheet)
    if CUMULATIVE_VALUE not in cols:
        return
    for row in range(top + 1, sheet.max_row + 1):
        task = sheet.cell(row, cols[ID]).value
        if not task:
            continue
        target = (
            _number(sheet.cell(row, cols[TARGET_VALUE]).value) if TARGET_VALUE in cols else None
        )
        kind = sheet.cell(row, cols[KIND]).value if KIND in cols else CUMULATIVE
        if target is None:
            continue
        share = progress_at(str(task), seed, elapsed) / 100
        # A level (a growth rate) is reported as it stands; a count as its cumulative part.
        value = round(target * (0.8 + 0.3 * share), 1) if kind == LEVEL else round(target * share)
        sheet.cell(row, cols[CUMULATIVE_VALUE]).value = value
        phrase = sheet.cell(row, cols[PHRASE]).value if PHRASE in cols else ""
        record.targets[f"{task}|{phrase}"] = value


def _fill_unit(sheet, rng: random.Random, saved: datetime) -> None:
    values = {
        "填报人": _person(rng),
        "联系电话": f"027-8{rng.randint(1000000, 9999999)}",
        "分管领导": _person(rng),
    }
    values |= {"填报日期": datetime(saved.year, saved.month, saved.day)}
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        label = str(row[0].value or "").replace("*", "").strip()
        if label in values and len(row) > 1:
            row[1].value = values[label]


def _make_mistake(wb, record: UnitReturn, rng: random.Random) -> None:
    sheet = wb[FORM_TASK_SHEET]
    top, cols = _header(sheet)
    lead_rows = [
        r for r in range(top + 1, sheet.max_row + 1) if sheet.cell(r, cols[ROLE]).value == LEAD
    ]
    rows = lead_rows or [
        r for r in range(top + 1, sheet.max_row + 1) if sheet.cell(r, cols[ID]).value
    ]
    row = rows[0]
    kind = record.mistake
    if kind == "status-not-in-list" and "完成状态" in cols:
        sheet.cell(row, cols["完成状态"]).value = "进行中"
    elif kind == "missing-issues" and "存在问题" in cols:
        sheet.cell(row, cols["完成状态"]).value = LAGGING
        sheet.cell(row, cols["存在问题"]).value = None
    elif kind == "percent-as-text" and "完成进度(%)" in cols:
        value = sheet.cell(row, cols["完成进度(%)"]).value or 0
        sheet.cell(row, cols["完成进度(%)"]).value = _fullwidth(f"{int(value)}")
    elif kind == "date-as-text" and FORM_UNIT_SHEET in wb.sheetnames:
        for cells in wb[FORM_UNIT_SHEET].iter_rows():
            if str(cells[0].value or "").startswith("填报日期"):
                day = cells[1].value
                cells[1].value = f"{day.year}年{day.month}月{day.day}日" if day else "2023年4月18日"
    elif kind == "task-text-edited" and TEXT in cols:
        sheet.protection.sheet = False
        cell = sheet.cell(row, cols[TEXT])
        cell.value = f"{cell.value}（已调整）"
    elif kind == "column-inserted":
        # A clerk's own column of notes in the middle of the form.
        at = cols.get("本期工作进展", len(cols) + 1)
        sheet.insert_cols(at)
        sheet.cell(top, at).value = "备注（本单位）"


def _mutated_copy(book: Path, record, rng, seed, elapsed, rnd) -> bytes:
    """The first version of a unit that sends twice: complete, with one status typed by hand."""
    from openpyxl import load_workbook

    wb = load_workbook(book)
    draft = UnitReturn(unit=record.unit, fate=record.fate, mistake="status-not-in-list")
    _fill(wb, draft, random.Random(rng.random()), seed, elapsed, rnd)
    _make_mistake(wb, draft, rng)
    return _save(wb)


def _save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


_MODIFIED = re.compile(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>")


def _with_saved_time(data: bytes, saved: datetime) -> bytes:
    """The workbook as the application saved it at ``saved`` (openpyxl stamps the present moment)."""
    # ``saved`` is office time (UTC+8); the file records UTC, as Excel does.
    stamp = (saved - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(
                    rb"<dcterms:modified\1>" + stamp + rb"</dcterms:modified>", content
                )
            entry = zipfile.ZipInfo(info.filename, date_time=saved.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2023, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def _saved_time(rng: random.Random, due: date, *, late: bool) -> datetime:
    day = (
        due + timedelta(days=rng.randint(1, 6)) if late else due - timedelta(days=rng.randint(0, 8))
    )
    return datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59), 0)


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class PlanChange:
    """The office's mid-year edits of master.xlsx: a task added, a task closed (销号)."""

    added: str  # 编号 of the task added on a leader's instruction
    added_text: str
    closed: str  # 编号 of the task closed
    closed_on: date
    basis: str


def change_plan(ws, seed: int, closed_on: date) -> PlanChange:
    """Edit master.xlsx as a clerk does in Excel: close (销号) the task furthest ahead, typing a
    date in 销号日期 and the reason in 销号依据, and add a row below the list for a task a leader
    assigned (a 批示), led by the same unit."""
    from openpyxl import load_workbook

    wb = load_workbook(ws.master_path)
    sheet = wb[TASK_SHEET]
    header, cols = _header(sheet)
    rows = [r for r in range(header + 1, sheet.max_row + 1) if sheet.cell(r, cols[ID]).value]
    ids = {str(sheet.cell(r, cols[ID]).value): r for r in rows}
    closed = max(ids, key=lambda task: (pace(task, seed), task))
    row = ids[closed]
    basis = f"{closed_on.year}年{closed_on.month}月经实地核查，任务已全面完成"
    for name in (CLOSED_DATE, CLOSED_BASIS):
        if name not in cols:  # a master written before 销号 existed: the clerk adds the column
            cols[name] = sheet.max_column + 1
            sheet.cell(header, cols[name], name)
    sheet.cell(row, cols[CLOSED_DATE], datetime.combine(closed_on, datetime.min.time()))
    sheet.cell(row, cols[CLOSED_BASIS], basis)
    numbers = [int(i.split("-")[1]) for i in ids if re.fullmatch(r"2-\d+", i)]
    added = f"2-{max(numbers, default=0) + 1}"
    text = "按照市政府常务会议部署，加快推进城市更新示范片区建设，年内完成老旧街区改造项目10个。"
    new = sheet.max_row + 1
    copied = (SECTION, DIRECTION, CATEGORY, LEAD_UNITS, RESPONSIBLE_UNITS)
    for name in copied:
        if name in cols:
            sheet.cell(new, cols[name], sheet.cell(row, cols[name]).value)
    sheet.cell(new, cols[ID], added)
    sheet.cell(new, cols[LABEL], added.split("-")[1])
    sheet.cell(new, cols[TEXT], text)
    if NOTE in cols:
        sheet.cell(new, cols[NOTE], "市领导批示新增")
    wb.save(ws.master_path)
    return PlanChange(added, text, closed, closed_on, basis)
