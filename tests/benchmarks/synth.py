"""A synthetic plan like the Wuhan seed, of any size, for benchmarks.

``synth_plan(5000)`` gives the text of a 目标任务责任分解方案 with a notice (due date), part 一 of main
targets (``(一)…``), part 二 of directions ``(一)…``, categories ``——…`` and tasks ``1.…`` numbered
through, each with an owner annotation in the seed's styles (lead + responsible, responsible only,
group words, shared suffixes, 〈〉 notes) and quantitative targets in many of the texts.
Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

BUREAUS = (
    "发改委", "经信局", "商务局", "教育局", "科技局", "民政局", "财政局", "人社局", "自然资源规划局",
    "生态环境局", "城建局", "城管执法委", "交通运输局", "水务局", "农业农村局", "文旅局", "卫健委",
    "市场监管局", "房管局", "体育局", "园林林业局", "地方金融局", "政务服务大数据局", "统计局",
    "公安局", "司法局", "乡村振兴局", "人才工作局", "应急管理局", "医保局", "退役军人事务局",
    "审计局", "外事办", "台办", "招商办", "粮食局", "信访局", "档案局", "气象局", "残联",
)  # fmt: skip
CENTRAL = ("江岸", "江汉", "硚口", "汉阳", "武昌", "青山", "洪山")
OUTER = ("东西湖", "蔡甸", "江夏", "黄陂", "新洲")
ZONES = ("东湖高新区", "武汉经开区", "临空港开发区", "长江新区", "东湖风景区")
OTHERS = ("市税务局", "人行武汉分行营管部", "武汉地铁集团", "市城投公司", "武汉城建集团")
GROUP_ALL = "各区人民政府"
GROUP_CENTRAL = "各中心城区人民政府"

VERBS = (
    "推进",
    "加快",
    "深化",
    "实施",
    "打造",
    "建设",
    "完善",
    "健全",
    "提升",
    "强化",
    "支持",
    "推动",
)
THINGS = (
    "国际消费中心城市", "数字经济产业园", "智能网联汽车基地", "知识产权保护体系", "城市更新行动",
    "老旧小区改造", "海绵城市", "绿色低碳发展", "营商环境", "科技成果转化", "乡村振兴示范带",
    "长江生态廊道", "公共服务“一圈通办”", "社区养老服务网络", "职业技能培训", "智慧城市大脑",
)  # fmt: skip
COUNTS = (
    ("新增停车泊位", "万个"), ("完成老旧燃气管网改造", "公里"), ("新增品牌连锁便利店", "家"),
    ("开工建设亿元以上项目", "个"), ("建成海绵城市", "平方公里"), ("完成居家适老化改造", "户"),
    ("新建排水管网", "公里"), ("引进培育总部企业", "家"), ("修复人行道", "万平方米"),
    ("培育支持本土优秀人才", "人"), ("打通断头路", "条"), ("整治易渍水点", "处"),
)  # fmt: skip
LEVELS = ("地区生产总值增长", "固定资产投资增长", "社会消费品零售总额增长", "居民消费价格涨幅")
TAILS = ("以上", "左右", "", "")
DIRECTIONS = (
    "着力扩大内需,持续增强稳增长内生动力", "着力发展产业,不断壮大实体经济",
    "着力建设科技创新中心,更好服务科技自立自强", "着力提升功能品质,精心打造宜居韧性智慧城市",
    "着力保障改善民生,不断增进人民群众福祉", "着力深化改革开放,持续激发发展活力",
)  # fmt: skip
CATEGORIES = (
    "千方百计提振促进消费",
    "增强先进制造业支撑力",
    "打造高能级创新平台",
    "大力实施城市更新",
)
NUMERALS = "一二三四五六七八九十"


@dataclass
class SynthPlan:
    """The text of a synthetic plan and what it holds."""

    text: str
    tasks: int
    units: list[str] = field(default_factory=list)
    groups: tuple[str, ...] = (GROUP_ALL, GROUP_CENTRAL)
    targets: int = 0


STREETS = (
    "中山", "解放", "建设", "和平", "友谊", "新华", "民主", "胜利", "长江", "汉江", "东湖", "南湖",
    "沙湖", "月湖", "龟山", "蛇山", "珞珈", "晴川", "汉水", "江滩", "花桥", "丹水", "永清", "堤角",
)  # fmt: skip


def unit_names(count: int) -> list[str]:
    """``count`` unit names (up to 7,166): districts, zones, others, city bureaus, district bureaus
    and, past 544, street offices (江岸区中山街道办事处 …), as a province-wide plan names them."""
    names = [f"{n}区人民政府" for n in CENTRAL + OUTER]
    names += [f"{z}管委会" for z in ZONES] + list(OTHERS)
    bureaus = [f"市{b}" for b in BUREAUS]
    # Past the city's own bureaus, district bureaus (江岸区商务局 …), as large plans name them.
    for district in CENTRAL + OUTER:
        if len(names) + len(bureaus) >= count:
            break
        bureaus += [f"{district}区{b}" for b in BUREAUS]
    streets = [a + b for a in STREETS for b in STREETS if a != b]
    for street in streets:  # street by street across the districts, so each district has some
        if len(names) + len(bureaus) >= count:
            break
        bureaus += [f"{district}区{street}街道办事处" for district in CENTRAL + OUTER]
    return (names + bureaus)[: max(count, 1)]


def inputs(tasks: int, units: int, folder: Path | None = None) -> tuple[Path, Path, SynthPlan]:
    """A plan file and its 单位名录 in ``folder`` (default: the benchmark run's cache), written
    once per run."""
    from tests.benchmarks.common import cache_dir

    folder = folder or cache_dir()
    plan_path = folder / f"plan-{tasks}-{units}.txt"
    units_path = folder / f"units-{tasks}-{units}.xlsx"
    plan = synth_plan(tasks, units)
    if not plan_path.exists():
        plan_path.write_text(plan.text, encoding="utf-8")
        write_units(units_path, plan)
    return plan_path, units_path, plan


def _label(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")


def _text(rng: random.Random) -> tuple[str, int]:
    """A task text and how many targets it states."""
    parts, targets = [f"{rng.choice(VERBS)}{rng.choice(THINGS)}"], 0
    roll = rng.random()
    if roll < 0.45:
        for _ in range(rng.choice((1, 1, 2))):
            what, unit = rng.choice(COUNTS)
            parts.append(f"{what}{rng.randint(2, 900)}{unit}{rng.choice(TAILS[1:])}")
            targets += 1
    elif roll < 0.55:
        parts.append(
            f"{rng.choice(LEVELS)}{rng.randint(2, 12)}.{rng.randint(0, 9)}%{rng.choice(TAILS)}"
        )
        targets += 1
    parts.append(f"{rng.choice(VERBS)}{rng.choice(THINGS)}")
    return ",".join(parts) + "。", targets


def _owners(rng: random.Random, bureaus: list[str], districts: list[str]) -> str:
    lead = rng.choice(bureaus)
    others = rng.sample(bureaus, k=min(len(bureaus), rng.randint(0, 5)))
    others = [o for o in others if o != lead]
    style = rng.random()
    if style < 0.4:
        others.append(GROUP_ALL)
    elif style < 0.5:
        others.append(GROUP_CENTRAL)
    elif style < 0.6 and len(districts) >= 3:
        picked = rng.sample(districts[:12], k=3)
        stems = [d.removesuffix("区人民政府") for d in picked]
        others.append("、".join(stems) + "区人民政府")  # a shared suffix written once
    if rng.random() < 0.15 or not others:
        return f"(责任单位:{'、'.join([lead, *others])})"
    return f"(牵头单位:{lead};责任单位:{'、'.join(others)})"


def synth_plan(tasks: int, units: int = 60, seed: int = 2023) -> SynthPlan:
    """A plan of ``tasks`` tasks (5 main targets + key tasks) owned by about ``units`` units."""
    rng = random.Random(seed)
    names = unit_names(units)
    districts = [n for n in names if n.endswith("区人民政府")]
    bureaus = [n for n in names if n not in districts] or names
    lines = [
        "2023年市《政府工作报告》目标任务责任分解方案(合成)",
        "各区人民政府,市人民政府各部门:",
        "各牵头单位于2023年2月10日前将制订的办理方案报市人民政府督查室。",
        "2023年市《政府工作报告》目标任务责任分解方案",
        "一、经济社会发展主要预期目标",
    ]
    main = min(5, tasks)
    total_targets = 0
    for i in range(1, main + 1):
        level = f"{LEVELS[i % len(LEVELS)]}{rng.randint(2, 9)}%{TAILS[i % 2]}。"
        note = "〈含开发区、长江新区、风景区管委会,下同〉" if i == 1 else ""
        lines.append(f"({_label(i)}){level}(牵头单位:{bureaus[0]};责任单位:{GROUP_ALL}{note})")
        total_targets += 1
    lines.append("二、重点工作")
    number, left = 0, tasks - main
    per_direction = max(1, -(-left // len(DIRECTIONS)))
    for d, direction in enumerate(DIRECTIONS, start=1):
        if left <= 0:
            break
        lines.append(f"({_label(d)}){direction}")
        chunk = min(per_direction, left)
        per_category = max(1, -(-chunk // len(CATEGORIES)))
        for category in CATEGORIES:
            if chunk <= 0:
                break
            lines.append(f"——{category}")
            for _ in range(min(per_category, chunk)):
                number += 1
                text, n = _text(rng)
                total_targets += n
                lines.append(f"{number}.{text}{_owners(rng, bureaus, districts)}")
                chunk -= 1
                left -= 1
    lines += ["", "武汉市人民政府办公厅", "2023年1月12日"]
    return SynthPlan("\n".join(lines) + "\n", tasks, names, targets=total_targets)


def write_plan(path: str | Path, tasks: int, units: int = 60, seed: int = 2023) -> SynthPlan:
    """Write a synthetic plan as UTF-8 text to ``path`` and return it."""
    plan = synth_plan(tasks, units, seed)
    Path(path).write_text(plan.text, encoding="utf-8")
    return plan


def write_units(path: str | Path, plan: SynthPlan) -> Path:
    """A unit directory (单位名录) defining the plan's group words, for ``--units``."""
    import xlsxwriter

    from xltools.core.contracts import UNIT_HEADERS, UNIT_SHEET
    from xltools.core.excel import write_table

    rows = []
    for name in plan.units:
        stem = name.removesuffix("区人民政府")
        groups = []
        if name.endswith("区人民政府") or name.endswith("管委会") and "集团" not in name:
            groups.append(GROUP_ALL)
        if stem in CENTRAL:
            groups.append(GROUP_CENTRAL)
        rows.append((name, "", "、".join(groups), "", "", "", ""))
    with xlsxwriter.Workbook(str(path)) as wb:
        write_table(wb, UNIT_SHEET, UNIT_HEADERS, rows)
    return Path(path)
