import datetime
from dataclasses import replace
from pathlib import Path

import pytest

from xltools.core.errors import PlanError
from xltools.master.workbook import import_plan, read_master, write_master
from xltools.plan.headers import find_header
from xltools.plan.parse import read_plan
from xltools.plan.tables import read_plan_file

from .conftest import SAMPLE

HEADER = ["序号", "重点任务", "牵头单位", "责任单位", "完成时限", "责任领导", "备注"]


def write_xlsx(path: Path, sheets: dict[str, list[list]], merged: dict[str, list] = ()) -> Path:
    """A workbook; ``merged[sheet]`` lists (row, first col, last col) whose row is merged across."""
    import xlsxwriter

    with xlsxwriter.Workbook(str(path)) as wb:
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            spans = {r: (a, b) for r, a, b in (merged or {}).get(name, ())}
            for r, row in enumerate(rows):
                if r in spans:
                    ws.merge_range(r, spans[r][0], r, spans[r][1], row[0])
                    continue
                for c, value in enumerate(row):
                    if isinstance(value, datetime.date):
                        ws.write_datetime(r, c, value, wb.add_format({"num_format": "yyyy-mm-dd"}))
                    elif value is not None:
                        ws.write(r, c, value)
    return path


def write_word(path: Path, paragraphs: list[str], rows: list[list], merged=(), down=()) -> Path:
    """A Word table: rows listed in ``merged`` are merged across, (row, col, rows) in ``down`` are
    merged down over that many rows (the text stays in the first)."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, (row, cells) in enumerate(zip(rows, table.rows, strict=True)):
        cells = cells.cells  # once per row: table.cell(r, c) walks the whole table each time
        if r in merged:
            cells[0].merge(cells[-1]).text = row[0]
            continue
        for cell, value in zip(cells, row, strict=False):
            cell.text = str(value)
    for r, c, n in down:
        for below in range(r + 1, r + n):
            table.cell(below, c).text = ""  # Word keeps a merged cell's text once
        table.cell(r, c).merge(table.cell(r + n - 1, c))
    document.save(str(path))
    return path


def rows_of(plan):
    return [
        (t.id, t.section, t.direction, t.label, t.text, t.lead, t.responsible) for t in plan.tasks
    ]


TABLE = [
    ["某市2024年重点工作任务分解表"],
    ["(按责任单位排列)"],
    HEADER,
    ["一、扩大内需"],
    ["(一)提振消费"],
    [
        1.0,
        "新增停车泊位\n12万个。",
        "市发改委",
        "市商务局\n江岸区人民政府",
        "6月底前",
        "张副市长",
        "",
    ],
    [
        2.0,
        "建设公园10个。",
        "",
        "市园林局、市财政局 市城建局",
        datetime.date(2024, 12, 31),
        "",
        "x",
    ],
    ["二", "优化环境", None, None, None, None, None],
    [1.0, "改造管网400公里。", "市水务局", "各区人民政府", "年底前", "李副市长", ""],
    [2.0, "没有单位的任务。", "", "", "", "", ""],
]


def test_an_excel_task_table_by_header(tmp_path):
    path = write_xlsx(
        tmp_path / "plan.xlsx", {"任务表": TABLE}, {"任务表": [(0, 0, 6), (3, 0, 6), (4, 0, 6)]}
    )
    plan = read_plan_file(path)
    assert plan.title == "某市2024年重点工作任务分解表"
    assert rows_of(plan) == [
        (
            "1-1",
            "一、扩大内需",
            "(一)提振消费",
            "1",
            "新增停车泊位12万个。",
            ("市发改委",),
            ("市商务局", "江岸区人民政府"),
        ),
        (
            "1-2",
            "一、扩大内需",
            "(一)提振消费",
            "2",
            "建设公园10个。",
            (),
            ("市园林局", "市财政局", "市城建局"),
        ),
        ("2-1", "二、优化环境", "", "1", "改造管网400公里。", ("市水务局",), ("各区人民政府",)),
        ("2-2", "二、优化环境", "", "2", "没有单位的任务。", (), ()),
    ]
    assert [t.extra for t in plan.tasks][:3] == [
        {"完成时限": "6月底前", "责任领导": "张副市长"},
        {"完成时限": "2024-12-31", "责任领导": ""},  # a date cell, read as its date
        {"完成时限": "年底前", "责任领导": "李副市长"},
    ]
    assert plan.tasks[1].note == "x"
    assert [(p.code, p.line) for p in plan.problems] == [("task-without-owners", 10)]
    assert plan.problems[0].message.startswith("第10行任务“2”")


def test_synonyms_and_a_second_sheet(tmp_path):
    rows = [
        [
            "编号",
            "序号",
            "重点工作任务",
            "牵头部门",
            "配合单位",
            "完成时间",
            "分管市领导",
            "备注",
            "督办科室",
        ],
        ["A-1", "1", "甲任务。", "市发改委", "市财政局", "第三季度", "王", "", "一科"],
        ["A-2", "2", "乙任务。", "市商务局", "", "长期", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "plan.xlsx", {"封面": [["2024年任务"]], "清单": rows})
    plan = read_plan_file(path)
    assert [(t.id, t.label, t.lead, t.responsible) for t in plan.tasks] == [
        ("A-1", "1", ("市发改委",), ("市财政局",)),
        ("A-2", "2", ("市商务局",), ()),
    ]
    assert plan.tasks[0].extra == {"完成时限": "第三季度", "责任领导": "王", "督办科室": "一科"}
    assert [p.code for p in plan.problems] == ["sheet-chosen"]
    assert "清单" in plan.problems[0].message and "--sheet" in plan.problems[0].message


def test_sheet_option_and_columns_option(tmp_path):
    rows = [
        ["序号", "主要目标", "主办", "时限要求"],
        [1, "甲任务。", "市发改委", "6月底前"],
    ]
    path = write_xlsx(tmp_path / "plan.xlsx", {"一": TABLE, "二": rows})
    plan = read_plan_file(
        path,
        columns={
            "主要目标": "重点任务",
            "主办": "牵头单位",
            "时限要求": "完成时限",
        },  # a synonym too
        sheet="二",
    )
    assert [(t.id, t.text, t.lead, t.extra) for t in plan.tasks] == [
        ("1", "甲任务。", ("市发改委",), {"完成时限": "6月底前"})
    ]
    assert plan.problems == []
    with pytest.raises(PlanError, match="no sheet named 三"):
        read_plan_file(path, sheet="三")


def test_a_single_owners_column_with_lead_marks(tmp_path):
    rows = [
        ["序号", "工作任务", "责任单位"],
        ["1", "甲。", "市发改委(牵头)、市财政局"],
        ["2", "乙。", "市商务局牵头\n市经信局"],
        ["3", "丙。", "市城建局牵头,市水务局、市园林局配合"],
        ["4", "丁。", "市教育局（牵头），相关县（市、区）政府"],
    ]
    plan = read_plan_file(write_xlsx(tmp_path / "p.xlsx", {"S": rows}))
    assert [(t.lead, t.responsible) for t in plan.tasks] == [
        (("市发改委",), ("市财政局",)),
        (("市商务局",), ("市经信局",)),
        (("市城建局",), ("市水务局", "市园林局")),
        (("市教育局",), ("相关县(市、区)政府",)),
    ]


def test_heading_rows_with_only_their_first_cells_and_parts_merged_down(tmp_path):
    rows = [
        ["序号", "任务内容", "牵头单位", "责任单位", "完成时限"],
        ["一", "稳增长", "", "", ""],
        ["(一)", "扩大投资", "", "", ""],
        ["1", "甲任务。", "市发改委", "", "6月底前"],
        ["2", "乙任务(其中:A部分;B部分)。", "市经信局", "市财政局", "年底前"],
        [None, None, "市商务局", "", "第三季度"],  # 序号 and 任务内容 merged down
        ["3", "丙任务。", "市园林局", "", ""],
    ]
    path = write_xlsx(tmp_path / "p.xlsx", {"S": rows})
    plan = read_plan_file(path)
    assert [
        (t.id, t.section, t.direction, t.label, t.lead, t.extra["完成时限"]) for t in plan.tasks
    ] == [
        ("1-1", "一、稳增长", "(一)扩大投资", "1", ("市发改委",), "6月底前"),
        ("1-2-1", "一、稳增长", "(一)扩大投资", "2", ("市经信局",), "年底前"),
        ("1-2-2", "一、稳增长", "(一)扩大投资", "2", ("市商务局",), "第三季度"),
        ("1-3", "一、稳增长", "(一)扩大投资", "3", ("市园林局",), ""),
    ]
    assert plan.tasks[2].text == "乙任务(其中:A部分;B部分)。"


def test_csv_in_utf8_with_bom_and_gb18030(tmp_path):
    text = '重点任务分解表\n序号,任务内容,牵头单位,责任单位,完成时限\n1,甲任务。,市发改委,"市财政局、市商务局",6月底前\n'
    for encoding in ("utf-8-sig", "utf-8", "gb18030"):
        path = tmp_path / f"plan-{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        plan = read_plan_file(path)
        assert [(t.id, t.lead, t.responsible, t.extra) for t in plan.tasks] == [
            ("1", ("市发改委",), ("市财政局", "市商务局"), {"完成时限": "6月底前"})
        ], encoding
        assert plan.title == "重点任务分解表"
    (tmp_path / "tab.csv").write_text(text.replace(",", "\t"), encoding="utf-8")
    assert len(read_plan_file(tmp_path / "tab.csv").tasks) == 1


def test_a_word_table_with_merged_headings_line_breaks_and_parts(tmp_path):
    rows = [
        HEADER,
        ["一、扩大内需"],
        ["(一)提振消费"],
        [
            "1",
            "新增停车泊位\n12万个。",
            "市发改委",
            "市商务局\n江岸区人民政府",
            "6月底前",
            "张副市长",
            "",
        ],
        ["2", "乙任务。", "市经信局", "", "年底前", "", ""],
        ["2", "乙任务。", "市商务局", "", "第三季度", "", ""],
        ["二、优化环境"],
        ["1", "改造管网400公里。", "", "各区人民政府", "持续推进", "", ""],
    ]
    path = write_word(
        tmp_path / "plan.docx",
        [
            "关于印发《某市2024年重点工作任务分解方案》的通知",
            "请于2024年2月10日前报送办理方案。",
            "某市2024年重点工作任务分解方案",
        ],
        rows,
        merged=(1, 2, 6),
        down=((4, 0, 2), (4, 1, 2)),
    )
    plan = read_plan_file(path)
    assert plan.title == "某市2024年重点工作任务分解方案"
    assert plan.due == datetime.date(2024, 2, 10)
    assert rows_of(plan) == [
        (
            "1-1",
            "一、扩大内需",
            "(一)提振消费",
            "1",
            "新增停车泊位12万个。",
            ("市发改委",),
            ("市商务局", "江岸区人民政府"),
        ),
        ("1-2-1", "一、扩大内需", "(一)提振消费", "2", "乙任务。", ("市经信局",), ()),
        ("1-2-2", "一、扩大内需", "(一)提振消费", "2", "乙任务。", ("市商务局",), ()),
        ("2-1", "二、优化环境", "", "1", "改造管网400公里。", (), ("各区人民政府",)),
    ]
    assert [t.extra["完成时限"] for t in plan.tasks] == [
        "6月底前",
        "年底前",
        "第三季度",
        "持续推进",
    ]


def test_a_plan_without_tasks_says_what_is_read(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {"S": [["名称", "说明"], ["甲", "乙"]]})
    with pytest.raises(PlanError) as caught:
        read_plan_file(path)
    message = str(caught.value)
    for word in ("任务内容", "牵头单位", "责任单位", "--columns", ".csv", "1.任务内容。(牵头单位:"):
        assert word in message
    (tmp_path / "p.txt").write_text("没有任务的文字。\n", encoding="utf-8")
    with pytest.raises(PlanError, match="--columns"):
        read_plan_file(tmp_path / "p.txt")


def test_header_found_below_titles_and_split_over_two_rows():
    grid = [
        ["标题"],
        ["序号", "任务内容", "责任单位", None, "完成时限"],
        [None, None, "牵头单位", "配合单位", None],
        ["1", "甲。", "市发改委", "市财政局", "年底前"],
    ]
    layout = find_header(grid)
    assert layout.row == 2
    assert layout.fields == {"序号": 0, "任务内容": 1, "牵头单位": 2, "责任单位": 3}
    assert layout.extras == {"完成时限": 4}


def test_a_master_workbook_is_read_as_one(tmp_path):
    master = read_master(SAMPLE / "master.xlsx")
    tasks = [replace(t, extra={"完成时限": "年底前"}) for t in master.tasks]
    path = write_master(replace(master, tasks=tasks), tmp_path / "old.xlsx")
    again, report = import_plan(path)
    assert [replace(t, line=0) for t in again.tasks] == [replace(t, line=0) for t in tasks]
    assert again.units == master.units and again.targets == master.targets
    assert report.problems == []


DEADLINES = ["6月底前", "年底前", "第三季度", "2023年12月31日", "持续推进"]


def wuhan_rows() -> list[tuple[str, object]]:
    """The Wuhan master as a plan table: heading rows where 板块/方向/类别 change, one row per task
    (parts of a task repeat its 序号), a made-up 完成时限."""
    master = read_master(SAMPLE / "master.xlsx")
    out: list[tuple[str, object]] = []
    heads = ("", "", "")
    for i, t in enumerate(master.tasks):
        new = (t.section, t.direction, t.category)
        changed = next((k for k in range(3) if new[k] != heads[k]), None)
        if changed is not None:
            out.extend(("heading", h) for h in new[changed:] if h)
        heads = new
        cells = [
            t.label,
            t.text,
            "、".join(t.lead),
            "\n".join(t.responsible),
            DEADLINES[i % 5],
            t.note,
        ]
        out.append(("task", cells))
    return out


@pytest.fixture(scope="module")
def wuhan_text_plan():
    return read_plan(SAMPLE / "plan.txt")


def same_rows(plan, seed):
    assert len(plan.tasks) == 122 == len(seed.tasks)
    assert [replace(t, line=0, extra={}) for t in plan.tasks] == [
        replace(t, line=0) for t in seed.tasks
    ]
    assert [t.extra["完成时限"] for t in plan.tasks] == [DEADLINES[i % 5] for i in range(122)]
    assert [u.name for u in plan.units] == [u.name for u in seed.units]


def test_the_wuhan_plan_as_an_excel_list(tmp_path, wuhan_text_plan):
    rows, merged = (
        [
            ["武汉市2023年政府工作报告目标任务责任分解表"],
            ["序号", "重点任务", "牵头单位", "责任单位", "完成时限", "备注"],
        ],
        [(0, 0, 5)],
    )
    for kind, value in wuhan_rows():
        if kind == "heading":
            merged.append((len(rows), 0, 5))
            rows.append([value])
        else:
            rows.append([int(value[0]) if value[0].isdigit() else value[0], *value[1:]])
    path = write_xlsx(tmp_path / "wuhan.xlsx", {"任务表": rows}, {"任务表": merged})
    plan = read_plan_file(path)
    same_rows(plan, wuhan_text_plan)
    assert plan.problems == []


def test_the_wuhan_plan_as_a_word_table(tmp_path, wuhan_text_plan):
    rows, merged = [["序号", "重点任务", "牵头单位", "责任单位", "完成时限", "备注"]], []
    for kind, value in wuhan_rows():
        if kind == "heading":
            merged.append(len(rows))
            rows.append([value])
        else:
            rows.append(value)
    path = write_word(
        tmp_path / "wuhan.docx",
        ["武汉市2023年政府工作报告目标任务责任分解方案"],
        rows,
        merged=set(merged),
    )
    plan = read_plan_file(path)
    same_rows(plan, wuhan_text_plan)
    assert plan.title == "武汉市2023年政府工作报告目标任务责任分解方案"


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_ods_and_xls_saved_by_libreoffice(tmp_path, fmt):
    from xltools.core.office import convert

    source = write_xlsx(
        tmp_path / "plan.xlsx", {"任务表": TABLE}, {"任务表": [(0, 0, 6), (3, 0, 6), (4, 0, 6)]}
    )
    plan = read_plan_file(convert(source, fmt, tmp_path / fmt))
    xlsx = read_plan_file(source)
    assert rows_of(plan) == rows_of(xlsx)
    assert [t.extra for t in plan.tasks] == [t.extra for t in xlsx.tasks]


def test_cells_merged_down_give_their_value_to_each_row(tmp_path):
    import xlsxwriter

    path = tmp_path / "merged.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet("S")
        ws.write_row(0, 0, ["序号", "任务内容", "牵头单位", "责任单位", "完成时限"])
        ws.write_row(1, 0, [1, "甲任务。", None, "市财政局"])
        ws.write_row(2, 0, [2, "乙任务。", None, "市商务局"])
        ws.merge_range(1, 2, 2, 2, "市发改委")  # one lead for both tasks
        ws.merge_range(1, 4, 2, 4, "年底前")
        ws.write_row(3, 0, [3, "丙任务(其中:A;B)。", "市经信局", "", "6月底前"])
        ws.write_row(4, 2, ["市水务局", "", "第三季度"])
        ws.merge_range(3, 0, 4, 0, 3)  # 序号 and 任务内容 merged over the task's two parts
        ws.merge_range(3, 1, 4, 1, "丙任务(其中:A;B)。")
    plan = read_plan_file(path)
    assert [(t.id, t.text, t.lead, t.responsible, t.extra["完成时限"]) for t in plan.tasks] == [
        ("1", "甲任务。", ("市发改委",), ("市财政局",), "年底前"),
        ("2", "乙任务。", ("市发改委",), ("市商务局",), "年底前"),
        ("3-1", "丙任务(其中:A;B)。", ("市经信局",), (), "6月底前"),
        ("3-2", "丙任务(其中:A;B)。", ("市水务局",), (), "第三季度"),
    ]
    assert plan.problems == []
