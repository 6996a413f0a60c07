import re

import pytest
from click.testing import CliRunner

from xltools import __version__
from xltools.cli import main

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
