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
from dataclasses import replace
from pathlib import Path

from xltools.core.contracts import ID, SUMMARY_FILE_END
from xltools.core.errors import WorkspaceError
from xltools.core.files import locked, recover_folder, replacing
from xltools.core.i18n import _
from xltools.core.model import Master
from xltools.summary.data import RoundData, read_merged, read_round, round_form
from xltools.summary.model import MERGED_FILE, Rules, Summary, titled

__all__ = [
    "compute_summary",
    "make_summary",
    "notice_path",
    "progress_due",
    "read_merged",
    "read_round",
    "summary_name",
    "summary_pdf",
]


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
    merged: RoundData,
    status=None,
    problems=None,
    history: list | None = None,
    rules: Rules | None = None,
    *,
    title: str = "",
    office: str = "",
    today: dt.date | None = None,
    contacts: dict | None = None,
) -> Summary:
    """The figures and tables of one round's summary (pure: nothing is read or written).

    ``round`` is the workspace's Round (key, name, due, period_end); ``merged`` its `RoundData`;
    ``status``/``problems`` (DataFrames) default to those in ``merged``; ``history`` is this
    year's earlier rounds as ``(Round, RoundData)``, oldest first; ``rules`` defaults to
    `Rules()`; ``contacts`` maps a unit to (liaison, phone, where from) found in its earlier
    returns, for units 单位名录 has no liaison of.
    """
    from xltools.summary.calc import calculate
    from xltools.summary.closing import closing_of, split_closed
    from xltools.summary.followup import followup_of

    # Tasks closed (销号) by the period's end count apart, never among the statuses.
    end = _as_date(round.period_end)
    master, closed = split_closed(master, end)
    merged = _without_tasks(merged, {t.id for t in closed})
    summary = calculate(
        master,
        key=str(round.key),
        period=_name(round),
        due=progress_due(round.period_end),
        deadline=_as_date(getattr(round, "due", None)),
        tasks=merged.answers(),
        targets=merged.targets,
        status=merged.status if status is None else status,
        problems=merged.problems if problems is None else problems,
        history=[(_name(r), progress_due(r.period_end), m.answers()) for r, m in (history or [])],
        rules=rules or Rules(),
        title=title,
        today=today or dt.date.today(),
        contacts=contacts,
        period_end=end,
    )
    summary.office = office
    earlier = set(history[-1][1].tasks[ID]) if history else None
    rules = rules or Rules()
    summary.closing = closing_of(summary, closed, end, None, earlier, rules.done_min_progress)
    if end is not None:
        summary.followup = followup_of(summary, master, end)
    return summary


def _without_tasks(merged: RoundData, ids: set[str]) -> RoundData:
    """``merged`` without the task rows and targets of the tasks ``ids``."""
    if not ids:
        return merged
    return replace(
        merged,
        tasks=merged.tasks[~merged.tasks[ID].isin(ids)],
        targets=merged.targets[~merged.targets[ID].isin(ids)],
    )


def _name(rnd) -> str:
    return str(getattr(rnd, "name", "") or rnd.key)


# The unit-level fields that hold a unit's liaison and phone, most telling first (plan.yaml's
# liaison and mobile, quarterly.yaml's reporter and reporter_phone); else the first person or
# phone field of the form.
PERSON_KEYS = ("liaison", "reporter")
PHONE_KEYS = ("mobile", "reporter_phone", "office_phone")


def earlier_contacts(rounds: list[tuple[object, RoundData, object]]) -> dict:
    """Each unit's liaison and phone from its latest return among ``rounds`` ((Round, RoundData,
    Form), oldest first): {unit: (liaison, phone, "<round name>报表")}."""
    contacts: dict = {}
    for rnd, data, form in rounds:
        fields = form.unit_fields

        def pick(keys, kind, fields=fields):
            chosen = [f for k in keys for f in fields if f.key == k]
            chosen += [f for f in fields if f.type == kind and f.key != "leader"]
            return chosen[0].label if chosen else None

        person, phone = pick(PERSON_KEYS, "person"), pick(PHONE_KEYS, "phone")
        units = data.units
        if units is None or not len(units) or (person not in units and phone not in units):
            continue
        for row in units.to_dict("records"):
            who = str(row.get(person) or "") if person else ""
            tel = str(row.get(phone) or "") if phone else ""
            if who or tel:
                contacts[str(row.get("单位", ""))] = (who, tel, f"{_name(rnd)}报表")
    return contacts


def summary_name(title: str, period: str) -> str:
    """The report's file name: ``<title><period>落实情况汇总.xlsx`` (the year once, as in
    `titled`), safe on Windows."""
    from xltools.core.excel import file_name

    return file_name(titled(title, period, SUMMARY_FILE_END.removesuffix(".xlsx")))


def _earlier_rounds(workspace, current) -> tuple[list, list]:
    """This year's quarterly rounds before ``current`` whose merged data exists (the trend), and
    every round before it with merged data (for liaisons), each oldest first."""
    end = _as_date(current.period_end)
    quarters, others = [], []
    for r in workspace.rounds:
        if r.key == current.key or not (Path(workspace.reports(r.key)) / MERGED_FILE).exists():
            continue
        r_end = _as_date(getattr(r, "period_end", None))
        if r_end is None:
            others.append(r)  # the implementation-plan round: liaisons only
        elif r_end < end and r_end.year == end.year:
            quarters.append(r)
    quarters.sort(key=lambda r: _as_date(r.period_end))
    return quarters, others


def make_summary(
    workspace,
    round_key: str,
    *,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    pdf: bool = False,
) -> Path:
    """Write the summary workbook of a workspace round into its reports folder, and beside it the
    通报 drafted from it (`notice_path`); return the workbook's path. ``pdf``: also print both to
    PDF beside them (the same names with ``.pdf``), still holding the round's lock.

    The 通报 is rendered from the workspace's ``templates/通报.docx`` when there is one, else the
    bundled template, with the standing texts of the ``notice`` settings of xltools.yaml."""
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
    reports = Path(workspace.reports(current.key))
    # The round's lock: a collect rewriting these reports meanwhile would swap them under us.
    with locked(reports, current.key):
        recover_folder(reports)
        target = _write(workspace, current, today, say)
        if pdf:  # here, not after: a collect meanwhile would move them into 旧版/
            say(_("Printing them to PDF with LibreOffice"))
            summary_pdf(target)
            summary_pdf(notice_path(target))
        return target


def _write(workspace, current, today, say) -> Path:
    from xltools.core.workers import alongside
    from xltools.summary.notice import write_notice
    from xltools.summary.sheets import write_summary

    quarters, others = _earlier_rounds(workspace, current)
    say(_("reading the merged data"))
    for r in quarters:
        say(_("reading {key} for the trend").format(key=r.key))
    # The master list and the earlier rounds are read by a helper process on a second core,
    # this round here; pandas is imported before the helper is forked, once for both.
    import pandas  # noqa: F401

    rounds = [*others, *quarters]
    (master, earlier), merged = alongside(
        lambda: (workspace.master(), [_earlier_data(workspace, r.key) for r in rounds]),
        lambda: read_round(workspace, current.key),
    )
    history = [(r, data) for r, (data, _form) in zip(quarters, earlier[len(others) :], strict=True)]
    contacts = earlier_contacts(
        [(r, data, form) for r, (data, form) in zip(rounds, earlier, strict=True)]
    )
    say(_("computing"))
    summary = compute_summary(
        master,
        current,
        merged,
        history=history,
        rules=Rules.from_mapping(getattr(workspace, "lights", None)),
        title=workspace.title,
        office=getattr(workspace, "office", ""),
        today=today,
        contacts=contacts,
    )
    target = Path(workspace.reports(current.key)) / summary_name(workspace.title, summary.period)
    notice = notice_path(target)
    say(_("writing {name}").format(name=target.name))
    say(_("writing {name}").format(name=notice.name))

    def workbook() -> None:
        # Written beside the target and moved into place: a failure never leaves half a report.
        with replacing(target) as tmp:
            write_summary(summary, tmp)

    # The 通报 is drafted by a helper process on a second core while the workbook is written.
    alongside(
        lambda: write_notice(
            summary,
            notice,
            settings=getattr(workspace, "notice", None),
            workbook=target.name,
            search=[Path(workspace.root) / "templates"],
        ),
        workbook,
    )
    return target


def _earlier_data(workspace, round_key: str) -> tuple[RoundData, object]:
    """An earlier round's data as the summary reads it, and its form: statuses and progress for
    the trend, liaisons for the units that did not report (not the 60,000 rows of free text,
    which a helper process would pickle back for nothing)."""
    from xltools.summary.calc import TREND_KEYS

    form = round_form(workspace, round_key)
    data = read_merged(Path(workspace.reports(round_key)), form)
    return data.narrowed(TREND_KEYS), form


def notice_path(workbook: Path) -> Path:
    """The 通报 `make_summary` writes beside a summary workbook (``…落实情况通报.docx``)."""
    from xltools.summary.notice import notice_name

    return notice_name(Path(workbook))


def summary_pdf(source: Path) -> Path:
    """Print the summary workbook (or the 通报) to a PDF beside it with LibreOffice; return the
    PDF's path. Of a round's reports, through ``make_summary(…, pdf=True)``, which holds the round's
    lock (a collect meanwhile moves them into 旧版/)."""
    from xltools.core.office import convert

    with tempfile.TemporaryDirectory(dir=source.parent, prefix=".pdf-") as tmp:
        made = convert(source, "pdf", Path(tmp))
        target = source.with_suffix(".pdf")
        os.replace(made, target)
    return target
