"""The import, init and check commands, and the Wuhan sample they make."""

from dataclasses import replace

import pytest
from click.testing import CliRunner

from xltools.cli import main
from xltools.core.model import Unit
from xltools.master.workbook import import_plan, read_master, write_master
from xltools.master.workspace import load

from .conftest import SAMPLE

PLAN = """\
2024年某市《政府工作报告》目标任务责任分解方案
一、重点工作
1.新增停车泊位12万个。(牵头单位:市城建局;责任单位:各区人民政府)
2.打造国家文旅消费示范城市。(牵头单位:市文旅局;责任单位:市发改委)
3.推进一件事。
"""


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_import_writes_the_master_and_reports_counts_and_warnings(tmp_path, plan):
    out = tmp_path / "master.xlsx"
    result = run("import", plan, "-o", out)
    assert result.exit_code == 0, result.output
    assert (
        result.stdout == f"Imported 3 tasks, 3 units, 1 groups, 1 targets, 2 warnings into {out}\n"
    )
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2
    assert warnings[0].startswith("Warning: plan.txt:5: ")  # the line without owners
    assert warnings[1].startswith("Warning: plan.txt:3: 分组“各区人民政府”在单位名录中没有成员")
    assert warnings[1].endswith("[undefined-group]")
    assert [t.id for t in read_master(out).tasks] == ["1-1", "1-2", "1-3"]  # kept, to be filled


def test_import_refuses_to_overwrite_an_edited_master(tmp_path, plan):
    out = tmp_path / "master.xlsx"
    out.write_bytes(b"edited by the office")
    result = run("import", plan, "-o", out)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {out}: exists; pass --force to overwrite it\n"
    assert out.read_bytes() == b"edited by the office"
    assert run("import", plan, "-o", out, "--force").exit_code == 0


def test_import_with_a_directory_and_lead_first(tmp_path, plan):
    units = tmp_path / "units.xlsx"
    from xltools.core.model import Master

    write_master(
        Master(
            units=[
                Unit("甲区人民政府", groups=("各区人民政府",)),
                Unit("乙区人民政府", groups=("各区人民政府",)),
            ]
        ),
        units,
    )
    plan.write_text(
        PLAN.replace("牵头单位:市文旅局;责任单位:", "责任单位:市文旅局、"), encoding="utf-8"
    )
    out = tmp_path / "master.xlsx"
    result = run("import", plan, "-o", out, "--units", units, "--lead", "first")
    assert result.exit_code == 0, result.output
    assert "5 units, 1 groups, 1 targets, 1 warnings" in result.stdout
    master = read_master(out)
    assert master.tasks[1].lead == ("市文旅局",)
    assert master.members("各区人民政府") == ["甲区人民政府", "乙区人民政府"]


def test_import_of_a_units_file_without_the_sheet_is_an_error(tmp_path, plan):
    from .test_units import write_book

    units = write_book(tmp_path / "units.xlsx", {"Sheet1": [["单位名称"]]})
    result = run("import", plan, "-o", tmp_path / "m.xlsx", "--units", units)
    assert result.exit_code == 2
    assert result.stderr == "Error: units.xlsx: no sheet named 单位名录 (sheets: Sheet1)\n"
    assert not (tmp_path / "m.xlsx").exists()


def test_import_usage_errors(tmp_path):
    assert run("import", tmp_path / "none.txt").exit_code == 2
    assert run("import").exit_code == 2


def test_init_makes_a_workspace_and_check_uses_it(tmp_path, plan, monkeypatch):
    ws_dir = tmp_path / "ws"
    result = run("init", ws_dir, "--plan", plan)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Imported 3 tasks, 3 units, 1 groups, 1 targets, 2 warnings"
    assert lines[1].startswith(
        "Workspace 2024年某市《政府工作报告》目标任务责任分解方案 (2024) ready in "
    )
    assert lines[1].endswith("rounds: plan, 2024Q1, 2024Q2, 2024Q3, 2024Q4")
    assert load(ws_dir).year == 2024

    result = run("check", "-w", ws_dir)
    assert result.exit_code == 1  # 各区人民政府 has no members yet, task 3 no owner
    assert result.stdout.splitlines() == [
        "错误\t任务清单!H2\tundefined-group\t任务清单第2行的分组“各区人民政府”在单位名录中没有成员："
        "请在单位名录中为其每个成员单位填写一行，并在“所属分组”中填写“各区人民政府”。",
        "错误\t任务清单!G4\tno-owner\t任务清单第4行没有牵头单位和责任单位：请至少填写一个责任单位。",
        "master.xlsx: 2 errors, 0 warnings",
    ]
    monkeypatch.chdir(ws_dir / "outbox")
    assert run("check").exit_code == 1  # found from a subfolder

    again = run("init", ws_dir, "--plan", plan)
    assert again.exit_code == 2
    assert "already holds a workspace" in again.stderr


def test_check_of_a_sound_master_and_of_a_broken_one(tmp_path):
    master, _ = import_plan(SAMPLE / "plan.txt", SAMPLE / "units.xlsx")
    path = write_master(master, tmp_path / "m.xlsx")
    result = run("check", path)
    assert (result.exit_code, result.stdout) == (0, "m.xlsx: no problems\n")

    master.tasks[3] = replace(master.tasks[3], id=master.tasks[2].id)
    master.units.append(Unit("市经济和信息化局"))
    write_master(master, path)
    result = run("check", path)
    assert result.exit_code == 1
    assert [line.split("\t")[:3] for line in result.stdout.splitlines()[:-1]] == [
        ["错误", "任务清单!A5", "duplicate-id"],
        ["错误", "单位名录!A63", "duplicate-unit"],
    ]
    assert result.stdout.splitlines()[-1] == "m.xlsx: 2 errors, 0 warnings"


def test_check_outside_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no xltools.yaml in ")


def test_check_names_a_missing_sheet(tmp_path):
    from .test_units import write_book

    path = write_book(tmp_path / "m.xlsx", {"任务清单": [["编号"]]})
    result = run("check", path)
    assert result.exit_code == 2
    assert result.stderr == "Error: m.xlsx: no sheet named 单位名录 (sheets: 任务清单)\n"


def comparable(master):
    return (
        [replace(t, line=0) for t in master.tasks],
        master.units,
        [replace(t, value=round(t.value, 6)) for t in master.targets],
    )


def test_the_sample_master_is_what_import_makes(tmp_path):
    """samples/wuhan-2023/master.xlsx = xltools import plan.txt --units units.xlsx (compared by
    meaning, and its sheets' headers as the master is written now). When the importer or the
    master's columns change on purpose, regenerate the sample with that command."""
    from xltools.core.excel import read_sheets

    made, report = import_plan(SAMPLE / "plan.txt", SAMPLE / "units.xlsx")
    assert report.problems == []
    assert comparable(read_master(SAMPLE / "master.xlsx")) == comparable(made)
    fresh = read_sheets(write_master(made, tmp_path / "master.xlsx"))
    sample = read_sheets(SAMPLE / "master.xlsx")
    assert {name: rows[0] for name, rows in sample.items()} == {
        name: rows[0] for name, rows in fresh.items()
    }


def test_the_sample_master_holds_the_document():
    master = read_master(SAMPLE / "master.xlsx")
    ids = [t.id for t in master.tasks]
    assert len(ids) == len(set(ids)) == 122
    assert ids[:5] == ["1-1", "1-2", "1-3", "1-4", "1-5"]
    assert {"2-49-1", "2-49-2", "2-75-1", "2-75-2", "2-115"} <= set(ids)
    assert len(master.members("各区人民政府")) == 17
    assert len(master.members("各中心城区人民政府")) == 7
    assert master.unit("市建设国际消费中心城市工作领导小组办公室").host == "市商务局"
    assert master.unit("市发展改革委").name == "市发改委"
    by_phrase = {t.phrase: t for t in master.targets}
    parking = by_phrase["新增停车泊位12万个"]
    assert (parking.task_id, parking.value, parking.unit, parking.kind) == (
        "2-96",
        120000,
        "个",
        "累计",
    )


def test_init_on_the_sample_gives_a_ready_workspace(tmp_path):
    result = run(
        "init", tmp_path / "wuhan", "--plan", SAMPLE / "plan.txt", "--units", SAMPLE / "units.xlsx"
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    ws = load(tmp_path / "wuhan")
    assert ws.year == 2023
    assert str(ws.round("plan").due) == "2023-02-10"
    assert run("check", "-w", tmp_path / "wuhan").exit_code == 0


def owners(master):
    return [(t.id, t.lead, t.responsible) for t in master.tasks]


def test_a_full_width_copy_and_a_docx_of_the_sample_give_the_same_master(tmp_path):
    import docx

    text = (SAMPLE / "plan.txt").read_text(encoding="utf-8")
    expected, _ = import_plan(SAMPLE / "plan.txt", SAMPLE / "units.xlsx")

    wide = tmp_path / "wide.txt"
    table = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})
    wide.write_text(text.translate(table), encoding="gb18030")
    made, _ = import_plan(wide, SAMPLE / "units.xlsx")
    assert owners(made) == owners(expected)
    assert [(t.task_id, t.value, t.unit, t.kind, t.comparison) for t in made.targets] == [
        (t.task_id, t.value, t.unit, t.kind, t.comparison) for t in expected.targets
    ]

    document = docx.Document()
    for line in text.splitlines():
        paragraph = document.add_paragraph()
        half = len(line) // 2  # Word splits a paragraph into several runs
        paragraph.add_run(line[:half])
        paragraph.add_run(line[half:])
    path = tmp_path / "plan.docx"
    document.save(str(path))
    result = run("import", path, "-o", tmp_path / "m.xlsx", "--units", SAMPLE / "units.xlsx")
    assert result.exit_code == 0, result.output
    assert comparable(read_master(tmp_path / "m.xlsx")) == comparable(expected)


def test_import_and_init_read_a_task_table_with_sheet_and_columns(tmp_path):
    from .test_tables import write_xlsx

    rows = [
        ["2024年某市重点任务分解表"],
        ["序号", "主要目标", "牵头单位", "责任单位", "时限要求", "责任领导"],
        ["一、重点工作"],
        [1, "新增停车泊位12万个。", "市城建局", "市发改委\n市财政局", "6月底前", "张"],
        [2, "没有单位的任务。", "", "", "", ""],
    ]
    table = write_xlsx(tmp_path / "任务分解表.xlsx", {"说明": [["见任务表"]], "任务表": rows})
    out = tmp_path / "master.xlsx"
    result = run(
        "import",
        table,
        "-o",
        out,
        "--columns",
        "主要目标=任务内容",
        "--columns",
        "时限要求=完成时限",
    )
    assert result.exit_code == 0, result.output
    assert (
        result.stdout == f"Imported 2 tasks, 3 units, 0 groups, 1 targets, 2 warnings into {out}\n"
    )
    assert result.stderr.splitlines()[0].startswith(
        "Warning: 任务分解表.xlsx:2: 工作簿有2个工作表，任务从工作表“任务表”读取"
    )
    assert "工作表“任务表”第5行任务“2”没有写明" in result.stderr
    master = read_master(out)
    assert [(t.id, t.responsible, t.extra) for t in master.tasks] == [
        ("1-1", ("市发改委", "市财政局"), {"完成时限": "6月底前", "责任领导": "张"}),
        ("1-2", (), {"完成时限": "", "责任领导": ""}),
    ]

    result = run(
        "init",
        tmp_path / "ws",
        "--plan",
        table,
        "--sheet",
        "任务表",
        "--columns",
        "主要目标=任务内容",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Imported 2 tasks, 3 units, 0 groups, 1 targets, 1 warnings\n")
    assert load(tmp_path / "ws").title == "2024年某市重点任务分解表"
    assert read_master(tmp_path / "ws" / "master.xlsx").tasks[0].extra == {
        "完成时限": "6月底前",  # 时限要求 is read as 完成时限 without --columns too
        "责任领导": "张",
    }

    assert run("import", table, "--columns", "主要目标").exit_code == 2  # not 表头=字段
    result = run("import", table, "-o", tmp_path / "x.xlsx")  # 主要目标 is no task column
    assert result.exit_code == 2
    assert "no task with owners" in result.stderr and "--columns 表头=字段" in result.stderr
