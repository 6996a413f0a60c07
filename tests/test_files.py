"""Writing through a temporary file: all or nothing."""

import pytest

from xltools.core.errors import FormError, XltoolsError
from xltools.core.files import (
    locked,
    new_folder,
    processing,
    read_yaml,
    recover_folder,
    replacing,
    swap_folder,
)


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


def test_a_folder_is_swapped_into_place_with_the_umask(tmp_path):
    target = tmp_path / "reports" / "2023Q2"
    temp = new_folder(target)
    assert temp.parent == target.parent and temp.name.startswith(".2023Q2-tmp-")
    assert temp.stat().st_mode & 0o777 == 0o777 & ~_umask()  # not mkdtemp's 0700
    (temp / "a.txt").write_text("new")
    swap_folder(temp, target)
    assert (target / "a.txt").read_text() == "new"
    again = new_folder(target)
    (again / "b.txt").write_text("newer")
    swap_folder(again, target)
    assert [p.name for p in target.iterdir()] == ["b.txt"]
    assert [p.name for p in target.parent.iterdir()] == ["2023Q2"]


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize(
    "left",
    [
        {".2023Q2-old": "old"},  # killed between the two renames: the old reports come back
        {".2023Q2-new": "new", ".2023Q2-old": "old"},  # the new ones, complete, are preferred
        {".2023Q2-new": "new"},
    ],
)
def test_recovery_puts_back_a_complete_folder_a_kill_left_beside_its_place(tmp_path, left):
    for name, text in left.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "汇总数据.xlsx").write_text(text)
    (tmp_path / ".2023Q2-tmp-1a2b3c4d").mkdir()  # a run killed while writing
    (tmp_path / ".2023Q2.tmp-99-1a2b").mkdir()  # names of earlier versions
    (tmp_path / ".2023Q2.lock").write_text("")
    (tmp_path / ".2023Q3-old").mkdir()  # another round's: not touched
    recover_folder(tmp_path / "2023Q2")
    expected = "new" if ".2023Q2-new" in left else "old"
    assert (tmp_path / "2023Q2" / "汇总数据.xlsx").read_text() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".2023Q2.lock",
        ".2023Q3-old",
        "2023Q2",
    ]


def test_recovery_keeps_a_whole_folder_and_removes_the_leftovers(tmp_path):
    (tmp_path / "2023Q2").mkdir()
    (tmp_path / ".2023Q2-old").mkdir()  # killed while removing the old version
    recover_folder(tmp_path / "2023Q2")
    assert [p.name for p in tmp_path.iterdir()] == ["2023Q2"]


def test_a_second_command_on_a_round_in_use_is_told_so(tmp_path):
    import subprocess
    import sys

    reports = tmp_path / "reports" / "2023Q2"
    with locked(reports, "2023Q2"):
        # Another process, as a second xltools command would be.
        code = (
            "import sys; from pathlib import Path; from xltools.core.files import locked\n"
            "try:\n"
            f"    with locked(Path({str(reports)!r}), '2023Q2'): print('got it')\n"
            "except Exception as exc: print(exc)\n"
        )
        said = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert said.startswith("round 2023Q2 is in use by another xltools command")
        assert ".2023Q2.lock" in said
    with locked(reports, "2023Q2"):  # released
        pass


def test_an_unexpected_failure_names_the_file_being_processed(tmp_path):
    expected = r"^报表\.xlsx: unexpected failure \(KeyError: 'x'\)$"
    with pytest.raises(XltoolsError, match=expected), processing("报表.xlsx"):
        raise KeyError("x")
    with pytest.raises(FormError, match="^as it was$"), processing("a.yaml"):
        raise FormError("as it was")
