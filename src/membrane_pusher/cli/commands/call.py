"""`membrane-pusher call TOOL --input JSON`: run one tool as an agent would.

The tool is the very object `PusherToolkit` gives an agent, invoked with a
tool call, so validation, Pusher's rules, error shaping and output limits are
the agent's. `--dry-run` validates and prints the `membrane` argv instead of
running it (secrets redacted). Destructive calls need a yes on a terminal, or
`--yes`: the tool's own confirmation gate asks, after validation and before
anything is sent; without a terminal and without `--yes` the call is refused
(exit 1) with a hint naming `--yes`.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

import click

from membrane_pusher.cli.instruction import check_intents
from membrane_pusher.cli.json_input import MAX_INPUT_HELP, parse_json_object
from membrane_pusher.cli.output import error_envelope, exit_code_for
from membrane_pusher.cli.state import CLIState, common_options, pass_state
from membrane_pusher.cli.target import TargetOptions, open_target, target_options

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

    from membrane_pusher.cli.target import Target

__all__ = ["command", "parse_json_object", "run_tool"]


@click.command("call")
@common_options
@click.argument("tool_name", metavar="TOOL")
@click.option(
    "--input",
    "input_text",
    default="{}",
    show_default=True,
    metavar="JSON|@FILE|-",
    help="The arguments: a JSON object, @path to a file, or - for stdin. "
    + MAX_INPUT_HELP,
)
@click.option(
    "--intent",
    "intents",
    multiple=True,
    metavar="Q",
    callback=check_intents,
    help="Load catalog actions for this intent, to call one of them.",
)
@click.option("--dry-run", is_flag=True, help="Validate and print the argv only.")
@click.option("--yes", "-y", is_flag=True, help="Allow destructive calls unasked.")
@target_options
@pass_state
def command(
    state: CLIState,
    *,
    target: TargetOptions,
    tool_name: str,
    input_text: str,
    intents: tuple[str, ...],
    dry_run: bool,
    yes: bool,
) -> int:
    """Validate and run one tool, as an agent would.

    TOOL is a name listed by `tools`; the result is printed on stdout.
    """
    arguments = parse_json_object(input_text, "--input", holds="the tool's arguments")
    return run_tool(
        state,
        target,
        tool_name,
        arguments,
        intents=intents or None,
        dry_run=dry_run,
        assume_yes=yes,
    )


def run_tool(
    state: CLIState,
    target: TargetOptions,
    tool_name: str,
    arguments: dict[str, Any],
    *,
    intents: tuple[str, ...] | None,
    dry_run: bool,
    assume_yes: bool,
) -> int:
    """Find a tool, then dry-run or run it and print the result.

    Args:
        state: The run's state.
        target: Where the tool runs.
        tool_name: The tool's name.
        arguments: The argument object.
        intents: Catalog intents to load (`None`: the toolkit's defaults,
            unless the tool is a built-in one).
        dry_run: Print the argv instead of running.
        assume_yes: `--yes` was given.

    Returns:
        The exit code.
    """
    from membrane_pusher.cli.toolset import (
        Confirmer,
        build_tools,
        find_tool,
        invoke_tool,
    )
    from membrane_pusher.pusher.operations import BUILTIN_NAMES

    with open_target(target, state.output) as where:
        # A built-in tool needs no catalog; any other name is looked up among
        # the given or default intents' actions, as `tools` lists them.
        wanted = intents
        if wanted is None and tool_name in BUILTIN_NAMES:
            wanted = ()
        tools = build_tools(where, wanted, confirm=Confirmer(assume_yes=assume_yes))
        tool = find_tool(tools, tool_name)
        if dry_run:
            return _print_dry_run(state, tool, arguments, where)

        # The tool validates, then asks the confirmer before a destructive
        # call; a spinner would draw over that question, so those get none.
        may_ask = bool((tool.metadata or {}).get("destructive"))
        spinner = f"Running {tool.name}..."
        with nullcontext() if may_ask else state.output.progress(spinner):
            result = invoke_tool(tool, arguments)

    if not result.ok:
        envelope = error_envelope(result.error)
        state.output.failure(envelope)
        return exit_code_for(envelope["error"].get("type", ""))
    if state.json_mode:
        state.output.result(
            {
                "tool": tool.name,
                "ok": True,
                "content": result.content,
                "artifact": result.artifact,
            }
        )
        return 0
    state.output.result(result.artifact)
    return 0


def _print_dry_run(
    state: CLIState, tool: BaseTool, arguments: dict[str, Any], where: Target
) -> int:
    """Print the argv a call would run, without running it."""
    import shlex

    from membrane_pusher.cli.toolset import dry_run_argv

    argv = dry_run_argv(tool, arguments, where)
    if state.json_mode:
        state.output.data(
            {"tool": tool.name, "dry_run": True, "arguments": arguments, "argv": argv}
        )
        return 0
    state.output.text(shlex.join(argv))
    return 0
