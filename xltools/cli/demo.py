"""``demo``: two quarters of the bundled Wuhan sample, end to end."""

from __future__ import annotations

from pathlib import Path

import click

from xltools.cli.base import command, echo_err, option


@command()
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
