"""Plain tables written straight as SpreadsheetML, for the largest outputs (the merged data).

The merged data of a province's round is a million cells; xlsxwriter spends about 7 µs of Python
on each (most of collect's time at 2,000 files). `write_tables` writes the same plain tables —
what `excel.write_table` makes with `excel.office_formats` and `excel.print_setup` — directly,
about four times faster: the header row bold 宋体 on blue, every cell 仿宋 with thin borders,
wrapped and top-aligned, frozen header, filter, A4 landscape fitted to the page width, the title
in the page header and page numbers in the footer. Values are written as `excel.write_cell`
writes them: text always as text (shared strings), numbers, booleans, dates as serial numbers.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from xltools.core.excel import BODY_FONT, TITLE_FONT, column_letters

_FIXED = datetime(2000, 1, 1)  # document properties' time: same data -> same bytes

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}"><fonts count="3">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    f'<font><b/><sz val="11"/><name val="{TITLE_FONT}"/><family val="2"/></font>'
    f'<font><sz val="11"/><name val="{BODY_FONT}"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid">'
    '<fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>'
    + "".join(
        f'<{s} style="thin"><color auto="1"/></{s}>' for s in ("left", "right", "top", "bottom")
    )
    + '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
    'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" '
    'wrapText="1"/></xf><xf numFmtId="0" fontId="2" fillId="0" borderId="1" xfId="0" '
    'applyFont="1" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/>'
    '</xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


def _text(value: str) -> str:
    """Cell text as SpreadsheetML: at most 32,767 characters, control characters as _xHHHH_."""
    if len(value) > 32767:
        value = value[:32767]
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def _width(width: float) -> float:
    """A column width in characters as Excel stores it (xlsxwriter's conversion)."""
    pixels = int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)
    return int(pixels / 7 * 256) / 256


def _rows_xml(rows, cols: list[str], strings: dict[str, int], style: str, start: int):
    """The <row> elements of ``rows`` (first numbered ``start``), as text, one row at a time."""
    # Text first and with as few steps as possible: it is most of the million cells.
    text_tail, blank_tail = f'" s="{style}" t="s"><v>', f'" s="{style}"/>'
    for r, values in enumerate(rows, start=start):
        n = str(r)
        cells = []
        for col, value in zip(cols, values, strict=False):  # cols: as many as the longest row
            if value.__class__ is str:
                if value:
                    index = strings.get(value)
                    if index is None:
                        index = strings[value] = len(strings)
                    cells.append(f'<c r="{col}{n}{text_tail}{index}</v></c>')
                else:
                    cells.append(f'<c r="{col}{n}{blank_tail}')
            elif value is None:
                cells.append(f'<c r="{col}{n}{blank_tail}')
            else:
                cells.append(_other_cell(f"{col}{n}", value, style, strings))
        yield f'<row r="{n}">{"".join(cells)}</row>'


def _other_cell(ref: str, value: object, style: str, strings: dict[str, int]) -> str:
    """A cell of anything but plain text or nothing, as `excel.write_cell` writes it."""
    if value == "":
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise TypeError("NAN/INF not supported in write_number()")
        return f'<c r="{ref}" s="{style}"><v>{value:.16G}</v></c>'
    if hasattr(value, "year") and hasattr(value, "month"):
        moment = value if isinstance(value, datetime) else datetime(*value.timetuple()[:3])
        delta = moment.replace(tzinfo=None) - datetime(1899, 12, 30)  # Excel's day 0
        number = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
        return f'<c r="{ref}" s="{style}"><v>{number:.16G}</v></c>'
    index = strings.setdefault(str(value), len(strings))
    return f'<c r="{ref}" s="{style}" t="s"><v>{index}</v></c>'


def _write_sheet(stream, headers, rows, widths, title, strings, first: bool) -> str:
    """One worksheet into ``stream`` (bytes, written a few hundred rows at a time so the whole
    sheet is never in memory): header row (style 1), every row's values (style 2), as
    write_table. Returns the filter range."""
    count = max([len(headers), 1, *map(len, rows)])
    cols = [column_letters(c) for c in range(count)]
    last = max(len(rows), 1) + 1
    span = f"A1:{cols[len(headers) - 1] if headers else 'A'}{last}"
    widths = [
        widths[c] if widths and c < len(widths) else max(8, min(40, 2.2 * len(h) + 2))
        for c, h in enumerate(headers)
    ]
    columns = "".join(
        f'<col min="{c + 1}" max="{c + 1}" width="{_width(w)}" customWidth="1"/>'
        for c, w in enumerate(widths)
    )
    selected = 'tabSelected="1" ' if first else ""
    stream.write(
        (
            f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetPr><pageSetUpPr '
            f'fitToPage="1"/></sheetPr><dimension ref="A1:{cols[-1]}{len(rows) + 1}"/>'
            f'<sheetViews><sheetView {selected}workbookViewId="0"><pane ySplit="1" '
            'topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection '
            'pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f"{f'<cols>{columns}</cols>' if columns else ''}<sheetData>"
        ).encode()
    )
    stream.write("".join(_rows_xml([headers], cols, strings, "1", 1)).encode())
    for at in range(0, len(rows), 500):
        chunk = _rows_xml(rows[at : at + 500], cols, strings, "2", at + 2)
        stream.write("".join(chunk).encode())
    header = _text(f'&C&"{TITLE_FONT},Bold"&12 {title.replace("&", "&&")}')
    footer = _text(f'&C&"{BODY_FONT},Regular"&10第 &P 页 共 &N 页')
    autofilter = f'<autoFilter ref="{span}"/>' if headers else ""
    stream.write(
        (
            f'</sheetData>{autofilter}<pageMargins left="0.5" right="0.5" top="0.75" '
            'bottom="0.75" header="0.3" footer="0.3"/><pageSetup paperSize="9" fitToHeight="0" '
            f'orientation="landscape"/><headerFooter><oddHeader>{header}</oddHeader><oddFooter>'
            f"{footer}</oddFooter></headerFooter></worksheet>"
        ).encode()
    )
    return span


def _entry(name: str):
    """A zip member with a fixed time (same data, same bytes) and fast compression (level 1:
    a third of the default level's time for files about a fifth larger)."""
    import zipfile

    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    # The member's level (Python 3.13 names it compress_level; before, _compresslevel).
    setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", 1)
    return info


def write_tables(path: Path, sheets: list[tuple[str, list, list, list | None, str]]) -> Path:
    """A workbook of plain tables (name, headers, rows, widths or None, print title), looking
    and reading as `excel.write_table` makes them, written directly for speed."""
    import zipfile

    from xltools.core.excel import sheet_title

    strings: dict[str, int] = {}
    parts, names, defined = {}, [], []
    zf = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
    for i, (name, headers, rows, widths, title) in enumerate(sheets):
        title_ = sheet_title(name)
        names.append(title_)
        info = _entry(f"xl/worksheets/sheet{i + 1}.xml")
        try:
            with zf.open(info, "w") as stream:
                span = _write_sheet(stream, headers, list(rows), widths, title or name, strings,
                                    i == 0)  # fmt: skip
        except BaseException:
            zf.close()
            raise
        quoted = _text(title_ if title_.isalnum() else "'" + title_.replace("'", "''") + "'")
        start, end = span.split(":")
        ref = f"${start[0]}${start[1:]}:${''.join(ch for ch in end if ch.isalpha())}$"
        ref += "".join(ch for ch in end if ch.isdigit())
        if headers:
            defined.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                f"{quoted}!{ref}</definedName>"
            )
        defined.append(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{quoted}!$1:$1'
            "</definedName>"
        )
    n = len(sheets)
    stamp = _FIXED.strftime("%Y-%m-%dT%H:%M:%SZ")
    sst = "".join(f'<si><t xml:space="preserve">{_text(s)}</t></si>' for s in strings)
    parts |= {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
            'package.core-properties+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                f'ContentType="{_CT}.spreadsheetml.worksheet+xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="{_CT}.spreadsheetml.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/'
            'officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="'
            f'{_PKG}/metadata/core-properties" Target="docProps/core.xml"/><Relationship '
            f'Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"
        ),
        "docProps/app.xml": (
            f'{_XML}<Properties xmlns="{_CT}.extended-properties"><Application>Microsoft Excel'
            "</Application></Properties>"
        ),
        "docProps/core.xml": (
            f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
            'XMLSchema-instance"><dc:creator>xltools</dc:creator><cp:lastModifiedBy>xltools'
            f'</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}'
            f'</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}'
            "</dcterms:modified></cp:coreProperties>"
        ),
        "xl/workbook.xml": (
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/>'
            "</bookViews><sheets>"
            + "".join(
                f'<sheet name="{_text(name)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, name in enumerate(names, start=1)
            )
            + f"</sheets><definedNames>{''.join(defined)}</definedNames>"
            '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="{_PKG}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
        "xl/sharedStrings.xml": (
            f'{_XML}<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
            f"{sst}</sst>"
        ),
    }
    with zf:  # the sheets are in; the parts that name them and their strings follow
        for name, text in parts.items():
            info = _entry(name)
            zf.writestr(info, text.encode("utf-8"))
    return path
