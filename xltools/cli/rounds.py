"""A round: ``distribute`` the units' workbooks (and ``diff`` the master since the last round),
``status`` of the returns, ``collect`` them into reports/ROUND/."""

from __future__ import annotations

from pathlib import Path

import click

from xltools.cli.base import ROUND, command, echo_err, option, progress_bar, workspace_option
from xltools.cli.year import echo_stray, echo_year
from xltools.core.errors import XltoolsError
from xltools.core.i18n import _, listed


@command()
@click.argument("round_key", metavar="ROUND", type=ROUND)
@option(
    "--prefill/--no-prefill",
    default=None,
    help="Write last round's accepted answers into the workbooks  [default: on for quarters after the first]",
)
@option("--force", is_flag=True, help="Write a round again that was already distributed")
@workspace_option
def distribute(round_key: str, prefill: bool | None, force: bool, workspace: Path | None) -> None:
    """Write one fillable workbook per unit for a round into outbox/ROUND/.

    Group words are expanded through 单位名录 and hosted offices routed to their host; a manifest
    lists every workbook with its counts and checksum.

    \b
    Example:
      xltools distribute plan
      xltools distribute 2023Q2 --no-prefill
    """
    from xltools.distribute.diff import changes_since_last_round
    from xltools.distribute.round import distribute as run
    from xltools.master.workspace import load

    ws = load(workspace)
    since, changes = changes_since_last_round(ws, round_key)
    if changes is not None:
        _echo_diff(
            changes,
            _("Changes to the master since {round} was distributed").format(round=since.key),
        )
    progress, close = progress_bar(_("Writing workbooks"))
    try:
        result = run(ws, round_key, prefill=prefill, force=force, progress=progress)
    finally:
        close()
    for warning in result.warnings:
        echo_err(_("Warning: {message}").format(message=warning))
    click.echo(
        _(
            "Wrote {books} workbooks ({lead} lead rows, {partner} partner rows) and {manifest} to {folder}"
        ).format(
            books=len(result.books),
            lead=result.lead_rows,
            partner=result.partner_rows,
            manifest=result.manifest.name,
            folder=result.folder,
        )
    )
    if result.prefilled:
        click.echo(
            _("Prefilled {count} workbooks with last round's accepted answers").format(
                count=result.prefilled
            )
        )
    if result.moved:  # what --force found there besides the workbooks it writes again
        click.echo(
            _("Moved what else {folder} held into {aside}: {names}").format(
                folder=result.folder, aside=result.moved_to, names=listed(result.moved)
            )
        )


def _echo_diff(diff, title: str) -> None:
    """The changes of a master and the workbooks they change, one line each."""
    if diff.empty:
        click.echo(_("{title}: none").format(title=title))
        return
    click.echo(_("{heading}:").format(heading=title))
    labels = {
        "added": _("added"),
        "removed": _("removed"),
        "reworded": _("reworded"),
        "reowned": _("re-owned"),
        "split": _("split"),
        "merged": _("merged"),
        "closed": _("closed"),
        "reopened": _("reopened"),
    }
    for change in diff.changes:
        if change.kind in ("split", "merged"):
            ids = f"{', '.join(change.old)} -> {', '.join(change.new)}"
        else:
            ids = listed(change.new or change.old)
        click.echo(f"  {labels[change.kind]:<9} {ids}  {change.detail}")
    if diff.forms:
        click.echo(_("Workbooks that change ({count}):").format(count=len(diff.forms)))
    for form in diff.forms:
        parts = [f"+{x}" for x in form.added] + [f"-{x}" for x in form.removed]
        parts += [f"~{x}" for x in form.changed]
        click.echo(f"  {form.recipient}\t{' '.join(parts)}")
    if diff.new_recipients:
        click.echo(_("New recipients: {units}").format(units="、".join(diff.new_recipients)))
    if diff.gone_recipients:
        click.echo(_("No workbook any more: {units}").format(units="、".join(diff.gone_recipients)))


@command()
@click.argument("old", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@workspace_option
def diff(old: Path | None, new: Path | None, workspace: Path | None) -> None:
    """Show what changed in the master list between two versions, and whose workbooks change.

    Without OLD: the master as the last round was distributed (kept in outbox/ROUND/留底/);
    without NEW: the workspace's master. Lists tasks added, removed, re-worded, re-owned, split
    (2-49 -> 2-49-1, 2-49-2), merged, closed (销号) or reopened, then each unit whose next
    workbook gains (+), loses (-) or changes (~) rows.

    \b
    Example:
      xltools diff
      xltools diff outbox/2023Q1/留底/master.xlsx master.xlsx
    """
    from xltools.distribute.diff import changes_since_last_round, diff_files, kept_master

    title = _("Changes from {old} to {new}")
    if old is not None and new is not None:
        _echo_diff(diff_files(old, new), title.format(old=old, new=new))
        return
    from xltools.master.workspace import load

    ws = load(workspace)
    new = new or ws.master_path
    if old is None:
        rnd, changes = changes_since_last_round(ws)
        if rnd is None:
            raise XltoolsError(
                _("no round was distributed with a copy of its master yet; give OLD and NEW")
            )
        if new == ws.master_path:
            _echo_diff(changes, title.format(old=kept_master(ws, rnd), new=new))
            return
        old = kept_master(ws, rnd)
    _echo_diff(diff_files(old, new), title.format(old=old, new=new))


@command()
@click.argument("round_key", metavar="ROUND", type=ROUND)
@option("--json", "as_json", is_flag=True, help="Print the problems and status as JSON")
@option(
    "--update-contacts",
    is_flag=True,
    help="Write the liaisons units reported into 单位名录 (plan round; keeps a dated copy)",
)
@workspace_option
def collect(round_key: str, as_json: bool, update_contacts: bool, workspace: Path | None) -> None:
    """Check the returned workbooks in inbox/ROUND/ and write reports/ROUND/; exit 1 on errors.

    Reads every .xlsx/.xlsm/.xls/.ods (and .zip of them) at any depth without changing the
    inbox, recognises each unit's file, keeps the newest one, and writes 汇总数据.xlsx,
    问题清单.xlsx, 报送情况.xlsx and 退回修改/<unit>.xlsx for units whose data has errors.
    Anything else in reports/ROUND/ (the summary, the 通报, your files) moves into
    旧版/<date time>/ there.

    \b
    Example:
      xltools collect 2023Q2
      xltools collect plan --update-contacts
      xltools collect 2023Q2 --json > problems.json
    """
    from xltools.collect.round import collect as run
    from xltools.master.workspace import load

    ws = load(workspace)
    progress, close = progress_bar(_("Reading returns"))
    try:
        report = run(ws, round_key, progress=progress, update_contacts=update_contacts)
    finally:
        close()
    if as_json:
        import json

        click.echo(json.dumps(_collected_as_data(report), ensure_ascii=False, indent=2))
    else:
        _echo_collected(report, ws.master_path.name if update_contacts else None)
    echo_stray(ws, round_key=round_key)
    if not report.valid:
        raise SystemExit(1)


def _collected_as_data(report) -> dict:
    """What ``collect --json`` prints: the problems and each unit's status."""
    return {
        "round": report.round,
        "output": str(report.output),
        "moved": report.moved,
        "moved_to": str(report.moved_to) if report.moved_to else None,
        "problems": [p.as_dict() for p in report.problems],
        "status": [
            {
                "unit": s.unit,
                "state": s.state,
                "file": s.file,
                "saved": s.saved.isoformat() if s.saved else None,
                "on_time": s.on_time,
                "errors": s.errors,
                "warnings": s.warnings,
                "superseded": list(s.superseded),
            }
            for s in report.status
        ],
    }


def _echo_collected(report, master: str | None) -> None:
    """A collect's problems, one line each, then its counts, what it moved aside and, with the
    name of the ``master`` whose contacts it updated, whether that changed."""
    for p in report.problems:
        place = "!".join(x for x in (p.sheet, p.cell) if x)
        click.echo("\t".join((p.severity, p.unit or "-", p.file, place or "-", p.code, p.message)))
    click.echo(
        _(
            "{received} of {expected} units returned; {errors} errors, {warnings} warnings; "
            "reports in {folder}"
        ).format(
            received=sum(s.received for s in report.status),
            expected=len(report.status),
            errors=len(report.errors),
            warnings=len(report.warnings),
            folder=report.output,
        )
    )
    if report.moved:  # the summary, 通报 and a clerk's files of the replaced reports
        click.echo(
            _(
                "Moved what else {folder} held (made from the earlier data) into {aside}: {names}"
            ).format(folder=report.output, aside=report.moved_to, names=listed(report.moved))
        )
    if master is None:
        return
    backup = report.contacts_backup  # say whether master.xlsx changed, and where its old version is
    click.echo(
        _(
            "Wrote the reported liaisons into {master}; the previous version is kept as {backup}"
        ).format(master=master, backup=backup.name)
        if backup
        else _("{master} unchanged: no accepted return reported a new liaison").format(
            master=master
        )
    )


@command()
@click.argument("round_key", metavar="[ROUND]", type=ROUND, required=False)
@workspace_option
def status(round_key: str | None, workspace: Path | None) -> None:
    """Show who has and has not returned a round, days left, and a 催报 list to send.

    Reads only the inbox (fast); each missing unit is listed with its liaison and phone from
    单位名录. Without ROUND: every round of the year and the next command to type.

    \b
    Example:
      xltools status 2023Q2
      xltools status                # the year at a glance
    """
    from xltools.collect.round import status as run
    from xltools.master.workspace import load

    ws = load(workspace)
    if round_key is None:
        echo_year(ws)
        return
    found = run(ws, round_key)
    days = found["days_left"]
    if days > 0:
        when = _("{days} days left").format(days=days)
    elif days == 0:
        when = _("due today")
    else:
        when = _("{days} days overdue").format(days=-days)
    click.echo(
        _("{round} {name}: due {due} ({when}); {returned} of {expected} units returned").format(
            round=found["round"],
            name=found["name"],
            due=found["due"].isoformat(),
            when=when,
            returned=len(found["returned"]),
            expected=found["expected"],
        )
    )
    returned, unusable = _("returned"), _("unusable")
    for unit, (name, saved) in found["returned"].items():
        click.echo(f"  {returned}\t{unit}\t{name}\t{saved:%Y-%m-%d %H:%M}")
    for p in found["problems"]:  # files that cannot be used: the unit must send another
        click.echo(f"  {unusable}\t{p.unit or '-'}\t{p.file}\t{p.code}: {p.message}")
    if found["missing"]:
        click.echo(f"催报名单（{found['name']}，截止{found['due']:%Y年%m月%d日}）：")
        for m in found["missing"]:
            click.echo(
                f"  {m['unit']}\t{m['contact'] or '（无联系人）'}\t{m['phone'] or '（无电话）'}"
            )
    echo_stray(ws, round_key=round_key)
