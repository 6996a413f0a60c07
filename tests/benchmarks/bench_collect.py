"""``xltools collect 2023Q2`` of 250, 500, 1,000 and 2,000 returned workbooks, as a user runs it
(start-up, reading the sent workbooks' identities, reading, identifying and checking every
returned file, and writing every output: 汇总数据, 问题清单, 报送情况 and 退回修改), median of three
runs, peak memory of the process.

The round: a synthetic plan of 5,000 tasks for 2,010 units (`synth.py`: 12 districts with about
2,500 rows each, zones, bureaus and street offices with a handful each), distributed with
``xltools distribute``. The returns are made by the demo's own simulation
(`xltools.demo.simulate.simulate_returns`: each workbook opened with openpyxl, answers typed by
header and 编号, saved with a saved time of its own, as a clerk's spreadsheet application
would), run in two halves at once to use both cores; about 0.5 % of units send nothing and the
first half carries the demo's nine typical mistakes (so 退回修改 is written too). Smaller sizes are
evenly spread subsets of the same returns (hard links in copies of the workspace).

Baseline: reading every returned file with openpyxl ``load_workbook(data_only=True)`` and
iterating every sheet's values — reading alone, no checks and no outputs.
Targets at 2,000 files: under 15 s, at least 5× faster than the baseline, peak memory under
500 MB, and time and memory growing no faster than the number of files.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tests.benchmarks.common import (
    Figure,
    cache_dir,
    measure,
    median_run,
    prepare,
    python_script,
    report,
    xltools,
)
from tests.benchmarks.synth import inputs

ROUND = "2023Q2"
TASKS, UNITS = 5000, 2010
SIZES = (250, 500, 1000, 2000)
TARGET_SECONDS = 15.0
TARGET_RATIO = 5.0
TARGET_MB = 500.0
LINEAR = 2.3  # 2× the files may take at most this many times the time (and memory)

BASELINE = r"""
import sys
from pathlib import Path
from openpyxl import load_workbook

cells = 0
paths = sorted(p for p in Path(sys.argv[1]).rglob("*") if p.suffix == ".xlsx" and p.name[0] not in "~.")
for path in paths:
    wb = load_workbook(path, data_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
    wb.close()
print(len(paths), cells)
"""


class _Shard:
    """The workspace as `simulate_returns` sees it, with only some of the sent workbooks."""

    def __init__(self, ws, outbox: Path):
        self._ws, self._outbox = ws, outbox

    def round(self, key):
        return self._ws.round(key)

    def outbox(self, key):
        return self._outbox

    def inbox(self, key):
        return self._ws.inbox(key)


def _simulate(root: str, shard: str, seed: int, mistakes: int) -> int:
    from xltools.demo.simulate import simulate_returns
    from xltools.master.workspace import load

    sim = simulate_returns(
        _Shard(load(Path(root)), Path(shard)), ROUND, seed=seed, missing=0.005, late=0.05,
        mistakes=mistakes,
    )  # fmt: skip
    return sum(len(r.files) for r in sim.returns)


def build() -> Path:
    """The distributed round and its returns, in the run's cache (once per run)."""
    root = cache_dir() / "ws-collect"
    inbox = root / "inbox" / ROUND
    if inbox.is_dir():
        return root
    plan, units, _ = inputs(TASKS, UNITS)
    start = time.perf_counter()
    prepare(xltools("init", root, "--plan", plan, "--units", units))
    prepare(xltools("distribute", ROUND, "--no-prefill", "-w", root))
    outbox = root / "outbox" / ROUND
    books = sorted(p for p in outbox.glob("*.xlsx") if p.name != "manifest.xlsx")
    shards = []
    for n in range(2):  # two halves, one per core
        shard = cache_dir() / f"collect-shard-{n}"
        shard.mkdir(exist_ok=True)
        for book in books[n::2]:
            os.link(book, shard / book.name)
        shards.append(shard)
    with ProcessPoolExecutor(2) as pool:
        jobs = [pool.submit(_simulate, str(root), str(s), n, 9 if n == 0 else 0)
                for n, s in enumerate(shards)]  # fmt: skip
        files = sum(j.result() for j in jobs)
    print(f"({len(books)} workbooks distributed and {files} returned files made in "
          f"{time.perf_counter() - start:.0f} s)")  # fmt: skip
    return root


def subset(root: Path, count: int) -> Path:
    """A copy of the workspace whose inbox holds ``count`` of the returns, evenly spread."""
    copy = cache_dir() / f"ws-collect-{count}"
    if copy.exists():
        return copy
    returns = sorted(p for p in (root / "inbox" / ROUND).iterdir() if not p.name.startswith("~$"))
    if count > len(returns):
        raise RuntimeError(f"only {len(returns)} returned files, {count} wanted")
    chosen = [returns[i * len(returns) // count] for i in range(count)]
    (copy / "outbox" / ROUND).mkdir(parents=True)
    (copy / "inbox" / ROUND).mkdir(parents=True)
    for name in ("xltools.yaml", "master.xlsx"):
        shutil.copy2(root / name, copy / name)
    for path in (root / "outbox" / ROUND).iterdir():
        if path.is_dir():  # 留底/: the master kept by distribute
            shutil.copytree(path, copy / "outbox" / ROUND / path.name)
        else:
            os.link(path, copy / "outbox" / ROUND / path.name)
    for path in chosen:
        os.link(path, copy / "inbox" / ROUND / path.name)
    return copy


def main() -> bool:
    """One figure per size; False when a target at 2,000 files is missed."""
    root = build()
    ok, figures = True, {}
    for count in SIZES:
        ws = subset(root, count)
        # exit 1: some returns carry errors (the simulated mistakes) — the normal outcome
        run = median_run(xltools("collect", ROUND, "-w", ws), ok_codes=(0, 1))
        base = measure(python_script(BASELINE, ws / "inbox" / ROUND))
        workbooks = sum(p.suffix == ".xlsx" for p in (ws / "inbox" / ROUND).iterdir())
        if int(base.output.split()[0]) != workbooks:
            raise RuntimeError(f"baseline read {base.output} files, {workbooks} expected")
        figures[count] = (run, base)
        checks = []
        if count == SIZES[-1]:
            half = figures[count // 2][0] if count // 2 in figures else None
            growth = run.seconds / half.seconds if half else 0
            mb_growth = run.mb / half.mb if half else 0
            checks = [
                (f"< {TARGET_SECONDS:g} s", run.seconds < TARGET_SECONDS),
                (f"≥ {TARGET_RATIO:g}×", base.seconds / run.seconds >= TARGET_RATIO),
                (f"< {TARGET_MB:g} MB", run.mb < TARGET_MB),
                (f"linear (×{growth:.1f} s, ×{mb_growth:.1f} MB)",
                 half is not None and growth <= LINEAR and mb_growth <= LINEAR),
            ]  # fmt: skip
        passed = all(c[1] for c in checks) if checks else None
        ok = ok and passed is not False
        report(Figure("collect", f"{count:,} files", run.seconds, run.mb, base.seconds,
                      ", ".join(c[0] for c in checks), passed))  # fmt: skip
    print(f"({figures[SIZES[-1]][0].output.splitlines()[-1]})")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
