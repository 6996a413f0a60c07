"""Files we read and write ourselves: YAML settings, and writing so that readers never see half
of a file."""

from __future__ import annotations

import os
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
