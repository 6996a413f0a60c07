"""Start-up: ``xltools --help`` as a user runs it (the installed console script), median of five
runs; and which heavy libraries ``import xltools.cli`` loads (none may: they are imported inside
the functions that need them). Target: under 0.5 s."""

from __future__ import annotations

import sys

from tests.benchmarks.common import Figure, measure, median_run, python_script, report, xltools

TARGET_SECONDS = 0.5
HEAVY = ("openpyxl", "xlsxwriter", "python_calamine", "pandas", "numpy", "docx", "defusedxml")
_LOADED = "import sys, xltools.cli; print(' '.join(m for m in sys.argv[1:] if m in sys.modules))"


def main() -> bool:
    """Print the start-up figure; False when it misses the target or a heavy library is loaded."""
    run = median_run(xltools("--help"), runs=5)
    loaded = measure(python_script(_LOADED, *HEAVY)).output.split()
    ok = run.seconds < TARGET_SECONDS and not loaded
    report(Figure("start-up", "xltools --help", run.seconds, run.mb, None,
                  f"< {TARGET_SECONDS} s, no heavy imports", ok))  # fmt: skip
    print(f"heavy libraries loaded by `import xltools.cli`: {', '.join(loaded) or 'none'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
