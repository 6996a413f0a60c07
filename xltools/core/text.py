"""Text normalisation shared by the importer and the checks; display width and wrapping in terminal
columns (a Chinese character takes two) for the command line's help."""

from __future__ import annotations

import itertools
import re
import textwrap
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


# Display width and wrapping in terminal columns, for the command line's help: a Chinese character
# takes two columns, so wrapping by len() (as click does) runs Chinese lines twice too long.

# 禁则 (kinsoku): a line never starts with a closing mark nor ends with an opening one.
CLOSING = frozenset("，。、；：？！）］｝〕〉》」』】〗〙〞〟’”…‥·・％)]}")
OPENING = frozenset("（［｛〔〈《「『【〖〘〝‘“([{")
# What textwrap (and so click) counts as whitespace: not the ideographic space, which is a character.
_BLANKS = re.compile(r"([\t\n\x0b\x0c\r ]+)")


def is_wide(char: str) -> bool:
    """True for a character a terminal draws two columns wide (East Asian Wide or Fullwidth)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def display_width(text: str) -> int:
    """The columns ``text`` takes in a terminal: two for each wide (Chinese) character, one for others."""
    return sum(2 if is_wide(c) else 1 for c in text)


def _breakable(before: str, after: str) -> bool:
    """Whether a line may break between two adjacent characters that have no space between them:
    beside a wide character, unless that puts a closing mark first or an opening mark last on a
    line, or splits a wide character from other punctuation written against it (``数据.xlsx``)."""
    if before in OPENING or after in CLOSING:
        return False
    if before in CLOSING and after in OPENING:
        return True
    if not (is_wide(before) or is_wide(after)):
        return False
    return (is_wide(before) or before.isalnum() or before in CLOSING) and (
        is_wide(after) or after.isalnum() or after in OPENING
    )


def _pieces(word: str) -> list[str]:
    """A run of text without spaces cut where a line may break. Text without wide characters
    breaks where textwrap (and so click) breaks it: after the hyphens of hyphenated words."""
    if not any(is_wide(c) for c in word):
        return [c for c in textwrap.TextWrapper.wordsep_re.split(word) if c]
    pieces = [word[0]]
    for before, after in itertools.pairwise(word):
        if _breakable(before, after):
            pieces.append(after)
        else:
            pieces[-1] += after
    return pieces


def _cut(text: str, columns: int) -> str:
    """The longest start of ``text`` at most ``columns`` wide."""
    used = 0
    for i, char in enumerate(text):
        used += display_width(char)
        if used > columns:
            return text[:i]
    return text


def wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """One paragraph as lines at most ``width`` columns wide, indents included.

    Click's rules in columns instead of characters: English breaks at spaces (and after the hyphen
    of a hyphenated word) exactly as click does, Chinese between any two characters but for the
    禁则 above; spaces at line ends are dropped; a piece wider than a line is cut where it reaches
    the end of the line.
    """
    chunks = []
    for part in _BLANKS.split(text):
        if part:
            chunks.extend([part] if _BLANKS.fullmatch(part) else _pieces(part))
    chunks.reverse()
    lines: list[str] = []
    while chunks:
        indent = subsequent_indent if lines else initial_indent
        room = width - display_width(indent)
        if lines and not chunks[-1].strip():
            del chunks[-1]
        line: list[str] = []
        used = 0
        while chunks and used + display_width(chunks[-1]) <= room:
            used += display_width(chunks[-1])
            line.append(chunks.pop())
        if chunks and display_width(chunks[-1]) > room:
            # A wide character may not fit in the last column: it starts the next line, unless
            # the line is empty (a line one column wide).
            head = _cut(chunks[-1], max(room - used, 1)) or ("" if line else chunks[-1][0])
            if head:
                line.append(head)
                chunks[-1] = chunks[-1][len(head) :]
                if not chunks[-1]:
                    chunks.pop()
        if line and not line[-1].strip():
            del line[-1]
        if line:
            lines.append(indent + "".join(line))
    return lines


def _join(lines: list[str]) -> str:
    """A paragraph's lines as one line: joined by a space, except between two wide characters
    (a translator's line break inside Chinese text is no space)."""
    text = lines[0]
    for line in lines[1:]:
        if text and line and is_wide(text[-1]) and is_wide(line[0]):
            text += line
        else:
            text += " " + line
    return text


def fill_paragraphs(text: str, width: int, indent: str = "") -> str:
    """Help text rewrapped to ``width`` columns, by click's paragraph rules: blank lines separate
    paragraphs, a paragraph keeps its indentation, and one whose first line is ``\\b`` is left
    as written (only indented)."""
    paragraphs: list[tuple[int, bool, str]] = []
    block: list[str] = []
    block_indent = 0

    def flush() -> None:
        if block:
            if block[0].strip() == "\b":
                paragraphs.append((block_indent, True, "\n".join(block[1:])))
            else:
                paragraphs.append((block_indent, False, _join(block)))
            block.clear()

    for line in text.expandtabs().splitlines():
        if not line:
            flush()
        else:
            if not block:
                stripped = line.lstrip()
                block_indent = display_width(line) - display_width(stripped)
                line = stripped
            block.append(line)
    flush()

    out = []
    for extra, raw, body in paragraphs:
        lead = indent + " " * extra
        if raw:
            out.append("\n".join(lead + line for line in body.splitlines()))
        else:
            out.append("\n".join(wrap(body, width, lead, lead)))
    return "\n\n".join(out)
