"""The demo: a real year's first two quarters on the bundled Wuhan sample, end to end."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib.resources import as_file, files
from pathlib import Path

from xltools.core.errors import XltoolsError
from xltools.core.i18n import _, listed

ROUNDS = ("2023Q1", "2023Q2")
CHANGED_BEFORE = "2023Q2"  # the office edits the plan between the first two quarters


@dataclass
class DemoRound:
    """What happened in one round of the demo."""

    key: str
    name: str
    sent: int
    simulation: object  # simulate.Simulation
    collection: object  # collect.Collection
    summary: Path
    notice: Path | None = None  # the 通报 drafted beside the summary
    pdf: Path | None = None
    notice_pdf: Path | None = None
    change: object = None  # simulate.PlanChange made in master.xlsx before this round
    diff: object = None  # distribute.diff.MasterDiff since the previous round, as distribute says


@dataclass
class DemoResult:
    root: Path
    rounds: list[DemoRound] = field(default_factory=list)
    score: Path | None = None  # reports/年度考核.xlsx of the rounds run


def sample_files() -> tuple[Path, Path]:
    """The bundled Wuhan plan and unit directory."""
    folder = files("xltools.samples") / "wuhan-2023"
    plan, units = folder / "plan.txt", folder / "units.xlsx"
    if not (plan.is_file() and units.is_file()):
        raise XltoolsError(_("the bundled sample samples/wuhan-2023 is missing; reinstall xltools"))
    return Path(str(plan)), Path(str(units))


def libreoffice_resaver(workdir: Path) -> Callable[[Path], Path] | None:
    """A function that re-saves a workbook through LibreOffice, as a unit using it would; None
    when LibreOffice is not installed."""
    from xltools.core.office import convert, find_soffice

    if find_soffice() is None:
        return None

    def resave(path: Path) -> Path:
        made = convert(path, "xlsx", workdir / path.stem)
        shutil.move(made, path)
        return path

    return resave


def run_demo(
    target: Path,
    *,
    seed: int = 0,
    rounds: tuple[str, ...] = ROUNDS,
    libreoffice: bool = True,
    pdf: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Create a workspace from the Wuhan sample in ``target`` and run ``rounds``: distribute,
    simulated returns (``seed``), collect and summary. Before 2023Q2 the office closes (销号) a
    task in May and adds one (`simulate.change_plan`); at the end it scores the rounds (考核).
    Refuses a ``target`` that is not empty."""
    from xltools.master import workspace
    from xltools.score.report import make_score

    say = progress or (lambda _message: None)
    if target.exists() and any(target.iterdir()):
        raise XltoolsError(
            _("{target}: the folder is not empty; choose another or delete it").format(
                target=target
            )
        )
    plan, units = sample_files()
    with as_file(plan) as plan_path, as_file(units) as units_path:
        say(
            _("Creating the workspace from {plan} and {units}").format(
                plan=plan_path.name, units=units_path.name
            )
        )
        ws = workspace.init_workspace(target, plan_path, units_path, workspace_id=f"demo-{seed}")
    result = DemoResult(ws.root)
    with tempfile.TemporaryDirectory(prefix="xltools-demo-") as scratch:
        resave = libreoffice_resaver(Path(scratch)) if libreoffice else None
        for key in rounds:
            change_first = key == CHANGED_BEFORE and bool(result.rounds)
            made = _demo_round(ws, key, seed, resave, pdf, change_first, say)
            result.rounds.append(made)
    if result.rounds:
        say(_("Scoring the rounds (考核)"))
        result.score = make_score(ws, [r.key for r in result.rounds])
    return result


def _demo_round(ws, key: str, seed: int, resave, pdf: bool, change_first: bool, say) -> DemoRound:
    """One round: the plan changed if asked, distribute, returns, collect, summary, 通报, PDFs."""
    from xltools.collect.round import collect
    from xltools.demo import simulate
    from xltools.distribute.diff import changes_since_last_round
    from xltools.distribute.round import distribute
    from xltools.summary.report import make_summary, notice_path, summary_pdf

    rnd = ws.round(key)
    change = changes = None
    if change_first:
        say(_("{key}: the office closes a task and adds one in master.xlsx").format(key=key))
        change = simulate.change_plan(ws, seed, date(ws.year, 5, 15))
        changes = changes_since_last_round(ws, key)[1]
    say(_("{key}: distributing the workbooks").format(key=key))
    sent = distribute(ws, key)
    say(_("{key}: units fill in and send back their workbooks").format(key=key))
    sim = simulate.simulate_returns(ws, key, seed=seed, resave=resave)
    say(_("{key}: collecting the returns").format(key=key))
    collection = collect(ws, key)
    say(_("{key}: writing the summary").format(key=key))
    # The office writes its summary a few days after the due date.
    report = make_summary(ws, key, today=rnd.due + timedelta(days=3))
    made = DemoRound(key, rnd.name, len(sent.books), sim, collection, report)
    made.notice = notice_path(report)
    made.change, made.diff = change, changes
    if pdf:
        say(_("{key}: printing the summary and the 通报 to PDF").format(key=key))
        made.pdf = summary_pdf(report)
        made.notice_pdf = summary_pdf(made.notice)
    return made


def account(result: DemoResult) -> list[str]:
    """A short account of the demo for the terminal: what happened and where each file is."""
    root = result.root
    lines = [
        _("Workspace: {path}").format(path=root),
        _("  xltools.yaml, master.xlsx (its sheets 任务清单, 单位名录, 指标)"),
    ]
    for r in result.rounds:
        sim, col = r.simulation, r.collection
        late = [x.unit for x in sim.by_fate("late")]
        missing = [x.unit for x in sim.by_fate("missing")]
        mistakes = [f"{x.unit} ({x.mistake})" for x in sim.returns if x.mistake]
        lines.append("")
        if r.change:
            c = r.change
            lines += [
                _("Before {key}, the office edited master.xlsx:").format(key=r.key),
                _("  closed (销号) {task} on {day}: {basis}").format(
                    task=c.closed, day=c.closed_on.isoformat(), basis=c.basis
                ),
                _("  added {task}: {text}").format(task=c.added, text=c.added_text),
                _("  `xltools diff` lists it ({kinds}); {count} workbooks change").format(
                    kinds=listed(f"{k} {n}" for k, n in r.diff.counts().items() if n),
                    count=len(r.diff.forms),
                ),
                _("  the master as {key} was sent: outbox/{key}/留底/master.xlsx").format(
                    key=r.key
                ),
            ]
        lines += [
            f"{r.key} {r.name}",
            _("  sent {count} workbooks            outbox/{key}/").format(count=r.sent, key=r.key),
            _("  {answered} units answered, {late} late: {units}").format(
                answered=len(sim.returns) - len(missing),
                late=len(late),
                units="、".join(late) or "-",
            ),
            _("  missing: {units}").format(units="、".join(missing) or "-"),
            _("  typical mistakes: {mistakes}").format(mistakes="; ".join(mistakes) or "-"),
            _(
                "  collect: {errors} errors, {warnings} warnings   reports/{key}/问题清单.xlsx, 报送情况.xlsx, 汇总数据.xlsx"
            ).format(errors=len(col.errors), warnings=len(col.warnings), key=r.key),
            _("  sent back for correction: reports/{key}/退回修改/").format(key=r.key),
            _("  summary: reports/{key}/{name}").format(key=r.key, name=r.summary.name),
        ]
        if r.pdf:
            lines.append(f"           reports/{r.key}/{r.pdf.name}")
        if r.notice:
            lines.append(
                _("  通报 draft: reports/{key}/{name}").format(key=r.key, name=r.notice.name)
            )
        if r.notice_pdf:
            lines.append(f"           reports/{r.key}/{r.notice_pdf.name}")
    if result.score:
        lines += [
            "",
            _("考核 of the rounds above: reports/{name}").format(name=result.score.name),
        ]
    return lines
