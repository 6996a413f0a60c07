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

# The public names and where they live, imported when first used (PEP 562): a command line
# that runs one stage does not load the others. `distribute` and `collect` are exported as
# distribute_round and collect_round: under their own names they would hide the modules
# xltools.distribute.round and xltools.collect.round.
_PUBLIC = {
    "Master": ("xltools.core.model", "Master"),
    "Problem": ("xltools.core.problems", "Problem"),
    "Report": ("xltools.core.problems", "Report"),
    "RoundData": ("xltools.summary.data", "RoundData"),
    "Target": ("xltools.core.model", "Target"),
    "Task": ("xltools.core.model", "Task"),
    "Unit": ("xltools.core.model", "Unit"),
    "XltoolsError": ("xltools.core.errors", "XltoolsError"),
    "check_master": ("xltools.master.workbook", "check_master"),
    "collect_round": ("xltools.collect.round", "collect"),
    "distribute_round": ("xltools.distribute.round", "distribute"),
    "import_plan": ("xltools.master.workbook", "import_plan"),
    "init_workspace": ("xltools.master.workspace", "init_workspace"),
    "load_form": ("xltools.distribute.forms", "load_form"),
    "load_workspace": ("xltools.master.workspace", "load"),
    "make_summary": ("xltools.summary.report", "make_summary"),
    "read_master": ("xltools.master.workbook", "read_master"),
    "read_plan": ("xltools.plan.parse", "read_plan"),
    "read_round": ("xltools.summary.data", "read_round"),
    "run_demo": ("xltools.demo.run", "run_demo"),
    "simulate_returns": ("xltools.demo.simulate", "simulate_returns"),
    "write_master": ("xltools.master.workbook", "write_master"),
}

__all__ = ["__version__", *sorted(_PUBLIC)]


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'xltools' has no attribute {name!r}")
    import importlib

    module, attribute = _PUBLIC[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
