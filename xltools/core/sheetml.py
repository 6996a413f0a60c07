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
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006"
_CT = "application/vnd.openxmlformats-officedocument"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
# Text that reads like Excel's own escape (_x0041_) has its underscore escaped, as xlsxwriter
# does; by lookahead, so that overlapping ones (_x005F_x0041_) are escaped too (xlsxwriter 3.2
# escapes only the first and such text reads back as _x005FA).
_ESCAPE_LIKE = re.compile(r"_(?=x[0-9a-fA-F]{4}_)")
_EDGE_SPACE = re.compile(r"^\s|\s$")
_THEME = Path(__file__).with_name("theme1.xml")  # the theme xlsxwriter writes (a test compares)
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}"><fonts count="3">'
    '<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font>'
    f'<font><b/><sz val="11"/><color theme="1"/><name val="{TITLE_FONT}"/><family val="2"/></font>'
    f'<font><sz val="11"/><color theme="1"/><name val="{BODY_FONT}"/><family val="2"/></font></fonts>'
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
    '</cellStyles><dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
    'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
)


def _text(value: str) -> str:
    """Cell text as SpreadsheetML, escaped as xlsxwriter escapes it: at most 32,767 characters;
    control characters and the non-characters U+FFFE/U+FFFF as _xHHHH_, and text that already
    reads like such an escape (``_x0041_``) with its underscore escaped (``_x005F_x0041_``), so
    it reads back as typed."""
    if len(value) > 32767:
        value = value[:32767]
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in value:
        value = _ESCAPE_LIKE.sub("_x005F_", value)
    value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def _data(value: str) -> str:
    """Text in an element that is not a cell (a sheet name in a defined name or app.xml)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    """Text in an attribute (a sheet name): quotes and line breaks escaped too."""
    return _data(value).replace('"', "&quot;").replace("\n", "&#xA;")


def _si(value: str) -> str:
    """One shared string; spaces at either end kept (xml:space) where there are any."""
    text = _text(value)
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    return f"<si><t{space}>{text}</t></si>"


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
    header = _data(f'&C&"{TITLE_FONT},Bold"&12 {title.replace("&", "&&")}')
    footer = _data(f'&C&"{BODY_FONT},Regular"&10第 &P 页 共 &N 页')
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
    and reading as `excel.write_table` makes them, written directly for speed. Every part but
    the worksheets and their strings is what xlsxwriter writes for the same tables (a test
    compares them)."""
    import zipfile

    from xlsxwriter.utility import quote_sheetname

    from xltools.core.excel import sheet_title

    strings: dict[str, int] = {}
    names, filters, titles = [], [], []
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
        quoted = quote_sheetname(title_)
        start, end = span.split(":")
        ref = f"${start[0]}${start[1:]}:${''.join(ch for ch in end if ch.isalpha())}$"
        ref += "".join(ch for ch in end if ch.isdigit())
        if headers:
            filters.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                f"{_data(quoted)}!{ref}</definedName>"
            )
        titles.append(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{_data(quoted)}!$1:$1'
            "</definedName>"
        )
    with zf:  # the sheets are in; the parts that name them and their strings follow
        for part, text in _package(names, filters + titles, strings).items():
            zf.writestr(_entry(part), text.encode("utf-8"))
    return path


def _package(names: list[str], defined: list[str], strings: dict[str, int]) -> dict[str, str]:
    """Every part but the worksheets, by name, as xlsxwriter writes them."""
    return {
        "[Content_Types].xml": _content_types(len(names)),
        "_rels/.rels": _ROOT_RELS,
        "docProps/app.xml": _app(names),
        "docProps/core.xml": _core(),
        "xl/workbook.xml": _workbook_part(names, defined),
        "xl/_rels/workbook.xml.rels": _workbook_rels(len(names)),
        "xl/styles.xml": _STYLES,
        "xl/theme/theme1.xml": _THEME.read_text(encoding="utf-8"),
        "xl/sharedStrings.xml": _shared_strings(strings),
    }


def _content_types(n: int) -> str:
    """[Content_Types].xml: the type of every part, for ``n`` worksheets."""
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        'package.core-properties+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_CT}.theme+xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="{_CT}.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{_CT}.spreadsheetml.sharedStrings+xml"/></Types>'
    )


_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/'
    'officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="'
    f'{_PKG}/metadata/core-properties" Target="docProps/core.xml"/><Relationship '
    f'Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)


def _core() -> str:
    """docProps/core.xml: author xltools, created and modified at the fixed time."""
    stamp = _FIXED.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/'
        'dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>'
        "xltools</dc:creator><cp:lastModifiedBy>xltools</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _workbook_part(names: list[str], defined: list[str]) -> str:
    """xl/workbook.xml: the sheets by name and the defined names (filters, print titles)."""
    return (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><fileVersion appName="xl" '
        'lastEdited="4" lowestEdited="4" rupBuild="4505"/><workbookPr '
        'defaultThemeVersion="124226"/><bookViews><workbookView xWindow="240" yWindow="15" '
        'windowWidth="16095" windowHeight="9660"/></bookViews><sheets>'
        + "".join(
            f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(names, start=1)
        )
        + f"</sheets><definedNames>{''.join(defined)}</definedNames>"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_rels(n: int) -> str:
    """xl/_rels/workbook.xml.rels: the ``n`` worksheets, then the theme, styles and strings."""
    return (
        f'{_XML}<Relationships xmlns="{_PKG}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{_REL}/theme" Target="theme/theme1.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{_REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 3}" Type="{_REL}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    )


def _shared_strings(strings: dict[str, int]) -> str:
    """xl/sharedStrings.xml: every text of the sheets once, in the order first written."""
    return (
        f'{_XML}<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(map(_si, strings))
        + "</sst>"
    )


def _app(names: list[str]) -> str:
    """docProps/app.xml: the sheets and their print titles, as xlsxwriter lists them."""
    from xlsxwriter.utility import quote_sheetname

    n = len(names)
    named = [f"{quote_sheetname(name)}!Print_Titles" for name in names]
    parts_of = [*names, *named]
    heading = (
        "<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>"
        f"<vt:variant><vt:i4>{n}</vt:i4></vt:variant>"
    )
    if named:
        heading += (
            "<vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant>"
            f"<vt:variant><vt:i4>{len(named)}</vt:i4></vt:variant>"
        )
    return (
        f'{_XML}<Properties xmlns="{_OFFICE}/extended-properties" '
        f'xmlns:vt="{_OFFICE}/docPropsVTypes"><Application>Microsoft Excel</Application>'
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><HeadingPairs>"
        f'<vt:vector size="{2 if not named else 4}" baseType="variant">{heading}</vt:vector>'
        f'</HeadingPairs><TitlesOfParts><vt:vector size="{len(parts_of)}" baseType="lpstr">'
        + "".join(f"<vt:lpstr>{_data(t)}</vt:lpstr>" for t in parts_of)
        + "</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false"
        "</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false"
        "</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>"
    )
