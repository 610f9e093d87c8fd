"""An exclusive flock on a folder: how builds and the build cache tell a live writer's folder from one
a killed process left behind."""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def folder_lock(path: Path, blocking: bool = True) -> Iterator[bool]:
    """An exclusive flock on a folder, held for the block; yields False when `blocking` is off and
    another process holds it. The kernel drops the lock when its holder dies, however it dies."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock
