"""The plan: ``import`` a published plan into a master workbook, ``init`` a workspace from it,
``check`` the master the office has edited."""

from __future__ import annotations

from pathlib import Path

import click

from xltools.cli.base import command, echo_err, option, workspace_option
from xltools.core.errors import XltoolsError
from xltools.core.i18n import _, listed


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


@command("import")
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


@command()
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


@command()
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
