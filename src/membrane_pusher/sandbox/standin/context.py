"""What every stand-in command handler shares: the workspace and lookups.

`Context` is one call's lazily loaded view of the workspace (with a locked
update); the helpers find connections, answer for missing or not-ready ones,
and read loose JSON and integer options the way all commands do.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from membrane_pusher.sandbox.standin.answers import Answer, api_error, json_answer

if TYPE_CHECKING:
    from collections.abc import Callable

    from membrane_pusher.sandbox.standin.options import ParsedArgs
    from membrane_pusher.sandbox.standin.state import Store

__all__ = [
    "PRIVATE_PREFIX",
    "READY",
    "Context",
    "connection_missing",
    "find_connection",
    "int_option",
    "loose_json",
    "ready_connection",
]

READY = "READY"
PRIVATE_PREFIX = "x-standin-"
"""Workspace keys with this prefix steer the stand-in and are never answered."""


class Context:
    """One call's view of the workspace, loaded on first use."""

    def __init__(self, store: Store) -> None:
        """Use the workspace in `store`."""
        self.store = store
        self._workspace: dict[str, Any] | None = None

    @property
    def workspace(self) -> dict[str, Any]:
        """The parsed workspace."""
        if self._workspace is None:
            self._workspace = self.store.workspace()
        return self._workspace

    def update(self, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        """Apply a change to the workspace on disk, under the lock."""
        with self.store.locked():
            fresh = self.store.workspace()
            change(fresh)
            self.store.save_workspace(fresh)
        self._workspace = fresh
        return fresh

    def listing(self, items: list[Any]) -> Answer:
        """Answer a list in the workspace's list shape."""
        if self.workspace.get("listShape") == "array":
            return json_answer(items)
        return json_answer({"items": items, "cursor": None})


def find_connection(context: Context, selector: str | None) -> dict[str, Any] | None:
    """Find a connection by id or key."""
    for connection in context.workspace.get("connections", []):
        if selector in {connection.get("id"), connection.get("key")}:
            return dict(connection)
    return None


def connection_missing(selector: str | None) -> Answer:
    """Answer for an unknown connection."""
    return api_error("bad_request", "not_found", f"Connection {selector} not found")


def ready_connection(context: Context, selector: str) -> dict[str, Any] | Answer:
    """Find a connection that can be used now, or the answer refusing it.

    Args:
        context: The call's workspace view.
        selector: The connection's id or key.

    Returns:
        The connection when it exists and is READY; otherwise the error
        answer for a missing or not-ready connection.
    """
    connection = find_connection(context, selector)
    if connection is None:
        return connection_missing(selector)
    return _not_ready(connection) or connection


def _not_ready(connection: dict[str, Any]) -> Answer | None:
    """Answer for a connection that is not READY, or None when it is."""
    state = connection.get("state", READY)
    if state == READY:
        return None
    return api_error(
        "connection",
        "connection_not_ready",
        f"Connection {connection.get('id')} is not ready ({state})",
        data={
            "connectionId": connection.get("id"),
            "state": state,
            "clientAction": connection.get("clientAction"),
        },
    )


def loose_json(text: str | None) -> Any:
    """Parse JSON text, keeping the raw text when it is not JSON."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def int_option(parsed: ParsedArgs, name: str) -> int | None:
    """Return an integer option, or None when absent or not a positive number."""
    value = parsed.value(name)
    if value is None or not value.isdigit():
        return None
    return int(value) or None
