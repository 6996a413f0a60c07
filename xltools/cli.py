"""The ``xltools`` command: a thin layer over the library. The only module that imports click."""

from __future__ import annotations

import functools
import gettext
import os
import sys
from pathlib import Path

import click

from xltools import __version__
from xltools.core.errors import XltoolsError
from xltools.core.i18n import _, help_text, listed, stdlib_catalog
from xltools.core.text import display_width, fill_paragraphs, wrap

# numpy's OpenBLAS would start a thread per core on import; nothing here multiplies matrices, and
# a process without threads may fork its helper processes safely (`core.workers.fork_safe`).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Formatter(click.HelpFormatter):
    """Click's help layout measured in terminal columns, where a Chinese character takes two
    (click counts characters): paragraphs wrap to the width in columns, Chinese between any two
    characters (`core.text.wrap`), and the options' descriptions start at one column. English
    comes out as click writes it. Section headings (选项, 命令) end with the colon of the
    language: full-width in Chinese."""

    def write_heading(self, heading: str) -> None:
        line = _("{heading}:").format(heading=heading)
        self.write(f"{'':>{self.current_indent}}{line}\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:  # click's word, translated as click translates it (`stdlib_catalog`)
            prefix = gettext.gettext("Usage:") + " "
        usage = f"{prefix:>{self.current_indent}}{prog} "
        if not args:
            self.write(usage.rstrip(" ") + "\n")
            return
        room = self.width - self.current_indent
        if room >= display_width(usage) + 20:  # the arguments fit to the right of the prefix
            lines = wrap(args.expandtabs(), room, usage, " " * display_width(usage))
        else:
            self.write(usage + "\n")
            indent = " " * (max(self.current_indent, display_width(prefix)) + 4)
            lines = wrap(args.expandtabs(), room, indent, indent)
        self.write("\n".join(lines) + "\n")

    def write_text(self, text: str) -> None:
        self.write(fill_paragraphs(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [tuple(row) for row in rows]
        if max(map(len, rows), default=0) != 2:
            raise TypeError("Expected two columns for definition list")
        rows = [row + ("",) * (2 - len(row)) for row in rows]
        first_col = min(max(display_width(first) for first, _second in rows), col_max)
        first_col += col_spacing
        margin = " " * self.current_indent
        for first, second in rows:
            self.write(margin + first)
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = fill_paragraphs(second, max(self.width - first_col - 2, 10)).splitlines()
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class _Context(click.Context):
    formatter_class = _Formatter


class _TranslatedHelp:
    """``help`` read in the command line's language: the English text written here is the msgid.

    Click reads docstrings and ``help=`` when the module is imported, before the language is known
    (and tests switch it per run), so the translation happens each time click reads ``help``.
    """

    @property
    def help(self) -> str | None:
        return help_text(self._english_help)

    @help.setter
    def help(self, value: str | None) -> None:
        self._english_help = value


class _TranslatedCommand(_TranslatedHelp):
    """A command or group whose help, and its -h/--help option's, is read in the language."""

    context_class = _Context

    def get_short_help_str(self, limit: int = 45) -> str:
        """The command's line in its group's list of commands, cut as click cuts it to ``limit``
        characters, but in columns when it holds Chinese (between any two Chinese characters)."""
        text = super().get_short_help_str(limit=sys.maxsize)
        if display_width(text) == len(text):
            return super().get_short_help_str(limit)
        if display_width(text) <= limit:
            return text
        return wrap(text, max(limit - 3, 1))[0] + "..."

    def get_help_option(self, ctx):
        # click makes the help option once per command, in the language of that moment.
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option


class _Option(_TranslatedHelp, click.Option):
    """An option whose help is translated."""


class _Command(_TranslatedCommand, click.Command):
    """A command whose help is translated."""


option = functools.partial(click.option, cls=_Option)


# Exit codes: 0 all is well, 1 problems remain in the data (collect, check), 2 the command failed.
FAILED = 2


class _Failure(click.ClickException):
    exit_code = FAILED


class _Group(_TranslatedCommand, click.Group):
    """Turns any failure into one ``Error: …`` line and exit code 2 (``--debug`` also prints the
    traceback), so a script can tell a failed command from data with problems (exit code 1);
    speaks the command line's language, click's own words included."""

    command_class = _Command

    def main(self, *args, **kwargs):
        with stdlib_catalog():
            return super().main(*args, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                import traceback

                traceback.print_exc()
            if isinstance(exc, XltoolsError):
                raise _Failure(str(exc)) from exc
            raise _Failure(
                _("unexpected failure ({kind}: {error}); run with --debug to see where").format(
                    kind=type(exc).__name__, error=exc
                )
            ) from exc


@click.group(cls=_Group, context_settings=CONTEXT, invoke_without_command=True)
@click.version_option(__version__, "--version", prog_name="xltools", cls=_Option)
@option("--debug", is_flag=True, help="Show the traceback of a failure")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Distribute a task list to units, collect their Excel returns, report progress.

    A supervision office imports its published plan into a workspace once a year, then for each
    round distributes one workbook per unit, collects what comes back and prints the summary.

    Typed without a command inside a workspace, it shows where each round of the year stands and
    the command to type next.

    \b
    Example:
      xltools init wuhan-2023 --plan plan.txt --units units.xlsx
      cd wuhan-2023 && xltools distribute 2023Q1
      xltools                   # the year at a glance and the next step
    """
    ctx.ensure_object(dict)["debug"] = debug
    if ctx.invoked_subcommand is None:
        from xltools.core.errors import WorkspaceError
        from xltools.master.workspace import find_root, load

        try:
            root = find_root()
        except WorkspaceError:  # not in a workspace: say what the tool does
            click.echo(ctx.get_help())
            return
        _echo_year(load(root))  # a broken xltools.yaml says so


def _echo_year(ws) -> None:
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
    _echo_stray(ws, found.stray)
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


def _echo_stray(ws, stray=None, round_key: str | None = None) -> None:
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


def workspace_option(command):
    """``-w/--workspace DIR``: where xltools.yaml is (default: this folder or a parent)."""

    @option(
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
        label = _("Warning: {message}") if p.severity == "警告" else _("Error: {message}")
        if p.line and source:
            where = f"{source}:{p.line}: "
        else:
            where = _("line {line}: ").format(line=p.line) if p.line else ""
        echo_err(label.format(message=f"{where}{p.message} [{p.code}]"))


def _count_line(master, report) -> str:
    from xltools.master.workbook import counts

    n = counts(master, report)
    return _(
        "{tasks} tasks, {units} units, {groups} groups, {targets} targets, {warnings} warnings"
    ).format(**n)


# Options that `import` and `init` share: both read a plan into a master workbook.
units_option = option(
    "--units",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Unit directory to carry over (a workbook with a 单位名录 sheet)",
)
lead_option = option(
    "--lead",
    type=click.Choice(["explicit", "first"]),
    default="explicit",
    show_default=True,
    help="Who leads when an annotation names no lead: nobody named (explicit) or the first unit",
)


def _parse_columns(ctx, param, values) -> dict[str, str]:
    """``--columns 表头=字段`` (repeatable) as ``{表头: 字段}``."""
    out = {}
    for value in values:
        header, sep, name = value.partition("=")
        if not sep or not header.strip() or not name.strip():
            raise click.BadParameter(
                _("{value!r}: write it as 表头=字段, e.g. 主要目标=任务内容").format(value=value)
            )
        out[header.strip()] = name.strip()
    return out


columns_option = option(
    "--columns",
    multiple=True,
    metavar="表头=字段",
    callback=_parse_columns,
    help="Read a table's column as a field (任务内容, 牵头单位, 完成时限 …); repeatable",
)
sheet_option = option("--sheet", help="The workbook's sheet holding the task table")


def _echo_import(master, report, plan: Path, suffix: Path | None = None) -> None:
    """What an import found: its problems on stderr, then the counts on stdout."""
    _echo_problems(report, plan.name)
    counts = _count_line(master, report)
    if suffix:
        click.echo(_("Imported {counts} into {path}").format(counts=counts, path=suffix))
    else:
        click.echo(_("Imported {counts}").format(counts=counts))


@main.command("import")
@click.argument("plan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("master.xlsx"),
    show_default=True,
    help="Master workbook to write",
)
@units_option
@lead_option
@columns_option
@sheet_option
@option("--force", is_flag=True, help="Overwrite an existing output workbook")
def import_(
    plan: Path,
    output: Path,
    units: Path | None,
    lead: str,
    columns: dict[str, str],
    sheet: str | None,
    force: bool,
) -> None:
    """Import a plan (text, Word, or a task table in .xlsx/.xls/.ods/.csv) into a master workbook.

    Writes the sheets 任务清单, 单位名录 and 指标. A table's columns are found by their headers;
    those the master does not name (完成时限, 责任领导 …) are kept. With --units, groups,
    aliases, hosts and contacts come from a directory the office already keeps.

    \b
    Example:
      xltools import plan.txt -o master.xlsx --units units.xlsx
      xltools import 方案.docx -o master.xlsx --lead first
      xltools import 任务分解表.xlsx --sheet 任务表 --columns 主要目标=任务内容
    """
    from xltools.master.workbook import import_plan, write_master

    if output.exists() and not force:
        raise XltoolsError(_("{path}: exists; pass --force to overwrite it").format(path=output))
    master, report = import_plan(plan, units, lead=lead, columns=columns, sheet=sheet)
    write_master(master, output)
    _echo_import(master, report, plan, output)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@option(
    "--plan",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The plan (.txt, .docx, or a task table in .xlsx/.xls/.ods/.csv)",
)
@units_option
@option("--title", help="Title on workbooks and reports (default: the plan's title)")
@option(
    "--year",
    type=click.IntRange(2000, 2100),
    help="Year of the rounds (default: the year in the plan's title, else this year)",
)
@lead_option
@columns_option
@sheet_option
def init(
    directory: Path,
    plan: Path,
    units: Path | None,
    title: str | None,
    year: int | None,
    lead: str,
    columns: dict[str, str],
    sheet: str | None,
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
    ws = init_workspace(
        directory,
        plan,
        units,
        title=title,
        year=year,
        lead=lead,
        report=report,
        columns=columns,
        sheet=sheet,
    )
    _echo_import(ws.master(), report, plan)
    click.echo(
        _("Workspace {title} ({year}) ready in {path}; rounds: {rounds}").format(
            title=ws.title, year=ws.year, path=directory, rounds=listed(r.key for r in ws.rounds)
        )
    )


@main.command()
@click.argument(
    "master", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@workspace_option
def check(master: Path | None, workspace: Path | None) -> None:
    """Check a master workbook the office has edited; exit 1 when it has errors.

    Finds duplicate or missing IDs, empty task texts, tasks without owners, units missing from
    单位名录, group words without members, unknown hosts or hosts in a cycle, near-duplicate unit names
    and bad targets.

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
    if report.problems:
        click.echo(
            _("{name}: {errors} errors, {warnings} warnings").format(
                name=master.name, errors=errors, warnings=warnings
            )
        )
    else:
        click.echo(_("{name}: no problems").format(name=master.name))
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
        self.fail(
            _("{value!r} is not a round: use plan or a quarter such as 2023Q2").format(value=value),
            param,
            ctx,
        )


ROUND = RoundType()


@main.command()
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
    progress, close = _progress_bar(_("Writing workbooks"))
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


@main.command()
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
    import json

    from xltools.collect.round import collect as run
    from xltools.master.workspace import load

    ws = load(workspace)
    progress, close = _progress_bar(_("Reading returns"))
    try:
        report = run(ws, round_key, progress=progress, update_contacts=update_contacts)
    finally:
        close()
    received = sum(s.received for s in report.status)
    if as_json:
        data = {
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
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for p in report.problems:
            place = "!".join(x for x in (p.sheet, p.cell) if x)
            click.echo(
                "\t".join((p.severity, p.unit or "-", p.file, place or "-", p.code, p.message))
            )
        click.echo(
            _(
                "{received} of {expected} units returned; {errors} errors, {warnings} warnings; "
                "reports in {folder}"
            ).format(
                received=received,
                expected=len(report.status),
                errors=len(report.errors),
                warnings=len(report.warnings),
                folder=report.output,
            )
        )
        if report.moved:  # the summary, 通报 and a clerk's files of the replaced reports
            click.echo(
                _(
                    "Moved what else {folder} held (made from the earlier data) into {aside}: "
                    "{names}"
                ).format(folder=report.output, aside=report.moved_to, names=listed(report.moved))
            )
        if update_contacts:  # say whether master.xlsx changed, and where its old version is
            backup = report.contacts_backup
            master = ws.master_path.name
            click.echo(
                _(
                    "Wrote the reported liaisons into {master}; the previous version is kept as {backup}"
                ).format(master=master, backup=backup.name)
                if backup
                else _("{master} unchanged: no accepted return reported a new liaison").format(
                    master=master
                )
            )
    _echo_stray(ws, round_key=round_key)
    if not report.valid:
        raise SystemExit(1)


@main.command()
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
        _echo_year(ws)
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
    _echo_stray(ws, round_key=round_key)


@main.command()
@click.argument("round_key", metavar="ROUND", type=ROUND)
@option("--pdf", is_flag=True, help="Also print both to PDF with LibreOffice")
@workspace_option
def summary(round_key: str, pdf: bool, workspace: Path | None) -> None:
    """Write the leaders' summary of a quarter, with charts, and its 通报 into reports/ROUND/.

    Reads only what `xltools collect ROUND` wrote (and earlier quarters' merged data for the
    trend); traffic lights follow the `lights` rules in xltools.yaml. The 通报 (a Word draft in
    official layout) comes from templates/通报.docx with the `notice` texts of xltools.yaml.

    \b
    Example:
      xltools summary 2023Q2
      xltools summary 2023Q2 --pdf
    """
    from xltools.master import workspace as workspaces
    from xltools.summary.report import make_summary, notice_path

    # The PDFs are printed inside make_summary, under the round's lock like the rest.
    path = make_summary(workspaces.load(workspace), round_key, progress=echo_err, pdf=pdf)
    made = [path, notice_path(path)]
    if pdf:
        made += [p.with_suffix(".pdf") for p in made]
    for p in made:
        click.echo(_("Wrote {path}").format(path=p))


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
@option(
    "--rounds",
    type=RoundsType(),
    help="Rounds to score, separated by commas  [default: every collected round]",
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
@option("--seed", type=int, default=0, show_default=True, help="Seed of the simulated returns")
@option("--pdf", is_flag=True, help="Also print each summary to PDF with LibreOffice")
@option(
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
