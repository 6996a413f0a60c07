import datetime
from pathlib import Path

import pytest

from tests.conftest import SAMPLE
from xltools.core.errors import PlanError
from xltools.plan.documents import chinese
from xltools.plan.parse import number, parse_plan, read_plan

SEED = SAMPLE / "plan.txt"

DISTRICTS = "各区人民政府"

# Owners read by hand from the document: (lead, responsible).
SEED_OWNERS = {
    "1-1": ((("市发改委",), (DISTRICTS,))),
    "1-3": ((), ("市发改委",)),
    "1-5": (("市发改委",), ("市生态环境局", "市水务局")),
    "2-1": (("市建设国际消费中心城市工作领导小组办公室",), ("市发改委", DISTRICTS)),
    "2-7": (
        ("市经信局",),
        (
            "市发改委",
            "市商务局",
            "市文旅局",
            "市政府国资委",
            "市市场监管局",
            "市地方金融局",
            "江汉区人民政府",
            "硚口区人民政府",
            "黄陂区人民政府",
            "新洲区人民政府",
        ),
    ),
    "2-22": ((), ("市经信局",)),
    "2-35": (
        ("市发改委",),
        ("东湖高新区管委会", "武汉经开区管委会", "临空港开发区管委会", "新洲区人民政府"),
    ),
    "2-49-1": (("市经信局",), ("市科技局", "市财政局", "市地方金融局", DISTRICTS)),
    "2-49-2": (("市发改委",), ("市科技局", "市财政局", "市地方金融局", DISTRICTS)),
    "2-59": (("市地方金融局",), ("市发改委", "人行武汉分行营管部", "东湖高新区管委会")),
    "2-65": (("市发改委",), ("市经信局", "市商务局", "各中心城区人民政府")),
    "2-70": (
        ("市发改委",),
        (
            "市委农办",
            "市自然资源规划局",
            "蔡甸区人民政府",
            "江夏区人民政府",
            "黄陂区人民政府",
            "新洲区人民政府",
        ),
    ),
    "2-73": (
        ("市科技局",),
        (
            "市人才工作局",
            "市经信局",
            "东湖高新区管委会",
            "武昌区人民政府",
            "洪山区人民政府",
            "江夏区人民政府",
        ),
    ),
    "2-75-1": ((), ("市乡村振兴局",)),
    "2-75-2": ((), ("市水务局",)),
    "2-88": (("市城建局",), (DISTRICTS, "市城投公司", "武汉城建集团")),
    "2-96": (
        ("市停车场及新能源汽车配套设施建设工作领导小组",),
        ("市公安局", "市自然资源规划局", "市城管执法委", DISTRICTS, "市城投公司", "武汉城建集团"),
    ),
    "2-101": (
        ("市城管执法委",),
        ("青山区人民政府", "蔡甸区人民政府", "江夏区人民政府", "东西湖区人民政府"),
    ),
    "2-104": (
        ("市水务局",),
        (
            "市发改委",
            "市财政局",
            "市自然资源规划局",
            "江汉区人民政府",
            "硚口区人民政府",
            "武昌区人民政府",
            "武汉城发集团",
            "武汉城建集团",
        ),
    ),
    "2-115": (("市城管执法委",), (DISTRICTS,)),
}


@pytest.fixture(scope="module")
def seed():
    return read_plan(SEED)


def by_id(plan):
    return {t.id: t for t in plan.tasks}


def owners(plan):
    return [(t.id, t.lead, t.responsible) for t in plan.tasks]


def test_seed_has_all_tasks_with_unique_ids(seed):
    ids = [t.id for t in seed.tasks]
    assert len(ids) == 122 == len(set(ids))
    assert ids[:6] == ["1-1", "1-2", "1-3", "1-4", "1-5", "2-1"]
    assert ids[-1] == "2-115"
    # 120 tasks of the document: 5 main targets and 115 key tasks, two of them split in two parts
    assert len({(t.section, t.label) for t in seed.tasks}) == 120
    assert [t.id for t in seed.tasks if t.label == "49"] == ["2-49-1", "2-49-2"]
    assert all(t.lead or t.responsible for t in seed.tasks)
    assert seed.problems == []


@pytest.mark.parametrize("task_id", sorted(SEED_OWNERS))
def test_seed_owners_checked_by_hand(seed, task_id):
    task = by_id(seed)[task_id]
    assert (task.lead, task.responsible) == SEED_OWNERS[task_id]


def test_seed_headings_labels_and_texts(seed):
    tasks = by_id(seed)
    first = tasks["1-1"]
    assert (first.section, first.direction, first.category) == (
        "一、经济社会发展主要预期目标",
        "",
        "",
    )
    assert (first.label, first.text, first.line) == ("(一)", "地区生产总值增长6.5%以上。", 20)
    task = tasks["2-1"]
    assert task.section == "二、重点工作"
    assert task.direction == "(一)着力扩大内需,持续增强稳增长内生动力"
    assert task.category == "——千方百计提振促进消费"
    assert task.label == "1"
    assert task.text.startswith("把恢复和扩大消费摆在优先位置") and task.text.endswith(
        "消费中心城市。"
    )
    assert tasks["2-115"].direction == "(五)着力提升功能品质,精心打造宜居韧性智慧城市"
    assert tasks["2-115"].category == "——深化城市管理创新"


def test_seed_split_parts(seed):
    tasks = by_id(seed)
    part = tasks["2-49-1"]
    assert part.label == "49"
    assert part.text.endswith("良性循环。（其中：创新“两个一百平方公里”工业园区运营机制）")
    assert "第1项" in part.note and "工业园区运营机制" in part.note
    assert tasks["2-49-2"].text.endswith("（其中：创新服务业集聚区园区运营机制）")
    assert (
        tasks["2-75-2"].text
        == "扎实开展省内协作和对口帮扶。（其中：对口支援三峡库区秭归、兴山、五峰县）"
    )
    assert "第2项" in tasks["2-75-2"].note
    assert tasks["2-76"].note == ""


def test_seed_title_due_groups_units(seed):
    assert seed.title == "2023年市《政府工作报告》目标任务责任分解方案"
    assert seed.due == datetime.date(2023, 2, 10)
    assert seed.groups == {
        "各区人民政府": "含开发区、长江新区、风景区管委会",
        "各中心城区人民政府": "",
    }
    units = {u.name: u for u in seed.units}
    assert units["市建设国际消费中心城市工作领导小组办公室"].host == "市商务局"
    assert units["市发改委"].host == ""
    assert not any(name.startswith("各") for name in units)
    assert [u.name for u in seed.units[:3]] == ["市发改委", "市人社局", "市民政局"]
    assert len(units) == len(seed.units) == 60
    for name in (
        "人行武汉分行营管部",
        "武汉地铁集团",
        "市城投公司",
        "东西湖区人民政府",
        "长江新区管委会",
    ):
        assert name in units
    # debris around the document is not a unit
    assert not any("蔡甸区融媒体" in name or name == "武汉市人民政府" for name in units)


FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ";": "；", ",": "，"})


def test_seed_with_full_width_punctuation_and_spaces(seed, tmp_path):
    text = SEED.read_text(encoding="utf-8").translate(FULL_WIDTH).replace("：", "： ")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    plan = read_plan(path)
    assert plan.tasks == seed.tasks
    assert plan.groups == seed.groups and plan.units == seed.units


def write_docx(path: Path, paragraphs: list[str], tables: list[list[list[str]]] = ()) -> Path:
    """A Word file whose paragraphs are split into several runs, as Word writes them."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        paragraph = document.add_paragraph()
        for start in range(0, len(text), 7):
            paragraph.add_run(text[start : start + 7])
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    document.save(path)
    return path


def test_seed_from_docx(seed, tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    plan = read_plan(write_docx(tmp_path / "plan.docx", lines))
    assert plan.tasks == seed.tasks
    assert (plan.title, plan.due, plan.groups, plan.units) == (
        seed.title,
        seed.due,
        seed.groups,
        seed.units,
    )


SMALL = """\
某市2024年重点工作任务分解方案
一、重点工作
1.建设公园10个。(牵头单位:市园林局;责任单位:各区人民政府)
2.新建道路5条。(责任单位:市城建局)
"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "plan.txt"
    path.write_bytes(SMALL.encode(encoding))
    plan = read_plan(path)
    assert plan.title == "某市2024年重点工作任务分解方案"
    assert owners(plan) == [
        ("1-1", ("市园林局",), ("各区人民政府",)),
        ("1-2", (), ("市城建局",)),
    ]


def test_errors_name_the_file(tmp_path):
    bad = tmp_path / "plan.pdf"
    bad.write_bytes(b"%PDF")
    with pytest.raises(PlanError, match="plan.pdf"):
        read_plan(bad)
    with pytest.raises(PlanError, match="missing.txt"):
        read_plan(tmp_path / "missing.txt")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(PlanError, match="broken.docx"):
        read_plan(broken)
    garbled = tmp_path / "garbled.txt"
    garbled.write_bytes(b"\x81\xff\xff\xff")
    with pytest.raises(PlanError, match="garbled.txt: the text is neither UTF-8 nor GB18030"):
        read_plan(garbled)
    empty = tmp_path / "notice.txt"
    empty.write_text("关于印发方案的通知\n一、高度重视。\n二、加强督办。\n", encoding="utf-8")
    with pytest.raises(PlanError, match="notice.txt: no task"):
        read_plan(empty)
    with pytest.raises(PlanError, match="the plan: no task"):
        parse_plan("")


def test_a_task_is_told_from_a_heading_by_its_annotation():
    plan = parse_plan(
        "一、主要目标\n"
        "(一)增长6%。(牵头单位:市发改委)\n"
        "(二)就业10万人。(牵头单位:市人社局)\n"
        "二、重点工作\n"
        "(一)扩大内需\n"
        "——促进消费\n"
        "1.办展会。(牵头单位:市商务局)\n"
        "(二)发展产业\n"
        "2.建园区。(牵头单位:市经信局)\n"
    )
    rows = [(t.id, t.label, t.section, t.direction, t.category) for t in plan.tasks]
    assert rows == [
        ("1-1", "(一)", "一、主要目标", "", ""),
        ("1-2", "(二)", "一、主要目标", "", ""),
        ("2-1", "1", "二、重点工作", "(一)扩大内需", "——促进消费"),
        ("2-2", "2", "二、重点工作", "(二)发展产业", ""),
    ]
    assert plan.problems == []


@pytest.mark.parametrize(
    "label, expected",
    [("1.", "1"), ("1、", "1"), ("(1)", "(1)"), ("（1）", "(1)"), ("（一）", "(一)"), ("①", "①")],
)
def test_task_labels(label, expected):
    second = {
        "1.": "2.",
        "1、": "2、",
        "(1)": "(2)",
        "（1）": "（2）",
        "（一）": "（二）",
        "①": "②",
    }
    plan = parse_plan(
        f"一、工作\n{label}甲任务。(牵头单位:市发改委)\n{second[label]}乙任务。(牵头单位:市财政局)\n"
    )
    assert [(t.id, t.label, t.text) for t in plan.tasks] == [
        ("1-1", expected, "甲任务。"),
        ("1-2", expected.replace("1", "2").replace("一", "二").replace("①", "②"), "乙任务。"),
    ]


def test_annotation_brackets_and_trailing_stop():
    plan = parse_plan(
        "一、工作\n1.甲。(牵头单位:市甲局)。\n2.乙。【责任单位:市乙局】\n"
        "3.丙,新增1个。（牵头单位：市丙局）  \n"
    )
    assert [(t.text, t.leads) for t in plan.tasks] == [
        ("甲。", ("市甲局",)),
        ("乙。", ("市乙局",)),
        ("丙,新增1个。", ("市丙局",)),
    ]


def test_a_number_starting_a_line_is_not_a_label():
    plan = parse_plan(
        "一、工作\n1.甲。(牵头单位:市甲局)\n1.3万家企业上云。(牵头单位:市乙局)\n"
        "2.乙。(牵头单位:市丙局)\n"
    )
    assert [t.id for t in plan.tasks] == ["1-1", "1-2"]
    assert [(p.code, p.line) for p in plan.problems] == [("task-without-label", 3)]


def test_numbering_running_on_across_headings_needs_no_intermediate_numbers():
    plan = parse_plan(
        "一、工作\n(一)甲\n1.a。(责任单位:市甲局)\n2.b。(责任单位:市乙局)\n"
        "(二)乙\n3.c。(责任单位:市丙局)\n"
    )
    assert [t.id for t in plan.tasks] == ["1-1", "1-2", "1-3"]


def test_numbering_restarting_inserts_the_heading_number():
    plan = parse_plan(
        "一、工作\n(一)甲\n1.a。(责任单位:市甲局)\n2.b。(责任单位:市乙局)\n"
        "(二)乙\n1.c。(责任单位:市丙局)\n"
        "二、其他\n1.d。(责任单位:市丁局)\n"
    )
    assert [t.id for t in plan.tasks] == ["1-1-1", "1-1-2", "1-2-1", "2-1"]
    assert plan.problems == []


def test_numbering_restarting_without_numbered_headings_stays_unique():
    plan = parse_plan("一、工作\n——甲\n1.a。(责任单位:市甲局)\n——乙\n1.b。(责任单位:市乙局)\n")
    ids = [t.id for t in plan.tasks]
    assert len(set(ids)) == 2
    assert [p.code for p in plan.problems] == ["duplicate-task-number"]
    assert plan.problems[0].line == 5


def test_sub_tasks_under_a_task_are_numbered_under_it():
    plan = parse_plan(
        "一、工作\n1.甲。(牵头单位:市甲局)\n(1)甲一。(牵头单位:市乙局)\n(2)甲二。(牵头单位:市丙局)\n"
        "2.乙。(牵头单位:市丁局)\n(1)乙一。(牵头单位:市戊局)\n"
    )
    assert [(t.id, t.label) for t in plan.tasks] == [
        ("1-1", "1"),
        ("1-1-1", "(1)"),
        ("1-1-2", "(2)"),
        ("1-2", "2"),
        ("1-2-1", "(1)"),
    ]
    assert all(t.section == "一、工作" and t.direction == "" for t in plan.tasks)
    assert plan.problems == []


def test_plan_without_sections_uses_task_numbers():
    plan = parse_plan("1.a。(责任单位:市甲局)\n2.b。(责任单位:市乙局)\n")
    assert [t.id for t in plan.tasks] == ["1", "2"]


def test_owners_on_their_own_lines():
    plan = parse_plan(
        "一、工作\n"
        "1.建设公园。\n牵头单位:市园林局\n责任单位:市财政局、各区人民政府\n"
        "2.新建道路。\n\n责任部门:市城建局牵头,市交通局、市财政局配合。\n"
        "3.修路。\n(牵头单位:市城建局)\n"
    )
    assert owners(plan) == [
        ("1-1", ("市园林局",), ("市财政局", "各区人民政府")),
        ("1-2", ("市城建局",), ("市交通局", "市财政局")),
        ("1-3", ("市城建局",), ()),
    ]
    assert [t.text for t in plan.tasks] == ["建设公园。", "新建道路。", "修路。"]
    assert plan.problems == []


def test_task_text_wrapped_onto_the_next_line():
    plan = parse_plan(
        "一、工作\n1.建设公园,\n提升绿化。(牵头单位:市园林局)\n2.修路。(牵头单位:市城建局)\n"
    )
    assert [(t.id, t.text, t.lead) for t in plan.tasks] == [
        ("1-1", "建设公园,提升绿化。", ("市园林局",)),
        ("1-2", "修路。", ("市城建局",)),
    ]


def test_lead_and_cooperate_words_and_cooperating_keys():
    plan = parse_plan(
        "一、工作\n"
        "1.甲。(市发改委牵头,市财政局、市人社局配合)\n"
        "2.乙。(牵头单位:市商务局;配合单位:市财政局)\n"
        "3.丙。（牵头单位： 市商务局；协办单位： 市教育局、科技局）\n"
    )
    assert owners(plan) == [
        ("1-1", ("市发改委",), ("市财政局", "市人社局")),
        ("1-2", ("市商务局",), ("市财政局",)),
        ("1-3", ("市商务局",), ("市教育局", "市科技局")),
    ]


def test_lead_first():
    text = "一、工作\n1.甲。(责任单位:市发改委、市财政局、各区人民政府)\n2.乙。(牵头单位:市商务局;责任单位:市财政局)\n"
    assert owners(parse_plan(text)) == [
        ("1-1", (), ("市发改委", "市财政局", "各区人民政府")),
        ("1-2", ("市商务局",), ("市财政局",)),
    ]
    assert owners(parse_plan(text, lead="first")) == [
        ("1-1", ("市发改委",), ("市财政局", "各区人民政府")),
        ("1-2", ("市商务局",), ("市财政局",)),
    ]
    with pytest.raises(ValueError):
        parse_plan(text, lead="last")


def test_lead_first_applies_to_parts():
    plan = parse_plan(
        "一、工作\n1.甲。(其中,A事〈责任单位:市甲局、市乙局〉;B事〈责任单位:市丙局〉)\n",
        lead="first",
    )
    assert owners(plan) == [("1-1-1", ("市甲局",), ("市乙局",)), ("1-1-2", ("市丙局",), ())]


def test_parts_with_their_own_owners_are_general():
    plan = parse_plan(
        "一、工作\n"
        "3.办好三件事。(其中:甲事〈牵头单位:市甲局〉;乙事〈牵头单位:市乙局;责任单位:市丁局〉;"
        "丙事〈牵头单位:市丙局〉;责任单位:市财政局)\n"
    )
    assert owners(plan) == [
        ("1-3-1", ("市甲局",), ("市财政局",)),
        ("1-3-2", ("市乙局",), ("市丁局", "市财政局")),
        ("1-3-3", ("市丙局",), ("市财政局",)),
    ]
    assert [t.label for t in plan.tasks] == ["3", "3", "3"]
    assert plan.tasks[1].text == "办好三件事。（其中：乙事）"
    assert "共" in plan.tasks[1].note or "3项" in plan.tasks[1].note


def test_groups_and_hosts():
    plan = parse_plan(
        "一、工作\n"
        "1.甲。(牵头单位:市某工作领导小组办公室〈市商务局〉;责任单位:各县(市、区)人民政府〈含开发区,下同〉)\n"
        "2.乙。(牵头单位:市某工作领导小组办公室;责任单位:各县(市、区)人民政府,各相关单位)\n"
        "3.丙。(牵头单位:市发改委〈待定〉)\n"
    )
    assert plan.groups == {"各县(市、区)人民政府": "含开发区", "各相关单位": ""}
    assert [(u.name, u.host) for u in plan.units] == [
        ("市某工作领导小组办公室", "市商务局"),
        ("市商务局", ""),
        ("市发改委", ""),
    ]
    assert plan.tasks[1].responsible == ("各县(市、区)人民政府", "各相关单位")
    assert [(p.code, p.line, p.value) for p in plan.problems] == [("unknown-owner-note", 4, "待定")]
    assert all(p.severity == "警告" for p in plan.problems)


def test_shared_suffix_in_a_plan():
    plan = parse_plan(
        "一、工作\n1.甲。(牵头单位:市发改委;责任单位:江汉、硚口区人民政府,东湖高新区、武汉经开区管委会)\n"
    )
    assert plan.tasks[0].responsible == (
        "江汉区人民政府",
        "硚口区人民政府",
        "东湖高新区管委会",
        "武汉经开区管委会",
    )


NOTICE = """\
关于印发某市2024年工作任务分解方案的通知
[复制链接]
通知.jpg
各区人民政府,市政府各部门:
现将方案印发给你们,请认真贯彻执行。
一、高度重视。各责任单位要制订办理方案,各牵头单位(无牵头单位的,责任单位即为牵头单位,下同)于2024年3月1日前报送。
二、加强督办。每季度第1个月20日前报送进展。
某市人民政府办公厅
2024年1月5日
"""


def test_notice_and_debris_are_not_part_of_the_plan():
    text = NOTICE + SMALL + "来源:某市人民政府\n编辑:张三\n回复\n"
    plan = parse_plan(text)
    assert [t.id for t in plan.tasks] == ["1-1", "1-2"]
    assert plan.tasks[0].section == "一、重点工作"
    assert plan.title == "某市2024年重点工作任务分解方案"
    assert plan.due == datetime.date(2024, 3, 1)
    assert plan.problems == []


def test_notice_without_a_plan_title():
    body = SMALL.split("\n", 1)[1]  # no title line: the plan starts at its first heading with tasks
    plan = parse_plan(NOTICE + body)
    assert [(t.id, t.section) for t in plan.tasks] == [
        ("1-1", "一、重点工作"),
        ("1-2", "一、重点工作"),
    ]
    assert plan.title == ""
    assert plan.due == datetime.date(2024, 3, 1)
    assert plan.problems == []


OTHER_CITY = """\
关于印发《某市2024年政府工作报告重点任务分工方案》的通知
各县（市、区）人民政府，市直各单位：
　　现将方案印发给你们，请于2024年3月15日前报送实施方案。
某市2024年政府工作报告重点任务分工方案
　　一、稳增长
　　（一）扩大有效投资
　　1、实施重大项目300个以上。（牵头单位：市发改委；配合单位：市财政局、自然资源局，各县（市、区）人民政府）
　　2、新增专项债100亿元。
　　牵头单位：市财政局
　　配合单位：市发改委
　　（二）促进消费
　　3、举办消费节。（市商务局牵头，市文旅局、各相关单位配合）
　　二、惠民生
　　（一）新增就业1万人。（牵头单位：市人社局）
　　（二）改造小区50个。（责任单位：市住建局、各县（市、区）人民政府〈含高新区，下同〉）
　　（三）办实事。（其中，甲事〈牵头单位：市民政局〉；乙事〈牵头单位：市卫健委〉）
附件：1.任务分工表
"""


def test_a_plan_in_another_style():
    plan = parse_plan(OTHER_CITY, source="other.txt")
    assert plan.title == "某市2024年政府工作报告重点任务分工方案"
    assert plan.due == datetime.date(2024, 3, 15)
    assert plan.groups == {"各县(市、区)人民政府": "含高新区", "各相关单位": ""}
    rows = [(t.id, t.label, t.direction, t.lead, t.responsible) for t in plan.tasks]
    assert rows == [
        (
            "1-1",
            "1",
            "(一)扩大有效投资",
            ("市发改委",),
            ("市财政局", "市自然资源局", "各县(市、区)人民政府"),
        ),
        ("1-2", "2", "(一)扩大有效投资", ("市财政局",), ("市发改委",)),
        ("1-3", "3", "(二)促进消费", ("市商务局",), ("市文旅局", "各相关单位")),
        ("2-1", "(一)", "", ("市人社局",), ()),
        ("2-2", "(二)", "", (), ("市住建局", "各县(市、区)人民政府")),
        ("2-3-1", "(三)", "", ("市民政局",), ()),
        ("2-3-2", "(三)", "", ("市卫健委",), ()),
    ]
    assert plan.problems == []


def test_task_without_owners_is_reported_not_dropped():
    plan = parse_plan(
        "一、工作\n1.甲。(牵头单位:市甲局)\n2.乙任务没有写责任单位。\n3.丙。(牵头单位:市丙局)\n"
        "(一)另一种序号的无主句子\n"
    )
    assert [(t.id, t.lead) for t in plan.tasks] == [
        ("1-1", ("市甲局",)),
        ("1-2", ()),
        ("1-3", ("市丙局",)),
    ]
    assert [(p.code, p.line, p.task) for p in plan.problems] == [
        ("task-without-owners", 3, "1-2"),
        ("line-not-imported", 5, ""),  # after the last task: reported, not imported
    ]
    assert "第3行" in plan.problems[0].message


def test_lines_that_look_like_tasks_elsewhere_are_reported():
    plan = parse_plan(
        "一、工作\n——甲类\n1.甲。(牵头单位:市甲局)\n(1)像任务的说明\n2.乙。(牵头单位:市乙局)\n"
        "某项工作。(牵头单位:市丙局)\n"
    )
    assert [t.id for t in plan.tasks] == ["1-1", "1-2"]
    assert [(p.code, p.line) for p in plan.problems] == [
        ("line-not-imported", 4),
        ("task-without-label", 6),
    ]


def test_unclear_owner_text_is_reported():
    plan = parse_plan("一、工作\n1.甲。(由市政府统筹;牵头单位:市甲局)\n")
    assert plan.tasks[0].lead == ("市甲局",)
    assert [(p.code, p.value) for p in plan.problems] == [("unclear-owners", "由市政府统筹")]


def test_docx_table_plan(tmp_path):
    rows = [
        ["序号", "工作任务", "牵头单位", "责任单位"],
        ["一、重点工作", "一、重点工作", "一、重点工作", "一、重点工作"],
        ["1", "建设公园10个。", "市园林局", "各区人民政府"],
        ["2", "新建道路5条。", "", "市城建局"],
        ["3", "没有单位的任务。", "", ""],
    ]
    path = write_docx(tmp_path / "table.docx", ["某市2024年重点工作任务分解方案"], [rows])
    plan = read_plan(path)
    assert [(t.id, t.text, t.lead, t.responsible, t.section) for t in plan.tasks] == [
        ("1-1", "建设公园10个。", ("市园林局",), ("各区人民政府",), "一、重点工作"),
        ("1-2", "新建道路5条。", (), ("市城建局",), "一、重点工作"),
        ("1-3", "没有单位的任务。", (), (), "一、重点工作"),
    ]
    assert [p.code for p in plan.problems] == ["task-without-owners"]
    assert plan.problems[0].message.startswith(f"第{plan.tasks[2].line}段任务“3”")


def test_numbers_of_labels():
    assert [number(x) for x in ("49", "(一)", "十二", "二十一", "①", "⑳", "(3)", "——")] == [
        49,
        1,
        12,
        21,
        1,
        20,
        3,
        None,
    ]


def test_5000_tasks_numbered_per_direction_keep_unique_ids():
    # Speed is measured in tests/benchmarks/bench_import.py, not here.
    lines = ["某市重点工作任务分解方案"]
    for section in range(1, 6):
        lines.append(f"{'一二三四五'[section - 1]}、第{section}部分")
        for direction in range(1, 11):
            lines.append(f"({'一二三四五六七八九十'[direction - 1]})方向{direction}")
            lines.append("——类别")
            for task in range(1, 101):
                lines.append(
                    f"{task}.完成第{task}项工作,新增项目{task}个。"
                    "(牵头单位:市发改委;责任单位:市财政局、科技局,江汉、硚口区人民政府,各区人民政府)"
                )
    text = "\n".join(lines)
    plan = parse_plan(text)
    assert len(plan.tasks) == 5000 == len({t.id for t in plan.tasks})
    assert plan.tasks[-1].id == "5-10-100"


def numbered_docx(path: Path, paragraphs: list[tuple[int | None, str]]) -> Path:
    """A Word file whose labels are Word's automatic numbers: levels 一、 / （一） / 1. of one list."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    xml = "".join(
        f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for k, (fmt, text) in enumerate(levels)
    )
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{xml}</w:abstractNum>')
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    for level, text in paragraphs:
        paragraph = document.add_paragraph()
        paragraph.add_run(text[:3])
        paragraph.add_run(text[3:])
        if level is not None:
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
                )
            )
    document.save(path)
    return path


def test_docx_with_word_automatic_numbering(tmp_path):
    path = numbered_docx(
        tmp_path / "numbered.docx",
        [
            (None, "某市2024年重点工作任务分解方案"),
            (0, "主要目标"),
            (1, "增长6%。(牵头单位:市发改委)"),
            (0, "重点工作"),
            (1, "扩大内需"),
            (2, "办展会。(牵头单位:市商务局)"),
            (2, "促消费。(责任单位:市商务局)"),
            (1, "发展产业"),
            (2, "建园区。(牵头单位:市经信局)"),
        ],
    )
    plan = read_plan(path)
    rows = [(t.id, t.label, t.section, t.direction, t.text) for t in plan.tasks]
    assert rows == [
        ("1-1", "(一)", "一、主要目标", "", "增长6%。"),
        ("2-1-1", "1", "二、重点工作", "(一)扩大内需", "办展会。"),
        ("2-1-2", "2", "二、重点工作", "(一)扩大内需", "促消费。"),
        ("2-2-1", "1", "二、重点工作", "(二)发展产业", "建园区。"),
    ]


def test_docx_list_number_style(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("一、重点工作")
    document.add_paragraph("办展会。(牵头单位:市商务局)", style="List Number")
    document.add_paragraph("建园区。(牵头单位:市经信局)", style="List Number")
    document.save(tmp_path / "list.docx")
    plan = read_plan(tmp_path / "list.docx")
    assert [(t.id, t.label, t.lead) for t in plan.tasks] == [
        ("1-1", "1", ("市商务局",)),
        ("1-2", "2", ("市经信局",)),
    ]


def test_chinese_numbers_as_word_writes_them():
    assert [chinese(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]
    assert all(number(chinese(n)) == n for n in range(1, 100))
