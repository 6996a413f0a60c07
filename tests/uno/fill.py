"""Fill workbooks in LibreOffice Calc as a user would, then save them as .xlsx and .xls.

Run with Debian's ``/usr/bin/python3`` (the only interpreter with the ``uno`` bridge)::

    /usr/bin/python3 tests/uno/fill.py jobs.json

``jobs.json`` is a list of jobs, all done in one LibreOffice launch:
``{"source": "in.xlsx", "cells": {"填报表": {"F2": "序时推进", "G2": "50"}}, "outputs": ["out.xlsx", "out.xls"]}``,
optionally with ``"password"`` to save with an open password (LibreOffice encrypts .xls and .ods).
Each value is typed through ``setFormula`` — the same path as typing into the cell, so ``50%``
becomes a percentage and ``2023/6/30`` a date, exactly as Calc would take a user's input.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue

FILTERS = {".xlsx": "Calc MS Excel 2007 XML", ".xls": "MS Excel 97", ".ods": "calc8"}


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe, process, timeout=60):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.time() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if time.time() > deadline or process.poll() is not None:
                raise
            time.sleep(0.2)


def run(jobs):
    profile = tempfile.mkdtemp(prefix="xltools-uno-")
    pipe = f"xltools_uno_{os.getpid()}"
    process = subprocess.Popen(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": profile},
    )
    try:
        ctx = connect(pipe, process)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for job in jobs:
            url = uno.systemPathToFileUrl(os.path.abspath(job["source"]))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            try:
                sheets = doc.Sheets
                for sheet_name, cells in job.get("cells", {}).items():
                    sheet = sheets.getByName(sheet_name)
                    if sheet.isProtected():
                        sheet.unprotect("")  # as a user would who unprotects to paste
                        reprotect = True
                    else:
                        reprotect = False
                    for ref, value in cells.items():
                        cell = sheet.getCellRangeByName(ref)
                        cell.setFormula(str(value))
                    if reprotect:
                        sheet.protect("")
                for out in job["outputs"]:
                    target = uno.systemPathToFileUrl(os.path.abspath(out))
                    ext = os.path.splitext(out)[1].lower()
                    options = (prop("FilterName", FILTERS[ext]), prop("Overwrite", True))
                    if job.get("password"):  # an open password, as File > Save As offers
                        options += (prop("Password", job["password"]),)
                    doc.storeToURL(target, options)
            finally:
                doc.close(True)
    finally:
        with contextlib.suppress(Exception):  # also when the connection never came up
            desktop.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        run(json.load(handle))
