"""The year at a glance: where each round of a workspace stands, and the command to type next.

Read from the folders alone (outbox, an inbox scan, the reports collect and summary wrote), so it
is quick enough to run whenever the clerk types ``xltools`` in the workspace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from xltools.collect.inbox import SPREADSHEETS
from xltools.core.contracts import MANIFEST_FILE, STATUS_FILE, STATUS_SHEET, SUMMARY_FILE_END

ARCHIVES = (".zip",)
ERRORS = "错误数"  # 报送情况's column of errors per unit


@dataclass(frozen=True)
class RoundState:
    """One round as its folders show it."""

    key: str
    name: str
    due: date
    quarterly: bool
    sent: int = 0  # workbooks in outbox/ROUND/ (0: not distributed)
    expected: int = 0  # units the round was sent to
    returned: int = 0  # units with a usable return in inbox/ROUND/
    collected: bool = False  # reports/ROUND/报送情况.xlsx exists
    errors: int = 0  # errors left at the last collect
    units_with_errors: int = 0
    stale: bool = False  # files in the inbox newer than the last collect
    summary: bool = False  # the leaders' summary of the quarter is written

    @property
    def complete(self) -> bool:
        """Sent, collected after the last file came in, no error left, and summarised (quarters)."""
        done = self.sent and self.collected and not self.stale and not self.errors
        return bool(done and (self.summary or not self.quarterly))


@dataclass(frozen=True)
class Stray:
    """A spreadsheet in inbox/ outside any round's folder, and the folder it belongs in."""

    path: str  # relative to the workspace, with /
    round: str | None  # the round it answers (its identity or its name), when known


@dataclass
class Year:
    rounds: list[RoundState] = field(default_factory=list)
    stray: list[Stray] = field(default_factory=list)
    next_round: str | None = None  # the round the next step is about
    next_step: str = ""  # "distribute", "status", "collect", "correct", "summary" or "" (all done)


def stray_files(ws) -> list[Stray]:
    """Spreadsheets (and zips) in ``inbox/`` that lie outside a round's folder: collect never sees
    them. Each with the round it answers, read from its identity or its file name."""
    inbox = ws.root / "inbox"
    if not inbox.is_dir():
        return []
    keys = {r.key for r in ws.rounds}
    found = []
    for entry in sorted(inbox.iterdir()):
        if entry.name.startswith((".", "~$")):
            continue
        if entry.is_dir():
            if entry.name in keys:
                continue
            files = sorted(p for p in entry.rglob("*") if p.is_file())
        else:
            files = [entry]
        for path in files:
            if path.name.startswith((".", "~$")):
                continue
            if path.suffix.lower() in SPREADSHEETS + ARCHIVES:
                rel = path.relative_to(ws.root).as_posix()
                found.append(Stray(rel, _round_of(path, keys)))
    return found


def _round_of(path: Path, keys: set[str]) -> str | None:
    from xltools.distribute.identity import read_identity, read_properties

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            identity = read_identity({}, read_properties(path.read_bytes()))
        except OSError:
            identity = None
        if identity is not None and identity.round in keys:
            return identity.round
    named = [k for k in keys if re.search(rf"(?<![0-9A-Za-z]){k}(?![0-9])", path.stem, re.I)]
    return named[0] if len(named) == 1 else None


def round_state(ws, rnd, today: date) -> RoundState:
    """Where one round stands."""
    from xltools.collect.round import status

    state = RoundState(rnd.key, rnd.name, rnd.due, bool(rnd.period_end))
    outbox = ws.outbox(rnd)
    books = [p for p in outbox.glob("*.xlsx") if p.name != MANIFEST_FILE] if outbox.is_dir() else []
    if not books:
        return state
    found = status(ws, rnd.key, today=today)
    reports = ws.reports(rnd)
    report = reports / STATUS_FILE
    collected = report.is_file()
    errors = units = 0
    stale = False
    if collected:
        errors, units = _errors_left(report)
        inbox = ws.inbox(rnd)
        # A copied file keeps the unit's saving time: the copy's time is its ctime.
        newest = max((_arrived(p) for p in inbox.rglob("*") if p.is_file()), default=0)
        stale = newest > report.stat().st_mtime
    summary = any(reports.glob(f"*{SUMMARY_FILE_END}")) if reports.is_dir() else False
    return RoundState(
        rnd.key,
        rnd.name,
        rnd.due,
        bool(rnd.period_end),
        sent=len(books),
        expected=found["expected"],
        returned=len(found["returned"]),
        collected=collected,
        errors=errors,
        units_with_errors=units,
        stale=stale,
        summary=summary,
    )


def _arrived(path: Path) -> float:
    info = path.stat()
    return max(info.st_mtime, info.st_ctime)


def _errors_left(report: Path) -> tuple[int, int]:
    """The errors 报送情况.xlsx counts, and how many units have any."""
    from xltools.core.excel import read_sheets, sheet_records

    try:
        _headers, rows = sheet_records(read_sheets(report).get(STATUS_SHEET, []))
    except Exception:  # calamine raises its own types for damaged files: collect writes it anew
        return 0, 0
    counts = []
    for row in rows:
        try:
            counts.append(int(float(row.get(ERRORS) or 0)))
        except (TypeError, ValueError):
            counts.append(0)
    return sum(counts), sum(1 for c in counts if c)


def year(ws, *, today: date | None = None) -> Year:
    """Every round of ``ws`` as its folders show it, the stray files of the inbox, and the next
    step: for the last round distributed (or the first, when none is), what is left to do."""
    today = today or date.today()
    result = Year(stray=stray_files(ws))
    for rnd in ws.rounds:
        result.rounds.append(round_state(ws, rnd, today))
    sent = [r for r in result.rounds if r.sent]
    if not sent:
        first = result.rounds[0] if result.rounds else None
        result.next_round, result.next_step = (first.key, "distribute") if first else (None, "")
        return result
    current = sent[-1]
    result.next_round = current.key
    if not current.collected or current.stale:
        waiting = current.returned < current.expected and today <= current.due
        result.next_step = "status" if waiting and not current.collected else "collect"
    elif current.errors:
        result.next_step = "correct"
    elif current.quarterly and not current.summary:
        result.next_step = "summary"
    else:
        later = result.rounds[result.rounds.index(current) + 1 :]
        result.next_round, result.next_step = (later[0].key, "distribute") if later else (None, "")
    return result
