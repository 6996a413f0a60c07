"""Files we read and write ourselves: YAML settings, writing so that readers never see half of a
file or folder (also after a kill), the lock of a round, and naming the file a failure was in."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from xltools.core.errors import XltoolsError
from xltools.core.i18n import _


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to: moved onto ``path`` when the block ends
    normally, removed when it raises, so a failure leaves the old file as it was."""
    # A hidden name in the same folder (os.replace is atomic only within one file system); the
    # writer creates the file, so it gets the umask's permissions like the files around it.
    tmp = path.with_name(f".{path.stem}-{uuid.uuid4().hex[:8]}{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_yaml(path: Path, error: type[XltoolsError], name: str) -> object:
    """The parsed YAML at ``path`` (a form definition, xltools.yaml); ``error`` naming ``name``
    when it cannot be read or parsed."""
    import yaml

    try:
        # utf-8-sig: Notepad may save the file with a byte-order mark.
        return yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise error(_("{name}: cannot read it ({exc})").format(name=name, exc=exc)) from exc
    except yaml.YAMLError as exc:
        raise error(_("{name}: not valid YAML ({exc})").format(name=name, exc=exc)) from exc


def new_folder(target: Path) -> Path:
    """A new hidden folder beside ``target`` to write its next version into (then `swap_folder`).

    Made with mkdir, which honours the umask (tempfile.mkdtemp makes it 0700): reports and
    outboxes are shared with colleagues."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f".{target.name}-tmp-{uuid.uuid4().hex[:8]}"
    temp.mkdir()
    return temp


def _beside(target: Path, what: str) -> Path:
    return target.with_name(f".{target.name}-{what}")


def swap_folder(temp: Path, target: Path) -> None:
    """Put the complete folder ``temp`` in ``target``'s place.

    A kill at any instant leaves either ``target`` whole (old or new) or, between two renames,
    a complete copy beside it under a known name, which `recover_folder` puts back."""
    new, old = _beside(target, "new"), _beside(target, "old")
    _remove(new)
    os.replace(temp, new)  # from here on the new version is complete under a known name
    if target.exists():
        _remove(old)
        try:
            os.replace(target, old)
        except PermissionError as exc:  # Windows: a file in it is open in Excel, Word or WPS
            _remove(new)
            raise XltoolsError(
                _(
                    "{folder}: cannot replace it, a file in it is open in another program "
                    "({error}); close it (Excel, Word, WPS…) and run this again"
                ).format(folder=target, error=exc)
            ) from exc
    os.replace(new, target)
    _remove(old)


def keep_aside(
    target: Path, temp: Path, ours: Collection[str], aside: str, stamp: str | None = None
) -> tuple[Path | None, list[str]]:
    """Before `swap_folder(temp, target)`: give the new version ``temp`` what ``target`` holds
    that its writer did not write, so the swap loses nothing a user put there.

    The writer's are the entries of ``temp`` and the names ``ours`` (what it may write, though
    not this time). Each other entry of ``target`` goes, under its own name, into
    ``temp/aside/stamp/`` (``stamp``: now, as 2026-11-30 0930, when not given; it gets
    `` (2)``… when taken); ``target/aside``, the earlier
    such folders, goes along whole into ``temp/aside``. The files are hard-linked where the file
    system allows (no copying, same bytes and times), else copied: ``target`` stays whole until
    the swap, so a kill at any instant leaves every file in ``target`` or in the complete new
    version `recover_folder` puts in its place, never in neither. Returns where they went
    (``aside/stamp``, relative to the folder; None when nothing) and their names."""
    if not target.is_dir():
        return None, []
    ours = {*ours, *(p.name for p in temp.iterdir())}
    entries = sorted(p for p in target.iterdir() if p.name not in ours)
    stamp = stamp or datetime.now().strftime("%Y-%m-%d %H%M")  # no ':' (Windows)
    earlier = target / aside
    carried = earlier.is_dir() and not earlier.is_symlink()
    if carried:
        _link_tree(earlier, temp / aside)
    moved = [p for p in entries if not (carried and p == earlier)]
    if not moved:
        return None, []
    folder, n = Path(aside, stamp), 1
    while (temp / folder).exists():
        n += 1
        folder = Path(aside, f"{stamp} ({n})")
    (temp / folder).mkdir(parents=True)
    for path in moved:
        _link_tree(path, temp / folder / path.name)
    return folder, [p.name for p in moved]


def _link_tree(source: Path, destination: Path) -> None:
    """``source`` (a file, a link or a folder) again at ``destination``, its files hard-linked;
    an `XltoolsError` naming the file that cannot be read."""
    try:
        if source.is_symlink():
            os.symlink(os.readlink(source), destination)
        elif source.is_dir():
            destination.mkdir()
            for child in sorted(source.iterdir()):
                _link_tree(child, destination / child.name)
            shutil.copystat(source, destination)
        else:
            _link_or_copy(source, destination)
    except OSError as exc:
        raise XltoolsError(
            _(
                "{path}: cannot keep it ({error}); move it out of {folder} and run this again"
            ).format(path=source, error=exc, folder=source.parent)
        ) from exc


def _link_or_copy(source: str | Path, destination: str | Path) -> None:
    try:
        os.link(source, destination)
    except OSError:  # a file system without hard links (FAT, some network shares)
        shutil.copy2(source, destination)


def recover_folder(target: Path) -> None:
    """Undo what a killed `swap_folder` left: a missing ``target`` gets back its newest complete
    version, and the temporary folders of earlier runs beside it are removed. Call it holding
    the round's lock (`locked`): another command's folder in progress looks the same."""
    if not target.parent.is_dir():
        return
    if not target.exists():
        for complete in (_beside(target, "new"), _beside(target, "old")):
            if complete.is_dir():
                os.replace(complete, target)
                break
    # Also the names earlier versions of xltools used (.2023Q2-x1y2z3, .2023Q2.tmp-…, .old-…).
    for pattern in (f".{target.name}-*", f".{target.name}.tmp-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            _remove(leftover)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


@contextmanager
def locked(reports: Path, round_key: str) -> Iterator[None]:
    """Hold the lock of a round while a command writes it, or fail at once with a message saying
    so when another command (collect, distribute, summary) holds it. The lock is a hidden file
    beside the round's reports folder ``reports``; the system releases it when its command ends,
    also when it was killed."""
    from filelock import FileLock, Timeout

    lock = reports.with_name(f".{reports.name}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    held = FileLock(lock, timeout=0)
    try:
        held.acquire()
    except Timeout:
        raise XltoolsError(
            _(
                "round {round} is in use by another xltools command (collect, distribute or "
                "summary) that is still running; run this again when it has finished "
                "(lock file {lock})"
            ).format(round=round_key, lock=lock)
        ) from None
    try:
        yield
    finally:
        held.release()


@contextmanager
def processing(name: object) -> Iterator[None]:
    """Turn an unexpected failure inside the block into an `XltoolsError` naming ``name`` (the
    file being read or written), so the command ends with one line a user can act on; the
    original failure stays attached (``--debug`` shows its traceback)."""
    try:
        yield
    except XltoolsError:
        raise
    except Exception as exc:
        raise XltoolsError(
            _("{name}: unexpected failure ({kind}: {error})").format(
                name=name, kind=type(exc).__name__, error=exc
            )
        ) from exc
