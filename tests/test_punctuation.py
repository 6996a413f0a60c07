"""Chinese text that units and leaders read uses full-width punctuation （，；：（）！？）.

Every string literal of the package (f-strings' literal parts too) holding Chinese characters, every
msgstr of the Chinese catalog and every text of the forms in templates/ is checked: an ASCII
``, ; : ( ) ! ?`` directly beside a Chinese character or Chinese punctuation is reported with its
file and line. Not checked, because they are not Chinese text: docstrings, the English msgids in
``_()``/``ngettext()``, raw strings (the package's regular expressions, which match what units and
plans type, ASCII included), arguments of ``re`` functions, and strings written mostly in English
(more ASCII letters than Chinese characters: help texts, the problem registry's meanings).
Inside a Chinese string, ASCII stays where it belongs: codes and cell references (``A1:B2``,
``2023Q2``), times (``09:30``), ``{fields}``, Excel's error values (``#NAME?``), a copy's number in
a file name (``修改版(2).xlsx``) and the exact texts in ALLOWED below.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xltools"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "xltools.po"
TEMPLATES = ROOT / "templates"  # installed as xltools.templates

# Exact texts that keep their ASCII punctuation: text -> (the only file it may be in, or None for
# anywhere; why). Keep this short.
LABEL = (
    "a field label of templates/*.yaml: a header of every workbook sent out and of 汇总数据.xlsx, "
    "matched in returns; renaming it would orphan the workbooks units hold"
)
ALLOWED = {
    "完成进度(%)": (None, LABEL),
    "责任部门(处室)": (None, LABEL),
    "(必填)": (
        "xltools/core/excel.py",
        "header_key compares squashed text: （必填） became (必填)",
    ),
    # Built for names.parse_owners, which reads plans' half-width form; never shown.
    "牵头单位:": ("xltools/plan/tables.py", "an owner annotation for the parser"),
    "责任单位:": ("xltools/plan/tables.py", "an owner annotation for the parser"),
    "“键: 值”": ("xltools.po", "YAML's mapping syntax: the ASCII colon and space are required"),
}

CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’"
IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
MARKS = re.escape(",;:()!?")
HIT = re.compile(rf"(?<=[{CJK}])[{MARKS}]|[{MARKS}](?=[{CJK}])")
# ASCII that belongs where it is, blanked before looking (same length, so places stay true).
KEPT = re.compile(
    r"\{[^{}]*\}"  # a format field
    r"|#(?:NAME\?|DIV/0!|N/A|VALUE!|REF!|NUM!|NULL!|SPILL!|CALC!)"  # Excel's error values
    r"|\(\d+\)(?=\.(?:xlsx|xlsm|xls|ods|csv|docx|doc|zip|pdf)\b)"  # 修改版(2).xlsx: a copy's number
    r"|https?://\S+"
)
ENGLISH_LETTERS = re.compile("[A-Za-z]")


def hits(text: str, path: str = "") -> list[str]:
    """The places where ASCII punctuation touches Chinese in text, each shown with its neighbours."""
    blank = KEPT.sub(lambda m: "\x00" * len(m.group()), text)
    for allowed, (where, _why) in ALLOWED.items():
        if where in (None, path):
            blank = blank.replace(allowed, "\x00" * len(allowed))
    if len(ENGLISH_LETTERS.findall(blank)) > len(IDEOGRAPH.findall(blank)):
        return []  # English with Chinese words in it
    found = [m.start() for m in HIT.finditer(blank)]
    # A pair of brackets half one width, half the other: （应为 .xlsx)
    opened: list[int] = []
    for i, ch in enumerate(blank):
        if ch in "(（":
            opened.append(i)
        elif ch in ")）" and opened:
            start = opened.pop()
            if (blank[start] == "（") != (ch == "）"):
                found += [start] if ch == "）" else [i]
    return [text[max(0, i - 8) : i + 9] for i in sorted(set(found))]


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """Nodes whose strings are not Chinese text: docstrings, msgids, patterns, format specs."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        elif isinstance(node, ast.Call):
            func = node.func
            msgid = isinstance(func, ast.Name) and func.id in ("_", "gettext", "ngettext")
            pattern = (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "re"
            )
            if msgid or pattern:
                skipped.update(id(sub) for arg in node.args for sub in ast.walk(arg))
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            skipped.update(id(sub) for sub in ast.walk(node.format_spec))
    return skipped


def source_hits(path: Path, rel: str) -> list[str]:
    """``file:line: excerpt`` for each hit in the string literals of one Python file."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    skipped = _skipped_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.JoinedStr):
            skipped.update(id(v) for v in node.values)
            # A replacement field stands for a value: not Chinese, not punctuation.
            text = "".join(v.value if isinstance(v, ast.Constant) else "\x00" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if not IDEOGRAPH.search(text):
            continue
        segment = ast.get_source_segment(source, node) or ""
        if re.match(r"[fFbBuU]?[rR]", segment):
            continue  # a raw string: a regular expression here
        found += [f"{rel}:{node.lineno}: {h!r}" for h in hits(text, rel)]
    return found


def all_source_hits() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        found += source_hits(path, rel)
    return found


def test_chinese_strings_in_the_code_use_full_width_punctuation():
    found = all_source_hits()
    lines = "\n".join(found)
    assert not found, f"ASCII punctuation beside Chinese (use （，；：（）！？）):\n{lines}"


def test_chinese_catalog_uses_full_width_punctuation():
    from babel.messages.pofile import read_po

    with PO.open("rb") as fh:
        catalog = read_po(fh)
    found = []
    for message in catalog:
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            found += [f"xltools.po:{message.lineno}: {h!r}" for h in hits(text or "", "xltools.po")]
    lines = "\n".join(found)
    assert not found, f"ASCII punctuation beside Chinese in msgstr:\n{lines}"


def test_form_texts_use_full_width_punctuation():
    import yaml

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    paths = sorted(TEMPLATES.glob("*.yaml"))
    assert {"plan.yaml", "quarterly.yaml"} <= {p.name for p in paths}
    found = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [f"{path.name}: {h!r}" for text in strings(data) for h in hits(text)]
    lines = "\n".join(found)
    assert not found, f"ASCII punctuation beside Chinese in templates/:\n{lines}"


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("已损坏,无法读取", True),
        ("无法读取;请重新报送", True),
        ("注:各配合单位", True),
        ("任务完成状态分布(共5项)", True),
        ("请检查!", True),
        ("是否报送?", True),
        ("“完成状态”:未填", True),
        ("{path}(已调整)", True),
        ("已完成,{n}项", True),
        ("已损坏，无法读取；请重新报送", False),
        ("单元格 A1:B2 的值", False),
        ("{unit}：{count} 个问题", False),
        ("截至 09:30 报送", False),
        ("2023Q2 第2季度", False),
        ("为错误值（如 #NAME?），无法读取", False),
        ("文件名“市发改委-修改版(2).xlsx”", False),
        ("任务清单、单位名录、指标", False),
        ("工作簿（应为 .xlsx)，未读取", True),  # half a pair
        ("（Excel）、(WPS)", False),
        ("see https://example.org/a,b 说明", False),
        ("完成进度(%)为 50", False),  # a field label, quoted as it is
        ("the same 编号; the later one was renumbered", False),  # English
    ],
)
def test_the_rule(text, bad):
    assert bool(hits(text)) is bad


def test_a_planted_bad_string_is_found(tmp_path):
    """The walk finds literals, f-strings' parts and implicit concatenations, by line."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        '"""文档:不检查"""\n'
        "import re\n"
        "from xltools.core.i18n import _\n"
        "OK = '已损坏，无法读取'\n"
        "BAD = '已损坏,无法读取'\n"
        "LATER = f'共{n}项' f'(其中{m}项逾期)'\n"
        "MSGID = _('Sheet 任务清单: missing')\n"
        "PATTERN = re.compile('(牵头|责任)单位:')\n"
        "RAW = r'(\\d+)月(底|末)?'\n",
        encoding="utf-8",
    )
    found = source_hits(planted, "planted.py")
    assert [f.split(":")[1] for f in found] == ["5", "6", "6"]
