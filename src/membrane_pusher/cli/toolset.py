"""The tools a command works with: the same objects an agent gets.

`build_tools` asks `PusherToolkit` for the tools of a target, so `tools`,
`call`, `request` and `agent` see exactly what a LangChain agent would.
This module also renders tools for listing, invokes one tool the way an
agent loop does (a tool call in, a `ToolMessage` out), builds the `membrane`
argv a call would run (for `--dry-run`), and asks before destructive calls.
"""

from __future__ import annotations

import json
import sys
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from membrane_pusher.errors import ConfirmationDeniedError
from membrane_pusher.redaction import redact_argv, redact_value

if TYPE_CHECKING:
    from collections.abc import Sequence

    from langchain_core.tools import BaseTool

    from membrane_pusher.cli.target import Target

__all__ = [
    "Confirmer",
    "ToolCallResult",
    "build_tools",
    "describe_tool",
    "dry_run_argv",
    "find_tool",
    "invoke_tool",
    "is_destructive_call",
]

# The start of a built-in tool's name; every other tool is a catalog action.
BUILTIN_PREFIX = "pusher_"


def build_tools(
    target: Target,
    intents: Sequence[str] | None,
    *,
    limit: int | None = None,
    confirm: Confirmer | None = None,
    refresh: bool = False,
) -> list[BaseTool]:
    """Build the toolkit's tools for a target.

    Args:
        target: The client, connection and app id.
        intents: Catalog intents; `None` for the toolkit's defaults.
        limit: The most catalog actions per intent.
        confirm: Asked before destructive built-in calls.
        refresh: Ignore cached action lists.

    Returns:
        The tools, catalog actions first, then the built-in ones.
    """
    from membrane_pusher.pusher.toolkit import PusherToolkit

    toolkit = PusherToolkit(
        client=target.client,
        connection_id=target.connection_id,
        app_id=target.app_id,
        intents=None if intents is None else list(intents),
        action_limit=limit,
        confirm=confirm,
        refresh=refresh,
    )
    return toolkit.get_tools()


def find_tool(tools: Sequence[BaseTool], name: str) -> BaseTool:
    """Return the tool with this name, or a usage error listing the names."""
    for tool in tools:
        if tool.name == name:
            return tool
    names = ", ".join(tool.name for tool in tools) or "none"
    message = f"No tool named {name!r}. Tools here: {names}."
    hint = "Catalog actions appear with --intent; list them with `tools --intent Q`."
    raise click.UsageError(f"{message} {hint}")


def describe_tool(tool: BaseTool) -> dict[str, Any]:
    """Return the LangChain view of a tool: what the model sees, plus flags."""
    metadata = dict(tool.metadata or {})
    schema = getattr(tool, "args_schema", None)
    return {
        "name": tool.name,
        "description": tool.description,
        "source": "builtin" if tool.name.startswith(BUILTIN_PREFIX) else "catalog",
        "read_only": metadata.get("read_only"),
        "destructive": bool(metadata.get("destructive")),
        "action_id": metadata.get("membrane_action_id"),
        "args_schema": schema if isinstance(schema, dict) else {},
    }


def is_destructive_call(tool: BaseTool, arguments: dict[str, Any]) -> bool:
    """Tell whether running this tool with these arguments needs a yes."""
    operation = getattr(tool, "operation", None)
    if operation is not None:
        return bool(operation.is_destructive(arguments))
    return bool((tool.metadata or {}).get("destructive"))


def dry_run_argv(
    tool: BaseTool, arguments: dict[str, Any], target: Target
) -> list[str]:
    """Validate the arguments and return the redacted argv the call would run.

    Raises:
        InvalidArgumentsError: The arguments break the schema or Pusher's rules.
    """
    sent, _notes = tool.prepare_arguments(arguments)  # type: ignore[attr-defined]
    client = target.client

    build_request = getattr(tool, "build_request", None)
    if build_request is not None:
        request = build_request(sent)
        argv = client.argv_for_request(
            target.connection_id,
            request.path,
            method=request.method,
            query=dict(request.query) or None,
            body=request.body,
        )
        return redact_argv(argv)

    metadata = tool.metadata or {}
    argv = client.argv_for_run_action(
        str(metadata["membrane_action_id"]),
        str(metadata.get("connection_id") or target.connection_id),
        sent,
        form=getattr(tool, "form", "run"),
    )
    return redact_argv(argv)


@dataclass
class ToolCallResult:
    """What one tool call gave back, as an agent would see it.

    Attributes:
        ok: Whether the tool reported success.
        content: The text the model reads (compact JSON).
        artifact: The whole result (for successful calls).
        error: The parsed `{"type", "message", "hint", ...}` of a failure.
    """

    ok: bool
    content: str
    artifact: Any = None
    error: dict[str, Any] = field(default_factory=dict)


def invoke_tool(tool: BaseTool, arguments: dict[str, Any]) -> ToolCallResult:
    """Run one tool as an agent loop does: a tool call in, a ToolMessage out.

    Set-up errors (not logged in, not connected, no app id) are raised, as
    they are for an agent; failures the model could fix come back as content.
    """
    call = {
        "type": "tool_call",
        "name": tool.name,
        "args": arguments,
        "id": f"cli_{uuid.uuid4().hex[:12]}",
    }
    message = tool.invoke(call)
    content = (
        message.content if isinstance(message.content, str) else str(message.content)
    )
    if getattr(message, "status", "success") != "error":
        return ToolCallResult(True, content, redact_value(message.artifact))
    return ToolCallResult(False, content, error=_parse_error(content))


def _parse_error(content: str) -> dict[str, Any]:
    """Read the `{"error": {...}}` content of a failed call."""
    try:
        parsed = json.loads(content)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
        return dict(parsed["error"])
    return {"type": "tool_error", "message": content, "hint": ""}


class Confirmer:
    """Asks the person before a destructive call (on a terminal only).

    With `--yes` every call is approved. Without a terminal and without
    `--yes` every destructive call is refused, so nothing is sent unattended.
    An answer is remembered for the identical call, so the same call is
    never asked about twice (the agent loop and the tool may both ask).
    """

    def __init__(self, *, assume_yes: bool, interactive: bool | None = None) -> None:
        """Create the confirmer.

        Args:
            assume_yes: `--yes` was given.
            interactive: Whether a person can answer; default: stdin and
                stderr are terminals.
        """
        self.assume_yes = assume_yes
        if interactive is None:
            interactive = sys.stdin.isatty() and sys.stderr.isatty()
        self.interactive = interactive
        self._answers: dict[str, bool] = {}

    def __call__(self, tool_name: str, arguments: dict[str, Any]) -> bool:
        """Return whether the call may run."""
        if self.assume_yes:
            return True
        key = json.dumps([tool_name, arguments], sort_keys=True, default=str)
        if key in self._answers:
            return self._answers[key]
        if not self.interactive:
            self._answers[key] = False
            return False
        shown = json.dumps(redact_value(arguments), ensure_ascii=False)
        approved = click.confirm(
            f"Run destructive call {tool_name} {shown}?", default=False, err=True
        )
        self._answers[key] = approved
        return approved

    def require(self, tool_name: str, arguments: dict[str, Any]) -> None:
        """Raise `ConfirmationDeniedError` unless the call may run."""
        if self(tool_name, arguments):
            return
        hint = "Pass --yes to allow destructive calls without a terminal."
        if self.interactive:
            hint = "Nothing was sent."
        raise ConfirmationDeniedError(
            f"{tool_name} is destructive and was not confirmed; nothing was sent.",
            hint=hint,
        )
