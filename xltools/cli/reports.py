"""The reports, read from what collect wrote: a quarter's ``summary`` and its 通报, the
year-end ``score``."""

from __future__ import annotations

from pathlib import Path

import click

from xltools.cli.base import ROUND, command, echo_err, option, workspace_option
from xltools.core.i18n import _


@command()
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


@command()
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
