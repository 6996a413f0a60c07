import pytest

from xltools.plan.names import (
    definition,
    is_annotation,
    is_group_word,
    note_kind,
    parse_owners,
    split_annotation,
    split_unit_items,
    split_units,
    starts_with_key,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("市发改委、市教育局,各区人民政府", ["市发改委", "市教育局", "各区人民政府"]),
        ("市发改委，市教育局、市民政局", ["市发改委", "市教育局", "市民政局"]),  # full-width comma
        (" 市发改委 、 市财政局 ", ["市发改委", "市财政局"]),
        ("市发改委;市财政局", ["市发改委", "市财政局"]),
        ("", []),
    ],
)
def test_split_units_on_commas_and_enumeration_marks(text, expected):
    assert split_units(text) == expected


def test_shared_suffix_written_once():
    assert split_units("江汉、硚口区人民政府") == ["江汉区人民政府", "硚口区人民政府"]
    assert split_units("市发改委,江汉、硚口、黄陂、新洲区人民政府") == [
        "市发改委",
        "江汉区人民政府",
        "硚口区人民政府",
        "黄陂区人民政府",
        "新洲区人民政府",
    ]
    assert split_units("东湖高新区、武汉经开区、临空港开发区管委会") == [
        "东湖高新区管委会",
        "武汉经开区管委会",
        "临空港开发区管委会",
    ]
    # the place word already written: only the body is borrowed
    assert split_units("江汉区、硚口区人民政府") == ["江汉区人民政府", "硚口区人民政府"]
    assert split_units("宜都、枝江市人民政府") == ["宜都市人民政府", "枝江市人民政府"]


def test_shared_suffix_does_not_cross_a_complete_name_or_a_comma():
    # 市财政局 is complete: 江汉 borrows from the name after it, not past 市财政局
    assert split_units("江汉、硚口区人民政府、市财政局") == [
        "江汉区人民政府",
        "硚口区人民政府",
        "市财政局",
    ]
    assert split_units("市经信局,江岸,硚口区人民政府") == ["市经信局", "江岸", "硚口区人民政府"]
    assert split_units("东湖高新区") == ["东湖高新区"]


def test_city_prefix_written_once_for_a_run_of_bureaus():
    assert split_units("市教育局、科技局、民政局") == ["市教育局", "市科技局", "市民政局"]
    assert split_units("市委网信办、宣传办") == ["市委网信办", "市宣传办"]
    assert split_units("区教育局、卫健委") == ["区教育局", "区卫健委"]
    # not bureau-like or already prefixed: left alone
    assert split_units("市教育局、武汉地铁集团") == ["市教育局", "武汉地铁集团"]
    assert split_units("武汉地铁集团、科技局") == ["武汉地铁集团", "科技局"]
    assert split_units("市教育局、省发改委") == ["市教育局", "省发改委"]
    assert split_units("市教育局,科技局") == ["市教育局", "科技局"]  # a comma ends the run


def test_city_prefix_carries_across_a_run_whatever_the_suffixes():
    assert split_units("市发展和改革委员会、经济和信息化委员会、城投公司、法制办") == [
        "市发展和改革委员会",
        "市经济和信息化委员会",
        "市城投公司",
        "市法制办",
    ]
    assert split_units("市公安局、交通运输管理中心、政务服务中心") == [
        "市公安局",
        "市交通运输管理中心",
        "市政务服务中心",
    ]
    # bodies with a name of their own, places and group words keep theirs
    assert split_units("市城建局、武汉城建集团、武汉海关、人行武汉分行营管部") == [
        "市城建局",
        "武汉城建集团",
        "武汉海关",
        "人行武汉分行营管部",
    ]
    assert split_units("市商务局、江岸区人民政府、各相关单位") == [
        "市商务局",
        "江岸区人民政府",
        "各相关单位",
    ]
    assert split_units("市发改委,城投公司") == ["市发改委", "城投公司"]  # a comma ends the run
    assert split_units("城投公司、法制办") == ["城投公司", "法制办"]  # no 市 to carry


def test_market_supervision_bureau_in_a_run_gets_the_run_prefix():
    # 市场监管局 starts with 市 but is the bureau's own name: after 市商务局 it means 市市场监管局.
    assert split_units("市商务局、市场监管局") == ["市商务局", "市市场监管局"]
    assert split_units("市商务局、市场监督管理局、文旅局") == [
        "市商务局",
        "市市场监督管理局",
        "市文旅局",
    ]
    assert split_units("区商务局、市场监管局") == ["区商务局", "区市场监管局"]
    # Already complete, alone, or after a non-prefixed name: left as written.
    assert split_units("市商务局、市市场监管局") == ["市商务局", "市市场监管局"]
    assert split_units("市场监管局") == ["市场监管局"]
    assert split_units("武汉地铁集团、市场监管局") == ["武汉地铁集团", "市场监管局"]


def test_brackets_inside_a_name_are_not_split():
    assert split_units("各县(市、区)人民政府、市财政局") == ["各县(市、区)人民政府", "市财政局"]
    assert split_units("各县（市、区）人民政府") == ["各县(市、区)人民政府"]


@pytest.mark.parametrize("sep", ["、", ",", "，", ";", "；"])
def test_a_bracket_protects_its_contents_from_every_separator(sep):
    text = f"市发改委{sep}相关县(市、区)政府{sep}各县（市，区）人民政府{sep}某办(含一、二;三)"
    assert split_units(text) == [
        "市发改委",
        "相关县(市、区)政府",
        "各县(市,区)人民政府",
        "某办(含一、二;三)",
    ]
    owners = parse_owners(f"牵头单位:市发改委;责任单位:市财政局{sep}相关县(市、区)政府")
    assert [n for n, _ in owners.responsible] == ["市财政局", "相关县(市、区)政府"]


def test_notes_stay_with_their_unit():
    assert split_unit_items("市发改委,各区人民政府〈含开发区、长江新区、风景区管委会,下同〉") == [
        ("市发改委", ""),
        ("各区人民政府", "含开发区、长江新区、风景区管委会,下同"),
    ]
    assert split_unit_items("市建设国际消费中心城市工作领导小组办公室〈市商务局〉;市发改委") == [
        ("市建设国际消费中心城市工作领导小组办公室", "市商务局"),
        ("市发改委", ""),
    ]
    assert split_unit_items("某办公室<市商务局>") == [("某办公室", "市商务局")]


def test_note_kinds():
    assert note_kind("各区人民政府", "含开发区、长江新区、风景区管委会,下同") == "definition"
    assert note_kind("市某领导小组办公室", "市商务局") == "host"
    assert note_kind("市某领导小组办公室", "待定") == "unknown"
    assert note_kind("市发改委", "含开发区") == "unknown"  # only group words are defined
    assert definition("含开发区、长江新区、风景区管委会,下同") == "含开发区、长江新区、风景区管委会"
    assert definition("含各开发区(下同)") == "含各开发区"
    assert definition("含各开发区") == "含各开发区"


def test_group_words():
    for word in (
        "各区人民政府",
        "各中心城区人民政府",
        "各相关单位",
        "各县(市、区)人民政府",
    ):
        assert is_group_word(word)
    for word in ("市发改委", "东湖高新区管委会", "市各区协调办公室"):
        assert not is_group_word(word)


def test_owner_keys():
    owners = parse_owners("牵头单位:市商务局;责任单位:市发改委,各区人民政府")
    assert owners.lead == [("市商务局", "")]
    assert owners.responsible == [("市发改委", ""), ("各区人民政府", "")]
    assert not owners.parts and not owners.unclear


def test_owner_keys_full_width_and_spaces():
    owners = parse_owners("牵头单位： 市商务局；责任单位： 市发改委，市财政局")
    assert [n for n, _ in owners.lead] == ["市商务局"]
    assert [n for n, _ in owners.responsible] == ["市发改委", "市财政局"]


@pytest.mark.parametrize("key", ["配合单位", "协办单位", "责任单位", "责任部门", "参与单位"])
def test_cooperating_keys_are_responsible(key):
    owners = parse_owners(f"牵头单位:市商务局;{key}:市发改委")
    assert [n for n, _ in owners.lead] == ["市商务局"]
    assert [n for n, _ in owners.responsible] == ["市发改委"]


def test_keys_separated_by_comma():
    owners = parse_owners("牵头单位:市商务局,责任单位:市发改委、市财政局")
    assert [n for n, _ in owners.lead] == ["市商务局"]
    assert [n for n, _ in owners.responsible] == ["市发改委", "市财政局"]


def test_lead_and_cooperate_words():
    owners = parse_owners("市发改委牵头,市财政局、市人社局配合")
    assert [n for n, _ in owners.lead] == ["市发改委"]
    assert [n for n, _ in owners.responsible] == ["市财政局", "市人社局"]
    owners = parse_owners("责任部门:市发改委牵头,市财政局、市教育局配合。")
    assert [n for n, _ in owners.lead] == ["市发改委"]
    assert [n for n, _ in owners.responsible] == ["市财政局", "市教育局"]
    owners = parse_owners("市发改委、市财政局牵头")
    assert [n for n, _ in owners.lead] == ["市发改委", "市财政局"]


def test_unit_marked_as_lead_in_a_list():
    owners = parse_owners("责任单位:市发改委(牵头)、市财政局，各区人民政府")
    assert [n for n, _ in owners.lead] == ["市发改委"]
    assert [n for n, _ in owners.responsible] == ["市财政局", "各区人民政府"]
    owners = parse_owners("责任单位:市发改委（牵头单位）")
    assert [n for n, _ in owners.lead] == ["市发改委"] and not owners.responsible


def test_parts_with_their_own_owners():
    owners = parse_owners(
        "其中,创新甲园区运营机制〈牵头单位:市经信局〉;创新乙园区运营机制〈牵头单位:市发改委〉;"
        "责任单位:市科技局、市财政局,各区人民政府"
    )
    assert [(text, [n for n, _ in o.lead]) for text, o in owners.parts] == [
        ("创新甲园区运营机制", ["市经信局"]),
        ("创新乙园区运营机制", ["市发改委"]),
    ]
    assert [n for n, _ in owners.responsible] == ["市科技局", "市财政局", "各区人民政府"]
    owners = parse_owners(
        "结对帮扶甲〈责任单位:市乡村振兴局〉;对口支援乙、丙县〈责任单位:市水务局〉"
    )
    assert [(t, [n for n, _ in o.responsible]) for t, o in owners.parts] == [
        ("结对帮扶甲", ["市乡村振兴局"]),
        ("对口支援乙、丙县", ["市水务局"]),
    ]
    assert not owners.lead and not owners.responsible


def test_unclear_text_is_kept_not_dropped():
    owners = parse_owners("牵头单位:市商务局")
    assert not owners.unclear
    owners = parse_owners("由市政府统筹;牵头单位:市商务局")
    assert owners.unclear == ["由市政府统筹"]
    assert [n for n, _ in owners.lead] == ["市商务局"]


def test_annotation_detection():
    assert is_annotation("牵头单位:市发改委")
    assert is_annotation("责任单位：市发改委")
    assert is_annotation("市发改委牵头,市财政局配合")
    assert is_annotation("结对帮扶〈责任单位:市乡村振兴局〉")
    # the seed's notice explains the rule in brackets: not an annotation
    assert not is_annotation("无牵头单位的,责任单位即为牵头单位,下同")
    assert not is_annotation("工业互联网")
    assert starts_with_key("牵头单位: 市发改委")
    assert starts_with_key("责任部门:市发改委牵头,市财政局配合。")
    assert not starts_with_key("各牵头单位于2023年2月10日前")


def test_split_annotation_at_the_end_of_a_line():
    assert split_annotation("甲。(牵头单位:市甲局)") == ("甲。", "牵头单位:市甲局")
    assert split_annotation("甲。(牵头单位:市甲局)。 ") == ("甲。", "牵头单位:市甲局")
    assert split_annotation("甲【责任单位:各县(市、区)人民政府】") == (
        "甲",
        "责任单位:各县(市、区)人民政府",
    )
    assert split_annotation("建设国家新型工业化示范基地(工业互联网)") == (
        "建设国家新型工业化示范基地(工业互联网)",
        None,
    )
    assert split_annotation("(牵头单位:市甲局)后面还有正文") == (
        "(牵头单位:市甲局)后面还有正文",
        None,
    )
