"""`membrane-pusher sandbox install|up|status|down`: the offline Pusher sandbox.

The sandbox is a local soketi server (a Pusher-protocol server) plus a
stand-in `membrane` whose Pusher connection forwards to it. `up` leaves it
running in the background for `--sandbox` on other commands; `down` stops it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from membrane_pusher.cli.output import ExitCode
from membrane_pusher.cli.state import CLIState, common_options, pass_state

if TYPE_CHECKING:
    from membrane_pusher.sandbox.state import SandboxStatus

__all__ = ["group"]


@click.group("sandbox")
@common_options
def group() -> None:
    """Install, start, inspect or stop the sandbox.

    The sandbox is a local soketi server plus a stand-in `membrane` wired to
    it: everything works offline, with no account.
    """


@group.command("install")
@common_options
@pass_state
def install(state: CLIState) -> None:
    """Install the pinned soketi server with npm (needs Node 18 or 20)."""
    from membrane_pusher.sandbox.install import install_soketi, is_installed

    already = is_installed()
    with state.output.progress("Installing soketi with npm ci..."):
        folder = install_soketi()
    if state.json_mode:
        state.output.data(
            {"installed": True, "path": str(folder), "fresh": not already}
        )
        return
    state.output.say(f"soketi {'was already' if already else 'is now'} installed.")
    state.output.text(str(folder))


@group.command("up")
@common_options
@click.option(
    "--no-install",
    is_flag=True,
    help="Fail instead of installing soketi when it is missing.",
)
@click.option(
    "--ready-timeout",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for the server to answer /ready.",
)
@pass_state
def up(state: CLIState, no_install: bool, ready_timeout: float) -> None:
    """Start the sandbox in the background (or reuse the running one)."""
    from membrane_pusher.sandbox.state import sandbox_up

    with state.output.progress("Starting the sandbox..."):
        status = sandbox_up(install=not no_install, ready_timeout=ready_timeout)
    _print(state, status)
    if not state.json_mode and status.state is not None:
        state.output.say("Use it with --sandbox, e.g.: membrane-pusher tools --sandbox")


@group.command("status")
@common_options
@pass_state
def status(state: CLIState) -> int:
    """Tell whether the sandbox runs and answers; exit 1 when it does not."""
    from membrane_pusher.sandbox.state import sandbox_status

    current = sandbox_status()
    _print(state, current)
    return ExitCode.OK if current.ready else ExitCode.FAILURE


@group.command("down")
@common_options
@pass_state
def down(state: CLIState) -> None:
    """Stop the sandbox started by `up` and remove its state."""
    from membrane_pusher.sandbox.state import sandbox_down

    _print(state, sandbox_down())


def _print(state: CLIState, status: SandboxStatus) -> None:
    """Print a sandbox status: JSON, or a few lines for people."""
    document: dict[str, Any] = status.to_dict()
    if state.json_mode:
        state.output.data(document)
        return
    state.output.say(status.message)
    if status.hint:
        state.output.say(f"Hint: {status.hint}")
    details = document.get("state") or {}
    if status.running and details:
        state.output.say(f"  app id:      {details.get('app_id')}")
        state.output.say(f"  connection:  {details.get('connection_id')}")
        state.output.say(f"  HTTP:        {details.get('base_url')}")
        state.output.say(f"  WebSocket:   {details.get('ws_url')}")
