"""The stand-in's files: workspace, faults and the call log, safely shared.

Several stand-in processes may run at once (the client runs calls
concurrently), so every read-modify-write holds an exclusive `flock` on
`.lock` in the workspace folder, and the call log is appended under it
(both helpers come from `membrane_pusher.sandbox.files`).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from membrane_pusher.sandbox.files import locked, write_json_atomic

if TYPE_CHECKING:
    import contextlib

__all__ = [
    "CALLS_FILE",
    "CHILDREN_FILE",
    "FAULTS_FILE",
    "HOME_ENV_VAR",
    "WORKSPACE_FILE",
    "Store",
    "StoreError",
]

HOME_ENV_VAR = "MEMBRANE_STANDIN_HOME"
WORKSPACE_FILE = "workspace.json"
FAULTS_FILE = "faults.json"
CALLS_FILE = "calls.jsonl"
CHILDREN_FILE = "children.jsonl"
_LOCK_FILE = ".lock"


class StoreError(Exception):
    """The workspace folder is missing or its files are unreadable."""


class Store:
    """Access to one workspace folder."""

    def __init__(self, home: Path) -> None:
        """Use the workspace folder `home` (it must exist)."""
        self.home = home

    @classmethod
    def from_environment(cls) -> Store:
        """Open the folder named by `MEMBRANE_STANDIN_HOME`.

        Raises:
            StoreError: When the variable is unset or the folder is missing.
        """
        value = os.environ.get(HOME_ENV_VAR, "")
        if not value:
            raise StoreError(
                f"{HOME_ENV_VAR} is not set; it must name a workspace folder"
            )
        home = Path(value)
        if not (home / WORKSPACE_FILE).is_file():
            raise StoreError(f"no {WORKSPACE_FILE} in {home}")
        return cls(home)

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """Hold the workspace's exclusive lock."""
        return locked(self.home / _LOCK_FILE)

    def workspace(self) -> dict[str, Any]:
        """Return the parsed workspace.

        Raises:
            StoreError: When it is not a JSON object.
        """
        value = self._read_json(WORKSPACE_FILE, default=None)
        if value is None and not (self.home / WORKSPACE_FILE).exists():
            raise StoreError(self.gone_message())
        if not isinstance(value, dict):
            raise StoreError(f"{WORKSPACE_FILE} must hold a JSON object")
        return value

    def gone_message(self) -> str:
        """What to say when the workspace disappeared while a command ran."""
        return (
            f"the workspace {self.home} is gone; was the sandbox stopped while "
            "this command ran?"
        )

    def save_workspace(self, data: dict[str, Any]) -> None:
        """Replace the workspace atomically (call while holding the lock)."""
        self._write_json(WORKSPACE_FILE, data)

    def faults(self) -> list[dict[str, Any]]:
        """Return the fault rules (an empty list when there are none)."""
        value = self._read_json(FAULTS_FILE, default=[])
        if not isinstance(value, list):
            raise StoreError(f"{FAULTS_FILE} must hold a JSON list")
        return [rule for rule in value if isinstance(rule, dict)]

    def save_faults(self, rules: list[dict[str, Any]]) -> None:
        """Replace the fault rules atomically (call while holding the lock)."""
        self._write_json(FAULTS_FILE, rules)

    def record(self, entry: dict[str, Any], file_name: str = CALLS_FILE) -> None:
        """Append one JSON line to a log file, under the lock."""
        line = json.dumps({"ts": time.time(), **entry}, ensure_ascii=False) + "\n"
        with self.locked(), (self.home / file_name).open("a", encoding="utf-8") as log:
            log.write(line)

    def _read_json(self, name: str, *, default: Any) -> Any:
        """Read one JSON file, or return `default` when it does not exist."""
        path = self.home / name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return default
        except OSError as error:
            raise StoreError(f"cannot read {path}: {error}") from error
        try:
            return json.loads(text)
        except ValueError as error:
            raise StoreError(f"{path} is not valid JSON: {error}") from error

    def _write_json(self, name: str, value: Any) -> None:
        """Write one JSON file atomically, readable by the user only."""
        write_json_atomic(self.home / name, value)
