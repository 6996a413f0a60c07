"""The workspace: a folder with ``xltools.yaml``, the master list and the rounds' folders."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from xltools.core.errors import WorkspaceError
from xltools.core.files import read_yaml, replacing
from xltools.core.i18n import _

CONFIG = "xltools.yaml"
MASTER = "master.xlsx"
FOLDERS = ("outbox", "inbox", "reports")
DEFAULT_OFFICE = "市人民政府督查室"
DEFAULT_RESUBMIT_DAYS = 3  # working days to send back a corrected workbook (退回修改)

# The summary's traffic-light rules; each is explained in the comments of the yaml we write.
DEFAULT_LIGHTS = {
    "behind_share": 0.8,
    "red_after_first_quarter_not_started": True,
    "red_behind_rounds": 2,
    "target_far_below": 0.5,
}

# The year-end 考核's rules (`xltools score`); each is explained, in Chinese, in the yaml we write.
# A workspace written before these existed has no `scoring:` key and gets these values.
DEFAULT_SCORING = {
    "on_time": 20,
    "late_day": 1,
    "late_cap": 5,
    "unreported": 10,
    "sent_back": 2,
    "sent_back_cap": 10,
    "lead_behind": 2,
    "lead_not_started": 3,
    "lead_cap": 20,
}

# The standing texts of the 通报 that `xltools summary` drafts (summary/notice.py).
DEFAULT_NOTICE = {
    # 主送机关
    "recipients": "各区人民政府，市人民政府各部门：",
    # 五、下步工作要求: one paragraph each; the first sentence becomes its 楷体 heading
    "requirements": [
        "压实工作责任。各牵头单位要切实履行牵头职责，对滞后和未启动任务逐项分析原因，"
        "制定赶超措施，明确时间节点，确保按期完成年度目标任务。",
        "加强协调配合。各责任单位要主动对接、密切配合；对需协调解决的事项，相关单位要及时研究"
        "办理，并将办理情况反馈牵头单位。",
        "严格报送要求。各单位要按时、准确报送落实情况；数据被退回修改的单位要及时修改后重新报送，"
        "未按时报送的单位要说明原因。",
        "强化督查问效。对进度明显滞后、连续滞后的任务，将开展跟踪督办和实地督查，并视情予以通报。",
    ],
    # 落款 (the signing office); empty: the workspace's office
    "signature": "",
}

_QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")
_QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


@dataclass(frozen=True)
class Round:
    """One reporting round: the implementation plan (``plan``) or a quarter (``2023Q1``)."""

    key: str
    name: str
    form: str
    due: date
    period_end: date | None  # the quarter's last day; None for the plan round


@dataclass(frozen=True)
class Workspace:
    """A loaded ``xltools.yaml``: where things are, the rounds and the summary's light rules."""

    root: Path
    id: str
    title: str
    year: int
    office: str
    master_path: Path
    rounds: tuple[Round, ...]
    lights: dict = field(default_factory=lambda: dict(DEFAULT_LIGHTS))
    scoring: dict = field(default_factory=lambda: dict(DEFAULT_SCORING))
    notice: dict = field(default_factory=lambda: dict(DEFAULT_NOTICE))
    contact: str = ""  # the office's contact person, shown to the units
    phone: str = ""  # the office's phone, shown to the units
    resubmit_days: int = DEFAULT_RESUBMIT_DAYS  # working days a unit has to send a correction

    def round(self, key: str | Round) -> Round:
        """The round with this key; a `WorkspaceError` listing the known keys when unknown."""
        key = key.key if isinstance(key, Round) else str(key).strip()
        for item in self.rounds:
            if item.key.lower() == key.lower():
                return item
        known = ", ".join(r.key for r in self.rounds)
        raise WorkspaceError(
            _("{CONFIG}: no round {key!r} (known rounds: {known})").format(
                CONFIG=CONFIG, key=key, known=known
            )
        )

    def previous(self, key: str | Round) -> Round | None:
        """The round before this one in ``rounds``, or None for the first."""
        current = self.round(key)
        index = self.rounds.index(current)
        return self.rounds[index - 1] if index > 0 else None

    def outbox(self, key: str | Round) -> Path:
        """Where the round's workbooks for the units are written."""
        return self.root / "outbox" / self.round(key).key

    def inbox(self, key: str | Round) -> Path:
        """Where the units' returned files for the round are put."""
        return self.root / "inbox" / self.round(key).key

    def reports(self, key: str | Round) -> Path:
        """Where the round's merged data and reports go."""
        return self.root / "reports" / self.round(key).key

    def master(self):
        """The master list (`xltools.master.workbook.read_master` of ``master_path``)."""
        from xltools.master.workbook import read_master

        return read_master(self.master_path)


def year_of(title: str) -> int | None:
    """The year a plan's title names (``2023年市《政府工作报告》…`` -> 2023), or None."""
    found = _YEAR.search(title or "")
    return int(found.group(1)) if found else None


def default_rounds(year: int, plan_due: date | None = None) -> tuple[Round, ...]:
    """The plan round (due on the notice's date, else Feb 10) and the four quarters of ``year``,
    each due on the 20th of the month after the quarter ends."""
    rounds = [Round("plan", "办理方案", "plan", plan_due or date(year, 2, 10), None)]
    for n, (name, (month, day)) in enumerate(
        zip(_QUARTER_NAMES, _QUARTER_ENDS, strict=True), start=1
    ):
        due = date(year + 1, 1, 20) if n == 4 else date(year, month + 1, 20)
        rounds.append(
            Round(f"{year}Q{n}", f"{year}年{name}", "quarterly", due, date(year, month, day))
        )
    return tuple(rounds)


def find_root(start: Path | None = None) -> Path:
    """The folder holding ``xltools.yaml``: ``start`` (default: the current folder) or a parent."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return folder
    raise WorkspaceError(
        _(
            "no {CONFIG} in {here} or any parent folder: run `xltools init DIR --plan PLAN` to create a workspace, or pass -w DIR"
        ).format(CONFIG=CONFIG, here=here)
    )


def load(path: str | Path | None = None) -> Workspace:
    """The workspace at ``path`` (its folder or its ``xltools.yaml``), else found from the current
    folder upwards."""
    if path is None:
        root = find_root()
    else:
        path = Path(path)
        if path.is_file():
            root = path.resolve().parent
            config = path.resolve()
            return _parse(config, _read_yaml(config), root)
        if not path.is_dir():
            raise WorkspaceError(_("{path}: no such workspace folder").format(path=path))
        root = path.resolve()
        if not (root / CONFIG).is_file():
            raise WorkspaceError(
                _(
                    "{root}: not a workspace (no {CONFIG}); run `xltools init {path} --plan PLAN`"
                ).format(root=root, CONFIG=CONFIG, path=path)
            )
    config = root / CONFIG
    return _parse(config, _read_yaml(config), root)


def _read_yaml(config: Path) -> dict:
    data = read_yaml(config, WorkspaceError, str(config))
    if not isinstance(data, dict):
        raise WorkspaceError(
            _("{config}: expected keys such as id, title, year, rounds").format(config=config)
        )
    return data


def _as_date(value: object, config: Path, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise WorkspaceError(
            _("{config}: {where} must be a date like 2023-04-20, not {value!r}").format(
                config=config, where=where, value=value
            )
        ) from None


def _parse(config: Path, data: dict, root: Path) -> Workspace:
    missing = [k for k in ("id", "year", "master", "rounds") if not data.get(k)]
    if missing:
        raise WorkspaceError(
            _("{config}: missing key(s) {names}").format(config=config, names=", ".join(missing))
        )
    try:
        year = int(data["year"])
    except (TypeError, ValueError):
        raise WorkspaceError(
            _("{config}: year must be a number, not {year!r}").format(
                config=config, year=data["year"]
            )
        ) from None
    rounds = _rounds(config, data["rounds"])
    lights = _settings(
        data.get("lights"),
        DEFAULT_LIGHTS,
        _("{config}: lights must be a set of key: value settings").format(config=config),
    )
    scoring = _settings(
        data.get("scoring"),
        DEFAULT_SCORING,
        _("{config}: scoring must be a set of key: value settings").format(config=config),
    )
    return Workspace(
        root=root,
        notice=_notice(config, data.get("notice")),
        id=str(data["id"]),
        title=str(data.get("title") or ""),
        year=year,
        office=str(data.get("office") or DEFAULT_OFFICE),
        master_path=(root / str(data["master"])).resolve(),
        rounds=rounds,
        lights=lights,
        scoring=scoring,
        contact=str(data.get("contact") or ""),
        phone=str(data.get("phone") or ""),
        resubmit_days=_resubmit_days(config, data.get("resubmit_days")),
    )


def _rounds(config: Path, items: object) -> tuple[Round, ...]:
    """The ``rounds`` list of xltools.yaml; a round lacking a key, or a key listed twice, is an error."""
    if not isinstance(items, list):
        raise WorkspaceError(_("{config}: rounds must be a list of rounds").format(config=config))
    rounds = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise WorkspaceError(
                _("{config}: round {i} must have key, name, form and due").format(
                    config=config, i=i
                )
            )
        lacking = [k for k in ("key", "name", "form", "due") if not item.get(k)]
        if lacking:
            raise WorkspaceError(
                _("{config}: round {i} lacks {names}").format(
                    config=config, i=i, names=", ".join(lacking)
                )
            )
        key = str(item["key"])
        end = item.get("period_end")
        rounds.append(
            Round(
                key=key,
                name=str(item["name"]),
                form=str(item["form"]),
                due=_as_date(item["due"], config, f"due of round {key}"),
                period_end=_as_date(end, config, f"period_end of round {key}") if end else None,
            )
        )
    keys = [r.key for r in rounds]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise WorkspaceError(
            _("{config}: round key(s) listed twice: {names}").format(
                config=config, names=", ".join(repeated)
            )
        )
    return tuple(rounds)


def _resubmit_days(config: Path, raw: object) -> int:
    if raw is None:
        return DEFAULT_RESUBMIT_DAYS
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise WorkspaceError(
            _(
                "{config}: resubmit_days must be a whole number of working days from 1, not {value!r}"
            ).format(config=config, value=raw)
        )
    return raw


def _settings(given: object, defaults: dict, wrong_type: str) -> dict:
    """A settings mapping of xltools.yaml over its defaults; ``wrong_type`` is the error when it
    is there but not a mapping."""
    if given is not None and not isinstance(given, dict):
        raise WorkspaceError(wrong_type)
    return {**defaults, **(given or {})}


def _notice(config: Path, raw: object) -> dict:
    """The ``notice`` settings over their defaults; a wrong key or value is an error."""
    notice = dict(DEFAULT_NOTICE)
    if raw is None:
        return notice
    if not isinstance(raw, dict):
        raise WorkspaceError(
            _("{config}: notice must be a set of key: value settings").format(config=config)
        )
    mistakes = [
        _("unknown key {key!r}").format(key=key) for key in raw if key not in DEFAULT_NOTICE
    ]
    for key in ("recipients", "signature"):
        if key in raw and raw[key] is not None and not isinstance(raw[key], str):
            mistakes.append(_("{key} must be text").format(key=key))
    requirements = raw.get("requirements")
    if isinstance(requirements, str):
        requirements = [requirements]
    if requirements is not None and not (
        isinstance(requirements, list) and all(isinstance(r, str) for r in requirements)
    ):
        mistakes.append(_("requirements must be a list of paragraphs"))
    if mistakes:
        raise WorkspaceError(
            _("{config}: notice: {mistakes}").format(config=config, mistakes="; ".join(mistakes))
        )
    notice.update({k: v for k, v in raw.items() if v is not None})
    if requirements is not None:
        notice["requirements"] = requirements
    return notice


def _q(text: str) -> str:
    """A YAML scalar that reads back as the same string (JSON strings are valid YAML)."""
    import json

    return json.dumps(str(text), ensure_ascii=False)


def dump_yaml(ws: Workspace) -> str:
    """``xltools.yaml`` for this workspace, with comments so that an office can edit it by hand."""
    lines = [
        *_settings_yaml(ws),
        *_rounds_yaml(ws.rounds),
        *_lights_yaml(ws.lights),
        *_notice_yaml(ws.notice),
        *scoring_yaml(ws.scoring),
    ]
    return "\n".join(lines) + "\n"


def _settings_yaml(ws: Workspace) -> list[str]:
    """The top of ``xltools.yaml``: id, title, year, office, contact, resubmit_days, master."""
    try:
        master = ws.master_path.relative_to(ws.root).as_posix()
    except ValueError:
        master = ws.master_path.as_posix()
    return [
        "# xltools 工作区设置。标题、截止日期、联系人和亮灯规则可在此修改；id 请保持不变。",
        "",
        "# 写入下发的每个工作簿，用来识别报回的文件。切勿修改。",
        f"id: {_q(ws.id)}",
        "# 工作簿和报告上的标题。",
        f"title: {_q(ws.title)}",
        f"year: {ws.year}",
        "# 下发工作簿、接收报送的单位（各单位可见）。",
        f"office: {_q(ws.office)}",
        "# 督查室联系人和电话：写在填报说明和退回修改的“问题”表中，供各单位咨询。",
        f"contact: {_q(ws.contact)}",
        f"phone: {_q(ws.phone)}",
        "# 退回修改后，各单位须在几个工作日内重新报送（不含周六、周日）。",
        f"resubmit_days: {ws.resubmit_days}",
        "# 总表（任务清单、单位名录、指标），相对于本文件夹的路径。",
        f"master: {_q(master)}",
    ]


def _rounds_yaml(rounds: tuple[Round, ...]) -> list[str]:
    """The ``rounds:`` block of ``xltools.yaml``."""
    lines = [
        "",
        "# 报送轮次，按顺序排列。key：命令行中使用（xltools distribute 2023Q1）；",
        "# name：各单位看到的名称；form：表单定义（plan 或 quarterly）；",
        "# due：截止日期；period_end：季度报送所截至的最后一天（仅季度）。",
        "rounds:",
    ]
    for r in rounds:
        lines += [
            f"  - key: {_q(r.key)}",
            f"    name: {_q(r.name)}",
            f"    form: {_q(r.form)}",
            f"    due: {r.due.isoformat()}",
        ]
        if r.period_end:
            lines.append(f"    period_end: {r.period_end.isoformat()}")
    return lines


def _lights_yaml(given: dict) -> list[str]:
    """The ``lights:`` block of ``xltools.yaml``: the known rules commented, then any others."""
    lights = {**DEFAULT_LIGHTS, **given}
    lines = [
        "",
        "# 汇总的红黄绿灯规则。序时进度：轮次截至日时全年已过的比例（一季度 25%，二季度 50%……）。",
        "lights:",
        "  # 任务报送的进度低于序时进度的这一比例时亮黄灯（滞后）",
        "  # （0.8：二季度全年已过 50%，进度低于 40% 即为滞后）。",
        f"  behind_share: {_scalar(lights.pop('behind_share'))}",
        "  # 一季度之后仍为“未启动”的任务亮红灯。",
        "  red_after_first_quarter_not_started: "
        + _scalar(lights.pop("red_after_first_quarter_not_started")),
        "  # 连续这么多轮滞后（黄灯）的任务亮红灯。",
        f"  red_behind_rounds: {_scalar(lights.pop('red_behind_rounds'))}",
        "  # 累计类指标的完成值低于其序时部分的这一比例时亮红灯",
        "  # （0.5：二季度完成值低于全年目标的 25%）。",
        f"  target_far_below: {_scalar(lights.pop('target_far_below'))}",
    ]
    for key, value in lights.items():
        lines.append(f"  {key}: {_scalar(value)}")
    return lines


def _notice_yaml(given: dict) -> list[str]:
    """The ``notice:`` block of ``xltools.yaml``: the 通报's standing texts."""
    notice = {**DEFAULT_NOTICE, **given}
    return [
        "",
        "# 通报（xltools summary 在 reports/<轮次>/ 写出的 Word 稿）的固定文字，按本单位惯例修改。",
        "# 措辞和版式在 templates/通报.docx 中，可复制到本工作区的 templates/ 文件夹后用 Word 修改。",
        "notice:",
        "  # 主送机关。",
        f"  recipients: {_q(notice['recipients'])}",
        "  # 五、下步工作要求：每项一段；第一句（句号前）作为楷体小标题。",
        "  requirements:",
        *(f"    - {_q(r)}" for r in notice["requirements"]),
        "  # 落款（发文机关署名）；留空则用上面的 office。",
        f"  signature: {_q(notice['signature'])}",
    ]


_SCORING_COMMENTS = {
    "on_time": "每轮按时报送（在截止日期当天或之前报送）得分",
    "late_day": "逾期报送：每逾期一天扣分（不得按时报送分）",
    "late_cap": "每轮逾期扣分的上限",
    "unreported": "每轮未报送扣分",
    "sent_back": "每次退回修改扣分：被更正件替代的报表、收集时仍有错误的报表，各算一次",
    "sent_back_cap": "全年退回修改扣分的上限",
    "lead_behind": "年底（所选最后一个季度）每项牵头任务“滞后”扣分",
    "lead_not_started": "年底每项牵头任务“未启动”扣分",
    "lead_cap": "全年牵头任务扣分（滞后与未启动合计）的上限",
}


def scoring_yaml(scoring: dict) -> list[str]:
    """The ``scoring:`` block of ``xltools.yaml``, commented in Chinese for the office."""
    values = {**DEFAULT_SCORING, **scoring}
    lines = [
        "",
        "# 年度考核（xltools score）的计分规则。总分 = 按时报送得分 − 各项扣分；",
        "# 各项分值即权重，可按本地考核办法修改；上限填 null 表示不设上限。",
        "# 某一轮的报表是否按时、逾期几天，以报送情况.xlsx 中的保存时间和该轮截止日期为准。",
        "scoring:",
    ]
    for key, value in values.items():
        comment = _SCORING_COMMENTS.get(key)
        if comment:
            lines.append(f"  # {comment}")
        lines.append(f"  {key}: {_scalar(value)}")
    return lines


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return _q(value)


def save(ws: Workspace) -> Path:
    """Write ``xltools.yaml`` of ``ws`` (through a temporary file, so a failure loses nothing)."""
    config = ws.root / CONFIG
    with replacing(config) as tmp:
        tmp.write_text(dump_yaml(ws), encoding="utf-8")
    return config


def init_workspace(
    directory: str | Path,
    plan: str | Path,
    units: str | Path | None = None,
    title: str | None = None,
    year: int | None = None,
    lead: str = "explicit",
    *,
    office: str = DEFAULT_OFFICE,
    workspace_id: str | None = None,
    report=None,
    progress=None,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
) -> Workspace:
    """Create a workspace in ``directory``: import ``plan`` into ``master.xlsx`` and write
    ``xltools.yaml`` with the rounds. Refuses a folder that already holds a workspace.

    ``plan`` is any shape `xltools.plan.tables.read_plan_file` reads (``columns`` and ``sheet``
    for a table), or a master workbook. The year is ``year`` when given, else the one in the
    plan's title, else this year. The import's
    problems are added to ``report`` when one is passed. ``workspace_id`` fixes the id (the demo's
    runs are reproducible); by default it is random."""
    from xltools.master.workbook import import_source, write_master

    root = Path(directory)
    _refuse_existing(root)
    master, imported, plan_obj = import_source(plan, units, lead, columns=columns, sheet=sheet)
    if report is not None:
        report.extend(imported.problems)
    if progress:
        progress("imported")
    plan_title = plan_obj.title if plan_obj else ""
    due = plan_obj.due if plan_obj else None
    year = year or year_of(plan_title) or date.today().year
    ws = Workspace(
        root=root.resolve(),
        id=workspace_id or uuid.uuid4().hex,
        title=title or plan_title or f"{year}年目标任务督办",
        year=year,
        office=office,
        master_path=(root / MASTER).resolve(),
        rounds=default_rounds(year, due if _in_year(due, year) else None),
        lights=dict(DEFAULT_LIGHTS),
        scoring=dict(DEFAULT_SCORING),
    )
    root.mkdir(parents=True, exist_ok=True)
    write_master(master, ws.master_path)
    for name in FOLDERS:
        (root / name).mkdir(exist_ok=True)
    save(ws)
    return ws


def _in_year(day: date | None, year: int) -> bool:
    # A notice date from another year (a copied old notice) must not become this year's deadline.
    return day is not None and day.year == year


def _refuse_existing(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise WorkspaceError(_("{root}: exists and is not a folder").format(root=root))
    if not root.exists():
        return
    taken = [name for name in (CONFIG, MASTER) if (root / name).exists()]
    taken += [
        f"{name}/" for name in FOLDERS if (root / name).is_dir() and any((root / name).iterdir())
    ]
    if taken:
        raise WorkspaceError(
            _("{root}: already holds a workspace ({names}); choose an empty or new folder").format(
                root=root, names=", ".join(taken)
            )
        )
