"""Collect end to end: distributed workbooks, returns made the way units make them, the outputs."""

import io
import re
import shutil
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xltools.collect.round import collect, status
from xltools.core.excel import read_sheets, set_text
from xltools.core.model import Master, Target, Task, Unit
from xltools.distribute.fillable import write_book
from xltools.distribute.forms import load_form
from xltools.distribute.round import round_specs
from xltools.master.workbook import write_master
from xltools.master.workspace import Round, Workspace, save

WS_ID = "ws-test-1"
ROUND = "2023Q2"
DUE = date(2023, 7, 20)


def make_master() -> Master:
    def task(n, text, lead, responsible=()):
        return Task(
            f"2-{n}", "二、重点工作", "(一)扩大内需", "——提振消费", str(n), text, lead, responsible
        )

    return Master(
        tasks=[
            task(1, "新增停车泊位12万个", ("市发改委",), ("市经信局", "领导小组办公室")),
            task(2, "推进数字经济发展", ("市经信局",), ("各区人民政府",)),
            task(3, "新增品牌连锁便利店200家", ("市商务局",)),
            task(4, "办好人民满意教育", ("市教育局",)),
            task(5, "推进“双减”工作", ("市教育局",)),
            task(6, "深化财政体制改革", ("市财政局",)),
            task(7, "完善社会救助体系", ("市民政局",)),
            task(8, "完成老旧管网改造400公里", ("市水务局",)),
            task(9, "建设科技创新平台", ("市科技局",)),
            task(10, "提升城市管理水平", ("市城管局",)),
        ],
        units=[
            Unit("市发改委", contact="张发改", phone="13800000001"),
            Unit("市经信局", contact="李经信", phone="13800000002"),
            Unit("市商务局", contact="王商务", phone="13800000003"),
            Unit("市教育局", contact="赵教育", phone="13800000004"),
            Unit("市财政局", contact="钱财政", phone="13800000005"),
            Unit("市民政局", contact="孙民政", phone="13800000006"),
            Unit("市水务局", contact="周水务", phone="13800000007"),
            Unit("市科技局", contact="吴科技", phone="13800000008"),
            Unit("市城管局", contact="郑城管", phone="13800000009"),
            Unit(
                "江岸区人民政府", groups=("各区人民政府",), contact="冯江岸", phone="027-82800001"
            ),
            Unit("领导小组办公室", host="市发改委"),
        ],
        targets=[
            Target("2-1", "新增停车泊位12万个", 120000, "个", "累计"),
            Target("2-3", "新增品牌连锁便利店200家", 200, "家", "累计"),
            Target("2-8", "完成老旧管网改造400公里", 400, "公里", "累计"),
        ],
    )


def make_workspace(root: Path) -> Workspace:
    """A workspace with its master and the round's workbooks distributed to outbox/."""
    rounds = (
        Round("2023Q1", "2023年第一季度", "quarterly", date(2023, 4, 20), date(2023, 3, 31)),
        Round(ROUND, "2023年第二季度", "quarterly", DUE, date(2023, 6, 30)),
    )
    root.mkdir(parents=True, exist_ok=True)
    ws = Workspace(
        root, WS_ID, "2023年任务", 2023, "市人民政府督查室", root / "master.xlsx", rounds
    )
    save(ws)
    master = make_master()
    write_master(master, ws.master_path)
    for rnd in rounds:
        distribute_round(ws, master, rnd, ws.outbox(rnd))
    ws.inbox(ROUND).mkdir(parents=True)
    return ws


def distribute_round(ws, master, rnd, outbox: Path, *, workspace_id=None, version=None) -> None:
    form = load_form(rnd.form)
    if version is not None:
        form = replace(form, version=version)
    outbox.mkdir(parents=True, exist_ok=True)
    if workspace_id is not None:
        ws = replace(ws, id=workspace_id)
    specs = round_specs(ws, rnd, form, master)
    for spec in specs:
        write_book(spec, outbox / spec.file)


GOOD = {
    "完成状态": "序时推进",
    "完成进度(%)": 50,
    "本期工作进展": "按计划推进",
    "下步工作计划": "继续推进",
}
PARTNER = {"本期工作进展": "配合推进"}
UNIT_INFO = {
    "填报人": "张  三",
    "联系电话": "13912345678",
    "分管领导": "李四",
    "填报日期": "2023年7月10日",
}


def fill(
    source: Path,
    target: Path,
    rows: dict | None = None,
    unit: dict | None = None,
    targets: dict | None = None,
    saved: datetime = datetime(2023, 7, 10, 2, 0),
    edit=None,
    lead: dict = GOOD,
    partner: dict = PARTNER,
) -> Path:
    """Type answers into a distributed workbook as a unit would and save it (openpyxl here; the
    LibreOffice tests do the same through a real spreadsheet application).

    ``rows``: {(task, role): {label: value}}; default: every lead row GOOD, partner rows PARTNER."""
    wb = load_workbook(source)
    ws = wb["填报表"]
    heads = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        key = (ws.cell(r, heads["编号"]).value, ws.cell(r, heads["角色"]).value)
        answers = (rows or {}).get(key, lead if key[1] == "牵头" else partner)
        for label, value in answers.items():
            set_text(ws.cell(r, heads[label]), value)  # typed text stays text, even "=…"
    info = wb["填报单位信息"]
    for r in range(2, info.max_row + 1):
        label = str(info.cell(r, 1).value).rstrip(" *")
        if label in (unit if unit is not None else UNIT_INFO):
            info.cell(r, 2).value = (unit if unit is not None else UNIT_INFO)[label]
    if "指标" in wb.sheetnames:
        sheet = wb["指标"]
        for r in range(2, sheet.max_row + 1):
            sheet.cell(r, 7).value = (targets or {}).get(sheet.cell(r, 1).value, 60000)
    if edit:
        edit(wb)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    set_saved(target, saved)
    return target


def col(ws, label: str) -> int:
    """The 1-based column of a header in row 1."""
    return next(c.column for c in ws[1] if c.value == label)


def repack(path: Path, edits: dict) -> None:
    """Rewrite parts of an xlsx package in place: {part name: function(bytes) -> bytes}."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in edits:
                data = edits[info.filename](data)
            zf.writestr(info, data)
    path.write_bytes(buffer.getvalue())


def set_saved(path: Path, when: datetime) -> None:
    """Set docProps/core.xml's modified time (UTC), as the saving application would."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    repack(
        path,
        {
            "docProps/core.xml": lambda d: re.sub(
                rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, d
            )
        },
    )


def sent(ws, unit: str, rnd: str = ROUND) -> Path:
    return ws.outbox(rnd) / f"{rnd}_{unit}.xlsx"


def build_inbox(ws) -> None:
    """An inbox with every case the issue lists."""
    inbox = ws.inbox(ROUND)
    # 市发改委: sent twice; the first has an error and is superseded by the newer one. The newer
    # one holds text that looks like a formula, a fraction for a percent, and a hosted unit's row.
    fill(
        sent(ws, "市发改委"),
        inbox / "市发改委" / "市发改委.xlsx",
        rows={("2-1", "牵头"): {**GOOD, "完成状态": "差不多"}},
        saved=datetime(2023, 7, 1),
    )
    fill(sent(ws, "市发改委"), inbox / "市发改委" / "市发改委-修改版(2).xlsx",
         rows={("2-1", "牵头"): {**GOOD, "完成状态": "\u3000超序时 进度 ", "完成进度(%)": 0.5,
                                 "本期工作进展": "=SUM(A1:A9)", "下步工作计划": "-继续推进"},
               ("2-1", "配合"): {"本期工作进展": "@领导小组办公室", "完成进度(%)": 0.5}},
         targets={"2-1": "６万"}, saved=datetime(2023, 7, 2))  # fmt: skip

    # 市经信局: a value not in the list, a conditional required value missing, full-width digits
    # and 50％; rows re-sorted, a column inserted, the sheet renamed.
    def reshape(wb):
        ws_ = wb["填报表"]
        ws_.insert_cols(6)
        ws_.cell(1, 6).value = "备注说明"
        ws_.cell(2, 6).value = "自加的列"
        first = [c.value for c in ws_[2]]
        second = [c.value for c in ws_[3]]
        for c, value in enumerate(second, start=1):
            ws_.cell(2, c).value = value
        for c, value in enumerate(first, start=1):
            ws_.cell(3, c).value = value
        ws_.title = "Sheet1"

    fill(sent(ws, "市经信局"), inbox / "经信局报送.xlsx",
         rows={("2-2", "牵头"): {**GOOD, "完成状态": "滞后", "完成进度(%)": "５０"},
               ("2-1", "配合"): {"本期工作进展": "配合", "完成进度(%)": "50％"}},
         edit=reshape)  # fmt: skip

    # 市商务局 (zipped): 已完成 with 40 %, a formula (cached value taken), merged cells, a date
    # written 6.30; the zip also holds a lock file.
    def formula_and_merge(wb):
        ws_ = wb["填报表"]
        ws_.cell(2, col(ws_, "完成进度(%)")).value = "=30+10"
        ws_.merge_cells(
            start_row=2,
            end_row=2,
            start_column=col(ws_, "下步工作计划"),
            end_column=col(ws_, "需协调事项"),
        )

    shop = fill(sent(ws, "市商务局"), ws.root / "tmp" / "市商务局.xlsx",
                rows={("2-3", "牵头"): {**GOOD, "完成状态": "已完成"}},
                unit={**UNIT_INFO, "填报日期": "7.10"}, edit=formula_and_merge)  # fmt: skip
    repack(
        shop,
        {
            "xl/worksheets/sheet2.xml": lambda d: d.replace(
                b"<f>30+10</f><v></v>", b"<f>30+10</f><v>40</v>"
            )
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("商务局/市商务局.xlsx", shop.read_bytes())
        zf.writestr("商务局/~$市商务局.xlsx", b"\x00" * 162)
    (inbox / "商务局报送.zip").write_bytes(buffer.getvalue())

    # 市教育局: row 2-5 deleted, an extra row, row 2-4 twice, the task text edited, text too long,
    # a date that is not one, late.
    def rows_edited(wb):
        ws_ = wb["填报表"]
        ws_.cell(2, col(ws_, "任务内容")).value = "办好人民满意的教育(已修改)"
        ws_.cell(3, 1).value = "2-4"  # the 2-5 row becomes a second 2-4 row
        ws_.cell(4, 1).value = "9-9"
        ws_.cell(4, col(ws_, "本期工作进展")).value = "自己加的任务"

    fill(sent(ws, "市教育局"), inbox / "市教育局.xlsx",
         rows={("2-4", "牵头"): {**GOOD, "完成状态": "基本完成", "本期工作进展": "很" * 2001}},
         unit={**UNIT_INFO, "分管领导": None, "填报日期": "下周"}, saved=datetime(2023, 7, 21, 3), edit=rows_edited)  # fmt: skip
    # 市财政局: last quarter's workbook.
    fill(sent(ws, "市财政局", "2023Q1"), inbox / "市财政局.xlsx")
    # 市民政局: retyped the form (no identity): recognised by its file name, flagged.
    retyped = fill(
        sent(ws, "市民政局"),
        ws.root / "tmp" / "民政.xlsx",
        edit=lambda wb: wb.remove(wb["_xltools"]),
    )
    repack(
        retyped,
        {
            "docProps/custom.xml": lambda d: (
                b'<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
            )
        },
    )
    shutil.copy(retyped, inbox / "市民政局填报.xlsx")
    # 市水务局: a password-protected file, and 市科技局's workbook sent under 市水务局's name.
    (inbox / "市水务局.xlsx").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le")
    )
    fill(sent(ws, "市科技局"), inbox / "市水务局-修改版.xlsx")
    # 市城管局: a workbook of another workspace; 市科技局 an older form version.
    other = ws.root / "other"
    master = make_master()
    distribute_round(ws, master, ws.round(ROUND), other / "ws", workspace_id="another")
    distribute_round(ws, master, ws.round(ROUND), other / "v0", version=0)
    fill(other / "ws" / f"{ROUND}_市城管局.xlsx", inbox / "城管" / "城管局.xlsx")
    fill(other / "v0" / f"{ROUND}_市科技局.xlsx", inbox / "科技局.xlsx")
    # 江岸区 is fine; lock files, hidden files and junk around it.
    fill(sent(ws, "江岸区人民政府"), inbox / "江岸区人民政府.xlsx",
         rows={("2-2", "配合"): {"本期工作进展": "已完成5G基站建设"}},
         unit={**UNIT_INFO, "填报日期": datetime(2023, 7, 10)})  # fmt: skip
    (inbox / "~$江岸区人民政府.xlsx").write_bytes(b"\x00" * 162)
    (inbox / ".DS_Store").write_bytes(b"\x00junk")
    (inbox / "说明.pdf").write_bytes(b"%PDF-1.4 ...")
    (inbox / "空文件.xlsx").write_bytes(b"")
    (inbox / "坏文件.xlsx").write_bytes(sent(ws, "江岸区人民政府").read_bytes()[:2000])
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../逃逸.xlsx", b"x")
    (inbox / "路径.zip").write_bytes(evil.getvalue())
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(501):
            zf.writestr(f"{i}.xlsx", b"")
    (inbox / "很多.zip").write_bytes(many.getvalue())
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("炸弹.xlsx", b"\x00" * (20 * 2**20))
    (inbox / "炸弹.zip").write_bytes(bomb.getvalue())
    attack = inbox / "实体攻击.xlsx"
    shutil.copy(sent(ws, "江岸区人民政府"), attack)
    repack(
        attack,
        {
            "docProps/core.xml": lambda d: (
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + d.split(b"?>", 1)[1]
            )
        },
    )
    shutil.rmtree(ws.root / "tmp")


EXPECTED = [
    ("", "坏文件.xlsx", "", "", "damaged-file"),
    ("", "实体攻击.xlsx", "", "", "xml-attack"),
    ("", "很多.zip", "", "", "archive-too-many-files"),
    ("", "炸弹.zip", "", "", "archive-too-large"),
    ("", "空文件.xlsx", "", "", "empty-file"),
    ("", "说明.pdf", "", "", "not-a-spreadsheet"),
    ("", "路径.zip", "", "", "archive-unsafe-path"),
    ("市发改委", "市发改委/市发改委-修改版(2).xlsx", "填报表", "G2", "ambiguous-percent"),
    ("市商务局", "商务局报送.zip/商务局/市商务局.xlsx", "填报表", "F2", "contradiction"),
    ("市商务局", "商务局报送.zip/商务局/市商务局.xlsx", "填报表", "F2", "formula-value"),
    ("市商务局", "商务局报送.zip/商务局/市商务局.xlsx", "填报表", "I2:J2", "merged-cells"),
    ("市城管局", "城管/城管局.xlsx", "", "", "other-workspace"),
    ("市教育局", "市教育局.xlsx", "填报单位信息", "B4", "missing-value"),
    ("市教育局", "市教育局.xlsx", "填报单位信息", "B5", "not-a-date"),
    ("市教育局", "市教育局.xlsx", "填报表", "", "task-row-missing"),
    ("市教育局", "市教育局.xlsx", "填报表", "D2", "locked-cell-changed"),
    ("市教育局", "市教育局.xlsx", "填报表", "E2", "not-in-list"),
    ("市教育局", "市教育局.xlsx", "填报表", "G2", "text-too-long"),
    ("市教育局", "市教育局.xlsx", "填报表", "A3", "task-row-duplicated"),
    ("市教育局", "市教育局.xlsx", "填报表", "A4", "task-row-extra"),
    ("市民政局", "市民政局填报.xlsx", "", "", "no-identity"),
    ("市水务局", "市水务局-修改版.xlsx", "", "", "other-unit"),
    ("市水务局", "市水务局.xlsx", "", "", "password-protected"),
    ("市科技局", "科技局.xlsx", "", "", "old-form-version"),
    ("市经信局", "经信局报送.xlsx", "Sheet1", "", "rows-reordered"),
    ("市经信局", "经信局报送.xlsx", "Sheet1", "", "sheet-renamed"),
    ("市经信局", "经信局报送.xlsx", "Sheet1", "F1", "column-added"),
    ("市经信局", "经信局报送.xlsx", "Sheet1", "I3", "missing-value"),
    ("市财政局", "市财政局.xlsx", "", "", "other-round"),
]


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("collect") / "ws")
    build_inbox(ws)
    before = {p: p.read_bytes() for p in ws.inbox(ROUND).rglob("*") if p.is_file()}
    report = collect(ws, ROUND)
    after = {p: p.read_bytes() for p in ws.inbox(ROUND).rglob("*") if p.is_file()}
    assert before == after  # nothing in inbox/ changed
    return ws, report


def test_the_exact_problem_list(collected):
    _, report = collected
    assert report.rows("unit", "file", "sheet", "cell", "code") == EXPECTED
    assert not report.valid
    severities = {p.code: p.severity for p in report.problems}
    assert severities["contradiction"] == severities["ambiguous-percent"] == "警告"
    assert severities["missing-value"] == severities["other-round"] == "错误"
    assert all(p.message for p in report.problems)
    contradiction = next(p for p in report.problems if p.code == "contradiction")
    assert contradiction.message == "完成状态为“已完成”，但完成进度为 40%，请核实其中之一"
    conditional = next(
        p for p in report.problems if p.code == "missing-value" and p.unit == "市经信局"
    )
    assert "完成状态为滞后或未启动" in conditional.message
    # Rounds by the names units know, not by the keys (2023Q1) of xltools.yaml.
    other_round = next(p for p in report.problems if p.code == "other-round")
    assert "是2023年第一季度的表格，不是本次（2023年第二季度）的报表" in other_round.message


def sheet_rows(path: Path, sheet: str) -> list[list]:
    return read_sheets(path)[sheet]


def test_the_status_sheet(collected):
    ws, report = collected
    rows = sheet_rows(ws.reports(ROUND) / "报送情况.xlsx", "报送情况")
    assert rows[0] == [
        "单位",
        "状态",
        "文件",
        "保存时间",
        "是否按时",
        "错误数",
        "警告数",
        "被替代的文件",
    ]
    assert rows[1:] == [
        ["市发改委", "已报送", "市发改委/市发改委-修改版(2).xlsx", "2023-07-02 08:00", "按时", 0.0, 1.0, "市发改委/市发改委.xlsx"],
        ["市商务局", "已报送", "商务局报送.zip/商务局/市商务局.xlsx", "2023-07-10 10:00", "按时", 0.0, 3.0, ""],
        ["市城管局", "未报送", "城管/城管局.xlsx", "", "", 1.0, 0.0, ""],
        ["市教育局", "已报送", "市教育局.xlsx", "2023-07-21 11:00", "逾期", 6.0, 2.0, ""],
        ["市民政局", "已报送", "市民政局填报.xlsx", "2023-07-10 10:00", "按时", 0.0, 1.0, ""],
        ["市水务局", "未报送", "市水务局-修改版.xlsx、市水务局.xlsx", "", "", 2.0, 0.0, ""],
        ["市科技局", "未报送", "科技局.xlsx", "", "", 1.0, 0.0, ""],
        ["市经信局", "已报送", "经信局报送.xlsx", "2023-07-10 10:00", "按时", 1.0, 3.0, ""],
        ["市财政局", "未报送", "市财政局.xlsx", "", "", 1.0, 0.0, ""],
        ["江岸区人民政府", "已报送", "江岸区人民政府.xlsx", "2023-07-10 10:00", "按时", 0.0, 0.0, ""],
    ]  # fmt: skip
    # A unit whose only files were refused stays 未报送, but its line names them and counts their
    # problems, so the office asks for a usable file instead of chasing a unit that sent one.


def test_the_merged_data(collected):
    ws, report = collected
    book = read_sheets(ws.reports(ROUND) / "汇总数据.xlsx")
    tasks = book["任务填报"]
    assert tasks[0] == [
        "编号", "板块", "方向", "类别", "序号", "任务内容", "单位", "角色", "数据状态", "完成状态",
        "完成进度(%)", "本期工作进展", "存在问题", "下步工作计划", "需协调事项", "文件", "sha256", "保存时间",
    ]  # fmt: skip
    rows = {(r[0], r[6]): r for r in tasks[1:]}
    assert len(tasks) - 1 == 13  # one row per expected (task, unit)
    fgw = rows[("2-1", "市发改委")]
    assert fgw[1:9] == [
        "二、重点工作",
        "(一)扩大内需",
        "——提振消费",
        "1",
        "新增停车泊位12万个",
        "市发改委",
        "牵头",
        "已采用",
    ]
    assert fgw[9:15] == ["超序时进度", 50.0, "=SUM(A1:A9)", "", "-继续推进", ""]
    assert fgw[15] == "市发改委/市发改委-修改版(2).xlsx" and len(fgw[16]) == 64
    assert rows[("2-1", "领导小组办公室")][7:12] == ["配合", "已采用", "", "", "@领导小组办公室"]
    assert rows[("2-2", "市经信局")][8:12] == ["退回修改", "", "", ""]
    assert rows[("2-6", "市财政局")][8:] == ["未报送"] + [""] * 9
    assert rows[("2-3", "市商务局")][9:11] == ["已完成", 40.0]
    assert rows[("2-2", "江岸区人民政府")][7:12] == ["配合", "已采用", "", "", "已完成5G基站建设"]
    targets = book["指标"]
    assert targets[0] == [
        "编号",
        "指标",
        "目标值",
        "计量单位",
        "类型",
        "比较",
        "单位",
        "累计完成值",
        "文件",
    ]
    assert targets[1:] == [
        ["2-1", "新增停车泊位12万个", 120000.0, "个", "累计", "", "市发改委", 60000.0, "市发改委/市发改委-修改版(2).xlsx"],
        ["2-3", "新增品牌连锁便利店200家", 200.0, "家", "累计", "", "市商务局", 60000.0, "商务局报送.zip/商务局/市商务局.xlsx"],
        ["2-8", "完成老旧管网改造400公里", 400.0, "公里", "累计", "", "市水务局", "", ""],
    ]  # fmt: skip
    units = {r[0]: r for r in book["单位信息"][1:]}
    assert book["单位信息"][0] == ["单位", "填报人", "联系电话", "分管领导", "填报日期", "文件"]
    assert units["江岸区人民政府"][1:5] == ["张三", "13912345678", "李四", "2023-07-10"]
    assert units["市商务局"][4] == "2023-07-10"  # typed 7.10
    assert units["市教育局"][1:] == ["", "", "", "", ""]


def test_text_that_looks_like_a_formula_stays_text(collected):
    ws, _ = collected
    wb = load_workbook(ws.reports(ROUND) / "汇总数据.xlsx")
    cells = [
        c
        for row in wb["任务填报"].iter_rows()
        for c in row
        if c.value in ("=SUM(A1:A9)", "-继续推进", "@领导小组办公室")
    ]
    assert len(cells) == 3 and all(c.data_type == "s" for c in cells)


def test_returns_for_correction(collected):
    ws, report = collected
    folder = ws.reports(ROUND) / "退回修改"
    assert sorted(p.name for p in folder.iterdir()) == ["市教育局.xlsx", "市经信局.xlsx"]
    wb = load_workbook(folder / "市经信局.xlsx")
    assert wb.sheetnames[0] == "问题" and "填报表" in wb.sheetnames and "_xltools" in wb.sheetnames
    problems = [[c.value for c in row] for row in wb["问题"].iter_rows()]
    assert problems[0][0] == "市经信局2023年第二季度报表退回修改通知"
    header = next(i for i, row in enumerate(problems) if row[0] == "序号")
    problems = problems[header:]
    assert problems[0] == [
        "序号",
        "严重程度",
        "工作表",
        "单元格",
        "任务",
        "字段",
        "填写的值",
        "请修改",
    ]
    assert len(problems) - 1 == 4
    sheet = wb["填报表"]
    # Answers come back in the sent layout (the unit had re-sorted rows and added a column).
    heads = {c.value: c.column for c in sheet[1]}
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "2-2")
    assert sheet.cell(row, heads["完成状态"]).value == "滞后"
    assert sheet.cell(row, heads["完成进度(%)"]).value == 50
    flagged = sheet.cell(row, heads["存在问题"])
    assert flagged.comment is not None and "存在问题" in flagged.comment.text
    assert flagged.fill.fgColor.rgb.endswith("F8CBAD")  # orange: not the form's light red
    assert wb["填报单位信息"]["B2"].value == "张三"


def test_same_inbox_same_outputs(collected, tmp_path):
    ws, _ = collected
    first = {
        p.relative_to(ws.reports(ROUND)): read_sheets(p) for p in ws.reports(ROUND).rglob("*.xlsx")
    }
    collect(ws, ROUND)
    again = {
        p.relative_to(ws.reports(ROUND)): read_sheets(p) for p in ws.reports(ROUND).rglob("*.xlsx")
    }
    assert first == again
    # Nothing left beside the reports but the round's lock file (the system releases the lock).
    hidden = [p.name for p in ws.reports(ROUND).parent.iterdir() if p.name.startswith(".")]
    assert hidden == [f".{ROUND}.lock"]


def test_one_worker_gives_what_two_workers_give(collected, monkeypatch):
    import xltools.core.workers as workers

    ws, serial = collected
    first = {
        p.relative_to(ws.reports(ROUND)): read_sheets(p) for p in ws.reports(ROUND).rglob("*.xlsx")
    }
    other = 1 if workers.cpu_workers() > 1 else 2
    monkeypatch.setattr(workers.os, "cpu_count", lambda: other)
    pooled = collect(ws, ROUND)
    again = {
        p.relative_to(ws.reports(ROUND)): read_sheets(p) for p in ws.reports(ROUND).rglob("*.xlsx")
    }
    assert pooled.rows("unit", "file", "cell", "code") == serial.rows(
        "unit", "file", "cell", "code"
    )
    assert first == again


def test_status_lists_who_is_missing_with_contacts(collected):
    ws, _ = collected
    found = status(ws, ROUND, today=date(2023, 7, 18))
    assert found["days_left"] == 2 and found["expected"] == 10
    assert sorted(found["returned"]) == [
        "市发改委",
        "市商务局",
        "市教育局",
        "市民政局",
        "市经信局",
        "江岸区人民政府",
    ]
    assert found["missing"] == [
        {"unit": "市城管局", "contact": "郑城管", "phone": "13800000009"},
        {"unit": "市水务局", "contact": "周水务", "phone": "13800000007"},
        {"unit": "市科技局", "contact": "吴科技", "phone": "13800000008"},
        {"unit": "市财政局", "contact": "钱财政", "phone": "13800000005"},
    ]


def test_cli_collect_prints_problems_and_exits_1(collected):
    import json

    from click.testing import CliRunner

    from xltools.cli import main

    ws, _ = collected
    result = CliRunner().invoke(main, ["collect", ROUND, "-w", str(ws.root)])
    assert result.exit_code == 1, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == (
        f"6 of 10 units returned; 18 errors, 11 warnings; reports in {ws.reports(ROUND)}"
    )
    assert "错误\t市经信局\t经信局报送.xlsx\tSheet1!I3\tmissing-value\t" in result.stdout
    result = CliRunner().invoke(main, ["collect", ROUND, "--json", "-w", str(ws.root)])
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and len(data["problems"]) == len(EXPECTED)
    assert data["status"][0]["superseded"] == ["市发改委/市发改委.xlsx"]


def test_cli_status_lists_the_missing_units(collected):
    from click.testing import CliRunner

    from xltools.cli import main

    ws, _ = collected
    result = CliRunner().invoke(main, ["status", ROUND, "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert "6 of 10 units returned" in result.stdout
    assert "  市财政局\t钱财政\t13800000005" in result.stdout
    assert "days overdue" in result.stdout  # the round's due date (2023) has passed


def test_cli_status_names_the_files_that_cannot_be_used(collected):
    # 市水务局 sent a password-protected file and another unit's form, 市财政局 last round's:
    # they are reminded, and the clerk sees why without running collect.
    from click.testing import CliRunner

    from xltools.cli import main

    ws, _ = collected
    result = CliRunner().invoke(main, ["status", ROUND, "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("  unusable")]
    assert "  unusable\t市水务局\t市水务局.xlsx\tpassword-protected: " in "\n".join(lines)
    assert any(
        line.startswith("  unusable\t市水务局\t市水务局-修改版.xlsx\tother-unit") for line in lines
    )
    assert any(
        line.startswith("  unusable\t市财政局\t市财政局.xlsx\tother-round") for line in lines
    )
    assert not any("\t江岸区人民政府\t" in line for line in lines)
    assert "  市财政局\t钱财政\t13800000005" in result.stdout  # still reminded


def test_cli_collect_needs_a_distributed_round(tmp_path):
    from click.testing import CliRunner

    from xltools.cli import main

    ws = make_workspace(tmp_path / "ws")
    shutil.rmtree(ws.outbox(ROUND))
    result = CliRunner().invoke(main, ["collect", ROUND, "-w", str(ws.root)])
    assert result.exit_code == 2
    assert "nothing was distributed for this round; run `xltools distribute` first" in result.stderr


@pytest.mark.libreoffice
def test_workbooks_filled_and_saved_in_libreoffice_come_back_whole(tmp_path):
    """Type answers in LibreOffice Calc as a user would, save as .xlsx and .xls, collect both."""
    from xltools.collect.round import collect_inbox, context

    from .uno_fill import fill_in_libreoffice

    ws = make_workspace(tmp_path / "ws")
    typed = {
        "市发改委": {
            ("2-1", "市发改委"): {"完成状态": "超序时进度", "完成进度(%)": "60", "本期工作进展": "新增泊位6.2万个", "下步工作计划": "-继续推进"},
            ("2-1", "领导小组办公室"): {"本期工作进展": "配合完成调度"},
        },
        "市商务局": {("2-3", "市商务局"): {"完成状态": "滞后", "完成进度(%)": "３０", "本期工作进展": "推进中", "存在问题": "选址难"}},
    }  # fmt: skip
    info = {
        "填报人": "张三",
        "联系电话": "027-82345678",
        "分管领导": "李四",
        "填报日期": "2023/7/10",
    }
    jobs = []
    for unit, rows in typed.items():
        sheets = read_sheets(sent(ws, unit))
        table = sheets["填报表"]
        heads = {h: c for c, h in enumerate(table[0])}
        cells = {}
        for r, line in enumerate(table[1:], start=2):
            shown = line[heads["单位"]] if "单位" in heads else unit
            for label, value in rows.get((line[0], shown), {}).items():
                cells[f"{chr(65 + heads[label])}{r}"] = value
        unit_cells = {
            f"B{r}": info[str(line[0]).rstrip(" *")]
            for r, line in enumerate(sheets["填报单位信息"][1:], start=2)
        }
        target_cells = {f"G{r}": "60000" for r in range(2, len(sheets["指标"]) + 1)}
        jobs.append(
            {
                "source": sent(ws, unit),
                "cells": {"填报表": cells, "填报单位信息": unit_cells, "指标": target_cells},
                "outputs": [tmp_path / "xlsx" / f"{unit}.xlsx", tmp_path / "xls" / f"{unit}.xls"],
            }
        )
    fill_in_libreoffice(jobs, tmp_path / "lo")
    ctx, rnd = context(ws, ROUND)
    for kind in ("xlsx", "xls"):
        result = collect_inbox(tmp_path / kind, ctx, rnd.due)
        assert result.rows("unit", "cell", "code") == [], kind
        fgw, shop = result.submissions["市发改委"], result.submissions["市商务局"]
        assert fgw.answers[("2-1", "市发改委")] == {
            "status": "超序时进度", "progress": 60, "progress_note": "新增泊位6.2万个",
            "issues": None, "next_steps": "-继续推进", "coordination": None,
        }  # fmt: skip
        assert fgw.answers[("2-1", "领导小组办公室")]["progress_note"] == "配合完成调度"
        assert shop.answers[("2-3", "市商务局")]["progress"] == 30
        assert shop.answers[("2-3", "市商务局")]["issues"] == "选址难"
        assert fgw.unit_values == {
            "reporter": "张三", "reporter_phone": "027-82345678", "leader": "李四", "report_date": date(2023, 7, 10),
        }  # fmt: skip
        assert list(fgw.targets.values()) == [60000]


def with_plan_distributed(root):
    """A workspace whose rounds begin with the implementation-plan round, distributed."""
    ws = make_workspace(root)
    plan = Round("plan", "办理方案", "plan", date(2023, 2, 10), None)
    ws = replace(ws, rounds=(plan, *ws.rounds))
    save(ws)
    distribute_round(ws, make_master(), plan, ws.outbox("plan"))
    return ws


def test_update_contacts_writes_reported_liaisons_into_the_master(tmp_path):
    from xltools.master.workbook import read_master

    ws = with_plan_distributed(tmp_path / "ws")
    answers = {
        "工作目标": "完成",
        "具体措施": "措施",
        "完成时限": "2023年底",
        "分管领导": "王五",
        "责任部门(处室)": "综合处",
    }
    info = {
        "督办工作人员姓名": "陈  晨",
        "职务": "科长",
        "办公电话": "027-85550000",
        "手机": "13700000001",
    }
    fill(
        sent(ws, "市商务局", "plan"),
        ws.inbox("plan") / "市商务局.xlsx",
        unit=info,
        lead=answers,
        partner=answers,
    )
    report = collect(ws, "plan", update_contacts=True)
    assert report.rows("unit", "cell", "code") == []
    backups = sorted(p.name for p in ws.root.glob("master-*.xlsx"))
    assert backups == [f"master-{date.today():%Y%m%d}.xlsx"]
    assert read_master(ws.root / backups[0]).unit("市商务局").contact == "王商务"
    unit = read_master(ws.master_path).unit("市商务局")
    assert (unit.contact, unit.phone) == ("陈晨", "13700000001")
    assert read_master(ws.master_path).unit("市教育局").contact == "赵教育"
    assert report.contacts_backup == ws.root / backups[0]
    # The command says that master.xlsx changed and where its previous version is.
    from click.testing import CliRunner

    from xltools.cli import main

    result = CliRunner().invoke(main, ["collect", "plan", "--update-contacts", "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    # The same liaisons again: the master is left alone and no second copy is kept.
    assert "master.xlsx unchanged: no accepted return reported a new liaison" in result.stdout
    assert sorted(p.name for p in ws.root.glob("master-*.xlsx")) == backups
    # A new phone, in a master whose 单位名录 got a title row above its headers (allowed).
    from openpyxl import load_workbook

    wb = load_workbook(ws.master_path)
    wb["单位名录"].insert_rows(1)
    wb["单位名录"]["A1"] = "单位名录(2023年)"
    wb.save(ws.master_path)
    fill(
        sent(ws, "市商务局", "plan"),
        ws.inbox("plan") / "市商务局-更正.xlsx",
        unit={**info, "手机": "13700000002"},
        lead=answers,
        partner=answers,
        saved=datetime(2023, 7, 11),
    )
    result = CliRunner().invoke(main, ["collect", "plan", "--update-contacts", "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert (
        f"Wrote the reported liaisons into master.xlsx; the previous version is kept as "
        f"master-{date.today():%Y%m%d}-2.xlsx" in result.stdout
    )
    assert read_master(ws.master_path).unit("市商务局").phone == "13700000002"


def test_the_wuhan_round_end_to_end(tmp_path):
    """The Wuhan sample: distribute 2023Q1, return a few workbooks as units do, collect."""
    from xltools.collect.round import read_sent
    from xltools.distribute.round import distribute

    from .conftest import wuhan_workspace

    ws = wuhan_workspace(tmp_path)
    distribute(ws, "2023Q1", prefill=False)
    books = read_sent(ws.outbox("2023Q1"))
    inbox = ws.inbox("2023Q1")

    def book(unit):
        return ws.outbox("2023Q1") / books[unit].file

    def first_lead(unit):
        return next(
            r.task for r in books[unit].identity.rows if r.role == "牵头" and r.unit == unit
        )

    fill(book("市发改委"), inbox / "市发改委.xlsx", saved=datetime(2023, 4, 18, 1))
    shop = first_lead("市商务局")
    fill(book("市商务局"), inbox / "商务局" / "2023Q1_市商务局-修改版(2).xlsx",
         rows={(shop, "牵头"): {**GOOD, "完成状态": "已完成", "完成进度(%)": "40%"}}, saved=datetime(2023, 4, 19, 1))  # fmt: skip
    tech = first_lead("市经信局")
    fill(book("市经信局"), tmp_path / "jxj.xlsx",
         rows={(tech, "牵头"): {**GOOD, "完成状态": "基本完成", "完成进度(%)": "五成"}})  # fmt: skip
    with zipfile.ZipFile(inbox / "经信局.zip", "w") as zf:
        zf.writestr("市经信局.xlsx", (tmp_path / "jxj.xlsx").read_bytes())
        zf.writestr("~$市经信局.xlsx", b"\x00" * 162)
    fill(book("江岸区人民政府"), inbox / "江岸区.xlsx", saved=datetime(2023, 4, 21, 1))
    fill(
        book("市教育局"),
        inbox / "教育局旧.xlsx",
        rows={},
        lead={},
        partner={},
        saved=datetime(2023, 4, 10),
    )
    fill(book("市教育局"), inbox / "市教育局.xlsx", saved=datetime(2023, 4, 12))

    report = collect(ws, "2023Q1")

    def row_of(unit, task):
        table = read_sheets(book(unit))["填报表"]
        return next(r for r, line in enumerate(table, start=1) if line[0] == task)

    def cell(unit, task, label):
        table = read_sheets(book(unit))["填报表"]
        return f"{chr(65 + table[0].index(label))}{row_of(unit, task)}"

    assert report.rows("unit", "cell", "code") == [
        ("市商务局", cell("市商务局", shop, "完成进度(%)"), "contradiction"),
        ("市经信局", cell("市经信局", tech, "完成状态"), "not-in-list"),
    ]
    lines = {r[0]: r for r in sheet_rows(ws.reports("2023Q1") / "报送情况.xlsx", "报送情况")[1:]}
    assert len(lines) == len(books)
    assert {u for u, r in lines.items() if r[1] == "已报送"} == {
        "市发改委",
        "市商务局",
        "市经信局",
        "江岸区人民政府",
        "市教育局",
    }
    assert lines["江岸区人民政府"][4] == "逾期" and lines["市发改委"][4] == "按时"
    assert lines["市教育局"][7] == "教育局旧.xlsx"
    assert lines["市经信局"][2] == "经信局.zip/市经信局.xlsx" and lines["市经信局"][5] == 1
    merged = sheet_rows(ws.reports("2023Q1") / "汇总数据.xlsx", "任务填报")
    assert len(merged) - 1 == sum(len(s.identity.rows) for s in books.values())
    states = {}
    for line in merged[1:]:
        states.setdefault(line[6], set()).add(line[8])
    assert states["市发改委"] == {"已采用"} and states["市经信局"] == {"退回修改"}
    assert states["市建设国际消费中心城市工作领导小组办公室"] == {"已采用"}  # hosted by 市商务局
    assert states["江汉区人民政府"] == {"未报送"}
    head = merged[0]
    shop_row = next(r for r in merged[1:] if r[0] == shop and r[6] == "市商务局")
    assert (shop_row[head.index("完成状态")], shop_row[head.index("完成进度(%)")]) == (
        "已完成",
        40.0,
    )
    assert [p.name for p in (ws.reports("2023Q1") / "退回修改").iterdir()] == ["市经信局.xlsx"]


def test_extra_columns_are_shown_read_only_and_carried_into_the_merged_data(tmp_path):
    """完成时限 from the master is shown (locked) in 填报表 and comes back without a problem;
    the merged data carries every extra column of the master."""
    root = tmp_path / "ws"
    root.mkdir()
    rnd = Round(ROUND, "2023年第二季度", "quarterly", DUE, date(2023, 6, 30))
    ws = Workspace(root, WS_ID, "2023年任务", 2023, "督查室", root / "master.xlsx", (rnd,))
    save(ws)
    master = make_master()
    master.tasks = [
        replace(
            t, extra={"完成时限": f"{n}月底前", "责任领导": "张副市长" if n % 2 else "李副市长"}
        )
        for n, t in enumerate(master.tasks, start=1)
    ]
    write_master(master, ws.master_path)
    distribute_round(ws, master, rnd, ws.outbox(rnd))
    book = next(ws.outbox(rnd).glob("*市教育局*.xlsx"))
    sheet = load_workbook(book)["填报表"]
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == ["编号", "角色", "牵头单位", "任务内容", "完成时限", "完成状态"]
    assert "责任领导" not in headers  # the form shows only its task_columns
    assert [sheet.cell(r, 5).value for r in (2, 3)] == ["4月底前", "5月底前"]
    assert sheet.cell(2, 5).protection.locked and sheet.protection.sheet
    info = [c.value for c in load_workbook(book)["填报说明"]["B"] if c.value]
    assert any("“完成时限”列为任务分解方案中的要求，仅供参考" in str(v) for v in info)

    ws.inbox(rnd).mkdir(parents=True)
    fill(book, ws.inbox(rnd) / "市教育局.xlsx")
    report = collect(ws, ROUND)
    assert [p.code for p in report.problems if p.unit == "市教育局"] == []
    tasks = read_sheets(ws.reports(ROUND) / "汇总数据.xlsx")["任务填报"]
    assert tasks[0][-5:] == ["完成时限", "责任领导", "文件", "sha256", "保存时间"]
    edu = next(r for r in tasks[1:] if r[0] == "2-4")
    assert edu[-5:-3] == ["4月底前", "李副市长"]


def test_a_second_collect_moves_the_summary_the_notice_and_the_offices_files_aside(tmp_path):
    from click.testing import CliRunner
    from docx import Document

    from xltools.cli import main
    from xltools.collect.year import round_state
    from xltools.summary.report import make_summary, notice_path

    ws = make_workspace(tmp_path / "ws")
    fill(sent(ws, "市发改委"), ws.inbox(ROUND) / "市发改委.xlsx")
    collect(ws, ROUND)
    reports = ws.reports(ROUND)
    summary = make_summary(ws, ROUND, today=date(2023, 7, 26))
    notice = notice_path(summary)
    doc = Document(str(notice))
    doc.add_paragraph("（督查室在 Word 中补充的一段）")  # edited by hand before printing
    doc.save(str(notice))
    (reports / "领导批示.txt").write_text("请各单位抓紧落实", encoding="utf-8")
    kept = {p.name: p.read_bytes() for p in (summary, notice, reports / "领导批示.txt")}
    ours = {p.name: p.read_bytes() for p in reports.iterdir() if p.name not in kept}

    fill(sent(ws, "市经信局"), ws.inbox(ROUND) / "市经信局.xlsx")  # a late unit's file
    result = CliRunner().invoke(main, ["collect", ROUND, "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    (aside,) = (reports / "旧版").iterdir()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d{4}", aside.name)
    assert result.stdout.splitlines()[-1] == (
        f"Moved what else {reports} held (made from the earlier data) into {aside}: "
        + ", ".join(sorted(kept))
    )
    assert sorted(p.name for p in reports.iterdir()) == sorted([*ours, "旧版"])
    assert {p.name: p.read_bytes() for p in aside.iterdir()} == kept
    # Collect's own files are this run's: 市经信局 counted; no summary stands beside them.
    states = {row[0]: row[1] for row in read_sheets(reports / "报送情况.xlsx")["报送情况"]}
    assert states["市经信局"] == "已报送"
    assert (reports / "汇总数据.xlsx").read_bytes() != ours["汇总数据.xlsx"]
    assert round_state(ws, ws.round(ROUND), date(2023, 7, 26)).summary is False

    (reports / "新的说明.txt").write_text("第二份", encoding="utf-8")
    third = collect(ws, ROUND)
    assert third.moved == ["新的说明.txt"] and third.moved_to.parent == reports / "旧版"
    assert third.moved_to != aside and len(list((reports / "旧版").iterdir())) == 2
    assert {p.name: p.read_bytes() for p in aside.iterdir()} == kept  # carried along, whole
    assert (third.moved_to / "新的说明.txt").read_text(encoding="utf-8") == "第二份"
    data = CliRunner().invoke(main, ["collect", ROUND, "--json", "-w", str(ws.root)]).stdout
    assert '"moved": []' in data and '"moved_to": null' in data
