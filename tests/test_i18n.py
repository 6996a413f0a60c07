"""The Chinese interface: a complete catalog, compiled as committed, and a CLI that speaks it."""

import gettext
import inspect
import os
import re

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from xltools.cli import main
from xltools.core import i18n

from .conftest import ROOT

PO = ROOT / "xltools" / "locale" / "zh_CN" / "LC_MESSAGES" / "xltools.po"
MO = PO.with_suffix(".mo")
# The language comes from these variables; None unsets one for the run.
CHINESE = {"XLTOOLS_LANG": None, "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}
CHINESE["LANG"] = "zh_CN.UTF-8"
ENGLISH = {**CHINESE, "LANG": "C"}


def catalog():
    with PO.open("rb") as fh:
        return read_po(fh)


def extracted() -> set:
    """Every message xltools' sources hold, found as `make i18n` finds them (babel.cfg)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = extract_from_dir(str(ROOT / "xltools"), method_map, options_map)
    return {message for _file, _line, message, _comments, _context in found}


def test_every_message_in_the_sources_is_translated():
    translated = {m.id for m in catalog() if m.id and m.string and all(m.string)}
    missing = sorted(str(m) for m in extracted() - translated)
    assert not missing, "run `make i18n` and translate in xltools.po:\n" + "\n".join(missing)


def test_the_extraction_finds_click_help_and_wrapped_messages():
    found = extracted()
    assert inspect.cleandoc(main.commands["collect"].callback.__doc__) in found
    assert "Print the problems and status as JSON" in found  # an option's help=
    assert "Wrote {path}" in found  # a _() call in xltools/cli/
    assert "{root}: exists and is not a folder" in found  # an XltoolsError in library code


def test_the_committed_mo_is_the_compiled_po():
    def entries(messages):
        return {
            (tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id): tuple(m.string)
            if isinstance(m.string, (list, tuple))
            else m.string
            for m in messages
            if m.id and not m.fuzzy and m.string
        }

    with MO.open("rb") as fh:
        compiled = read_mo(fh)
    assert entries(compiled) == entries(catalog()), "run `make i18n` to compile the .mo"


def commands_and_options():
    yield "xltools", main
    for name, command in sorted(main.commands.items()):
        yield name, command
        for param in command.params:
            if isinstance(param, click.Option) and param.help:
                yield f"{name} {param.opts[-1]}", param


@pytest.mark.parametrize("name, thing", list(commands_and_options()))
def test_every_help_text_has_a_translation_shown_at_run_time(name, thing, monkeypatch):
    monkeypatch.setenv("XLTOOLS_LANG", "zh")
    english = inspect.cleandoc(thing._english_help)
    assert thing.help != english, f"{name}: no Chinese help (an Option needs cls=Option)"
    monkeypatch.setenv("XLTOOLS_LANG", "en")
    assert thing.help == english


def test_help_speaks_the_system_language():
    zh = CliRunner().invoke(main, ["--help"], env=CHINESE)
    assert zh.exit_code == 0, zh.output
    # click 8.5 brackets COMMAND for a group that also runs without one; earlier releases do not
    assert re.match(r"用法： main \[OPTIONS\] \[?COMMAND\]? \[ARGS\]\.\.\.", zh.output)
    assert "选项：" in zh.output and "命令：" in zh.output and "显示本帮助后退出。" in zh.output
    assert "  collect     检查 inbox/轮次/ 中报回的工作簿" in zh.output
    en = CliRunner().invoke(main, ["--help"], env=ENGLISH)
    assert re.match(r"Usage: main \[OPTIONS\] \[?COMMAND\]? \[ARGS\]\.\.\.", en.output)
    assert "Options:" in en.output and "Show this message and exit." in en.output


def test_xltools_lang_overrides_the_system_language():
    zh = CliRunner().invoke(main, ["distribute", "-h"], env={**ENGLISH, "XLTOOLS_LANG": "zh"})
    assert "用法：" in zh.output and "重新生成已下发过的轮次" in zh.output
    en = CliRunner().invoke(main, ["distribute", "-h"], env={**CHINESE, "XLTOOLS_LANG": "en"})
    assert "Usage:" in en.output and "Write a round again that was already distributed" in en.output


def test_errors_speak_the_system_language(tmp_path):
    args = ["status", "2023Q1", "-w", str(tmp_path)]
    zh = CliRunner().invoke(main, args, env=CHINESE)
    assert zh.exit_code == 2
    assert (
        zh.stderr
        == f"错误：{tmp_path}：不是工作区（没有 xltools.yaml）；请运行 `xltools init {tmp_path} --plan 方案文件`\n"
    )
    en = CliRunner().invoke(main, args, env=ENGLISH)
    assert en.stderr.startswith(f"Error: {tmp_path}: not a workspace (no xltools.yaml)")
    usage = CliRunner().invoke(main, ["collect", "2023Q9"], env=CHINESE)
    assert usage.exit_code == 2
    assert "错误：'ROUND' 的值无效：'2023Q9' 不是轮次" in usage.stderr


def test_the_language_is_restored_after_a_run(monkeypatch):
    monkeypatch.delenv("LANGUAGE", raising=False)
    CliRunner().invoke(main, ["--help"], env={**ENGLISH, "XLTOOLS_LANG": "zh"})
    assert "LANGUAGE" not in os.environ
    assert gettext.textdomain() == "messages"
    assert i18n.language() in ("zh", "en")


def test_names_are_listed_as_the_language_lists_them(monkeypatch):
    monkeypatch.setenv("XLTOOLS_LANG", "zh_CN")
    assert i18n.listed(["2023Q1", "2023Q2", 3]) == "2023Q1、2023Q2、3"
    monkeypatch.setenv("XLTOOLS_LANG", "en")
    assert i18n.listed(["2023Q1", "2023Q2"]) == "2023Q1, 2023Q2"


def test_translations_keep_the_blocks_click_must_not_rewrap():
    """A ``\\b`` line keeps click from rewrapping the paragraph after it (the examples): a
    translation without it runs the example commands together into one line."""
    for message in catalog():
        if message.id and message.string and isinstance(message.id, str):
            assert message.id.count("\b") == message.string.count("\b"), message.id[:60]
