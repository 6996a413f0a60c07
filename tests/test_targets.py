import pytest

from xltools.core.model import Task
from xltools.plan.targets import find_in_text, find_targets, parse_number


def one(text):
    found = find_in_text(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, value, unit, kind, comparison",
    [
        ("新增停车泊位12万个", 120000, "个", "累计", ""),
        ("完成老旧燃气管网改造400公里", 400, "公里", "累计", ""),
        ("开工建设亿元以上项目900个", 900, "个", "累计", ""),
        ("地区生产总值增长6.5%以上", 6.5, "%", "水平", "以上"),
        ("居民消费价格涨幅3%左右", 3, "%", "水平", "左右"),
        ("力争数字经济核心产业增加值占比提升到11%左右", 11, "%", "水平", "左右"),
        ("高新技术企业突破1.3万家", 13000, "家", "水平", "突破"),
        ("技术合同成交额达到1450亿元", 1450, "亿元", "累计", "达到"),
        ("新引进品牌店和旗舰店200家以上", 200, "家", "累计", "以上"),
        ("城镇新增就业22万人以上", 220000, "人", "累计", "以上"),
        ("力争市场主体总量突破200万户", 2_000_000, "户", "水平", "突破"),
        ("修复20万平方米人行道", 200000, "平方米", "累计", ""),
        ("新增滨江碧道11.4公里", 11.4, "公里", "累计", ""),
        ("单位生产总值能耗下降3.5个百分点", 3.5, "个百分点", "水平", ""),
        ("城镇登记失业率控制在4.5%以内", 4.5, "%", "水平", "以内"),
        ("粮食播种面积不低于180万亩", 1_800_000, "亩", "累计", "不低于"),
        ("新建充电桩１,２００个", 1200, "个", "累计", ""),
        ("招商引资到位资金5000亿元以上", 5000, "亿元", "累计", "以上"),
        ("发放消费券3000万元", 3000, "万元", "累计", ""),
        ("经济总量突破2万亿", 2, "万亿", "水平", "突破"),
        ("重点打造汉口北、汉正街等10个直播电商集聚区", 10, "个", "累计", ""),
    ],
)
def test_a_target_is_read_with_its_value_unit_kind_and_comparison(
    text, value, unit, kind, comparison
):
    phrase, got_value, got_unit, got_kind, got_comparison = one(text)
    assert (got_value, got_unit, got_kind, got_comparison) == (value, unit, kind, comparison)
    assert phrase == text


def test_values_are_exact_decimals_not_float_noise():
    assert one("突破1.3万家")[1] == 13000
    assert one("新增0.7万户")[1] == 7000


def test_two_targets_in_one_clause_joined_by_a_list_mark():
    found = find_in_text("新增品牌连锁便利店200家、智慧商店1000家。")
    assert [(p, v, u) for p, v, u, _, _ in found] == [
        ("新增品牌连锁便利店200家", 200, "家"),
        ("智慧商店1000家", 1000, "家"),
    ]


def test_targets_joined_by_he_and_the_counted_noun_after_the_number():
    found = find_in_text("组织实施10个科技重大专项和80个重点研发计划项目")
    assert [p for p, *_ in found] == ["组织实施10个科技重大专项", "80个重点研发计划项目"]


def test_a_qualifier_before_the_counted_thing_is_not_a_target():
    found = find_in_text("谋划投资50亿元以上项目150个以上")
    assert [(v, u, c) for _, v, u, _, c in found] == [(150, "个", "以上")]
    found = find_in_text("引进总投资10亿元的项目20个")
    assert [(v, u) for _, v, u, _, _ in found] == [(20, "个")]


def test_a_quantity_with_yishang_before_a_noun_is_a_target_when_nothing_follows():
    assert one("获批建设10家以上全国重点实验室")[1:] == (10, "家", "累计", "以上")


def test_clauses_are_separate_phrases():
    found = find_in_text("整治易渍水点19处,新建排水管网100公里。")
    assert [p for p, *_ in found] == ["整治易渍水点19处", "新建排水管网100公里"]
    found = find_in_text("整治易渍水点１９处，新建排水管网１００公里。")
    assert [p for p, *_ in found] == ["整治易渍水点１９处", "新建排水管网１００公里"]


@pytest.mark.parametrize(
    "text",
    [
        "建成5号线二期、19号线,开工新港线西延线",
        "推进二七过江通道、江汉十桥建设",
        "谋划第五期轨道交通建设规划项目",
        "谋划第5期轨道交通建设规划项目",
        "2023年底前完成",
        "于2023年1月12日印发",
        "高标准打造5G网、千兆光网",
        "建设D+M工业设计小镇",
        "改造G107国道",
        "扎实推进十大重点工程",
        "开工建设亿元以上项目",
        "审批时间压缩至3个工作日",
        "实现24小时服务",
        "新增就业2万余人",
    ],
)
def test_names_dates_and_durations_are_not_targets(text):
    assert find_in_text(text) == []


def test_find_targets_tags_each_with_the_task_id():
    task = Task("2-5", "", "", "", "5", "新增品牌连锁便利店200家、智慧商店1000家。", ("市商务局",))
    targets = find_targets(task)
    assert [(t.task_id, t.value, t.unit, t.kind) for t in targets] == [
        ("2-5", 200, "家", "累计"),
        ("2-5", 1000, "家", "累计"),
    ]


def test_a_task_without_numbers_has_no_targets():
    assert find_targets(Task("2-3", "", "", "", "3", "坚持因城施策,改善预期。")) == []


@pytest.mark.parametrize(
    "text, value",
    [("120000", 120000), ("12万", 120000), ("１.３万", 13000), ("1,000", 1000), (" 6.5 ", 6.5)],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "十二万", "12万个", "abc"])
def test_parse_number_refuses_what_is_not_a_number(text):
    assert parse_number(text) is None
