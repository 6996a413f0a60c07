"""The ``xltools`` command: a thin layer over the library, read as the pipeline.

``base`` (help in columns and in the language, failures as ``Error: …``, shared options), the
group ``main`` here, then the commands stage by stage: ``plan`` (import, init, check),
``rounds`` (distribute, diff, status, collect), ``reports`` (summary, score), ``demo``; ``year``
is the year at a glance. This package is the only one that imports click.
"""

from __future__ import annotations

import os

import click

from xltools import __version__
from xltools.cli import demo, plan, reports, rounds
from xltools.cli.base import CONTEXT, Group, Option, option
from xltools.cli.year import echo_year

# numpy's OpenBLAS would start a thread per core on import; nothing here multiplies matrices, and
# a process without threads may fork its helper processes safely (`core.workers.fork_safe`).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@click.group(cls=Group, context_settings=CONTEXT, invoke_without_command=True)
@click.version_option(__version__, "--version", prog_name="xltools", cls=Option)
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
        echo_year(load(root))  # a broken xltools.yaml says so


for _command in (
    plan.import_,
    plan.init,
    plan.check,
    rounds.distribute,
    rounds.diff,
    rounds.status,
    rounds.collect,
    reports.summary,
    reports.score,
    demo.demo,
):
    main.add_command(_command)
