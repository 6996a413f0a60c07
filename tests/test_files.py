"""Writing through a temporary file: all or nothing."""

from pathlib import Path

import pytest

from xltools.core.errors import FormError, XltoolsError
from xltools.core.files import (
    keep_aside,
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


def test_a_folder_with_a_file_open_elsewhere_is_left_as_it_was(tmp_path, monkeypatch):
    """Windows refuses to rename a folder holding a file open in Excel or Word: the swap stops
    with a message saying so, and the folder keeps its old version."""
    import os

    import xltools.core.files as files

    target = tmp_path / "reports" / "2023Q2"
    target.mkdir(parents=True)
    (target / "通报.docx").write_text("old")
    temp = new_folder(target)
    (temp / "汇总数据.xlsx").write_text("new")
    rename = os.replace

    def refused(source, destination):
        if Path(source) == target:
            raise PermissionError(13, "The process cannot access the file", str(source))
        rename(source, destination)

    monkeypatch.setattr(files.os, "replace", refused)
    with pytest.raises(XltoolsError, match="a file in it is open in another program"):
        swap_folder(temp, target)
    assert [p.name for p in target.iterdir()] == ["通报.docx"]
    assert [p.name for p in target.parent.iterdir()] == ["2023Q2"]  # nothing left beside it


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


OURS = ("汇总数据.xlsx", "问题清单.xlsx", "退回修改")


def _reports(target, text: str) -> None:
    """A collect's outputs in ``target``, each saying ``text``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in OURS[:2]:
        (target / name).write_text(text)
    (target / OURS[2]).mkdir(exist_ok=True)
    (target / OURS[2] / "市发改委.xlsx").write_text(text)


def _users(target) -> dict[str, bytes]:
    """What an office put beside the reports: a summary, a 通报 it edited, a folder of its own,
    and an earlier 旧版 folder; {path relative to the kept folder: bytes}."""
    files = {
        "武汉市2023年第二季度落实情况汇总.xlsx": b"summary",
        "武汉市2023年第二季度落实情况通报.docx": b"edited in Word",
        "领导批示/扫描件.pdf": b"%PDF scan",
    }
    for name, data in files.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
    (target / "旧版" / "2026-10-01 0800").mkdir(parents=True)
    (target / "旧版" / "2026-10-01 0800" / "通报.docx").write_bytes(b"first")
    return files


def _collect_again(target, text: str = "new", stamp: str = "2026-11-30 0930"):
    temp = new_folder(target)
    _reports(temp, text)
    kept = keep_aside(target, temp, OURS, "旧版", stamp)
    swap_folder(temp, target)
    return kept


def test_what_collect_did_not_write_is_moved_aside_into_a_dated_folder(tmp_path):
    target = tmp_path / "reports" / "2023Q2"
    _reports(target, "old")
    files = _users(target)
    times = {name: (target / name).stat().st_mtime_ns for name in files}
    folder, names = _collect_again(target)
    assert folder == Path("旧版", "2026-11-30 0930")
    assert names == sorted(["武汉市2023年第二季度落实情况汇总.xlsx",
                            "武汉市2023年第二季度落实情况通报.docx", "领导批示"])  # fmt: skip
    assert sorted(p.name for p in target.iterdir()) == sorted([*OURS, "旧版"])
    assert all((target / name).read_text() == "new" for name in OURS[:2])
    assert (target / "退回修改" / "市发改委.xlsx").read_text() == "new"
    for name, data in files.items():  # the same bytes and times, under their own names
        assert (target / folder / name).read_bytes() == data
        assert (target / folder / name).stat().st_mtime_ns == times[name]
    assert (target / "旧版" / "2026-10-01 0800" / "通报.docx").read_bytes() == b"first"
    assert [p.name for p in target.parent.iterdir()] == ["2023Q2"]


def test_earlier_kept_folders_are_carried_along_and_a_taken_name_is_not_reused(tmp_path):
    target = tmp_path / "2023Q2"
    _reports(target, "old")
    _users(target)
    _collect_again(target)
    (target / "说明.txt").write_text("a clerk's note")
    folder, names = _collect_again(target)  # within the same minute
    assert (folder, names) == (Path("旧版", "2026-11-30 0930 (2)"), ["说明.txt"])
    assert sorted(p.name for p in (target / "旧版").iterdir()) == [
        "2026-10-01 0800",
        "2026-11-30 0930",
        "2026-11-30 0930 (2)",
    ]
    assert (target / "旧版" / "2026-11-30 0930" / "领导批示" / "扫描件.pdf").read_bytes() == (
        b"%PDF scan"
    )
    # Nothing but collect's own files and 旧版: no new dated folder, 旧版 kept whole.
    assert _collect_again(target, stamp="2026-12-01 1000") == (None, [])
    assert len(list((target / "旧版").iterdir())) == 3


def test_kept_files_are_copied_where_the_file_system_has_no_hard_links(tmp_path, monkeypatch):
    import os

    def refuse(*_args, **_kwargs):
        raise PermissionError(1, "Operation not permitted")

    target = tmp_path / "2023Q2"
    _reports(target, "old")
    files = _users(target)
    monkeypatch.setattr(os, "link", refuse)
    folder, _names = _collect_again(target)
    for name, data in files.items():
        assert (target / folder / name).read_bytes() == data
    assert (target / "旧版" / "2026-10-01 0800" / "通报.docx").read_bytes() == b"first"


def test_a_file_that_cannot_be_kept_stops_the_swap_naming_it(tmp_path, monkeypatch):
    import os
    import shutil

    def unreadable(real):
        def call(source, *args, **kwargs):
            if str(source).endswith("落实情况汇总.xlsx"):
                raise PermissionError(13, "Permission denied")
            return real(source, *args, **kwargs)

        return call

    target = tmp_path / "2023Q2"
    _reports(target, "old")
    _users(target)
    monkeypatch.setattr(shutil, "copy2", unreadable(shutil.copy2))
    monkeypatch.setattr("os.link", unreadable(os.link))
    temp = new_folder(target)
    said = r"/2023Q2/武汉市2023年第二季度落实情况汇总\.xlsx: cannot keep it \(.*denied\); move it"
    with pytest.raises(XltoolsError, match=said):
        keep_aside(target, temp, OURS, "旧版", "2026-11-30 0930")
    assert (target / "汇总数据.xlsx").read_text() == "old"  # untouched


class _Killed(BaseException):
    """The process dying at this instant."""


def test_a_kill_at_any_step_of_moving_aside_and_swapping_loses_no_file(tmp_path, monkeypatch):
    import os

    steps = ("mkdir", "link", "replace", "symlink", "unlink", "rmdir")
    real = {name: getattr(os, name) for name in steps}
    budget = {"left": -1}

    def dying(name):
        def call(*args, **kwargs):
            if budget["left"] == 0:
                raise _Killed(name)
            budget["left"] -= 1
            return real[name](*args, **kwargs)

        return call

    for name in steps:
        monkeypatch.setattr(os, name, dying(name))
    outcomes = set()
    for kill_at in range(500):
        target = tmp_path / str(kill_at) / "2023Q2"
        _reports(target, "old")
        files = _users(target)
        budget["left"] = kill_at
        try:
            _collect_again(target)
            done = True
        except _Killed:
            done = False
        budget["left"] = -1
        recover_folder(target)
        state = (target / "汇总数据.xlsx").read_text()
        assert all((target / name).read_text() == state for name in OURS[:2])
        outcomes.add(state)
        # Each of the office's files exactly once: still in place, or in the new 旧版 folder.
        where = "" if state == "old" else "旧版/2026-11-30 0930/"
        for name, data in files.items():
            assert (target / f"{where}{name}").read_bytes() == data
        found = sorted(p.name for p in target.rglob("*") if p.is_file())
        assert found == sorted(
            ["汇总数据.xlsx", "问题清单.xlsx", "市发改委.xlsx", "通报.docx",
             *(Path(name).name for name in files)]
        )  # fmt: skip
        assert [p.name for p in target.parent.iterdir()] == ["2023Q2"]
        if done:
            break
    assert done and kill_at > 10 and outcomes == {"old", "new"}
