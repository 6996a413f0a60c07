"""Build ``templates/通报.docx``, the Word template of the quarterly 通报, with python-docx.

Run it again after changing it (``make notice-template``, or ``python scripts/make_notice_template.py
[OUT.docx]``) and commit the .docx; tests/test_make_notice_template.py checks that the two agree.
It lives outside the package, which only reads the .docx. Offices do not need it: they open
通报.docx in Word, edit the wording around the ``{{ … }}`` and ``{%p … %}`` tags (docxtpl's Jinja
tags; ``templates/README.md`` lists the names) and keep the copy in their workspace's ``templates/``
folder.

Layout per GB/T 9704-2012 (党政机关公文格式): A4; margins top 37 mm, bottom 35 mm, left 28 mm,
right 26 mm; title 2号 (22 pt) 方正小标宋简体; body 3号 (16 pt) 仿宋_GB2312 on a grid of 22 lines of
28 characters; first-level headings 黑体, second-level 楷体_GB2312; page numbers 4号 宋体 "— 1 —" at
the foot, on the outer side. Every run names its East Asian font (``w:eastAsia``): Word on the
office's Windows machine would otherwise fall back to the theme's font.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
LATIN_FONT = "Times New Roman"  # digits and Latin letters of the body, as offices set them

BODY = Pt(16)  # 3号
TITLE = Pt(22)  # 2号
PAGE = Pt(14)  # 4号
TABLE = Pt(12)  # 小四, the annex table
LINE = Pt(28.95)  # 225 mm of text area / 22 lines
INDENT = Pt(32)  # two characters
CONDENSED = "-5"  # character spacing in twentieths of a point: 16 pt - 0.25 pt, 28 on a line


def fonts(run, east_asian: str, latin: str | None = None, size=BODY, bold: bool = False) -> None:
    """Name the run's fonts (East Asian too) and its size."""
    run.font.size = size
    run.font.bold = bold
    run.font.name = latin or east_asian  # w:ascii and w:hAnsi
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    rfonts.set(qn("w:eastAsia"), east_asian)
    # Full-width quotes and dashes are "ambiguous" characters: render them with the East Asian font.
    rfonts.set(qn("w:hint"), "eastAsia")
    if size == BODY:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), CONDENSED)
        rpr.append(spacing)


def paragraph(
    doc,
    *parts: tuple[str, str],
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent=INDENT,
    size=BODY,
    line=LINE,
    right=None,
    page_break=False,
):
    """A paragraph of runs (text, east-asian font) on the body's line grid."""
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = indent
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.widow_control = False
    fmt.page_break_before = page_break
    if right is not None:
        fmt.right_indent = right
    for text, font in parts:
        latin = LATIN_FONT if font == BODY_FONT else None
        fonts(p.add_run(text), font, latin, size)
    return p


def body(doc, text: str, **kw):
    return paragraph(doc, (text, BODY_FONT), **kw)


def tag(doc, text: str):
    """A paragraph holding only a ``{%p … %}`` tag: docxtpl removes it when rendering."""
    return paragraph(doc, (text, BODY_FONT), indent=Pt(0))


def heading(doc, text: str):
    return paragraph(doc, (text, H1_FONT))


def items(doc, name: str, empty: str | None = None):
    """A loop over ``name``: each item a paragraph of a 楷体 head ("（一）…。") and its body."""
    tag(doc, f"{{%p for item in {name} %}}")
    paragraph(doc, ("{{ item.head }}", H2_FONT), ("{{ item.body }}", BODY_FONT))
    tag(doc, "{%p endfor %}")
    if empty:
        tag(doc, f"{{%p if not {name} %}}")
        body(doc, empty)
        tag(doc, "{%p endif %}")


def page_number(paragraph_, size=PAGE) -> None:
    """ "— N —" with a PAGE field, in 4号 宋体."""

    def run(text=None):
        r = paragraph_.add_run(text)
        fonts(r, PAGE_FONT, PAGE_FONT, size)
        return r

    run("— ")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None)):
        r = run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            r._element.append(char)
        else:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instruction
            r._element.append(text)
    run("1")
    end = run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._element.append(char)
    run(" —")


def footers(doc, section) -> None:
    """Page numbers on the outer side: odd pages right, even pages left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.paragraph_format.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = PAGE
        else:
            p.paragraph_format.left_indent = PAGE
        page_number(p)


def page_setup(section) -> None:
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The number's line sits 7 mm below the text area (GB/T 9704 7.5).
    section.footer_distance = Mm(22)
    # 22 lines of 28 characters: every paragraph has an exact line pitch of 28.95 pt, and the
    # characters are condensed by 0.25 pt (CONDENSED) so that 28 fit the 156 mm line. No document
    # grid: LibreOffice spreads 16 pt characters over two cells of Word's character grid and
    # snaps the 22 pt title to two grid lines.
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    for name in ("w:type", "w:charSpace"):
        grid.attrib.pop(qn(name), None)
    grid.set(qn("w:linePitch"), "579")


def default_fonts(doc) -> None:
    """The document's defaults and the Normal style in 仿宋_GB2312 3号, so text typed into the
    template starts right and the character grid's pitch is based on 16 pt (LibreOffice spreads
    each 16 pt character over two cells of a grid based on python-docx's default 11 pt)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    for tag_, attrs in (
        ("w:rFonts", {"w:ascii": LATIN_FONT, "w:hAnsi": LATIN_FONT, "w:eastAsia": BODY_FONT}),
        ("w:spacing", {"w:val": CONDENSED}),
        ("w:sz", {"w:val": "32"}),
        ("w:szCs", {"w:val": "32"}),
        ("w:lang", {"w:val": "en-US", "w:eastAsia": "zh-CN", "w:bidi": "ar-SA"}),
    ):
        element = OxmlElement(tag_)
        for name, value in attrs.items():
            element.set(qn(name), value)
        rpr.append(element)
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    style = doc.styles["Normal"]
    style.font.size = BODY
    style.font.name = LATIN_FONT
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), BODY_FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    style.element.get_or_add_rPr().append(lang)


def row_flag(row, name: str) -> None:
    """Set a row property: ``w:tblHeader`` (repeat on every page), ``w:cantSplit`` (keep whole)."""
    row._tr.get_or_add_trPr().append(OxmlElement(name))


def cell_text(
    cell, text: str, font=BODY_FONT, align=WD_ALIGN_PARAGRAPH.LEFT, new: bool = False
) -> None:
    p = cell.add_paragraph() if new else cell.paragraphs[0]
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(0)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(18)
    latin = LATIN_FONT if font == BODY_FONT else None
    fonts(p.add_run(text), font, latin, TABLE)


ANNEX_COLUMNS = (
    ("序号", "{{ row.n }}", 13, WD_ALIGN_PARAGRAPH.CENTER),
    ("编号", "{{ row.id }}", 17, WD_ALIGN_PARAGRAPH.CENTER),
    ("任务", "{{ row.text }}", 39, WD_ALIGN_PARAGRAPH.LEFT),
    ("牵头单位", "{{ row.leads }}", 24, WD_ALIGN_PARAGRAPH.LEFT),
    ("状态", "{{ row.status }}", 21, WD_ALIGN_PARAGRAPH.CENTER),
    ("进度", "{{ row.progress }}", 13, WD_ALIGN_PARAGRAPH.CENTER),
    ("存在问题", "{{ row.issues }}", 29, WD_ALIGN_PARAGRAPH.LEFT),
)


def annex(doc) -> None:
    """附件2, the table of lagging tasks, on its own page when there are many."""
    tag(doc, "{%p if annex %}")
    paragraph(doc, ("附件2", H1_FONT), indent=Pt(0), page_break=True)
    paragraph(doc, ("", BODY_FONT), indent=Pt(0))
    paragraph(
        doc,
        ("{{ annex_title }}", TITLE_FONT),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=Pt(0),
        size=TITLE,
    )
    paragraph(doc, ("", BODY_FONT), indent=Pt(0))
    table = doc.add_table(rows=4, cols=len(ANNEX_COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for n, (header, field, width, align) in enumerate(ANNEX_COLUMNS):
        cells = [row.cells[n] for row in table.rows]
        for cell in cells:
            cell.width = Mm(width)
        table.columns[n].width = Mm(width)
        cell_text(cells[0], header, H1_FONT, WD_ALIGN_PARAGRAPH.CENTER)
        cell_text(cells[2], field, BODY_FONT, align)
    # Under the status, on its own line, how many quarters running the task has been behind.
    status = table.rows[2].cells[4]
    for text in ("{%p if row.rounds %}", "连续{{ row.rounds }}期", "{%p endif %}"):
        cell_text(status, text, BODY_FONT, WD_ALIGN_PARAGRAPH.CENTER, new=True)
    # docxtpl's row loop: the rows holding {%tr … %} are replaced by the repeated middle row.
    cell_text(table.rows[1].cells[0], "{%tr for row in annex %}")
    cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    row_flag(table.rows[0], "w:tblHeader")
    for row in table.rows:
        row_flag(row, "w:cantSplit")
    tag(doc, "{%p endif %}")


def build(target: Path) -> Path:
    doc = Document()
    page_setup(doc.sections[0])
    default_fonts(doc)
    footers(doc, doc.sections[0])
    first = doc.paragraphs[0] if doc.paragraphs else None
    if first is not None:
        first._element.getparent().remove(first._element)

    paragraph(
        doc,
        ("{{ heading }}", TITLE_FONT),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=Pt(0),
        size=TITLE,
    )
    paragraph(doc, ("", BODY_FONT), indent=Pt(0))
    body(doc, "{{ recipients }}", indent=Pt(0))
    body(
        doc,
        "根据各责任单位报送情况，{{ office }}对{{ subject }}{{ period }}落实情况进行了汇总分析。"
        "现将有关情况通报如下。",
    )

    heading(doc, "一、总体情况")
    body(
        doc,
        "截至{{ period_end }}，{{ total }}项任务中，{{ status_phrase }}。"
        "按序时进度{{ due }}衡量，{{ light_phrase }}。",
    )
    tag(doc, "{%p if changes_phrase %}")
    body(doc, "{{ changes_phrase }}")
    tag(doc, "{%p endif %}")
    body(doc, "{{ reporting_phrase }}")
    tag(doc, "{%p if sent_back_phrase %}")
    body(doc, "{{ sent_back_phrase }}")
    tag(doc, "{%p endif %}")

    heading(doc, "二、进展较好的方面")
    items(doc, "good", "本期暂无已完成或超序时进度的任务。")

    heading(doc, "三、存在的主要问题")
    items(doc, "problems", "本期暂无滞后或未启动的任务。")

    heading(doc, "四、需协调解决的事项")
    items(doc, "coordination", "本期各单位未提出需协调解决的事项。")

    heading(doc, "五、下步工作要求")
    items(doc, "requirements")

    body(doc, "", indent=Pt(0))
    tag(doc, "{%p for a in attachments %}")
    # 附件说明: a long name wraps under itself, after "附件：1．" (five characters)
    note = body(doc, "{{ a }}", indent=-Pt(80))
    note.paragraph_format.left_indent = INDENT + Pt(80)
    tag(doc, "{%p endfor %}")
    # 落款 one line below the body or the 附件说明 (GB/T 9704 7.3.5.2), four characters from the right
    body(doc, "", indent=Pt(0))
    body(doc, "{{ signature }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=Pt(0), right=Pt(64))
    body(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=Pt(0), right=Pt(64))

    annex(doc)
    doc.core_properties.title = "通报"
    doc.core_properties.author = "xltools"
    doc.save(str(target))
    return target


if __name__ == "__main__":
    bundled = Path(__file__).resolve().parent.parent / "templates" / "通报.docx"
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else bundled
    print(build(out))
