"""完成时限 as people write it, read as a date: ``6月底前`` -> 06-30 of the plan's year."""

from __future__ import annotations

import calendar
import datetime
import re

from xltools.core.text import squash

_CN = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)} | {"〇": 0}
_CN_MONTH = re.compile(r"([一二三四五六七八九十]{1,3})(?=月)")
_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_MONTH = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})[日号]|(上旬|中旬|下旬|初))?")
_YEAR_END = re.compile(r"(?:(\d{4}))?年(?:底|末|内|终)|全年|本年度")
_HALF = re.compile(r"(?:(\d{4})年)?([上下])半年")
_QUARTER = re.compile(r"(?:(\d{4})年)?(?:第)?([一二三四1-4])季度|(?:(\d{4})年)?Q([1-4])", re.I)
_YEAR = re.compile(r"(\d{4})年(?![\d底末内终上下第一二三四前])")
# Tasks that run all year or longer have no date: 持续推进, 长期坚持, 常态化, 每季度 …
_ONGOING = re.compile(
    r"持续|长期|常态|长效|逐步|逐年|每年|每季|每月|定期|适时|按.{0,4}(要求|进度|计划)"
)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _cn_month(m: re.Match) -> str:
    text = m.group(1)
    if text == "十":
        return "10"
    if text.startswith("十"):
        return str(10 + _CN[text[1]])
    return str(_CN[text[0]] * 10 + _CN[text[2]]) if len(text) == 3 else str(_CN[text])


def deadline_of(text: str, year: int) -> datetime.date | None:
    """The date a 完成时限 means, in the plan's ``year`` unless it names its own: the latest date
    it names (``6月底前完成方案,年底前建成`` -> 12-31). ``None`` for an empty or open-ended one
    (``持续推进``, ``长期``); `ValueError` for one that cannot be read."""
    raw = squash(text)
    if not raw:
        return None
    raw = _CN_MONTH.sub(_cn_month, raw)
    found: list[datetime.date] = []
    try:
        for m in _ISO.finditer(raw):
            found.append(datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        rest = _ISO.sub(" ", raw)
        for m in _MONTH.finditer(rest):
            y, month = int(m.group(1) or year), int(m.group(2))
            if m.group(3):
                found.append(datetime.date(y, month, int(m.group(3))))
            elif m.group(4) in ("上旬", "初"):
                found.append(datetime.date(y, month, 10))
            elif m.group(4) == "中旬":
                found.append(datetime.date(y, month, 20))
            else:  # 6月, 6月底, 6月底前, 下旬
                found.append(_month_end(y, month))
        for m in _YEAR_END.finditer(rest):
            found.append(datetime.date(int(m.group(1) or year), 12, 31))
        for m in _HALF.finditer(rest):
            found.append(_month_end(int(m.group(1) or year), 6 if m.group(2) == "上" else 12))
        for m in _QUARTER.finditer(rest):
            y = int(m.group(1) or m.group(3) or year)
            quarter = _CN_QUARTER[m.group(2) or m.group(4)]
            found.append(_month_end(y, quarter * 3))
        for m in _YEAR.finditer(rest):
            found.append(datetime.date(int(m.group(1)), 12, 31))
    except (ValueError, KeyError) as exc:  # 2月30日, 13月
        raise ValueError(f"not a date: {text!r}") from exc
    if found:
        return max(found)
    if _ONGOING.search(raw):
        return None
    raise ValueError(f"not a deadline: {text!r}")
