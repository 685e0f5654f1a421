"""Temporary files beside the file they will replace, created with the permissions the user's
umask gives a new file (`tempfile.mkstemp` makes them 0600, which the rename would keep)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def create_beside(path: Path) -> tuple[int, str]:
    """(fd, name) of a new, empty file `.NAME.XXXX.tmp` in the folder of `path`, open for writing,
    with mode 0666 less the umask, as `open(path, "w")` would create `path`."""
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666
            ), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")
