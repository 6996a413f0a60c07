"""Normalise what a unit typed into one cell, by the field's type.

`normalise(field, raw, year=…)` returns ``(value, problem)``: the clean value (or None when the cell
is empty) and a `Problem` without a place (the caller adds unit, file, sheet, cell) or None.

Rules (what a clerk types and what we take):
- numbers: ``50``, ``５０``, ``1,200``, ``50.0`` as typed, ``6万``/``1.2亿`` multiplied out; text that is not a number -> ``not-a-number``.
- integers: a number with a fraction -> ``not-an-integer``.
- percents are stored 0–100: ``50``, ``50%``, ``50％``, ``五成`` and ``百分之五十`` all give 50.
  A bare number strictly between 0 and 1 (``0.5``) is ambiguous (0.5 % or 50 %): we take 50 and
  warn ``ambiguous-percent``, unless the caller says the cell holds a fraction (in an .xlsx a cell
  formatted as a percentage — what typing ``50%`` in Excel produces — stores 50 % as 0.5; the
  inbox reads those formats), when the number is multiplied by 100 without a warning. An .xls or
  .ods keeps its formats where we do not look, so there such a 0.5 is still warned.
- bounds: below ``min`` or above ``max`` -> ``out-of-range``.
- dates: a date or datetime cell; an Excel serial number; ``2023/6/30``, ``2023-6-30``,
  ``2023.6.30``, ``2023年6月30日``, ``20230630``; ``2023年6月底``/``2023年6月`` (last day of the month);
  ``6.30``, ``6/30``, ``6月30日``, ``6月底`` (in the round's year); ``年底`` (31 December), ``上半年``
  (30 June). Anything else, or an impossible day (``2023/2/30``) -> ``not-a-date``.
- choices: compared after trimming and full-width normalisation (`xltools.core.text.squash`); the
  value taken is the choice as the form writes it; otherwise ``not-in-list``.
- text: cleaned (`xltools.core.text.clean`); longer than ``max_length`` -> ``text-too-long``.
- phones: 11-digit mobiles and landlines with optional area code and extension, several joined by
  ``、`` or ``,``; otherwise ``not-a-phone`` (a warning: the office can still call).
- persons: spaces inside a Chinese name removed (``张  三``); digits in a name -> ``not-a-person``
  (a warning).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from xltools.core.problems import WARNING, Problem, new_problem
from xltools.core.text import clean, halfwidth, is_empty, squash  # noqa: F401 (is_empty: also for callers)

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _problem(code: str, message: str, value: object, severity: str | None = None) -> Problem:
    return new_problem(code, message, severity, value="" if value is None else str(value))


def display(raw: object) -> str:
    """A cell value as a person reads it (numbers without a trailing ``.0``, dates as ISO)."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(" ")
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, timedelta):
        return str(raw)
    return clean(raw)


def normalise(
    field, raw: object, *, year: int, fraction: bool = False
) -> tuple[object, Problem | None]:
    """The clean value of one cell for ``field`` (a `forms.Field`) and a problem or None."""
    if is_empty(raw):
        return None, None
    kind = field.type
    if kind in ("number", "integer", "percent"):
        return _number(field, raw, fraction=fraction)
    if kind == "date":
        value, problem = parse_date(raw, year)
        low, high = getattr(field, "min", None), getattr(field, "max", None)
        if problem is None and ((low and value < low) or (high and value > high)):
            problem = _problem(
                "out-of-range",
                f"“{field.label}”应在 {low or ''}–{high or ''} 之间，现为 {value.isoformat()}，请核实",
                display(raw),
            )
        return value, problem
    if kind == "choice":
        return _choice(field, raw)
    if kind == "phone":
        return _phone(field, raw)
    if kind == "person":
        return _person(field, raw)
    return _text(field, raw)


def _text(field, raw: object) -> tuple[object, Problem | None]:
    text = display(raw)
    limit = getattr(field, "max_length", None)
    if limit and len(text) > limit:
        return text, _problem(
            "text-too-long",
            f"“{field.label}”最多 {limit} 字，现为 {len(text)} 字，请精简",
            text[:50] + "…",
        )
    return text, None


def _choice(field, raw: object) -> tuple[object, Problem | None]:
    typed = squash(display(raw))
    for choice in field.choices or ():
        if squash(choice) == typed:
            return choice, None
    options = "、".join(field.choices or ())
    return display(raw), _problem(
        "not-in-list",
        f"“{field.label}”只能从下拉列表中选择（{options}），请重新选择",
        display(raw),
    )


def parse_number(raw: object) -> tuple[float | None, bool]:
    """A number from a cell or typed text and whether it was written with a percent sign."""
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, (int, float)):
        return float(raw), False
    text = squash(raw).replace(",", "").replace("，", "")
    percent = False
    if text.endswith("%"):
        text, percent = text[:-1], True
    elif text.startswith("百分之"):
        text, percent = text[3:], True
        value = _chinese_number(text)
        return (float(value), True) if value is not None else (None, False)
    elif text.endswith("成") and len(text) >= 2:
        tenths = (
            _chinese_number(text[:-1])
            if not text[:-1].replace(".", "").isdigit()
            else float(text[:-1])
        )
        return (float(tenths) * 10, True) if tenths is not None else (None, False)
    scale = 1.0
    if not percent and text[-1:] in ("万", "亿") and _NUMBER.match(text[:-1]):
        # Large counts are written in 万 (10,000) and 亿 (100,000,000): "6万", "1.2亿".
        text, scale = text[:-1], 1e4 if text[-1] == "万" else 1e8
    if _NUMBER.match(text):
        return float(text) * scale, percent
    return None, False


def _chinese_number(text: str) -> int | None:
    """Chinese numerals up to 100 (``五``, ``十五``, ``五十``, ``一百``)."""
    if not text:
        return None
    if text in ("一百", "百"):
        return 100
    if all(c in _CN_DIGITS for c in text) and len(text) == 1:
        return _CN_DIGITS[text]
    match = re.fullmatch(r"([一二两三四五六七八九])?十([一二三四五六七八九])?", text)
    if match:
        tens = _CN_DIGITS[match.group(1)] if match.group(1) else 1
        ones = _CN_DIGITS[match.group(2)] if match.group(2) else 0
        return tens * 10 + ones
    return None


def _number(field, raw: object, *, fraction: bool) -> tuple[object, Problem | None]:
    value, percent = parse_number(raw)
    if value is None:
        return display(raw), _problem(
            "not-a-number",
            f"“{field.label}”应填写数字，现为“{display(raw)}”，请改为数字",
            display(raw),
        )
    problem = None
    if field.type == "percent" and not percent:
        if fraction:
            value = value * 100
        elif 0 < value < 1:
            value = value * 100
            problem = _problem(
                "ambiguous-percent",
                f"“{field.label}”填写为 {display(raw)}，已按 {value:g}% 理解；如不是请改为 0–100 之间的数字",
                display(raw),
                WARNING,
            )
    value = round(value, 6)
    if field.type == "integer":
        if not value.is_integer():
            return value, _problem(
                "not-an-integer", f"“{field.label}”应填写整数，现为“{display(raw)}”", display(raw)
            )
        value = int(value)
    low, high = getattr(field, "min", None), getattr(field, "max", None)
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"{'' if low is None else f'{low:g}'}–{'' if high is None else f'{high:g}'}"
        return value, _problem(
            "out-of-range",
            f"“{field.label}”应在 {bounds} 之间，现为“{display(raw)}”，请核实",
            display(raw),
        )
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value, problem


_YMD = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?号?$")
_YMD_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YM = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(底|末|前|份)?$")
_MD = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})日?号?(前)?$")
_M_END = re.compile(r"^(\d{1,2})月(底|末|前|份)?$")
_YEAR_PARTS = {
    "年底": (12, 31),
    "年末": (12, 31),
    "年内": (12, 31),
    "全年": (12, 31),
    "上半年": (6, 30),
    "年中": (6, 30),
    "一季度": (3, 31),
    "二季度": (6, 30),
    "三季度": (9, 30),
    "四季度": (12, 31),
}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_date(raw: object, year: int) -> tuple[date | str, Problem | None]:
    """A date from a date cell, an Excel serial or typed text; ``year`` completes ``6.30``."""
    if isinstance(raw, date):
        moment = raw if isinstance(raw, datetime) else datetime.combine(raw, datetime.min.time())
        if moment < _EXCEL_EPOCH + timedelta(days=30000):
            # A number typed into a date-formatted cell: ``6.30`` (6.3) reads as 1900-01-06. Which
            # day was meant (6月3日 or 6月30日) is lost, so the unit is asked, shown the number.
            # Excel counts a 29 February 1900 that never was: before March its day 1 is 1900-01-01.
            epoch = _EXCEL_EPOCH if moment >= datetime(1900, 3, 1) else datetime(1899, 12, 31)
            serial = (moment - epoch) / timedelta(days=1)
            return _not_a_date(round(serial, 6))
        return moment.date(), None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        # Excel serials of plausible years (1982–2064); a bare 2023 is not a date.
        if 30000 <= raw <= 60000:
            return (_EXCEL_EPOCH + timedelta(days=int(raw))).date(), None
        return _not_a_date(raw)
    text = squash(raw).replace("底前", "底").rstrip("前")
    text = text.removesuffix("止")
    try:
        for pattern in (_YMD, _YMD_COMPACT):
            match = pattern.match(text)
            if match:
                y, m, d = map(int, match.groups())
                return date(y, m, d), None
        match = _YM.match(text)
        if match:
            return _month_end(int(match.group(1)), int(match.group(2))), None
        match = _MD.match(text)
        if match:
            return date(year, int(match.group(1)), int(match.group(2))), None
        match = _M_END.match(text)
        if match:
            return _month_end(year, int(match.group(1))), None
        for part, (month, day) in _YEAR_PARTS.items():
            # "年底", "2023年底", "2023年年底", "2023上半年"
            head = text.removesuffix(part).removesuffix("年")
            if text.endswith(part) and re.fullmatch(r"(\d{4})?", head):
                return date(int(head) if head else year, month, day), None
    except ValueError:
        pass
    return _not_a_date(raw)


def _not_a_date(raw: object) -> tuple[str, Problem]:
    shown = display(raw)
    return shown, _problem(
        "not-a-date",
        f"“{shown}”不是有效日期，请填写如 2023-06-30 的日期",
        shown,
    )


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(\(?0\d{2,3}\)?-?)?[2-9]\d{6,7}(-\d{1,6})?$")


def _phone(field, raw: object) -> tuple[object, Problem | None]:
    text = display(raw)
    parts = [p for p in re.split(r"[、,;/；，\s]+", halfwidth(text)) if p]
    cleaned = [re.sub(r"[()]", "", p).replace("转", "-").replace("—", "-") for p in parts]
    ok = all(_MOBILE.match(p) or _LANDLINE.match(p) for p in cleaned)
    if not cleaned or not ok:
        return text, _problem(
            "not-a-phone",
            f"“{field.label}”“{text}”不像电话号码，请填写手机号或带区号的座机号",
            text,
            WARNING,
        )
    return "、".join(cleaned), None


def _person(field, raw: object) -> tuple[object, Problem | None]:
    text = clean(raw)
    # Two-character names are often padded to line up with three-character ones: "张  三".
    if (
        re.fullmatch(r"[\u4e00-\u9fff]+(\s+[\u4e00-\u9fff]+)+", text)
        and len(re.sub(r"\s", "", text)) <= 4
    ):
        text = re.sub(r"\s+", "", text)
    if re.search(r"\d", halfwidth(text)):
        return text, _problem(
            "not-a-person",
            f"“{field.label}”应填写姓名，现为“{text}”",
            text,
            WARNING,
        )
    return _text(field, text)
