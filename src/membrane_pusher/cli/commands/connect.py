"""`membrane-pusher connect`: find or create the Pusher connection.

An existing Pusher connection (from `membrane connection list`, chosen by
the rule of `membrane_pusher.pusher.connection`) is reused, READY or not: a
connection waiting for the user is never replaced by a new one. Otherwise the
Pusher connector is searched (`membrane search pusher --elementType=connector`)
and connected (`membrane connect --connectorId=...`).

When the connection still needs the user (a browser step), the URL is printed
on stderr (and kept in the `--json` document) and the command waits, polling
`membrane connection get --wait --timeout=<seconds left>`, until the connection
is READY or `--timeout` passes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from membrane_pusher.cli.state import CLIState, common_options, pass_state
from membrane_pusher.errors import (
    ConnectionNotReadyError,
    MembranePusherError,
    NotFoundError,
)
from membrane_pusher.membrane.parsing import is_transient
from membrane_pusher.pusher.connection import (
    choose_pusher_connection,
    connection_url,
    not_ready_error,
)

if TYPE_CHECKING:
    from membrane_pusher.cli.output import Output
    from membrane_pusher.membrane.client import MembraneClient
    from membrane_pusher.membrane.models import Connection

__all__ = ["Connected", "command", "ensure_connection"]

# Seconds between two `connection get --wait` polls when the CLI returns early.
_POLL_PAUSE = 2.0


@dataclass(frozen=True)
class Connected:
    """The outcome of `ensure_connection`.

    Attributes:
        connection: The READY Pusher connection.
        created: Whether this command created it.
        url: The URL the user was asked to open, when there was one.
    """

    connection: Connection
    created: bool
    url: str | None = None


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
            outcome = ensure_connection(
                session.client(), state.output, connector_id, timeout
            )
    else:
        from membrane_pusher.membrane.client import MembraneClient

        outcome = ensure_connection(
            MembraneClient(), state.output, connector_id, timeout
        )

    connection = outcome.connection
    if state.json_mode:
        state.output.data(
            {"connection": _describe(outcome), "created": outcome.created}
        )
        return
    verb = "Created" if outcome.created else "Found"
    state.output.say(f"{verb} Pusher connection {connection.id} ({connection.state}).")
    state.output.text(connection.id)


def ensure_connection(
    client: MembraneClient, output: Output, connector_id: str | None, timeout: float
) -> Connected:
    """Return a READY Pusher connection, creating or awaiting it as needed.

    Args:
        client: The Membrane CLI client.
        output: Where the URL to open and progress are shown.
        connector_id: A connector to connect instead of looking for an
            existing Pusher connection.
        timeout: Longest wait for READY, in seconds (0: do not wait).

    Returns:
        The connection, whether this call created it, and the URL shown.

    Raises:
        ConnectionNotReadyError: It did not become READY in time.
        ConfigurationError: Several READY Pusher connections exist.
        NotFoundError: No Pusher connector was found.
    """
    connection = None if connector_id else _existing(client, output)
    created = connection is None
    if connection is None:
        chosen = connector_id or _find_connector(client, output)
        with output.progress("Creating the connection..."):
            connection = client.connect(chosen)

    if connection.is_ready:
        return Connected(connection, created)
    url = connection_url(connection)
    ready = _wait_until_ready(client, output, connection, timeout)
    return Connected(ready, created, url)


def _existing(client: MembraneClient, output: Output) -> Connection | None:
    """Return the Pusher connection already there (READY or not), else None."""
    with output.progress("Looking for a Pusher connection..."):
        connections = client.list_connections()
    try:
        return choose_pusher_connection(connections)
    except ConnectionNotReadyError as error:
        if error.connection_id is None:
            return None
        return next((c for c in connections if c.id == error.connection_id), None)


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
    client: MembraneClient,
    output: Output,
    connection: Connection,
    timeout: float,
) -> Connection:
    """Show the URL to open, then poll until READY or `timeout` seconds pass.

    Each poll asks the CLI to wait no longer than the time left, so a slow
    `connection get` cannot stretch the wait beyond `--timeout`.
    """
    first = not_ready_error(connection)
    if first.url:
        output.notice(f"Open this URL to finish connecting Pusher: {first.url}")

    deadline = time.monotonic() + timeout
    with output.progress("Waiting for the connection to become READY..."):
        while (left := deadline - time.monotonic()) > 0:
            started = time.monotonic()
            try:
                connection = client.get_connection(
                    connection.id, wait=True, timeout=left
                )
            except MembranePusherError as error:
                if not is_transient(error):
                    raise
                # A slow or garbled poll: ask again while time is left.
            else:
                if connection.is_ready:
                    return connection
            # `--wait` returns at once while the user has a step to do: no spin.
            if time.monotonic() - started < _POLL_PAUSE:
                time.sleep(min(_POLL_PAUSE, max(0.0, deadline - time.monotonic())))

    last = not_ready_error(connection)
    raise ConnectionNotReadyError(
        f"The Pusher connection {connection.id} was not READY after {timeout:g} s.",
        hint=last.hint if last.url else first.hint,
        connection_id=connection.id,
        state=connection.state,
        url=last.url or first.url,
    )


def _describe(outcome: Connected) -> dict[str, Any]:
    """Return the fields of a connection worth printing."""
    connection = outcome.connection
    return {
        "id": connection.id,
        "name": connection.name,
        "state": connection.state,
        "ready": connection.is_ready,
        "url": connection_url(connection) or outcome.url,
    }
