"""What every benchmark shares: running a whole command and measuring it, the figures table,
and the run's cache of generated inputs.

A measurement is one fresh child process (`xltools …` or a baseline script): wall seconds from
start to exit, and the child's peak resident memory from ``os.wait4`` (the kernel's ``ru_maxrss``
of that child and the children it waited for — for a process pool, the largest single process,
not their sum). A figure is the median of several such runs.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CACHE_ENV = "XLTOOLS_BENCH_DIR"
RUNS = 3  # runs per figure; the median is reported


@dataclass(frozen=True)
class Run:
    """One measured process: wall seconds, peak resident memory (MB), its standard output."""

    seconds: float
    mb: float
    output: str


@dataclass(frozen=True)
class Figure:
    """One line of the results table."""

    stage: str
    size: str
    seconds: float
    mb: float | None = None
    baseline: float | None = None  # seconds of the straightforward approach, same inputs
    target: str = ""  # "< 1.5 s", "≥ 3× baseline" … ("" = reported only)
    ok: bool | None = None  # None when there is no target

    @property
    def ratio(self) -> float | None:
        return self.baseline / self.seconds if self.baseline and self.seconds else None

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("PASS" if self.ok else "MISS")


FIGURES: list[Figure] = []


def xltools_command() -> list[str]:
    """The installed ``xltools`` console script, as a user runs it (else ``python -m xltools``)."""
    found = shutil.which("xltools", path=str(Path(sys.executable).parent)) or shutil.which(
        "xltools"
    )
    return [found] if found else [sys.executable, "-m", "xltools"]


def measure(args: list[str], cwd: Path | None = None, ok_codes: tuple[int, ...] = (0,)) -> Run:
    """Run ``args`` once in a fresh process and measure it; raise when it fails."""
    import time

    with tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=errors, text=True)
        output = proc.stdout.read()
        proc.stdout.close()
        # wait4 reaps the child and gives its own resource usage (Popen.wait would lose it).
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok_codes:
            errors.seek(0)
            raise RuntimeError(
                f"{' '.join(map(str, args[:4]))} … exited {proc.returncode}: "
                f"{errors.read().strip()[-500:]}"
            )
    return Run(seconds, usage.ru_maxrss / 1024, output.strip())


def median_run(
    args: list[str], cwd: Path | None = None, runs: int = RUNS, ok_codes: tuple[int, ...] = (0,)
) -> Run:
    """The median wall time of ``runs`` runs, the largest peak memory, the first run's output."""
    done = [measure(args, cwd, ok_codes) for _ in range(runs)]
    return Run(statistics.median(r.seconds for r in done), max(r.mb for r in done), done[0].output)


def python_script(code: str, *args: object) -> list[str]:
    """The command line running ``code`` (a baseline script) in a fresh interpreter."""
    return [sys.executable, "-c", code, *map(str, args)]


def xltools(*args: object) -> list[str]:
    """The command line of one ``xltools`` command."""
    return [*xltools_command(), *map(str, args)]


def prepare(args: list[str], cwd: Path | None = None) -> str:
    """Run a preparation command (not measured); its output."""
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(map(str, args[:4]))} … failed: {done.stderr.strip()[-500:]}")
    return done.stdout


def cache_dir() -> Path:
    """This run's folder of generated inputs (shared by the benchmarks, deleted at the end).

    The runner sets it; a benchmark run on its own gets a folder of its own."""
    folder = os.environ.get(CACHE_ENV)
    if not folder:
        folder = tempfile.mkdtemp(prefix="xltools-bench-")
        os.environ[CACHE_ENV] = folder
    return Path(folder)


HEADER = (
    f"{'stage':<18} {'size':<34} {'seconds':>8} {'MB':>6} {'baseline s':>10} {'ratio':>7} "
    f"{'target':<26} {'':<4}"
)


def line(f: Figure) -> str:
    """One figure as a table line."""
    mb = f"{f.mb:.0f}" if f.mb is not None else "—"
    base = f"{f.baseline:.2f}" if f.baseline is not None else "—"
    ratio = f"{f.ratio:.1f}×" if f.ratio is not None else "—"
    return (
        f"{f.stage:<18} {f.size:<34} {f.seconds:>8.2f} {mb:>6} {base:>10} {ratio:>7} "
        f"{f.target:<26} {f.verdict:<4}"
    ).rstrip()


def report(figure: Figure) -> Figure:
    """Print a figure as a table line and keep it for the run's final table."""
    FIGURES.append(figure)
    print(line(figure), flush=True)
    return figure


def markdown(figures: list[Figure]) -> str:
    """The figures as a Markdown table (for README.md)."""
    rows = [
        "| stage | size | seconds | peak MB | baseline s | ratio | target | |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for f in figures:
        rows.append(
            f"| {f.stage} | {f.size} | {f.seconds:.2f} | "
            f"{f'{f.mb:.0f}' if f.mb is not None else '—'} | "
            f"{f'{f.baseline:.2f}' if f.baseline is not None else '—'} | "
            f"{f'{f.ratio:.1f}×' if f.ratio is not None else '—'} | {f.target} | {f.verdict} |"
        )
    return "\n".join(rows)
