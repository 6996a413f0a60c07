"""The year at a glance: where each round stands, the spreadsheets lying outside the rounds'
folders, and the command to type next (``xltools`` with no command, ``xltools status``)."""

from __future__ import annotations

import click

from xltools.cli.base import echo_err
from xltools.core.i18n import _


def echo_year(ws) -> None:
    """Each round of the year, the spreadsheets lying outside the rounds' folders, the next step."""
    from datetime import date

    from xltools.collect.year import year

    today = date.today()
    found = year(ws, today=today)
    if f"{ws.year}年" in ws.title:  # the title says the year already
        heading = _("{title}, {today}: the year at a glance")
    else:
        heading = _("{title} ({year}), {today}: the year at a glance")
    click.echo(heading.format(title=ws.title, year=ws.year, today=today.isoformat()))
    for r in found.rounds:
        parts = [_("due {date}").format(date=r.due.isoformat())]
        if not r.sent:
            parts.append(_("not distributed"))
        else:
            parts.append(_("sent {count}").format(count=r.sent))
            parts.append(
                _("returned {returned}/{expected}").format(returned=r.returned, expected=r.expected)
            )
            if not r.collected:
                parts.append(_("not collected"))
            elif r.errors:
                parts.append(_("collected, {count} errors left").format(count=r.errors))
            else:
                parts.append(_("collected, no error left"))
            if r.stale:
                parts.append(_("new files since the last collect"))
            if r.quarterly:
                parts.append(_("summary written") if r.summary else _("no summary yet"))
        click.echo(f"  {r.key}\t{r.name}\t" + "\t".join(parts))
    echo_stray(ws, found.stray)
    click.echo(_next_step(found, today))


def _next_step(found, today) -> str:
    """下一步: the command to type, and why."""
    if not found.next_step:
        return _("Next: nothing left to do, every round is done")
    r = next(x for x in found.rounds if x.key == found.next_round)
    key, due = r.key, r.due.isoformat()
    commands = {"distribute": "distribute", "status": "status", "summary": "summary"}
    command = f"xltools {commands.get(found.next_step, 'collect')} {key}"
    if found.next_step == "distribute":
        why = _("send {name} to the units, due {due}").format(name=r.name, due=due)
    elif found.next_step == "status":
        why = _("{returned} of {expected} units returned, due {due}: see whom to remind").format(
            returned=r.returned, expected=r.expected, due=due
        )
    elif found.next_step == "collect" and r.stale:
        why = _("new files arrived since the last collect")
    elif found.next_step == "collect":
        why = _("check the returns and write the reports")
    elif found.next_step == "correct":
        why = _(
            "send the workbooks in reports/{round}/退回修改/ back to the {count} units with errors; "
            "drop their corrections into inbox/{round}/, then collect again"
        ).format(round=key, count=r.units_with_errors)
    else:
        why = _("write the leaders' summary of the quarter")
    return _("Next: {command}  ({why})").format(command=command, why=why)


def echo_stray(ws, stray=None, round_key: str | None = None) -> None:
    """Name each spreadsheet lying in inbox/ outside a round's folder, and where it belongs."""
    if stray is None:
        from xltools.collect.year import stray_files

        stray = stray_files(ws)
    for s in stray:
        if s.round:
            echo_err(
                _(
                    "Warning: {path} lies outside the rounds' folders and is not read; it answers "
                    "{round}: move it into inbox/{round}/"
                ).format(path=s.path, round=s.round)
            )
        else:
            echo_err(
                _(
                    "Warning: {path} lies outside the rounds' folders and is not read; move it "
                    "into the folder of the round it answers, such as inbox/{round}/"
                ).format(path=s.path, round=round_key or ws.rounds[0].key)
            )
