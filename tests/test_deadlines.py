import datetime

import pytest

from xltools.core.deadlines import deadline_of


def d(month, day, year=2023):
    return datetime.date(year, month, day)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("6月底前", d(6, 30)),
        ("６月底", d(6, 30)),
        ("六月底前", d(6, 30)),
        ("十二月", d(12, 31)),
        ("2月底前", d(2, 28)),
        ("9月中旬", d(9, 20)),
        ("3月上旬前", d(3, 10)),
        ("5月20日前", d(5, 20)),
        ("年底前", d(12, 31)),
        ("年内", d(12, 31)),
        ("全年", d(12, 31)),
        ("上半年", d(6, 30)),
        ("下半年", d(12, 31)),
        ("第三季度", d(9, 30)),
        ("三季度末", d(9, 30)),
        ("前三季度", d(9, 30)),
        ("第一季度", d(3, 31)),
        ("Q2", d(6, 30)),
        ("2023年12月31日", d(12, 31)),
        ("2023年12月31日前", d(12, 31)),
        ("2024年6月底", d(6, 30, 2024)),
        ("2024年底前", d(12, 31, 2024)),
        ("2025年", d(12, 31, 2025)),
        ("2024年第一季度", d(3, 31, 2024)),
        ("2023-12-31", d(12, 31)),
        ("2023/6/30", d(6, 30)),
        ("2023-12-31T00:00:00", d(12, 31)),  # a date cell read back as text
        ("6月底前完成方案，年底前全面建成", d(12, 31)),  # the latest date named
        ("持续推进", None),
        ("长期坚持", None),
        ("常态化推进", None),
        ("按省里要求推进", None),
        ("", None),
        ("  ", None),
    ],
)
def test_deadline_of(text, expected):
    assert deadline_of(text, 2023) == expected


@pytest.mark.parametrize("text", ["尽快", "2月30日", "13月", "视情况而定", "待定"])
def test_a_deadline_that_cannot_be_read(text):
    with pytest.raises(ValueError):
        deadline_of(text, 2023)
