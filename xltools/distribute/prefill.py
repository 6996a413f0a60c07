"""Last round's accepted answers, to prefill a new round's workbooks (``--prefill``).

Read from ``reports/<previous round>/汇总数据.xlsx`` as collect writes it (ARCHITECTURE.md): rows of
任务填报 with 数据状态 已采用, the 指标 rows and 单位信息, by column name; only columns that are
labels of the new round's form are taken, by field key (not the unit block's dates: 填报日期
belongs to the return it was typed in).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from xltools.core.contracts import (
    ADOPTED,
    ID,
    MERGED_TARGET_SHEET,
    MERGED_TASK_SHEET,
    MERGED_UNIT_SHEET,
    PHRASE,
    STATE,
    UNIT,
)
from xltools.core.errors import WorkspaceError
from xltools.core.excel import sheet_records
from xltools.core.i18n import _
from xltools.core.text import cell_text
from xltools.distribute.forms import Form


def previous_for(previous: dict | None, rows, targets, recipient: str) -> dict:
    """The part of ``previous`` for one workbook: its rows, its targets, its unit; {} if none."""
    if not previous:
        return {}
    tasks = {
        (r.task, r.unit): previous["tasks"][(r.task, r.unit)]
        for r in rows
        if (r.task, r.unit) in previous["tasks"]
    }
    found = {
        (t.task, t.unit, t.phrase): previous["targets"][(t.task, t.unit, t.phrase)]
        for t in targets
        if (t.task, t.unit, t.phrase) in previous["targets"]
    }
    unit = previous["units"].get(recipient, {})
    if not (tasks or found or unit):
        return {}
    return {"tasks": tasks, "targets": found, "unit": unit}


def read_previous(path: Path, form: Form) -> dict:
    """Last round's accepted answers from its 汇总数据.xlsx, keyed for prefilling.

    ``{"tasks": {(编号, 单位): {field key: value}}, "targets": {(编号, 单位, 指标): {key: value}},
    "units": {单位: {key: value}}}``; only rows with 数据状态 已采用, only fields of ``form``."""
    from xltools.core.excel import read_sheets

    try:
        sheets = read_sheets(path)
    except Exception as exc:  # calamine raises its own types for damaged files
        raise WorkspaceError(
            _("{name}: cannot read last round's merged data ({exc})").format(
                name=path.name, exc=exc
            )
        ) from exc
    result: dict = {"tasks": {}, "targets": {}, "units": {}}
    for (task, unit, state), values in _records(sheets.get(MERGED_TASK_SHEET), (ID, UNIT, STATE)):
        if state == ADOPTED:
            _keep(result["tasks"], (task, unit), _by_key(values, form.task_fields))
    for (task, unit, phrase), values in _records(
        sheets.get(MERGED_TARGET_SHEET), (ID, UNIT, PHRASE)
    ):
        _keep(result["targets"], (task, unit, phrase), _by_key(values, form.target_fields))
    for (unit,), values in _records(sheets.get(MERGED_UNIT_SHEET), (UNIT,)):
        # A date of the unit block (填报日期) belongs to that return, not to the next one.
        fields = [f for f in form.unit_fields if f.type != "date"]
        _keep(result["units"], unit, _by_key(values, fields))
    return result


def _keep(into: dict, key, values: dict) -> None:
    # A row without any value of this form (another form's answers) prefills nothing.
    if values:
        into[key] = values


def _records(rows, keys: Sequence[str]):
    header, records = sheet_records(rows or [])
    if not all(k in header for k in keys):
        return
    for values in records:
        yield tuple(cell_text(values.get(k)) for k in keys), values


def _by_key(values: dict, fields) -> dict:
    found = {}
    for f in fields:
        value = values.get(f.label)
        if value is not None and value != "":
            found[f.key] = value
    return found
