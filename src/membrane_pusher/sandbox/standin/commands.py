"""The stand-in's command table and dispatcher: parse, record, apply faults, answer.

Each command has an option spec and a handler (in `connections`, `actions`
and `proxy`). `dispatch` records every call in `calls.jsonl` (with the parsed
input or body of runs and requests) *before* any fault applies, so tests can
count exactly how many attempts were made.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, NamedTuple

from membrane_pusher.sandbox.standin import actions, connections, proxy
from membrane_pusher.sandbox.standin.answers import (
    Answer,
    not_logged_in,
    usage_error,
)
from membrane_pusher.sandbox.standin.context import Context, loose_json
from membrane_pusher.sandbox.standin.faults import apply_fault, take_fault
from membrane_pusher.sandbox.standin.options import (
    OptionSpec,
    ParsedArgs,
    UsageError,
    parse_options,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from membrane_pusher.sandbox.standin.state import Store

__all__ = ["COMMANDS", "dispatch"]

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
            "input": loose_json(parsed.value("--input")),
        }
    if name == "request":
        positionals = [*parsed.positionals, None, None]
        return {
            "connectionId": positionals[0],
            "path": positionals[1],
            "method": (parsed.value("--method") or "GET").upper(),
            "headers": parsed.all("--header"),
            "query": parsed.all("--query"),
            "body": loose_json(parsed.value("--data")),
        }
    return {}


_JSON_ONLY = OptionSpec()
_RUN_VALUES = {
    "--connectionId": "--connectionId",
    "--connectionKey": "--connectionKey",
    "--input": "--input",
}

COMMANDS: dict[str, Command] = {
    "--version": Command(_JSON_ONLY, connections.version, tenant=False),
    "status": Command(_JSON_ONLY, connections.status, tenant=False),
    "login": Command(
        OptionSpec(
            values={"--clientName": "--clientName", "--apiUri": "--apiUri"},
            flags={"--tenant": "--tenant", "--non-interactive": "--non-interactive"},
        ),
        connections.login,
        tenant=False,
    ),
    "logout": Command(_JSON_ONLY, connections.logout, tenant=False),
    "connection list": Command(_JSON_ONLY, connections.connection_list),
    "connection get": Command(
        OptionSpec(
            values={"--timeout": "--timeout"}, flags={"--wait": "--wait"}, positionals=1
        ),
        connections.connection_get,
    ),
    "search": Command(
        OptionSpec(
            values={"--elementType": "--elementType", "--limit": "--limit"},
            positionals=1,
        ),
        connections.search,
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
        connections.connect,
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
        actions.action_list,
    ),
    "action run": Command(
        OptionSpec(values=_RUN_VALUES, positionals=1), actions.action_run
    ),
    "act": Command(
        OptionSpec(values={**_RUN_VALUES, "--id": "--id", "--key": "--key"}),
        actions.act,
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
        proxy.request,
    ),
}
