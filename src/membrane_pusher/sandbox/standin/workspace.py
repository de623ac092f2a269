"""`StandinWorkspace`: the Python side of a stand-in workspace folder.

Tests and the sandbox use it to write the workspace, set faults, read the call
log, and get the environment (or a ready `MembraneClient`) that makes the
`membrane` command resolve to the stand-in.

Folder layout:

* `workspace.json`: `loggedIn`, `connections`, `connectors`, `actions` (with
  `inputSchema`), optional `listShape` (`"items"` or `"array"`), optional
  `upstream` (`{"base_url", "app_id", "key", "secret"}` of a Pusher-protocol
  server), optional `cliVersion`;
* `faults.json`: fault rules (see `faults.py`);
* `calls.jsonl`: one line per call received.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from membrane_pusher.sandbox.files import write_json_atomic
from membrane_pusher.sandbox.standin.defaults import (
    PUSHER_CONNECTION_ID,
    default_workspace,
)
from membrane_pusher.sandbox.standin.state import (
    CALLS_FILE,
    CHILDREN_FILE,
    FAULTS_FILE,
    HOME_ENV_VAR,
    WORKSPACE_FILE,
)

if TYPE_CHECKING:
    from membrane_pusher.membrane.client import MembraneClient

__all__ = [
    "PUSHER_CONNECTION_ID",
    "StandinWorkspace",
    "default_workspace",
    "standin_command",
]


def standin_command() -> list[str]:
    """Return the argv prefix that runs the stand-in with this interpreter."""
    return [sys.executable, "-m", "membrane_pusher.sandbox.standin"]


class StandinWorkspace:
    """A stand-in workspace folder."""

    def __init__(self, path: Path | str) -> None:
        """Use (and create, if needed) the folder `path`."""
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)

    @property
    def command(self) -> list[str]:
        """The argv prefix that runs the stand-in."""
        return standin_command()

    def write(self, data: dict[str, Any]) -> None:
        """Replace `workspace.json` (owner-only: it may hold the app secret)."""
        write_json_atomic(self.path / WORKSPACE_FILE, data)

    def read(self) -> dict[str, Any]:
        """Return the parsed `workspace.json`."""
        value = json.loads((self.path / WORKSPACE_FILE).read_text(encoding="utf-8"))
        if not isinstance(value, dict):
            raise TypeError("workspace.json does not hold a JSON object")
        return value

    def update(self, **changes: Any) -> dict[str, Any]:
        """Change top-level workspace fields and return the new workspace."""
        data = {**self.read(), **changes}
        self.write(data)
        return data

    def set_faults(self, rules: list[dict[str, Any]]) -> None:
        """Replace the fault rules (an empty list removes them)."""
        write_json_atomic(self.path / FAULTS_FILE, rules)

    def calls(self, command: str | None = None) -> list[dict[str, Any]]:
        """Return the recorded calls, optionally only those of one command."""
        records = _read_lines(self.path / CALLS_FILE)
        if command is None:
            return records
        return [record for record in records if record.get("command") == command]

    def clear_calls(self) -> None:
        """Forget the recorded calls."""
        (self.path / CALLS_FILE).unlink(missing_ok=True)

    def children(self) -> list[int]:
        """Return the ids of helper processes started by `spawn_children` faults."""
        pids: list[int] = []
        for record in _read_lines(self.path / CHILDREN_FILE):
            pids.extend(int(pid) for pid in record.get("children", []))
        return pids

    def env(self, *, app_id: str | None = None) -> dict[str, str]:
        """Return the variables that point `membrane` at this stand-in.

        Args:
            app_id: The Pusher app the tools address (`PUSHER_APP_ID`), for a
                workspace that forwards to a sandbox's server.
        """
        env = {"MEMBRANE_CLI": shlex.join(self.command), HOME_ENV_VAR: str(self.path)}
        if app_id is not None:
            env["PUSHER_APP_ID"] = app_id
        return env

    def client(self, **kwargs: Any) -> MembraneClient:
        """Return a `MembraneClient` that runs this stand-in.

        Args:
            **kwargs: Passed to `MembraneClient` (for example `timeout=`).
        """
        from membrane_pusher.membrane.client import MembraneClient  # noqa: PLC0415

        env = {**self.env(), **kwargs.pop("env", {})}
        return MembraneClient(env=env, **kwargs)


def _read_lines(path: Path) -> list[dict[str, Any]]:
    """Read a JSON-lines file (missing: empty)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    # Split on "\n" only: str.splitlines() also breaks at U+2028, U+0085 and
    # other separators that JSON strings may hold unescaped.
    return [json.loads(line) for line in text.split("\n") if line.strip()]
