from dataclasses import replace
from datetime import date

import pytest

from xltools.core.errors import WorkspaceError
from xltools.core.problems import Report
from xltools.master.workspace import (
    CONFIG,
    DEFAULT_LIGHTS,
    DEFAULT_NOTICE,
    Round,
    Workspace,
    default_rounds,
    dump_yaml,
    find_root,
    init_workspace,
    load,
    save,
    year_of,
)

PLAN = """\
各区人民政府,市人民政府各部门:
各牵头单位于2024年2月8日前将制订的办理方案报市人民政府督查室。
2024年市《政府工作报告》目标任务责任分解方案
一、主要目标
(一)地区生产总值增长6%左右。(牵头单位:市发改委;责任单位:各区人民政府)
二、重点工作
1.新增停车泊位12万个。(牵头单位:市城建局;责任单位:市公安局)
"""


def make_ws(root, **changes) -> Workspace:
    ws = Workspace(
        root=root,
        id="abc123",
        title="2023年目标任务",
        year=2023,
        office="市人民政府督查室",
        master_path=root / "master.xlsx",
        rounds=default_rounds(2023),
        lights=dict(DEFAULT_LIGHTS),
    )
    return replace(ws, **changes)


def test_rounds_and_their_due_dates():
    rounds = default_rounds(2023)
    assert rounds == (
        Round("plan", "办理方案", "plan", date(2023, 2, 10), None),
        Round("2023Q1", "2023年第一季度", "quarterly", date(2023, 4, 20), date(2023, 3, 31)),
        Round("2023Q2", "2023年第二季度", "quarterly", date(2023, 7, 20), date(2023, 6, 30)),
        Round("2023Q3", "2023年第三季度", "quarterly", date(2023, 10, 20), date(2023, 9, 30)),
        Round("2023Q4", "2023年第四季度", "quarterly", date(2024, 1, 20), date(2023, 12, 31)),
    )


def test_the_plan_round_is_due_on_the_notices_date():
    assert default_rounds(2024, date(2024, 2, 8))[0].due == date(2024, 2, 8)


def test_year_of_a_title():
    assert year_of("2023年市《政府工作报告》目标任务责任分解方案") == 2023
    assert year_of("目标任务责任分解方案") is None


def test_yaml_round_trip(tmp_path):
    ws = make_ws(tmp_path.resolve(), lights={**DEFAULT_LIGHTS, "behind_share": 0.7, "extra": "x"})
    save(ws)
    text = (tmp_path / CONFIG).read_text(encoding="utf-8")
    assert text.count("#") > 10  # an office edits it by hand: every setting is explained
    assert load(tmp_path) == ws


def test_yaml_round_trip_with_quotes_and_colons_in_the_title(tmp_path):
    ws = make_ws(tmp_path.resolve(), title='武汉: "2023" #1', office="督查室")
    save(ws)
    assert load(tmp_path).title == '武汉: "2023" #1'


def test_an_edited_yaml_is_read(tmp_path):
    ws = make_ws(tmp_path.resolve())
    text = dump_yaml(ws).replace("due: 2023-04-20", "due: 2023-04-25")
    text = text.replace("behind_share: 0.8", "behind_share: 0.9")
    (tmp_path / CONFIG).write_text(text, encoding="utf-8")
    loaded = load(tmp_path)
    assert loaded.round("2023Q1").due == date(2023, 4, 25)
    assert loaded.lights["behind_share"] == 0.9
    assert loaded.lights["red_behind_rounds"] == 2  # defaults fill what the file lacks


def test_the_notice_texts_are_written_explained_and_read(tmp_path):
    ws = make_ws(tmp_path.resolve())
    assert ws.notice == DEFAULT_NOTICE
    text = dump_yaml(ws)
    assert "notice:" in text and "# 主送机关。" in text and "# 落款" in text
    text = text.replace(DEFAULT_NOTICE["recipients"], "各县（市、区）人民政府：")
    text = text.replace('signature: ""', 'signature: "县政府督查室"')
    (tmp_path / CONFIG).write_text(text, encoding="utf-8")
    loaded = load(tmp_path)
    assert loaded.notice["recipients"] == "各县（市、区）人民政府："
    assert loaded.notice["signature"] == "县政府督查室"
    assert loaded.notice["requirements"] == DEFAULT_NOTICE["requirements"]
    save(loaded)
    assert load(tmp_path) == loaded


@pytest.mark.parametrize(
    "notice, message",
    [
        ("notice: [a]", "notice must be a set of key: value settings"),
        ("notice: {recipent: x}", "notice: unknown key 'recipent'"),
        ("notice: {requirements: {a: 1}}", "requirements must be a list of paragraphs"),
        ("notice: {signature: [x]}", "signature must be text"),
    ],
)
def test_wrong_notice_texts_are_explained(tmp_path, notice, message):
    text = dump_yaml(make_ws(tmp_path.resolve()))
    text = text[: text.index("notice:")] + notice + "\n"
    (tmp_path / CONFIG).write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError, match=message):
        load(tmp_path)


def test_round_lookup_previous_and_folders(tmp_path):
    ws = make_ws(tmp_path)
    assert ws.round("2023q2").key == "2023Q2"
    assert ws.previous("2023Q2").key == "2023Q1"
    assert ws.previous("plan") is None
    assert ws.outbox("2023Q1") == tmp_path / "outbox" / "2023Q1"
    assert ws.inbox(ws.round("plan")) == tmp_path / "inbox" / "plan"
    assert ws.reports("2023Q4") == tmp_path / "reports" / "2023Q4"


def test_an_unknown_round_lists_the_known_ones(tmp_path):
    ws = make_ws(tmp_path)
    with pytest.raises(WorkspaceError, match="no round '2023Q5' .known rounds: plan, 2023Q1, "):
        ws.round("2023Q5")
    with pytest.raises(WorkspaceError):
        ws.outbox("2022Q1")


def test_load_finds_the_workspace_in_a_parent(tmp_path, monkeypatch):
    save(make_ws(tmp_path.resolve()))
    sub = tmp_path / "inbox" / "2023Q1"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert find_root() == tmp_path.resolve()
    assert load().id == "abc123"
    assert load(tmp_path / CONFIG).id == "abc123"


def test_load_without_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        WorkspaceError, match="no xltools.yaml in .* or any parent folder.*xltools init"
    ):
        load()
    with pytest.raises(WorkspaceError, match="not a workspace .no xltools.yaml."):
        load(tmp_path)
    with pytest.raises(WorkspaceError, match="no such workspace folder"):
        load(tmp_path / "missing")


@pytest.mark.parametrize(
    "text, message",
    [
        ("id: [", "not valid YAML"),
        ("- a\n- b\n", "expected keys"),
        ("id: x\nyear: 2023\nmaster: m.xlsx\n", r"missing key\(s\) rounds"),
        ("id: x\nyear: abc\nmaster: m.xlsx\nrounds: [1]\n", "year must be a number"),
        (
            "id: x\nyear: 2023\nmaster: m.xlsx\nrounds:\n  - key: plan\n    name: a\n    form: plan\n",
            "round 1 lacks due",
        ),
        (
            "id: x\nyear: 2023\nmaster: m.xlsx\nrounds:\n"
            "  - {key: plan, name: a, form: plan, due: soon}\n",
            "due of round plan must be a date like 2023-04-20, not 'soon'",
        ),
        (
            "id: x\nyear: 2023\nmaster: m.xlsx\nrounds:\n"
            "  - {key: plan, name: a, form: plan, due: 2023-02-10}\n"
            "  - {key: plan, name: b, form: plan, due: 2023-02-11}\n",
            "listed twice: plan",
        ),
    ],
)
def test_a_broken_yaml_is_explained(tmp_path, text, message):
    (tmp_path / CONFIG).write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError, match=message) as info:
        load(tmp_path)
    assert CONFIG in str(info.value)


def plan_file(tmp_path, text=PLAN):
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_init_creates_a_workspace_from_a_plan(tmp_path):
    plan = plan_file(tmp_path)
    report = Report()
    ws = init_workspace(tmp_path / "ws", plan, report=report)
    assert ws == load(tmp_path / "ws")
    assert ws.year == 2024
    assert ws.title == "2024年市《政府工作报告》目标任务责任分解方案"
    assert ws.round("plan").due == date(2024, 2, 8)
    assert [r.key for r in ws.rounds] == ["plan", "2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    for name in ("outbox", "inbox", "reports"):
        assert (tmp_path / "ws" / name).is_dir()
    master = ws.master()
    assert [t.id for t in master.tasks] == ["1-1", "2-1"]
    assert [p.code for p in report.problems] == ["undefined-group"]


def test_init_title_and_year_options_win(tmp_path):
    plan = plan_file(tmp_path)
    ws = init_workspace(tmp_path / "ws", plan, title="督办台账", year=2025)
    assert (ws.title, ws.year, ws.round("plan").due) == ("督办台账", 2025, date(2025, 2, 10))
    assert ws.round("2025Q4").due == date(2026, 1, 20)


def test_init_without_a_year_in_the_plan_uses_this_year(tmp_path):
    plan = plan_file(tmp_path, PLAN.replace("2024年", ""))
    ws = init_workspace(tmp_path / "ws", plan)
    assert ws.year == date.today().year


def test_init_refuses_an_existing_workspace_and_keeps_it(tmp_path):
    plan = plan_file(tmp_path)
    ws = init_workspace(tmp_path / "ws", plan)
    before = (tmp_path / "ws" / CONFIG).read_text(encoding="utf-8")
    with pytest.raises(
        WorkspaceError, match="already holds a workspace .xltools.yaml, master.xlsx"
    ):
        init_workspace(tmp_path / "ws", plan)
    assert (tmp_path / "ws" / CONFIG).read_text(encoding="utf-8") == before
    assert load(tmp_path / "ws").id == ws.id


def test_init_in_a_folder_holding_only_the_plan(tmp_path):
    plan = plan_file(tmp_path)
    ws = init_workspace(tmp_path, plan)
    assert (tmp_path / CONFIG).is_file() and ws.master_path == (tmp_path / "master.xlsx").resolve()


def test_init_with_a_fixed_id(tmp_path):
    ws = init_workspace(tmp_path / "ws", plan_file(tmp_path), workspace_id="demo-id")
    assert load(tmp_path / "ws").id == ws.id == "demo-id"
