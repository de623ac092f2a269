"""`membrane-pusher demo`: the whole chain, offline, in one command.

A sandbox starts, a WebSocket subscriber listens on a demo channel, an agent
turn sends an event with the toolkit, and the command shows what arrived:
each call with its time, a summary line (tools loaded, calls made), and the
outcome, which says so when the model's call differs from the instruction.
Everything started is stopped at the end. Exit 0 only when the subscriber
received exactly what was sent.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from membrane_pusher.cli.instruction import MAX_INSTRUCTION_CHARS, instruction_option
from membrane_pusher.cli.output import ExitCode
from membrane_pusher.cli.state import CLIState, common_options, pass_state

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from membrane_pusher.agent.turn import AgentEvent
    from membrane_pusher.cli.output import Output
    from membrane_pusher.demo import DemoReporter, DemoResult

__all__ = ["command"]

_OUTCOME_STYLES = {"ok": "green", "differs": "yellow", "failed": "red"}


def _public_channel(
    _context: click.Context, _parameter: click.Parameter, value: str | None
) -> str | None:
    """Click callback of `--channel`: a valid name the subscriber can join unsigned.

    Raises:
        click.BadParameter: The name breaks Pusher's rules or needs a signature.
    """
    if value is None:
        return None
    from membrane_pusher.pusher.rules import channel_name_problems

    problems = channel_name_problems("--channel", value)
    if problems:
        raise click.BadParameter(problems[0].removeprefix("--channel: "))
    if value.startswith(("private-", "presence-", "#")):
        message = "the demo's subscriber joins public channels only (no prefix)"
        raise click.BadParameter(message)
    return value


@click.command("demo")
@common_options
@click.option(
    "--instruction",
    callback=instruction_option,
    help="What the agent is asked to do "
    f"(at most {MAX_INSTRUCTION_CHARS:,} characters); name the --channel in it, "
    "since that is where the subscriber listens.",
)
@click.option(
    "--channel",
    callback=_public_channel,
    help="The public channel the subscriber listens on, and the default "
    "instruction names. Default: deploys.",
)
@click.option(
    "--model",
    "model_spec",
    metavar="PROVIDER:MODEL",
    help="A LangChain chat model; default: the offline model when installed, "
    "else a scripted call (labelled as such).",
)
@click.option("--no-install", is_flag=True, help="Do not install soketi if missing.")
@pass_state
def command(
    state: CLIState,
    instruction: str | None,
    channel: str | None,
    model_spec: str | None,
    no_install: bool,
) -> int:
    """Run the offline end-to-end demo.

    An agent turn sends an event through the sandbox, and a WebSocket
    subscriber shows it arrive.
    """
    from membrane_pusher.demo import SilentReporter, run_demo

    reporter: DemoReporter = (
        SilentReporter() if state.json_mode else _Reporter(state.output)
    )
    result = run_demo(
        instruction=instruction,
        model=model_spec,
        out=reporter,
        channel=channel,
        install=not no_install,
    )
    if state.json_mode:
        state.output.data(result.to_dict())
    return ExitCode.OK if result.ok else ExitCode.FAILURE


class _Reporter:
    """Renders the demo's progress on stderr for people."""

    def __init__(self, output: Output) -> None:
        """Write through `output`."""
        self.output = output
        self.speaker = "model"

    def step(self, title: str) -> None:
        """A new phase."""
        self.output.say(f"== {title}", style="bold")

    def note(self, message: str) -> None:
        """A fact worth showing."""
        self.output.say(f"   {message}")

    def warn(self, message: str) -> None:
        """Something did not go as planned."""
        self.output.say(f"!! {message}", style="yellow")

    def model(self, info: Mapping[str, Any]) -> None:
        """Remember who answers, to label its replies."""
        self.speaker = "scripted" if info.get("source") == "scripted" else "model"

    def tools(self, tools: Sequence[Mapping[str, Any]]) -> None:
        """The tools the toolkit loaded."""
        names = ", ".join(str(tool.get("name")) for tool in tools)
        self.output.say(f"   tools: {names}")

    def agent_event(self, event: AgentEvent) -> None:
        """A model reply, tool call or tool result (with its time)."""
        from membrane_pusher.demo.reporting import call_summary

        record = event.record
        if event.kind == "tool_call" and record is not None:
            args = json.dumps(record.args, ensure_ascii=False)
            self.output.say(f"   -> {record.name} {args}", style="cyan")
        elif event.kind == "tool_result" and record is not None:
            self.output.say(f"   <- {call_summary(record)}: {record.content}")
        elif event.kind == "answer" and event.text:
            self.output.say(f"   {self.speaker}: {event.text}")

    def received(self, events: Sequence[Mapping[str, Any]]) -> None:
        """What the subscriber received."""
        for item in events:
            self.output.say(f"   received: {json.dumps(item, ensure_ascii=False)}")

    def summary(self, result: DemoResult) -> None:
        """The tools and calls with their times, then the outcome."""
        from membrane_pusher.demo.reporting import outcome, summary_line

        self.output.say(summary_line(result))
        last = outcome(result)
        self.output.say(last.text, style=_OUTCOME_STYLES[last.kind])
