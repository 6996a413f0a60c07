"""The 总览 sheet: key figures and native Excel charts, laid out to print on A4 landscape pages.

The charts read their numbers from a hidden sheet `图表数据` (a chart needs cells to point at);
each chart is placed on whole rows of a fixed height so that a manual page break never cuts one.
"""

from __future__ import annotations

import math

from xltools.core.contracts import AHEAD, DONE, LAGGING, LATE, NOT_STARTED, ON_SCHEDULE, ON_TIME
from xltools.core.excel import BODY_FONT, TITLE_FONT, print_setup, text_width, write_cell
from xltools.summary.model import ALL_STATUSES, SENT_BACK, UNREPORTED, Summary

DATA_SHEET = "图表数据"
COLUMNS = 10
# Ten columns of 14 characters (103 px in Excel with Calibri) just fill the width of A4 landscape,
# so "fit to one page wide" prints them at 100 % in Excel and smaller where Calibri's stand-in is
# wider (LibreOffice without Calibri: about 85 %); PAGE_ROWS rows fit a page either way, and the
# manual breaks fall between the charts.
COLUMN_WIDTH = 14
PAGE_WIDTH = 1000  # px: the ten columns less a margin
ROW_PX = 20  # the default row height (15 pt)
PAIR_ROWS = 9  # the least rows for the status share and reporting charts on page one
PAGE_ROWS = 31  # rows of 20 px (15 pt) on the printable height of A4 landscape (487 pt) at 100 %
TREND_ROWS = 12
STATUS_COLOURS = {
    DONE: "#2E7D32",
    AHEAD: "#66BB6A",
    ON_SCHEDULE: "#4F81BD",
    LAGGING: "#ED7D31",
    NOT_STARTED: "#C00000",
    SENT_BACK: "#8064A2",
    UNREPORTED: "#A6A6A6",
}
REPORTING_COLOURS = {ON_TIME: "#00B050", LATE: "#FFC000", UNREPORTED: "#C00000"}
_FONT = {"name": BODY_FONT, "size": 10}


def short(name: str, limit: int = 18) -> str:
    """A category label short enough for a chart axis."""
    name = name.strip()
    for stop in (",", ",", "。", ";"):
        head = name.split(stop)[0]
        if len(head) >= 6:
            name = head
    return name if len(name) <= limit else name[: limit - 1] + "…"


class _Data:
    """Writes the chart tables one under another on the hidden sheet; returns their ranges."""

    def __init__(self, wb):
        self.ws = wb.add_worksheet(DATA_SHEET)
        self.ws.hide()
        self.row = 0

    def table(self, headers: list[str], rows: list[list]) -> tuple[int, int]:
        """Write a table; return (first, last) data row indexes."""
        for col, header in enumerate(headers):
            write_cell(self.ws, self.row, col, header)
        for r, values in enumerate(rows, start=self.row + 1):
            for col, value in enumerate(values):
                write_cell(self.ws, r, col, value)
        first, last = self.row + 1, self.row + len(rows)
        self.row = last + 2
        return first, last

    def ref(self, first: int, last: int, col: int) -> list:
        return [DATA_SHEET, first, col, last, col]


def _style(chart, title: str, *, legend: str | None = "bottom") -> None:
    chart.set_title({"name": title, "name_font": {"name": TITLE_FONT, "size": 12, "bold": True}})
    if legend:
        chart.set_legend({"position": legend, "font": _FONT})
    else:
        chart.set_legend({"none": True})
    chart.set_chartarea({"border": {"color": "#BFBFBF"}})


def _segment_labels(rows: list[list], col: int, room: int, need: int = 16) -> dict:
    """Value labels of one stacked series, none on a segment too thin to hold a number: ``room``
    is the plot's length in px along the values (the axis runs to about 1.15 × the widest), ``need``
    the px a number takes along it (across a bar, its width; up a column, its height).

    A conditional number format (``[<9]"";0``) rather than deleted labels: LibreOffice honours
    the format but not per-point deletion."""
    widest = max((sum(r[1:]) for r in rows), default=0)
    least = max(1, math.ceil(widest * 1.15 * need / max(room, 1)))
    return {"value": True, "num_format": f'[<{least}]"";0', "font": {**_FONT, "color": "#FFFFFF"}}


def _status_chart(wb, data: _Data, summary: Summary):
    rows = [[s, summary.counts[s]] for s in ALL_STATUSES if summary.counts[s]]
    first, last = data.table(["完成状态", "任务数"], rows)
    # A pie with its labels outside on leader lines: thin slices (2 of 122) stay readable,
    # where labels inside a doughnut's ring would overlap.
    chart = wb.add_chart({"type": "pie"})
    chart.add_series(
        {
            "name": "任务数",
            "categories": data.ref(first, last, 0),
            "values": data.ref(first, last, 1),
            "points": [{"fill": {"color": STATUS_COLOURS[r[0]]}} for r in rows],
            "data_labels": {
                # Name and share; the counts are in the table above (a value format would also
                # reach the percentage in LibreOffice).
                "category": True,
                "percentage": True,
                "separator": " ",
                "position": "outside_end",
                "leader_lines": True,
                "font": _FONT,
            },
        }
    )
    # The thin slices are usually 已完成 at the start and 未报送 at the end: starting at three
    # o'clock puts their labels on the side, one above the other, instead of on top of each other.
    chart.set_rotation(90)
    _style(chart, f"任务完成状态分布（共{summary.total}项）", legend=None)
    return chart


def _by_status(
    wb, data: _Data, kind: str, label: str, rows: list[list], *, gap: int, room: int, need: int = 16
):
    """A stacked ``kind`` chart of ``rows`` ([category, count of each of ALL_STATUSES]), written
    to the data sheet under ``label``: one series per status in its colour, value labels as
    `_segment_labels` gives them for ``room`` and ``need``."""
    first, last = data.table([label, *ALL_STATUSES], rows)
    chart = wb.add_chart({"type": kind, "subtype": "stacked"})
    for col, status in enumerate(ALL_STATUSES, start=1):
        if not any(r[col] for r in rows):
            continue  # no empty series in the legend (退回修改 and 未报送 are usually none)
        chart.add_series(
            {
                "name": [DATA_SHEET, first - 1, col],
                "categories": data.ref(first, last, 0),
                "values": data.ref(first, last, col),
                "fill": {"color": STATUS_COLOURS[status]},
                "gap": gap,
                # No label on empty or thin segments (see _segment_labels).
                "data_labels": _segment_labels(rows, col, room, need),
            }
        )
    return chart


def _stacked(wb, data: _Data, table, title: str, label: str):
    names = [short(name) for name, _c in table]
    rows = [
        [n, *(counts.get(s, 0) for s in ALL_STATUSES)]
        for n, (_x, counts) in zip(names, table, strict=True)
    ]
    chart = _by_status(wb, data, "bar", label, rows, gap=60, room=PAGE_WIDTH - 220, need=12)
    # Categories top to bottom as in the table; the value axis stays at the bottom.
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": _FONT})
    chart.set_x_axis(
        {"num_font": _FONT, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    )
    _style(chart, title)
    return chart, len(rows)


def wrap_name(name: str, width: int = 9) -> str:
    """A unit's full name in lines of ``width`` characters, for a chart's category axis."""
    return "\n".join(name[i : i + width] for i in range(0, len(name), width))


def _ranking_chart(wb, data: _Data, summary: Summary):
    # Ranked by the number of tasks behind or not started; the unit's full name carries the tasks
    # it leads and the share ("市发改委（12/26，46%）"): one task of one reads differently. (Labels
    # built from cells are not shown by LibreOffice, so the figures go into the category.)
    rows = [
        [f"{name}（{behind}/{led}，{share:.0%}）", behind, led]
        for name, led, behind, share in summary.ranking
    ]
    first, last = data.table(["单位", "滞后及未启动数", "牵头任务数"], rows)
    chart = wb.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "滞后及未启动任务数",
            "categories": data.ref(first, last, 0),
            "values": data.ref(first, last, 1),
            "fill": {"color": "#ED7D31"},
            "gap": 50,
            "data_labels": {"value": True, "position": "outside_end", "font": _FONT},
        }
    )
    most = max((r[1] for r in rows), default=1)
    # Every unit's name on the axis (interval 1), none skipped to save room.
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": _FONT, "interval_unit": 1})
    chart.set_x_axis(
        {"min": 0, "max": math.ceil(most * 1.15) or 1, "major_unit": max(1, math.ceil(most / 6)),
         "num_font": _FONT}
    )  # fmt: skip
    _style(
        chart,
        "牵头单位滞后及未启动任务数排名（括号内：滞后及未启动数/牵头任务数，占比）",
        legend=None,
    )
    return chart, len(rows)


def _reporting_chart(wb, data: _Data, summary: Summary):
    kinds = ["按时", "逾期", UNREPORTED]
    first, last = data.table(["报送情况", "单位数"], [[k, summary.reporting[k]] for k in kinds])
    chart = wb.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "单位数",
            "categories": data.ref(first, last, 0),
            "values": data.ref(first, last, 1),
            "points": [{"fill": {"color": REPORTING_COLOURS[k]}} for k in kinds],
            "data_labels": {"value": True, "font": _FONT},
            "gap": 80,
        }
    )
    chart.set_x_axis({"num_font": _FONT})
    chart.set_y_axis({"num_font": _FONT, "min": 0})
    _style(chart, f"报送情况（应报送{summary.reporting['应报送']}个单位）", legend=None)
    return chart


def _trend_chart(wb, data: _Data, summary: Summary):
    # Columns side by side, each with its number on top: a stacked column hides small counts.
    present = [s for s in ALL_STATUSES if any(c.get(s) for _p, c in summary.trend)]
    rows = [[period, *(counts.get(s, 0) for s in present)] for period, counts in summary.trend]
    first, last = data.table(["期次", *present], rows)
    chart = wb.add_chart({"type": "column"})
    for col, status in enumerate(present, start=1):
        chart.add_series(
            {
                "name": [DATA_SHEET, first - 1, col],
                "categories": data.ref(first, last, 0),
                "values": data.ref(first, last, col),
                "fill": {"color": STATUS_COLOURS[status]},
                "gap": 60,
                "data_labels": {"value": True, "position": "outside_end", "font": _FONT},
            }
        )
    chart.set_x_axis({"num_font": _FONT})
    chart.set_y_axis({"num_font": _FONT, "min": 0})
    _style(chart, "本年度各期任务完成状态变化")
    return chart


def _key_figures(ws, fmt, summary: Summary) -> int:
    """The two tables of figures at the top, then a line each for the late units and who is asked
    to coordinate; returns the next free row."""
    ws.merge_range(3, 0, 3, 4, "一、任务推进情况", fmt["band"])
    ws.merge_range(3, 5, 3, 9, "二、报送、指标及协调情况", fmt["band"])
    left, right = _figure_rows(summary)
    for first_col, rows in ((0, left), (5, right)):
        ws.merge_range(4, first_col, 4, first_col + 2, "项目", fmt["header"])
        ws.write_string(4, first_col + 3, "数量", fmt["header"])
        ws.write_string(4, first_col + 4, "占比", fmt["header"])
        for r, (label, count, share) in enumerate(rows, start=5):
            style = (
                fmt.get(label[0]) if label.endswith("灯") and label[0] in "红黄绿" else fmt["body"]
            )
            ws.merge_range(r, first_col, r, first_col + 2, label, style)
            write_cell(ws, r, first_col + 3, count, fmt["int"])
            write_cell(
                ws, r, first_col + 4, share, fmt["pct0"] if share is not None else fmt["center"]
            )
    row = 5 + max(len(left), len(right)) + 1
    for text in _figure_notes(summary):
        ws.merge_range(row, 0, row, COLUMNS - 1, text, fmt["text"])
        rows = max(1, math.ceil(text_width(text) / (COLUMNS * COLUMN_WIDTH * 0.85)))
        ws.set_row(row, rows * 16.5 + 3)
        row += 1
    return row


def _figure_rows(summary: Summary) -> tuple[list, list]:
    """(label, count, share or None) of the task table and of the reporting table."""
    total = summary.total or 1
    left = [("任务总数", summary.total, None)]
    left += [(s, summary.counts[s], summary.counts[s] / total) for s in ALL_STATUSES]
    left += [(f"{c}灯", summary.lights[c], summary.lights[c] / total) for c in ("红", "黄", "绿")]
    left.append(("自报状态与进度不符", summary.flagged, None))
    rep = summary.reporting
    expected = rep["应报送"] or 1
    behind_targets = sum(1 for t in summary.targets if t.light in ("红", "黄"))
    right = [
        ("应报送单位", rep["应报送"], None),
        ("已报送单位", rep["已报送"], rep["已报送"] / expected),
        ("其中按时报送", rep[ON_TIME], rep[ON_TIME] / expected),
        ("其中逾期报送", rep[LATE], rep[LATE] / expected),
        ("其中报表退回修改", rep[SENT_BACK], rep[SENT_BACK] / expected),
        ("未报送单位", rep[UNREPORTED], rep[UNREPORTED] / expected),
        ("量化指标", len(summary.targets), None),
        (
            "指标亮红灯或黄灯",
            behind_targets,
            behind_targets / len(summary.targets) if summary.targets else None,
        ),
        ("已销号任务（不计入任务总数）", len(summary.closing.closed), None),
        ("其中本季度销号", len(summary.closing.newly), None),
        ("需协调事项", len(summary.coordination), None),
    ]
    return left, right


def _figure_notes(summary: Summary) -> list[str]:
    """The sentences under the tables: late units, changes since last round, coordination."""
    lines = []
    if summary.late:
        late = "、".join(
            f"{e['单位']}（{e['逾期天数']}天）" if e["逾期天数"] else str(e["单位"])
            for e in summary.late
        )
        lines.append(f"逾期报送：{late}。")
    if summary.previous_period:
        moved = "，".join(f"{k}{len(summary.changes.get(k, []))}项" for k in CHANGE_WORDS)
        lines.append(f"与{summary.previous_period}相比：{moved}（见“本期变化”）。")
    if summary.coordination_groups:
        asked = "、".join(f"{who}{len(items)}项" for who, items in summary.coordination_groups)
        lines.append(f"需协调事项{len(summary.coordination)}项，按协调对象：{asked}。")
    return lines


CHANGE_WORDS = ("新增滞后", "恢复正常", "新完成")


def write_overview(wb, ws, fmt, summary: Summary) -> None:
    """Fill 总览: title, key figures, and the charts, each kept whole on a printed page."""
    data = _Data(wb)
    ws.set_column(0, COLUMNS - 1, COLUMN_WIDTH)
    title = summary.heading("落实情况汇总")
    ws.merge_range(0, 0, 0, COLUMNS - 1, title, fmt["sheet_title"])
    ws.set_row(0, 30)
    note = f"统计期：{summary.period}（序时进度{summary.due:.0%}）    编制日期：{summary.date:%Y年%m月%d日}"
    if summary.office:
        note = f"编制单位：{summary.office}    {note}"
    ws.merge_range(1, 0, 1, COLUMNS - 1, note, fmt["subtitle"])
    row = _key_figures(ws, fmt, summary)
    # Page one: the figures, then status share and reporting side by side when they have room
    # there (else they open the next page).
    half = PAGE_WIDTH // 2 - 5
    pair = [(0, _status_chart(wb, data, summary)), (5, _reporting_chart(wb, data, summary))]
    room = PAGE_ROWS - row - 1
    blocks: list = []
    if room >= PAIR_ROWS:
        for col, chart in pair:
            chart.set_size({"width": half, "height": room * ROW_PX})
            # Anchored to its cells (moved and sized with them): LibreOffice, whose columns come
            # out narrower or wider than Excel's without Calibri, keeps the chart inside the page.
            ws.insert_chart(row, col, chart, {"object_position": 1})
    else:
        blocks.append((pair, PAIR_ROWS + 2))
    blocks += _later_blocks(wb, data, summary)
    used = _place_blocks(ws, fmt, blocks, half)
    ws.set_h_pagebreaks([PAGE_ROWS * (n + 1) for n in range(len(used))])
    # Fit to one page wide (print_setup), with the manual breaks: LibreOffice keeps both, so each
    # chart stays whole on its page (see COLUMN_WIDTH and PAGE_ROWS).
    print_setup(ws, title, landscape=True)
    ws.center_horizontally()
    ws.hide_gridlines(2)


def _later_blocks(wb, data, summary: Summary) -> list:
    """The charts after page one (or a sentence in place of one), each with its height in rows."""
    blocks: list = []
    for table, name in ((summary.by_section, "板块"), (summary.by_direction, "方向")):
        chart, n = _stacked(wb, data, table, f"各{name}任务完成状态", name)
        blocks.append((chart, min(PAGE_ROWS - 1, 4 + (n * 26 + 80) // ROW_PX)))
    if summary.ranking:
        chart, n = _ranking_chart(wb, data, summary)
        blocks.append((chart, min(PAGE_ROWS - 1, 3 + (n * 22 + 40) // ROW_PX)))
    else:
        blocks.append(("本期没有完成状态为滞后或未启动的牵头单位。", 2))
    if len(summary.trend) > 1:
        blocks.append((_trend_chart(wb, data, summary), TREND_ROWS))
    else:
        blocks.append(("本年度此前各期尚无汇总数据，趋势图自下期起显示。", 2))
    return blocks


def _place_blocks(ws, fmt, blocks: list, half: int) -> list[int]:
    """Put each block on the first later page with room for it; the rows used on each page."""
    # Every later page is PAGE_ROWS rows; a short chart fills the space a tall one left.
    used: list[int] = []
    for block, rows in blocks:
        page = next((n for n, u in enumerate(used) if u + rows <= PAGE_ROWS), None)
        if page is None:
            used.append(0)
            page = len(used) - 1
        at = PAGE_ROWS * (page + 1) + used[page]
        used[page] += rows
        if isinstance(block, str):
            ws.merge_range(at, 0, at, COLUMNS - 1, block, fmt["text"])
        elif isinstance(block, list):
            for col, chart in block:
                chart.set_size({"width": half, "height": rows * ROW_PX - 10})
                ws.insert_chart(at, col, chart, {"object_position": 1, "y_offset": 6})
        else:
            block.set_size({"width": PAGE_WIDTH, "height": rows * ROW_PX - 10})
            # A few px down: a frame drawn exactly on the page break shows on the page before.
            ws.insert_chart(at, 0, block, {"object_position": 1, "y_offset": 6})
    return used
