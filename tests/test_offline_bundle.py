"""scripts/make-offline-bundle.sh: a folder of wheels that installs xltools on a Windows machine
without internet access. Needs the package index (skipped without it); about a minute."""

import os
import subprocess
import sys
import urllib.request
import zipfile
from email.parser import Parser

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from .conftest import ROOT

SCRIPT = ROOT / "scripts" / "make-offline-bundle.sh"
PYTHON = "3.11"
# What pip's markers see on the office's machine: 64-bit Windows, CPython 3.11.
WINDOWS = {
    "os_name": "nt",
    "sys_platform": "win32",
    "platform_system": "Windows",
    "platform_machine": "AMD64",
    "platform_python_implementation": "CPython",
    "implementation_name": "cpython",
    "python_version": PYTHON,
    "python_full_version": f"{PYTHON}.0",
    "extra": "",
}


def index_reachable() -> bool:
    """Whether pip can reach a package index from here (its configured index, else PyPI)."""
    url = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple/")
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/click/", timeout=10):
            return True
    except OSError:
        return False


def fits_windows(wheel: str) -> bool:
    _name, _version, _build, tags = parse_wheel_filename(wheel)
    interpreters = {"py3", "py2", f"cp{PYTHON.replace('.', '')}"}
    abis = {"none", "abi3", f"cp{PYTHON.replace('.', '')}"}
    return any(
        t.interpreter in interpreters and t.abi in abis and t.platform in ("any", "win_amd64")
        for t in tags
    )


def requirements(path) -> list[Requirement]:
    with zipfile.ZipFile(path) as wheel:
        meta = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        headers = Parser().parsestr(wheel.read(meta).decode("utf-8"))
    found = [Requirement(line) for line in headers.get_all("Requires-Dist") or []]
    return [r for r in found if r.marker is None or Marker(str(r.marker)).evaluate(WINDOWS)]


@pytest.mark.skipif(not index_reachable(), reason="no network access to the package index")
def test_the_bundle_holds_a_windows_wheel_of_every_dependency(tmp_path):
    out = tmp_path / "bundle"
    env = {**os.environ, "PYTHON": sys.executable}
    done = subprocess.run(
        ["sh", str(SCRIPT), str(out), PYTHON], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "pip install --no-index --find-links wheels xltools" in done.stdout
    assert "pip install --no-index --find-links wheels xltools" in (out / "INSTALL.txt").read_text(
        encoding="utf-8"
    )
    wheels = {}
    for path in (out / "wheels").iterdir():
        assert path.suffix == ".whl", path.name  # binaries only: no sdist to build offline
        assert fits_windows(path.name), path.name
        wheels[canonicalize_name(parse_wheel_filename(path.name)[0])] = path
    # Every requirement (with Windows' markers) of every wheel from xltools down is in the folder.
    todo, seen = ["xltools"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        assert name in wheels, f"no wheel of {name} for Windows / Python {PYTHON}"
        todo += [canonicalize_name(r.name) for r in requirements(wheels[name])]
    with zipfile.ZipFile(wheels["xltools"]) as own:  # the Chinese catalog travels in the wheel
        assert "xltools/locale/zh_CN/LC_MESSAGES/xltools.mo" in own.namelist()
