"""The stand-in's commands: parse, record, apply faults, answer.

Each command has an option spec and a handler. `dispatch` records every call
in `calls.jsonl` (with the parsed input or body of runs and requests) *before*
any fault applies, so tests can count exactly how many attempts were made.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, NamedTuple

from membrane_pusher.sandbox.standin import forwarding
from membrane_pusher.sandbox.standin.answers import (
    Answer,
    api_error,
    json_answer,
    new_id,
    not_logged_in,
    usage_error,
)
from membrane_pusher.sandbox.standin.faults import apply_fault, take_fault
from membrane_pusher.sandbox.standin.options import (
    OptionSpec,
    ParsedArgs,
    UsageError,
    parse_options,
)
from membrane_pusher.sandbox.standin.ranking import rank_actions

if TYPE_CHECKING:
    from collections.abc import Callable

    from membrane_pusher.sandbox.standin.state import Store

__all__ = ["COMMANDS", "dispatch"]

READY = "READY"
_DEFAULT_VERSION = "1.18.3"
_DEFAULT_INTENT_LIMIT = 10
_PRIVATE_PREFIX = "x-standin-"
_GROUPS = frozenset({"connection", "action"})

USAGE = """Usage: membrane <command> [options]   (membrane-pusher stand-in)

Commands:
  --version | status | login | logout
  connection list | connection get ID [--wait]
  search QUERY --elementType=connector
  connect --connectorId=ID
  action list --connectionId=ID [--intent=Q] [--limit=N]
  action run ACTION_ID --connectionId=ID --input=JSON
  act --id=ACTION_ID --connectionId=ID --input=JSON
  request CONNECTION_ID PATH [-X M] [-H 'K: V'] [--query k=v] [--json] [-d BODY]
All commands take --json.
"""


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


class Command(NamedTuple):
    """A command's options, handler, and whether it needs a login."""

    spec: OptionSpec
    handler: Callable[[Context, ParsedArgs], Answer]
    tenant: bool = True


def dispatch(store: Store, tokens: list[str]) -> Answer:
    """Answer one command line."""
    if not tokens or tokens[0] in {"--help", "-h", "help"}:
        return Answer(0, USAGE)

    words, rest = _command_words(tokens)
    name = " ".join(words)
    command = COMMANDS.get(name)
    if command is None:
        store.record(
            {"pid": os.getpid(), "argv": tokens, "command": name, "error": "usage"}
        )
        return usage_error(f"unknown command '{name}'\n\n{USAGE}")

    try:
        parsed = parse_options(rest, command.spec)
    except UsageError as error:
        store.record(
            {"pid": os.getpid(), "argv": tokens, "command": name, "error": "usage"}
        )
        return usage_error(str(error))

    store.record(
        {"pid": os.getpid(), "argv": tokens, "command": name, **_details(name, parsed)}
    )

    context = Context(store)

    def produce() -> Answer:
        if command.tenant and not context.workspace.get("loggedIn", False):
            return not_logged_in()
        return command.handler(context, parsed)

    rule = take_fault(store, name)
    if rule is not None:
        return apply_fault(rule, store, name, produce)
    return produce()


def _command_words(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split the command words (`action run`) from the rest of the tokens."""
    if tokens[0] in {"--version", "-V", "-v"}:
        return ["--version"], tokens[1:]
    if tokens[0] in _GROUPS and len(tokens) > 1 and not tokens[1].startswith("-"):
        return tokens[:2], tokens[2:]
    return tokens[:1], tokens[1:]


def _details(name: str, parsed: ParsedArgs) -> dict[str, Any]:
    """Return what the call log keeps besides argv: inputs and bodies."""
    if name in {"action run", "act"}:
        selector = parsed.positionals[0] if parsed.positionals else None
        return {
            "action": parsed.value("--id") or parsed.value("--key") or selector,
            "connectionId": parsed.value("--connectionId"),
            "input": _loose_json(parsed.value("--input")),
        }
    if name == "request":
        positionals = [*parsed.positionals, None, None]
        return {
            "connectionId": positionals[0],
            "path": positionals[1],
            "method": (parsed.value("--method") or "GET").upper(),
            "headers": parsed.all("--header"),
            "query": parsed.all("--query"),
            "body": _loose_json(parsed.value("--data")),
        }
    return {}


def _loose_json(text: str | None) -> Any:
    """Parse JSON text, keeping the raw text when it is not JSON."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


# ----- account -----------------------------------------------------------------


def _version(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane --version`."""
    del parsed
    return Answer(0, f"{context.workspace.get('cliVersion', _DEFAULT_VERSION)}\n")


def _status(context: Context, parsed: ParsedArgs) -> Answer:
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


def _login(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane login`: the stand-in simply marks itself logged in."""
    del parsed
    workspace = context.update(lambda data: data.update(loggedIn=True))
    return json_answer({"loggedIn": True, "workspace": workspace.get("workspace")})


def _logout(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane logout`."""
    del parsed
    context.update(lambda data: data.update(loggedIn=False))
    return json_answer({"loggedIn": False})


# ----- connections ---------------------------------------------------------------


def _find_connection(context: Context, selector: str | None) -> dict[str, Any] | None:
    """Find a connection by id or key."""
    for connection in context.workspace.get("connections", []):
        if selector in {connection.get("id"), connection.get("key")}:
            return dict(connection)
    return None


def _connection_missing(selector: str | None) -> Answer:
    """Answer for an unknown connection."""
    return api_error("bad_request", "not_found", f"Connection {selector} not found")


def _connection_unusable(connection: dict[str, Any]) -> Answer | None:
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


def _connection_list(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane connection list`."""
    del parsed
    return context.listing(list(context.workspace.get("connections", [])))


def _connection_get(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane connection get ID [--wait]`."""
    if not parsed.positionals:
        return usage_error("missing required argument 'id'")
    selector = parsed.positionals[0]
    connection = _find_connection(context, selector)
    if connection is None:
        return _connection_missing(selector)
    return json_answer(connection)


def _search(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane search Q [--elementType=connector] [--limit=N]`."""
    if not parsed.positionals:
        return usage_error("missing required argument 'query'")
    query = parsed.positionals[0].lower().strip()
    element_type = parsed.value("--elementType") or "connector"
    limit = _int_option(parsed, "--limit") or 100

    hits = []
    if element_type == "connector":
        for connector in context.workspace.get("connectors", []):
            names = f"{connector.get('name', '')} {connector.get('key', '')}".lower()
            if query and all(word in names for word in query.split()):
                hits.append({"elementType": "connector", "element": dict(connector)})
    return context.listing(hits[:limit])


def _connect(context: Context, parsed: ParsedArgs) -> Answer:
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


# ----- actions -------------------------------------------------------------------


def _public(action: dict[str, Any]) -> dict[str, Any]:
    """Return an action without the stand-in's private fields, at any depth."""
    cleaned: dict[str, Any] = _without_private(action)
    return cleaned


def _without_private(value: Any) -> Any:
    """Copy JSON data, leaving out every `x-standin-*` key of every object."""
    if isinstance(value, dict):
        return {
            k: _without_private(v)
            for k, v in value.items()
            if not str(k).startswith(_PRIVATE_PREFIX)
        }
    if isinstance(value, list):
        return [_without_private(item) for item in value]
    return value


def _actions_for(context: Context, connection: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the catalog actions of a connection's app."""
    app = connection.get("integrationKey") or connection.get("key")
    return [
        action
        for action in context.workspace.get("actions", [])
        if action.get("integrationKey") in {None, app}
    ]


def _action_list(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane action list --connectionId=ID [--intent=Q] [--limit=N]`."""
    selector = parsed.value("--connectionId") or parsed.value("--connectionKey")
    if selector is None:
        return usage_error("--connectionId is required")
    connection = _find_connection(context, selector)
    if connection is None:
        return _connection_missing(selector)

    intent = parsed.value("--intent") or ""
    default_limit = _DEFAULT_INTENT_LIMIT if intent else 100
    limit = _int_option(parsed, "--limit") or default_limit
    ranked = rank_actions(_actions_for(context, connection), intent)
    return context.listing([_public(action) for action in ranked[:limit]])


def _action_run(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane action run ACTION_ID --connectionId=ID --input=JSON`."""
    if not parsed.positionals:
        return usage_error("missing required argument 'actionId'")
    return _run(context, parsed, parsed.positionals[0])


def _act(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane act --id=ACTION_ID --connectionId=ID --input=JSON`."""
    selector = parsed.value("--id") or parsed.value("--key")
    if selector is None:
        return usage_error("one of --id or --key is required")
    return _run(context, parsed, selector)


def _run(context: Context, parsed: ParsedArgs, selector: str) -> Answer:
    """Run a catalog action and answer `{output, actionRunId}`."""
    connection_selector = parsed.value("--connectionId") or parsed.value(
        "--connectionKey"
    )
    if connection_selector is None:
        return usage_error("--connectionId is required")
    connection = _find_connection(context, connection_selector)
    if connection is None:
        return _connection_missing(connection_selector)
    unusable = _connection_unusable(connection)
    if unusable is not None:
        return unusable

    action = next(
        (
            item
            for item in _actions_for(context, connection)
            if selector in {item.get("id"), item.get("key")}
        ),
        None,
    )
    if action is None:
        return api_error("bad_request", "not_found", f"Action {selector} not found")

    run_id = new_id("arl")
    payload = _loose_json(parsed.value("--input") or "{}")
    problem = _input_problem(payload, action.get("inputSchema"))
    if problem is not None:
        return api_error(
            "bad_request", "invalid_input", problem, data={}, action_run_id=run_id
        )

    return _run_output(context, action, payload, run_id)


def _input_problem(payload: Any, schema: Any) -> str | None:
    """Check the input the way Membrane does at the top level."""
    if not isinstance(payload, dict):
        return "Input must be a JSON object"
    required = schema.get("required", []) if isinstance(schema, dict) else []
    missing = [name for name in required if name not in payload]
    if missing:
        return f"Input validation failed: missing required property '{missing[0]}'"
    return None


def _run_output(
    context: Context, action: dict[str, Any], payload: dict[str, Any], run_id: str
) -> Answer:
    """Produce a run's output: fixed, forwarded, computed or a receipt."""
    if f"{_PRIVATE_PREFIX}error" in action:
        error = dict(action[f"{_PRIVATE_PREFIX}error"])
        return api_error(
            str(error.get("type", "action_run")),
            str(error.get("key", "failed")),
            str(error.get("message", "The action failed")),
            data=error.get("data"),
            action_run_id=run_id,
        )
    if f"{_PRIVATE_PREFIX}output" in action:
        return json_answer(
            {"output": action[f"{_PRIVATE_PREFIX}output"], "actionRunId": run_id}
        )

    key = str(action.get("key") or "")
    upstream = context.workspace.get("upstream")
    if isinstance(upstream, dict):
        call = forwarding.action_http_call(
            key, payload, str(upstream.get("app_id", ""))
        )
        if call is not None:
            reply = forwarding.forward(call, upstream)
            if not reply.ok:
                return api_error(
                    "action_run",
                    "upstream_error",
                    f"Pusher answered {reply.status}: {reply.text.strip()[:200]}",
                    data={"status": reply.status, "body": reply.json_or_text()},
                    action_run_id=run_id,
                )
            return json_answer({"output": reply.json_or_text(), "actionRunId": run_id})
        local = forwarding.local_action_output(key, payload, upstream)
        if local is not None:
            return json_answer({"output": local, "actionRunId": run_id})

    receipt = {"accepted": True, "action": key or action.get("id"), "received": payload}
    return json_answer({"output": receipt, "actionRunId": run_id})


# ----- proxy ---------------------------------------------------------------------


def _request(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane request CONNECTION_ID PATH ...`: Pusher answers or canned bodies."""
    if len(parsed.positionals) < 2:  # noqa: PLR2004 - connection id and path
        return usage_error("missing required arguments 'connectionId' and 'path'")
    selector, path = parsed.positionals[0], parsed.positionals[1]
    connection = _find_connection(context, selector)
    if connection is None:
        return _connection_missing(selector)
    unusable = _connection_unusable(connection)
    if unusable is not None:
        return unusable

    method = (parsed.value("--method") or "GET").upper()
    data = parsed.value("--data")
    if (
        "--json" in parsed.flags
        and data is not None
        and isinstance(_loose_json(data), str)
    ):
        return api_error(
            "bad_request", "invalid_body", "The --json body is not valid JSON"
        )

    query = {}
    for item in parsed.all("--query"):
        name, _, value = item.partition("=")
        query[name] = value

    upstream = context.workspace.get("upstream")
    if isinstance(upstream, dict):
        call = forwarding.HttpCall(method, path, query, (data or "").encode())
        reply = forwarding.forward(call, upstream)
    else:
        reply = forwarding.canned_reply(method, path.split("?")[0])

    body = reply.text if reply.text.endswith("\n") else f"{reply.text}\n"
    if reply.ok:
        return Answer(0, body)
    return Answer(1, body, f"Request failed with status {reply.status}\n")


def _int_option(parsed: ParsedArgs, name: str) -> int | None:
    """Return an integer option, or None when absent or not a positive number."""
    value = parsed.value(name)
    if value is None or not value.isdigit():
        return None
    return int(value) or None


_JSON_ONLY = OptionSpec()
_RUN_VALUES = {
    "--connectionId": "--connectionId",
    "--connectionKey": "--connectionKey",
    "--input": "--input",
}

COMMANDS: dict[str, Command] = {
    "--version": Command(_JSON_ONLY, _version, tenant=False),
    "status": Command(_JSON_ONLY, _status, tenant=False),
    "login": Command(
        OptionSpec(
            values={"--clientName": "--clientName", "--apiUri": "--apiUri"},
            flags={"--tenant": "--tenant", "--non-interactive": "--non-interactive"},
        ),
        _login,
        tenant=False,
    ),
    "logout": Command(_JSON_ONLY, _logout, tenant=False),
    "connection list": Command(_JSON_ONLY, _connection_list),
    "connection get": Command(
        OptionSpec(
            values={"--timeout": "--timeout"}, flags={"--wait": "--wait"}, positionals=1
        ),
        _connection_get,
    ),
    "search": Command(
        OptionSpec(
            values={"--elementType": "--elementType", "--limit": "--limit"},
            positionals=1,
        ),
        _search,
    ),
    "connect": Command(
        OptionSpec(
            values={
                "--connectorId": "--connectorId",
                "--connectorKey": "--connectorKey",
                "--integrationKey": "--integrationKey",
                "--connectionKey": "--connectionKey",
            }
        ),
        _connect,
    ),
    "action list": Command(
        OptionSpec(
            values={
                "--intent": "--intent",
                "--connectionId": "--connectionId",
                "--connectionKey": "--connectionKey",
                "--limit": "--limit",
            }
        ),
        _action_list,
    ),
    "action run": Command(OptionSpec(values=_RUN_VALUES, positionals=1), _action_run),
    "act": Command(
        OptionSpec(values={**_RUN_VALUES, "--id": "--id", "--key": "--key"}), _act
    ),
    "request": Command(
        OptionSpec(
            values={
                "-X": "--method",
                "--method": "--method",
                "-H": "--header",
                "--header": "--header",
                "-d": "--data",
                "--data": "--data",
                "--query": "--query",
                "--pathParam": "--pathParam",
            },
            flags={"--rawData": "--rawData"},
            repeated=frozenset({"--header", "--query", "--pathParam"}),
            positionals=2,
        ),
        _request,
    ),
}
