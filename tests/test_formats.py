"""An .ods's cells far outside any form are cut from its content.xml before calamine reads it."""

import io
import zipfile

from xltools.collect.formats import trim_ods, trim_package

ROW = '<table:table-row table:style-name="ro1"{repeat}>{cells}</table:table-row>'


def cell(text="", repeat=1):
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if not text:
        return f"<table:table-cell{times}/>"
    return (
        f'<table:table-cell{times} office:value-type="string"><text:p>{text}</text:p>'
        "</table:table-cell>"
    )


def row(*cells, repeat=1):
    times = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return ROW.format(repeat=times, cells="".join(cells))


def content(*rows, name="填报表"):
    body = "".join(rows)
    return (
        '<office:document-content><office:body><office:spreadsheet><table:table table:name="'
        f'{name}"><table:table-column table:number-columns-repeated="16384"/>{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    ).encode()


def test_a_form_as_libreoffice_writes_it_is_left_alone():
    # Empty cells repeated to the last column and empty rows repeated to the last row hold nothing.
    xml = content(
        row(cell("编号"), cell("任务"), cell(repeat=16382)),
        row(cell("1-1"), cell("推进"), cell(repeat=16382)),
        row(cell(repeat=16384), repeat=1048574),
    )
    trimmed, cut = trim_ods(xml, 60_000, 256)
    assert cut == {}
    assert b'number-columns-repeated="254"' in trimmed  # shortened all the same


def test_rows_and_cells_past_the_limits_are_cut_and_told():
    xml = content(
        row(cell("编号"), cell("任务")),
        row(cell("1-1"), cell("推进"), cell(repeat=3), cell("远处"), cell(repeat=10)),  # column 6
        row(cell(repeat=4), repeat=6),  # rows 3-8: empty, partly past the limit
        row(cell(" "), repeat=2),  # rows 9-10: content
        row(cell("更远")),  # row 11
        name="A&amp;B",
    )
    trimmed, cut = trim_ods(xml, 5, 5)
    # row 2 lost its sixth column; rows 9, 10 and 11 went whole
    assert cut == {"A&B": (2, 4)}
    text = trimmed.decode()
    assert "远处" not in text and "更远" not in text and "1-1" in text and "推进" in text
    assert 'table:number-rows-repeated="3"' in text  # rows 3-5 of the empty run stay
    assert text.count("<table:table-row") == 3


def test_a_repeated_row_holding_content_across_the_limit():
    xml = content(row(cell("编号")), row(cell("x"), repeat=10))
    trimmed, cut = trim_ods(xml, 4, 256)
    assert cut == {"填报表": (5, 7)}  # rows 2-4 kept, 5-11 cut
    assert b'table:number-rows-repeated="3"' in trimmed


def test_covered_cells_count_as_columns():
    covered = '<table:covered-table-cell table:number-columns-repeated="4"/>'
    xml = content(row(cell("合并"), covered, cell("远处")))  # the sixth column
    trimmed, cut = trim_ods(xml, 10, 5)
    assert cut == {"填报表": (1, 1)} and "远处" not in trimmed.decode()
    assert covered.encode() in trimmed


def test_the_package_keeps_its_mimetype_first_and_stored():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content(row(cell("x")), row(cell("远")), row(cell("y"))),
                    zipfile.ZIP_DEFLATED)  # fmt: skip
    parts = {"content.xml": zipfile.ZipFile(data).read("content.xml")}
    trimmed = trim_package(data.getvalue(), parts, 1, 256)
    assert trimmed.cut == {"填报表": (2, 2)}
    with zipfile.ZipFile(io.BytesIO(trimmed.data)) as zf:
        first = zf.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert "远" not in zf.read("content.xml").decode()
    assert (
        trim_package(data.getvalue(), parts | {"content.xml": content(row(cell("x")))}, 1, 256)
        is None
    )
