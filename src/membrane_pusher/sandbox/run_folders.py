"""Private temporary run folders, and the clean-up of those a killed run left.

A sandbox or a soketi server started without a folder of its own gets a
temporary one (`membrane-pusher-sandbox-*`, `membrane-pusher-soketi-*`),
removed when it stops. A run killed outright (`kill -9`, a crash, a power
cut) never removes it, and the folder keeps the app's config and log. So
each run folder records the processes that use it (the program that made it
and, once launched, soketi) in `owner.json`, and every new run first removes
the run folders of this user whose recorded processes are all gone.

A folder without a readable record is left alone: it may be one that is
being created right now, or not ours at all.

Folders are created with mode 0700, given to `mkdir` itself, and private
files are written with `write_json_atomic` (0600 from the start), so no
other user can read a file even for an instant.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

from membrane_pusher.sandbox.files import write_json_atomic
from membrane_pusher.sandbox.processes import is_same_process, process_start_time

__all__ = [
    "OWNER_FILE",
    "RUN_FOLDER_PREFIXES",
    "SANDBOX_FOLDER_PREFIX",
    "SOKETI_FOLDER_PREFIX",
    "make_run_folder",
    "private_folder",
    "record_process",
    "remove_stale_run_folders",
]

logger = logging.getLogger(__name__)

SANDBOX_FOLDER_PREFIX = "membrane-pusher-sandbox-"
"""The name prefix of a sandbox's temporary folder."""

SOKETI_FOLDER_PREFIX = "membrane-pusher-soketi-"
"""The name prefix of a soketi server's temporary run folder."""

RUN_FOLDER_PREFIXES = (SANDBOX_FOLDER_PREFIX, SOKETI_FOLDER_PREFIX)
"""The name prefixes of the temporary run folders."""

OWNER_FILE = "owner.json"
"""The record of the processes using a run folder."""

_PRIVATE_FOLDER = 0o700


def make_run_folder(prefix: str) -> Path:
    """Create a private temporary run folder, after removing stale ones.

    The folder records this process as its user before it is returned.

    Args:
        prefix: One of `RUN_FOLDER_PREFIXES`.

    Returns:
        The new folder (mode 0700).
    """
    remove_stale_run_folders()
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    record_process(folder, os.getpid())
    return folder


def record_process(folder: Path, pid: int) -> None:
    """Add a process to the folder's record of the processes that use it.

    Args:
        folder: A run folder.
        pid: The process id.
    """
    path = folder / OWNER_FILE
    entries = _read_record(path) or []
    entries.append({"pid": pid, "create_time": process_start_time(pid)})
    write_json_atomic(path, {"processes": entries})


def remove_stale_run_folders(parent: Path | None = None) -> list[Path]:
    """Remove the run folders whose recorded processes have all ended.

    Only folders owned by this user, with one of `RUN_FOLDER_PREFIXES` and a
    readable record, are considered.

    Args:
        parent: Where to look; the system's temporary folder by default.

    Returns:
        The folders removed.
    """
    where = Path(tempfile.gettempdir()) if parent is None else parent
    removed: list[Path] = []
    try:
        candidates = [
            entry
            for entry in where.iterdir()
            if entry.name.startswith(RUN_FOLDER_PREFIXES)
        ]
    except OSError as error:
        logger.debug("cannot list %s for stale run folders: %s", where, error)
        return removed

    for folder in candidates:
        if _is_stale(folder):
            shutil.rmtree(folder, ignore_errors=True)
            logger.info("removed the run folder %s left by an ended run", folder)
            removed.append(folder)
    return removed


def private_folder(folder: Path) -> None:
    """Create `folder` (and its parents) and make sure it is owner-only (0700).

    A folder that already existed with wider permissions is narrowed.

    Args:
        folder: The folder.
    """
    folder.mkdir(mode=_PRIVATE_FOLDER, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o777 != _PRIVATE_FOLDER:
        folder.chmod(_PRIVATE_FOLDER)


def _is_stale(folder: Path) -> bool:
    """Whether `folder` is ours, recorded, and used by no live process."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False

    entries = _read_record(folder / OWNER_FILE)
    if not entries:
        return False
    return not any(_is_alive(entry) for entry in entries)


def _read_record(path: Path) -> list[dict[str, Any]] | None:
    """The recorded processes, or None when there is no readable record."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entries = data.get("processes") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None
    return [entry for entry in entries if isinstance(entry, dict)]


def _is_alive(entry: dict[str, Any]) -> bool:
    """Whether the recorded process still runs (a recycled pid does not count)."""
    pid = entry.get("pid")
    if not isinstance(pid, int):
        return False
    recorded = entry.get("create_time")
    start_time = float(recorded) if isinstance(recorded, int | float) else None
    return is_same_process(pid, start_time)
