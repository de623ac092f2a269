"""Small file helpers shared by the sandbox and the stand-in: a lock, a JSON write.

Several processes touch the same files (the stand-in runs once per call, often
concurrently; `sandbox up` and `down` may race; two installs may start at
once), so every read-modify-write holds an exclusive `flock`, and JSON files
are replaced atomically through a temporary file of a unique name in the same
folder, so a reader never sees half a file and two writers never share a
temporary file.

Standard library only: the stand-in imports it on every call.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["locked", "write_json_atomic"]


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (created when missing).

    The lock is released when the block ends, even on an error.

    Args:
        path: The lock file; its folder must exist.
    """
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_json_atomic(path: Path, value: Any, *, mode: int = 0o600) -> None:
    """Replace `path` with `value` as indented JSON, all at once.

    The folder is created when missing. The file gets `mode` (owner-only by
    default: these files may hold the sandbox's app secret).

    Args:
        path: The file to write.
        value: Any JSON-ready value.
        mode: The file's permission bits.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(value, indent=2, ensure_ascii=False)
    # A name no other writer can hold (O_EXCL), without `tempfile`: importing
    # it would add about 13 ms to every stand-in call.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.time_ns()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        temporary.chmod(mode)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
