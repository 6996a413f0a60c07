from pathlib import Path

import pytest
import yaml

from xltools.core.errors import FormError
from xltools.distribute.forms import Field, bundled_dir, find_form, load_form, parse_form


def write_form(folder: Path, name: str, data: dict) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def minimal(**changes) -> dict:
    data = {
        "name": "mini",
        "version": 2,
        "title": "小表",
        "task_fields": [{"key": "note", "label": "说明", "type": "text"}],
    }
    data.update(changes)
    return data


def test_bundled_plan_form():
    form = load_form("plan")
    assert (form.name, form.version, form.title) == ("plan", 1, "办理方案")
    assert [f.label for f in form.task_fields] == [
        "工作目标",
        "具体措施",
        "完成时限",
        "分管领导",
        "责任部门(处室)",
    ]
    assert form.field("deadline").type == "date"
    assert [f.label for f in form.unit_fields] == ["督办工作人员姓名", "职务", "办公电话", "手机"]
    assert form.target_fields == ()
    # Cooperating units plan their own part but not the task's overall goal.
    assert [f.key for f in form.task_fields_for("配合")] == [
        "measures",
        "deadline",
        "leader",
        "department",
    ]
    assert form.instructions


def test_bundled_quarterly_form():
    form = load_form("quarterly")
    assert [f.label for f in form.task_fields] == [
        "完成状态",
        "完成进度(%)",
        "本期工作进展",
        "存在问题",
        "下步工作计划",
        "需协调事项",
    ]
    status = form.field("status")
    assert status.type == "choice"
    assert status.choices == ("已完成", "超序时进度", "序时推进", "滞后", "未启动")
    progress = form.field("progress")
    assert (progress.type, progress.min, progress.max) == ("percent", 0, 100)
    assert form.field("progress_note").required
    issues = form.field("issues")
    assert issues.required_when == {"status": ("滞后", "未启动")}
    assert [f.label for f in form.target_fields] == ["累计完成值"]
    assert [f.label for f in form.unit_fields] == ["填报人", "联系电话", "分管领导", "填报日期"]
    # Partners report their own part in words; status and percentage are the lead's.
    partner = [f.key for f in form.task_fields_for("partner")]
    assert "status" not in partner and "progress" not in partner
    assert "progress_note" in partner and "issues" in partner


def test_required_when_follows_the_row_values():
    issues = load_form("quarterly").field("issues")
    assert not issues.is_required({"status": "序时推进"})
    assert issues.is_required({"status": "滞后"})
    assert issues.is_required({"status": " 未启动 "})
    assert not issues.is_required({})
    status = load_form("quarterly").field("status")
    assert status.is_required({}, role="牵头")
    assert not status.is_required({}, role="配合")


def test_field_is_hashable_and_frozen():
    field = load_form("quarterly").field("issues")
    assert hash(field) == hash(field)
    with pytest.raises(AttributeError):
        field.label = "x"


def test_workspace_templates_override_bundled(tmp_path):
    data = yaml.safe_load((bundled_dir() / "plan.yaml").read_text(encoding="utf-8"))
    data["version"] = 7
    write_form(tmp_path, "plan", data)
    assert load_form("plan", search=[tmp_path]).version == 7
    assert load_form("plan", search=[tmp_path / "nothing"]).version == 1
    assert find_form("plan", [tmp_path]) == tmp_path / "plan.yaml"


def test_unknown_form_names_the_folders(tmp_path):
    with pytest.raises(FormError, match=r"nope\.yaml: no form definition named 'nope'"):
        load_form("nope", search=[tmp_path])


def test_broken_yaml_names_the_file(tmp_path):
    (tmp_path / "bad.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(FormError, match=r"^bad\.yaml: not valid YAML"):
        load_form("bad", search=[tmp_path])


def test_every_mistake_is_reported_together(tmp_path):
    data = {
        "name": "wrong",
        "version": 0,
        "titel": "typo",
        "task_fields": [
            {"key": "a", "label": "甲", "type": "colour"},
            {"key": "b", "label": "乙", "type": "choice"},
            {"key": "c", "label": "丙", "type": "number", "min": 10, "max": 1},
            {"key": "a", "label": "丁", "type": "text"},
            {"key": "e", "label": "乙", "type": "text"},
            {"key": "f", "label": "戊", "required_when": {"zzz": ["x"]}},
            {"key": "g", "label": "己", "type": "choice", "choices": ["是", "否"]},
            {"key": "h", "label": "庚", "required_when": {"g": ["也许"]}},
            {"key": "i", "label": "辛", "type": "text", "choices": ["x"]},
            {"key": "j", "label": "编号"},
            {"key": "k", "label": "壬", "fill": "everyone", "requried": True},
            {"key": "l", "label": "癸", "type": "date", "min": "soon"},
            {"key": "m", "label": "子", "type": "integer", "max_length": 5},
            {"key": "Bad Key", "label": "丑"},
        ],
        "unit_fields": [{"key": "n", "label": "寅", "fill": "lead"}],
    }
    write_form(tmp_path, "wrong", data)
    with pytest.raises(FormError) as caught:
        load_form("wrong", search=[tmp_path])
    message = str(caught.value)
    assert message.startswith("wrong.yaml: ")
    expected = [
        "version must be a whole number from 1",
        "unknown key 'titel'",
        "title is missing",
        "unknown type 'colour'",
        "a choice field needs choices",
        "min 10 is greater than max 1",
        "duplicate key 'a'",
        "duplicate label '乙'",
        "required_when names unknown field 'zzz'",
        "required_when value '也许' is not a choice of 'g'",
        "choices given but the type is 'text'",
        "label '编号' is a column xltools writes itself",
        "fill must be one of lead, partner, both",
        "unknown attribute 'requried'",
        "min must be a date",
        "max_length applies to text fields",
        "key must be a lowercase ASCII word, got 'Bad Key'",
        "fill applies to task fields only",
    ]
    for text in expected:
        assert text in message, text
    assert f"{len(message.splitlines()) - 1} mistake(s)" in message


def test_a_type_that_is_a_list_or_mapping_is_a_mistake_not_a_crash():
    for kind in (["text"], {"text": 1}):
        with pytest.raises(FormError, match="unknown type"):
            parse_form(minimal(task_fields=[{"key": "note", "label": "说明", "type": kind}]))


def test_name_must_match_the_file(tmp_path):
    write_form(tmp_path, "other", minimal())
    with pytest.raises(FormError, match="name 'mini' differs from the file name 'other'"):
        load_form("other", search=[tmp_path])


def test_a_form_needs_task_fields():
    with pytest.raises(FormError, match="task_fields is empty"):
        parse_form(minimal(task_fields=[]))


def test_defaults_are_filled_in():
    form = parse_form(
        minimal(
            task_fields=[
                {"key": "note", "label": "说明"},
                {"key": "share", "label": "比例", "type": "percent"},
                {
                    "key": "when",
                    "label": "日期",
                    "type": "date",
                    "min": __import__("datetime").date(2023, 1, 1),
                },
            ]
        )
    )
    note, share, when = form.task_fields
    assert note == Field(key="note", label="说明", type="text", width=16.0)
    assert (share.min, share.max) == (0, 100)
    assert str(when.min) == "2023-01-01"
