"""The identity embedded in every distributed workbook, so the office recognises a returned file.

What is stored: the workspace id, the unit the workbook was sent to, the round key, the form name
and version, one entry per row of 填报表 (task id, the unit shown on the row, its role 牵头/配合,
and a fingerprint of the locked task text) and one per row of 指标 (task id, unit, fingerprint of the
target phrase), each in sheet order.

It is stored twice, because each copy survives a different kind of re-save:

1. Custom document properties (``docProps/custom.xml``), all text:
   ``xltools.workspace``, ``xltools.unit``, ``xltools.round``, ``xltools.form``, ``xltools.version``
   (for people looking at 文件 → 属性), and the whole identity as compact JSON split into pieces of
   at most 240 characters (Excel limits a property to 255): ``xltools.identity.parts`` = the number
   of pieces, ``xltools.identity.00``, ``.01``, …  The JSON is
   ``{"v": 1, "workspace", "unit", "round", "form", "version", "rows": [[task, unit, role, fp]…],
   "targets": [[task, unit, fp]…]}``. Excel, WPS and LibreOffice keep custom properties in xlsx;
   a conversion to .xls/.ods loses them here (`read_properties` returns ``{}``).
2. A very hidden, protected sheet ``_xltools`` (LibreOffice turns very hidden into plain hidden on
   re-save, which is fine), one record per line, every cell text:
   ``xltools-identity | 1``, then ``workspace | <id>``, ``unit | <name>``, ``round | <key>``,
   ``form | <name>``, ``version | <n>``, then ``row | task | unit | role | fp`` per 填报表 row and
   ``target | task | unit | fp`` per 指标 row. python-calamine reads it fast from xlsx, xls and ods.

`read_identity` prefers the properties (harder to edit by accident) and falls back to the sheet.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from xltools.core.text import cell_text, squash

SHEET = "_xltools"
MAGIC = "xltools-identity"
LAYOUT = 1
PREFIX = "xltools."
_PIECE = 240
_MAX_CUSTOM_XML = 5_000_000  # a custom.xml bigger than this is not ours; don't inflate it


@dataclass(frozen=True)
class IdentityRow:
    """One row of 填报表 as sent: task id, the unit it is for, its role, the task text's fingerprint."""

    task: str
    unit: str
    role: str
    fingerprint: str


@dataclass(frozen=True)
class IdentityTarget:
    """One row of 指标 as sent: task id, the unit it is for, the target phrase's fingerprint."""

    task: str
    unit: str
    fingerprint: str


@dataclass(frozen=True)
class Identity:
    """What a distributed workbook says about itself."""

    workspace: str
    unit: str
    round: str
    form: str
    version: int
    rows: tuple[IdentityRow, ...] = ()
    targets: tuple[IdentityTarget, ...] = ()
    source: str = ""  # where it was read from: "properties" or "sheet"; "" when built

    @property
    def task_keys(self) -> tuple[tuple[str, str], ...]:
        """(task id, unit) of every 填报表 row, in sheet order."""
        return tuple((r.task, r.unit) for r in self.rows)

    def to_json(self) -> str:
        """The compact JSON stored in the document properties."""
        data = {
            "v": LAYOUT,
            "workspace": self.workspace,
            "unit": self.unit,
            "round": self.round,
            "form": self.form,
            "version": self.version,
            "rows": [[r.task, r.unit, r.role, r.fingerprint] for r in self.rows],
            "targets": [[t.task, t.unit, t.fingerprint] for t in self.targets],
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def fingerprint(text: object) -> str:
    """A short hash of a text, blind to spacing and full-/half-width differences."""
    return hashlib.sha256(squash(text).encode("utf-8")).hexdigest()[:12]


def properties(identity: Identity) -> dict[str, str]:
    """The custom document properties that carry an identity, in writing order."""
    text = identity.to_json()
    pieces = [text[i : i + _PIECE] for i in range(0, len(text), _PIECE)] or [""]
    props = {
        f"{PREFIX}workspace": identity.workspace,
        f"{PREFIX}unit": identity.unit,
        f"{PREFIX}round": identity.round,
        f"{PREFIX}form": identity.form,
        f"{PREFIX}version": str(identity.version),
        f"{PREFIX}identity.parts": str(len(pieces)),
    }
    for index, piece in enumerate(pieces):
        props[f"{PREFIX}identity.{index:02d}"] = piece
    return props


def sheet_rows(identity: Identity) -> list[list[str]]:
    """The lines of the hidden ``_xltools`` sheet."""
    lines = [
        [MAGIC, str(LAYOUT)],
        ["workspace", identity.workspace],
        ["unit", identity.unit],
        ["round", identity.round],
        ["form", identity.form],
        ["version", str(identity.version)],
    ]
    lines += [["row", r.task, r.unit, r.role, r.fingerprint] for r in identity.rows]
    lines += [["target", t.task, t.unit, t.fingerprint] for t in identity.targets]
    return lines


def embed(workbook, identity: Identity) -> None:
    """Write the identity into an xlsxwriter workbook: custom properties and the hidden sheet.

    Call it after adding the visible sheets, so that ``_xltools`` is the last one."""
    for name, value in properties(identity).items():
        # xlsxwriter warns (and pytest turns warnings into errors) instead of raising.
        if workbook.set_custom_property(name, value, "text") != 0:
            raise ValueError(f"cannot set document property {name}")
    ws = workbook.add_worksheet(SHEET)
    for r, line in enumerate(sheet_rows(identity)):
        for c, value in enumerate(line):
            ws.write_string(r, c, value)
    ws.protect()
    ws.very_hidden()


def read_properties(data: bytes) -> dict[str, str]:
    """Custom document properties of an xlsx file's bytes; ``{}`` for .xls/.ods or when absent."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("docProps/custom.xml")
            if info.file_size > _MAX_CUSTOM_XML:
                return {}
            xml = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        # Not a zip (.xls), no custom part, encrypted or damaged: the hidden sheet is the fallback.
        return {}
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return {}
    result: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if not name:
            continue
        value = next(iter(prop), None)
        result[name] = (value.text or "") if value is not None else ""
    return result


def read_identity(sheets: dict[str, list[list]], properties: dict[str, str]) -> Identity | None:
    """The identity of a returned workbook, from its properties or else its ``_xltools`` sheet."""
    return _from_properties(properties) or _from_sheet(sheets.get(SHEET))


def _from_properties(props: dict[str, str]) -> Identity | None:
    try:
        count = int(props.get(f"{PREFIX}identity.parts", ""))
        text = "".join(props[f"{PREFIX}identity.{i:02d}"] for i in range(count))
        data = json.loads(text)
        if data.get("v") != LAYOUT:
            return None
        return Identity(
            workspace=str(data["workspace"]),
            unit=str(data["unit"]),
            round=str(data["round"]),
            form=str(data["form"]),
            version=int(data["version"]),
            rows=tuple(IdentityRow(*map(str, r)) for r in data["rows"]),
            targets=tuple(IdentityTarget(*map(str, t)) for t in data["targets"]),
            source="properties",
        )
    except (KeyError, ValueError, TypeError):
        return None


def _from_sheet(rows: list[list] | None) -> Identity | None:
    if not rows:
        return None
    # A re-save may turn "1" into the number 1.0; keep identities textual.
    lines = [[cell_text(v) for v in row] for row in rows]
    if not lines[0] or lines[0][0] != MAGIC or lines[0][1:2] != [str(LAYOUT)]:
        return None
    head: dict[str, str] = {}
    task_rows: list[IdentityRow] = []
    targets: list[IdentityTarget] = []
    for line in lines[1:]:
        line = line + [""] * (5 - len(line))
        kind = line[0]
        if kind == "row":
            task_rows.append(IdentityRow(*line[1:5]))
        elif kind == "target":
            targets.append(IdentityTarget(*line[1:4]))
        elif kind:
            head[kind] = line[1]
    try:
        return Identity(
            workspace=head["workspace"],
            unit=head["unit"],
            round=head["round"],
            form=head["form"],
            version=int(head["version"]),
            rows=tuple(task_rows),
            targets=tuple(targets),
            source="sheet",
        )
    except (KeyError, ValueError):
        return None
