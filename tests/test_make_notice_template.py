"""scripts/make_notice_template.py: it builds the 通报.docx the package ships (the README tells
whoever changes the template to change the script, run it and commit both)."""

import runpy
from importlib.resources import files

from docx import Document
from docx.oxml.ns import qn

from .conftest import ROOT

SCRIPT = ROOT / "scripts" / "make_notice_template.py"


def meaning(path) -> dict:
    """What a reader of the template sees: every paragraph's runs with their fonts and sizes, in
    the body, the tables and the footers, and each section's page and margins."""

    def runs(paragraph):
        out = []
        for run in paragraph.runs:
            fonts = run._element.rPr.rFonts if run._element.rPr is not None else None
            east = fonts.get(qn("w:eastAsia")) if fonts is not None else None
            out.append((run.text, east, run.font.size, run.font.bold))
        return (paragraph.alignment, tuple(out))

    doc = Document(str(path))
    cells = [p for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return {
        "body": [runs(p) for p in doc.paragraphs],
        "tables": [runs(p) for p in cells],
        "footers": [
            runs(p)
            for s in doc.sections
            for footer in (s.footer, s.even_page_footer)
            for p in footer.paragraphs
        ],
        "pages": [
            (
                s.page_width,
                s.page_height,
                s.top_margin,
                s.bottom_margin,
                s.left_margin,
                s.right_margin,
                s.orientation,
            )
            for s in doc.sections
        ],  # fmt: skip
    }


def test_the_script_builds_the_bundled_template(tmp_path):
    built = runpy.run_path(str(SCRIPT))["build"](tmp_path / "通报.docx")
    bundled = files("xltools.templates") / "通报.docx"
    assert meaning(built) == meaning(bundled)
    assert any(p.text == "{{ heading }}" for p in Document(str(built)).paragraphs)
