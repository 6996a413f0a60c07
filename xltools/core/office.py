"""LibreOffice, when installed: convert workbooks (to PDF, or re-save as xlsx/xls/ods) and Word
documents (to PDF)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from xltools.core.errors import OfficeError
from xltools.core.i18n import _

_FILTERS = {
    "pdf": "pdf:calc_pdf_Export",
    "xlsx": 'xlsx:"Calc MS Excel 2007 XML"',
    "xls": 'xls:"MS Excel 97"',
    "ods": "ods",
}
# Word documents print through Writer's PDF filter; calc_pdf_Export refuses them.
_DOCUMENTS = {".docx", ".doc", ".odt", ".rtf"}


def find_soffice() -> str | None:
    """The LibreOffice executable, or None."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    mac = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")
    return str(mac) if mac.exists() else None


def _filter(source: Path, fmt: str) -> str:
    if fmt == "pdf" and source.suffix.lower() in _DOCUMENTS:
        return "pdf:writer_pdf_Export"
    return _FILTERS[fmt].replace('"', "")


def convert(source: str | Path, fmt: str, outdir: str | Path, *, timeout: float = 180) -> Path:
    """Convert ``source`` with headless LibreOffice into ``outdir``; return the new file's path."""
    source, outdir = Path(source), Path(outdir)  # paths typed as text in a script or REPL
    soffice = find_soffice()
    if soffice is None:
        raise OfficeError(
            _(
                "LibreOffice is not installed; install it (Debian: apt-get install libreoffice-calc-nogui) or open the workbook in Excel and print it to PDF"
            )
        )
    if fmt not in _FILTERS:
        raise OfficeError(
            _("cannot convert to {fmt!r}; choose one of {names}").format(
                fmt=fmt, names=", ".join(_FILTERS)
            )
        )
    outdir.mkdir(parents=True, exist_ok=True)
    # A private profile per call: two conversions at once must not share (and lock) one profile.
    with tempfile.TemporaryDirectory(prefix="xltools-lo-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            _filter(source, fmt),
            "--outdir",
            str(outdir),
            str(source),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=timeout,
                env={**os.environ, "HOME": profile},
            )
        except subprocess.TimeoutExpired as exc:
            raise OfficeError(
                _("{name}: LibreOffice did not finish in {timeout:.0f} s").format(
                    name=source.name, timeout=timeout
                )
            ) from exc
    target = outdir / f"{source.stem}.{fmt}"
    if done.returncode != 0 or not target.exists():
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise OfficeError(
            _("{name}: LibreOffice could not convert it to {fmt}: {value}").format(
                name=source.name, fmt=fmt, value=detail[-1] if detail else _("no output")
            )
        )
    return target
