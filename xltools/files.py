"""Writing a file so that readers never see half of it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
