import os
import shutil
from pathlib import Path

# As the command line does (xltools/cli/__init__.py), before anything imports numpy: without
# OpenBLAS's threads the test process may fork helpers, so the summary's helper process is tested too.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "wuhan-2023"
SYSTEM_PYTHON = Path("/usr/bin/python3")


def libreoffice_ready() -> bool:
    return (
        bool(shutil.which("soffice"))
        and SYSTEM_PYTHON.exists()
        and Path("/usr/lib/python3/dist-packages/uno.py").exists()
    )


def pytest_collection_modifyitems(config, items):
    """LibreOffice tests skip where it is missing, except in CI, which installs it and must run them."""
    if libreoffice_ready():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI must run the LibreOffice tests: .ci/run installs LibreOffice")
    skip = pytest.mark.skip(reason="LibreOffice with python3-uno is not installed")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Tests read the command line's English whatever the machine's language; tests of the Chinese
    interface choose theirs (tests/test_i18n.py)."""
    monkeypatch.setenv("XLTOOLS_LANG", "en")


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE


def wuhan_workspace(tmp_path: Path):
    """A saved workspace in ``tmp_path/wuhan`` on a copy of the Wuhan sample's master, with the
    default rounds of 2023 and nothing distributed yet."""
    from xltools.master.workspace import Workspace, default_rounds, save

    root = tmp_path / "wuhan"
    root.mkdir()
    shutil.copy(SAMPLE / "master.xlsx", root / "master.xlsx")
    ws = Workspace(root, "wuhan-id", "武汉市2023年政府工作报告目标任务", 2023, "市人民政府督查室",
                   root / "master.xlsx", default_rounds(2023))  # fmt: skip
    save(ws)
    return ws
