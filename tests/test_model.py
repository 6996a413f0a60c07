from xltools.core.model import Master, Task, Unit
from xltools.distribute.round import assign


def directory() -> Master:
    return Master(
        tasks=[
            Task(
                "1-1",
                "一、",
                "",
                "",
                "1",
                "新改扩建中小学10所。",
                ("市教育局",),
                ("各县(市、区)人民政府",),
            ),
            Task("1-2", "一、", "", "", "2", "新增停车泊位2万个。", ("市住建局",)),
        ],
        units=[
            Unit("市教育局"),
            Unit("市住建局", aliases=("市住房和城乡建设局",)),
            # typed in Excel with a Chinese input method: full-width brackets and commas
            Unit("襄城区人民政府", groups=("各县（市、区）人民政府",)),
            Unit("枣阳市人民政府", groups=("各县（市、区）人民政府",)),
        ],
    )


def test_a_group_typed_full_width_defines_the_plans_half_width_word():
    master = directory()
    assert master.members("各县(市、区)人民政府") == ["襄城区人民政府", "枣阳市人民政府"]
    assert master.members("各县（市、区）人民政府") == ["襄城区人民政府", "枣阳市人民政府"]
    assert master.members("各区人民政府") == []


def test_unit_lookup_exact_first_then_ignoring_width_and_spaces():
    master = directory()
    assert master.unit("市住建局").name == "市住建局"
    assert master.unit("市住房和城乡建设局").name == "市住建局"
    assert master.unit(" 市住建局 ").name == "市住建局"
    assert master.unit("市住建厅") is None


def test_distribute_routes_a_group_defined_full_width():
    # check_master accepted this directory while distribute said the group had no members.
    books = {a.recipient: [r.task for r in a.rows] for a in assign(directory())}
    assert books == {
        "市住建局": ["1-2"],
        "市教育局": ["1-1"],
        "襄城区人民政府": ["1-1"],
        "枣阳市人民政府": ["1-1"],
    }
