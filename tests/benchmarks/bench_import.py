"""``xltools import PLAN -o master.xlsx --units units.xlsx`` of synthetic plans (`synth.py`) of
120/60, 1,000/200 and 5,000/500 tasks/units: the whole command as a user runs it (start-up,
parsing, targets, the unit directory, writing master.xlsx), median of three runs, peak memory of
the process. Target: 5,000 tasks under 3 s. (No baseline: a user has no script that parses a plan.)
"""

from __future__ import annotations

import sys

from tests.benchmarks.common import Figure, cache_dir, median_run, report, xltools
from tests.benchmarks.synth import inputs

SIZES = ((120, 60), (1000, 200), (5000, 500))  # (tasks, units)
TARGET_SECONDS = 3.0


def main() -> bool:
    """One figure per size; False when 5,000 tasks miss the target or a result is wrong."""
    ok = True
    for tasks, units in SIZES:
        plan_path, units_path, plan = inputs(tasks, units)
        out = cache_dir() / f"imported-{tasks}.xlsx"
        run = median_run(xltools("import", plan_path, "-o", out, "--units", units_path, "--force"))
        expected = f"Imported {tasks} tasks, {units} units, 2 groups, {plan.targets} targets"
        if not run.output.startswith(expected):
            print(f"unexpected result: {run.output[:200]!r} (expected {expected!r})")
            ok = False
        target = tasks == 5000
        passed = run.seconds < TARGET_SECONDS if target else None
        ok = ok and passed is not False
        report(Figure("import", f"{tasks:,} tasks/{units} units", run.seconds, run.mb, None,
                      f"< {TARGET_SECONDS:g} s" if target else "", passed))  # fmt: skip
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
