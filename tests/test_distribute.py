import hashlib
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from xltools.cli import main
from xltools.core.errors import MasterError, WorkspaceError
from xltools.core.excel import read_sheets
from xltools.core.model import Master, Target, Task, Unit
from xltools.distribute.forms import bundled_dir, load_form
from xltools.distribute.identity import fingerprint, read_identity, read_properties
from xltools.distribute.round import MANIFEST_HEADERS, assign, build_specs, distribute, write_round
from xltools.master.workbook import check_master, write_master
from xltools.master.workspace import Workspace, default_rounds, save

from .conftest import SAMPLE

OFFICE = "市人民政府督查室"
GROUP_OFFICE = "市建设国际消费中心城市工作领导小组办公室"
LONG = "把恢复和扩大消费摆在优先位置,积极培育新业态、新场景,加快建设国际消费中心城市。"


def small_master() -> Master:
    return Master(
        tasks=[
            Task(
                "1-1",
                "一",
                "",
                "",
                "(一)",
                "地区生产总值增长6.5%以上。",
                ("市发改委",),
                ("各区人民政府",),
            ),
            Task("2-1", "二", "", "", "1", LONG, (GROUP_OFFICE,), ("市发改委", "各区人民政府")),
            Task("2-2", "二", "", "", "2", "新增停车泊位12万个。", (), ("市商务局",)),
            # 江岸区 is both named (as an alias) and reached through the group: one lead row.
            Task("2-3", "二", "", "", "3", "=SUM(A1) 不是公式", ("江岸区",), ("各区人民政府",)),
        ],
        units=[
            Unit("市发改委", contact="张三", phone="027-1234"),
            Unit("市商务局", contact="李四", phone="13800000000"),
            Unit(GROUP_OFFICE, host="市商务局"),
            Unit("江岸区人民政府", aliases=("江岸区",), groups=("各区人民政府",)),
            Unit("东湖风景区管委会", groups=("各区人民政府",)),
        ],
        targets=[
            Target("2-2", "新增停车泊位12万个", 120000.0, "个", "累计"),
            Target("2-1", "社会消费品零售总额增长10%", 10.0, "%", "水平", "以上"),
        ],
    )


def specs_for(master: Master, form: str = "quarterly", previous=None):
    return build_specs(
        master,
        load_form(form),
        workspace_id="ws-1",
        title="2023年市《政府工作报告》目标任务督办",
        office=OFFICE,
        round_key="2023Q1" if form == "quarterly" else "plan",
        round_name="2023年第一季度" if form == "quarterly" else "办理方案",
        due=date(2023, 4, 20),
        period_end=date(2023, 3, 31) if form == "quarterly" else None,
        previous=previous,
    )


def rows_of(assignments, recipient):
    for item in assignments:
        if item.recipient == recipient:
            return [(r.task, r.unit, r.role) for r in item.rows]
    raise KeyError(recipient)


def test_assign_expands_groups_routes_hosts_and_puts_lead_rows_first():
    books = assign(small_master())
    assert [b.recipient for b in books] == sorted(
        ["东湖风景区管委会", "市发改委", "市商务局", "江岸区人民政府"]
    )
    assert rows_of(books, "市商务局") == [
        ("2-1", GROUP_OFFICE, "牵头"),
        ("2-2", "市商务局", "牵头"),
    ]
    assert rows_of(books, "市发改委") == [("1-1", "市发改委", "牵头"), ("2-1", "市发改委", "配合")]
    assert rows_of(books, "江岸区人民政府") == [
        ("2-3", "江岸区人民政府", "牵头"),
        ("1-1", "江岸区人民政府", "配合"),
        ("2-1", "江岸区人民政府", "配合"),
    ]
    assert rows_of(books, "东湖风景区管委会") == [
        ("1-1", "东湖风景区管委会", "配合"),
        ("2-1", "东湖风景区管委会", "配合"),
        ("2-3", "东湖风景区管委会", "配合"),
    ]


def unroutable_master() -> Master:
    master = small_master()
    master.tasks += [
        Task("2-4", "二", "", "", "4", "x", ("各相关单位",), ()),
        Task("2-5", "二", "", "", "5", "y", ("市发展改革委",), ("各相关单位",)),
        Task("2-6", "二", "", "", "6", "z", ("甲办公室", "乙办公室"), ()),
        Task("2-7", "二", "", "", "7", "nobody's", (), ()),
    ]
    master.units += [
        Unit("甲办公室", host="丙局"),  # host not in the directory
        Unit("乙办公室", host="丁办公室"),
        Unit("丁办公室", host="乙办公室"),  # a cycle
    ]
    return master


def test_every_unroutable_owner_is_named_in_the_words_of_check():
    with pytest.raises(MasterError) as caught:
        assign(unroutable_master(), "master.xlsx")
    head, *listed = str(caught.value).split("\n")
    assert head == "master.xlsx: cannot route every task to a unit:"
    assert [line[:4] for line in listed] == ["  - "] * 5
    assert [line[4:] for line in listed] == [
        p.message
        for p in check_master(unroutable_master(), "master.xlsx").problems
        if p.code in ("no-owner", "unknown-unit", "undefined-group", "unknown-host", "host-cycle")
    ]
    message = str(caught.value)
    assert "分组“各相关单位”在单位名录中没有成员" in message
    assert "牵头单位“市发展改革委”不在单位名录中" in message
    assert "“甲办公室”的承办单位“丙局”不在单位名录中" in message
    assert "承办单位形成循环（乙办公室 → 丁办公室 → 乙办公室）" in message
    assert "没有牵头单位和责任单位" in message


def test_a_unit_hosting_itself_by_an_alias_receives_its_workbook():
    master = small_master()
    master.units[0] = replace(master.units[0], aliases=("市发展改革委",), host="市发展改革委")
    assert "市发改委" in {a.recipient for a in assign(master)}
    assert [p.code for p in check_master(master).problems if p.code == "host-cycle"] == []


@pytest.mark.parametrize(
    ("lang", "head"),
    [
        ("en", "Error: master.xlsx: cannot route every task to a unit:"),
        ("zh", "错误：master.xlsx：有任务无法落实到单位："),
    ],
)
def test_routing_errors_say_what_check_says_in_either_language(tmp_path, lang, head):
    """The command's own words follow the language; what to fix in the master is `check`'s Chinese
    sentences, the same in both commands and both languages."""
    ws = make_workspace(tmp_path, unroutable_master())
    runner = CliRunner()
    checked = runner.invoke(main, ["check", "-w", str(tmp_path)], env={"XLTOOLS_LANG": lang})
    assert checked.exit_code == 1
    fixes = [line.split("\t")[3] for line in checked.stdout.splitlines() if "\t" in line]
    assert len(fixes) == 5
    result = runner.invoke(
        main, ["distribute", "2023Q1", "-w", str(tmp_path)], env={"XLTOOLS_LANG": lang}
    )
    assert result.exit_code == 2
    assert result.stderr == "\n".join([head, *(f"  - {fix}" for fix in fixes)]) + "\n"
    assert not list(ws.outbox("2023Q1").glob("*.xlsx"))


def test_nothing_is_written_when_routing_fails(tmp_path):
    master = small_master()
    master.tasks.append(Task("2-9", "二", "", "", "9", "x", ("各相关单位",), ()))
    ws = make_workspace(tmp_path, master)
    with pytest.raises(MasterError, match="各相关单位"):
        distribute(ws, "2023Q1")
    assert not (tmp_path / "outbox" / "2023Q1").exists()
    assert list((tmp_path / "outbox").iterdir()) == []


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    folder = tmp_path_factory.mktemp("q") / "outbox" / "2023Q1"
    master = small_master()
    result = write_round(specs_for(master), folder, master=master)
    return result


def open_book(result, unit):
    return openpyxl.load_workbook(result.folder / f"2023Q1_{unit}.xlsx")


def test_files_and_manifest(quarter):
    names = sorted(p.name for p in quarter.folder.iterdir())
    assert names == sorted(
        [
            "2023Q1_东湖风景区管委会.xlsx",
            "2023Q1_市发改委.xlsx",
            "2023Q1_市商务局.xlsx",
            "2023Q1_江岸区人民政府.xlsx",
            "manifest.xlsx",
        ]
    )
    sheet = read_sheets(quarter.manifest)["分发清单"]
    assert tuple(sheet[0]) == MANIFEST_HEADERS
    by_unit = {row[0]: row for row in sheet[1:]}
    assert by_unit["市商务局"][1:7] == ["2023Q1_市商务局.xlsx", 2, 0, 2, "李四", "13800000000"]
    assert by_unit["市发改委"][2:5] == [1, 1, 0]
    digest = hashlib.sha256((quarter.folder / "2023Q1_市发改委.xlsx").read_bytes()).hexdigest()
    assert by_unit["市发改委"][7] == digest
    assert not [p for p in quarter.folder.parent.iterdir() if p.name.startswith(".")]


def test_task_sheet_as_the_recipient_sees_it(quarter):
    book = open_book(quarter, "市商务局")
    assert book.sheetnames == ["填报说明", "填报表", "指标", "填报单位信息", "_xltools"]
    ws = book["填报表"]
    header = [c.value for c in ws[1]]
    assert header == [
        "编号", "角色", "单位", "牵头单位", "任务内容",
        "完成状态", "完成进度(%)", "本期工作进展", "存在问题", "下步工作计划", "需协调事项",
    ]  # fmt: skip
    assert [c.value for c in ws[2]][:5] == ["2-1", "牵头", GROUP_OFFICE, GROUP_OFFICE, LONG]
    assert [c.value for c in ws[3]][:5] == [
        "2-2",
        "牵头",
        "市商务局",
        "市商务局",
        "新增停车泊位12万个。",
    ]
    assert ws.max_row == 3
    # Task columns locked, input cells open; the sheet protected without a password but resizable.
    assert all(ws.cell(2, c).protection.locked for c in range(1, 6))
    assert not any(ws.cell(2, c).protection.locked for c in range(6, 12))
    assert ws.protection.sheet and not ws.protection.password
    assert ws.protection.formatColumns is False and ws.protection.formatRows is False
    assert ws.freeze_panes == "C2"
    # Long texts wrap and their rows are tall enough.
    assert ws["E2"].alignment.wrap_text
    assert ws.row_dimensions[2].height >= 3 * 14
    assert ws.row_dimensions[3].height >= 40  # room to type progress


def test_dropdowns_prompts_and_validation(quarter):
    ws = open_book(quarter, "市商务局")["填报表"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    status = rules["F2:F3"]
    assert status.type == "list"
    assert status.formula1 == '"已完成,超序时进度,序时推进,滞后,未启动"'
    assert status.promptTitle == "完成状态" and "（必填）" in status.prompt
    assert status.showInputMessage and status.showErrorMessage
    progress = rules["G2:G3"]
    assert (progress.type, progress.formula1, progress.formula2) == ("decimal", "0", "100")
    assert rules["H2:H3"].type == "textLength" and rules["H2:H3"].formula1 == "2000"


def test_required_cells_are_highlighted_until_filled(quarter):
    ws = open_book(quarter, "市商务局")["填报表"]
    formulas = {
        str(r.sqref): [rule.formula[0] for rule in r.rules] for r in ws.conditional_formatting
    }
    assert formulas["F2:F3"] == ["LEN(TRIM(F2))=0"]
    assert formulas["H2:H3"] == ["LEN(TRIM(H2))=0"]
    assert formulas["I2:I3"] == ['AND(LEN(TRIM(I2))=0,OR($F2="滞后",$F2="未启动"))']
    assert "J2:J3" not in formulas  # 下步工作计划 is optional


def test_partner_rows_fill_only_their_part(quarter):
    ws = open_book(quarter, "江岸区人民政府")["填报表"]
    header = [c.value for c in ws[1]]
    assert "单位" not in header  # no hosted units in this workbook
    assert [(r[0].value, r[1].value, r[2].value) for r in ws.iter_rows(min_row=2)] == [
        ("2-3", "牵头", "江岸区"),
        ("1-1", "配合", "市发改委"),
        ("2-1", "配合", GROUP_OFFICE),
    ]
    # A formula-like task text stays text.
    assert ws["D2"].value == "=SUM(A1) 不是公式" and ws["D2"].data_type == "s"
    status, progress, note = (
        header.index(x) + 1 for x in ("完成状态", "完成进度(%)", "本期工作进展")
    )
    assert not ws.cell(2, status).protection.locked
    assert ws.cell(3, status).protection.locked and ws.cell(3, progress).protection.locked
    assert not ws.cell(3, note).protection.locked
    rules = {str(dv.sqref): dv.type for dv in ws.data_validations.dataValidation}
    assert rules["E2"] == "list" and "E3:E4" not in rules
    assert rules["G3:G4"] == "textLength"


def test_targets_unit_info_and_instructions(quarter):
    book = open_book(quarter, "市商务局")
    ws = book["指标"]
    assert [c.value for c in ws[1]] == [
        "编号", "单位", "指标", "目标值", "计量单位", "类型", "比较", "累计完成值",
    ]  # fmt: skip
    assert [c.value for c in ws[2]][:7] == [
        "2-1",
        GROUP_OFFICE,
        "社会消费品零售总额增长10%",
        10,
        "%",
        "水平",
        "以上",
    ]
    assert [c.value for c in ws[3]][:4] == ["2-2", "市商务局", "新增停车泊位12万个", 120000]
    assert not ws["H2"].protection.locked and ws["C2"].protection.locked
    info = book["填报单位信息"]
    assert [info.cell(r, 1).value for r in range(2, 6)] == [
        "填报人 *",
        "联系电话 *",
        "分管领导 *",
        "填报日期 *",
    ]
    assert not info["B2"].protection.locked
    date_rule = [dv for dv in info.data_validations.dataValidation if str(dv.sqref) == "B5"][0]
    assert date_rule.type == "date"
    guide = book["填报说明"]
    text = "\n".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    for expected in (
        "填报单位",
        "市商务局",
        "2023年4月20日前",
        OFFICE,
        "牵头任务 2 项、配合任务 0 项、指标 2 项",
        GROUP_OFFICE,
    ):
        assert expected in text
    # No 指标 sheet for a unit that leads nothing with targets.
    assert "指标" not in open_book(quarter, "东湖风景区管委会").sheetnames


def test_titles_do_not_repeat_words(quarter, tmp_path):
    book = open_book(quarter, "市发改委")
    assert book["填报说明"]["A2"].value == "2023年第一季度工作进展填报表"
    assert book.properties.title == "2023年第一季度工作进展"
    assert "市发改委 2023年第一季度工作进展" in book["填报表"].oddHeader.center.text
    plan = write_round(specs_for(small_master(), "plan"), tmp_path / "plan")
    guide = openpyxl.load_workbook(plan.folder / "plan_市发改委.xlsx")["填报说明"]
    assert guide["A2"].value == "办理方案填报表"


def test_print_settings(quarter):
    book = open_book(quarter, "市发改委")
    ws = book["填报表"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert book["填报说明"].page_setup.orientation == "portrait"


def test_embedded_identity(quarter):
    data = (quarter.folder / "2023Q1_市商务局.xlsx").read_bytes()
    identity = read_identity(read_sheets(data), read_properties(data))
    assert (identity.workspace, identity.unit, identity.round, identity.form, identity.version) == (
        "ws-1",
        "市商务局",
        "2023Q1",
        "quarterly",
        1,
    )
    assert [(r.task, r.unit, r.role) for r in identity.rows] == [
        ("2-1", GROUP_OFFICE, "牵头"),
        ("2-2", "市商务局", "牵头"),
    ]
    assert identity.rows[0].fingerprint == fingerprint(LONG)
    assert [t.fingerprint for t in identity.targets] == [
        fingerprint("社会消费品零售总额增长10%"),
        fingerprint("新增停车泊位12万个"),
    ]
    sheet_copy = read_identity(read_sheets(data), {})
    assert sheet_copy.rows == identity.rows
    assert (
        openpyxl.load_workbook(quarter.folder / "2023Q1_市商务局.xlsx")["_xltools"].sheet_state
        == "veryHidden"
    )


def test_plan_round_workbook():
    master = small_master()
    specs = specs_for(master, "plan")
    assert all(s.targets == () for s in specs)


def test_plan_round_has_liaison_block_and_no_targets(tmp_path):
    master = small_master()
    result = write_round(specs_for(master, "plan"), tmp_path / "plan", master=master)
    book = openpyxl.load_workbook(result.folder / "plan_市发改委.xlsx")
    assert book.sheetnames == ["填报说明", "填报表", "填报单位信息", "_xltools"]
    ws = book["填报表"]
    header = [c.value for c in ws[1]]
    assert header[4:] == ["工作目标", "具体措施", "完成时限", "分管领导", "责任部门(处室)"]
    # 工作目标 is the lead's: locked on the partner row (2-1).
    assert not ws["E2"].protection.locked and ws["E3"].protection.locked
    assert not ws["F3"].protection.locked
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules["G2"].type == "date" and rules["G3"].type == "date"
    info = book["填报单位信息"]
    assert [info.cell(r, 1).value for r in range(2, 6)] == [
        "督办工作人员姓名 *",
        "职务 *",
        "办公电话 *",
        "手机 *",
    ]


def test_output_is_deterministic(tmp_path):
    master = small_master()
    first = write_round(specs_for(master), tmp_path / "a", master=master)
    second = write_round(specs_for(master), tmp_path / "b", master=master)
    for path in sorted(first.folder.iterdir()):
        assert path.read_bytes() == (second.folder / path.name).read_bytes(), path.name
    created = openpyxl.load_workbook(first.folder / "2023Q1_市发改委.xlsx").properties.created
    assert created == datetime(2023, 3, 31, 9, 0)


def test_parallel_writing_gives_the_same_files(tmp_path, monkeypatch):
    import xltools.core.workers as workers
    import xltools.distribute.round as dist

    master = small_master()
    monkeypatch.setattr(dist, "PARALLEL_FROM", 1)
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)
    seen = []
    pooled = write_round(
        specs_for(master),
        tmp_path / "p",
        master=master,
        progress=lambda d, t, u: seen.append((d, t)),
    )
    monkeypatch.setattr(dist, "PARALLEL_FROM", 10_000)
    single = write_round(specs_for(master), tmp_path / "s", master=master)
    assert [b["sha256"] for b in pooled.books] == [b["sha256"] for b in single.books]
    assert seen[-1] == (4, 4)


def test_refuses_to_overwrite_a_sent_round_unless_forced(tmp_path):
    master = small_master()
    folder = tmp_path / "2023Q1"
    write_round(specs_for(master), folder, master=master)
    (folder / "note.txt").write_text("x", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="already distributed; use --force"):
        write_round(specs_for(master), folder, master=master)
    assert (folder / "note.txt").exists()
    write_round(specs_for(master), folder, master=master, force=True)
    assert not (folder / "note.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["2023Q1"]


def test_a_failure_leaves_no_temporary_folder(tmp_path, monkeypatch):
    import xltools.distribute.round as dist

    def broken(spec, path):
        raise OSError("disk full")

    monkeypatch.setattr(dist, "write_book", broken)
    with pytest.raises(OSError):
        write_round(specs_for(small_master()), tmp_path / "2023Q1")
    assert list(tmp_path.iterdir()) == []


def make_workspace(root: Path, master: Master) -> Workspace:
    (root / "outbox").mkdir(parents=True, exist_ok=True)
    ws = Workspace(
        root=root,
        id="ws-42",
        title="2023年市《政府工作报告》目标任务督办",
        year=2023,
        office=OFFICE,
        master_path=root / "master.xlsx",
        rounds=default_rounds(2023),
    )
    write_master(master, ws.master_path)
    save(ws)
    return ws


def write_merged(path: Path) -> None:
    """A 汇总数据.xlsx as collect writes it (ARCHITECTURE.md), built by hand."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(path)) as wb:
        tasks = wb.add_worksheet("任务填报")
        header = ["编号", "板块", "方向", "类别", "序号", "任务内容", "单位", "角色", "数据状态",
                  "完成状态", "完成进度(%)", "本期工作进展", "存在问题", "下步工作计划", "需协调事项",
                  "文件", "sha256", "保存时间"]  # fmt: skip
        tasks.write_row(0, 0, header)
        tasks.write_row(
            1,
            0,
            [
                "1-1",
                "",
                "",
                "",
                "",
                "",
                "市发改委",
                "牵头",
                "已采用",
                "序时推进",
                25,
                "一季度进展",
                "",
                "继续",
                "",
            ],
        )
        tasks.write_row(
            2,
            0,
            [
                "2-1",
                "",
                "",
                "",
                "",
                "",
                "市发改委",
                "配合",
                "退回修改",
                "",
                "",
                "不该出现",
                "",
                "",
                "",
            ],
        )
        targets = wb.add_worksheet("指标")
        targets.write_row(
            0,
            0,
            ["编号", "指标", "目标值", "计量单位", "类型", "比较", "单位", "累计完成值", "文件"],
        )
        targets.write_row(
            1,
            0,
            ["2-2", "新增停车泊位12万个", 120000, "个", "累计", "", "市商务局", 30000, "x.xlsx"],
        )
        units = wb.add_worksheet("单位信息")
        units.write_row(0, 0, ["单位", "填报人", "联系电话", "分管领导", "填报日期", "文件"])
        units.write_row(1, 0, ["市发改委", "王五", "027-5555", "赵六", "2023-04-18", "x.xlsx"])


def test_distribute_in_a_workspace_with_prefill(tmp_path):
    ws = make_workspace(tmp_path, small_master())
    write_merged(tmp_path / "reports" / "2023Q1" / "汇总数据.xlsx")
    result = distribute(ws, "2023Q2")
    assert result.warnings == []
    assert result.folder == tmp_path / "outbox" / "2023Q2"
    assert result.prefilled == 2  # 市发改委 (task row and unit info) and 市商务局 (target)
    book = openpyxl.load_workbook(result.folder / "2023Q2_市发改委.xlsx")
    ws_ = book["填报表"]
    header = [c.value for c in ws_[1]]
    status, note = header.index("完成状态") + 1, header.index("本期工作进展") + 1
    assert ws_.cell(2, status).value == "序时推进"
    assert ws_.cell(2, note).value == "一季度进展"
    assert ws_.cell(2, note).fill.fgColor.rgb.endswith("FFF2CC")
    assert ws_.cell(3, note).value is None  # 退回修改 is not taken over
    assert book["填报单位信息"]["B2"].value == "王五"
    assert book["填报单位信息"]["B5"].value is None  # 填报日期 is typed anew
    guide = "\n".join(str(c.value) for row in book["填报说明"].iter_rows() for c in row if c.value)
    assert "黄色底色的单元格已预填上一轮已采用的内容" in guide
    target = openpyxl.load_workbook(result.folder / "2023Q2_市商务局.xlsx")["指标"]
    assert target["H3"].value == 30000
    identity = read_identity(read_sheets(result.folder / "2023Q2_市发改委.xlsx"), {})
    assert (identity.workspace, identity.round) == ("ws-42", "2023Q2")


def test_a_quarter_before_the_previous_is_collected_asks_to_collect_first(tmp_path):
    ws = make_workspace(tmp_path, small_master())
    with pytest.raises(WorkspaceError) as caught:
        distribute(ws, "2023q2")
    assert str(caught.value) == (
        "2023Q1 has not been collected yet (reports/2023Q1/汇总数据.xlsx not found), so its "
        "accepted answers cannot be prefilled: run `xltools collect 2023Q1` first, or pass "
        "--no-prefill to send 2023Q2 without them"
    )
    assert not ws.outbox("2023Q2").exists()  # nothing written: no --force needed afterwards
    with pytest.raises(WorkspaceError):
        distribute(ws, "2023Q2", prefill=True)
    result = distribute(ws, "2023Q2", prefill=False)
    assert result.prefilled == 0 and result.warnings == []
    # The first quarter follows the plan round (another form): no prefill, no warning.
    assert distribute(ws, "2023Q1").warnings == []


def test_distribute_creates_the_inbox_folder_of_the_round(tmp_path):
    ws = make_workspace(tmp_path, small_master())
    assert not ws.inbox("2023Q1").exists()
    distribute(ws, "2023Q1")
    assert ws.inbox("2023Q1").is_dir() and not any(ws.inbox("2023Q1").iterdir())


def test_workspace_templates_override_the_bundled_form(tmp_path):
    ws = make_workspace(tmp_path, small_master())
    (tmp_path / "templates").mkdir()
    plan = (bundled_dir() / "plan.yaml").read_text(encoding="utf-8")
    (tmp_path / "templates" / "plan.yaml").write_text(
        plan.replace("label: 职务", "label: 职务职级"), encoding="utf-8"
    )
    result = distribute(ws, "plan")
    info = openpyxl.load_workbook(result.folder / "plan_市发改委.xlsx")["填报单位信息"]
    assert info["A3"].value == "职务职级 *"


def test_cli_distribute(tmp_path):
    make_workspace(tmp_path, small_master())
    runner = CliRunner()
    result = runner.invoke(main, ["distribute", "2023Q1", "-w", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (
        f"Wrote 4 workbooks (4 lead rows, 6 partner rows) and manifest.xlsx to "
        f"{tmp_path / 'outbox' / '2023Q1'}" in result.stdout
    )
    again = runner.invoke(main, ["distribute", "2023Q1", "-w", str(tmp_path)])
    assert again.exit_code == 2
    assert "already distributed; use --force" in again.stderr
    outbox = tmp_path / "outbox" / "2023Q1"
    before = sorted(p.name for p in outbox.iterdir())
    (outbox / "致各单位的函.docx").write_bytes(b"the office's covering letter")
    forced = runner.invoke(main, ["distribute", "2023Q1", "--force", "-w", str(tmp_path)])
    assert forced.exit_code == 0
    # --force writes the workbooks again and keeps what else the folder held, aside
    (kept,) = (outbox / "旧版").iterdir()
    assert (kept / "致各单位的函.docx").read_bytes() == b"the office's covering letter"
    assert sorted(p.name for p in outbox.iterdir()) == sorted([*before, "旧版"])
    assert f"Moved what else {outbox} held into {kept}: 致各单位的函.docx" in forced.stdout
    prefill = runner.invoke(main, ["distribute", "2023Q2", "-w", str(tmp_path)])
    assert prefill.exit_code == 2
    assert "Error: 2023Q1 has not been collected yet" in prefill.stderr


def test_cli_refuses_a_master_that_check_finds_broken(tmp_path):
    import datetime as dt

    from openpyxl import load_workbook

    make_workspace(tmp_path, small_master())
    book = load_workbook(tmp_path / "master.xlsx")
    book["任务清单"]["A2"] = dt.datetime(2023, 1, 2)  # Excel took a typed 1-2 for a date
    book.save(tmp_path / "master.xlsx")
    result = CliRunner().invoke(main, ["distribute", "2023Q1", "-w", str(tmp_path)])
    assert result.exit_code == 2
    assert (
        "master.xlsx: 1 error(s) to fix before distributing (任务清单!A2 id-is-date)"
        in result.stderr
    )
    assert "run `xltools check` to see them" in result.stderr
    assert not (tmp_path / "outbox" / "2023Q1").exists()


@pytest.mark.parametrize("value", ["2023Q5", "Q1", "spring", "23Q1"])
def test_cli_rejects_a_malformed_round(tmp_path, value):
    result = CliRunner().invoke(main, ["distribute", value, "-w", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not a round: use plan or a quarter such as 2023Q2" in result.stderr


def test_cli_unknown_round(tmp_path):
    make_workspace(tmp_path, small_master())
    result = CliRunner().invoke(main, ["distribute", "2024Q1", "-w", str(tmp_path)])
    assert result.exit_code == 2
    assert "no round '2024Q1'" in result.stderr


# The Wuhan sample: the plan imported, with 单位名录's districts as DOMAIN.md describes them.
CENTRAL = ["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区"]
OUTER = ["东西湖区", "蔡甸区", "江夏区", "黄陂区", "新洲区"]
ZONES = [
    "东湖高新区管委会",
    "武汉经开区管委会",
    "临空港开发区管委会",
    "长江新区管委会",
    "东湖风景区管委会",
]


def wuhan_master() -> Master:
    from xltools.master.workbook import import_plan

    path = SAMPLE / "master.xlsx"
    if path.exists():
        from xltools.master.workbook import read_master

        return read_master(path)
    master, _ = import_plan(SAMPLE / "plan.txt")
    districts = {f"{d}人民政府": ("各区人民政府", "各中心城区人民政府") for d in CENTRAL}
    districts |= {f"{d}人民政府": ("各区人民政府",) for d in OUTER}
    districts |= {z: ("各区人民政府",) for z in ZONES}
    units = [replace(u, groups=districts.pop(u.name, u.groups)) for u in master.units]
    units += [Unit(name, groups=groups) for name, groups in districts.items()]
    return Master(master.tasks, units, master.targets)


@pytest.fixture(scope="module")
def wuhan():
    return {b.recipient: b for b in assign(wuhan_master())}


def ids(book, role):
    return [r.task for r in book.rows if r.role == role]


# Tasks whose owners include 各区人民政府, read off the plan by hand (always as 责任单位).
WITH_DISTRICTS = [
    "1-1",
    "1-2",
    "2-1",
    "2-2",
    "2-3",
    "2-5",
    "2-9",
    "2-10",
    "2-11",
    "2-12",
    "2-13",
    "2-14",
    "2-15",
    "2-16",
    "2-17",
    "2-18",
    "2-19",
    "2-20",
    "2-23",
    "2-24",
    "2-25",
    "2-27",
    "2-28",
    "2-29",
    "2-30",
    "2-31",
    "2-40",
    "2-41",
    "2-42",
    "2-43",
    "2-45",
    "2-47",
    "2-49-1",
    "2-49-2",
    "2-53",
    "2-56",
    "2-61",
    "2-62",
    "2-78",
    "2-83",
    "2-84",
    "2-85",
    "2-86",
    "2-88",
    "2-89",
    "2-90",
    "2-91",
    "2-92",
    "2-93",
    "2-96",
    "2-97",
    "2-98",
    "2-99",
    "2-100",
    "2-105",
    "2-107",
    "2-108",
    "2-109",
    "2-110",
    "2-111",
    "2-112",
    "2-113",
    "2-115",
]


def test_wuhan_a_unit_reached_only_through_the_group(wuhan):
    book = wuhan["东湖风景区管委会"]
    assert ids(book, "牵头") == []
    assert ids(book, "配合") == WITH_DISTRICTS


def test_wuhan_host_receives_the_leading_group_office_task(wuhan):
    assert GROUP_OFFICE not in wuhan
    shang = wuhan["市商务局"]
    first = shang.rows[0]
    assert (first.task, first.unit, first.role) == ("2-1", GROUP_OFFICE, "牵头")
    assert "2-1" not in ids(shang, "配合")


def test_wuhan_owners_of_split_tasks(wuhan):
    assert ids(wuhan["市乡村振兴局"], "牵头") == ["2-75-1"]
    assert ids(wuhan["市乡村振兴局"], "配合") == ["2-4"]
    assert ids(wuhan["市水务局"], "牵头") == ["2-75-2", "2-99", "2-103", "2-104"]
    assert ids(wuhan["市水务局"], "配合") == ["1-5", "2-13", "2-14", "2-17", "2-18", "2-19"]
    assert "2-49-1" in ids(wuhan["市经信局"], "牵头") and "2-49-2" not in ids(
        wuhan["市经信局"], "牵头"
    )
    assert "2-49-2" in ids(wuhan["市发改委"], "牵头") and "2-49-1" not in ids(
        wuhan["市发改委"], "牵头"
    )
    for unit in ("市科技局", "市财政局", "市地方金融局", "江岸区人民政府"):
        assert {"2-49-1", "2-49-2"} <= set(ids(wuhan[unit], "配合")), unit


def test_wuhan_every_task_row_is_somewhere(wuhan):
    master = wuhan_master()
    leads = {r.task for b in wuhan.values() for r in b.rows if r.role == "牵头"}
    assert leads == {t.id for t in master.tasks}
    assert len(wuhan["江岸区人民政府"].rows) >= len(WITH_DISTRICTS)


@pytest.mark.libreoffice
def test_distributed_workbook_survives_a_libreoffice_resave(quarter, tmp_path):
    from xltools.core.office import convert

    source = quarter.folder / "2023Q1_市商务局.xlsx"
    expected = read_identity(read_sheets(source), read_properties(source.read_bytes()))
    for fmt in ("xlsx", "ods"):
        out = convert(source, fmt, tmp_path / fmt)
        data = out.read_bytes()
        got = read_identity(read_sheets(data), read_properties(data))
        assert got is not None, fmt
        assert (got.unit, got.round, got.rows, got.targets) == (
            expected.unit,
            expected.round,
            expected.rows,
            expected.targets,
        )
    resaved = openpyxl.load_workbook(tmp_path / "xlsx" / source.name)
    ws = resaved["填报表"]
    assert ws.protection.sheet and ws["A2"].protection.locked and not ws["F2"].protection.locked
    assert resaved["_xltools"].sheet_state in ("hidden", "veryHidden")


def test_file_names_are_windows_safe_and_unique():
    master = Master(
        tasks=[Task("1", "", "", "", "1", "x", ("市A/B办",), ("市A_B办", "CON"))],
        units=[Unit("市A/B办"), Unit("市A_B办"), Unit("CON")],
    )
    files = sorted(s.file for s in specs_for(master))
    assert files == ["2023Q1_CON.xlsx", "2023Q1_市A_B办.xlsx", "2023Q1_市A_B办_2.xlsx"]


def test_a_master_without_tasks_is_an_error():
    with pytest.raises(MasterError, match="no tasks with owners; nothing to distribute"):
        specs_for(Master(units=[Unit("市发改委")]))


def test_prefill_from_a_round_of_another_form_warns_and_takes_only_matching_columns(tmp_path):
    ws = make_workspace(tmp_path, small_master())
    write_merged(tmp_path / "reports" / "plan" / "汇总数据.xlsx")  # quarterly columns, plan round
    result = distribute(ws, "2023Q1", prefill=True)
    assert result.warnings == [
        "plan used the form plan, 2023Q1 uses quarterly: only answers under the same column "
        "names are prefilled"
    ]
    assert result.prefilled == 2
    plan = distribute(make_workspace(tmp_path / "p", small_master()), "plan", prefill=True)
    assert plan.warnings == ["plan is the first round: there are no earlier answers to prefill"]
