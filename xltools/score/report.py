"""The 考核 workbook ``reports/年度考核.xlsx``: read the chosen rounds' reports, score, write.

Reads only what `xltools collect` wrote (``reports/<round>/报送情况.xlsx`` and ``汇总数据.xlsx``)
and the rules and due dates of ``xltools.yaml``. The same reports give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from xltools.core import contracts as c
from xltools.core.errors import MasterError, WorkbookError, WorkspaceError
from xltools.core.i18n import _
from xltools.score.calc import RoundData, score
from xltools.score.model import Rules, UnitScore

FILE = "年度考核.xlsx"
STATUS_FILE = c.STATUS_FILE
MERGED_FILE = c.MERGED_FILE
SHEETS = ("考核得分", "扣分明细", "排名图", "计分规则")
# A unit of count on a line of its own: wrapped where the column ends, （ could end a line.
HEADERS = (
    "排名",
    "单位",
    "按时报送\n（轮）",
    "按时报送得分",
    "逾期报送\n（轮）",
    "逾期天数",
    "逾期扣分",
    "未报送\n（轮）",
    "未报送扣分",
    "退回修改\n（次）",
    "退回修改扣分",
    "牵头任务\n滞后（项）",
    "牵头任务\n未启动（项）",
    "牵头任务扣分",
    "上限返还",
    "总分",
)
_FIXED = datetime(2000, 1, 1)  # document properties: the same reports give the same bytes
_RULES = (
    ("on_time", "每轮按时报送得分"),
    ("late_day", "逾期报送每天扣分（逾期的一轮不得按时报送分）"),
    ("late_cap", "每轮逾期扣分上限"),
    ("unreported", "每轮未报送扣分"),
    ("sent_back", "每次退回修改扣分（被更正件替代的报表、收集时仍有错误的报表各算一次）"),
    ("sent_back_cap", "全年退回修改扣分上限"),
    ("lead_behind", "年底每项牵头任务滞后扣分"),
    ("lead_not_started", "年底每项牵头任务未启动扣分"),
    ("lead_cap", "全年牵头任务扣分上限"),
)


def collected_rounds(ws) -> list:
    """The workspace's rounds whose reports collect has written, in the year's order."""
    return [r for r in ws.rounds if (ws.reports(r) / STATUS_FILE).is_file()]


def _records(path: Path, sheet: str, required: tuple[str, ...]) -> list[dict]:
    from xltools.core.excel import read_sheets
    from xltools.core.text import clean
    from xltools.master.units import find_table

    if not path.is_file():
        raise WorkbookError(
            _("{path}: not found; run `xltools collect {round}` first").format(
                path=path, round=path.parent.name
            )
        )
    try:
        grid = read_sheets(path).get(sheet)
    except Exception as exc:  # calamine raises its own types for damaged files
        raise WorkbookError(
            _("{path}: cannot be read ({error})").format(path=path, error=exc)
        ) from exc
    if grid is None:
        raise WorkbookError(
            _("{path}: has no sheet {sheet}; run `xltools collect {round}` again").format(
                path=path, sheet=sheet, round=path.parent.name
            )
        )
    try:
        header, _cols = find_table(grid, required, sheet, path.name)
    except MasterError as exc:
        raise WorkbookError(str(exc)) from exc
    names = [clean(h) for h in grid[header]]
    return [
        {h: v for h, v in zip(names, row, strict=False) if h}
        for row in grid[header + 1 :]
        if any(v not in ("", None) for v in row)
    ]


def read_round(ws, rnd) -> RoundData:
    """A collected round of workspace ``ws`` as the 考核 reads it."""
    from xltools.distribute.forms import load_form

    folder = ws.reports(rnd)
    status = _records(folder / STATUS_FILE, c.STATUS_SHEET, (c.UNIT, c.STATE_COLUMN))
    merged = folder / MERGED_FILE
    tasks = _records(merged, c.MERGED_TASK_SHEET, (c.ID, c.UNIT, c.ROLE, c.STATE))
    form = load_form(rnd.form, search=[ws.root / "templates"])
    label = next((f.label for f in form.task_fields if f.key == "status"), "")
    return RoundData(rnd.key, rnd.name, rnd.due, status, tasks, label)


def compute_score(ws, rounds: Sequence[str] | None = None) -> tuple[list, list[UnitScore], Rules]:
    """The chosen rounds (default: every collected round), the ranked scores and the rules."""
    chosen = [ws.round(k) for k in rounds] if rounds else collected_rounds(ws)
    if not chosen:
        raise WorkspaceError(
            _("no round has been collected yet: run `xltools collect ROUND` first")
        )
    order = {r.key: i for i, r in enumerate(ws.rounds)}
    chosen = sorted(dict.fromkeys(chosen), key=lambda r: order[r.key])
    rules = Rules.from_mapping(ws.scoring, source=str(ws.root / "xltools.yaml"))
    return chosen, score([read_round(ws, r) for r in chosen], rules), rules


def make_score(ws, rounds: Sequence[str] | None = None) -> Path:
    """Score the chosen rounds and write ``reports/年度考核.xlsx``; returns its path."""
    from xltools.core.files import replacing

    chosen, scores, rules = compute_score(ws, rounds)
    path = ws.root / "reports" / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as tmp:
        write_score(tmp, scores, rules, chosen, title=f"{ws.title}年度考核")
    return path


def row_of(item: UnitScore) -> list:
    """A unit's line of 考核得分, in the order of `HEADERS`."""
    return [
        item.rank,
        item.unit,
        item.on_time,
        item.points("按时报送"),
        item.late,
        item.late_days,
        item.points("逾期报送"),
        item.unreported,
        item.points("未报送"),
        item.sent_back,
        item.points("退回修改"),
        item.lead_behind,
        item.lead_not_started,
        item.points("牵头任务滞后", "牵头任务未启动"),
        item.points("上限"),
        item.total,
    ]


def write_score(path: Path, scores: list[UnitScore], rules: Rules, rounds, *, title: str) -> None:
    """Write the 考核 workbook: 考核得分, 扣分明细, 排名图 (a bar chart) and 计分规则."""
    import xlsxwriter

    from xltools.core.excel import office_formats, write_table

    with xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False}
    ) as wb:
        wb.set_properties({"title": title, "author": "xltools", "created": _FIXED})
        fmt = office_formats(wb)
        names = "、".join(r.name for r in rounds)
        scores_sheet = write_table(
            wb,
            SHEETS[0],
            HEADERS,
            [row_of(s) for s in scores],
            widths=(6, 28, 8, 9, 8, 7, 8, 8, 8, 8, 9, 9, 10, 9, 8, 8),
            formats=fmt,
            title=f"{title}（{names}）",
        )
        scores_sheet.set_row(0, 45)  # the headers wrap onto three lines
        write_table(
            wb,
            SHEETS[1],
            ("单位", "轮次", "项目", "说明", "分值"),
            [(x.unit, x.round, x.item, x.why, x.points) for s in scores for x in s.lines],
            widths=(28, 16, 14, 80, 8),
            formats=fmt,
            title=f"{title}扣分明细",
        )
        _chart_sheet(wb, scores, title)
        rows = [(key, _value(getattr(rules, key)), meaning) for key, meaning in _RULES]
        rows.append(("rounds", names, "参加考核的轮次"))
        write_table(
            wb,
            SHEETS[3],
            ("规则", "取值", "说明"),
            rows,
            widths=(18, 24, 70),
            formats=fmt,
            title=f"{title}计分规则（xltools.yaml 的 scoring）",
            landscape=False,
        )


def _value(value) -> object:
    return "不设上限" if value is None else value


def _chart_sheet(wb, scores: list[UnitScore], title: str) -> None:
    sheet = wb.add_worksheet(SHEETS[2])
    sheet.hide_gridlines(2)
    if not scores:
        return
    chart = wb.add_chart({"type": "bar"})
    last = len(scores)  # 考核得分 holds one row per unit below its header, in rank order
    font = {"name": "宋体", "size": 9}
    chart.add_series(
        {
            "name": "总分",
            "categories": [SHEETS[0], 1, 1, last, 1],
            "values": [SHEETS[0], 1, len(HEADERS) - 1, last, len(HEADERS) - 1],
            "fill": {"color": "#4472C4"},
            "gap": 50,
            "data_labels": {"value": True, "font": font},
        }
    )
    chart.set_title({"name": f"{title}排名", "name_font": {"name": "宋体", "size": 12}})
    # Labels at the low end: a negative total's bar would otherwise run over its unit's name.
    chart.set_y_axis(
        {"reverse": True, "crossing": "max", "num_font": font, "label_position": "low"}
    )
    chart.set_x_axis({"num_font": font, "major_gridlines": {"visible": True}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 760, "height": 120 + 18 * len(scores)})
    sheet.insert_chart("A1", chart)
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
