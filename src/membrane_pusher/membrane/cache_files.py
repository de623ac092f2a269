"""Best-effort JSON cache files: a cache that cannot be used is never fatal.

Reading a missing file, or one under a folder that cannot exist (a path below
a regular file, a read-only HOME), is simply a miss. Writing logs one warning
per unwritable folder and process, not one per file, so a broken cache does
not flood the logs of a long-running agent.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["is_fresh", "read_json", "write_json"]

logger = logging.getLogger(__name__)

_unwritable_folders: set[Path] = set()
_lock = threading.Lock()


def is_fresh(stored_at: float, ttl: float) -> bool:
    """Whether an entry stored at `stored_at` (epoch seconds) is within `ttl`.

    A time in the future (a clock set back) or NaN proves nothing: not fresh.
    """
    return 0 <= time.time() - stored_at < ttl


def read_json(path: Path) -> Any | None:
    """Return the JSON in `path`, or None when it is missing or unreadable.

    A missing file (or folder) is a silent miss; a file that exists but cannot
    be read or parsed logs a warning.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError) as error:
        logger.warning("ignoring unreadable cache file %s: %s", path, error)
        return None
    try:
        return json.loads(text)
    except ValueError:
        logger.warning("ignoring corrupt cache file %s", path)
        return None


def write_json(path: Path, value: Any) -> bool:
    """Write `value` to `path` atomically; return whether it was written.

    Failures log one warning per folder and process.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False
        ) as handle:
            json.dump(value, handle)
        Path(handle.name).replace(path)
    except OSError as error:
        _warn_once(folder, error)
        return False
    return True


def _warn_once(folder: Path, error: OSError) -> None:
    """Warn about an unwritable cache folder the first time only.

    Folders below the same obstacle (a regular file, a read-only folder) count
    as one: the warning is about the obstacle.
    """
    obstacle = _nearest_existing(folder)
    with _lock:
        if obstacle in _unwritable_folders:
            return
        _unwritable_folders.add(obstacle)
    logger.warning(
        "cache folder %s is not writable (%s); continuing without a cache. "
        "Set MEMBRANE_PUSHER_CACHE_DIR to a writable folder to enable it.",
        folder,
        error.strerror or error,
    )


def _nearest_existing(path: Path) -> Path:
    """Return `path` or its nearest ancestor that exists."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
