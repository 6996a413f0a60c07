"""Run every ``bench_*.py`` here: ``python -m tests.benchmarks [NAME ...]`` (``make bench``).

Each benchmark module has a ``main()`` that prints its figures; NAME picks modules by a part of
their name (``python -m tests.benchmarks import``).
"""

from __future__ import annotations

import importlib
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path


def main(argv: list[str]) -> int:
    """Run the chosen benchmarks (all by default); exit 1 when one fails or misses its target."""
    here = Path(__file__).parent
    names = sorted(p.stem for p in here.glob("bench_*.py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    print(
        f"# {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{platform.machine()} {platform.processor() or platform.system()}"
    )
    failed = []
    for name in names:
        print(f"\n## {name}")
        start = time.perf_counter()
        try:
            ok = importlib.import_module(f"tests.benchmarks.{name}").main()
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            print(f"FAILED: {exc!r}")
            ok = False
        print(f"({time.perf_counter() - start:.1f} s)")
        if ok is False:
            failed.append(name)
    if failed:
        print(f"\nFailed or missed a target: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
