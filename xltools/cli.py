"""The ``xltools`` command: a thin layer over the library. The only module that imports click."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from xltools import __version__
from xltools.core.errors import XltoolsError
from xltools.core.i18n import _

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """Turns library failures into ``Error: …`` and exit code 1 (``--debug`` shows the traceback)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except XltoolsError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="xltools")
@click.option("--debug", is_flag=True, help="Show the traceback of a failure")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Distribute a task list to units, collect their Excel returns, report progress.

    A supervision office imports its published plan into a workspace once a year, then for each
    round distributes one workbook per unit, collects what comes back and prints the summary.

    \b
    Example:
      xltools init wuhan-2023 --plan plan.txt --units units.xlsx
      cd wuhan-2023 && xltools distribute 2023Q1
    """
    ctx.ensure_object(dict)["debug"] = debug


def workspace_option(command):
    """``-w/--workspace DIR``: where xltools.yaml is (default: this folder or a parent)."""

    @click.option(
        "-w",
        "--workspace",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Workspace folder (default: this folder or the nearest parent with xltools.yaml)",
    )
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        return command(*args, **kwargs)

    return wrapper


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def _echo_problems(report, source: str = "") -> None:
    """Warnings and errors of an import on stderr, with the plan's line numbers."""
    for p in report.problems:
        label = "Warning" if p.severity == "警告" else "Error"
        where = (
            f"{source}:{p.line}: " if p.line and source else (f"line {p.line}: " if p.line else "")
        )
        echo_err(f"{label}: {where}{p.message} [{p.code}]")


def _count_line(master, report) -> str:
    from xltools.master.workbook import counts

    n = counts(master, report)
    return (
        f"{n['tasks']} tasks, {n['units']} units, {n['groups']} groups, "
        f"{n['targets']} targets, {n['warnings']} warnings"
    )


_LEAD_HELP = "Who leads when an annotation names no lead: nobody named (explicit) or the first unit"
# Options that `import` and `init` share: both read a plan into a master workbook.
units_option = click.option(
    "--units",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Unit directory to carry over (a workbook with a 单位名录 sheet)",
)
lead_option = click.option(
    "--lead",
    type=click.Choice(["explicit", "first"]),
    default="explicit",
    show_default=True,
    help=_LEAD_HELP,
)


def _echo_import(master, report, plan: Path, suffix: str = "") -> None:
    """What an import found: its problems on stderr, then the counts on stdout."""
    _echo_problems(report, plan.name)
    click.echo(f"Imported {_count_line(master, report)}{suffix}")


@main.command("import")
@click.argument("plan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("master.xlsx"),
    show_default=True,
    help="Master workbook to write",
)
@units_option
@lead_option
@click.option("--force", is_flag=True, help="Overwrite an existing output workbook")
def import_(plan: Path, output: Path, units: Path | None, lead: str, force: bool) -> None:
    """Import a published plan (.txt or .docx) into a master workbook.

    Writes the sheets 任务清单, 单位名录 and 指标. With --units, groups, aliases, hosts and contacts
    come from a directory the office already keeps, such as last year's master.

    \b
    Example:
      xltools import plan.txt -o master.xlsx --units units.xlsx
      xltools import 方案.docx -o master.xlsx --lead first
    """
    from xltools.master.workbook import import_plan, write_master

    if output.exists() and not force:
        raise XltoolsError(f"{output}: exists; pass --force to overwrite it")
    master, report = import_plan(plan, units, lead=lead)
    write_master(master, output)
    _echo_import(master, report, plan, f" into {output}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--plan",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The published plan (.txt or .docx)",
)
@units_option
@click.option("--title", help="Title on workbooks and reports (default: the plan's title)")
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    help="Year of the rounds (default: the year in the plan's title, else this year)",
)
@lead_option
def init(
    directory: Path, plan: Path, units: Path | None, title: str | None, year: int | None, lead: str
) -> None:
    """Create a workspace: the master workbook and xltools.yaml with the year's rounds.

    The rounds are the implementation plan (办理方案) and the four quarters, each due on the 20th
    of the month after the quarter; edit xltools.yaml to change them.

    \b
    Example:
      xltools init wuhan-2023 --plan plan.txt --units units.xlsx
      xltools init 2024 --plan 方案.docx --year 2024 --title "2024年重点任务"
    """
    from xltools.core.problems import Report
    from xltools.master.workspace import init_workspace

    report = Report()
    ws = init_workspace(directory, plan, units, title=title, year=year, lead=lead, report=report)
    _echo_import(ws.master(), report, plan)
    click.echo(
        f"Workspace {ws.title} ({ws.year}) ready in {directory}; rounds: "
        + ", ".join(r.key for r in ws.rounds)
    )


@main.command()
@click.argument(
    "master", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@workspace_option
def check(master: Path | None, workspace: Path | None) -> None:
    """Check a master workbook the office has edited; exit 1 when it has errors.

    Finds duplicate or missing IDs, empty task texts, tasks without owners, units missing from
    单位名录, group words without members, unknown hosts, near-duplicate unit names and bad targets.

    \b
    Example:
      xltools check                 # the master of this workspace
      xltools check master.xlsx
    """
    from xltools.master.workbook import check_master, read_master

    if master is None:
        from xltools.master.workspace import load

        master = load(workspace).master_path
    report = check_master(read_master(master), master)
    for p in report.problems:
        place = f"{p.sheet}!{p.cell}" if p.cell else p.sheet
        click.echo(f"{p.severity}\t{place}\t{p.code}\t{p.message}")
    errors, warnings = len(report.errors), len(report.warnings)
    summary = f"{master.name}: {errors} errors, {warnings} warnings"
    click.echo(summary if report.problems else f"{master.name}: no problems")
    if errors:
        raise SystemExit(1)


class RoundType(click.ParamType):
    """A round key: ``plan`` or a quarter such as ``2023Q2`` (``2023q2`` is accepted)."""

    name = "round"

    def convert(self, value, param, ctx):
        import re

        text = str(value).strip()
        if text.lower() == "plan":
            return "plan"
        found = re.fullmatch(r"((?:19|20)\d\d)\s*[Qq]([1-4])", text)
        if found:
            return f"{found[1]}Q{found[2]}"
        self.fail(f"{value!r} is not a round: use plan or a quarter such as 2023Q2", param, ctx)


ROUND = RoundType()


@main.command()
@click.argument("round_key", metavar="ROUND", type=ROUND)
@click.option(
    "--prefill/--no-prefill",
    default=None,
    help="Write last round's accepted answers into the workbooks  [default: on for quarters after the first]",
)
@click.option("--force", is_flag=True, help="Write a round again that was already distributed")
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
    progress, close = _progress_bar("Writing workbooks")
    try:
        result = run(ws, round_key, prefill=prefill, force=force, progress=progress)
    finally:
        close()
    for warning in result.warnings:
        echo_err(f"Warning: {warning}")
    click.echo(
        f"Wrote {len(result.books)} workbooks ({result.lead_rows} lead rows, {result.partner_rows} "
        f"partner rows) and {result.manifest.name} to {result.folder}"
    )
    if result.prefilled:
        click.echo(f"Prefilled {result.prefilled} workbooks with last round's accepted answers")


def _echo_diff(diff, title: str) -> None:
    """The changes of a master and the workbooks they change, one line each."""
    if diff.empty:
        click.echo(_("{title}: none").format(title=title))
        return
    click.echo(f"{title}:")
    labels = {
        "added": _("added"),
        "removed": _("removed"),
        "reworded": _("reworded"),
        "reowned": _("re-owned"),
        "split": _("split"),
        "merged": _("merged"),
    }
    for change in diff.changes:
        if change.kind in ("split", "merged"):
            ids = f"{', '.join(change.old)} -> {', '.join(change.new)}"
        else:
            ids = ", ".join(change.new or change.old)
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


@main.command()
@click.argument("old", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@workspace_option
def diff(old: Path | None, new: Path | None, workspace: Path | None) -> None:
    """Show what changed in the master list between two versions, and whose workbooks change.

    Without OLD: the master as the last round was distributed (kept in outbox/ROUND/留底/);
    without NEW: the workspace's master. Lists tasks added, removed, re-worded, re-owned, split
    (2-49 -> 2-49-1, 2-49-2) or merged, then each unit whose next workbook gains (+), loses (-)
    or changes (~) rows.

    \b
    Example:
      xltools diff
      xltools diff outbox/2023Q1/留底/master.xlsx master.xlsx
    """
    from xltools.distribute.diff import diff_files, kept_master, last_distributed

    ws = None
    if old is None or new is None:
        from xltools.master.workspace import load

        ws = load(workspace)
    if old is None:
        rnd = last_distributed(ws)
        if rnd is None:
            raise XltoolsError(
                _("no round was distributed with a copy of its master yet; give OLD and NEW")
            )
        old = kept_master(ws, rnd)
    new = new or ws.master_path
    _echo_diff(diff_files(old, new), _("Changes from {old} to {new}").format(old=old, new=new))


def _progress_bar(label: str):
    """A progress callback drawing a click bar on stderr, and a function closing it."""
    state = {"bar": None}

    def progress(done: int, total: int, _name: str) -> None:
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state["bar"].pos)

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)

    return progress, close


@main.command()
@click.argument("round_key", metavar="ROUND", type=ROUND)
@click.option("--json", "as_json", is_flag=True, help="Print the problems and status as JSON")
@click.option(
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

    \b
    Example:
      xltools collect 2023Q2
      xltools collect plan --update-contacts
      xltools collect 2023Q2 --json > problems.json
    """
    import json

    from xltools.collect.round import collect as run
    from xltools.master.workspace import load

    ws = load(workspace)
    progress, close = _progress_bar("Reading returns")
    try:
        report = run(ws, round_key, progress=progress, update_contacts=update_contacts)
    finally:
        close()
    received = sum(s.received for s in report.status)
    if as_json:
        data = {
            "round": report.round,
            "output": str(report.output),
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
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for p in report.problems:
            place = "!".join(x for x in (p.sheet, p.cell) if x)
            click.echo(
                "\t".join((p.severity, p.unit or "-", p.file, place or "-", p.code, p.message))
            )
        click.echo(
            f"{received} of {len(report.status)} units returned; {len(report.errors)} errors, "
            f"{len(report.warnings)} warnings; reports in {report.output}"
        )
        if update_contacts:  # say whether master.xlsx changed, and where its old version is
            backup = report.contacts_backup
            click.echo(
                f"Wrote the reported liaisons into {ws.master_path.name}; "
                f"the previous version is kept as {backup.name}"
                if backup
                else f"{ws.master_path.name} unchanged: no accepted return reported a new liaison"
            )
    if not report.valid:
        raise SystemExit(1)


@main.command()
@click.argument("round_key", metavar="ROUND", type=ROUND)
@workspace_option
def status(round_key: str, workspace: Path | None) -> None:
    """Show who has and has not returned a round, days left, and a 催报 list to send.

    Reads only the inbox (fast); each missing unit is listed with its liaison and phone from
    单位名录.

    \b
    Example:
      xltools status 2023Q2
    """
    from xltools.collect.round import status as run
    from xltools.master.workspace import load

    found = run(load(workspace), round_key)
    days = found["days_left"]
    when = (
        f"{days} days left" if days > 0 else ("due today" if days == 0 else f"{-days} days overdue")
    )
    click.echo(
        f"{found['round']} {found['name']}: due {found['due'].isoformat()} ({when}); "
        f"{len(found['returned'])} of {found['expected']} units returned"
    )
    for unit, (name, saved) in found["returned"].items():
        click.echo(f"  returned\t{unit}\t{name}\t{saved:%Y-%m-%d %H:%M}")
    for p in found["problems"]:  # files that cannot be used: the unit must send another
        click.echo(f"  unusable\t{p.unit or '-'}\t{p.file}\t{p.code}: {p.message}")
    if found["missing"]:
        click.echo(f"催报名单 ({found['name']}, 截止 {found['due']:%Y年%m月%d日}):")
        for m in found["missing"]:
            click.echo(f"  {m['unit']}\t{m['contact'] or '(无联系人)'}\t{m['phone'] or '(无电话)'}")


@main.command()
@click.argument("round_key", metavar="ROUND", type=ROUND)
@click.option("--pdf", is_flag=True, help="Also print it to PDF with LibreOffice")
@workspace_option
def summary(round_key: str, pdf: bool, workspace: Path | None) -> None:
    """Write the leaders' summary of a quarter, with charts, into reports/ROUND/.

    Reads only what `xltools collect ROUND` wrote (and earlier quarters' merged data for the
    trend); traffic lights follow the `lights` rules in xltools.yaml.

    \b
    Example:
      xltools summary 2023Q2
      xltools summary 2023Q2 --pdf
    """
    from xltools.master import workspace as workspaces
    from xltools.summary.report import make_summary, summary_pdf

    path = make_summary(workspaces.load(workspace), round_key, progress=echo_err)
    click.echo(f"Wrote {path}")
    if pdf:
        echo_err("Printing it to PDF with LibreOffice")
        click.echo(f"Wrote {summary_pdf(path)}")


class RoundsType(click.ParamType):
    """Rounds separated by commas: ``plan,2023Q1,2023Q2``."""

    name = "rounds"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        keys = [k for k in str(value).replace("，", ",").split(",") if k.strip()]
        if not keys:
            self.fail(_("give at least one round, such as 2023Q1,2023Q2"), param, ctx)
        return tuple(ROUND.convert(k, param, ctx) for k in keys)


@main.command()
@click.option(
    "--rounds",
    type=RoundsType(),
    help=_("Rounds to score, separated by commas  [default: every collected round]"),
)
@workspace_option
def score(rounds: tuple[str, ...] | None, workspace: Path | None) -> None:
    """Write the year-end 考核 of every unit into reports/年度考核.xlsx.

    Points for each on-time return; deductions per late day, per unreported round, per return
    sent back and per lead task behind or not started at year end, as the `scoring` rules of
    xltools.yaml say. Reads only what `xltools collect` wrote.

    \b
    Example:
      xltools score
      xltools score --rounds 2023Q1,2023Q2,2023Q3,2023Q4
    """
    from xltools.master.workspace import load
    from xltools.score.report import make_score

    path = make_score(load(workspace), rounds)
    click.echo(_("Wrote {path}").format(path=path))


@main.command()
@click.argument(
    "directory", required=False, default="xltools-demo", type=click.Path(path_type=Path)
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the simulated returns"
)
@click.option("--pdf", is_flag=True, help="Also print each summary to PDF with LibreOffice")
@click.option(
    "--libreoffice/--no-libreoffice",
    default=True,
    show_default=True,
    help="Have one unit re-save its return with LibreOffice, when installed",
)
def demo(directory: Path, seed: int, pdf: bool, libreoffice: bool) -> None:
    """Run two quarters on the bundled Wuhan sample, end to end, in DIRECTORY.

    Creates a workspace from samples/wuhan-2023, then for 2023Q1 and 2023Q2 distributes the
    workbooks, simulates the units' returns (late, missing and typical mistakes included),
    collects them and writes the summary. Every file is left to open.

    \b
    Example:
      xltools demo
      xltools demo /tmp/wuhan --seed 7 --pdf
    """
    from xltools.demo.run import account, run_demo

    result = run_demo(directory, seed=seed, libreoffice=libreoffice, pdf=pdf, progress=echo_err)
    click.echo("\n".join(account(result)))
