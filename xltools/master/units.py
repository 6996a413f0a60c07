"""The unit directory (单位名录): built from a plan, completed from a directory the office keeps,
and checked for near-duplicate names."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from xltools.core.contracts import (
    ALIASES,
    CONTACT,
    EMAIL,
    GROUPS,
    HOST,
    PHONE,
    UNIT_NAME,
    UNIT_SHEET,
)
from xltools.core.errors import MasterError
from xltools.core.i18n import _
from xltools.core.model import LIST_SEP, Unit
from xltools.core.problems import Problem, Report
from xltools.core.text import cell_text, clean, squash

# Words that only say what kind of body a unit is; "江岸区" and "江岸区人民政府" name the same unit.
_GENERIC_SUFFIXES = ("人民政府", "管理委员会", "管委会", "政府")
_LIST_SPLIT = re.compile(r"[、,，;；\n]")


def split_list(text: object) -> list[str]:
    """A 别名 or 所属分组 cell as names: split on 、 , ; (also full-width) and new lines, but not
    inside brackets, so ``各县(市、区)人民政府`` stays one name."""
    text = clean(text)
    parts, depth, current = [], 0, []
    for char in text:
        if char in "(（〈《[【":
            depth += 1
        elif char in ")）〉》]】":
            depth = max(0, depth - 1)
        if depth == 0 and _LIST_SPLIT.match(char):
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    seen: list[str] = []
    for part in (clean(p) for p in parts):
        if part and part not in seen:
            seen.append(part)
    return seen


def join_list(names: Iterable[str]) -> str:
    """Names joined as the master writes them (``、``)."""
    return LIST_SEP.join(names)


def find_table(
    rows: Sequence[Sequence[object]], required: Sequence[str], sheet: str, source: str
) -> tuple[int, dict[str, int]]:
    """The header row (0-based) and the column of each header, found by name in the first rows
    (an office may add a title row above). A `MasterError` names the missing column(s)."""
    best: tuple[int, dict[str, int]] | None = None
    for r, row in enumerate(rows[:10]):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            name = squash(value)
            if name and name not in columns:
                columns[name] = c
        if best is None or _hits(columns, required) > _hits(best[1], required):
            best = (r, columns)
        if all(h in columns for h in required):
            return r, columns
    found = best[1] if best else {}
    missing = [h for h in required if h not in found]
    raise MasterError(
        _("{source}: sheet {sheet} lacks the column(s) {names}").format(
            source=source, sheet=sheet, names=", ".join(missing)
        )
    )


def _hits(columns: dict[str, int], required: Sequence[str]) -> int:
    return sum(h in columns for h in required)


def row_getter(row: Sequence[object], cols: dict[str, int]) -> Callable[[str], str]:
    """``get(header)``: the row's cell under that header as `cell_text`, "" when absent."""

    def get(name: str) -> str:
        c = cols.get(name)
        return cell_text(row[c]) if c is not None and c < len(row) else ""

    return get


def read_book(path: Path, sheets: Sequence[str], what: str = "file") -> dict[str, list[list]]:
    """Every sheet of the workbook at ``path`` (see `excel.read_sheets`). A `MasterError` names a
    missing file (``no such {what}``), a file that is not a workbook, or a missing sheet."""
    from xltools.core.excel import read_sheets

    if not path.is_file():
        raise MasterError(_("{path}: no such {what}").format(path=path, what=what))
    try:
        book = read_sheets(path)
    except Exception as exc:  # calamine raises several private error types
        raise MasterError(
            _("{name}: cannot read it as a workbook ({exc})").format(name=path.name, exc=exc)
        ) from exc
    for sheet in sheets:
        if sheet not in book:
            names = ", ".join(book) or "none"
            raise MasterError(
                _("{name}: no sheet named {sheet} (sheets: {names})").format(
                    name=path.name, sheet=sheet, names=names
                )
            )
    return book


def units_from_rows(rows: Sequence[Sequence[object]], source: str) -> list[Unit]:
    """The 单位名录 sheet's rows as units, read by header name; fully empty rows are skipped."""
    units, _ = units_with_rows(rows, source)
    return units


def units_with_rows(rows: Sequence[Sequence[object]], source: str) -> tuple[list[Unit], list[int]]:
    """Like `units_from_rows`, also giving each unit's 1-based row number in the sheet."""
    header, cols = find_table(rows, (UNIT_NAME,), UNIT_SHEET, source)
    units, numbers = [], []
    for r in range(header + 1, len(rows)):
        row = rows[r]
        if not any(cell_text(v) for v in row):
            continue
        get = row_getter(row, cols)
        units.append(
            Unit(
                name=get(UNIT_NAME),
                aliases=tuple(split_list(get(ALIASES))),
                groups=tuple(split_list(get(GROUPS))),
                host=get(HOST),
                contact=get(CONTACT),
                phone=get(PHONE),
                email=get(EMAIL),
            )
        )
        numbers.append(r + 1)
    return units, numbers


def read_units(path: str | Path) -> list[Unit]:
    """The 单位名录 sheet of a workbook (last year's master or any directory workbook)."""
    path = Path(path)
    sheets = read_book(path, (UNIT_SHEET,))
    return [u for u in units_from_rows(sheets[UNIT_SHEET], path.name) if u.name]


def merge_units(plan_units: Sequence[Unit], existing: Sequence[Unit] = ()) -> list[Unit]:
    """The directory for a plan: its units in first-seen order, each completed by the entry of
    ``existing`` with the same name or alias (groups, aliases, contacts kept; the plan's host fills
    a missing one), then the remaining entries of ``existing`` in their order; nothing is lost."""
    index: dict[str, int] = {}
    for i, unit in enumerate(existing):
        for name in (unit.name, *unit.aliases):
            index.setdefault(squash(name), i)
    used: set[int] = set()
    merged: list[Unit] = []
    placed: set[str] = set()
    for unit in plan_units:
        i = index.get(squash(unit.name))
        if i is None:
            if squash(unit.name) not in placed:
                merged.append(unit)
                placed.add(squash(unit.name))
            continue
        if i in used:
            continue
        used.add(i)
        known = existing[i]
        merged.append(replace(known, host=known.host or unit.host))
    merged += [u for i, u in enumerate(existing) if i not in used]
    # A host (〈市商务局〉) receives workbooks, so it needs its own row even when no task names it.
    names = {squash(n) for u in merged for n in (u.name, *u.aliases)}
    for unit in list(merged):
        if unit.host and squash(unit.host) not in names:
            merged.append(Unit(unit.host))
            names.add(squash(unit.host))
    return merged


def undefined_groups(words: Iterable[str], units: Sequence[Unit]) -> list[str]:
    """The group words no directory row lists in 所属分组, in the order given."""
    defined = {squash(g) for u in units for g in u.groups}
    known = {squash(n) for u in units for n in (u.name, *u.aliases)}
    out: list[str] = []
    for word in words:
        key = squash(word)
        if key not in defined and key not in known and word not in out:
            out.append(word)
    return out


def similarity(a: str, b: str) -> str:
    """Why two different names probably mean one unit, or "" when they do not look alike.

    The rule, in order: (1) equal once spaces and full-width characters are ignored; (2) equal
    but for a generic suffix (江岸区 / 江岸区人民政府); (3) an abbreviation: both start and end
    with the same character, the shorter has at least four characters, and all its characters
    appear in the longer one in the same order (市发改委 / 市发展改革委, 市经信局 / 市经济和信息化局).
    """
    if a == b:
        return ""
    return _alike(squash(a), squash(b))


def _alike(sa: str, sb: str) -> str:
    """`similarity` of two names already squashed."""
    if sa == sb:
        return "只差空格或全角半角字符"
    for suffix in _GENERIC_SUFFIXES:
        if sa.endswith(suffix) and sa[: -len(suffix)] == sb:
            return f"只差后缀“{suffix}”"
        if sb.endswith(suffix) and sb[: -len(suffix)] == sa:
            return f"只差后缀“{suffix}”"
    short, long_ = sorted((sa, sb), key=len)
    if (
        len(short) >= 4
        and len(long_) > len(short)
        and short[0] == long_[0]
        and short[-1] == long_[-1]
        and _subsequence(short, long_)
    ):
        return f"“{short}”像是“{long_}”的简称"
    return ""


def _subsequence(short: str, long_: str) -> bool:
    chars = iter(long_)
    return all(c in chars for c in short)


def near_duplicates(names: Sequence[str]) -> list[tuple[str, str, str]]:
    """Pairs of names that look like one unit written two ways, with the reason (see `similarity`)."""
    unique = list(dict.fromkeys(n for n in names if n))
    keys = [squash(n) for n in unique]
    # Names alike by any rule of `similarity` start with the same character: compare only those.
    first: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        first.setdefault(key[:1], []).append(i)
    pairs = []
    for i, key in enumerate(keys):
        for j in first[key[:1]]:
            if j > i:
                why = _alike(key, keys[j])
                if why:
                    pairs.append((unique[i], unique[j], why))
    return pairs


def _check_host_cycles(
    units: Sequence[Unit], place: Callable[[int, str], tuple[int, str]], file: str, report: Report
) -> None:
    """承办单位 that lead back to a unit already passed: nobody would receive those workbooks
    (distribute follows the chain the same way). Each cycle once, at its first row."""
    index = {squash(n): i for i, u in enumerate(units) if u.name for n in (u.name, *u.aliases)}
    reported: set[frozenset[int]] = set()
    for start in range(len(units)):
        chain = [start]
        while True:
            host = clean(units[chain[-1]].host)
            following = index.get(squash(host)) if host else None
            if following is None or following == chain[-1]:
                break  # no host, an unknown one (unknown-host), or the unit itself
            if following in chain:
                loop = chain[chain.index(following) :]
                if frozenset(loop) not in reported:
                    reported.add(frozenset(loop))
                    first = min(loop)
                    names = [
                        units[i].name for i in loop[loop.index(first) :] + loop[: loop.index(first)]
                    ]
                    row, cell = place(first, HOST)
                    report.error(
                        "host-cycle",
                        f"单位名录第{row}行“{units[first].name}”的承办单位形成循环"
                        f"（{' → '.join([*names, names[0]])}）：请清空实际接收工作簿的单位的承办单位。",
                        file=file,
                        sheet=UNIT_SHEET,
                        cell=cell,
                        unit=units[first].name,
                        value=units[first].host,
                    )
                break
            chain.append(following)


def check_units(
    units: Sequence[Unit], place: Callable[[int, str], tuple[int, str]], file: str = ""
) -> list[Problem]:
    """Problems of 单位名录: rows without a name, a name or alias listed twice, a host not in the
    directory, hosts in a cycle, near-duplicate names (警告). ``place(index, header)`` gives a row's
    number and cell."""
    report = Report()
    seen: dict[str, int] = {}
    for i, unit in enumerate(units):
        row, cell = place(i, UNIT_NAME)
        where = {"file": file, "sheet": UNIT_SHEET, "unit": unit.name}
        if not unit.name:
            report.error(
                "empty-unit-name",
                f"单位名录第{row}行没有单位名称：请填写单位名称或删除该行。",
                cell=cell,
                **where,
            )
            continue
        for name in (unit.name, *unit.aliases):
            key = squash(name)
            if key in seen and seen[key] != row:
                report.error(
                    "duplicate-unit",
                    f"单位名录第{row}行的“{name}”与第{seen[key]}行重复：同一单位只保留一行，其他写法填入“别名”。",
                    cell=cell,
                    value=name,
                    **where,
                )
            else:
                seen[key] = row
    for i, unit in enumerate(units):
        if unit.host and squash(unit.host) not in seen:
            row, cell = place(i, HOST)
            report.error(
                "unknown-host",
                f"单位名录第{row}行“{unit.name}”的承办单位“{unit.host}”不在单位名录中："
                f"请增加“{unit.host}”一行，或改正承办单位。",
                file=file,
                sheet=UNIT_SHEET,
                cell=cell,
                unit=unit.name,
                value=unit.host,
            )
    _check_host_cycles(units, place, file, report)
    _check_near_duplicates(units, place, file, report)
    return report.problems


def _check_near_duplicates(
    units: Sequence[Unit], place: Callable[[int, str], tuple[int, str]], file: str, report: Report
) -> None:
    """Names so alike that they may be one unit written two ways (警告), unless already duplicates."""
    rows = {u.name: place(i, UNIT_NAME) for i, u in enumerate(units)}
    spellings = {u.name: {squash(n) for n in (u.name, *u.aliases)} for u in units}
    for a, b, why in near_duplicates([u.name for u in units]):
        if spellings[a] & spellings[b]:
            continue  # already a duplicate-unit
        report.warning(
            "near-duplicate",
            f"单位名录第{rows[a][0]}行“{a}”与第{rows[b][0]}行“{b}”可能是同一单位（{why}）："
            f"如是，请保留一行，把另一写法填入其“别名”。",
            file=file,
            sheet=UNIT_SHEET,
            cell=rows[b][1],
            unit=b,
            value=a,
        )
