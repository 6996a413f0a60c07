"""Form definitions: what a unit fills in each round, loaded from ``templates/<name>.yaml``.

A form has fields at three levels: per task row (``task_fields``), per target of the unit's lead
tasks (``target_fields``, the 指标 sheet) and once per workbook (``unit_fields``). The same
`Field` drives writing (dropdowns, prompts, protection, highlights) and checking the returns.
``templates/README.md`` documents the YAML format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from xltools.core.contracts import (
    DEADLINE,
    ITEM,
    LEAD,
    LEAD_UNITS,
    MERGED_TAIL,
    MERGED_TASK_HEADERS,
    PARTNER,
    RESPONSIBLE_UNITS,
    TARGET_HEADERS,
)
from xltools.core.errors import FormError
from xltools.core.files import read_yaml
from xltools.core.i18n import _
from xltools.core.text import squash

TYPES = ("text", "longtext", "choice", "integer", "number", "percent", "date", "person", "phone")
NUMERIC = ("integer", "number", "percent")
TEXTUAL = ("text", "longtext", "person", "phone")
FILLS = ("lead", "partner", "both")
# Headers distribute and collect write themselves; a field label equal to one would make two
# columns alike.
RESERVED_LABELS = frozenset(
    {*MERGED_TASK_HEADERS, *MERGED_TAIL, *TARGET_HEADERS, LEAD_UNITS, RESPONSIBLE_UNITS, ITEM}
)
DEFAULT_WIDTH = {
    "text": 16, "longtext": 40, "choice": 12, "integer": 10, "number": 12, "percent": 10,
    "date": 12, "person": 10, "phone": 14,
}  # fmt: skip

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_FORM_KEYS = {
    "name",
    "version",
    "title",
    "instructions",
    "task_columns",
    "task_fields",
    "unit_fields",
    "target_fields",
}
_FIELD_KEYS = {
    "key", "label", "type", "required", "required_when", "choices", "min", "max", "max_length",
    "width", "help", "fill",
}  # fmt: skip
_SECTIONS = ("task_fields", "target_fields", "unit_fields")


@dataclass(frozen=True)
class Field:
    """One input column (or, for unit fields, one input cell) of a form."""

    key: str  # stable ASCII key, used by code and in the identity
    label: str  # the Chinese header a unit sees, and the column name in the merged data
    type: str = "text"  # one of TYPES
    required: bool = False
    # Required only when another field of the same row holds one of these values: {"status": ("滞后",)}
    required_when: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    choices: tuple[str, ...] = ()
    min: float | date | None = None
    max: float | date | None = None
    max_length: int | None = None
    width: float = 12
    help: str = ""  # shown as the cell's input prompt
    fill: str = "both"  # task fields: who fills it, lead rows, partner rows or both

    def applies_to(self, role: str) -> bool:
        """Whether a row of this role (``lead``/``partner`` or 牵头/配合) has this field to fill."""
        role = {LEAD: "lead", PARTNER: "partner"}.get(role, role)
        return self.fill == "both" or self.fill == role

    def is_required(self, row: Mapping[str, object] | None = None, role: str = "lead") -> bool:
        """Whether the field must be filled on a row, given that row's values by field key."""
        if not self.applies_to(role):
            return False
        if self.required:
            return True
        row = row or {}
        for other, values in self.required_when.items():
            if squash(row.get(other)) in {squash(v) for v in values}:
                return True
        return False

    @property
    def conditional(self) -> bool:
        """Required only under a condition (``required_when``)."""
        return bool(self.required_when) and not self.required


@dataclass(frozen=True)
class Form:
    """A loaded, checked form definition."""

    name: str
    version: int
    title: str
    task_fields: tuple[Field, ...]
    unit_fields: tuple[Field, ...] = ()
    target_fields: tuple[Field, ...] = ()
    instructions: tuple[str, ...] = ()  # how to fill, one step a line, shown on 填报说明
    # Extra columns of 任务清单 (Task.extra) shown read-only in 填报表 when the master has them.
    task_columns: tuple[str, ...] = (DEADLINE,)

    def field(self, key: str) -> Field:
        """A field by key, from any level."""
        for f in (*self.task_fields, *self.target_fields, *self.unit_fields):
            if f.key == key:
                return f
        raise KeyError(key)

    def task_fields_for(self, role: str) -> tuple[Field, ...]:
        """The task fields a row of this role fills."""
        return tuple(f for f in self.task_fields if f.applies_to(role))


def bundled_dir() -> Path:
    """The folder of the form definitions shipped with xltools."""
    from importlib.resources import files

    return Path(str(files("xltools.templates")))


def find_form(name: str, search: Sequence[Path] = ()) -> Path:
    """The definition file of a form: the first ``<name>.yaml`` in ``search``, then the bundled one."""
    direct = Path(name)
    if direct.suffix in (".yaml", ".yml") and direct.is_file():
        return direct
    dirs = [Path(d) for d in search] + [bundled_dir()]
    for folder in dirs:
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{name}{suffix}"
            if candidate.is_file():
                return candidate
    where = ", ".join(str(d) for d in dirs)
    raise FormError(
        _("{name}.yaml: no form definition named {name!r} in {where}").format(
            name=name, where=where
        )
    )


def load_form(name: str, search: Sequence[Path] = ()) -> Form:
    """Load and check a form definition; every mistake is reported together in one `FormError`."""
    path = find_form(name, search)
    data = read_yaml(path, FormError, path.name)
    return parse_form(data, path.name, expected_name=path.stem)


def parse_form(data: object, source: str = "form", expected_name: str | None = None) -> Form:
    """Check a parsed definition and build the `Form`; raise `FormError` listing every mistake."""
    mistakes: list[str] = []
    if not isinstance(data, dict):
        raise FormError(
            _("{source}: a form definition must be a mapping with name, version, title").format(
                source=source
            )
        )
    for key in sorted(set(data) - _FORM_KEYS, key=str):
        mistakes.append(
            _("unknown key {key!r} (allowed: {names})").format(
                key=key, names=", ".join(sorted(_FORM_KEYS))
            )
        )
    name, version, title, instructions = _parse_heading(data, expected_name, mistakes)
    sections = _parse_sections(data, mistakes)
    labels = {f.label.strip() for f in sections["task_fields"]}
    columns = _parse_task_columns(data, labels, mistakes)
    if mistakes:
        listed = "\n".join(f"  - {m}" for m in mistakes)
        raise FormError(
            _("{source}: {count} mistake(s) in the form definition:\n{listed}").format(
                source=source, count=len(mistakes), listed=listed
            )
        )
    return Form(
        name=name,
        version=version,
        title=title.strip(),
        task_fields=tuple(sections["task_fields"]),
        unit_fields=tuple(sections["unit_fields"]),
        target_fields=tuple(sections["target_fields"]),
        instructions=tuple(i.strip() for i in instructions if i.strip()),
        task_columns=tuple(dict.fromkeys(c.strip() for c in columns)),
    )


def _parse_heading(data: dict, expected_name: str | None, mistakes: list[str]) -> tuple:
    """The form's name, version, title and instructions, as given (checked into ``mistakes``)."""
    name = data.get("name")
    if not isinstance(name, str) or not _KEY.match(name):
        mistakes.append(_("name must be a lowercase ASCII word, got {name!r}").format(name=name))
    elif expected_name is not None and name != expected_name:
        mistakes.append(
            _("name {name!r} differs from the file name {expected_name!r}").format(
                name=name, expected_name=expected_name
            )
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        mistakes.append(
            _("version must be a whole number from 1, got {version!r}").format(version=version)
        )
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        mistakes.append(_("title is missing"))
    instructions = data.get("instructions") or []
    if not isinstance(instructions, list) or not all(isinstance(i, str) for i in instructions):
        mistakes.append(_("instructions must be a list of sentences"))
        instructions = []
    return name, version, title, instructions


def _parse_sections(data: dict, mistakes: list[str]) -> dict[str, list[Field]]:
    """The fields of each level by section name; a key is unique across all three levels."""
    sections: dict[str, list[Field]] = {}
    keys_seen: dict[str, str] = {}
    for section in _SECTIONS:
        raw = data.get(section) or []
        if not isinstance(raw, list):
            mistakes.append(_("{section} must be a list of fields").format(section=section))
            raw = []
        sections[section] = _parse_fields(section, raw, keys_seen, mistakes)
    if not data.get("task_fields"):
        mistakes.append(_("task_fields is empty: a form needs at least one field per task"))
    return sections


def _parse_task_columns(data: dict, labels: set[str], mistakes: list[str]) -> list[str]:
    """The 任务清单 columns shown read-only, none of them a column xltools writes or a field."""
    # By default 完成时限, unless the form asks the unit for its own (the plan round's 完成时限).
    columns = data.get("task_columns", [DEADLINE] if DEADLINE not in labels else [])
    if columns is None:
        columns = []
    if not isinstance(columns, list) or not all(isinstance(c, str) and c.strip() for c in columns):
        mistakes.append(_("task_columns must be a list of 任务清单 column headers"))
        columns = []
    for column in columns:
        if column.strip() in RESERVED_LABELS or column.strip() in labels:
            mistakes.append(
                _("task_columns: {column!r} is a column xltools writes or a field's label").format(
                    column=column
                )
            )
    return columns


def _parse_fields(
    section: str, raw: list, keys_seen: dict[str, str], mistakes: list[str]
) -> list[Field]:
    """A section's fields; keys are recorded in ``keys_seen`` to find one used twice."""
    fields: list[Field] = []
    labels: set[str] = set()
    raw_keys: set[str] = set()
    for index, item in enumerate(raw):
        where = f"{section}[{index + 1}]"
        if not isinstance(item, dict):
            mistakes.append(
                _("{where}: a field must be a mapping with key, label, type").format(where=where)
            )
            continue
        where = f"{where} ({item.get('label') or item.get('key') or '?'})"
        key, label = item.get("key"), str(item.get("label") or "").strip()
        if isinstance(key, str) and key:
            if key in keys_seen:
                mistakes.append(
                    _("{where}: duplicate key {key!r} (also in {value})").format(
                        where=where, key=key, value=keys_seen[key]
                    )
                )
            keys_seen.setdefault(key, where)
            raw_keys.add(key)
        if label and label in labels:
            mistakes.append(
                _("{where}: duplicate label {label!r} in {section}").format(
                    where=where, label=label, section=section
                )
            )
        labels.add(label)
        built = _parse_field(where, section, item, mistakes)
        if built is not None:
            fields.append(built)
    _check_required_when(section, fields, raw_keys, mistakes)
    return fields


def _check_required_when(
    section: str, fields: list[Field], raw_keys: set[str], mistakes: list[str]
) -> None:
    """Each required_when names another field of the same level, and values it can take."""
    by_key = {f.key: f for f in fields}
    for f in fields:
        for other, values in f.required_when.items():
            target = by_key.get(other)
            if other not in raw_keys:
                mistakes.append(
                    _("{section} {label}: required_when names unknown field {other!r}").format(
                        section=section, label=f.label, other=other
                    )
                )
            elif target is not None and target.type == "choice":
                for value in values:
                    if value not in target.choices:
                        mistakes.append(
                            _(
                                "{section} {label}: required_when value {value!r} is not a choice of {other!r} ({names})"
                            ).format(
                                section=section,
                                label=f.label,
                                value=value,
                                other=other,
                                names="/".join(target.choices),
                            )
                        )
            if other == f.key:
                mistakes.append(
                    _("{section} {label}: required_when names the field itself").format(
                        section=section, label=f.label
                    )
                )


def _parse_field(where: str, section: str, item: dict, mistakes: list[str]) -> Field | None:
    before = len(mistakes)
    for key in sorted(set(item) - _FIELD_KEYS, key=str):
        mistakes.append(_("{where}: unknown attribute {key!r}").format(where=where, key=key))
    key = item.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        mistakes.append(
            _("{where}: key must be a lowercase ASCII word, got {key!r}").format(
                where=where, key=key
            )
        )
    label = item.get("label")
    if not isinstance(label, str) or not label.strip():
        mistakes.append(_("{where}: label is missing").format(where=where))
        label = ""
    elif label.strip() in RESERVED_LABELS:
        mistakes.append(
            _("{where}: label {label!r} is a column xltools writes itself").format(
                where=where, label=label
            )
        )
    kind = item.get("type", "text")
    if kind not in TYPES:
        mistakes.append(
            _("{where}: unknown type {kind!r} (allowed: {names})").format(
                where=where, kind=kind, names=", ".join(TYPES)
            )
        )
    required, required_when = _parse_required(where, item, mistakes)
    choices = _parse_choices(where, kind, item.get("choices") or [], mistakes)
    low, high = _parse_bounds(where, kind, item, mistakes)
    max_length = _parse_max_length(where, kind, item.get("max_length"), mistakes)
    width, help_text, fill = _parse_layout(where, section, kind, item, mistakes)
    if len(mistakes) > before:
        return None
    return Field(
        key=key,
        label=label.strip(),
        type=kind,
        required=required,
        required_when=required_when,
        choices=tuple(choices),
        min=low,
        max=high,
        max_length=max_length,
        width=float(width),
        help=help_text.strip(),
        fill=fill,
    )


def _parse_required(where: str, item: dict, mistakes: list[str]) -> tuple:
    """A field's ``required`` flag and its ``required_when`` conditions."""
    required = item.get("required", False)
    if not isinstance(required, bool):
        mistakes.append(
            _("{where}: required must be true or false, got {required!r}").format(
                where=where, required=required
            )
        )
    required_when = _parse_required_when(where, item.get("required_when"), mistakes)
    if required is True and required_when:
        mistakes.append(
            _("{where}: required_when is pointless on a field that is always required").format(
                where=where
            )
        )
    return required, required_when


def _parse_choices(where: str, kind: str, choices: object, mistakes: list[str]) -> list[str]:
    """A choice field's dropdown list: words, none empty or repeated, as Excel can hold them."""
    if not isinstance(choices, list) or not all(isinstance(c, (str, int, float)) for c in choices):
        mistakes.append(_("{where}: choices must be a list of words").format(where=where))
        choices = []
    choices = [str(c).strip() for c in choices]
    if kind == "choice" and not choices:
        mistakes.append(_("{where}: a choice field needs choices").format(where=where))
    if kind != "choice" and choices:
        mistakes.append(
            _("{where}: choices given but the type is {kind!r}, not 'choice'").format(
                where=where, kind=kind
            )
        )
    if len(set(choices)) != len(choices):
        mistakes.append(_("{where}: duplicate choices").format(where=where))
    if any(not c for c in choices):
        mistakes.append(_("{where}: an empty choice").format(where=where))
    # Excel keeps a literal dropdown list in at most 255 characters.
    if len(",".join(choices)) > 255:
        mistakes.append(
            _("{where}: choices are longer than Excel's 255-character list").format(where=where)
        )
    return choices


def _parse_max_length(where: str, kind: str, max_length: object, mistakes: list[str]):
    """A text field's longest answer (None: Excel's own limit)."""
    if max_length is not None:
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            mistakes.append(
                _("{where}: max_length must be a whole number from 1, got {max_length!r}").format(
                    where=where, max_length=max_length
                )
            )
        elif kind not in TEXTUAL:
            mistakes.append(
                _("{where}: max_length applies to text fields, not {kind!r}").format(
                    where=where, kind=kind
                )
            )
    return max_length


def _parse_layout(where: str, section: str, kind: str, item: dict, mistakes: list[str]):
    """(width, help, fill): the column's width, its input prompt, and who fills it."""
    # An unknown type is a mistake already reported; it may be a list or mapping (unhashable).
    width = item.get("width", DEFAULT_WIDTH.get(kind, 12) if isinstance(kind, str) else 12)
    if isinstance(width, bool) or not isinstance(width, (int, float)) or not 2 <= width <= 120:
        mistakes.append(
            _("{where}: width must be a number from 2 to 120, got {width!r}").format(
                where=where, width=width
            )
        )
    help_text = item.get("help", "")
    if not isinstance(help_text, str):
        mistakes.append(_("{where}: help must be a sentence").format(where=where))
        help_text = ""
    # Excel's input prompt holds at most 255 characters.
    if len(help_text) > 255:
        mistakes.append(
            _("{where}: help is longer than Excel's 255-character input prompt").format(where=where)
        )
    fill = item.get("fill", "both")
    if fill not in FILLS:
        mistakes.append(
            _("{where}: fill must be one of {names}, got {fill!r}").format(
                where=where, names=", ".join(FILLS), fill=fill
            )
        )
    elif section != "task_fields" and "fill" in item:
        mistakes.append(_("{where}: fill applies to task fields only").format(where=where))
    return width, help_text, fill


def _parse_required_when(where: str, raw: object, mistakes: list[str]) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not raw:
        mistakes.append(
            _("{where}: required_when must map a field key to a list of values").format(where=where)
        )
        return {}
    result: dict[str, tuple[str, ...]] = {}
    for other, values in raw.items():
        if isinstance(values, (str, int, float)):
            values = [values]
        if not isinstance(values, list) or not values:
            mistakes.append(
                _("{where}: required_when {other!r} needs a list of values").format(
                    where=where, other=other
                )
            )
            continue
        result[str(other)] = tuple(str(v).strip() for v in values)
    return result


def _parse_bounds(where: str, kind: str, item: dict, mistakes: list[str]):
    low, high = item.get("min"), item.get("max")
    if kind == "percent":
        low = 0 if low is None else low
        high = 100 if high is None else high
    if low is None and high is None:
        return None, None
    if kind in NUMERIC:
        allowed: tuple[type, ...] = (int, float)
    elif kind == "date":
        allowed = (date,)
    else:
        mistakes.append(
            _("{where}: min/max apply to numbers and dates, not {kind!r}").format(
                where=where, kind=kind
            )
        )
        return None, None
    ok = True
    for name, value in (("min", low), ("max", high)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, allowed)):
            expect = "a date (2023-12-31)" if kind == "date" else "a number"
            mistakes.append(
                _("{where}: {name} must be {expect}, got {value!r}").format(
                    where=where, name=name, expect=expect, value=value
                )
            )
            ok = False
    if isinstance(low, datetime) or isinstance(high, datetime):
        mistakes.append(
            _("{where}: min/max of a date are dates without a time").format(where=where)
        )
        ok = False
    if ok and low is not None and high is not None and low > high:
        mistakes.append(
            _("{where}: min {low} is greater than max {high}").format(
                where=where, low=low, high=high
            )
        )
    if kind == "integer" and ok:
        for name, value in (("min", low), ("max", high)):
            if isinstance(value, float) and not value.is_integer():
                mistakes.append(
                    _("{where}: {name} of an integer field must be whole, got {value}").format(
                        where=where, name=name, value=value
                    )
                )
    return low, high
