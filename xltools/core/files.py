"""Files we read and write ourselves: YAML settings, writing so that readers never see half of a
file or folder (also after a kill), the lock of a round, and naming the file a failure was in."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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
        os.replace(target, old)
    os.replace(new, target)
    _remove(old)


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
