"""Stand-in commands of the account and its connections.

`--version`, `status`, `login`, `logout`, `connection list`, `connection get`,
`search` (connectors) and `connect` (reuse a READY connection or create one).

A new connection is READY at once, unless the workspace holds
`connectPending`: `{"readyAfterGets": N}` and/or `{"readyAfterSeconds": S}`
(optionally `"uiUrl"`). `connect` then answers the connection in state
`CLIENT_ACTION_REQUIRED` with a `clientAction` URL, as when the user still has
a browser step to do; it becomes READY on its N-th `connection get`, or once S
seconds have passed (seen by `connection get` and `connection list`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from membrane_pusher.sandbox.standin.answers import (
    Answer,
    api_error,
    json_answer,
    new_id,
    usage_error,
)
from membrane_pusher.sandbox.standin.context import (
    PRIVATE_PREFIX,
    READY,
    Context,
    connection_missing,
    find_connection,
    int_option,
)

if TYPE_CHECKING:
    from membrane_pusher.sandbox.standin.options import ParsedArgs

__all__ = [
    "connect",
    "connection_get",
    "connection_list",
    "login",
    "logout",
    "search",
    "status",
    "version",
]

_DEFAULT_VERSION = "1.18.3"
_PENDING = "CLIENT_ACTION_REQUIRED"
# Private fields of a pending connection (never answered).
_GETS_LEFT = f"{PRIVATE_PREFIX}ready-after-gets"
_READY_AT = f"{PRIVATE_PREFIX}ready-at"


def version(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane --version`."""
    del parsed
    return Answer(0, f"{context.workspace.get('cliVersion', _DEFAULT_VERSION)}\n")


def status(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane status`."""
    workspace = context.workspace
    logged_in = bool(workspace.get("loggedIn", False))
    if "--json" not in parsed.flags:
        if not logged_in:
            return Answer(0, "Not logged in\n")
        return Answer(0, f"Logged in (workspace: {workspace.get('workspace')})\n")
    if not logged_in:
        return json_answer({"loggedIn": False})
    return json_answer(
        {
            "loggedIn": True,
            "workspace": workspace.get("workspace"),
            "tenant": workspace.get("tenant"),
            "apiUri": workspace.get("apiUri"),
        }
    )


def login(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane login`: the stand-in simply marks itself logged in."""
    del parsed
    workspace = context.update(lambda data: data.update(loggedIn=True))
    return json_answer({"loggedIn": True, "workspace": workspace.get("workspace")})


def logout(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane logout`."""
    del parsed
    context.update(lambda data: data.update(loggedIn=False))
    return json_answer({"loggedIn": False})


def connection_list(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane connection list`."""
    del parsed
    _settle(context, None)
    connections = context.workspace.get("connections", [])
    return context.listing([_public(c) for c in connections])


def connection_get(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane connection get ID [--wait]`."""
    if not parsed.positionals:
        return usage_error("missing required argument 'id'")
    selector = parsed.positionals[0]
    if find_connection(context, selector) is None:
        return connection_missing(selector)
    _settle(context, selector)
    connection = find_connection(context, selector)
    return json_answer(_public(connection or {}))


def search(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane search Q [--elementType=connector] [--limit=N]`."""
    if not parsed.positionals:
        return usage_error("missing required argument 'query'")
    query = parsed.positionals[0].lower().strip()
    element_type = parsed.value("--elementType") or "connector"
    limit = int_option(parsed, "--limit") or 100

    hits = []
    if element_type == "connector":
        for connector in context.workspace.get("connectors", []):
            names = f"{connector.get('name', '')} {connector.get('key', '')}".lower()
            if query and all(word in names for word in query.split()):
                hits.append({"elementType": "connector", "element": dict(connector)})
    return context.listing(hits[:limit])


def connect(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane connect --connectorId=ID`: reuse or create a READY connection."""
    selector = (
        parsed.value("--connectorId")
        or parsed.value("--connectorKey")
        or parsed.value("--integrationKey")
    )
    if selector is None:
        return usage_error(
            "one of --connectorId, --connectorKey, --integrationKey is required"
        )

    connector = next(
        (
            item
            for item in context.workspace.get("connectors", [])
            if selector in {item.get("id"), item.get("key")}
        ),
        None,
    )
    if connector is None:
        return api_error("bad_request", "not_found", f"Connector {selector} not found")

    for connection in context.workspace.get("connections", []):
        same_app = connection.get("connectorId") == connector.get("id")
        if same_app and connection.get("state", READY) == READY:
            return json_answer(_public(connection))

    key = str(connector.get("key") or connector.get("id"))
    created: dict[str, Any] = {
        "id": new_id(f"con_{key}"),
        "name": connector.get("name"),
        "key": key,
        "integrationKey": key,
        "connectorId": connector.get("id"),
        "state": READY,
        "connected": True,
        "disconnected": False,
        "integration": {"key": key, "name": connector.get("name")},
    }
    pending = context.workspace.get("connectPending")
    if isinstance(pending, dict):
        created.update(_pending_fields(created["id"], pending))
    context.update(lambda data: data.setdefault("connections", []).append(created))
    return json_answer(_public(created))


def _pending_fields(connection_id: str, pending: dict[str, Any]) -> dict[str, Any]:
    """Return the fields of a new connection that still needs the user."""
    url = pending.get("uiUrl") or f"https://ui.standin.invalid/connect/{connection_id}"
    fields: dict[str, Any] = {
        "state": _PENDING,
        "connected": False,
        "clientAction": {
            "type": "connect",
            "description": "Open the URL to finish connecting.",
            "uiUrl": url,
        },
    }
    if pending.get("readyAfterGets") is not None:
        fields[_GETS_LEFT] = int(pending["readyAfterGets"])
    if pending.get("readyAfterSeconds") is not None:
        fields[_READY_AT] = time.time() + float(pending["readyAfterSeconds"])
    return fields


def _settle(context: Context, got: str | None) -> None:
    """Make due pending connections READY; `got` names the one asked for.

    Asking for a connection with `connection get` counts one of its gets.
    """
    connections = context.workspace.get("connections", [])
    if not any(_GETS_LEFT in c or _READY_AT in c for c in connections):
        return

    def change(data: dict[str, Any]) -> None:
        now = time.time()
        for connection in data.get("connections", []):
            if got is not None and got in {connection.get("id"), connection.get("key")}:
                _count_get(connection)
            if float(connection.get(_READY_AT, now + 1)) <= now:
                _make_ready(connection)

    context.update(change)


def _count_get(connection: dict[str, Any]) -> None:
    """Count one `connection get` of a connection waiting for gets."""
    if _GETS_LEFT not in connection:
        return
    connection[_GETS_LEFT] = int(connection[_GETS_LEFT]) - 1
    if connection[_GETS_LEFT] <= 0:
        _make_ready(connection)


def _make_ready(connection: dict[str, Any]) -> None:
    """Turn a pending connection READY, as when the user finished the step."""
    connection.update(state=READY, connected=True, disconnected=False)
    for name in ("clientAction", _GETS_LEFT, _READY_AT):
        connection.pop(name, None)


def _public(connection: dict[str, Any]) -> dict[str, Any]:
    """Return a connection without the stand-in's private fields."""
    return {k: v for k, v in connection.items() if not k.startswith(PRIVATE_PREFIX)}
