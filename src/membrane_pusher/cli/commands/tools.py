"""`membrane-pusher tools`: the tools an agent would get, as a table or JSON.

Without options it shows a table on stderr. `--format F` prints the tool
definitions in provider F's own JSON form on stdout (a JSON array, ready to
paste into an API call); `--json` prints one document with the format name,
the connection, and the tools in that form (LangChain's view by default).

With `--format openai --strict`, the tools whose schemas cannot be strict are
sent with `"strict": false`; one line on stderr names them, and `-v` shows
the reason for each.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import click

from membrane_pusher.cli.instruction import check_intents
from membrane_pusher.cli.state import CLIState, common_options, pass_state
from membrane_pusher.cli.target import TargetOptions, open_target, target_options

if TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Iterator

    from langchain_core.tools import BaseTool

__all__ = ["FORMATS", "command", "render_tools"]

FORMATS = ("langchain", "openai", "anthropic", "gemini", "mcp")

_DESCRIPTION_WIDTH = 70
_NAMED_FALLBACKS = 5


@click.command("tools")
@common_options
@click.option(
    "--intent",
    "intents",
    multiple=True,
    metavar="Q",
    callback=check_intents,
    help="Load catalog actions matching this intent (repeatable). "
    "Default: the toolkit's intents.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=100),
    help="The most catalog actions per intent.",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(FORMATS),
    help="Print the definitions in this provider's JSON form.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="OpenAI strict mode (with --format openai).",
)
@click.option("--refresh", is_flag=True, help="Ignore cached action lists.")
@target_options
@pass_state
def command(
    state: CLIState,
    *,
    target: TargetOptions,
    intents: tuple[str, ...],
    limit: int | None,
    format_name: str | None,
    strict: bool,
    refresh: bool,
) -> None:
    """List the tools an agent gets, or their JSON.

    The tools are the catalog actions of the intents plus the built-in
    Pusher tools, exactly as `PusherToolkit` gives them to an agent.
    """
    if strict and format_name != "openai":
        message = "--strict applies to --format openai only."
        raise click.UsageError(message)

    from membrane_pusher.cli.toolset import build_tools, describe_tool

    with open_target(target, state.output) as where:
        with state.output.progress("Loading tools..."):
            tools = build_tools(where, intents or None, limit=limit, refresh=refresh)
        connection_id, app_id = where.connection_id, where.app_id

    detailed = state.verbosity >= 1
    with contextlib.nullcontext() if detailed else _strict_warnings_held_back():
        rendered = render_tools(tools, format_name or "langchain", strict=strict)
    if strict:
        _say_strict_fallbacks(state, rendered, detailed=detailed)
    if state.json_mode:
        state.output.data(
            {
                "format": format_name or "langchain",
                "connection_id": connection_id,
                "app_id": app_id,
                "count": len(rendered),
                "tools": rendered,
            }
        )
        return
    if format_name is not None:
        state.output.data(rendered)
        return

    rows = []
    for tool in tools:
        described = describe_tool(tool)
        flags = "destructive" if described["destructive"] else ""
        if described["read_only"] is True:
            flags = "read-only"
        rows.append(
            [
                described["name"],
                described["source"],
                flags,
                _first_line(described["description"]),
            ]
        )
    title = f"{len(tools)} tools on connection {connection_id} (app {app_id or '?'})"
    state.output.table(title, ["name", "source", "flags", "description"], rows)


def render_tools(
    tools: list[BaseTool], format_name: str, *, strict: bool = False
) -> list[dict[str, Any]]:
    """Render tools in one of `FORMATS`.

    Args:
        tools: The tools.
        format_name: `langchain` (our view) or a provider name.
        strict: OpenAI strict mode.

    Returns:
        One dict per tool.
    """
    from membrane_pusher.cli.toolset import describe_tool

    if format_name == "langchain":
        return [describe_tool(tool) for tool in tools]

    from membrane_pusher import formats

    converters: dict[str, Callable[[BaseTool], dict[str, Any]]] = {
        "openai": lambda tool: formats.to_openai_tool(tool, strict=strict),
        "anthropic": formats.to_anthropic_tool,
        "gemini": formats.to_gemini_tool,
        "mcp": formats.to_mcp_tool,
    }
    return [converters[format_name](tool) for tool in tools]


@contextlib.contextmanager
def _strict_warnings_held_back() -> Iterator[None]:
    """Drop the OpenAI format's per-tool warnings while the block runs.

    The one-line summary says the same; `-v` lets them through.
    """
    from membrane_pusher.formats import openai as openai_format

    source = openai_format.logger

    def drop(_record: logging.LogRecord) -> bool:
        return False

    source.addFilter(drop)
    try:
        yield
    finally:
        source.removeFilter(drop)


def _say_strict_fallbacks(
    state: CLIState, rendered: list[dict[str, Any]], *, detailed: bool
) -> None:
    """Say in one line which tools could not use OpenAI strict mode."""
    names = [
        str(tool["function"].get("name"))
        for tool in rendered
        if tool.get("function", {}).get("strict") is False
    ]
    if not names:
        return

    shown = ", ".join(names[:_NAMED_FALLBACKS])
    if len(names) > _NAMED_FALLBACKS:
        shown += f" and {len(names) - _NAMED_FALLBACKS} more"
    message = (
        f"strict mode is off for {len(names)} of {len(rendered)} tools, whose "
        f"schemas cannot be strict: {shown}"
    )
    if not detailed:
        message += " (use -v for details)"
    state.output.say(message, style="yellow")


def _first_line(text: str) -> str:
    """The first sentence-ish part of a description, for a table cell."""
    line = (text or "").strip().splitlines()[0] if text and text.strip() else ""
    if len(line) <= _DESCRIPTION_WIDTH:
        return line
    return line[: _DESCRIPTION_WIDTH - 1] + "…"
