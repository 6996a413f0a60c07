"""Quantitative targets in task texts: ``新增停车泊位12万个`` -> 120000 个, 累计.

The rules, in the order they apply to each clause (text between ，,；;。！？：):

- A quantity is ASCII digits (full-width ones too) with an optional ``万``/``亿`` and a
  measure word from `MEASURES` (个, 家, 公里, 平方米, %, 亿元 …). Numbers written in Chinese
  characters (十大重点工程, 第五期, 二七过江通道) are never targets: they name things.
- Not a target: a number after ``第`` (第5期) or next to a Latin letter (5G, G107, D+M); a number
  whose word is not a measure (5号线, 19号线, 2023年, 1月12日, 24小时); a duration (3个工作日);
  a qualifier — a quantity followed by 以上/以下/级/规模/的 and a noun, with another quantity
  later in the same clause (谋划投资50亿元以上项目150个以上: only 150个 is the target).
- Money (元, 万元, 亿元) and a bare 万/亿 keep the unit as written (1450亿元 -> 1450, 亿元); other
  units are multiplied out (12万个 -> 120000 个, 1.3万家 -> 13000 家).
- 类型 is 水平 for a rate or a level: %, 百分点, ‰, 倍, or a clause saying 增长/下降/涨幅/占比/比重/
  提升到/提高到/总量/突破/控制在/保持在/…率; else 累计, a count built up over the year
  (打造…10个直播电商集聚区, 新增…200家).
- 比较 is the word after the quantity (以上/左右/以内/以下/及以上) or else the one right before it
  (达到/突破/不低于/不少于/超过/不超过/控制在/力争); ``提升到``/``提高到`` read as 达到.
- 指标 (the phrase) runs from the clause start, or from the end of the previous target in the
  clause, to the quantity and its comparison word, and on to the noun it counts when the quantity
  comes first (建设22个“一刻钟便民生活圈”), stopping at 、/和/及.
"""

from __future__ import annotations

import re
from decimal import Decimal

from xltools.core.contracts import CUMULATIVE, LEVEL
from xltools.core.model import Target, Task
from xltools.core.text import halfwidth

MONEY = ("万亿元", "亿元", "万元", "元")
MEASURES = (
    "平方公里", "平方千米", "平方米", "立方米", "公顷", "公里", "千米", "米", "亩",
    "个百分点", "百分点", "%", "‰", "倍",
    "万亿元", "亿元", "万元", "元",
    "千瓦时", "万千瓦", "千瓦", "兆瓦", "吨", "标箱",
    "人次", "家次", "户次", "架次", "艘次", "场次", "辆次",
    "个", "家", "户", "人", "名", "项", "条", "处", "座", "所", "台", "辆", "套", "间",
    "批", "场", "栋", "幢", "片", "部", "件", "张", "床", "艘", "架", "棵", "株", "只",
    "头", "支", "本", "篇", "门", "盏", "根", "口", "段", "站", "宗", "单", "次",
)  # fmt: skip
_LEVEL_UNITS = {"%", "‰", "个百分点", "百分点", "倍"}
_LEVEL_WORDS = (
    "增长", "增速", "增幅", "下降", "降低", "涨幅", "占比", "比重", "提升到", "提高到", "提升至",
    "提高至", "总量", "总数", "突破", "控制在", "保持在", "稳定在", "率", "指数", "规模达",
)  # fmt: skip
_AFTER = ("及以上", "以上", "左右", "以内", "以下", "之内")
_BEFORE = {
    "不低于": "不低于", "不少于": "不少于", "不超过": "不超过", "超过": "超过", "突破": "突破",
    "达到": "达到", "提升到": "达到", "提高到": "达到", "提升至": "达到", "提高至": "达到",
    "控制在": "控制在", "保持在": "保持在", "力争": "力争", "达": "达到",
}  # fmt: skip
_DURATIONS = ("工作日", "小时", "分钟", "个月", "天", "日", "年", "周")
_QUALIFIER_TAIL = ("以上", "以下", "级", "规模", "的")
# A comma between digits with three after it is a thousands separator (1,200个), not a clause end.
_CLAUSE = re.compile(r"[，；;。！？!?：:\n]|(?<!\d),|,(?!\d{3}(?!\d))")
_BOUNDARY = re.compile(r"、|和|及|与")
_measure = "|".join(re.escape(m) for m in sorted(MEASURES, key=len, reverse=True))
_QUANTITY = re.compile(
    r"(?<![0-9.A-Za-z+第])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(万亿|万|亿)?\s*(" + _measure + r")?"
)
_NUMBER = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(万亿|万|亿)?\s*$")
_MULTIPLIER = {"": Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000)}
_MULTIPLIER["万亿"] = _MULTIPLIER["万"] * _MULTIPLIER["亿"]


def parse_number(text: str) -> float | None:
    """A number typed as text: ``120000``, ``12万``, ``１.３万``, ``1,000``; None otherwise."""
    found = _NUMBER.match(halfwidth(str(text)).replace(",", ""))
    if not found:
        return None
    return float(Decimal(found.group(1)) * _MULTIPLIER[found.group(2) or ""])


def find_targets(task: Task) -> list[Target]:
    """The quantitative targets in a task's text, in order (see the module's rules)."""
    return [
        Target(task.id, phrase, value, unit, kind, comparison)
        for phrase, value, unit, kind, comparison in find_in_text(task.text)
    ]


def find_in_text(text: str) -> list[tuple[str, float, str, str, str]]:
    """(phrase, value, unit, kind, comparison) for each target in ``text``."""
    # halfwidth() maps one character to one, so positions found in it slice the text as written.
    plain = halfwidth(text)
    found = []
    start = 0
    for sep in [*_CLAUSE.finditer(plain), None]:
        end = sep.start() if sep else len(plain)
        found += _in_clause(text, plain, start, end)
        start = sep.end() if sep else end
    return found


def _in_clause(text: str, plain: str, start: int, end: int) -> list[tuple]:
    clause = plain[start:end]
    quantities = [m for m in _QUANTITY.finditer(clause) if m.group(3) or _bare(m, clause)]
    kept = []
    for n, match in enumerate(quantities):
        rest = clause[match.end() :]
        if rest.startswith(_DURATIONS) or _is_qualifier(rest, quantities[n + 1 :], match.end()):
            continue
        kept.append(match)
    out = []
    phrase_start = 0
    for n, match in enumerate(kept):
        number, multiplier, unit = match.group(1), match.group(2) or "", match.group(3)
        value = Decimal(number.replace(",", ""))
        if unit is None or unit in MONEY:
            unit = multiplier + (unit or "")  # money and bare 万/亿: the unit as written
        elif multiplier:
            value *= _MULTIPLIER[multiplier]
        after = clause[match.end() :]
        comparison = next((w for w in _AFTER if after.startswith(w)), "")
        stop = match.end() + len(comparison)
        if not comparison:
            before = clause[phrase_start : match.start()]
            word = next(
                (w for w in sorted(_BEFORE, key=len, reverse=True) if before.endswith(w)), ""
            )
            comparison = _BEFORE.get(word, "")
        next_start = kept[n + 1].start() if n + 1 < len(kept) else len(clause)
        tail = clause[stop:next_start]
        cut = _BOUNDARY.search(tail)
        if n + 1 < len(kept) or cut:
            stop += cut.start() if cut else 0
        else:
            stop = len(clause)
        phrase = text[start + phrase_start : start + stop].strip(" 、")
        context = clause[phrase_start : match.start()]
        kind = (
            LEVEL if unit in _LEVEL_UNITS or any(w in context for w in _LEVEL_WORDS) else CUMULATIVE
        )
        out.append((phrase, float(value), unit, kind, comparison))
        phrase_start = stop
        sep = _BOUNDARY.match(clause, phrase_start)
        if sep:
            phrase_start = sep.end()
    return out


def _bare(match: re.Match, clause: str) -> bool:
    """``突破2万亿`` counts (unit 万亿); ``2万余人`` does not."""
    rest = clause[match.end() :]
    return bool(match.group(2)) and (not rest.strip() or rest.startswith(_AFTER))


def _is_qualifier(rest: str, later: list[re.Match], offset: int) -> bool:
    """A quantity describing what is counted (亿元以上项目), not a target itself."""
    if not later:
        return False
    head = rest
    for word in _QUALIFIER_TAIL:
        if head.startswith(word):
            head = head[len(word) :]
            break
    else:
        return False
    between = rest[: later[0].start() - offset]
    return bool(head) and not _BOUNDARY.search(between) and head[:1] not in "、"
