"""One round's collected data as pandas DataFrames: what `xltools collect` wrote, typed with care.

`read_round(ws, "2023Q2")` is the public entry point (an analyst's, in Jupyter, and the summary's);
`read_merged(folder, form)` does the same for a reports folder outside a workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from xltools.core.contracts import (
    FILE,
    ID,
    MERGED_FILE,
    MERGED_TARGET_SHEET,
    MERGED_TASK_SHEET,
    MERGED_UNIT_SHEET,
    PHRASE,
    PROBLEMS_FILE,
    PROBLEMS_SHEET,
    ROLE,
    SAVED,
    STATE,
    STATE_COLUMN,
    STATUS_FILE,
    STATUS_SHEET,
    TIMELINESS,
    UNIT,
)
from xltools.core.errors import WorkbookError
from xltools.core.i18n import _

__all__ = ["RoundData", "read_merged", "read_round"]

_REQUIRED = {
    MERGED_TASK_SHEET: (ID, UNIT, ROLE, STATE),
    MERGED_TARGET_SHEET: (ID, PHRASE, UNIT),
    STATUS_SHEET: (UNIT, STATE_COLUMN),
}
# Columns that are text whatever a cell holds: a 编号 such as 2-10 or 1 must not become a number or
# a date, a phone number must keep its leading 0 and never turn into 2.7e+10.
_TEXT = {ID, UNIT, ROLE, STATE, FILE, STATE_COLUMN, TIMELINESS, "单元格", "任务", "值"}
_NUMBERS = {"目标值", "累计完成值", "错误数", "警告数"}


@dataclass
class RoundData:
    """One round's data as collect wrote it, one DataFrame per sheet, columns as headed there.

    - ``tasks``: 汇总数据.xlsx / 任务填报, one row per expected (task, unit): 编号, 板块, 方向, 类别,
      序号, 任务内容, 单位, 角色, 数据状态 (已采用/退回修改/未报送), then each task field of the form
      under its label, then 文件, sha256, 保存时间. Answers are empty unless 已采用.
    - ``targets``: 汇总数据.xlsx / 指标 (目标值 and 累计完成值 as numbers).
    - ``units``: 汇总数据.xlsx / 单位信息 (each unit-level field under its label).
    - ``status``: 报送情况.xlsx (错误数/警告数 as integers, 保存时间 as a datetime).
    - ``problems``: 问题清单.xlsx (empty when the file is absent).
    - ``fields``: the form's field keys by their labels in these sheets (``{"完成状态": "status"}``);
      `answers` gives ``tasks`` with those columns named by key, as the summary reads them.

    编号, 单位, the phone and person fields and every free-text field are text (``str``; ``""`` when
    empty); number and percent fields are floats (NaN when empty); dates stay as collect wrote them.
    """

    tasks: Any = None
    targets: Any = None
    units: Any = None
    status: Any = None
    problems: Any = None
    fields: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, tasks=(), targets=(), units=(), status=(), problems=(), form=None):
        """A `RoundData` from rows given as dicts by header (as collect's sheets hold them),
        typed as `read_merged` types them: for tests and callers that build data in code."""
        sheets, names = {}, {}
        for sheet, rows, required in (
            (MERGED_TASK_SHEET, tasks, _REQUIRED[MERGED_TASK_SHEET]),
            (MERGED_TARGET_SHEET, targets, _REQUIRED[MERGED_TARGET_SHEET]),
            (MERGED_UNIT_SHEET, units, (UNIT, FILE)),
            (STATUS_SHEET, status, _REQUIRED[STATUS_SHEET]),
            (PROBLEMS_SHEET, problems, ("代码", "严重程度", UNIT, FILE)),
        ):
            headers = list(dict.fromkeys([*required, *(h for row in rows for h in row)]))
            sheets[sheet] = [headers, *([row.get(h) for h in headers] for row in rows)]
            names[sheet] = Path(sheet)
        return _typed(sheets, names, form)

    def narrowed(self, keys) -> RoundData:
        """This round with only the task columns that identify a row (编号, 单位, 角色, 数据状态)
        and the answers of the fields ``keys``; the other sheets as they are."""
        labels = [label for label, key in self.fields.items() if key in keys]
        columns = [c for c in (ID, UNIT, ROLE, STATE, *labels) if c in self.tasks.columns]
        return replace(self, tasks=self.tasks[columns])

    def answers(self):
        """``tasks`` with the form's task fields named by key (``status``, ``progress`` …): the
        summary reads them so, and an office that renames a label in its form changes nothing."""
        return self.tasks.rename(columns=self.fields)


def _read(path: Path) -> dict[str, list[list]]:
    from xltools.core.excel import read_sheets

    if not path.exists():
        raise WorkbookError(
            _("{name}: not found in {parent}; run `xltools collect` for this round first").format(
                name=path.name, parent=path.parent
            )
        )
    try:
        return read_sheets(path)
    except Exception as exc:  # calamine raises its own types for damaged files
        raise WorkbookError(
            _("{name}: cannot be read: {exc}").format(name=path.name, exc=exc)
        ) from exc


def _text(value) -> str:
    """A cell as text: a whole number without ``.0`` (a phone or 编号 a spreadsheet made numeric)."""
    from xltools.core.text import cell_text

    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell_text(value)


def _frame(sheets: dict, path: Path, sheet: str, *, text=(), numbers=(), keys=_TEXT):
    """A sheet as a DataFrame by header (read by header name, never by position)."""
    import pandas as pd

    headers = _headers(sheets, path, sheet)
    grid = sheets[sheet]
    frame = pd.DataFrame(grid[1:], columns=headers, dtype=object) if len(grid) > 1 else None
    if frame is None:
        frame = pd.DataFrame(columns=headers, dtype=object)
    # Columns without a header are not read; rows without any value are not rows.
    frame = frame.loc[:, [bool(h) for h in headers]]
    # (collect's rows always hold their first required column: checking it alone is enough)
    check = [h for h in _REQUIRED.get(sheet, ()) if h in frame.columns][:1] or list(frame.columns)
    held = frame[check].notna() & frame[check].ne("")
    frame = frame[held.any(axis=1)].reset_index(drop=True)
    for name in frame.columns:
        column = frame[name]
        if name in numbers:
            frame[name] = pd.to_numeric(column.replace("", None), errors="coerce")
        elif name in keys:
            # Each distinct value once: ids and unit names recur on thousands of rows.
            distinct = {v: _text(v) for v in column.unique()}
            frame[name] = column.map(distinct).astype(object)
        elif name in text:
            # Free text is nearly all distinct: only what is not text yet is converted.
            kinds = column.map(type)
            other = kinds.ne(str)
            if other.any():
                column = column.where(~other, column[other].map(_text))
            frame[name] = column.astype(object)
        elif name == SAVED:
            frame[name] = pd.to_datetime(column.replace("", None), errors="coerce")
    return frame


def _headers(sheets: dict, path: Path, sheet: str) -> list[str]:
    """A sheet's headers, checked for the columns the summary needs."""
    from xltools.core.text import clean

    if sheet not in sheets:
        raise WorkbookError(
            _("{name}: has no sheet {sheet!r}; run `xltools collect` again").format(
                name=path.name, sheet=sheet
            )
        )
    grid = sheets[sheet]
    headers = [clean(h) for h in grid[0]] if grid else []
    missing = [name for name in _REQUIRED.get(sheet, ()) if name not in headers]
    if missing:
        raise WorkbookError(
            _("{name}: sheet {sheet!r} lacks the columns {names}").format(
                name=path.name, sheet=sheet, names=", ".join(missing)
            )
        )
    return headers


def read_merged(reports_dir: Path, form=None) -> RoundData:
    """Read collect's files in ``reports/<round>/`` (merged data, reporting status, problems) as
    DataFrames; ``form`` (a `distribute.forms.Form`) names and types the answer columns (default:
    the bundled quarterly form)."""
    reports_dir = Path(reports_dir)
    merged = reports_dir / MERGED_FILE
    sheets = _read(merged)
    for sheet in (MERGED_TASK_SHEET, MERGED_TARGET_SHEET):  # before reading the other files
        _headers(sheets, merged, sheet)
    names = {name: merged for name in sheets}
    path = reports_dir / STATUS_FILE
    sheets[STATUS_SHEET] = _read(path).get(STATUS_SHEET)
    names[STATUS_SHEET] = path
    if sheets[STATUS_SHEET] is None:
        del sheets[STATUS_SHEET]
    # Collect writes 问题清单.xlsx; a folder without it has no problems to count.
    path = reports_dir / PROBLEMS_FILE
    if path.exists():
        sheets[PROBLEMS_SHEET] = _read(path).get(PROBLEMS_SHEET, [])
        names[PROBLEMS_SHEET] = path
    return _typed(sheets, names, form)


def _typed(sheets: dict, names: dict, form) -> RoundData:
    """The frames of collect's sheets (``names``: the file each came from, for messages)."""
    import pandas as pd

    from xltools.distribute.forms import load_form

    form = form or load_form("quarterly")
    labels = {f.label: f for f in form.task_fields}
    text_fields = {
        lab for lab, f in labels.items() if f.type not in ("integer", "number", "percent")
    }
    number_fields = set(labels) - text_fields
    unit_labels = {f.label for f in form.unit_fields}

    def frame(sheet, **kinds):
        return _frame(sheets, names.get(sheet, Path(MERGED_FILE)), sheet, **kinds)

    empty_problems = pd.DataFrame(columns=["代码", "严重程度", UNIT, FILE])
    return RoundData(
        tasks=frame(MERGED_TASK_SHEET, text=_TEXT | text_fields, numbers=number_fields),
        targets=frame(MERGED_TARGET_SHEET, text=_TEXT | {PHRASE}, numbers=_NUMBERS),
        # 单位信息 is informative only; the summary does without it.
        units=(
            frame(MERGED_UNIT_SHEET, text=_TEXT | unit_labels)
            if MERGED_UNIT_SHEET in sheets
            else pd.DataFrame(columns=[UNIT, FILE])
        ),
        status=frame(STATUS_SHEET, text=_TEXT, numbers=_NUMBERS),
        problems=(
            frame(PROBLEMS_SHEET, text=_TEXT | {"严重程度"})
            if sheets.get(PROBLEMS_SHEET)
            else empty_problems
        ),
        fields={f.label: f.key for f in form.task_fields},
    )


def round_form(workspace, round_key: str):
    """The form definition of a workspace round (its own ``templates/`` first)."""
    from xltools.distribute.forms import load_form

    rnd = workspace.round(round_key)
    return load_form(rnd.form, search=[Path(workspace.root) / "templates"])


def read_round(workspace, round_key: str) -> RoundData:
    """A round's collected data as pandas DataFrames (see `RoundData`), for the summary or for an
    analyst::

        import xltools
        ws = xltools.load_workspace("wuhan-2023")
        data = xltools.read_round(ws, "2023Q2")
        data.tasks.groupby("数据状态").size()      # rows adopted, sent back, missing
        data.answers().query("角色 == '牵头'").groupby("status").size()
        data.status[data.status["是否按时"] == "逾期"]

    Reads ``reports/<round>/`` as `xltools collect` wrote it (run it first); the round's form
    definition (the workspace's ``templates/`` first) tells which columns are answers and their
    types. Raises `WorkbookError` when a file is missing or lacks a required column.
    """
    rnd = workspace.round(round_key)
    return read_merged(Path(workspace.reports(rnd.key)), round_form(workspace, rnd.key))
