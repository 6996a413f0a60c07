"""The 通报 drafted from a summary: its figures and names, its template and its layout."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from tests.test_summary import (
    FIELDS,
    MASTER,
    Q2,
    Q2_LINES,
    Q2_STATUS,
    Q2_TARGETS,
    TASK_HEADERS,
    TITLE,
    A,
    B,
    C,
    D,
    E,
    line,
    workspace,  # noqa: F401  (the fixture)
    write_round,
)
from xltools.core.errors import NoticeError
from xltools.core.model import Master, Task, Unit
from xltools.summary.data import RoundData
from xltools.summary.model import STATUSES
from xltools.summary.notice import (
    BODY_LIST_LIMIT,
    brief,
    chinese_number,
    find_template,
    full_width,
    notice_context,
    render_notice,
)
from xltools.summary.report import compute_summary, make_summary, notice_path

TARGET_KEYS = ["编号", "指标", "目标值", "计量单位", "类型", "比较", "单位", "累计完成值", "文件"]
STATUS_KEYS = ["单位", "状态", "文件", "保存时间", "是否按时", "错误数", "警告数", "被替代的文件"]


def rows(lines, keys=(*TASK_HEADERS, *FIELDS)):
    return [dict(zip(keys, values, strict=False)) for values in lines]


def sent_back_round():
    """市发改委 (A) returned on time but its data went back for correction; 江汉区 (E) sent
    nothing; 市经信局 (C) was late."""
    lines = [list(x) for x in Q2_LINES]
    for n, values in enumerate(lines):
        if values[6] == A:
            lines[n] = line(values[0], A, values[7], state="退回修改")
    status = [list(s) for s in Q2_STATUS]
    status[0] = [A, "已报送", "a.xlsx", "2023-07-10 09:00", "按时", 1, 0, ""]
    return RoundData.from_rows(
        tasks=rows(lines),
        targets=rows(Q2_TARGETS, TARGET_KEYS),
        status=rows(status, STATUS_KEYS),
    )


@pytest.fixture
def summary():
    return compute_summary(
        MASTER,
        Q2,
        sent_back_round(),
        title=TITLE,
        office="市人民政府督查室",
        today=dt.date(2023, 7, 26),
    )


def document_text(path) -> str:
    from docx import Document

    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


# --- the figures and names ------------------------------------------------------------------------


def test_counts_are_the_summarys_with_sent_back_on_its_own(summary):
    context = notice_context(summary)
    counts = context["counts"]
    assert counts == summary.counts
    # 市发改委 leads 1-1, 2-3 and 2-8 alone: received, sent back, never 未报送
    assert counts["退回修改"] == 3
    assert counts["未报送"] == 1  # 2-5, led by 江汉区, which sent nothing
    assert sum(counts.values()) == summary.total
    phrase = context["status_phrase"]
    assert phrase.startswith("已完成1项，") and "，" in phrase
    for status, n in counts.items():
        if n and status in STATUSES:
            assert f"{status}{n}项" in phrase, status
    assert "退回修改暂未评估3项" in phrase and "牵头单位未报送1项" in phrase
    assert "未启动0项" not in phrase  # zero counts are left out, as a clerk writes it


def test_only_units_that_sent_nothing_usable_are_named_as_not_reporting(summary, tmp_path):
    context = notice_context(summary)
    assert context["units"]["未报送"] == [E]
    assert context["units"]["退回修改"] == [A]
    assert context["units"]["逾期"] == [C]
    reporting = context["reporting_phrase"]
    assert reporting == (
        "本期应报送单位5个，已报送4个，其中按时报送3个、逾期报送1个（市经信局5天）；"
        "未报送1个：江汉区人民政府。"
    )
    assert context["sent_back_phrase"].startswith("市发改委已报送，但所报数据存在错误，已退回修改")
    render_notice(context, tmp_path / "t.docx")
    text = document_text(tmp_path / "t.docx")
    # Every sentence naming 未报送 units names exactly those that sent nothing.
    named = re.findall(r"未报送\d+个：([^。；]+)", text)
    assert named == [E]
    for unit in (A, B, C, D):
        for sentence in re.split(r"[。；]", text):
            if unit in sentence and "未报送" in sentence:
                assert "不计为未报送" in sentence, sentence


def test_closed_and_overdue_tasks_are_told(summary):
    from xltools.summary.model import Closing, FollowUp

    context = notice_context(summary)
    assert "销号" not in context["status_phrase"]
    assert not any("逾期未完成" in item["head"] for item in context["problems"])

    summary.closing = Closing(closed=MASTER.tasks[:3], newly=MASTER.tasks[:1])
    late = summary.tasks[0]
    summary.followup = FollowUp(
        deadlines={late.id: ("2023年6月底", dt.date(2023, 6, 30))},
        has_deadlines=True,
        overdue=[late, summary.tasks[1]],
    )
    context = notice_context(summary)
    assert context["status_phrase"].endswith(
        "；另有3项任务已销号（其中本期销号1项），不计入上述统计"
    )
    (item,) = [item for item in context["problems"] if "逾期未完成" in item["head"]]
    assert item["head"].endswith("部分任务逾期未完成。")
    assert item["body"].startswith("2项任务已过完成时限仍未完成：")
    assert f"（{late.leads}，完成时限2023年6月底）" in item["body"]
    summary.closing = Closing(closed=MASTER.tasks[:2], newly=MASTER.tasks[:2])
    assert "已销号（均为本期销号）" in notice_context(summary)["status_phrase"]


def test_sentences_are_official_chinese(summary):
    context = notice_context(summary)
    assert context["heading"] == f"关于{TITLE}第二季度落实情况的通报"  # the year once
    assert context["period_end"] == "2023年第二季度末"
    assert context["changes_phrase"] == ""  # no earlier quarter to compare with
    assert context["light_phrase"] == "亮红灯{红}项、黄灯{黄}项、绿灯{绿}项".format(
        **summary.lights
    )
    assert context["date"] == "2023年7月26日"
    assert context["signature"] == "市人民政府督查室"
    assert [r["head"] for r in context["requirements"]][:2] == [
        "（一）压实工作责任。",
        "（二）加强协调配合。",
    ]
    problems = " ".join(p["body"] for p in context["problems"])
    # few lagging tasks: each in the body with its lead unit and its own reason, no annex
    assert "“争创国家制造业高质量发展试验区”（江岸区人民政府）未启动，原因：方案未批" in problems
    assert "“推进强链补链”（市经信局、江岸区人民政府）滞后，原因：" in problems
    assert context["annex"] == []
    assert context["attachments"] == []
    for item in (*context["good"], *context["problems"], *context["coordination"]):
        assert not re.search(r"[\u4e00-\u9fff][,;:()]", item["body"]), item


def test_coordination_is_grouped_by_who_must_act(summary):
    context = notice_context(summary)
    assert context["coordination"] == [
        {
            "head": "（一）其他事项（1项）。",
            "body": "需市财政局安排专项资金（市商务局提出）。",
        }
    ]


def test_many_lagging_tasks_go_to_an_annex_table(tmp_path):
    n = BODY_LIST_LIMIT + 2
    tasks = [
        Task(
            f"2-{i}",
            "二、重点工作",
            "(一)扩大内需,增强动力",
            "",
            str(i),
            f"第{i}项任务,内容",
            ("市发改委",),
        )
        for i in range(1, n + 1)
    ]
    master = Master(tasks=tasks, units=[Unit("市发改委")], targets=[])
    merged = RoundData.from_rows(
        tasks=rows(
            [
                [t.id, t.section, t.direction, "", t.label, t.text, "市发改委", "牵头", "已采用"]
                + ["滞后", 10, "推进中", "资金不足,进度慢", "加快", ""]
                for t in tasks
            ]
        ),
        status=rows([["市发改委", "已报送", "a.xlsx", "", "按时", 0, 0, ""]], STATUS_KEYS),
    )
    s = compute_summary(master, Q2, merged, title=TITLE, today=dt.date(2023, 7, 26))
    context = notice_context(s, workbook="汇总.xlsx")
    assert [row["id"] for row in context["annex"]] == [t.id for t in tasks]
    assert context["annex"][0]["issues"] == "资金不足，进度慢"
    assert context["annex"][0]["rounds"] == ""  # no earlier quarter: not behind twice
    assert context["attachments"] == [
        "附件：1．汇总",
        "\u3000\u3000\u30002．2023年第二季度滞后和未启动任务清单",
    ]
    body = " ".join(p["body"] for p in context["problems"])
    assert "第1项任务" not in body  # the body summarises; the annex lists
    assert f"滞后{n}项，涉及牵头单位市发改委（{n}项）" in body
    assert "主要原因：资金不足，进度慢（12项）" in body
    render_notice(context, tmp_path / "t.docx")
    from docx import Document

    table = Document(str(tmp_path / "t.docx")).tables[0]
    assert len(table.rows) == n + 1
    assert [c.text for c in table.rows[1].cells][:5] == [
        "1",
        "2-1",
        "第1项任务，内容",
        "市发改委",
        "滞后",
    ]


def test_helpers():
    assert [chinese_number(n) for n in (1, 9, 10, 12, 20, 25)] == [
        "一",
        "九",
        "十",
        "十二",
        "二十",
        "二十五",
    ]
    assert brief("加快建设国际消费中心城市,推动消费升级") == "加快建设国际消费中心城市"
    long = "短句,后面" + "很长" * 11
    assert brief(long) == "短句，后面" + "很长" * 9 + "很…"  # 24 characters and …
    assert full_width("资金不足,进度慢(约30%)") == "资金不足，进度慢（约30%）"
    assert full_width("增长(6.5%)以上,A (B)") == "增长（6.5%）以上，A (B)"
    assert full_width("完成1,000个, 超过 target") == "完成1,000个，超过 target"


# --- the document in a workspace ---------------------------------------------------------------------


def sent_back_workspace(ws):
    lines = [list(x) for x in Q2_LINES]
    for n, values in enumerate(lines):
        if values[6] == A:
            lines[n] = line(values[0], A, values[7], state="退回修改")
    status = [list(s) for s in Q2_STATUS]
    status[0] = [A, "已报送", "a.xlsx", "2023-07-10 09:00", "按时", 1, 0, ""]
    write_round(ws.reports("2023Q2"), lines, Q2_TARGETS, status)
    return ws


def test_make_summary_writes_the_notice_beside_the_workbook(workspace):  # noqa: F811
    sent_back_workspace(workspace)
    workbook = make_summary(workspace, "2023Q2", today=dt.date(2023, 7, 26))
    notice = notice_path(workbook)
    assert notice.name == f"{TITLE}第二季度落实情况通报.docx"
    assert notice.exists() and workbook.exists()
    text = document_text(notice)
    assert text.startswith(f"关于{TITLE}第二季度落实情况的通报")
    assert "一、总体情况" in text and "五、下步工作要求" in text
    # the file name says the year once (TITLE has it); the attachment line names the period whole
    assert workbook.stem == f"{TITLE}第二季度落实情况汇总"
    assert "附件：2023年第二季度落实情况汇总" in text
    assert "市人民政府督查室" not in text and "市政府督查室" in text  # the workspace's office
    assert "{{" not in text and "{%" not in text
    assert not list(notice.parent.glob(".*"))  # no temporary file left


def test_the_workspace_texts_and_template_win(workspace, tmp_path):  # noqa: F811
    from docx import Document

    workspace.notice = {
        "recipients": "各县（市、区）人民政府：",
        "requirements": ["抓好整改。各单位要立行立改。"],
        "signature": "县政府督查室",
    }
    workbook = make_summary(workspace, "2023Q2", today=dt.date(2023, 7, 26))
    text = document_text(notice_path(workbook))
    assert "各县（市、区）人民政府：" in text
    assert "（一）抓好整改。各单位要立行立改。" in text and "压实工作责任" not in text
    assert "县政府督查室" in text

    own = workspace.root / "templates"
    own.mkdir()
    doc = Document()
    doc.add_paragraph("本室格式：{{ heading }}")
    doc.add_paragraph("{{ status_phrase }}")
    doc.save(str(own / "通报.docx"))
    assert find_template([own]) == own / "通报.docx"
    workbook = make_summary(workspace, "2023Q2", today=dt.date(2023, 7, 26))
    text = document_text(notice_path(workbook))
    assert text.startswith(f"本室格式：关于{TITLE}第二季度落实情况的通报")
    assert "一、总体情况" not in text

    (own / "通报.docx").write_bytes(b"not a docx")
    with pytest.raises(NoticeError, match="通报.docx: not a Word document"):
        make_summary(workspace, "2023Q2")
    doc = Document()
    doc.add_paragraph("{{ heading ")
    doc.save(str(own / "通报.docx"))
    with pytest.raises(NoticeError, match="通报.docx: the template cannot be filled"):
        make_summary(workspace, "2023Q2")


def test_layout_per_the_official_format(workspace):  # noqa: F811
    """GB/T 9704-2012: A4, margins, fonts named for East Asian text on every run, page numbers."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document(str(notice_path(make_summary(workspace, "2023Q2"))))
    section = doc.sections[0]
    # stored in twentieths of a point: compare in tenths of a millimetre
    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm, 1) for m in margins] == [37, 35, 28, 26]

    def east_asian(run):
        return run._element.rPr.rFonts.get(qn("w:eastAsia"))

    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [
        r
        for t in doc.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    assert runs and all(east_asian(r) for r in runs)
    title = doc.paragraphs[0]
    assert {east_asian(r) for r in title.runs} == {"方正小标宋简体"}
    assert {r.font.size for r in title.runs} == {Pt(22)}
    by_text = {p.text: p for p in doc.paragraphs}
    for heading in ("一、总体情况", "三、存在的主要问题", "五、下步工作要求"):
        assert {east_asian(r) for r in by_text[heading].runs} == {"黑体"}
    item = next(p for p in doc.paragraphs if p.text.startswith("（一）压实工作责任。"))
    assert [east_asian(r) for r in item.runs] == ["楷体_GB2312", "仿宋_GB2312"]
    body = next(p for p in doc.paragraphs if p.text.startswith("截至"))
    assert {east_asian(r) for r in body.runs} == {"仿宋_GB2312"}
    assert {r.font.size for r in body.runs} == {Pt(16)}
    assert body.paragraph_format.line_spacing == Pt(28.95)
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and "— " in xml and " —" in xml
    assert doc.settings.odd_and_even_pages_header_footer


@pytest.mark.libreoffice
def test_the_notice_prints_with_page_numbers(workspace):  # noqa: F811
    from xltools.summary.report import summary_pdf

    pdf = summary_pdf(notice_path(make_summary(workspace, "2023Q2")))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert 1 <= pages <= 3
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"—\s*1\s*—", text)  # the page number
    assert "五、下步工作要求" in text and "市政府督查室" in text


def test_the_notice_is_written_when_its_helper_process_dies(workspace, monkeypatch):  # noqa: F811
    """The 通报 is drafted by a helper process while the workbook is written; if the helper dies,
    the command drafts it itself."""
    import os

    import xltools.summary.notice as notice_module

    here, original = os.getpid(), notice_module.write_notice

    def dies_in_a_helper(*args, **kwargs):
        if os.getpid() != here:
            os._exit(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(notice_module, "write_notice", dies_in_a_helper)
    workbook = make_summary(workspace, "2023Q2", today=dt.date(2023, 7, 26))
    text = document_text(notice_path(workbook))
    assert text.startswith(f"关于{TITLE}第二季度落实情况的通报")
    assert not list(workbook.parent.glob(".*"))  # no temporary file left
