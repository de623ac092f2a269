"""Stand-in commands of the account and its connections.

`--version`, `status`, `login`, `logout`, `connection list`, `connection get`,
`search` (connectors) and `connect` (reuse or create a READY connection).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from membrane_pusher.sandbox.standin.answers import (
    Answer,
    api_error,
    json_answer,
    new_id,
    usage_error,
)
from membrane_pusher.sandbox.standin.context import (
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
    return context.listing(list(context.workspace.get("connections", [])))


def connection_get(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane connection get ID [--wait]`."""
    if not parsed.positionals:
        return usage_error("missing required argument 'id'")
    selector = parsed.positionals[0]
    connection = find_connection(context, selector)
    if connection is None:
        return connection_missing(selector)
    return json_answer(connection)


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
            return json_answer(connection)

    key = str(connector.get("key") or connector.get("id"))
    created = {
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
    context.update(lambda data: data.setdefault("connections", []).append(created))
    return json_answer(created)
