"""Which Membrane connection is the Pusher one, and why none can be used.

One rule, shared by the toolkit and every command: a connection is a Pusher
connection when one of the names by which it refers to its app
(`Connection.app_keys`: `integration.key`, `integrationKey`, `key`, `name`,
`connectorId`, lower-cased) is exactly `pusher`. Membrane's documented shapes
carry `pusher` in the integration key and the connection key; an exact match
keeps other apps whose names merely contain the word (Pusher Beams, say) out.

`choose_pusher_connection` then wants exactly one READY Pusher connection:

* none at all, or none READY: `ConnectionNotReadyError` (exit code 4), with
  the URL to open when Membrane gave one, else `membrane-pusher connect`;
* several READY: `ConfigurationError` (exit code 6) naming them, since only
  a person can pick one (`connection_id=` / `--connection-id`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from membrane_pusher.errors import ConfigurationError, ConnectionNotReadyError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from membrane_pusher.membrane.models import Connection

__all__ = [
    "PUSHER_APP_KEY",
    "choose_pusher_connection",
    "connection_url",
    "describe_connection",
    "is_pusher_connection",
    "not_ready_error",
]

PUSHER_APP_KEY = "pusher"
_CONNECT_HINT = "Run `membrane-pusher connect` to connect Pusher, then try again."


def is_pusher_connection(connection: Connection) -> bool:
    """Tell whether a connection is to Pusher (see the module docstring)."""
    return PUSHER_APP_KEY in connection.app_keys


def connection_url(connection: Connection) -> str | None:
    """Return the URL where the user finishes connecting, when Membrane gave one."""
    action = connection.client_action
    return action.ui_url if action is not None else None


def describe_connection(connection: Connection) -> str:
    """Return `id (name, STATE)`, for messages that list connections."""
    details = ", ".join(part for part in (connection.name, connection.state) if part)
    return f"{connection.id} ({details})" if details else connection.id


def not_ready_error(
    connection: Connection, message: str | None = None
) -> ConnectionNotReadyError:
    """Explain that a connection exists but cannot be used yet.

    Args:
        connection: The connection that is not READY.
        message: What to say instead of the default `... is STATE.`.
    """
    url = connection_url(connection)
    state = connection.state or "not ready"
    if url:
        hint = f"Open {url} to finish connecting, then try again."
    else:
        hint = "Reconnect it in the Membrane console, or run `membrane-pusher connect`."
    return ConnectionNotReadyError(
        message or f"The Pusher connection {connection.id} is {state}.",
        hint=hint,
        connection_id=connection.id,
        state=connection.state,
        url=url,
    )


def choose_pusher_connection(
    connections: Sequence[Connection], connection_id: str | None = None
) -> Connection:
    """Return the one READY Pusher connection, or explain the choices.

    Args:
        connections: The connections to choose from (`connection list`, or
            the answer of `connection get` for an id given).
        connection_id: The connection wanted (its id or key); then it is used
            whatever its app, but it must exist and be READY.

    Raises:
        ConnectionNotReadyError: No Pusher connection, the one named is
            missing, or none is READY.
        ConfigurationError: Several READY Pusher connections.
    """
    if connection_id:
        return _named(connections, connection_id)

    pusher = [c for c in connections if is_pusher_connection(c)]
    ready = [c for c in pusher if c.is_ready]
    if len(ready) == 1:
        return ready[0]
    if len(ready) > 1:
        raise ConfigurationError(
            f"Several READY Pusher connections were found: {_listed(ready)}.",
            hint="Choose one with connection_id= (or --connection-id, or env "
            "MEMBRANE_PUSHER_CONNECTION_ID).",
        )
    if not pusher:
        raise ConnectionNotReadyError(
            "No Pusher connection was found in this Membrane workspace.",
            hint=_CONNECT_HINT,
        )
    if len(pusher) == 1:
        raise not_ready_error(pusher[0])
    raise not_ready_error(
        pusher[0], f"No Pusher connection is READY: {_listed(pusher)}."
    )


def _named(connections: Sequence[Connection], connection_id: str) -> Connection:
    """Return the connection with this id or key, when it is READY."""
    for connection in connections:
        if connection_id in {connection.id, connection.key}:
            if not connection.is_ready:
                raise not_ready_error(connection)
            return connection

    known = [c for c in connections if is_pusher_connection(c)]
    choices = f" Pusher connections: {_listed(known)}." if known else ""
    raise ConnectionNotReadyError(
        f"The connection {connection_id} was not found.{choices}",
        hint="Check the id (`membrane connection list` shows them), or run "
        "`membrane-pusher connect`.",
        connection_id=connection_id,
    )


def _listed(connections: Sequence[Connection]) -> str:
    """Return `id (name, STATE), ...`."""
    return ", ".join(describe_connection(c) for c in connections)
