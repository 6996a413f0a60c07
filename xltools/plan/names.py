"""Owner annotations of a plan: split unit lists, restore shortened names, read owner clauses.

Text is made half-width first (``xltools.core.text.halfwidth``), so ``（）：；，`` read as ``():;,``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from xltools.core.model import is_group_word  # one rule for the importer and the directory
from xltools.core.text import halfwidth

_OPEN = "(〈【《"
_CLOSE = ")〉】》"
_MASK = "\x00"
_ANY_OPEN = re.compile(f"[{re.escape(_OPEN)}]")

LEAD_KEYS = ("牵头单位", "牵头部门", "主办单位")
RESPONSIBLE_KEYS = (
    "责任单位",
    "责任部门",
    "配合单位",
    "配合部门",
    "协办单位",
    "协办部门",
    "参与单位",
)
_KEY = re.compile(r"(" + "|".join(LEAD_KEYS + RESPONSIBLE_KEYS) + r")\s*:\s*")
# "X牵头,Y、Z配合": a role word closing a run of names.
_ROLE = re.compile(r"(牵头|负责|配合|协办|参与|协助)(?=[,;。、.\s]|$)")
_LEAD_ROLES = ("牵头", "负责")

# Endings of complete unit names; an item without one (江汉, 东湖高新区) borrows the suffix of the
# next complete name in its run ("江汉、硚口区人民政府").
_UNIT_END = re.compile(
    r"(局|委|办|政府|管委会|委员会|集团|公司|中心|院|会|部|室|行|所|处|组|厅|馆|校|队|站|社|联|署|司|台|团|庭|监狱|机构|单位|部门|银行|大学)$"
)
_GOV_SUFFIX = re.compile(
    r"(区|县|市|州|镇|乡|旗)(人民政府|政府|管委会|管理委员会|街道办事处|办事处)$"
)
_PLACE_END = "区县市州镇乡旗"
# A unit written without the "市" its run began with ("市教育局、科技局", "市发展和改革委员会、
# 城投公司、法制办"): names no place, ends like a unit, whatever its suffix. Bodies with a name of
# their own are written in full and carry no prefix: 武汉地铁集团, 武汉海关, 人行武汉分行营管部.
_BARE_BUREAU = re.compile(r"[^市区县省州镇乡旗各]{1,12}")
_OWN_NAME = re.compile(
    r"^(国家|中国|中央|人行|人民银行|省|团)|(集团|海关|银行|分行|营管部|大学|学院)$"
)
_PREFIXES = "市区县省"
# The market-supervision bureau written without its "市" looks already prefixed: in
# "市商务局、市场监管局" it is 市市场监管局, the run's prefix written once like any other.
_MARKET_BUREAU = re.compile(r"市场[^市区县省州镇乡各]{0,6}(局|委|办)")
_CLOSERS = {")": "(", "】": "【"}
_LEAD_MARK = re.compile(r"\((牵头|牵头单位)\)$")
_DEFINITION_TAIL = re.compile(r"[,;、]?\s*\(?下同\)?$")


@dataclass
class Owners:
    """What one owner annotation says: names with their 〈〉 notes, per-part owners, leftovers."""

    lead: list[tuple[str, str]] = field(default_factory=list)  # (name, note)
    responsible: list[tuple[str, str]] = field(default_factory=list)
    parts: list[tuple[str, Owners]] = field(default_factory=list)  # (part text, its owners)
    unclear: list[str] = field(default_factory=list)  # text that names no owner clearly

    def empty(self) -> bool:
        """True when no unit is named anywhere."""
        return not (self.lead or self.responsible or any(not o.empty() for _, o in self.parts))


def mask(text: str) -> str:
    """The text with everything inside brackets replaced by NULs, so searches see the top level only."""
    if not _ANY_OPEN.search(text):
        return text
    out, depth = [], 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
            out.append(_MASK)
        elif ch in _CLOSE and depth:
            depth -= 1
            out.append(_MASK)
        else:
            out.append(_MASK if depth else ch)
    return "".join(out)


_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000<>]")


def _brackets(text: str) -> str:
    if not _FULL_WIDTH.search(text):  # the usual case, and translate() is slow
        return text
    return halfwidth(text).replace("<", "〈").replace(">", "〉")


def split_top(text: str, seps: str) -> list[str]:
    """Split at separator characters that are outside every bracket."""
    parts, start = [], 0
    for i, ch in enumerate(mask(text)):
        if ch in seps:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _split_note(item: str) -> tuple[str, str]:
    """``各区人民政府〈含…〉`` -> (``各区人民政府``, ``含…``)."""
    item = item.strip()
    if item.endswith("〉"):
        depth = 0
        for i in range(len(item) - 1, -1, -1):
            if item[i] == "〉":
                depth += 1
            elif item[i] == "〈":
                depth -= 1
                if depth == 0:
                    return item[:i].strip(), item[i + 1 : -1].strip()
    return item, ""


def _is_bare(name: str) -> bool:
    return bool(name) and not _UNIT_END.search(name) and not is_group_word(name)


def _expand_run(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Restore names shortened in a 、-run: a shared suffix written once, ``市`` written once."""
    out = list(items)
    suffix = None  # (place character, body) of the nearest complete government name to the right
    for i in range(len(out) - 1, -1, -1):
        name, note = out[i]
        if _is_bare(name):
            if suffix:
                place, body = suffix
                name = name + body if name[-1] in _PLACE_END else name + place + body
                out[i] = (name, note)
            continue
        m = _GOV_SUFFIX.search(name)
        suffix = (m.group(1), m.group(2)) if m and not is_group_word(name) else None
    for i in range(1, len(out)):
        name, note = out[i]
        previous = out[i - 1][0]
        bare = _BARE_BUREAU.fullmatch(name) and _UNIT_END.search(name)
        bare = (bare and not _OWN_NAME.search(name)) or _MARKET_BUREAU.fullmatch(name)
        if bare and previous[:1] in _PREFIXES and len(previous) > 2:
            out[i] = (previous[0] + name, note)
    return out


def split_unit_items(text: str) -> list[tuple[str, str]]:
    """Unit names with their 〈〉 notes, shortened names restored: ``江汉、硚口区人民政府`` -> two."""
    return list(_split_unit_items(text))


@functools.lru_cache(maxsize=4096)  # plans repeat the same owner lists many times
def _split_unit_items(text: str) -> tuple[tuple[str, str], ...]:
    items: list[tuple[str, str]] = []
    for run in split_top(_brackets(text), ",;"):
        parts = [_split_note(p) for p in split_top(run, "、")]
        parts = [(re.sub(r"\s+", "", n).strip("。."), note) for n, note in parts]
        items.extend(_expand_run([p for p in parts if p[0]]))
    return tuple(items)


def split_units(text: str) -> list[str]:
    """Unit names in a list: ``"市发改委、市教育局,各区人民政府"`` -> ``["市发改委", "市教育局", "各区人民政府"]``."""
    return [name for name, _ in split_unit_items(text)]


def _roles(text: str) -> tuple[list, list] | None:
    """``X牵头,Y、Z配合`` -> (lead items, responsible items); None when the text is not like that."""
    lead: list = []
    responsible: list = []
    start = 0
    masked = mask(text)
    for m in _ROLE.finditer(masked):
        names = text[start : m.start()].strip(" ,;、。.")
        if not names:
            return None
        (lead if m.group(1) in _LEAD_ROLES else responsible).extend(split_unit_items(names))
        start = m.end()
    if start == 0 or text[start:].strip(" ,;、。."):
        return None
    return lead, responsible


def is_annotation(text: str) -> bool:
    """Whether bracketed text names owners (``牵头单位:…``, ``X牵头,Y配合``, ``…〈责任单位:…〉``)."""
    text = _brackets(text)
    return bool(_KEY.search(text)) or _roles(text) is not None


def starts_with_key(line: str) -> bool:
    """Whether a line is an owner line of its own (``牵头单位:X``, ``责任部门:X牵头,Y配合。``)."""
    return bool(_KEY.match(halfwidth(line)))


def split_annotation(text: str) -> tuple[str, str | None]:
    """``任务。(牵头单位:X)`` -> (``任务。``, ``牵头单位:X``); (text, None) when no annotation ends it."""
    stripped = text.rstrip(" 。.;,")
    if not stripped or stripped[-1] not in _CLOSERS:
        return text, None
    close, open_ = stripped[-1], _CLOSERS[stripped[-1]]
    depth = 0
    for i in range(len(stripped) - 1, -1, -1):
        if stripped[i] == close:
            depth += 1
        elif stripped[i] == open_:
            depth -= 1
            if depth == 0:
                content = stripped[i + 1 : -1]
                if is_annotation(content):
                    return stripped[:i].rstrip(), content
                return text, None
    return text, None


def parse_owners(text: str) -> Owners:
    """Read an owner annotation (without its outer brackets) into an `Owners`."""
    text = _brackets(text).strip()
    owners = Owners()
    masked = mask(text)
    keys = list(_KEY.finditer(masked))
    prefix = text[: keys[0].start()] if keys else text
    for k, m in enumerate(keys):
        end = keys[k + 1].start() if k + 1 < len(keys) else len(text)
        value = text[m.end() : end].strip(" ,;。.")
        roles = _roles(value)
        if m.group(1) in LEAD_KEYS:
            owners.lead.extend(split_unit_items(value))
        elif roles:
            owners.lead.extend(roles[0])
            owners.responsible.extend(roles[1])
        else:
            owners.responsible.extend(split_unit_items(value))
    _marked_leads(owners)
    prefix = prefix.strip(" ,;。.")
    if not prefix:
        return owners
    roles = _roles(prefix)
    if roles:
        owners.lead.extend(roles[0])
        owners.responsible.extend(roles[1])
        return owners
    for piece in split_top(prefix, ";"):
        piece = piece.strip(" ,;。.")
        if not piece:
            continue
        body, note = _split_note(piece)
        if note and is_annotation(note):
            body = re.sub(r"^其中\s*[,:、]?\s*", "", body).strip()
            owners.parts.append((body, parse_owners(note)))
        else:
            owners.unclear.append(piece)
    return owners


def _marked_leads(owners: Owners) -> None:
    """``责任单位:市发改委(牵头)、市财政局``: a unit marked (牵头) in a list leads."""
    for name, note in list(owners.responsible):
        if _LEAD_MARK.search(name):
            owners.responsible.remove((name, note))
            owners.lead.append((_LEAD_MARK.sub("", name), note))


def note_kind(name: str, note: str) -> str:
    """What a 〈〉 note after a unit says: ``definition``, ``host``, or ``unknown``."""
    if is_group_word(name) and re.match(r"(含|包括|包含|即)", note):
        return "definition"
    hosts = split_units(note)
    if len(hosts) == 1 and _UNIT_END.search(hosts[0]) and not _KEY.search(note):
        return "host"
    return "unknown"


def definition(note: str) -> str:
    """A group's definition note as written, without the trailing ``下同``."""
    return _DEFINITION_TAIL.sub("", note).strip(" ,;")
