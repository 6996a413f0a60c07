"""The year at a glance, the folders a clerk cannot get wrong, and the Chinese command line of each
command a clerk types (distribute, collect, status, the year view)."""

import re
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
    assert lines[0].startswith("2023年任务全年进展一览，")  # the title says the year already
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
    assert en.stdout.startswith("2023年任务, ")
    settings = ws.root / "xltools.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("2023年任务", "市政府工作报告任务", 1), encoding="utf-8")
    zh = CliRunner().invoke(main, [], env=CHINESE)
    assert zh.stdout.startswith("市政府工作报告任务（2023年）全年进展一览，"), zh.output


def test_xltools_without_a_command_elsewhere_prints_its_help(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [], env=ENGLISH)
    assert result.exit_code == 0 and result.stdout.startswith("Usage: ")
    (tmp_path / "xltools.yaml").write_text("rounds: [", encoding="utf-8")  # a broken workspace
    result = CliRunner().invoke(main, [], env=ENGLISH)
    assert result.exit_code != 0 and "not valid YAML" in result.stderr


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


def test_a_workbook_sent_back_says_what_to_correct_by_when_and_whom_to_ask(ws):
    from dataclasses import replace

    from openpyxl import load_workbook

    from xltools.collect.reports import working_days_after

    ws = replace(ws, contact="王督查", phone="027-85790000", resubmit_days=2)
    bad = {("2-2", "牵头"): {**GOOD, "完成状态": "差不多"}}
    fill(sent(ws, "市经信局"), ws.inbox(ROUND) / "市经信局.xlsx", rows=bad)
    collect(ws, ROUND)
    book = load_workbook(ws.reports(ROUND) / "退回修改" / "市经信局.xlsx")
    sheet = book["问题"]
    assert book.sheetnames[0] == "问题"
    texts = [sheet.cell(r, 1).value for r in range(1, 6)]
    by = working_days_after(date.today(), 2)
    assert (
        f"请于{by.year}年{by.month}月{by.day}日前修改完毕，保存后重新报送（文件名可不变）。"
        in texts
    )
    assert "填写中如有疑问，请与市人民政府督查室王督查联系（电话：027-85790000）。" in texts
    assert any("橙色" in (t or "") and "淡红色" in (t or "") for t in texts)
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "序号")
    first = sheet.cell(header + 1, 8)
    assert first.border.left.style == "thin" and first.border.bottom.style == "thin"
    legend = {
        sheet.cell(header - 2, c).value: sheet.cell(header - 2, c).fill.fgColor.rgb
        for c in (1, 3, 5)
    }
    assert legend["需修改"].endswith("F8CBAD") and legend["必填未填"].endswith("FFC7CE")


def test_working_days_skip_the_weekend():
    from xltools.collect.reports import working_days_after

    assert working_days_after(date(2023, 7, 20), 3) == date(2023, 7, 25)  # Thu -> Tue
    assert working_days_after(date(2023, 7, 22), 1) == date(2023, 7, 24)  # Sat -> Mon


def test_the_office_contact_is_in_the_filling_instructions(tmp_path):
    from dataclasses import replace

    from openpyxl import load_workbook

    from xltools.core.excel import read_sheets
    from xltools.distribute.round import distribute

    ws = make_workspace(tmp_path / "ws")
    shutil.rmtree(ws.outbox("2023Q1"))
    ws = replace(ws, contact="王督查", phone="027-85790000")
    result = distribute(ws, "2023Q1")
    guide = read_sheets(result.folder / "2023Q1_市发改委.xlsx")["填报说明"]
    lines = {row[0]: row[1] for row in guide if row and row[0]}
    assert (
        lines["咨询联系"]
        == "填写中如有疑问，请与市人民政府督查室王督查联系（电话：027-85790000）。"
    )
    assert lines["报送方式"].startswith("填写完成后保存（xlsx 格式，文件名可保留不变），")
    manifest = load_workbook(result.folder / "manifest.xlsx").active
    assert manifest.column_dimensions["H"].width >= 66  # sha256 on one line
    assert all(manifest.row_dimensions[r].height in (None, 18) for r in range(2, 12))


def test_the_office_reports_read_first_in_chinese_one_line_per_unit(ws):
    from openpyxl import load_workbook

    from xltools.core.contracts import PROBLEM_HEADERS

    bad = {("2-2", "牵头"): {**GOOD, "完成状态": "差不多"}}
    fill(
        sent(ws, "市经信局"),
        ws.inbox(ROUND) / "市经信局.xlsx",
        rows=bad,
        saved=datetime(2023, 7, 25),
    )
    collect(ws, ROUND)
    problems = load_workbook(ws.reports(ROUND) / "问题清单.xlsx")["问题清单"]
    assert [c.value for c in problems[1]] == list(PROBLEM_HEADERS)
    assert PROBLEM_HEADERS[0] == "严重程度" and PROBLEM_HEADERS[-1] == "代码"
    assert "2023Q2 问题清单" in problems.oddHeader.center.text
    status = load_workbook(ws.reports(ROUND) / "报送情况.xlsx")["报送情况"]
    shaded = {str(rng.sqref) for rng in status.conditional_formatting}
    assert shaded == {"E2:E11", "F2:F11"}  # 是否按时 (逾期) and 错误数 (above 0)
    rules = [r.formula for rng in status.conditional_formatting for r in rng.rules]
    assert ['"逾期"'] in rules and ["0"] in rules
    # Every value fits its column: one line per unit (60 units print on two pages).
    assert all(status.row_dimensions[r].height in (None, 18) for r in range(2, 12))


def test_the_office_settings_round_trip_through_xltools_yaml(tmp_path):
    from dataclasses import replace

    from xltools.core.errors import WorkspaceError
    from xltools.master.workspace import CONFIG, load, save

    ws = replace(make_workspace(tmp_path / "ws"), contact="王督查", phone="027-85790000")
    save(replace(ws, resubmit_days=5))
    text = (ws.root / CONFIG).read_text(encoding="utf-8")
    assert "# 督查室联系人和电话：写在填报说明和退回修改的“问题”表中，供各单位咨询。" in text
    again = load(ws.root)
    assert (again.contact, again.phone, again.resubmit_days) == ("王督查", "027-85790000", 5)
    (ws.root / CONFIG).write_text(text.replace("resubmit_days: 5", "resubmit_days: 0"), "utf-8")
    with pytest.raises(WorkspaceError, match="resubmit_days must be a whole number"):
        load(ws.root)


def test_update_contacts_never_writes_a_flagged_phone_and_takes_the_office_phone(tmp_path):
    from xltools.master.workbook import read_master

    from .test_collect import with_plan_distributed

    ws = with_plan_distributed(tmp_path / "ws")
    answers = {"工作目标": "完成", "具体措施": "措施", "完成时限": "2023年底", "分管领导": "王五",
               "责任部门(处室)": "综合处"}  # fmt: skip
    info = {"督办工作人员姓名": "陈晨", "职务": "科长", "办公电话": "027-85550000", "手机": "8276"}
    fill(sent(ws, "市商务局", "plan"), ws.inbox("plan") / "市商务局.xlsx", unit=info,
         lead=answers, partner=answers)  # fmt: skip
    report = collect(ws, "plan", update_contacts=True)
    flagged = [(p.field, p.severity) for p in report.problems if p.unit == "市商务局"]
    assert flagged == [("手机", "警告")]  # a warning: the return is accepted
    unit = read_master(ws.master_path).unit("市商务局")
    assert (unit.contact, unit.phone) == ("陈晨", "027-85550000")  # never 8276


ASCII_IN_CHINESE = re.compile(r"[\u4e00-\u9fff“”][,;:()]|[,;(][\u4e00-\u9fff“”]")


def test_chinese_sentences_use_full_width_punctuation(ws):
    from xltools.core.excel import read_sheets

    bad = {("2-2", "牵头"): {**GOOD, "完成状态": "差不多", "完成进度(%)": "五成多"}}
    fill(sent(ws, "市经信局"), ws.inbox(ROUND) / "市经信局.xlsx", rows=bad)
    report = collect(ws, ROUND)
    # Field labels such as 完成进度(%) are the form's, quoted as they are.
    messages = [p.message.replace("(%)", "") for p in report.problems]
    assert messages and not [m for m in messages if ASCII_IN_CHINESE.search(m)]
    guide = read_sheets(sent(ws, "市经信局"))["填报说明"]
    texts = [str(v) for row in guide for v in row if v]
    assert not [t for t in texts if ASCII_IN_CHINESE.search(t)]


@pytest.mark.libreoffice
def test_sixty_units_print_on_two_pages(tmp_path):
    """报送情况 and manifest.xlsx of the Wuhan sample's 60 units, printed by LibreOffice."""
    from xltools.core.office import convert
    from xltools.distribute.round import distribute

    from .conftest import wuhan_workspace

    ws = wuhan_workspace(tmp_path)
    sent_books = distribute(ws, "2023Q1", prefill=False)
    assert len(sent_books.books) == 60
    for path in ws.outbox("2023Q1").glob("*.xlsx"):  # every unit returns its workbook unfilled
        if path.name != "manifest.xlsx":
            shutil.copy(path, ws.inbox("2023Q1") / path.name)
    collect(ws, "2023Q1")

    def pages(path):
        pdf = convert(path, "pdf", tmp_path / "pdf").read_bytes()
        return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))

    assert pages(ws.reports("2023Q1") / "报送情况.xlsx") == 2
    assert pages(ws.outbox("2023Q1") / "manifest.xlsx") <= 2
