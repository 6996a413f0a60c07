"""The ``xltools`` command: a thin layer over the library. The only module that imports click."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from xltools import __version__
from xltools.errors import XltoolsError

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
