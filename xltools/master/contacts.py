"""Write the liaisons units reported (the plan round's 填报单位信息) into 单位名录 of master.xlsx."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from xltools.core.contracts import CONTACT, PHONE, UNIT_NAME, UNIT_SHEET
from xltools.core.excel import set_text
from xltools.core.text import cell_text, squash
from xltools.master.units import find_table


def checked_values(submission, form) -> dict[str, object]:
    """A return's unit fields by key, without those its checks flagged (a 手机 of 4 digits is a
    warning that lets the return through, but it must not reach 单位名录)."""
    flagged = {p.field for p in submission.problems}
    return {
        f.key: submission.unit_values[f.key]
        for f in form.unit_fields
        if f.key in submission.unit_values and f.label not in flagged
    }


def update_contacts(path: Path, unit_values: Mapping[str, Mapping[str, object]]) -> Path | None:
    """Write each unit's reported liaison and phone into 单位名录 of the master at ``path``, after
    keeping a dated copy of the old master next to it. ``unit_values`` holds the accepted returns'
    unit fields by key, as templates/plan.yaml names them: 督办工作人员姓名 (``liaison``), 手机
    (``mobile``), 办公电话 (``office_phone``) — pass them through `checked_values`, so that a value
    the checks flagged is never written; the 办公电话 stands in for a missing (or flagged) 手机.
    Returns the copy's path, or None when nothing changed."""
    from openpyxl import load_workbook

    reported = {}
    for unit, values in unit_values.items():
        name = values.get("liaison")
        phone = values.get("mobile") or values.get("office_phone")
        if name or phone:
            reported[squash(unit)] = (name, phone)
    if not reported:
        return None
    path = Path(path)
    wb = load_workbook(path)
    sheet = wb[UNIT_SHEET]
    # Columns by header name, below any title row the office added (as read_master reads them).
    top = [[c.value for c in row] for row in sheet.iter_rows(max_row=10)]
    header, col = find_table(top, (UNIT_NAME, CONTACT, PHONE), UNIT_SHEET, path.name)
    changed = False
    for row in sheet.iter_rows(min_row=header + 2):
        if len(row) <= max(col.values()):
            continue
        answer = reported.get(squash(row[col[UNIT_NAME]].value))
        if answer is None:
            continue
        for value, cell in zip(answer, (row[col[CONTACT]], row[col[PHONE]]), strict=True):
            if value and cell_text(cell.value) != value:
                set_text(cell, value)
                changed = True
    if not changed:  # a rerun with the same liaisons keeps no copy and leaves the master alone
        return None
    backup = path.with_name(f"{path.stem}-{date.today():%Y%m%d}{path.suffix}")
    n = 1
    while backup.exists():  # a second run the same day must not overwrite the first copy
        n += 1
        backup = path.with_name(f"{path.stem}-{date.today():%Y%m%d}-{n}{path.suffix}")
    shutil.copy2(path, backup)
    temp = path.with_name(f".{path.stem}-updating{path.suffix}")
    wb.save(temp)
    temp.replace(path)
    return backup
