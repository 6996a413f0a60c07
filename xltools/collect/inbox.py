"""Find and read the returned workbooks in ``inbox/<round>/`` safely, without changing anything there.

Everything is read into memory: a .zip of workbooks is opened from its bytes and never extracted.
A file that cannot be used (damaged, password-protected, empty, not a spreadsheet, an unsafe
archive, an XML entity attack) becomes a `Problem` and the batch goes on. Values are read with
python-calamine only (fast); nothing here opens openpyxl.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath

from xltools.core.problems import WARNING, Problem, new_problem

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
ARCHIVES = (".zip",)
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls, or an encrypted .xlsx
_ZIP = b"PK\x03\x04"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
# Saved times are shown and compared with due dates in the office's clock (China Standard Time).
OFFICE_TZ = timezone(timedelta(hours=8))
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)


@dataclass(frozen=True)
class Limits:
    """What a returned file may be, and cost to read, before it is refused or cut."""

    members: int = 500  # files in one archive
    expanded: int = 300 * 2**20  # total bytes once decompressed (of an archive, or an .xlsx)
    ratio: float = 200.0  # decompressed / compressed of a member larger than 1 MB
    size: int = 40 * 2**20  # bytes of one workbook (a file, or a member of an archive)
    # A sheet's used range: a form is a few thousand rows and a few dozen columns. Cells beyond
    # are cut from an .xlsx or .ods before it is read (reported); an .xls declaring more is refused.
    rows: int = 60_000
    columns: int = 256
    seconds: float = 60.0  # to read, identify and check one inbox file (its worker is then killed)
    memory: int = 2 * 2**30  # address space of a worker process reading the files


@dataclass(frozen=True)
class Returned:
    """One returned workbook as read from the inbox."""

    name: str  # display name relative to the inbox: "市发改委/2023Q1.zip/2023Q1_市发改委.xlsx"
    path: Path  # the file on disk (the archive, for a member of one)
    data: bytes
    sha256: str
    # docProps/core.xml dcterms:modified, else the file's (or zip member's) time; naive, office time
    saved: datetime
    kind: str  # "xlsx", "xlsm", "xls" or "ods"
    sheets: dict[str, list[list]] = field(repr=False)
    merged: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = field(
        default_factory=dict, repr=False
    )  # sheet -> merged ranges ((row, col), (row, col)), 0-based
    # sheet -> cells holding a formula (xlsx/xlsm; calamine gives their cached values)
    formulas: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # sheet -> cells holding an error value (#NAME?, #DIV/0!; xlsx/xlsm), read as empty
    errors: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # sheet -> cells formatted as a percentage (xlsx/xlsm): their 0.5 means 50 %
    percents: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # (sheet, cell, what) of text changed or suspect when read: control characters replaced
    # ("vertical-tab", "control"), or a text of Excel's maximum length, probably cut ("cut")
    texts: tuple[tuple[str, str, str], ...] = ()
    # sheet -> (first row, rows) of content cut before reading, far outside any form
    cut: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def properties(self) -> dict[str, str]:
        """Custom document properties (read on first use: the hidden sheet usually suffices)."""
        return _properties(self.data) if self.data.startswith(_ZIP) else {}

    @property
    def file_name(self) -> str:
        """The last part of the display name (the workbook's own name)."""
        return self.name.rsplit("/", 1)[-1]


@dataclass
class Inbox:
    """What a scan found: the readable workbooks, the problems, and what was skipped on purpose."""

    files: list[Returned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def scan(
    folder: Path,
    *,
    limits: Limits = Limits(),
    progress: Callable[[int, int, str], None] | None = None,
) -> Inbox:
    """Read every workbook under ``folder`` (any nesting, zips in memory) in a stable order."""
    rels = inbox_files(folder)
    return read_files(folder, rels, limits=limits, progress=progress)


def inbox_files(folder: Path) -> list[str]:
    """Every file under ``folder`` (any nesting) as a path relative to it, in a stable order."""
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def read_files(
    folder: Path,
    rels: list[str],
    *,
    limits: Limits = Limits(),
    progress: Callable[[int, int, str], None] | None = None,
) -> Inbox:
    """Read the files ``rels`` (from `inbox_files`) of ``folder``, in that order."""
    inbox = Inbox()
    for i, rel in enumerate(rels, start=1):
        if progress:
            progress(i, len(rels), rel)
        name = display_path(rel)
        if _skip(rel):
            inbox.skipped.append(name)
            continue
        path = folder / rel
        stat = path.stat()
        suffix = path.suffix.lower()
        cap = max(limits.size, limits.expanded) if suffix in ARCHIVES else limits.size
        if stat.st_size > cap:  # not even read into memory
            inbox.problems.append(_too_large(name, stat.st_size, cap))
            continue
        data = path.read_bytes()
        mtime = datetime.fromtimestamp(stat.st_mtime, OFFICE_TZ).replace(tzinfo=None)
        if suffix in ARCHIVES:
            _read_archive(inbox, name, path, data, limits)
        else:
            _read_one(inbox, name, path, data, mtime, limits)
    return inbox


def _too_large(name: str, size: int, cap: int) -> Problem:
    return _problem(
        "file-too-large",
        f"“{name}”有 {_megabytes(size)}，超过单个文件的上限 {_megabytes(cap)}，未读取；"
        "报表通常不到 1 MB，请删除其中的图片等多余内容后另存为 .xlsx 重新报送",
        name,
    )


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 1024:.0f} KB"


# Characters that cannot be written into a workbook (nor shown on a terminal): C0 controls but
# tab, line feed and carriage return, DEL and C1 controls, and lone surrogates (undecodable
# bytes of a file name). In a cell, a vertical tab or form feed is a manual line break (what
# Word and LibreOffice store for Shift+Enter) and becomes one; anything else becomes U+FFFD.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = {"\x0b": "\n", "\x0c": "\n"}
EXCEL_TEXT_MAX = 32_767  # characters in one cell: a reader or writer cuts longer text there


def writable(text: str) -> tuple[str, str]:
    """``text`` without characters no workbook can hold, and what was changed: "" (nothing),
    "line-break" (vertical tabs or form feeds made line breaks) or "control" (others replaced
    by U+FFFD). The one place where text read from a unit's file is made safe to write."""
    if not _UNWRITABLE.search(text):
        return text, ""
    what = "line-break"

    def swap(found: re.Match) -> str:
        nonlocal what
        char = found.group()
        if char in _LINE_BREAKS:
            return _LINE_BREAKS[char]
        what = "control"
        return "\ufffd"

    return _UNWRITABLE.sub(swap, text), what


def _clean_cells(sheets: dict[str, list[list]]) -> tuple[tuple[str, str, str], ...]:
    """Make every text cell writable in place; (sheet, cell, what) of each changed or cut one."""
    from xltools.core.excel import cell_name

    found = []
    for sheet, rows in sheets.items():
        for r, row in enumerate(rows):
            # One search per row over its texts joined: most rows have nothing to change.
            texts = [v for v in row if v.__class__ is str]
            if not texts:
                continue
            if not _UNWRITABLE.search("".join(texts)) and max(map(len, texts)) < EXCEL_TEXT_MAX:
                continue
            for c, value in enumerate(row):
                if value.__class__ is not str:
                    continue
                value, what = writable(value)
                if what:
                    row[c] = value
                    found.append((sheet, cell_name(r, c), what))
                if len(value) >= EXCEL_TEXT_MAX:
                    found.append((sheet, cell_name(r, c), "cut"))
    return tuple(found)


def display_path(rel: str) -> str:
    """A path of the inbox as the office's machine shows it: a name that is not UTF-8 (GBK bytes,
    as unzip leaves Chinese names on Linux) decoded as GBK, other undecodable bytes and control
    characters (escape sequences) written as ``\\xNN``, so it can be printed and saved."""
    import os

    raw = os.fsencode(rel)
    for encoding in ("utf-8", "gbk"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("utf-8", "backslashreplace")
    return _escape_controls(text)


def _escape_controls(text: str) -> str:
    return _UNWRITABLE.sub(lambda m: f"\\x{ord(m.group()) & 0xFF:02x}", text)


def _skip(rel: str) -> bool:
    """Excel/WPS lock files (``~$x.xlsx``, ``.~lock.x#``) and hidden files or folders."""
    return any(part.startswith(("~$", ".")) for part in rel.split("/"))


def _problem(code: str, message: str, name: str, severity: str | None = None) -> Problem:
    return new_problem(code, message, severity, file=name)


def _read_one(
    inbox: Inbox, name: str, path: Path, data: bytes, mtime: datetime, limits: Limits
) -> None:
    """Check and read one file's bytes; a problem instead when it cannot be used."""
    suffix = PurePosixPath(name).suffix.lower()
    refusal = _refused_unread(name, suffix, data)
    if refusal is None:
        found = _inspect(data, name, limits)
        refusal = found.refusal
    if refusal:
        inbox.problems.append(refusal)
        return
    try:
        sheets, merged = _read_values(found.data)
    except Exception as exc:  # calamine raises many kinds; all mean the same to the clerk
        inbox.problems.append(_unreadable(exc, found.data, suffix, name))
        return
    if not any(any(v not in ("", None) for row in rows for v in row) for rows in sheets.values()):
        inbox.problems.append(
            _problem("empty-file", f"“{name}”中没有任何内容，请报送填写后的工作簿", name)
        )
        return
    inbox.files.append(
        Returned(
            name=name,
            path=path,
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            saved=found.saved or mtime,
            kind=suffix.lstrip("."),
            formulas=found.formulas,
            errors=found.errors,
            percents=found.percents,
            sheets=sheets,
            merged=merged,
            texts=_clean_cells(sheets),
            cut=found.cut,
        )
    )


def _refused_unread(name: str, suffix: str, data: bytes) -> Problem | None:
    """Why a file is refused by its name and bytes alone: not a workbook, empty, or encrypted."""
    if suffix not in SPREADSHEETS:
        return _problem(
            "not-a-spreadsheet",
            f"“{name}”不是Excel工作簿（应为 .xlsx/.xls/.ods），未读取；如为报表请另存为 .xlsx 后重新报送",
            name,
            WARNING,
        )
    if not data.strip(b"\x00 \r\n\t"):
        what = "空文件（0 字节）" if not data else f"空白文件（{len(data):,} 字节全是零或空白）"
        return _problem("empty-file", f"“{name}”是{what}，请重新报送完整的工作簿", name)
    if data.startswith(_CFB) and _ENCRYPTED in data[:1_000_000]:
        return _problem(
            "password-protected",
            f"“{name}”设置了打开密码，无法读取；请取消密码（文件→信息→保护工作簿）后重新报送",
            name,
        )
    return None


def _inspect(data: bytes, name: str, limits: Limits) -> _Package:
    """What a workbook's bytes say besides its values: a zip (.xlsx, .ods) or an OLE file (.xls)."""
    if data.startswith(_ZIP):
        return _inspect_package(data, name, limits)
    if data.startswith(_CFB):
        return _inspect_xls(data, name, limits)
    return _Package(
        data,
        _problem(
            "not-a-spreadsheet",
            f"“{name}”的内容不是Excel工作簿（可能是改了扩展名的其他文件），请用Excel另存为 .xlsx 后重新报送",
            name,
        ),
    )


def _unreadable(exc: Exception, data: bytes, suffix: str, name: str) -> Problem:
    """The problem to report when the reader refused a workbook's bytes with ``exc``."""
    said = f"{type(exc).__name__}: {exc}"
    if "Cannot detect file format" in said:
        said = _real_error(data, suffix)
    if said.startswith("PasswordError"):
        message = f"“{name}”设置了打开密码，无法读取；请取消密码后另存为 .xlsx 重新报送"
        return _problem("password-protected", message, name)
    if "limit exceeded" in said.lower():  # a used range far beyond any form (an .ods)
        return _too_complex(name)
    # calamine's own words ("Cannot detect file format") are English and tell a unit nothing.
    message = f"“{name}”已损坏或不完整，无法读取；请重新打开确认后另存为 .xlsx 再报送"
    return _problem("damaged-file", message, name)


def _too_complex(name: str, sheet: str = "", rows: int = 0, columns: int = 0) -> Problem:
    where = f"的工作表“{sheet}”的使用范围达 {rows:,} 行 × {columns} 列，" if sheet else "的使用范围"
    return _problem(
        "file-too-complex",
        f"“{name}”{where}远超报表范围（常见原因：很远处的单元格中有空格等内容），无法读取；"
        "请删除表格以外的多余行列后另存为 .xlsx 重新报送",
        name,
    )


def _inspect_xls(data: bytes, name: str, limits: Limits) -> _Package:
    """An .xls's saved time and formula cells; refused when a sheet declares a used range far
    beyond any form (an .xls cannot be cut like an .xlsx before reading)."""
    from xltools.collect.formats import read_biff

    found = _Package(data)
    biff = read_biff(data)
    if biff is None or biff.encrypted:
        return found  # calamine decides: damaged, or asks for the password
    for sheet, (rows, columns) in biff.dimensions.items():
        if rows > limits.rows or columns > limits.columns:
            found.refusal = _too_complex(name, sheet, rows, columns)
            return found
    if biff.saved is not None:
        found.saved = biff.saved.astimezone(OFFICE_TZ).replace(tzinfo=None)
    found.formulas = _named_cells(biff.formulas)
    return found


def _real_error(data: bytes, suffix: str) -> str:
    """Why calamine cannot open the file (``PasswordError: …``, ``CalamineError: Cell limit
    exceeded …``), or "" when it can.

    Read from bytes, calamine tries each format in turn and reports only "Cannot detect file
    format"; told the format by the file's extension it says why. So the bytes are read once
    more from a temporary file with the extension (only after a failure).
    """
    import tempfile

    from python_calamine import CalamineWorkbook

    with tempfile.TemporaryDirectory(prefix="xltools-") as folder:
        path = Path(folder) / f"book{suffix}"
        path.write_bytes(data)
        try:
            CalamineWorkbook.from_path(str(path))
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
    return ""


def _read_values(data: bytes) -> tuple[dict[str, list[list]], dict[str, list]]:
    """Every sheet's values and merged ranges, with python-calamine, in one opening."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets: dict[str, list[list]] = {}
    merged: dict[str, list] = {}
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        sheets[name] = sheet.to_python(skip_empty_area=False)
        ranges = sheet.merged_cell_ranges
        if ranges:
            merged[name] = [tuple(map(tuple, r)) for r in ranges]
    return sheets, merged


_CORE = ("docProps/core.xml", "meta.xml")
# The XML parts a parser reads (calamine: workbook, sheets, strings, styles, relations; defusedxml:
# core/custom properties); a DTD in any of them refuses the file. Themes and the like are never read.
_PARSED = (
    "xl/workbook.xml",
    "xl/_rels/",
    "_rels/",
    "xl/worksheets/sheet",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "docProps/core.xml",
    "docProps/custom.xml",
    "content.xml",
    "styles.xml",
    "meta.xml",
)
_BOOK = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
_KEPT = (*_CORE, *_BOOK, "xl/styles.xml", "content.xml")  # read whole (with the worksheets)
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?(?<!/)>(?:(?!</c>).){0,200}?<f[ >/]', re.S)


@dataclass
class _Package:
    """What the bytes of a workbook say besides its values (see `_inspect_package`)."""

    data: bytes
    refusal: Problem | None = None
    saved: datetime | None = None
    formulas: dict = field(default_factory=dict)
    percents: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    cut: dict = field(default_factory=dict)


def _inspect_package(data: bytes, name: str, limits: Limits) -> _Package:
    """One pass over an .xlsx/.ods package: refuse a zip bomb or XML with a DTD (entity attacks),
    and find the saved time, the cells holding formulas (calamine gives their cached values) and
    the cells formatted as percentages, and the cells holding an error value (#NAME?: text
    typed with a leading ``=`` became a formula; calamine reads them as empty). Cells far outside
    any form are cut from the package, so that the reader never allocates them."""
    from xltools.collect.formats import ods_formulas, trim_package

    found = _Package(data)
    parts: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            found.refusal = _zip_refusal(infos, name, limits) or _other_document(
                {i.filename for i in infos}, zf, name
            )
            if found.refusal:
                return found
            for info in infos:
                if not info.filename.startswith(_PARSED):
                    continue
                keep = info.filename in _KEPT or info.filename.startswith("xl/worksheets/sheet")
                if keep:
                    text = zf.read(info)  # zipfile never yields more than the declared size
                else:
                    with zf.open(info) as member:
                        text = member.read(4096)
                if _DTD.search(text, 0, 4096):
                    found.refusal = _problem(
                        "xml-attack",
                        f"“{name}”的内部XML含有DTD/实体声明（可能是恶意文件），已拒绝读取；请用Excel另存为新的 .xlsx 后重新报送",
                        name,
                    )
                    return found
                if keep:
                    parts[info.filename] = text
        trimmed = trim_package(data, parts, limits.rows, limits.columns)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error):
        found.refusal = _problem(
            "damaged-file",
            f"“{name}”已损坏或不完整，无法读取；请重新打开确认后另存为 .xlsx 再报送",
            name,
        )
        return found
    if trimmed is not None:
        found.data = trimmed.data
        sheets = _sheet_names(parts)
        found.cut = {sheets.get(part, part): cut for part, cut in trimmed.cut.items()}
    found.saved = _saved_time(parts)
    found.formulas = _formulas(parts)
    if "content.xml" in parts:
        try:
            found.formulas = _named_cells(ods_formulas(parts["content.xml"]))
        except Exception:  # only refines a warning
            found.formulas = {}
    found.percents = _percent_cells(parts)
    found.errors = _error_cells(parts)
    return found


def _named_cells(cells: dict[str, list[tuple[int, int]]]) -> dict[str, tuple[str, ...]]:
    from xltools.core.excel import cell_name

    return {sheet: tuple(cell_name(r, c) for r, c in found) for sheet, found in cells.items()}


def _other_document(names: set[str], zf: zipfile.ZipFile, name: str) -> Problem | None:
    """A Word or PowerPoint file, or an OpenDocument text or slides, renamed to .xlsx/.ods: a
    package without a workbook that is plainly another kind of document (not a damaged one)."""
    if "xl/workbook.xml" in names:
        return None
    other = bool(names & {"word/document.xml", "ppt/presentation.xml"})
    if not other and "mimetype" in names:
        kind = zf.read("mimetype")[:100]
        other = b"opendocument" in kind and b"spreadsheet" not in kind
    if not other:
        return None
    return _problem(
        "not-a-spreadsheet",
        f"“{name}”的内容不是Excel工作簿（是改了扩展名的Word、PPT等文件），"
        "请在下发的工作簿中填写后另存为 .xlsx 重新报送",
        name,
    )


def _sheet_names(parts: dict[str, bytes]) -> dict[str, str]:
    """Worksheet part (``xl/worksheets/sheet1.xml``) -> sheet name, from the workbook's map."""
    if not all(b in parts for b in _BOOK):
        return {}
    return _sheet_map(parts[_BOOK[0]], parts[_BOOK[1]])


@functools.lru_cache(maxsize=64)
def _sheet_map(book_xml: bytes, rels_xml: bytes) -> dict[str, str]:
    from defusedxml.ElementTree import fromstring

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        book, rels = fromstring(book_xml), fromstring(rels_xml)
    except Exception:  # these only refine what is reported; an odd package must not stop reading
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    names = {}
    for sheet in book.iter(f"{ns}sheet"):
        target = targets.get(sheet.get(rel), "")
        names[target.lstrip("/") if target.startswith("/") else f"xl/{target}"] = sheet.get("name")
    return names


def _cells_by_sheet(parts: dict[str, bytes], having: dict[str, bytes], pattern, keep=None):
    """Sheet name -> cells matching ``pattern`` in the sheet parts ``having`` (part -> XML)."""
    if not having:
        return {}
    found = {}
    for part, sheet in _sheet_names(parts).items():
        if part in having:
            cells = tuple(
                m.group(1).decode()
                for m in pattern.finditer(having[part])
                if keep is None or keep(m)
            )
            if cells:
                found[sheet] = cells
    return found


_ERROR_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?\st="e"')


def _error_cells(parts: dict[str, bytes]) -> dict[str, tuple[str, ...]]:
    """Sheet name -> cells whose value is an error; sheets without one are not searched."""
    having = {p: x for p, x in parts.items() if p.startswith("xl/worksheets/") and b't="e"' in x}
    return _cells_by_sheet(parts, having, _ERROR_CELL)


def _formulas(parts: dict[str, bytes]) -> dict[str, tuple[str, ...]]:
    """Sheet name -> cells with a formula; the workbook's sheet map is read only if any has one."""
    having = {
        p: x
        for p, x in parts.items()
        if p.startswith("xl/worksheets/") and (b"<f>" in x or b"<f " in x)
    }
    return _cells_by_sheet(parts, having, _FORMULA_CELL)


_STYLED_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?\ss="([0-9]+)"')
_PERCENT_FORMATS = {9, 10}  # built-in 0% and 0.00%


def _percent_cells(parts: dict[str, bytes]) -> dict[str, tuple[str, ...]]:
    """Sheet name -> cells formatted as a percentage (typing ``50%`` in Excel stores 0.5 so)."""
    styles = parts.get("xl/styles.xml")
    if not styles:
        return {}
    styled = _percent_styles(styles)
    if not styled:
        return {}
    having = {p: x for p, x in parts.items() if p.startswith("xl/worksheets/")}
    return _cells_by_sheet(parts, having, _STYLED_CELL, lambda m: m.group(2) in styled)


@functools.lru_cache(maxsize=64)
def _percent_styles(styles: bytes) -> frozenset[bytes]:
    """The cell style indexes (as in ``s="7"``) of a styles.xml that format as a percentage.
    Cached by content: the returns of a round mostly carry the very same styles part."""
    from defusedxml.ElementTree import fromstring

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    try:
        root = fromstring(styles)
    except Exception:  # only refines a warning
        return frozenset()
    ids = set(_PERCENT_FORMATS)
    for fmt in root.iter(f"{ns}numFmt"):
        # a % outside quotes makes a percentage format ("0.0%", not "0.0\"%\"")
        code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
        if "%" in code:
            ids.add(int(fmt.get("numFmtId", -1)))
    xfs = root.find(f"{ns}cellXfs")
    return frozenset(
        str(i).encode()
        for i, xf in enumerate(xfs if xfs is not None else ())
        if int(xf.get("numFmtId", 0)) in ids
    )


def _zip_refusal(infos: list[zipfile.ZipInfo], name: str, limits: Limits) -> Problem | None:
    """The declared sizes of a zip against the limits (actual sizes are checked while reading)."""
    if len(infos) > limits.members:
        return _problem(
            "archive-too-many-files",
            f"“{name}”包含 {len(infos)} 个文件，超过上限 {limits.members}，已拒绝；请只压缩本单位的报表",
            name,
        )
    total = sum(i.file_size for i in infos)
    if total > limits.expanded:
        return _problem(
            "archive-too-large",
            f"“{name}”解压后约 {total // 2**20} MB，超过上限 {limits.expanded // 2**20} MB，已拒绝；请直接报送工作簿",
            name,
        )
    for info in infos:
        if info.file_size > 2**20 and info.file_size > limits.ratio * max(info.compress_size, 1):
            return _problem(
                "archive-too-large",
                f"“{name}”中的“{info.filename}”压缩比异常（可能是压缩炸弹），已拒绝",
                name,
            )
    return None


def _member_name(info: zipfile.ZipInfo) -> str:
    """Member names without the UTF-8 flag are GBK on Chinese Windows, not cp437 as zipfile assumes."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return _escape_controls(name)


def _unsafe(member: str) -> bool:
    posix = member.replace("\\", "/")
    return (
        posix.startswith("/")
        or re.match(r"^[A-Za-z]:", posix) is not None
        or ".." in posix.split("/")
    )


def _read_archive(inbox: Inbox, name: str, path: Path, data: bytes, limits: Limits) -> None:
    """Read each workbook inside a zip from memory; refuse the whole archive when it is unsafe."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        inbox.problems.append(
            _problem(
                "damaged-file",
                f"压缩包“{name}”已损坏，无法打开；请重新压缩后报送，或直接报送工作簿",
                name,
            )
        )
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        refusal = _archive_refusal(infos, name, limits)
        if refusal:
            inbox.problems.append(refusal)
            return
        budget = limits.expanded
        for info in sorted(infos, key=_member_name):
            member = _member_name(info)
            display = f"{name}/{member}"
            if _skip(member):
                inbox.skipped.append(display)
                continue
            refusal = _member_refusal(info, display, limits)
            if refusal:
                inbox.problems.append(refusal)
                continue
            try:
                content = _read_member(zf, info, budget)
            except _TooLarge:
                inbox.problems.append(
                    _problem(
                        "archive-too-large",
                        f"压缩包“{name}”解压后的实际大小超过上限，已停止读取",
                        name,
                    )
                )
                return
            except (
                zipfile.BadZipFile,
                EOFError,
                OSError,
                ValueError,
                NotImplementedError,
                zlib.error,
            ):
                inbox.problems.append(
                    _problem(
                        "damaged-file",
                        f"压缩包中的“{display}”已损坏，无法解压；请重新压缩后报送，或直接报送工作簿",
                        display,
                    )
                )
                continue
            budget -= len(content)
            when = datetime(*info.date_time)
            _read_one(inbox, display, path, content, when, limits)


def _archive_refusal(infos: list[zipfile.ZipInfo], name: str, limits: Limits) -> Problem | None:
    """Why a whole archive is refused (too many or too large members, a path leading out of it)."""
    refusal = _zip_refusal(infos, name, limits)
    if refusal is None:
        bad = [_member_name(i) for i in infos if _unsafe(_member_name(i))]
        if bad:
            refusal = _problem(
                "archive-unsafe-path",
                f"压缩包“{name}”中的路径“{bad[0]}”指向压缩包以外，已拒绝整个压缩包；请重新压缩",
                name,
            )
    return refusal


def _member_refusal(info: zipfile.ZipInfo, display: str, limits: Limits) -> Problem | None:
    """Why one member of an archive is not read: an archive itself, encrypted, or too large."""
    if PurePosixPath(_member_name(info)).suffix.lower() in ARCHIVES:
        return _problem(
            "nested-archive",
            f"“{display}”是压缩包中的压缩包，未读取；请直接压缩工作簿",
            display,
        )
    if info.flag_bits & 0x1:
        return _problem(
            "password-protected",
            f"“{display}”在加密的压缩包中，无法读取；请不加密码重新压缩",
            display,
        )
    if info.file_size > limits.size:
        return _too_large(display, info.file_size, limits.size)
    return None


class _TooLarge(Exception):
    pass


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """A member's bytes, read in chunks so a lying header cannot make it exceed the budget."""
    limit = min(budget, info.file_size)
    chunks, size = [], 0
    with zf.open(info) as stream:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise _TooLarge
            chunks.append(chunk)
    return b"".join(chunks)


_MODIFIED = "{http://purl.org/dc/terms/}modified"
_ODS_DATE = "{http://purl.org/dc/elements/1.1/}date"


# core.xml as Excel, WPS, LibreOffice and openpyxl write it: the dcterms prefix bound to its
# namespace and one modified element. Anything else is parsed as XML.
_DCTERMS = b'xmlns:dcterms="http://purl.org/dc/terms/"'
_MODIFIED_TEXT = re.compile(rb"<dcterms:modified(?:\s[^>]*)?>([^<]*)</dcterms:modified>")


def _saved_time(parts: dict[str, bytes]) -> datetime | None:
    """When the file was last saved, from its own metadata (xlsx core.xml, ods meta.xml)."""
    core = parts.get(_CORE[0])
    if core is not None and _DCTERMS in core:
        # Reading the one element directly spares an XML parse per file (a DTD was refused before).
        found = _MODIFIED_TEXT.findall(core)
        if len(found) == 1 and found[0].strip() and b"&" not in found[0]:
            return parse_timestamp(found[0].decode("utf-8", "replace"))
    from defusedxml.ElementTree import fromstring

    for part, tag in zip(_CORE, (_MODIFIED, _ODS_DATE), strict=True):
        if part in parts:
            try:
                node = fromstring(parts[part]).find(f".//{tag}")
            except Exception:  # a broken metadata part only loses the time, not the file
                return None
            return parse_timestamp(node.text) if node is not None and node.text else None
    return None


def parse_timestamp(text: str) -> datetime | None:
    """An ISO 8601 timestamp (``2023-04-18T09:30:00Z``, offsets) as naive office time (UTC+8);
    one without a zone (an .ods's, written in the saving machine's clock) is taken as office time,
    as a file's modification time is."""
    text = text.strip().replace("Z", "+00:00")
    # LibreOffice writes nanoseconds (09:30:00.123456789), which Python before 3.11 refuses.
    text = re.sub(r"(\.[0-9]{6})[0-9]+", r"\1", text)
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(OFFICE_TZ).replace(tzinfo=None)
    return stamp


def _properties(data: bytes) -> dict[str, str]:
    """Custom document properties, through identity (which owns their layout)."""
    from xltools.distribute.identity import read_properties

    try:
        return read_properties(data)
    except (
        Exception
    ):  # unreadable properties only lose the duplicate identity; the sheet has it too
        return {}
