"""Writing through a temporary file: all or nothing."""

import pytest

from xltools.core.errors import FormError
from xltools.core.files import read_yaml, replacing


def test_the_file_appears_only_when_the_block_ends(tmp_path):
    path = tmp_path / "a.xlsx"
    with replacing(path) as tmp:
        tmp.write_text("new")
        assert tmp.parent == tmp_path and tmp.name.startswith(".a-") and tmp.suffix == ".xlsx"
        assert not path.exists()
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_a_failure_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("old")
    with pytest.raises(ValueError), replacing(path) as tmp:
        tmp.write_text("half")
        raise ValueError("writer failed")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_yaml_is_read_with_or_without_a_byte_order_mark(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes("\ufeffname: 季度\n".encode())
    assert read_yaml(path, FormError, "a.yaml") == {"name": "季度"}


def test_yaml_failures_raise_the_given_error_naming_the_file(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text("rounds: [", encoding="utf-8")
    with pytest.raises(FormError, match=r"^b\.yaml: not valid YAML \("):
        read_yaml(path, FormError, "b.yaml")
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(FormError, match=r"^b\.yaml: cannot read it \("):
        read_yaml(path, FormError, "b.yaml")
    with pytest.raises(FormError, match=r"^c\.yaml: cannot read it \("):
        read_yaml(tmp_path / "c.yaml", FormError, "c.yaml")
