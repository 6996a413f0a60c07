import re

import click
import pytest
from click.testing import CliRunner

from xltools import __version__
from xltools.cli import main
from xltools.core import text

from .conftest import ROOT


def commands():
    return sorted(main.commands)


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"xltools, version {__version__}"


def test_help_lists_every_command():
    result = CliRunner().invoke(main, ["-h"])
    assert result.exit_code == 0
    for name in commands():
        assert re.search(rf"^\s+{name}\s", result.output, re.M), name


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output


@pytest.mark.parametrize("name", commands())
def test_every_command_is_in_the_readme(name):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"xltools {name}\b", readme), f"README does not show `xltools {name}`"


def test_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(main, ["no-such-command"])
    assert result.exit_code == 2


def help_pages():
    """Every help page: the group's (as a list of arguments) and each command's."""
    return [[]] + [[name] for name in commands()]


def clicks_layout(args, width, formatter_class=None):
    """The help page of ``args`` laid out by ``formatter_class`` (click's own by default)."""
    ctx = main.make_context("xltools", [], resilient_parsing=True, terminal_width=width)
    if args:
        ctx = main.commands[args[0]].make_context(args[0], [], parent=ctx, resilient_parsing=True)
    ctx.formatter_class = formatter_class or click.HelpFormatter
    return ctx.get_help()


@pytest.mark.parametrize("args", help_pages(), ids=lambda args: args[0] if args else "xltools")
def test_help_is_laid_out_as_click_lays_it_out_when_every_character_is_one_column(
    args, monkeypatch
):
    """Our formatter is click's, only measured in columns: were every character one column wide
    it would write click's layout byte for byte (so English help without Chinese is unchanged)."""
    monkeypatch.setenv("XLTOOLS_LANG", "en")
    ours = type(main.make_context("xltools", [], resilient_parsing=True)).formatter_class
    monkeypatch.setattr(text, "is_wide", lambda char: False)
    for width in (30, 50, 61, 78, 80, 98, 130):
        assert clicks_layout(args, width, ours) == clicks_layout(args, width), width


def help_in_chinese(args, width):
    result = CliRunner().invoke(
        main, [*args, "--help"], env={"XLTOOLS_LANG": "zh"}, terminal_width=width
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("width", [78, 80, 100, 120])
def test_no_line_of_the_chinese_help_is_wider_than_the_terminal(width):
    for args in help_pages():
        for line in help_in_chinese(args, width).splitlines():
            assert text.display_width(line) <= width, (args, line)


def test_in_a_narrow_terminal_only_the_examples_run_past_its_width():
    for args in help_pages():
        page = help_in_chinese(args, 50)
        _before, _heading, after = page.partition("示例：\n")
        examples = after.split("\n\n", 1)[0].splitlines()
        for line in page.splitlines():
            assert text.display_width(line) <= 50 or line in examples, (args, line)


@pytest.mark.parametrize("width", [50, 80, 100])
@pytest.mark.parametrize("args", help_pages(), ids=lambda args: args[0] if args else "xltools")
def test_chinese_descriptions_start_at_one_column(args, width):
    """In 选项 and 命令, each description and its continuation lines start at one display column,
    whatever the option names hold (``--columns 表头=字段``)."""
    page = help_in_chinese(args, width)
    for heading in ("选项：", "命令："):
        if heading not in page:
            continue
        section = page.split(heading + "\n", 1)[1].split("\n\n", 1)[0].splitlines()
        starts = set()
        for line in section:
            named = re.match(r"(  \S.*?  +)\S", line)  # a name, then two spaces or more
            if named:
                starts.add(text.display_width(named.group(1)))
            elif not line.startswith("  -") and not re.match(r"  [a-z]", line):
                starts.add(len(line) - len(line.lstrip(" ")))  # a continuation line
        assert len(starts) == 1, (heading, starts, section)
    assert "--columns 表头=字段      " in help_in_chinese(["import"], width)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [50, 80, 100])
def test_each_command_takes_one_line_in_the_list_of_commands(lang, width):
    """Click cuts a command's summary to one line: in columns, so Chinese is cut too, with ...
    (English without Chinese is cut by click itself)."""

    def listed(width):
        result = CliRunner().invoke(main, ["-h"], env={"XLTOOLS_LANG": lang}, terminal_width=width)
        return re.split(r"\n(?:Commands|命令)[:：]\n", result.output)[1].splitlines()

    assert [line.split()[0] for line in listed(width)] == commands()
    for line in listed(width):
        assert text.display_width(line) <= width, line
    assert not any(line.endswith("...") for line in listed(1000))  # cut only where it must be
    if width == 80 and lang == "zh":
        assert (
            "  collect     检查 inbox/轮次/ 中报回的工作簿，生成 reports/轮次/；有错误时..."
            in listed(80)
        )
