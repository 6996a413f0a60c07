"""The 通报: the short Word document leaders sign, drafted from a round's `Summary`.

Two steps kept apart: `notice_context` turns a `Summary` and the office's standing texts into a
plain dict of Chinese sentences and rows (pure, testable without Word); `render_notice` fills the
Word template ``通报.docx`` with it through docxtpl. The template's wording is the office's to edit
in Word (a workspace's ``templates/通报.docx`` wins over the bundled one); its layout follows
GB/T 9704-2012 (``scripts/make_notice_template.py`` builds the bundled one).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from xltools.core.contracts import AHEAD, DONE, ON_SCHEDULE
from xltools.core.errors import NoticeError
from xltools.core.i18n import _
from xltools.master.workspace import DEFAULT_NOTICE
from xltools.summary.model import (
    ALL_STATUSES,
    BEHIND,
    SENT_BACK,
    UNREPORTED,
    Summary,
    TaskRow,
)

TEMPLATE = "通报.docx"
# Lists longer than this go to the annex table instead of the body.
BODY_LIST_LIMIT = 10
# How many names or tasks a sentence of the body lists before "等".
NAMES_IN_A_SENTENCE = 8
TASKS_IN_A_SENTENCE = 5
TARGETS_IN_A_SENTENCE = 5

_CN_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class NoticeTexts:
    """The office's standing texts (the ``notice`` settings of xltools.yaml)."""

    recipients: str = DEFAULT_NOTICE["recipients"]  # 主送
    requirements: tuple[str, ...] = tuple(DEFAULT_NOTICE["requirements"])  # 五、下步工作要求
    signature: str = ""  # 落款; the office's name when empty

    @classmethod
    def from_mapping(cls, settings: Mapping | None, office: str = "") -> NoticeTexts:
        settings = dict(settings or {})
        requirements = settings.get("requirements") or DEFAULT_NOTICE["requirements"]
        if isinstance(requirements, str):
            requirements = [requirements]
        return cls(
            recipients=str(settings.get("recipients") or DEFAULT_NOTICE["recipients"]),
            requirements=tuple(str(r).strip() for r in requirements if str(r).strip()),
            signature=str(settings.get("signature") or office or ""),
        )


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (for （一）-style numbering, up to 99)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_CJK = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]"
_ASCII_MARK = re.compile(rf"(?<={_CJK})\s*([,;:?!])\s*|\s*([,;:?!])\s*(?={_CJK})")
_PARENS = re.compile(r"\(([^()]*)\)")


def full_width(text: str) -> str:
    """ASCII punctuation next to Chinese text in its full-width form (units type 资金不足,进度慢)."""
    text = text or ""

    def parens(m: re.Match) -> str:
        before = text[m.start() - 1 : m.start()]
        if re.search(_CJK, m.group(1)) or re.fullmatch(_CJK, before or "a"):
            return f"（{m.group(1)}）"
        return m.group(0)

    text = _PARENS.sub(parens, text)
    return _ASCII_MARK.sub(lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)], text)


def quoted(text: str) -> str:
    """``text`` in “”, with quotes inside it turned into ‘’."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def brief(text: str, limit: int = 24) -> str:
    """A task's text cut to its first clause (or ``limit`` characters), for a sentence."""
    text = full_width(re.sub(r"\s+", "", text or ""))
    clause = re.split(r"[，,；;。：:]", text, maxsplit=1)[0]
    if 6 <= len(clause) <= limit:
        return clause
    return text if len(text) <= limit else text[:limit] + "…"


def _plain(text: str) -> str:
    """A unit's words on one line, without a final full stop (the sentence adds its own)."""
    return full_width(re.sub(r"\s*\n\s*", "；", (text or "").strip())).rstrip("。；;，, ")


def _names(names: Sequence[str], limit: int = NAMES_IN_A_SENTENCE) -> str:
    names = list(dict.fromkeys(n for n in names if n))
    if len(names) <= limit:
        return "、".join(names)
    return "、".join(names[:limit]) + f"等{len(names)}个单位"


def _section_name(name: str) -> str:
    """``二、重点工作`` → ``重点工作``; ``(一)着力扩大内需,持续…`` → ``着力扩大内需``."""
    name = re.sub(
        r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）])", "", name
    )
    return brief(name, 16) or "其他"


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def sent_back_tasks(summary: Summary) -> list[TaskRow]:
    """Tasks whose lead unit's return arrived but went back for correction."""
    return [t for t in summary.tasks if t.status == SENT_BACK]


def status_counts(summary: Summary) -> dict[str, int]:
    """The summary's counts by status, 退回修改 and 未报送 included, in the report's order."""
    return {s: summary.counts.get(s, 0) for s in ALL_STATUSES}


def unit_groups(summary: Summary) -> dict[str, list[str]]:
    """Units by how they reported: 按时, 逾期, 退回修改 (received, sent back), 未报送 (nothing usable)."""
    missing = [str(m["单位"]) for m in summary.missing]
    late = [str(m["单位"]) for m in summary.late]
    back = [str(m["单位"]) for m in summary.sent_back if m["单位"] not in missing]
    on_time = [
        u.name
        for u in summary.units
        if u.reporting == "按时" and u.name not in missing and u.name not in late
    ]
    return {"按时": on_time, "逾期": late, SENT_BACK: back, UNREPORTED: missing}


def _count_phrase(counts: Mapping[str, int]) -> str:
    words = {SENT_BACK: "因报送数据退回修改暂未评估", UNREPORTED: "牵头单位未报送"}
    parts = [f"{words.get(s, s)}{n}项" for s, n in counts.items() if n]
    return "，".join(parts) or "暂无任务"


def _closed_phrase(summary: Summary) -> str:
    """；另有N项任务已销号…: closed tasks are not among the counts ("" when none is closed)."""
    closed, newly = len(summary.closing.closed), len(summary.closing.newly)
    if not closed:
        return ""
    if newly == closed:
        during = "（均为本期销号）"
    else:
        during = f"（其中本期销号{newly}项）" if newly else ""
    return f"；另有{closed}项任务已销号{during}，不计入上述统计"


def _reporting_phrase(summary: Summary, groups: Mapping[str, list[str]]) -> str:
    r = summary.reporting
    expected, received = r.get("应报送", 0), r.get("已报送", 0)
    text = f"本期应报送单位{expected}个，已报送{received}个"
    late = [
        f"{m['单位']}{m['逾期天数']}天" if m.get("逾期天数") else str(m["单位"])
        for m in summary.late
    ]
    if received and not late:
        text += "，均按时报送"
    elif late:
        text += f"，其中按时报送{r.get('按时', 0)}个、逾期报送{len(late)}个（{_names(late, 20)}）"
    missing = groups[UNREPORTED]
    if missing:
        text += f"；未报送{len(missing)}个：{_names(missing, 20)}"
    return text + "。"


def _sent_back_phrase(summary: Summary, groups: Mapping[str, list[str]]) -> str:
    units = groups[SENT_BACK]
    if not units:
        return ""
    tasks = len(sent_back_tasks(summary))
    text = f"{_names(units, 20)}已报送，但所报数据存在错误，已退回修改"
    if tasks:
        text += f"；其牵头的{tasks}项任务暂列为“退回修改”，不计为未报送，待修改后重新评估"
    return text + "。"


def _changes_phrase(summary: Summary) -> str:
    """与上期相比：新完成…、恢复正常…、新增滞后… (empty without an earlier quarter or change)."""
    if not summary.previous_period:
        return ""
    changes = summary.changes or {}
    kinds = (("新完成", "新完成"), ("恢复正常", "恢复正常"), ("新增滞后", "新增滞后或未启动"))
    parts = [f"{what}{len(changes[key])}项" for key, what in kinds if changes.get(key)]
    if not parts:
        return ""
    text = f"与{summary.previous_period}相比，" + "，".join(parts)
    newly = changes.get("新增滞后", [])
    # Named only while the body names lagging tasks at all (else the annex does).
    if 0 < len(newly) <= 3 and len(_lagging(summary)) <= BODY_LIST_LIMIT:
        text += "（" + "、".join(_task_phrase(t) for t in newly) + "）"
    return text + "。"


def _task_phrase(task: TaskRow) -> str:
    # No task number in the body: a leader reads names, and "2-63" breaks across lines.
    return f"{quoted(brief(task.text))}（{task.leads}）"


def _good(summary: Summary) -> list[dict[str, str]]:
    items = []
    for status, head in ((DONE, "部分任务已经完成"), (AHEAD, "部分任务超序时推进")):
        tasks = [t for t in summary.tasks if t.status == status]
        if not tasks:
            continue
        shown = "、".join(_task_phrase(t) for t in tasks[:TASKS_IN_A_SENTENCE])
        more = f"等{len(tasks)}项" if len(tasks) > TASKS_IN_A_SENTENCE else ""
        items.append({"head": head, "body": f"{status}{len(tasks)}项：{shown}{more}。"})
    leading = []
    for unit in summary.units:
        s = unit.statuses
        ahead = s.get(DONE, 0) + s.get(AHEAD, 0)
        if unit.led and ahead and ahead + s.get(ON_SCHEDULE, 0) == unit.led:
            leading.append((ahead, unit.led, unit.name))
    if leading:
        leading.sort(key=lambda u: (-u[0], -u[1], u[2]))
        names = _names([name for _ahead, _led, name in leading])
        items.append(
            {
                "head": "部分单位推进有力",
                "body": f"{names}牵头的任务全部达到或超过序时进度，且有任务已完成或超序时推进。",
            }
        )
    return items


def _behind_rounds(task: TaskRow) -> int:
    """How many rounds running the task has been behind, from its light's reasons (0: this one
    only)."""
    for reason in task.reasons:
        found = re.match(r"连续(\d+)期", reason)
        if found:
            return int(found.group(1))
    return 0


def _lagging(summary: Summary) -> list[TaskRow]:
    return [t for t in summary.tasks if t.status in BEHIND]


def _by_section(tasks: list[TaskRow]) -> dict[str, list[TaskRow]]:
    grouped: dict[str, list[TaskRow]] = defaultdict(list)
    for task in tasks:
        grouped[task.section or "其他"].append(task)
    return grouped


def _counted(counter: Counter, limit: int = 5) -> str:
    return "、".join(f"{name}（{n}项）" for name, n in counter.most_common(limit))


def _problems(summary: Summary) -> list[dict[str, str]]:
    """三、存在的主要问题: the lagging tasks by section (named, or summed up with the annex listing
    them), tasks past their 完成时限, tasks behind for rounds, cumulative targets far behind."""
    lagging = _lagging(summary)
    in_annex = len(lagging) > BODY_LIST_LIMIT
    items = [
        _section_item(section, tasks, in_annex) for section, tasks in _by_section(lagging).items()
    ]
    if in_annex:
        items.append({"head": "", "body": f"滞后和未启动的{len(lagging)}项任务具体情况见附件2。"})
    more = (_overdue_item(summary), _rounds_item(lagging, in_annex), _far_targets_item(summary))
    return _numbered(items + [item for item in more if item])


def _section_item(section: str, tasks: list[TaskRow], in_annex: bool) -> dict[str, str]:
    """One section's lagging tasks: each named with its reason, or (when the annex lists them)
    who leads them, where they gather and the reasons given most."""
    statuses = Counter(t.status for t in tasks)
    size = "、".join(f"{s}{statuses[s]}项" for s in BEHIND if statuses[s])
    head = f"{_section_name(section)}方面"
    if not in_annex:
        details = "；".join(
            f"{_task_phrase(t)}{t.status}" + (f"，原因：{_plain(t.issues)}" if t.issues else "")
            for t in tasks
        )
        return {"head": head, "body": f"{size}：{details}。"}
    leads = Counter(name for t in tasks for name in t.leads.split("、") if name)
    body = f"{size}，涉及牵头单位{_counted(leads)}"
    directions = Counter(_section_name(t.direction) for t in tasks if t.direction)
    if len(directions) > 1:
        body += f"；主要集中在{_counted(directions, 4)}"
    reasons = Counter(_plain(t.issues) for t in tasks if t.issues)
    if reasons:
        top = reasons.most_common(3)
        body += "；主要原因：" + "；".join(
            f"{text}" + (f"（{n}项）" if n > 1 else "") for text, n in top
        )
    return {"head": head, "body": body + "。"}


def _overdue_item(summary: Summary) -> dict[str, str] | None:
    """Tasks past their 完成时限 and not done, with their time limits (None when none is)."""
    overdue = summary.followup.overdue
    if not overdue:
        return None
    deadlines = summary.followup.deadlines
    shown = "、".join(
        f"{quoted(brief(t.text))}（{t.leads}，完成时限{deadlines[t.id][0]}）"
        if t.id in deadlines
        else _task_phrase(t)
        for t in overdue[:TASKS_IN_A_SENTENCE]
    )
    more = "等" if len(overdue) > TASKS_IN_A_SENTENCE else ""
    return {
        "head": "部分任务逾期未完成",
        "body": f"{len(overdue)}项任务已过完成时限仍未完成：{shown}{more}。",
    }


def _rounds_item(lagging: list[TaskRow], in_annex: bool) -> dict[str, str] | None:
    """Tasks behind for two rounds or more (None when none is)."""
    rounds = [t for t in lagging if _behind_rounds(t)]
    if not rounds:
        return None
    if in_annex:  # the annex marks each one; the body says who leads them
        leads = Counter(name for t in rounds for name in t.leads.split("、") if name)
        which = f"，涉及牵头单位{_counted(leads, 3)}"
    else:
        which = "：" + "、".join(_task_phrase(t) for t in rounds[:TASKS_IN_A_SENTENCE])
        which += "等" if len(rounds) > TASKS_IN_A_SENTENCE else ""
    return {
        "head": "部分任务连续滞后",
        "body": f"{len(rounds)}项任务连续两期以上滞后或未启动{which}。",
    }


def _far_targets_item(summary: Summary) -> dict[str, str] | None:
    """Cumulative targets whose light is red (None when none is)."""
    far = [t for t in summary.targets if t.kind != "水平" and t.light == "红" and t.value]
    if not far:
        return None
    leads = {t.id: t.leads for t in summary.tasks}
    shown = "、".join(
        f"{quoted(brief(t.phrase, 30))}完成{_percent(t.share or 0)}（{leads.get(t.task_id, '')}）"
        for t in far[:TARGETS_IN_A_SENTENCE]
    )
    more = "等" if len(far) > TARGETS_IN_A_SENTENCE else ""
    return {
        "head": "部分指标完成明显滞后",
        "body": f"{len(far)}项累计指标完成值远低于序时进度{_percent(summary.due)}：{shown}{more}。",
    }


def summary_unit_names(summary: Summary) -> set[str]:
    return {u.name for u in summary.units}


def _coordination(summary: Summary) -> list[dict[str, str]]:
    items = []
    # The summary groups them by who is asked: a unit, a level, or nobody named.
    for asked, pairs in summary.coordination_groups:
        if asked in ("国家有关部委", "省有关部门"):
            head = f"需争取{asked}支持的事项（{len(pairs)}项）"
        elif asked.startswith("市政府"):
            head = f"需{asked}协调的事项（{len(pairs)}项）"
        elif asked in summary_unit_names(summary):
            head = f"需{asked}协调解决的事项（{len(pairs)}项）"
        else:
            head = f"其他事项（{len(pairs)}项）"
        by_text: dict[str, Counter] = {}
        for _task, line in pairs:
            by_text.setdefault(_plain(line.coordination), Counter())[line.unit] += 1
        parts = []
        for text, who in list(by_text.items())[:5]:
            units = "、".join(f"{unit}{n}项" if n > 1 else unit for unit, n in who.most_common())
            parts.append(f"{text}（{units}提出）")
        more = f"等{len(by_text)}类" if len(by_text) > 5 else ""
        items.append({"head": head, "body": "；".join(parts) + more + "。"})
    return _numbered(items)


def _numbered(items: list[dict[str, str]]) -> list[dict[str, str]]:
    """（一）…。 heads for the items that have one."""
    n = 0
    for item in items:
        if item["head"]:
            n += 1
            item["head"] = f"（{chinese_number(n)}）{item['head'].rstrip('。')}。"
    return items


def _requirement(n: int, text: str) -> dict[str, str]:
    """（一）压实工作责任。 in 楷体, the rest in 仿宋: the head is the first short sentence."""
    head, dot, rest = text.partition("。")
    if dot and len(head) <= 16 and rest:
        return {"head": f"（{chinese_number(n)}）{head}。", "body": rest}
    return {"head": f"（{chinese_number(n)}）", "body": text}


def _annex_rows(tasks: list[TaskRow]) -> list[dict[str, str]]:
    return [
        {
            "n": str(n),
            "id": t.id,
            "text": brief(t.text, 40),
            "leads": t.leads,
            "status": t.status,
            "rounds": str(_behind_rounds(t) or ""),  # quarters running behind, when more than one
            "progress": "" if t.progress is None else f"{t.progress:g}%",
            "issues": _plain(t.issues),
        }
        for n, t in enumerate(tasks, start=1)
    ]


def notice_context(
    summary: Summary, texts: NoticeTexts | None = None, *, workbook: str = ""
) -> dict:
    """Everything the 通报 template shows, as plain strings, lists and dicts (no Word needed).

    ``workbook`` is the summary workbook's file name, listed as 附件1. Besides the template's
    names, the dict holds ``counts`` (by status, 退回修改 on its own) and ``units`` (按时, 逾期,
    退回修改, 未报送: who reported how) for whoever checks the figures.
    """
    texts = texts or NoticeTexts(signature=summary.office)
    counts = status_counts(summary)
    groups = unit_groups(summary)
    lagging = _lagging(summary)
    annex = _annex_rows(lagging) if len(lagging) > BODY_LIST_LIMIT else []
    # The period as the heading gives it, after the title: without its year when the title has it.
    period = summary.heading("").removeprefix(summary.title)
    annex_title = f"{summary.period}滞后和未启动任务清单"
    names = [_workbook_name(summary, workbook, period)] if workbook else []
    attachments = _attachments(names + ([annex_title] if annex else []))
    return {
        "heading": f"关于{summary.heading('落实情况的通报')}",
        "recipients": texts.recipients,
        "office": summary.office or texts.signature,
        "subject": summary.title,
        "period": period,
        "period_end": f"{summary.period}末",
        "total": summary.total,
        "status_phrase": _count_phrase(counts) + _closed_phrase(summary),
        "due": _percent(summary.due),
        "changes_phrase": _changes_phrase(summary),
        "light_phrase": "亮红灯{红}项、黄灯{黄}项、绿灯{绿}项".format(
            **{c: summary.lights.get(c, 0) for c in ("红", "黄", "绿")}
        ),
        "reporting_phrase": _reporting_phrase(summary, groups),
        "sent_back_phrase": _sent_back_phrase(summary, groups),
        "good": _numbered(_good(summary)),
        "problems": _problems(summary),
        "coordination": _coordination(summary),
        "requirements": [_requirement(n, t) for n, t in enumerate(texts.requirements, start=1)],
        "attachments": attachments,
        "signature": texts.signature or summary.office,
        "date": f"{summary.date.year}年{summary.date.month}月{summary.date.day}日",
        "annex": annex,
        "annex_title": annex_title,
        "counts": counts,
        "units": groups,
    }


def _workbook_name(summary: Summary, workbook: str, period: str) -> str:
    """The summary workbook as an attachment: without the plan's title, which the heading already
    gives, and with its period's year (``period`` is the period as the file name has it)."""
    stem = Path(workbook).stem
    shown = stem.removeprefix(summary.title)
    if shown != stem and shown.startswith(period):
        shown = summary.period + shown[len(period) :]
    return shown or stem


def _attachments(names: list[str]) -> list[str]:
    """附件：… lines: one attachment unnumbered, several numbered and aligned under the first."""
    if len(names) == 1:
        return [f"附件：{names[0]}"]
    return [
        ("附件：" if n == 1 else "\u3000\u3000\u3000") + f"{n}．{name}"
        for n, name in enumerate(names, start=1)
    ]


def bundled_template() -> Path:
    """The 通报 template shipped with xltools."""
    from importlib.resources import files

    return Path(str(files("xltools.templates") / TEMPLATE))


def find_template(search: Sequence[Path] = ()) -> Path:
    """The first ``通报.docx`` in ``search`` (a workspace's ``templates/``), else the bundled one."""
    for folder in [*map(Path, search), bundled_template().parent]:
        candidate = folder / TEMPLATE
        if candidate.is_file():
            return candidate
    raise NoticeError(_("{name}: not found; reinstall xltools").format(name=TEMPLATE))


def render_notice(context: Mapping, target: Path, template: Path | None = None) -> Path:
    """Fill the Word template with ``context`` and save it as ``target``."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    template = Path(template or bundled_template())
    try:
        doc = DocxTemplate(str(template))
        doc.init_docx()
    except Exception as exc:  # python-docx raises zipfile's, lxml's or its own errors
        raise NoticeError(
            _("{name}: not a Word document (.docx): {error}").format(name=template.name, error=exc)
        ) from exc
    try:
        doc.render(dict(context), autoescape=True)
        doc.save(str(target))
    except TemplateError as exc:
        raise NoticeError(
            _("{name}: the template cannot be filled: {error}").format(
                name=template.name, error=exc
            )
        ) from exc
    return Path(target)


def notice_name(workbook: Path) -> Path:
    """The 通报 beside a summary workbook: ``…落实情况汇总.xlsx`` → ``…落实情况通报.docx``."""
    stem = workbook.stem.removesuffix("落实情况汇总")
    return workbook.with_name(f"{stem}落实情况通报.docx")


def write_notice(
    summary: Summary,
    target: Path,
    *,
    settings: Mapping | None = None,
    workbook: str = "",
    search: Sequence[Path] = (),
) -> Path:
    """Draft the 通报 of ``summary`` into ``target`` (through a temporary file beside it).

    ``settings`` is the ``notice`` mapping of xltools.yaml (主送, 下步工作要求, 落款); ``search``
    the folders whose ``通报.docx`` wins over the bundled template."""
    from xltools.core.files import replacing

    texts = NoticeTexts.from_mapping(settings, office=summary.office)
    context = notice_context(summary, texts, workbook=workbook)
    template = find_template(search)
    with replacing(Path(target)) as tmp:
        render_notice(context, tmp, template)
    return Path(target)
