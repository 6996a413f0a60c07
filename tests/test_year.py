"""The year at a glance, the folders a clerk cannot get wrong, and the Chinese command line of each
command a clerk types (distribute, collect, status, the year view)."""

import shutil
from datetime import date, datetime

import pytest
from click.testing import CliRunner

from xltools.cli import main
from xltools.collect.round import collect
from xltools.collect.year import Stray, stray_files, year

from .test_collect import GOOD, ROUND, fill, make_workspace, sent
from .test_i18n import CHINESE, ENGLISH

BEFORE_DUE = date(2023, 7, 10)


@pytest.fixture
def ws(tmp_path):
    """Rounds 2023Q1 and 2023Q2 distributed to 10 units; 市发改委 returned 2023Q2 correctly."""
    ws = make_workspace(tmp_path / "ws")
    fill(
        sent(ws, "市发改委"),
        ws.inbox(ROUND) / "市发改委.xlsx",
        rows={("2-1", "牵头"): GOOD},
        saved=datetime(2023, 7, 2),
    )
    return ws


def states(found):
    return [(r.key, r.sent, r.returned, r.expected, r.collected, r.summary) for r in found.rounds]


def test_the_year_shows_each_round_and_the_next_step(ws):
    found = year(ws, today=BEFORE_DUE)
    assert states(found) == [
        ("2023Q1", 10, 0, 10, False, False),
        ("2023Q2", 10, 1, 10, False, False),
    ]
    # Before the due date, with units still missing: see whom to remind.
    assert (found.next_round, found.next_step) == (ROUND, "status")
    # After it: collect what came.
    assert year(ws, today=date(2023, 7, 21)).next_step == "collect"
    collect(ws, ROUND)
    found = year(ws, today=date(2023, 7, 21))
    current = found.rounds[1]
    assert current.collected and not current.stale and current.errors == 0
    assert found.next_step == "summary"
    # A return with a mistake dropped in after the collect makes it stale: collect again.
    bad = {("2-2", "牵头"): {**GOOD, "完成状态": "差不多"}}
    fill(sent(ws, "市经信局"), ws.inbox(ROUND) / "市经信局.xlsx", rows=bad)
    found = year(ws, today=date(2023, 7, 23))
    assert found.rounds[1].stale and found.next_step == "collect"
    collect(ws, ROUND)
    found = year(ws, today=date(2023, 7, 23))
    assert (found.rounds[1].errors, found.rounds[1].units_with_errors) == (1, 1)
    assert found.next_step == "correct"


def test_a_fresh_workspace_starts_with_distribute(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    for rnd in ws.rounds:
        shutil.rmtree(ws.outbox(rnd))
    found = year(ws, today=BEFORE_DUE)
    assert (found.next_round, found.next_step) == ("2023Q1", "distribute")
    assert [r.sent for r in found.rounds] == [0, 0]


def test_spreadsheets_outside_the_round_folders_are_named_with_their_round(ws):
    inbox = ws.root / "inbox"
    shutil.copy(sent(ws, "市财政局"), inbox / "财政局.xlsx")  # its identity says 2023Q2
    (inbox / "2023q1_市水务局.xls").write_bytes(b"not read: the name says the round")
    (inbox / "市教育局").mkdir()
    (inbox / "市教育局" / "报送.xlsx").write_bytes(b"no identity, no round in the name")
    (inbox / "~$财政局.xlsx").write_bytes(b"Excel's lock file")
    (inbox / "说明.txt").write_text("not a spreadsheet", encoding="utf-8")
    assert stray_files(ws) == [
        Stray("inbox/2023q1_市水务局.xls", "2023Q1"),
        Stray("inbox/市教育局/报送.xlsx", None),
        Stray("inbox/财政局.xlsx", "2023Q2"),
    ]
    result = CliRunner().invoke(main, ["collect", ROUND, "-w", str(ws.root)], env=ENGLISH)
    assert (
        "Warning: inbox/财政局.xlsx lies outside the rounds' folders and is not read; it answers "
        "2023Q2: move it into inbox/2023Q2/\n"
    ) in result.stderr
    assert (
        "Warning: inbox/市教育局/报送.xlsx lies outside the rounds' folders and is not read; move "
        "it into the folder of the round it answers, such as inbox/2023Q2/\n"
    ) in result.stderr
    result = CliRunner().invoke(main, ["status", ROUND, "-w", str(ws.root)], env=CHINESE)
    assert "警告：inbox/财政局.xlsx 不在任何轮次的文件夹中，不会被读取；" in result.stderr


def test_xltools_without_a_command_in_a_workspace_prints_the_year(ws, monkeypatch):
    monkeypatch.chdir(ws.inbox(ROUND))  # a sub-folder of the workspace
    zh = CliRunner().invoke(main, [], env=CHINESE)
    assert zh.exit_code == 0, zh.output
    lines = zh.stdout.splitlines()
    assert lines[0].startswith("2023年任务（2023年）全年进展一览，")
    assert (
        lines[2]
        == "  2023Q2\t2023年第二季度\t截止 2023-07-20\t已下发 10\t已报送 1/10\t未收集\t未生成汇总"
    )
    assert lines[-1].startswith("下一步：xltools ")
    en = CliRunner().invoke(main, ["status"], env=ENGLISH)
    assert en.exit_code == 0, en.output
    assert (
        "  2023Q2\t2023年第二季度\tdue 2023-07-20\tsent 10\treturned 1/10\tnot collected"
        in en.stdout
    )
    assert en.stdout.splitlines()[-1].startswith("Next: xltools ")


def test_xltools_without_a_command_elsewhere_prints_its_help(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [], env=ENGLISH)
    assert result.exit_code == 0 and result.stdout.startswith("Usage: ")


def test_distribute_speaks_chinese(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    shutil.rmtree(ws.outbox("2023Q1"))
    shutil.rmtree(ws.inbox(ROUND))
    args = ["distribute", "2023Q1", "-w", str(ws.root)]
    zh = CliRunner().invoke(main, args, env=CHINESE)
    assert zh.exit_code == 0, zh.output
    assert zh.stdout.startswith(
        "已生成 10 个工作簿（牵头 10 行，配合 3 行）和 manifest.xlsx，位于 "
    )
    assert "生成工作簿" in zh.stderr  # the progress bar's label
    assert ws.inbox("2023Q1").is_dir()
    # 2023Q2 follows 2023Q1, which was never collected: ask first, in Chinese.
    shutil.rmtree(ws.outbox(ROUND))
    zh = CliRunner().invoke(main, ["distribute", ROUND, "-w", str(ws.root)], env=CHINESE)
    assert zh.exit_code == 2
    assert zh.stderr.startswith("错误：2023Q1 还没有收集（找不到 reports/2023Q1/汇总数据.xlsx）")
    en = CliRunner().invoke(main, ["distribute", ROUND, "-w", str(ws.root)], env=ENGLISH)
    assert en.stderr.startswith("Error: 2023Q1 has not been collected yet")
    ok = CliRunner().invoke(main, ["distribute", ROUND, "--no-prefill", "-w", str(ws.root)])
    assert ok.exit_code == 0, ok.output


def test_collect_and_status_speak_chinese(ws):
    args = ["-w", str(ws.root)]
    zh = CliRunner().invoke(main, ["collect", ROUND, *args], env=CHINESE)
    assert zh.exit_code == 0, zh.output  # missing units are not errors of a return
    assert zh.stdout.splitlines()[-1].startswith("10 个单位中已报送 1 个；错误 ")
    assert "读取报送文件" in zh.stderr
    en = CliRunner().invoke(main, ["collect", ROUND, *args], env=ENGLISH)
    assert en.stdout.splitlines()[-1].startswith("1 of 10 units returned; ")
    zh = CliRunner().invoke(main, ["status", ROUND, *args], env=CHINESE)
    assert zh.exit_code == 0, zh.output
    first = zh.stdout.splitlines()[0]
    assert first.startswith("2023Q2 2023年第二季度：截止 2023-07-20（已逾期 ")
    assert first.endswith("天）；10 个单位中已报送 1 个")
    assert "  已报送\t市发改委\t市发改委.xlsx\t2023-07-02 " in zh.stdout
    assert "催报名单（2023年第二季度，截止2023年07月20日）：" in zh.stdout
