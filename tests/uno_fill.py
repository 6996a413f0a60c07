"""Helpers for tests that drive LibreOffice through ``tests/uno/fill.py`` (Debian's python3)."""

import json
import subprocess
from pathlib import Path

from .conftest import ROOT, SYSTEM_PYTHON

SCRIPT = ROOT / "tests" / "uno" / "fill.py"


def fill_in_libreoffice(jobs: list[dict], workdir: Path, timeout: float = 180) -> None:
    """Run the jobs (source, cells by sheet, outputs) in one LibreOffice launch."""
    workdir.mkdir(parents=True, exist_ok=True)
    spec = workdir / "jobs.json"
    spec.write_text(
        json.dumps(
            [
                {**j, "source": str(j["source"]), "outputs": [str(o) for o in j["outputs"]]}
                for j in jobs
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [str(SYSTEM_PYTHON), str(SCRIPT), str(spec)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"tests/uno/fill.py failed: {done.stderr.strip()[-2000:]}")
