from datetime import date, datetime

import pytest

from xltools.collect.values import display, normalise, parse_date
from xltools.core.problems import WARNING
from xltools.distribute.forms import Field

PERCENT = Field("progress", "完成进度(%)", "percent", min=0, max=100)
NUMBER = Field("value", "累计完成值", "number", min=0)
INTEGER = Field("count", "数量", "integer")
STATUS = Field("status", "完成状态", "choice", choices=("已完成", "序时推进", "滞后"))
TEXT = Field("progress_text", "本期工作进展", "longtext", max_length=10)
PHONE = Field("phone", "联系电话", "phone")
PERSON = Field("name", "填报人", "person")
DATE = Field("deadline", "完成时限", "date")


def code(result):
    return None if result[1] is None else result[1].code


@pytest.mark.parametrize(
    "raw, value",
    [(50, 50), (50.0, 50), ("50", 50), ("50%", 50), ("５０", 50), ("50％", 50), (" 50 % ", 50),
     ("五成", 50), ("8成", 80), ("百分之五十", 50), (100, 100), (0, 0), ("12.5%", 12.5)],
)  # fmt: skip
def test_percents_are_normalised_to_0_100(raw, value):
    assert normalise(PERCENT, raw, year=2023) == (value, None)


def test_a_fraction_for_a_percent_is_taken_as_percent_with_a_warning():
    value, problem = normalise(PERCENT, 0.5, year=2023)
    assert value == 50
    assert (problem.code, problem.severity, problem.value) == ("ambiguous-percent", WARNING, "0.5")
    assert normalise(PERCENT, "0.4", year=2023)[0] == 40


def test_a_percent_formatted_column_holds_fractions_without_warning():
    assert normalise(PERCENT, 0.5, year=2023, fraction=True) == (50, None)
    assert normalise(PERCENT, 1.0, year=2023, fraction=True) == (100, None)
    assert normalise(PERCENT, "50%", year=2023, fraction=True) == (50, None)


@pytest.mark.parametrize(
    "field, raw, expected",
    [(PERCENT, 120, "out-of-range"), (PERCENT, "-5", "out-of-range"), (PERCENT, "过半", "not-a-number"),
     (NUMBER, "约三百", "not-a-number"), (NUMBER, "1,200", None), (NUMBER, "6万", None), (PERCENT, "6万", "out-of-range"), (INTEGER, 2.5, "not-an-integer"),
     (INTEGER, "３", None), (NUMBER, True, "not-a-number")],
)  # fmt: skip
def test_number_problems(field, raw, expected):
    assert code(normalise(field, raw, year=2023)) == expected


def test_counts_in_wan_and_yi():
    assert normalise(NUMBER, "６万", year=2023) == (60000, None)
    assert normalise(NUMBER, "1.2亿", year=2023) == (120000000, None)


def test_empty_cells_are_none_without_a_problem():
    for raw in (None, "", "   ", "\u3000"):
        assert normalise(PERCENT, raw, year=2023) == (None, None)


@pytest.mark.parametrize(
    "raw, expected",
    [(datetime(2023, 6, 30), date(2023, 6, 30)), (date(2023, 6, 30), date(2023, 6, 30)),
     (45107, date(2023, 6, 30)), (45107.0, date(2023, 6, 30)), ("2023/6/30", date(2023, 6, 30)),
     ("2023-6-30", date(2023, 6, 30)), ("2023.6.30", date(2023, 6, 30)),
     ("2023年6月30日", date(2023, 6, 30)), ("２０２３年６月３０日", date(2023, 6, 30)),
     ("2023年6月底", date(2023, 6, 30)), ("2024年2月底", date(2024, 2, 29)), ("2023年6月", date(2023, 6, 30)),
     ("6.30", date(2023, 6, 30)), ("6/30", date(2023, 6, 30)), ("6月30日", date(2023, 6, 30)),
     ("9月底前", date(2023, 9, 30)), ("年底前", date(2023, 12, 31)), ("2023年底", date(2023, 12, 31)), ("2024年年底", date(2024, 12, 31)), ("2023年上半年", date(2023, 6, 30)),
     ("20230630", date(2023, 6, 30))],
)  # fmt: skip
def test_dates(raw, expected):
    assert parse_date(raw, 2023) == (expected, None)


@pytest.mark.parametrize("raw", ["长期坚持", "2023/2/30", "13.40", 2023, "下周"])
def test_not_dates(raw):
    value, problem = normalise(DATE, raw, year=2023)
    assert problem.code == "not-a-date" and value == display(raw)


def test_a_number_typed_into_a_date_cell_is_not_a_date_of_1900():
    # 6.30 typed into the form's date-formatted 完成时限 is stored as 6.3 and read as a datetime.
    value, problem = parse_date(datetime(1900, 1, 6, 7, 12), 2023)
    assert problem.code == "not-a-date" and value == "6.3"
    assert "6.3" in problem.message
    value, problem = normalise(DATE, date(1900, 1, 9), year=2023)
    assert problem.code == "not-a-date" and value == "9"
    value, problem = normalise(DATE, datetime(1900, 4, 9), year=2023)
    assert problem.code == "not-a-date" and value == "100"
    assert parse_date(datetime(1982, 2, 18), 2023) == (date(1982, 2, 18), None)


def test_choices_after_trimming_and_full_width():
    assert normalise(STATUS, " 已完成 ", year=2023) == ("已完成", None)
    assert normalise(STATUS, "序时\u3000推进", year=2023) == ("序时推进", None)
    value, problem = normalise(STATUS, "基本完成", year=2023)
    assert (value, problem.code) == ("基本完成", "not-in-list")
    assert "已完成、序时推进、滞后" in problem.message


def test_text_too_long():
    assert normalise(TEXT, "一二三四五六七八九十", year=2023) == ("一二三四五六七八九十", None)
    assert code(normalise(TEXT, "一二三四五六七八九十一", year=2023)) == "text-too-long"
    assert normalise(TEXT, 12.0, year=2023) == ("12", None)


@pytest.mark.parametrize(
    "raw, expected, problem",
    [("13800138000", "13800138000", None), (13800138000.0, "13800138000", None),
     ("027-82345678", "027-82345678", None), ("(027)82345678", "02782345678", None),
     ("82345678转123", "82345678-123", None), ("13800138000、027-82345678", "13800138000、027-82345678", None),
     ("１３８００１３８０００", "13800138000", None), ("找小王", "找小王", "not-a-phone"), ("1380013800", "1380013800", "not-a-phone")],
)  # fmt: skip
def test_phones(raw, expected, problem):
    value, found = normalise(PHONE, raw, year=2023)
    assert (value, None if found is None else found.code) == (expected, problem)


def test_persons():
    assert normalise(PERSON, "张  三", year=2023) == ("张三", None)
    assert normalise(PERSON, "欧阳 明月", year=2023) == ("欧阳明月", None)
    assert code(normalise(PERSON, "13800138000", year=2023)) == "not-a-person"


def test_dates_outside_the_fields_bounds():
    bounded = Field("deadline", "完成时限", "date", min=date(2023, 1, 1), max=date(2023, 12, 31))
    assert normalise(bounded, "2023年6月底", year=2023) == (date(2023, 6, 30), None)
    value, problem = normalise(bounded, "2024/3/1", year=2023)
    assert (value, problem.code) == (date(2024, 3, 1), "out-of-range")
