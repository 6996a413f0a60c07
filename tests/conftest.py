import os
import shutil
from pathlib import Path

import pytest

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
