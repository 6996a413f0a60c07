"""Writing through a temporary file: all or nothing."""

import pytest

from xltools.files import replacing


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
