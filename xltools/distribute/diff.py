"""What changed in the master list between two rounds, and whose next workbook it changes.

Tasks are followed by 编号 (as prefill and the summary's trend follow them):

- ``added`` / ``removed``: an 编号 only in the new / the old master;
- ``split``: an old 编号 gone and new ones below it (2-49 → 2-49-1, 2-49-2);
- ``merged``: old parts gone and their parent 编号 new (2-49-1, 2-49-2 → 2-49), or an old task gone
  whose text now stands, for the most part, in a kept task whose text grew by about as much;
- ``reworded``: the same 编号 with another 任务内容 (spaces and full-width forms aside);
- ``reowned``: the same 编号 with other 牵头单位 or 责任单位;
- ``closed`` / ``reopened``: a 销号日期 filled in / cleared.

The workbooks each recipient would receive (`xltools.distribute.round.assign`: groups expanded,
hosted units routed) are compared row by row, so a change of 单位名录 (a new group member, another
承办单位) shows too. The diff lives in distribute rather than master because of that routing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from xltools.core.contracts import KEPT_FOLDER, KEPT_MASTER
from xltools.core.model import LIST_SEP, Master, Task
from xltools.core.text import squash
from xltools.distribute.round import assign, open_tasks, targets_by_task

KINDS = ("added", "removed", "reworded", "reowned", "split", "merged", "closed", "reopened")
MERGED_SHARE = 0.6  # this share of a removed task's 4-grams found in a grown kept task: merged


@dataclass(frozen=True)
class Change:
    """One change of 任务清单: its kind, the 编号 before and after, and what changed (Chinese)."""

    kind: str
    old: tuple[str, ...]
    new: tuple[str, ...]
    detail: str = ""


@dataclass(frozen=True)
class FormChange:
    """How one recipient's next workbook differs: 编号 of rows gained, lost and changed."""

    recipient: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


@dataclass
class MasterDiff:
    """Every change of the task list, and the recipients whose workbooks change, in order."""

    changes: list[Change] = field(default_factory=list)
    forms: list[FormChange] = field(default_factory=list)
    new_recipients: list[str] = field(default_factory=list)  # receive a workbook for the first time
    gone_recipients: list[str] = field(default_factory=list)  # receive none any more

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def empty(self) -> bool:
        return not (self.changes or self.forms)

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of(kind)) for kind in KINDS}


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _owners(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({squash(n) for n in names}))


def _grams(text: str, n: int = 4) -> set[str]:
    """The n-character pieces of a text (spaces and full-width forms aside)."""
    text = squash(text)
    return {text[i : i + n] for i in range(len(text) - n + 1)} if len(text) >= n else {text} - {""}


def _id_key(task_id: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in task_id.split("-"))


def task_changes(old: Master, new: Master) -> list[Change]:
    """The changes of 任务清单 from ``old`` to ``new``, by kind then 编号."""
    before = {t.id: t for t in old.tasks if t.id}
    after = {t.id: t for t in new.tasks if t.id}
    gone = [i for i in before if i not in after]
    came = [i for i in after if i not in before]
    used: set[str] = set()
    changes: list[Change] = []
    for x in gone:
        parts = [i for i in came if i.startswith(x + "-") and i not in used]
        if parts:
            used.update([x, *parts])
            changes.append(Change("split", (x,), tuple(parts), f"拆分为{len(parts)}项"))
    for x in came:
        parts = [i for i in gone if i.startswith(x + "-") and i not in used]
        if parts and x not in used:
            used.update([x, *parts])
            changes.append(Change("merged", tuple(parts), (x,), f"{len(parts)}项合并为一项"))
    kept = [i for i in after if i in before]
    rewritten = [i for i in kept if squash(before[i].text) != squash(after[i].text)]
    # A kept task that absorbed another grew by about its text and holds most of its 4-grams;
    # an index of the 4-grams keeps a whole master re-worded from comparing every pair.
    growth = {k: len(squash(after[k].text)) - len(squash(before[k].text)) for k in rewritten}
    index: dict[str, list[str]] = {}
    for k in rewritten:
        for gram in _grams(after[k].text):
            index.setdefault(gram, []).append(k)
    absorbed: set[str] = set()
    for x in gone:
        if x in used:
            continue
        grams = _grams(before[x].text)
        hits = Counter(k for gram in grams for k in index.get(gram, ()))
        size = MERGED_SHARE * len(squash(before[x].text))
        fits = [k for k in rewritten if hits[k] >= MERGED_SHARE * len(grams) and growth[k] >= size]
        if grams and fits:
            into = max(fits, key=lambda k: hits[k])  # the first of the best, in the master's order
            used.add(x)
            absorbed.add(into)
            changes.append(Change("merged", (x, into), (into,), f"并入{into}"))
    changes += [Change("added", (), (i,), _short(after[i].text)) for i in came if i not in used]
    changes += [Change("removed", (i,), (), _short(before[i].text)) for i in gone if i not in used]
    for i in rewritten:
        if i not in absorbed:
            detail = f"{_short(before[i].text)} → {_short(after[i].text)}"
            changes.append(Change("reworded", (i,), (i,), detail))
    for i in kept:
        detail = _owner_change(before[i], after[i])
        if detail:
            changes.append(Change("reowned", (i,), (i,), detail))
        if after[i].closed and not before[i].closed:
            why = f"{after[i].closed}销号" + (
                f"：{after[i].closed_basis}" if after[i].closed_basis else ""
            )
            changes.append(Change("closed", (i,), (i,), why))
        elif before[i].closed and not after[i].closed:
            changes.append(Change("reopened", (i,), (i,), f"撤销{before[i].closed}的销号"))
    order = {k: n for n, k in enumerate(KINDS)}
    return sorted(changes, key=lambda c: (order[c.kind], _id_key((c.new or c.old)[0])))


def _owner_change(old: Task, new: Task) -> str:
    parts = []
    for label, a, b in (
        ("牵头单位", old.lead, new.lead),
        ("责任单位", old.responsible, new.responsible),
    ):
        if _owners(a) != _owners(b):
            parts.append(f"{label}：{LIST_SEP.join(a) or '无'} → {LIST_SEP.join(b) or '无'}")
    return "；".join(parts)


def _rows(master: Master, source: str, day) -> dict[str, dict[tuple[str, str], tuple]]:
    """Each recipient's rows in a round ending on ``day`` (tasks closed by then left out):
    (编号, 单位) -> what the row shows (role, text, leads, targets)."""
    master = open_tasks(master, day or date.max)
    targets = targets_by_task(master)
    books = {}
    for item in assign(master, source):
        books[item.recipient] = {
            (r.task, r.unit): (
                r.role,
                squash(r.text),
                _owners(tuple(r.leads.split(LIST_SEP))),
                tuple((t.phrase, t.value) for t in targets.get(r.task, ())),
            )
            for r in item.rows
        }
    return books


def diff_masters(
    old: Master,
    new: Master,
    *,
    old_source: str = "old",
    new_source: str = "new",
    old_day: date | None = None,
    new_day: date | None = None,
) -> MasterDiff:
    """The changes from ``old`` to ``new`` and the recipients whose next workbook changes.

    The workbooks are those of rounds ending on ``old_day`` and ``new_day`` (a task closed by
    then is not sent; None: no closed task is). A master whose owners cannot be routed raises the
    `MasterError` distribute would."""
    result = MasterDiff(changes=task_changes(old, new))
    before, after = _rows(old, old_source, old_day), _rows(new, new_source, new_day)
    for recipient in sorted(set(before) | set(after)):
        a, b = before.get(recipient, {}), after.get(recipient, {})
        gained = tuple(dict.fromkeys(k[0] for k in b if k not in a))
        lost = tuple(dict.fromkeys(k[0] for k in a if k not in b))
        changed = tuple(dict.fromkeys(k[0] for k in b if k in a and a[k] != b[k]))
        if gained or lost or changed:
            result.forms.append(FormChange(recipient, gained, lost, changed))
        if recipient not in before:
            result.new_recipients.append(recipient)
        elif recipient not in after:
            result.gone_recipients.append(recipient)
    return result


def kept_master(ws, round_key) -> Path:
    """Where `distribute` keeps the master as it was when the round was distributed."""
    return ws.outbox(round_key) / KEPT_FOLDER / KEPT_MASTER


def last_distributed(ws, before: str | None = None):
    """The latest round (before round ``before``, when given) whose master copy was kept."""
    rounds = list(ws.rounds)
    if before is not None:
        rounds = rounds[: rounds.index(ws.round(before))]
    return next((r for r in reversed(rounds) if kept_master(ws, r).is_file()), None)


def diff_files(
    old: Path, new: Path, old_day: date | None = None, new_day: date | None = None
) -> MasterDiff:
    """`diff_masters` of two master workbooks."""
    from xltools.master.workbook import read_master

    return diff_masters(
        read_master(old),
        read_master(new),
        old_source=old.name,
        new_source=new.name,
        old_day=old_day,
        new_day=new_day,
    )


def round_day(rnd) -> date | None:
    """The day a round's tasks are taken as of: its period end, else (plan round) its due date."""
    return None if rnd is None else (rnd.period_end or rnd.due)


def next_round(ws, rnd):
    """The round after ``rnd`` in the year, or None."""
    rounds = list(ws.rounds)
    index = rounds.index(ws.round(rnd))
    return rounds[index + 1] if index + 1 < len(rounds) else None


def changes_since_last_round(ws, round_key: str | None = None):
    """The round last distributed (before ``round_key``) and the changes of the workspace's master
    since then, with the workbooks of ``round_key`` (default: the round after the last
    distributed); ``(None, None)`` when no earlier round kept its master."""
    rnd = last_distributed(ws, round_key)
    if rnd is None:
        return None, None
    upcoming = ws.round(round_key) if round_key else next_round(ws, rnd)
    return rnd, diff_files(
        kept_master(ws, rnd), ws.master_path, round_day(rnd), round_day(upcoming)
    )
