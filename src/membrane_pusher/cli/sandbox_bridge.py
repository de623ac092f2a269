"""How `--sandbox` finds a sandbox: the running one, or a new one for now.

`membrane-pusher sandbox up` leaves a detached sandbox running and records it;
commands given `--sandbox` attach to it. When none is running, a private
sandbox is started for the length of the command and stopped afterwards
(soketi must be installed: `membrane-pusher sandbox install`); a line on
stderr says so, since that costs a second or two on each command and nothing
sent there outlives it.

The sandbox addresses its own Pusher app: `PUSHER_APP_ID` (or
`MEMBRANE_PUSHER_APP_ID`) from the environment is meant for the real Pusher,
so it is ignored, with a line on stderr when it differs; only an explicit
`--app-id` overrides the sandbox's.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from membrane_pusher.cli.output import Output
    from membrane_pusher.membrane.client import MembraneClient

__all__ = ["THROWAWAY_NOTE", "SandboxSession", "attach"]

THROWAWAY_NOTE = (
    "No sandbox is running (see `membrane-pusher sandbox up`): using a temporary "
    "one, stopped when this command ends."
)


@dataclass(frozen=True)
class SandboxSession:
    """A sandbox a command can use.

    Attributes:
        workspace: The stand-in's workspace folder.
        connection_id: The sandbox's READY Pusher connection.
        app_id: The sandbox's Pusher app id.
        detached: Whether it is the long-running one from `sandbox up`.
    """

    workspace: Path
    connection_id: str
    app_id: str
    detached: bool

    def client(self, **kwargs: Any) -> MembraneClient:
        """Return a Membrane client that runs the sandbox's stand-in."""
        from membrane_pusher.sandbox.standin.workspace import StandinWorkspace

        return StandinWorkspace(self.workspace).client(**kwargs)

    def env(self) -> dict[str, str]:
        """Return the variables that point a process at the sandbox."""
        from membrane_pusher.sandbox.standin.workspace import StandinWorkspace

        return StandinWorkspace(self.workspace).env(app_id=self.app_id)


@contextlib.contextmanager
def attach(output: Output) -> Iterator[SandboxSession]:
    """Yield the running sandbox, or one started for the block.

    Args:
        output: Where progress is shown while a sandbox starts.

    Yields:
        The session.

    Raises:
        SandboxError: soketi is not installed or could not start.
    """
    from membrane_pusher.sandbox.state import sandbox_status

    status = sandbox_status()
    if status.ready and status.state is not None:
        state = status.state
        _note_ignored_app_id(output, state.app_id)
        yield SandboxSession(
            Path(state.workspace), state.connection_id, state.app_id, detached=True
        )
        return

    from membrane_pusher.sandbox.sandbox import Sandbox

    output.say(THROWAWAY_NOTE)
    box = Sandbox()
    with output.progress("Starting a sandbox for this command..."):
        box.start()
    try:
        _note_ignored_app_id(output, box.app_id)
        yield SandboxSession(
            box.root / "workspace", box.connection_id, box.app_id, False
        )
    finally:
        box.stop()


def _note_ignored_app_id(output: Output, sandbox_app_id: str) -> None:
    """Say so when the environment names another app than the sandbox's."""
    from membrane_pusher.pusher.config import APP_ID_ENV_VARS

    for name in APP_ID_ENV_VARS:
        value = os.environ.get(name, "").strip()
        if value and value != sandbox_app_id:
            output.say(
                f"{name}={value} is ignored with --sandbox: the sandbox's app is "
                f"{sandbox_app_id} (pass --app-id to override it)."
            )
            return
