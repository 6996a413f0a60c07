"""The quarterly summary for the leaders: read collect's merged data, compute, write the report.

`compute_summary` is pure (data in, `Summary` out); `sheets.write_summary` writes the
workbook and `notice.write_notice` the Word 通报 drafted from it; `make_summary` ties them to a
workspace round. The rules behind the traffic lights
come from the ``lights`` mapping of ``xltools.yaml``; `Rules` lists the keys and their defaults.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from xltools.core.contracts import (
    ID,
    MERGED_TARGET_SHEET,
    MERGED_TASK_SHEET,
    MERGED_UNIT_SHEET,
    PHRASE,
    PROBLEMS_SHEET,
    ROLE,
    STATE,
    STATE_COLUMN,
    STATUS_SHEET,
    SUMMARY_FILE_END,
    UNIT,
)
from xltools.core.errors import WorkbookError, WorkspaceError
from xltools.core.excel import sheet_records
from xltools.core.files import replacing
from xltools.core.i18n import _
from xltools.core.model import Master
from xltools.core.text import cell_text
from xltools.summary.model import (
    MERGED_FILE,
    PROBLEMS_FILE,
    STATUS_FILE,
    MergedData,
    Rows,
    Rules,
    Summary,
)

__all__ = [
    "compute_summary",
    "make_summary",
    "notice_path",
    "progress_due",
    "read_merged",
    "summary_name",
    "summary_pdf",
]

_REQUIRED = {
    MERGED_TASK_SHEET: (ID, UNIT, ROLE, STATE),
    MERGED_TARGET_SHEET: (ID, PHRASE, UNIT),
    STATUS_SHEET: (UNIT, STATE_COLUMN),
}


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


def _rows(sheets: dict, path: Path, sheet: str, required: tuple[str, ...] = ()) -> Rows:
    """A sheet's rows as dicts by header (read by header name, never by position)."""
    if sheet not in sheets:
        raise WorkbookError(
            _("{name}: has no sheet {sheet!r}; run `xltools collect` again").format(
                name=path.name, sheet=sheet
            )
        )
    headers, rows = sheet_records(sheets[sheet])
    missing = [name for name in required if name not in headers]
    if missing:
        raise WorkbookError(
            _("{name}: sheet {sheet!r} lacks the columns {names}").format(
                name=path.name, sheet=sheet, names=", ".join(missing)
            )
        )
    return rows


def read_merged(reports_dir: Path) -> MergedData:
    """Read collect's files in ``reports/<round>/`` (merged data, reporting status, problems)."""
    reports_dir = Path(reports_dir)
    path = reports_dir / MERGED_FILE
    sheets = _read(path)
    data = MergedData(
        tasks=_rows(sheets, path, MERGED_TASK_SHEET, _REQUIRED[MERGED_TASK_SHEET]),
        targets=_rows(sheets, path, MERGED_TARGET_SHEET, _REQUIRED[MERGED_TARGET_SHEET]),
        # 单位信息 is informative only; the summary does without it.
        units=_rows(sheets, path, MERGED_UNIT_SHEET) if MERGED_UNIT_SHEET in sheets else [],
    )
    path = reports_dir / STATUS_FILE
    data.status = _rows(_read(path), path, STATUS_SHEET, _REQUIRED[STATUS_SHEET])
    # Collect writes 问题清单.xlsx; a folder without it has no problems to count.
    path = reports_dir / PROBLEMS_FILE
    if path.exists():
        data.problems = _rows(_read(path), path, PROBLEMS_SHEET)
    return data


def _as_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def progress_due(period_end) -> float:
    """序时进度 at a period's end: the share of the year passed (03-31 → 0.25, 06-30 → 0.5)."""
    end = _as_date(period_end)
    if end is None:
        raise WorkspaceError(
            _("a quarterly round needs a period_end date, not {period_end!r}").format(
                period_end=period_end
            )
        )
    days = calendar.monthrange(end.year, end.month)[1]
    return round((end.month - 1 + end.day / days) / 12, 4)


def compute_summary(
    master: Master,
    round,
    merged: MergedData,
    status: Rows | None = None,
    problems: Rows | None = None,
    history: list | None = None,
    rules: Rules | None = None,
    *,
    title: str = "",
    office: str = "",
    today: dt.date | None = None,
) -> Summary:
    """The figures and tables of one round's summary (pure: nothing is read or written).

    ``round`` is the workspace's Round (key, name, period_end); ``status``/``problems`` default to
    those in ``merged``; ``history`` is this year's earlier rounds as ``(Round, MergedData)``,
    oldest first; ``rules`` defaults to `Rules()`.
    """
    from xltools.summary.calc import calculate
    from xltools.summary.closing import closing_of, split_closed

    # Tasks closed (销号) by the period's end count apart, never among the statuses.
    end = _as_date(round.period_end)
    master, closed = split_closed(master, end)
    shut = {t.id for t in closed}
    if shut:
        merged = MergedData(
            tasks=[r for r in merged.tasks if cell_text(r.get(ID)) not in shut],
            targets=[r for r in merged.targets if cell_text(r.get(ID)) not in shut],
            units=merged.units,
            status=merged.status,
            problems=merged.problems,
        )
    summary = calculate(
        master,
        key=str(round.key),
        period=str(getattr(round, "name", "") or round.key),
        due=progress_due(round.period_end),
        tasks=merged.tasks,
        targets=merged.targets,
        status=merged.status if status is None else status,
        problems=merged.problems if problems is None else problems,
        history=[
            (str(getattr(r, "name", "") or r.key), progress_due(r.period_end), m.tasks)
            for r, m in (history or [])
        ],
        rules=rules or Rules(),
        title=title,
        today=today or dt.date.today(),
    )
    summary.office = office
    earlier = {cell_text(r.get(ID)) for r in history[-1][1].tasks} if history else None
    rules = rules or Rules()
    summary.closing = closing_of(summary, closed, end, None, earlier, rules.done_min_progress)
    return summary


def summary_name(title: str, period: str) -> str:
    """The report's file name: ``<title><period>落实情况汇总.xlsx``, safe on Windows."""
    from xltools.core.excel import file_name

    return file_name(f"{title}{period}{SUMMARY_FILE_END.removesuffix('.xlsx')}")


def _earlier_rounds(workspace, current) -> list:
    """This year's quarterly rounds before ``current`` whose merged data exists, oldest first."""
    end = _as_date(current.period_end)
    earlier = []
    for r in workspace.rounds:
        r_end = _as_date(getattr(r, "period_end", None))
        if r_end is None or r_end >= end or r_end.year != end.year:
            continue
        if (Path(workspace.reports(r.key)) / MERGED_FILE).exists():
            earlier.append(r)
    return sorted(earlier, key=lambda r: _as_date(r.period_end))


def make_summary(
    workspace,
    round_key: str,
    *,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write the summary workbook of a workspace round into its reports folder, and beside it the
    通报 drafted from it (`notice_path`); return the workbook's path.

    The 通报 is rendered from the workspace's ``templates/通报.docx`` when there is one, else the
    bundled template, with the standing texts of the ``notice`` settings of xltools.yaml."""
    from xltools.summary.notice import write_notice
    from xltools.summary.sheets import write_summary

    say = progress or (lambda _message: None)
    current = workspace.round(round_key)
    if _as_date(getattr(current, "period_end", None)) is None:
        quarters = [r.key for r in workspace.rounds if _as_date(getattr(r, "period_end", None))]
        raise WorkspaceError(
            _(
                "the summary for the leaders is written for a quarter, and {round} ({name}) is not "
                "one: run `xltools summary` with a quarter ({quarters}); what {round} collected is "
                "in reports/{round}/ (a quarter needs its period_end in xltools.yaml)"
            ).format(
                round=current.key,
                name=current.name,
                quarters=", ".join(quarters) or "2023Q1",
            )
        )
    reports = Path(workspace.reports(round_key))
    say(_("reading the merged data"))
    merged = read_merged(reports)
    history = []
    for r in _earlier_rounds(workspace, current):
        say(_("reading {key} for the trend").format(key=r.key))
        history.append((r, read_merged(Path(workspace.reports(r.key)))))
    rules = Rules.from_mapping(getattr(workspace, "lights", None))
    say(_("computing"))
    summary = compute_summary(
        workspace.master(),
        current,
        merged,
        history=history,
        rules=rules,
        title=workspace.title,
        office=getattr(workspace, "office", ""),
        today=today,
    )
    target = reports / summary_name(workspace.title, summary.period)
    say(_("writing {name}").format(name=target.name))
    # Written beside the target and moved into place: a failure never leaves half a report.
    with replacing(target) as tmp:
        write_summary(summary, tmp)
    notice = notice_path(target)
    say(_("writing {name}").format(name=notice.name))
    write_notice(
        summary,
        notice,
        settings=getattr(workspace, "notice", None),
        workbook=target.name,
        search=[Path(workspace.root) / "templates"],
    )
    return target


def notice_path(workbook: Path) -> Path:
    """The 通报 `make_summary` writes beside a summary workbook (``…落实情况通报.docx``)."""
    from xltools.summary.notice import notice_name

    return notice_name(Path(workbook))


def summary_pdf(source: Path) -> Path:
    """Print the summary workbook (or the 通报) to a PDF beside it with LibreOffice; return the
    PDF's path."""
    from xltools.core.office import convert

    with tempfile.TemporaryDirectory(dir=source.parent, prefix=".pdf-") as tmp:
        made = convert(source, "pdf", Path(tmp))
        target = source.with_suffix(".pdf")
        os.replace(made, target)
    return target
