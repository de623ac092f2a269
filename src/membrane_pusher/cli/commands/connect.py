"""`membrane-pusher connect`: find or create the Pusher connection.

An existing Pusher connection (from `membrane connection list`) is reused.
Otherwise the Pusher connector is searched (`membrane search pusher
--elementType=connector`) and connected (`membrane connect --connectorId=...`).
When the connection still needs the user (a browser step), the URL is printed
on stderr and the command waits, polling `membrane connection get --wait`,
until the connection is READY or the timeout passes.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import click

from membrane_pusher.cli.state import CLIState, common_options, pass_state
from membrane_pusher.cli.target import find_pusher_connection, not_ready_error
from membrane_pusher.errors import ConnectionNotReadyError, NotFoundError

if TYPE_CHECKING:
    from membrane_pusher.cli.output import Output
    from membrane_pusher.membrane.client import MembraneClient
    from membrane_pusher.membrane.models import Connection

__all__ = ["command", "ensure_connection"]

# Seconds between two `connection get --wait` polls when the CLI returns early.
_POLL_PAUSE = 2.0


@click.command("connect")
@common_options
@click.option(
    "--connector-id",
    metavar="ID",
    help="Connect this connector instead of searching for Pusher.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Seconds to wait for the connection to become READY (0: do not wait).",
)
@click.option(
    "--sandbox",
    is_flag=True,
    help="Connect on the offline sandbox (already connected there).",
)
@pass_state
def command(
    state: CLIState, connector_id: str | None, timeout: float, sandbox: bool
) -> None:
    """Find or create the Pusher connection.

    A new connection is awaited until it is READY (see --timeout).
    In a browser-less session the URL to open is printed on stderr; finish the
    step anywhere and the command notices within a few seconds.
    """
    if sandbox:
        from membrane_pusher.cli import sandbox_bridge

        with sandbox_bridge.attach(state.output) as session:
            connection, created = ensure_connection(
                session.client(), state.output, connector_id, timeout
            )
    else:
        from membrane_pusher.membrane.client import MembraneClient

        connection, created = ensure_connection(
            MembraneClient(), state.output, connector_id, timeout
        )

    if state.json_mode:
        state.output.data({"connection": _describe(connection), "created": created})
        return
    verb = "Created" if created else "Found"
    state.output.say(f"{verb} Pusher connection {connection.id} ({connection.state}).")
    state.output.text(connection.id)


def ensure_connection(
    client: MembraneClient, output: Output, connector_id: str | None, timeout: float
) -> tuple[Connection, bool]:
    """Return a READY Pusher connection and whether it was just created.

    Args:
        client: The Membrane CLI client.
        output: Where the URL to open and progress are shown.
        connector_id: A connector to use instead of searching for Pusher.
        timeout: Longest wait for READY, in seconds.

    Returns:
        The connection and `True` when this call created it.

    Raises:
        ConnectionNotReadyError: It did not become READY in time.
        NotFoundError: No Pusher connector was found.
    """
    created = False
    with output.progress("Looking for a Pusher connection..."):
        connection = (
            None if connector_id else find_pusher_connection(client.list_connections())
        )

    if connection is None:
        chosen = connector_id or _find_connector(client, output)
        with output.progress("Creating the connection..."):
            connection = client.connect(chosen)
        created = True

    if connection.is_ready:
        return connection, created
    return _wait_until_ready(client, output, connection, timeout), created


def _find_connector(client: MembraneClient, output: Output) -> str:
    """Return the id of the Pusher connector."""
    with output.progress("Searching for the Pusher connector..."):
        hits = client.search_connectors("pusher")
    ids = [hit.id for hit in hits if hit.id]
    named = [hit.id for hit in hits if hit.id and "pusher" in (hit.name or "").lower()]
    if named or ids:
        return (named or ids)[0]
    raise NotFoundError(
        "No Pusher connector was found in this Membrane workspace.",
        hint="Check `membrane search pusher --elementType=connector --json`, "
        "then pass --connector-id.",
    )


def _wait_until_ready(
    client: MembraneClient, output: Output, connection: Connection, timeout: float
) -> Connection:
    """Show the URL to open and poll until READY or the timeout passes."""
    first = not_ready_error(connection)
    if first.url:
        output.notice(f"Open this URL to finish connecting Pusher: {first.url}")
    if timeout <= 0:
        raise first

    deadline = time.monotonic() + timeout
    with output.progress("Waiting for the connection to become READY..."):
        while time.monotonic() < deadline:
            started = time.monotonic()
            connection = client.get_connection(connection.id, wait=True)
            if connection.is_ready:
                return connection
            # `--wait` may return at once (e.g. on a client action); do not spin.
            if time.monotonic() - started < _POLL_PAUSE:
                time.sleep(min(_POLL_PAUSE, max(0.0, deadline - time.monotonic())))

    error = not_ready_error(connection)
    raise ConnectionNotReadyError(
        f"The Pusher connection {connection.id} was not READY after {timeout:g} s.",
        hint=error.hint,
        connection_id=connection.id,
        state=connection.state,
        url=error.url or first.url,
    )


def _describe(connection: Connection) -> dict[str, Any]:
    """Return the fields of a connection worth printing."""
    url = connection.client_action.ui_url if connection.client_action else None
    return {
        "id": connection.id,
        "name": connection.name,
        "state": connection.state,
        "ready": connection.is_ready,
        "url": url,
    }
