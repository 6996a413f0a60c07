import inspect

import pytest

import xltools


@pytest.mark.parametrize("name", xltools.__all__)
def test_every_public_name_is_there_with_a_docstring(name):
    value = getattr(xltools, name)
    if callable(value):
        assert inspect.getdoc(value), f"xltools.{name} has no docstring"


def test_the_stages_are_the_modules_functions():
    import importlib

    for name in ("collect", "distribute"):
        module = importlib.import_module(f"xltools.{name}.round")
        assert getattr(xltools, f"{name}_round") is getattr(module, name)
        assert getattr(xltools, name) is importlib.import_module(f"xltools.{name}")
    assert xltools.load_workspace is importlib.import_module("xltools.master.workspace").load


def test_the_public_names_are_loaded_when_first_used():
    import subprocess
    import sys

    code = (
        "import sys, xltools\n"
        "assert not [m for m in sys.modules if m.startswith('xltools.')], sorted(sys.modules)\n"
        "assert xltools.read_round.__module__ == 'xltools.summary.data'\n"
        "assert 'xltools.collect.round' not in sys.modules\n"
        "assert 'read_round' in dir(xltools)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        xltools.no_such_name  # noqa: B018
