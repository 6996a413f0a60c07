"""``xltools distribute 2023Q1`` as a user runs it (start-up, reading master.xlsx, routing, one
workbook per unit, the manifest): the Wuhan sample and synthetic plans up to 5,000 tasks and 500
units, wall seconds and peak memory of the process. Targets: Wuhan under 1.5 s (issue 7), and the
5,000-task, 500-unit plan is reported."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.synth import write_plan, write_units

SIZES = ((1000, 120), (5000, 500))  # (tasks, units)
WUHAN_SECONDS = 1.5


def run(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak resident memory (MB) and stdout of one xltools command."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "xltools", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"xltools {' '.join(args)} failed in {cwd}")
    return seconds, usage.ru_maxrss / 1024, output.strip()


def wuhan_workspace(root: Path) -> Path:
    """The Wuhan sample's workspace, with the districts of 单位名录 as DOMAIN.md defines them."""
    from tests.test_distribute import make_workspace, wuhan_master

    make_workspace(root, wuhan_master())
    return root


def synthetic_workspace(folder: Path, tasks: int, units: int) -> Path:
    path = folder / f"plan-{tasks}.txt"
    plan = write_plan(path, tasks, units)
    directory = write_units(folder / f"units-{tasks}.xlsx", plan)
    root = folder / f"ws-{tasks}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "xltools",
            "init",
            str(root),
            "--plan",
            str(path),
            "--units",
            str(directory),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return root


def best_of(root: Path, times: int = 3) -> tuple[float, float, str]:
    runs = [run(["distribute", "2023Q1", "--force"], root) for _ in range(times)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[0][2]


def main() -> bool:
    """One line per workspace; False when Wuhan misses its target."""
    ok = True
    print(f"{'plan':>10} {'workbooks':>10} {'rows':>7} {'seconds':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = [("Wuhan", wuhan_workspace(folder / "wuhan"))]
        cases += [(f"{t}/{u}", synthetic_workspace(folder, t, u)) for t, u in SIZES]
        for name, root in cases:
            seconds, peak, output = best_of(root)
            # "Wrote 60 workbooks (122 lead rows, 1389 partner rows) and manifest.xlsx to …"
            words = output.split()
            books = words[1]
            rows = int(words[3].lstrip("(")) + int(words[6])
            print(f"{name:>10} {books:>10} {rows:>7} {seconds:>8.2f} {peak:>8.0f}")
            if name == "Wuhan" and seconds > WUHAN_SECONDS:
                print(f"Wuhan took {seconds:.2f} s, over the {WUHAN_SECONDS} s target")
                ok = False
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
