"""Text normalisation shared by the importer and the checks."""

from __future__ import annotations

import re
import unicodedata

# Full-width ASCII variants (！ to ～) map to ASCII by a fixed offset; the ideographic space to a space.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200b\ufeff]+")


def halfwidth(text: str) -> str:
    """Full-width letters, digits and punctuation (（）：；，５０％) as ASCII."""
    return text.translate(_FULLWIDTH)


def clean(text: object) -> str:
    """A cell or line as a plain string: NFC, no zero-width or non-breaking spaces, trimmed."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    return _SPACES.sub(" ", text).strip()


def is_empty(raw: object) -> bool:
    """True for a cell with nothing a person typed (None, "", spaces)."""
    if raw is None:
        return True
    if not isinstance(raw, str):
        return False
    if not raw or raw.isspace():
        return True
    # Past whitespace, only the zero-width spaces `clean` drops can leave nothing (rare: a full
    # clean of every typed cell is most of the checking time).
    return ("\u200b" in raw or "\ufeff" in raw) and clean(raw) == ""


def squash(text: object) -> str:
    """For comparing what a person typed: half-width, no spaces at all."""
    return re.sub(r"\s+", "", halfwidth(clean(text)))


def cell_text(value: object) -> str:
    """A cell value as text: whole numbers without ``.0`` (phones, IDs typed as numbers or turned
    into numbers by a re-save), dates as ISO text, anything else `clean`."""
    if value is None or isinstance(value, str):
        return clean(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return clean(value)
