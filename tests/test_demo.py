"""The demo is the end-to-end test: two simulated quarters on the Wuhan sample."""

from collections import Counter

import pytest
from click.testing import CliRunner

from xltools.cli import main
from xltools.core.excel import read_sheets
from xltools.demo.run import run_demo
from xltools.summary.calc import STATUSES

RANK = {"未启动": 0, "滞后": 1, "序时推进": 2, "超序时进度": 3, "已完成": 4}


def table(path, sheet):
    rows = read_sheets(path)[sheet]
    header = [str(h) for h in rows[0]]
    return [
        dict(zip(header, row, strict=False))
        for row in rows[1:]
        if any(v not in ("", None) for v in row)
    ]


def figure(rows, label):
    """A key figure of 总览: the first value to the right of its label (which spans merged cells)."""
    for row in rows:
        for i, cell in enumerate(row):
            if cell == label:
                return next(v for v in row[i + 1 :] if v not in ("", None))
    raise AssertionError(f"{label} not on 总览")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    # LibreOffice's re-save has its own test in test_collect; here the simulation stays fast.
    return run_demo(tmp_path_factory.mktemp("demo") / "ws", seed=3, libreoffice=False)


def test_every_round_leaves_its_files(demo):
    for r in demo.rounds:
        reports = demo.root / "reports" / r.key
        for name in (
            "汇总数据.xlsx",
            "问题清单.xlsx",
            "报送情况.xlsx",
            r.summary.name,
            r.notice.name,
        ):
            assert (reports / name).is_file(), name
        assert r.sent == len(list((demo.root / "outbox" / r.key).glob("*.xlsx"))) - 1  # manifest


def test_reporting_matches_what_the_units_sent(demo):
    for r in demo.rounds:
        rows = table(demo.root / "reports" / r.key / "报送情况.xlsx", "报送情况")
        missing = {row["单位"] for row in rows if row["状态"] == "未报送"}
        late = {row["单位"] for row in rows if row["是否按时"] == "逾期"}
        assert missing == {x.unit for x in r.simulation.by_fate("missing")}
        assert late == {x.unit for x in r.simulation.by_fate("late")}


def test_mistakes_are_found_and_blocked_units_go_back(demo):
    for r in demo.rounds:
        codes = {(p.unit, p.code) for p in r.collection.problems}
        sent = {x.unit: x for x in r.simulation.returns}
        for unit, mistake in ((x.unit, x.mistake) for x in sent.values()):
            expected = {
                "status-not-in-list": "not-in-list",
                "missing-issues": "missing-value",
                "task-text-edited": "locked-cell-changed",
                "column-inserted": "column-added",
            }.get(mistake)
            if expected:
                assert (unit, expected) in codes, (r.key, unit, mistake)
        blocked = {p.unit for p in r.collection.errors}
        back = {p.stem for p in (demo.root / "reports" / r.key / "退回修改").glob("*.xlsx")}
        assert back == blocked


def test_summary_counts_are_the_lead_units_statuses(demo):
    for r in demo.rounds:
        merged = table(demo.root / "reports" / r.key / "汇总数据.xlsx", "任务填报")
        # The answers adopted for a unit are exactly what the simulation typed for it.
        sent = {x.unit: x for x in r.simulation.returns}
        by_task: dict[str, list[str]] = {}
        for row in merged:
            if row["角色"] != "牵头":
                continue
            unit = sent.get(row["单位"])
            status = ""
            if row["数据状态"] == "已采用":
                status = row["完成状态"]
                if unit and not unit.mistake:
                    assert status == unit.statuses[row["编号"]], (row["单位"], row["编号"])
            by_task.setdefault(row["编号"], []).append(status)
        expected = Counter(
            min((s for s in statuses if s), key=RANK.get, default="未报送")
            for statuses in by_task.values()
        )
        overview = read_sheets(r.summary)["总览"]
        assert figure(overview, "任务总数") == len(by_task) == 122
        for status in STATUSES:
            assert figure(overview, status) == expected.get(status, 0), (r.key, status)


def test_second_quarter_is_prefilled_and_shows_the_trend(demo):
    q1, q2 = demo.rounds
    unit = next(
        x for x in q1.simulation.returns if x.fate == "on-time" and not x.mistake and x.statuses
    )
    merged = table(demo.root / "reports" / q1.key / "汇总数据.xlsx", "任务填报")
    said = {
        row["编号"]: row["本期工作进展"]
        for row in merged
        if row["单位"] == unit.unit and row["角色"] == "牵头"
    }
    book = next((demo.root / "outbox" / q2.key).glob(f"*{unit.unit}.xlsx"))
    sent = table(book, "填报表")
    prefilled = {row["编号"]: row["本期工作进展"] for row in sent if row["角色"] == "牵头"}
    assert prefilled == said and all(said.values())
    assert figure(read_sheets(q2.summary)["总览"], "任务总数") == 122


def test_same_seed_same_answers(tmp_path, demo):
    again = run_demo(tmp_path / "ws", seed=3, rounds=("2023Q1",), libreoffice=False)
    first, second = demo.rounds[0].simulation, again.rounds[0].simulation
    assert [(x.unit, x.fate, x.mistake, x.statuses) for x in first.returns] == [
        (x.unit, x.fate, x.mistake, x.statuses) for x in second.returns
    ]
    a = read_sheets(demo.root / "reports" / "2023Q1" / "汇总数据.xlsx")["任务填报"]
    b = read_sheets(again.root / "reports" / "2023Q1" / "汇总数据.xlsx")["任务填报"]
    assert a == b


def test_demo_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["demo", str(tmp_path)])
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_a_task_closed_and_one_added_before_the_second_quarter(demo):
    q1, q2 = demo.rounds
    change = q2.change
    assert change.closed_on.isoformat() == "2023-05-15" and change.added == "2-116"
    assert [(c.kind, c.new) for c in q2.diff.changes] == [
        ("added", ("2-116",)),
        ("closed", (change.closed,)),
    ]
    ids = {k: {row["编号"] for row in table(demo.root / "reports" / k / "汇总数据.xlsx", "任务填报")}
           for k in (q1.key, q2.key)}  # fmt: skip
    assert change.closed in ids[q1.key] and change.closed not in ids[q2.key]
    assert change.added in ids[q2.key] and change.added not in ids[q1.key]
    sheets = read_sheets(q2.summary)
    assert figure(sheets["总览"], "已销号任务（不计入任务总数）") == 1
    assert [row[1] for row in sheets["已销号"][2:]] == [change.closed]
    hints = {row[0]: row[-1] for row in sheets["任务明细"] if row[0]}
    assert hints[change.added].startswith("本季度新增任务")
    assert (demo.root / "outbox" / q1.key / "留底" / "master.xlsx").is_file()


def test_the_demo_scores_its_rounds(demo):
    assert demo.score == demo.root / "reports" / "年度考核.xlsx"
    ranking = read_sheets(demo.score)["考核得分"]
    units = {row[1] for row in ranking[1:]}
    assert units == {x.unit for x in demo.rounds[0].simulation.returns}
    late = demo.rounds[1].simulation.by_fate("late")
    detail = read_sheets(demo.score)["扣分明细"]
    assert all(any(row[0] == x.unit and row[2] == "逾期报送" for row in detail) for x in late)


@pytest.mark.libreoffice
def test_the_notice_body_fits_four_pages_and_the_annex_follows(demo):
    """The 通报 of the second quarter prints its body (落款 and date included) on at most four
    pages; the annex table of lagging tasks starts on a page of its own."""
    import re
    import subprocess

    from xltools.summary.report import summary_pdf

    pdf = summary_pdf(demo.rounds[1].notice)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = []
    for n in range(1, int(re.search(r"Pages:\s+(\d+)", info)[1]) + 1):
        out = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages.append(re.sub(r"\s+", "", out))
    signed = next(n for n, text in enumerate(pages, start=1) if "督查室2023年7月" in text)
    assert signed <= 4
    if any("附件2" in text for text in pages):
        assert pages[signed].startswith("附件2")
