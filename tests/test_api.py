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
