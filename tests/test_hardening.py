"""A round always completes: odd, damaged, huge or hostile returned files cost only their own unit.

Every case the first trial of collect stopped on (issue 10's "Why") and a fuzz corpus made from
distributed workbooks re-saved by LibreOffice, collected in one inbox."""

import io
import os
import random
import shutil
import subprocess
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tests.test_collect import ROUND, fill, make_workspace, sent
from xltools.cli import main
from xltools.collect.inbox import scan
from xltools.collect.round import collect
from xltools.core.excel import read_sheets

UNITS = [
    "市发改委",
    "市经信局",
    "市商务局",
    "市教育局",
    "市财政局",
    "市民政局",
    "市水务局",
    "市科技局",
    "市城管局",
    "江岸区人民政府",
]


def _soffice(files: list[Path], fmt: str, outdir: Path, profile: str) -> subprocess.Popen:
    """Start re-saving ``files`` with LibreOffice in one run (one start-up for all of them)."""
    outdir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            shutil.which("soffice"),
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": profile},
    )


@pytest.fixture(scope="session")
def resaved(tmp_path_factory):
    """Every unit's filled workbook of a distributed round, and each re-saved by LibreOffice as
    .xlsx, .xls and .ods: made once per test session."""
    root = tmp_path_factory.mktemp("resaved")
    ws = make_workspace(root / "ws")
    filled = [fill(sent(ws, unit), root / "filled" / f"{unit}.xlsx") for unit in UNITS]
    # Two more: a formula in an answer cell, and a space typed in the last cell an .xls has.
    filled.append(fill(sent(ws, "市发改委"), root / "filled" / "formula.xlsx", edit=_formula))
    # A space in a far cell of 市科技局's and of 市财政局's own workbook.
    own = dict(zip(UNITS, filled, strict=False))
    filled.append(_far_cell(own["市科技局"], root / "filled" / "far.xlsx", "IV65536"))
    filled.append(_far_cell(own["市财政局"], root / "filled" / "farthest.xlsx", "XFD1048576"))
    made = {"filled": {p.stem: p for p in filled}}
    with tempfile.TemporaryDirectory(prefix="xltools-lo-") as profiles:
        running = []
        for fmt in ("xlsx", "xls", "ods"):  # at once, each with its own profile
            profile = Path(profiles) / fmt
            running.append(_soffice(filled, fmt, root / fmt, str(profile)))
        for process in running:
            assert process.wait(timeout=300) == 0
    for fmt in ("xlsx", "xls", "ods"):
        made[fmt] = {p.stem: root / fmt / f"{p.stem}.{fmt}" for p in filled}
        assert all(p.exists() for p in made[fmt].values()), fmt
    return ws, made


def _formula(wb) -> None:
    ws = wb["填报表"]
    heads = {c.value: c.column for c in ws[1]}
    ws.cell(2, heads["完成进度(%)"]).value = "=20+30"


@pytest.mark.libreoffice
def test_formulas_and_saved_times_of_xls_and_ods_returns(resaved, tmp_path):
    original, made = resaved
    ws = _fresh_workspace(tmp_path, original)
    inbox = ws.inbox(ROUND)
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "市发改委.xls").write_bytes(made["xls"]["formula"].read_bytes())
    (inbox / "市商务局.xls").write_bytes(made["xls"]["far"].read_bytes())
    (inbox / "市财政局.ods").write_bytes(made["ods"]["farthest"].read_bytes())
    (inbox / "市科技局.ods").write_bytes(made["ods"]["far"].read_bytes())
    os.utime(inbox / "市发改委.xls", (1689000000, 1689000000))  # copied in later: not its time
    result = collect(ws, ROUND)
    rows = result.rows("unit", "file", "cell", "code")
    assert ("市发改委", "市发改委.xls", "G2", "formula-value") in rows
    assert ("市商务局", "市商务局.xls", "", "file-too-complex") in rows
    # A space far outside the form of an .ods is cut before reading, as from an .xlsx: the
    # reader would allocate every cell up to it (a gigabyte for IV65536), or give up.
    assert ("市财政局", "市财政局.ods", "A1048576", "stray-rows") in rows
    assert ("市科技局", "市科技局.ods", "A65536", "stray-rows") in rows
    assert {"市财政局", "市科技局"} <= set(result.submissions)  # read, their answers taken
    saved = result.submissions["市发改委"].file.saved
    # The workbook's own saved time (LibreOffice kept the unit's, 02:00 UTC), not the copy's.
    assert saved == datetime(2023, 7, 10, 10, 0)
    ods = tmp_path / "ods"
    ods.mkdir()
    shutil.copy(made["ods"]["formula"], ods / "市发改委.ods")
    assert scan(ods).files[0].formulas == {"填报表": ("G2",)}


def _fresh_workspace(tmp_path: Path, resaved_ws) -> object:
    """A copy of the session's workspace with an empty inbox and no reports."""
    ws = make_workspace(tmp_path / "ws")
    assert sorted(p.name for p in ws.outbox(ROUND).iterdir()) == sorted(
        p.name for p in resaved_ws.outbox(ROUND).iterdir()
    )
    return ws


def _far_cell(source: Path, target: Path, cell: str) -> Path:
    """A workbook with one space typed in a far cell of its form's sheet."""
    wb = load_workbook(source)
    wb["填报表"][cell] = " "
    wb.save(target)
    return target


def _vertical_tab_and_an_error(source: Path, target: Path) -> Path:
    """Word's manual line break (a vertical tab) in an answer, and a required answer left empty."""
    wb = load_workbook(source)
    ws = wb["填报表"]
    heads = {c.value: c.column for c in ws[1]}
    ws.cell(2, heads["完成状态"]).value = None
    # openpyxl refuses the character itself; the file holds it escaped, as LibreOffice writes it.
    ws.cell(2, heads["本期工作进展"]).value = "第一段_x000B_第二段"
    wb.save(target)
    return target


def _table(path: Path, header: str) -> tuple[dict[str, int], list[list]]:
    """The header (name -> column) and the rows below it of the sheet of ``path`` holding ``header``."""
    for rows in read_sheets(path).values():
        for r, row in enumerate(rows[:10]):
            if header in row:
                return {h: i for i, h in enumerate(row) if h}, [x for x in rows[r + 1 :] if any(x)]
    raise AssertionError(f"{path.name}: no sheet with {header}")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _fuzz(made: dict, units: list[str], seed: int = 20231) -> dict[str, bytes]:
    """Truncations at many lengths and random byte flips of each unit's re-saved .xlsx, .xls and
    .ods (seeded: the same corpus every run)."""
    rng = random.Random(seed)
    corpus = {}
    for unit in units:
        for fmt in ("xlsx", "xls", "ods"):
            data = made[fmt][unit].read_bytes()
            for n, cut in enumerate(sorted(rng.sample(range(1, len(data)), 4))):
                corpus[f"fuzz/{unit}-cut{n}.{fmt}"] = data[:cut]
            for n in range(3):
                flipped = bytearray(data)
                for i in rng.sample(range(len(data)), 1 + 8 * n):
                    flipped[i] ^= 1 << rng.randrange(8)
                corpus[f"fuzz/{unit}-flip{n}.{fmt}"] = bytes(flipped)
    return corpus


@pytest.mark.libreoffice
def test_an_inbox_of_every_odd_case_and_a_fuzz_corpus_completes(resaved, tmp_path):
    original, made = resaved
    ws = _fresh_workspace(tmp_path, original)
    inbox = ws.inbox(ROUND)
    inbox.mkdir(parents=True, exist_ok=True)
    work = tmp_path / "work"
    work.mkdir()
    # The fuzzed units: their damaged copies lie beside nothing else of theirs.
    fuzzed = ["市发改委", "市经信局", "市商务局"]
    corpus = _fuzz(made, fuzzed)
    for name, data in corpus.items():
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(data)
    # Each case of the first trial, one unit each; the rest send good files.
    _far_cell(made["xlsx"]["市教育局"], inbox / "市教育局.xlsx", "XFD1048576")
    _far_cell(made["xlsx"]["市财政局"], inbox / "市财政局.xlsx", "A1048576")
    _vertical_tab_and_an_error(made["filled"]["市民政局"], inbox / "市民政局.xlsx")
    # A name in GBK bytes, as unzip leaves a Chinese name on Linux.
    gbk = os.fsencode(inbox) + b"/" + "市水务局报表.xlsx".encode("gbk")
    Path(os.fsdecode(gbk)).write_bytes(made["xlsx"]["市水务局"].read_bytes())
    xls = made["xls"]["市科技局"].read_bytes()
    (inbox / "市科技局-复制中.xls").write_bytes(xls[: len(xls) // 2])  # still being copied
    (inbox / "市科技局.xls").write_bytes(xls)
    (inbox / "市城管局.xlsx").write_bytes(b"\x00" * (64 * 2**20))  # 64 MiB of zeros
    (inbox / "市城管局-正式.ods").write_bytes(made["ods"]["市城管局"].read_bytes())
    nested = _zip({"报表.zip": _zip({"江岸.xlsx": made["xlsx"]["江岸区人民政府"].read_bytes()})})
    (inbox / "江岸区人民政府.zip").write_bytes(nested)
    (inbox / "江岸区人民政府.xlsx").write_bytes(made["xlsx"]["江岸区人民政府"].read_bytes())
    (inbox / "\x1b[31m红字.xlsx").write_bytes(b"escape sequences in a name")

    result = CliRunner().invoke(main, ["collect", ROUND, "-w", str(ws.root)])
    assert result.exit_code == 1, result.output  # problems remain; the round completed
    assert "\x1b" not in result.output and "\\x1b[31m红字.xlsx" in result.output
    reports = ws.reports(ROUND)
    head, problems = _table(reports / "问题清单.xlsx", "代码")
    shead, status = _table(reports / "报送情况.xlsx", "被替代的文件")
    listed = {row[head["文件"]] for row in problems}
    for row in status:
        listed.add(row[shead["文件"]])
        listed.update(filter(None, str(row[shead["被替代的文件"]] or "").split("、")))
    listed = {part for name in listed for part in str(name).split("、")}
    names = set(corpus) | {
        "市教育局.xlsx",
        "市财政局.xlsx",
        "市民政局.xlsx",
        "市水务局报表.xlsx",
        "市科技局-复制中.xls",
        "市科技局.xls",
        "市城管局.xlsx",
        "市城管局-正式.ods",
        "江岸区人民政府.xlsx",
        "\\x1b[31m红字.xlsx",
    }
    assert names - listed == set(), "files in neither 问题清单 nor 报送情况"

    codes = {(row[head["单位"]], row[head["文件"]], row[head["代码"]]) for row in problems}
    assert ("市城管局", "市城管局.xlsx", "file-too-large") in codes
    assert ("江岸区人民政府", "江岸区人民政府.zip/报表.zip", "nested-archive") in codes
    assert ("市科技局", "市科技局-复制中.xls", "damaged-file") in codes
    assert ("市教育局", "市教育局.xlsx", "stray-rows") in codes
    assert ("市财政局", "市财政局.xlsx", "stray-rows") in codes
    assert ("市民政局", "市民政局.xlsx", "text-changed") in codes
    assert ("市民政局", "市民政局.xlsx", "missing-value") in codes
    assert (reports / "退回修改" / "市民政局.xlsx").exists()
    states = {row[shead["单位"]]: row for row in status}
    assert states["市水务局"][shead["文件"]] == "市水务局报表.xlsx"
    # Every unit but the fuzzed ones and 市民政局 (a real error) is accepted with all its values.
    mhead, merged = _table(reports / "汇总数据.xlsx", "数据状态")
    for row in merged:
        unit = row[mhead["单位"]]
        owner = next((u for u in UNITS if u == unit), "市发改委")  # 领导小组办公室 is hosted
        if owner in fuzzed or owner == "市民政局":
            continue
        assert row[mhead["数据状态"]] == "已采用", (unit, row)
        assert row[mhead["本期工作进展"]] in ("按计划推进", "配合推进"), (unit, row)
    # The next run over the same inbox succeeds just the same.
    again = CliRunner().invoke(main, ["collect", ROUND, "-w", str(ws.root)])
    assert again.exit_code == 1 and again.stdout == result.stdout


def test_saved_time_of_an_ods_without_a_zone_is_office_time():
    from xltools.collect.inbox import parse_timestamp

    # LibreOffice writes its own clock, with nanoseconds (refused by Python 3.10's fromisoformat).
    assert parse_timestamp("2023-07-10T09:30:00.123456789") == datetime(
        2023, 7, 10, 9, 30, 0, 123456
    )
    assert parse_timestamp("2023-07-10T01:30:00Z") == datetime(2023, 7, 10, 9, 30)


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc: Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _whole(reports: Path) -> bool:
    names = {"汇总数据.xlsx", "问题清单.xlsx", "报送情况.xlsx"}
    if not reports.is_dir() or not names <= {p.name for p in reports.iterdir()}:
        return False
    return all(read_sheets(reports / name) for name in names)


def _aside(reports: Path) -> list[Path]:
    folder = reports / "旧版"
    return [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_collect_killed_at_random_instants_never_loses_its_reports(tmp_path):
    import signal
    import sys
    import time

    from xltools.core.files import recover_folder

    ws = make_workspace(tmp_path / "ws")
    for unit in UNITS[:4]:
        fill(sent(ws, unit), ws.inbox(ROUND) / f"{unit}.xlsx")
    command = [sys.executable, "-m", "xltools", "collect", ROUND, "-w", str(ws.root)]
    env = {**os.environ, "XLTOOLS_LANG": "en"}
    start = time.monotonic()
    assert subprocess.run(command, env=env, capture_output=True).returncode == 0
    took = time.monotonic() - start
    reports = ws.reports(ROUND)
    rng = random.Random(7)
    notes: dict[str, bytes] = {}  # the office's own files, put in the reports between runs
    for i in range(20):
        notes[f"说明{i}.txt"] = f"督查室的第{i}份说明".encode()
        (reports / f"说明{i}.txt").write_bytes(notes[f"说明{i}.txt"])
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + rng.uniform(0.2, took)
        below: set[int] = set()
        while time.monotonic() < deadline and process.poll() is None:
            below |= _descendants(process.pid)
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        # Left as it is: the reports whole, or a whole copy beside them that the next start restores.
        if not _whole(reports):
            recover_folder(reports)
        assert _whole(reports)
        # Each note once, where it was or moved into 旧版/<time>/, whenever the kill came.
        kept = [p for p in reports.rglob("说明*.txt") if p.parent in (reports, *_aside(reports))]
        assert sorted(p.name for p in kept) == sorted(notes)
        assert all(p.read_bytes() == notes[p.name] for p in kept)
        # The fork server and resource tracker see their pipe close, the workers follow them.
        gone = time.monotonic() + 10
        while any(_alive(pid) for pid in below) and time.monotonic() < gone:
            time.sleep(0.05)
        left = [pid for pid in below if _alive(pid)]
        assert left == [], [Path(f"/proc/{p}/cmdline").read_bytes()[:80] for p in left]
    assert subprocess.run(command, env=env, capture_output=True).returncode == 0
    assert _whole(reports)
    assert not list(reports.glob("说明*.txt"))  # all moved aside by now
    assert sorted(p.name for p in reports.rglob("说明*.txt")) == sorted(notes)
    assert [p.name for p in reports.parent.iterdir() if p.name.startswith(".")] == [
        f".{ROUND}.lock"
    ]


def test_text_that_cannot_be_written_is_made_writable_and_said():
    from xltools.collect.inbox import writable

    assert writable("第一段\x0b第二段") == ("第一段\n第二段", "line-break")
    assert writable("a\x00b\x1bc") == ("a\ufffdb\ufffdc", "control")
    assert writable("lone \udce4 surrogate") == ("lone \ufffd surrogate", "control")
    assert writable("tab\tand\nlines\r") == ("tab\tand\nlines\r", "")


def test_file_names_are_shown_as_the_office_machine_shows_them():
    from xltools.collect.inbox import display_path

    gbk = os.fsdecode("市水务局/报表.xlsx".encode("gbk"))
    assert display_path(gbk) == "市水务局/报表.xlsx"
    assert display_path(os.fsdecode(b"\xff\xfe.xlsx")) == "\\xff\\xfe.xlsx"
    assert display_path("\x1b[31m红字.xlsx") == "\\x1b[31m红字.xlsx"
    assert display_path("市发改委/报表.xlsx") == "市发改委/报表.xlsx"


def test_many_stray_rows_are_one_problem_and_a_cut_text_is_reported(tmp_path):
    ws = make_workspace(tmp_path / "ws")

    def paste(wb):
        sheet = wb["填报表"]
        top = sheet.max_row
        for r in range(top + 3, top + 3 + 50_000):
            sheet.cell(r, 2).value = f"粘贴的内容 {r}"
        heads = {c.value: c.column for c in sheet[1]}
        sheet.cell(2, heads["存在问题"]).value = "长" * 32_767

    fill(sent(ws, "市水务局"), ws.inbox(ROUND) / "市水务局.xlsx", edit=paste)
    result = collect(ws, ROUND)
    found = [p for p in result.problems if p.unit == "市水务局"]
    stray = [p for p in found if p.code in ("stray-rows", "task-row-extra")]
    assert [(p.code, p.cell) for p in stray] == [("stray-rows", "A5")]
    assert "第 5 行起有 50,000 行多余内容" in stray[0].message
    cut = [p for p in found if p.code == "text-truncated"]
    assert len(cut) == 1 and "32,767" in cut[0].message


def test_a_space_in_the_last_cell_costs_nothing_but_a_warning(tmp_path):
    from xltools.collect.inbox import Limits

    ws = make_workspace(tmp_path / "ws")
    for unit, cell in (("市水务局", "XFD1048576"), ("市科技局", "A1048576")):
        fill(
            sent(ws, unit), ws.inbox(ROUND) / f"{unit}.xlsx", edit=lambda wb, c=cell: _space(wb, c)
        )
    found = scan(ws.inbox(ROUND), limits=Limits())
    assert found.problems == []
    assert {f.file_name: f.cut for f in found.files} == {
        "市水务局.xlsx": {"填报表": (1048576, 1)},
        "市科技局.xlsx": {"填报表": (1048576, 1)},
    }
    result = collect(ws, ROUND)
    assert result.accepted("市水务局") and result.accepted("市科技局")


def _space(wb, cell: str) -> None:
    wb["填报表"][cell] = " "


def test_a_huge_file_of_zeros_is_too_large_not_empty(tmp_path):
    from xltools.collect.inbox import Limits

    (tmp_path / "a.xlsx").write_bytes(b"\x00" * 4096)
    (tmp_path / "b.xlsx").write_bytes(b"\x00" * 100)
    (tmp_path / "c.xlsx").write_bytes(b"")
    found = scan(tmp_path, limits=Limits(size=1000))
    assert [(p.file, p.code) for p in found.problems] == [
        ("a.xlsx", "file-too-large"),
        ("b.xlsx", "empty-file"),
        ("c.xlsx", "empty-file"),
    ]
    assert "4 KB" in found.problems[0].message
    assert (
        "（0 字节）" not in found.problems[1].message and "（0 字节）" in found.problems[2].message
    )


def test_an_unexpected_failure_is_one_error_line_naming_the_file_and_exits_2(tmp_path, monkeypatch):
    import xltools.collect.reports as reports

    ws = make_workspace(tmp_path / "ws")
    fill(sent(ws, "市水务局"), ws.inbox(ROUND) / "市水务局.xlsx")

    def broken(*args, **kwargs):
        raise KeyError("完成状态")

    monkeypatch.setattr(reports, "write_reports", broken)
    result = CliRunner().invoke(main, ["collect", ROUND, "-w", str(ws.root)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1:] == [  # after the progress bar
        f"Error: {ws.reports(ROUND)}: unexpected failure (KeyError: '完成状态')"
    ]
    assert [x for x in result.stderr.splitlines() if x.startswith("Error:")] == [
        result.stderr.strip().splitlines()[-1]
    ]
    debug = CliRunner().invoke(main, ["--debug", "collect", ROUND, "-w", str(ws.root)])
    assert (
        debug.exit_code == 2
        and "Traceback" in debug.stderr
        and 'raise KeyError("完成状态")' in debug.stderr
    )
    assert not ws.reports(ROUND).exists()  # nothing half written


def test_a_second_command_on_the_same_round_is_refused_with_a_message(tmp_path):
    from xltools.core.files import locked

    ws = make_workspace(tmp_path / "ws")
    with locked(ws.reports(ROUND), ROUND):
        # filelock is per process: a second lock object in this one behaves as another command
        result = CliRunner().invoke(main, ["collect", ROUND, "-w", str(ws.root)])
    assert result.exit_code == 2
    assert "round 2023Q2 is in use by another xltools command" in result.stderr
    ok = CliRunner().invoke(main, ["collect", ROUND, "-w", str(ws.root)])
    assert ok.exit_code in (0, 1), ok.output
    mask = os.umask(0)
    os.umask(mask)
    assert ws.reports(ROUND).stat().st_mode & 0o777 == 0o777 & ~mask  # not 0700
