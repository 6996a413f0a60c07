"""The text of a plan document: a .txt in any of its usual encodings, or a Word .docx.

From a .docx come its paragraphs with Word's automatic list numbers written out (``1.``, ``（一）``),
and its tables: a task table (序号/任务/牵头单位/责任单位) becomes one plan line per row.
"""

from __future__ import annotations

import re
from pathlib import Path

from xltools.core.errors import PlanError
from xltools.core.i18n import _
from xltools.core.text import clean

_COLUMNS = {
    "label": re.compile(r"序号|编号|序"),
    "lead": re.compile(r"牵头"),
    "responsible": re.compile(r"责任|配合|协办|参与"),
    "task": re.compile(r"任务|内容|事项|工作|目标"),
}
_CN_DIGITS = "零一二三四五六七八九"


def read_text(path: Path) -> str:
    """The plan's text, one line per paragraph: .txt (UTF-8 with or without BOM, GB18030) or .docx."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return decode_text(path)
    if suffix == ".docx":
        return _docx_text(path)
    hint = _("; save it as .docx in Word") if suffix == ".doc" else ""
    what = suffix or "file without extension"
    raise PlanError(
        _(
            "{name}: cannot read a plan from a {what}: use .txt, .docx, .xlsx, .xls, .ods or .csv{hint}"
        ).format(name=path.name, what=what, hint=hint)
    )


def decode_text(path: Path) -> str:
    """A text file's contents: UTF-16 with a BOM, else UTF-8 (with or without BOM), else GB18030."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanError(
            _("{name}: cannot read the file ({strerror})").format(
                name=path.name, strerror=exc.strerror
            )
        ) from exc
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanError(
        _("{name}: the text is neither UTF-8 nor GB18030; save it as UTF-8 and retry").format(
            name=path.name
        )
    )


def _open_docx(path: Path):
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PlanError(
            _("{name}: not a readable Word .docx file ({exc})").format(name=path.name, exc=exc)
        ) from exc


def _docx_text(path: Path) -> str:
    """Paragraphs and table rows in document order, one line each."""
    from docx.table import Table

    document = _open_docx(path)
    numbering = _Numbering(document)
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_lines(block))
        else:
            lines.append(numbering.label(block) + block.text)
    return "\n".join(lines)


def docx_blocks(path: Path) -> list[str | list[list[str]]]:
    """A Word file's blocks in document order: each paragraph as its text (with Word's automatic
    number written out), each table as its rows of cell texts. A cell merged across columns gives
    its text in its first column only (as a spreadsheet does); one merged down repeats its text."""
    from docx.table import Table

    document = _open_docx(Path(path))
    numbering = _Numbering(document)
    blocks: list[str | list[list[str]]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            grid = []
            for row in block.rows:
                cells, previous = [], None
                for cell in row.cells:
                    cells.append("" if cell is previous else cell.text)
                    previous = cell
                grid.append(cells)
            blocks.append(grid)
        else:
            blocks.append(numbering.label(block) + block.text)
    return blocks


def chinese(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一 (as Word's chineseCounting writes them)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def _format(n: int, fmt: str) -> str:
    if fmt.startswith("chinese") or fmt.startswith("ideograph") or fmt == "taiwaneseCounting":
        return chinese(n)
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _Numbering:
    """Word's automatic list numbers: counters per list, formats from the numbering part."""

    def __init__(self, document) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[
            tuple[str, int], tuple[int, str, str]
        ] = {}  # (numId, ilvl) -> start, fmt, text
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            definition = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            if definition is None:
                continue
            for lvl in definition.findall(qn("w:lvl")):
                start, fmt, text = (
                    lvl.find(qn(f"w:{tag}")) for tag in ("start", "numFmt", "lvlText")
                )
                self.levels[(num.get(qn("w:numId")), int(lvl.get(qn("w:ilvl"), "0")))] = (
                    int(start.get(qn("w:val"))) if start is not None else 1,
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    text.get(qn("w:val")) if text is not None else "",
                )

    def _num_pr(self, paragraph):
        ppr = paragraph._p.pPr
        num_pr = ppr.find(self.qn("w:numPr")) if ppr is not None else None
        style = paragraph.style
        while num_pr is None and style is not None:  # numbering set by the paragraph's style
            ppr = style.element.pPr
            num_pr = ppr.find(self.qn("w:numPr")) if ppr is not None else None
            style = style.base_style
        return num_pr

    def label(self, paragraph) -> str:
        """The number Word shows before this paragraph (``1.``, ``（一）``), or ``""``."""
        if not self.levels or not paragraph.text.strip():
            return ""
        num_pr = self._num_pr(paragraph)
        if num_pr is None:
            return ""
        num_id = num_pr.find(self.qn("w:numId"))
        ilvl = num_pr.find(self.qn("w:ilvl"))
        num = num_id.get(self.qn("w:val")) if num_id is not None else None
        level = int(ilvl.get(self.qn("w:val"))) if ilvl is not None else 0
        if (num, level) not in self.levels:
            return ""
        counters = self.counters.setdefault(num, [0] * 9)
        start = self.levels[(num, level)][0]
        counters[level] = counters[level] + 1 if counters[level] else start
        for deeper in range(level + 1, 9):
            counters[deeper] = 0  # a deeper list restarts under each new item

        def shown(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            start_k, fmt_k, _ = self.levels.get((num, k), (1, "decimal", ""))
            return _format(counters[k] or start_k, fmt_k)

        return re.sub(r"%(\d)", shown, self.levels[(num, level)][2])


def _table_lines(table) -> list[str]:
    """A task table (序号/任务/牵头单位/责任单位) as plan lines; any other table cell by cell."""
    columns: dict[str, int] = {}
    lines: list[str] = []
    for row in table.rows:
        cells, seen = [], []
        for cell in row.cells:
            if not any(cell._tc is tc for tc in seen):  # a merged cell repeats across its columns
                seen.append(cell._tc)
                cells.append(clean(cell.text.replace("\n", "")))
        texts = [t for t in cells if t]
        if not columns:
            found: dict[str, int] = {}
            for key, pattern in _COLUMNS.items():
                for c, text in enumerate(cells):
                    if c not in found.values() and len(text) <= 8 and pattern.search(text):
                        found[key] = c
                        break
            if "task" in found and ("lead" in found or "responsible" in found):
                columns = found
            else:
                lines.extend(texts)
            continue
        if len(set(texts)) <= 1 or len(cells) <= max(columns.values()):
            lines.extend(dict.fromkeys(texts))  # a merged heading row
            continue
        get = dict.fromkeys(_COLUMNS, "") | {key: cells[c] for key, c in columns.items()}
        label = get["label"] + ("." if re.fullmatch(r"\d+", get["label"]) else "")
        owners = [
            f"{key}:{get[col]}" for key, col in (("牵头单位", "lead"), ("责任单位", "responsible"))
        ]
        owners = [o for o in owners if not o.endswith(":")]
        annotation = f"({';'.join(owners)})" if owners else ""
        lines.append(f"{label}{get['task']}{annotation}")
    return lines
