"""Run every ``bench_*.py`` here: ``python -m tests.benchmarks [NAME ...]`` (``make bench``).

Each benchmark module has a ``main()`` that prints its figures as table lines (stage, size,
seconds, peak MB, baseline seconds, ratio, target, PASS/MISS) and returns False when a target is
missed; NAME picks modules by a part of their name (``python -m tests.benchmarks collect``). The
inputs they generate live in one temporary folder for the run (shared between benchmarks, never
in the repository) and are deleted at the end. The run ends with every figure in one table, in
Markdown too (for README.md), and exits 1 when a target was missed.
"""

from __future__ import annotations

import importlib
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from tests.benchmarks.common import CACHE_ENV, FIGURES, HEADER, line, markdown


def machine() -> str:
    """Cores, CPU model, memory and the load average now (the machine may be shared)."""
    model = "unknown CPU"
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                model = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {load}"
    )


def main(argv: list[str]) -> int:
    """Run the chosen benchmarks (all by default); exit 1 when one fails or misses its target."""
    here = Path(__file__).parent
    order = ["startup", "import", "distribute", "collect", "summary"]
    names = sorted(
        (p.stem for p in here.glob("bench_*.py")),
        key=lambda n: (order.index(n[6:]) if n[6:] in order else len(order), n),
    )
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    print(f"# {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {machine()}")
    own = CACHE_ENV not in os.environ
    folder = os.environ.setdefault(CACHE_ENV, tempfile.mkdtemp(prefix="xltools-bench-"))
    print(HEADER.rstrip())
    failed = []
    start_all = time.perf_counter()
    try:
        for name in names:
            start = time.perf_counter()
            try:
                ok = importlib.import_module(f"tests.benchmarks.{name}").main()
            except Exception as exc:  # one broken benchmark must not hide the others' figures
                print(f"{name} FAILED: {exc!r}")
                ok = False
            print(f"({name}: {time.perf_counter() - start:.0f} s)", flush=True)
            if ok is False:
                failed.append(name)
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n# All figures ({time.perf_counter() - start_all:.0f} s; {machine()})")
    print(HEADER.rstrip())
    for figure in FIGURES:
        print(line(figure))
    print("\n" + markdown(FIGURES))
    if failed:
        print(f"\nFailed or missed a target: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
