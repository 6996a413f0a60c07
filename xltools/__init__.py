"""xltools: distribute a task list to units, collect their Excel returns, and report progress.

The pipeline, one function per stage (each module holds the details)::

    from pathlib import Path
    import xltools

    ws = xltools.init_workspace(Path("wuhan-2023"), Path("plan.txt"), Path("units.xlsx"))
    xltools.distribute_round(ws, "2023Q2")
    report = xltools.collect_round(ws, "2023Q2")  # problems of the returns, as records
    xltools.make_summary(ws, "2023Q2")
    data = xltools.read_round(ws, "2023Q2")       # the collected data as pandas DataFrames

The stage modules import their heavy libraries (pandas, openpyxl, xlsxwriter) only when they
run, so ``import xltools`` stays light.
"""

__version__ = "0.1.0"

# The stage functions. `distribute` and `collect` are exported as distribute_round and
# collect_round: under their own names they would hide the modules xltools.distribute.round and
# xltools.collect.round (`import xltools.collect.round as m` would give the function).
from xltools.collect.round import collect as collect_round  # noqa: E402
from xltools.core.errors import XltoolsError  # noqa: E402
from xltools.core.model import Master, Target, Task, Unit  # noqa: E402
from xltools.core.problems import Problem, Report  # noqa: E402
from xltools.demo.run import run_demo  # noqa: E402
from xltools.demo.simulate import simulate_returns  # noqa: E402
from xltools.distribute.forms import load_form  # noqa: E402
from xltools.distribute.round import distribute as distribute_round  # noqa: E402
from xltools.master.workbook import check_master, import_plan, read_master, write_master  # noqa: E402
from xltools.master.workspace import init_workspace  # noqa: E402
from xltools.master.workspace import load as load_workspace  # noqa: E402
from xltools.plan.parse import read_plan  # noqa: E402
from xltools.summary.data import RoundData, read_round  # noqa: E402
from xltools.summary.report import make_summary  # noqa: E402

__all__ = [
    "Master",
    "Problem",
    "Report",
    "RoundData",
    "Target",
    "Task",
    "Unit",
    "XltoolsError",
    "__version__",
    "check_master",
    "collect_round",
    "distribute_round",
    "import_plan",
    "init_workspace",
    "load_form",
    "load_workspace",
    "make_summary",
    "read_master",
    "read_plan",
    "read_round",
    "run_demo",
    "simulate_returns",
    "write_master",
]
