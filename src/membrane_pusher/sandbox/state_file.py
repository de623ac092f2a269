"""The record of the detached sandbox: `SandboxState` and the folder that keeps it.

`sandbox up` writes one `sandbox.json` (owner-only: it holds the app secret)
in the state folder (`membrane_pusher.paths.state_dir()`:
`MEMBRANE_PUSHER_STATE_DIR`, else the user state dir),
next to the sandbox's own folder and a `.lock` that keeps two `up`/`down`
calls from interleaving. `StateFolder` reads, writes, locks and removes it;
`membrane_pusher.sandbox.state` decides what to do with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from membrane_pusher.paths import state_dir
from membrane_pusher.sandbox.files import locked, write_json_atomic
from membrane_pusher.sandbox.install import SandboxError
from membrane_pusher.sandbox.processes import LOOPBACK
from membrane_pusher.sandbox.standin.defaults import PUSHER_CONNECTION_ID

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["STATE_FORMAT", "SandboxState", "StateFolder"]

STATE_FORMAT = 2
"""The version of `sandbox.json`; a file of another version is refused.

Version 2 records start times counted from boot on Linux (see `processes`).
"""

_STATE_FILE = "sandbox.json"
_SANDBOX_FOLDER = "sandbox"
_LOCK_FILE = ".lock"
# Marks the sandbox's folder as made by `sandbox up`: only a marked folder is
# ever deleted, so files a person keeps under the same name are left alone.
_OWNED_MARKER = ".membrane-pusher-sandbox"
_PORTS_END = 65536


@dataclass(frozen=True)
class SandboxState:
    """What `sandbox up` recorded about the running sandbox."""

    pid: int
    create_time: float
    port: int
    metrics_port: int
    cluster_port: int
    app_id: str
    key: str
    secret: str
    workspace: str
    log_path: str
    started_at: float
    start_seconds: float
    connection_id: str = PUSHER_CONNECTION_ID
    boot_id: str = ""
    format: int = STATE_FORMAT

    @property
    def base_url(self) -> str:
        """The server's HTTP base URL."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def ws_url(self) -> str:
        """The server's WebSocket base URL."""
        return f"ws://{LOOPBACK}:{self.port}"

    @property
    def pids(self) -> list[int]:
        """Every process the sandbox started (soketi only: the stand-in is per call)."""
        return [self.pid]

    def env(self) -> dict[str, str]:
        """Return the variables that point a process at this sandbox."""
        from membrane_pusher.sandbox.standin.workspace import (  # noqa: PLC0415
            StandinWorkspace,
        )

        return StandinWorkspace(Path(self.workspace)).env(app_id=self.app_id)

    def to_dict(self, *, include_secret: bool = False) -> dict[str, Any]:
        """Return the state as a JSON object (the secret masked by default)."""
        data = asdict(self)
        if not include_secret:
            data["secret"] = "***"  # noqa: S105 - a mask, not a password
        return {**data, "base_url": self.base_url, "ws_url": self.ws_url}


@cache
def _state_reader() -> TypeAdapter[SandboxState]:
    """Reads `sandbox.json` strictly: every field of its own JSON type."""
    return TypeAdapter(SandboxState)


def _impossible_field(state: SandboxState) -> str:
    """The first field no running sandbox could have; empty when all are fine."""
    if state.pid <= 0:
        return "pid"
    for name in ("port", "metrics_port", "cluster_port"):
        if not 0 < getattr(state, name) < _PORTS_END:
            return name
    return ""


def _reason(error: Exception) -> str:
    """Why the file could not be read, in one short line."""
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        return f"{where}: {first['msg']}"
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class StateFolder:
    """The state folder: `sandbox.json`, the sandbox's folder and the lock."""

    def __init__(self, folder: Path | None = None) -> None:
        """Use `folder`, or `state_dir()` when omitted (nothing is created yet)."""
        self.folder = state_dir() if folder is None else folder

    @property
    def state_file(self) -> Path:
        """The path of `sandbox.json`."""
        return self.folder / _STATE_FILE

    @property
    def sandbox_root(self) -> Path:
        """The folder of the detached sandbox's workspace and log."""
        return self.folder / _SANDBOX_FOLDER

    def read(self) -> SandboxState | None:
        """Read the state file; None when there is none.

        Raises:
            SandboxError: The file exists but is not a state file of this version.
        """
        path = self.state_file
        if not path.is_file():
            return None
        try:
            text = path.read_text(encoding="utf-8")
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
                raise self._foreign("unknown format")
            state = _state_reader().validate_json(text, strict=True)
        except (OSError, ValueError) as exc:
            raise self._foreign(_reason(exc)) from None
        impossible = _impossible_field(state)
        if impossible:
            raise self._foreign(f"{impossible} is out of range")
        return state

    def write(self, state: SandboxState) -> None:
        """Write the state file atomically, readable by the user only."""
        write_json_atomic(self.state_file, asdict(state))

    def remove(self) -> None:
        """Delete the state file and the sandbox's folder, if `sandbox up` made it.

        A folder without the marker is left as it is (an empty one is removed).
        """
        self.state_file.unlink(missing_ok=True)
        root = self.sandbox_root
        if (root / _OWNED_MARKER).is_file():
            shutil.rmtree(root, ignore_errors=True)
            return
        with contextlib.suppress(OSError):
            root.rmdir()

    def claim_sandbox_root(self) -> Path:
        """Create the sandbox's folder, marked as ours, and return it.

        Raises:
            SandboxError: The folder exists and holds files the sandbox did not
                make (they are never deleted).
        """
        root = self.sandbox_root
        marker = root / _OWNED_MARKER
        foreign = root.exists() and not marker.is_file()
        if foreign and (not root.is_dir() or any(root.iterdir())):
            raise SandboxError(
                f"{root} already exists and was not made by the sandbox, so it "
                "is not used (or deleted).",
                hint="Move it, or set MEMBRANE_PUSHER_STATE_DIR to another folder.",
            )
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        marker.touch()
        return root

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's lock, so two `up`/`down` calls never interleave.

        Raises:
            SandboxError: The folder cannot be created or written.
        """
        self.require_usable()
        with contextlib.ExitStack() as stack:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                stack.enter_context(locked(self.folder / _LOCK_FILE))
            except OSError as error:
                raise self._unusable(error.strerror or str(error)) from error
            yield

    def require_usable(self) -> None:
        """Refuse a state folder that cannot be created or written.

        The nearest existing ancestor must be a writable folder: a path under
        a regular file (or on a read-only file system) can never hold the state.

        Raises:
            SandboxError: The folder cannot be used.
        """
        existing = self.folder
        while not existing.exists() and existing.parent != existing:
            existing = existing.parent
        if not existing.is_dir():
            raise self._unusable(f"{existing} is a file, not a folder")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise self._unusable(f"{existing} is not writable")

    def _foreign(self, reason: str) -> SandboxError:
        """The error for a state file this version cannot use."""
        return SandboxError(
            f"the sandbox state file {self.state_file} is unreadable or not ours "
            f"({reason}).",
            hint="Stop any soketi you started yourself, delete the file, and retry.",
        )

    def _unusable(self, reason: str) -> SandboxError:
        """The error for a state folder that cannot be used."""
        return SandboxError(
            f"cannot use the sandbox state folder {self.folder}: {reason}.",
            hint=(
                "Set MEMBRANE_PUSHER_STATE_DIR (or XDG_STATE_HOME) to a writable "
                "folder; the sandbox records its process there."
            ),
        )
