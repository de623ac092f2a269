"""The tools a command works with: the same objects an agent gets.

`build_tools` asks `PusherToolkit` for the tools of a target, so `tools`,
`call`, `request` and `agent` see exactly what a LangChain agent would.
This module also renders tools for listing, invokes one tool the way an
agent loop does (a tool call in, a `ToolMessage` out), builds the `membrane`
argv a call would run (for `--dry-run`), and gives the tools a `Confirmer`:
the tools' own confirmation gate asks it before a destructive call.
"""

from __future__ import annotations

import difflib
import json
import sys
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from membrane_pusher.errors import ConfirmationDeniedError
from membrane_pusher.membrane.models import ProxyRequest
from membrane_pusher.pusher.tools import PusherTool, is_builtin_tool
from membrane_pusher.redaction import redact_argv, redact_value
from membrane_pusher.tools.action_tool import MembraneActionTool
from membrane_pusher.tools.errors_content import parse_error_content

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
]

# How many close names an unknown tool name gets as suggestions.
_SUGGESTIONS = 3


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
        confirm: Asked by the tools before each destructive call.
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
    """Return the tool with this name, or a usage error naming the near ones.

    Raises:
        click.UsageError: No tool has that name; the message suggests the
            closest names and lists every tool that was searched.
    """
    for tool in tools:
        if tool.name == name:
            return tool
    names = [tool.name for tool in tools]
    parts = [f"No tool named {name!r}."]
    close = difflib.get_close_matches(name, names, n=_SUGGESTIONS)
    if close:
        parts.append(f"Did you mean: {', '.join(close)}?")
    parts.append(f"Tools here: {', '.join(names) or 'none'}.")
    parts.append(
        "Catalog actions of other intents appear with --intent Q "
        "(list them with `tools --intent Q`)."
    )
    raise click.UsageError(" ".join(parts))


def describe_tool(tool: BaseTool) -> dict[str, Any]:
    """Return the LangChain view of a tool: what the model sees, plus flags."""
    metadata = dict(tool.metadata or {})
    schema = getattr(tool, "args_schema", None)
    return {
        "name": tool.name,
        "description": tool.description,
        "source": "builtin" if is_builtin_tool(tool) else "catalog",
        "read_only": metadata.get("read_only"),
        "destructive": bool(metadata.get("destructive")),
        "action_id": metadata.get("membrane_action_id"),
        "args_schema": schema if isinstance(schema, dict) else {},
    }


def dry_run_argv(
    tool: BaseTool, arguments: dict[str, Any], target: Target
) -> list[str]:
    """Validate the arguments and return the redacted argv the call would run.

    Raises:
        InvalidArgumentsError: The arguments break the schema or Pusher's rules.
        click.UsageError: The tool is not one that runs through `membrane`.
    """
    client = target.client
    if isinstance(tool, PusherTool):
        sent, _notes = tool.prepare_arguments(arguments)
        request = tool.build_request(sent)
        proxied = ProxyRequest(
            connection_id=target.connection_id,
            path=request.path,
            method=request.method,
            query=dict(request.query) or None,
            body=request.body,
        )
        return redact_argv(client.argv_for_request(proxied))

    if isinstance(tool, MembraneActionTool):
        sent, _notes = tool.prepare_arguments(arguments)
        argv = client.argv_for_run_action(
            tool.action_id, tool.connection_id, sent, form=tool.form
        )
        return redact_argv(argv)

    message = f"{tool.name} does not run through `membrane`; it has no argv to show."
    raise click.UsageError(message)


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
        # The artifact was shaped by the tool: known secrets are already out.
        return ToolCallResult(True, content, message.artifact)
    return ToolCallResult(False, content, error=parse_error_content(content))


class Confirmer:
    """Asks the person before a destructive call (on a terminal only).

    Given to the tools as their `confirm` callback, so the tools' own gate
    asks it, once per destructive call. With `--yes` every call is approved.
    Without a terminal and without `--yes` every destructive call is refused
    with a hint naming `--yes`, so nothing is sent unattended.
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

    def __call__(self, tool_name: str, arguments: dict[str, Any]) -> bool:
        """Return whether the call may run.

        Raises:
            ConfirmationDeniedError: Nobody can answer (no terminal, no `--yes`).
        """
        if self.assume_yes:
            return True
        if not self.interactive:
            raise ConfirmationDeniedError(
                f"{tool_name} is destructive and needs a yes, but there is no "
                "terminal to ask on, so nothing was sent.",
                hint="To allow it, run the command again with --yes, or from a "
                "terminal; repeating the call here changes nothing.",
            )
        shown = json.dumps(redact_value(arguments), ensure_ascii=False)
        return click.confirm(
            f"Run destructive call {tool_name} {shown}?", default=False, err=True
        )
