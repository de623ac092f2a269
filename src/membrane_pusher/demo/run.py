"""`run_demo`: the demo's steps, from starting the sandbox to stopping it.

Sandbox, subscriber, toolkit, one agent turn, then the check of what arrived
(`membrane_pusher.demo.check`). Everything started is stopped at the end,
also on Ctrl-C, SIGTERM or an error.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from membrane_pusher.agent.offline_model import NeedleChatModel
from membrane_pusher.agent.tool_choice import tools_for_offline_model
from membrane_pusher.agent.turn import run_agent_turn
from membrane_pusher.demo.check import (
    compare,
    event_name_note,
    expected_events,
    renamed_event,
)
from membrane_pusher.demo.models import SCRIPTED_EVENT, resolve_model, scripted_model
from membrane_pusher.demo.reporting import DemoReporter, SilentReporter
from membrane_pusher.demo.result import DemoResult

if TYPE_CHECKING:
    from collections.abc import Callable

    from langchain_core.language_models import BaseChatModel
    from langchain_core.tools import BaseTool

    from membrane_pusher.sandbox.background_subscriber import BackgroundSubscriber
    from membrane_pusher.sandbox.sandbox import Sandbox

__all__ = [
    "DEFAULT_INTENT",
    "DEMO_CHANNEL",
    "OFFLINE_MODEL_TOOL_LIMIT",
    "default_instruction",
    "run_demo",
]

logger = logging.getLogger(__name__)

DEMO_CHANNEL = "deploys"
DEFAULT_INTENT = "send realtime notifications"
OFFLINE_MODEL_TOOL_LIMIT = 1
"""How many tools the 121M offline model gets in the demo: its instruction
needs one, and the model is slow to set up and picks poorly among many (see
`membrane_pusher.agent.tool_choice`)."""


def default_instruction(channel: str = DEMO_CHANNEL) -> str:
    """The demo's default instruction, naming the demo channel.

    It spells out the event name and message, which a frontier model does not
    need but the 121M offline model does to fill the event's data.
    """
    return (
        f"Tell the {channel} channel that the deploy finished: send a "
        f"{SCRIPTED_EVENT} event with the message 'Deploy finished'."
    )


def run_demo(
    *,
    instruction: str | None = None,
    model: BaseChatModel | str | None = None,
    intent: str = DEFAULT_INTENT,
    out: DemoReporter | None = None,
    channel: str | None = None,
    install: bool = True,
    wait_seconds: float = 5.0,
    sandbox_factory: Callable[[], Sandbox] | None = None,
) -> DemoResult:
    """Run the demo from start to finish.

    Args:
        instruction: What the agent is asked; `default_instruction(channel)`
            when omitted.
        model: A chat model, a `provider:model` spec, or `None` for the
            offline model when installed (else a scripted call).
        intent: The intent the toolkit loads catalog actions for.
        out: Where progress goes; nothing is reported when omitted.
        channel: The channel the subscriber listens on; `DEMO_CHANNEL` when
            omitted.
        install: Install soketi first when it is missing (`npm ci`).
        wait_seconds: How long to wait for the event to arrive.
        sandbox_factory: Builds the sandbox; `Sandbox(install=install)`.

    Returns:
        What happened; `result.ok` says whether the subscriber received
        exactly what was sent (`result.verdict` says it in words).

    Raises:
        SetupError: When the sandbox cannot start or a named model cannot
            load (after everything started was stopped).
        KeyboardInterrupt: On Ctrl-C (or SIGTERM/SIGHUP where the caller
            turned them into interrupts), after everything was stopped.
    """
    reporter: DemoReporter = out if out is not None else SilentReporter()
    channel = DEMO_CHANNEL if channel is None else channel
    result = DemoResult(
        channel=channel,
        intent=intent,
        instruction=instruction or default_instruction(channel),
    )
    started = time.perf_counter()
    chat_model = resolve_model(model, result, reporter)

    sandbox: Sandbox | None = None
    subscriber: BackgroundSubscriber | None = None
    try:
        sandbox = _start_sandbox(result, reporter, install, sandbox_factory)
        subscriber = _subscribe(sandbox, channel, reporter)
        tools = _load_tools(sandbox, intent, result, reporter)
        _run_turn(chat_model, tools, result, reporter)
        _collect(subscriber, result, reporter, wait_seconds)
    except KeyboardInterrupt:
        result.error = "interrupted"
        reporter.warn("Interrupted: stopping the sandbox.")
        raise
    except Exception as error:
        result.error = str(error)
        raise
    finally:
        _stop(subscriber, sandbox, reporter)
        result.seconds = time.perf_counter() - started
        reporter.summary(result)
    return result


def _start_sandbox(
    result: DemoResult,
    reporter: DemoReporter,
    install: bool,
    sandbox_factory: Callable[[], Sandbox] | None,
) -> Sandbox:
    reporter.step(
        "Starting the sandbox (soketi on 127.0.0.1 and the membrane stand-in)"
    )
    if sandbox_factory is None:
        from membrane_pusher.sandbox.sandbox import Sandbox  # noqa: PLC0415

        sandbox = Sandbox(install=install)
    else:
        sandbox = sandbox_factory()
    sandbox.start()
    result.sandbox = {
        "ws_url": sandbox.ws_url,
        "app_id": sandbox.app_id,
        "started_in": _rounded(sandbox.started_in),
    }
    reporter.note(
        f"soketi ready at {sandbox.base_url} in {_seconds(sandbox.started_in)}"
    )
    return sandbox


def _subscribe(
    sandbox: Sandbox, channel: str, reporter: DemoReporter
) -> BackgroundSubscriber:
    from membrane_pusher.sandbox.background_subscriber import (  # noqa: PLC0415
        BackgroundSubscriber,
    )

    subscriber = BackgroundSubscriber(sandbox.subscriber())
    subscriber.start()
    subscriber.subscribe(channel)
    reporter.note(f"WebSocket subscriber listening on channel {channel!r}")
    return subscriber


def _load_tools(
    sandbox: Sandbox, intent: str, result: DemoResult, reporter: DemoReporter
) -> list[BaseTool]:
    reporter.step(f"Building the Pusher toolkit for the intent {intent!r}")
    started = time.perf_counter()
    tools = list(sandbox.toolkit(intents=(intent,)).get_tools())
    result.tools = [_tool_info(tool) for tool in tools]
    reporter.tools(result.tools)
    reporter.note(
        f"{len(tools)} tools loaded in {_seconds(time.perf_counter() - started)}"
    )
    return tools


def _run_turn(
    model: BaseChatModel | None,
    tools: list[BaseTool],
    result: DemoResult,
    reporter: DemoReporter,
) -> None:
    if model is None:
        reporter.step("Making the tool call directly (scripted, no model)")
        reporter.warn(
            "No model could be loaded, so the demo makes the call itself: a "
            "scripted call, not an agent's choice. Pass --model provider:model, "
            "or install the offline model: "
            "pip install 'membrane-pusher[offline-model]'."
        )
        model = scripted_model(result.channel)
    else:
        reporter.step(f"Running one agent turn with {result.model.get('name')}")
    if isinstance(model, NeedleChatModel):
        tools = tools_for_offline_model(
            tools, result.instruction, limit=OFFLINE_MODEL_TOOL_LIMIT
        )
        result.model["tools_given"] = [tool.name for tool in tools]
        given = ", ".join(result.model["tools_given"])
        reporter.note(
            f"The small offline model gets only {given}: "
            "it picks poorly among many tools."
        )
    reporter.note(f"Instruction: {result.instruction}")
    result.turn = run_agent_turn(
        model, tools, result.instruction, on_event=reporter.agent_event
    )


def _collect(
    subscriber: BackgroundSubscriber,
    result: DemoResult,
    reporter: DemoReporter,
    wait_seconds: float,
) -> None:
    reporter.step("Checking what the subscriber received")
    result.expected = expected_events(result.turn, result.channel)
    _wait_for_events(subscriber, result.channel, len(result.expected), wait_seconds)
    result.received = [
        {"event": event.event, "channel": event.channel, "data": event.data}
        for event in subscriber.received
        if event.channel == result.channel
    ]
    reporter.received(result.received)

    match = compare(
        result.expected, result.received, channel=result.channel, sender=result.sender
    )
    result.match = match.status
    result.verdict = match.message
    result.renamed = renamed_event(result.instruction, result.turn)
    note = event_name_note(result.instruction, result.turn)
    if note is not None:
        result.notes.append(note)

    sentence = f"{match.message[:1].upper()}{match.message[1:]}."
    if not match.exact:
        reporter.warn(sentence)
    elif note is not None:
        reporter.warn(f"{sentence} {note}")
    else:
        reporter.note(sentence)


def _wait_for_events(
    subscriber: BackgroundSubscriber, channel: str, count: int, wait_seconds: float
) -> None:
    """Wait until `count` events arrived on the channel, or time runs out."""
    deadline = time.monotonic() + wait_seconds
    for _ in range(count):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        try:
            subscriber.wait_for(channel=channel, timeout=remaining)
        except TimeoutError:
            return


def _stop(
    subscriber: BackgroundSubscriber | None,
    sandbox: Sandbox | None,
    reporter: DemoReporter,
) -> None:
    """Stop the subscriber and the sandbox, each even if the other fails."""
    if subscriber is None and sandbox is None:
        return
    reporter.step("Stopping the subscriber and the sandbox")
    try:
        if subscriber is not None:
            subscriber.close()
    except Exception:
        logger.exception("the subscriber did not close cleanly")
    finally:
        if sandbox is not None:
            sandbox.stop()


def _tool_info(tool: BaseTool) -> dict[str, Any]:
    metadata = tool.metadata or {}
    description = (tool.description or "").strip()
    return {
        "name": tool.name,
        "description": description.splitlines()[0] if description else "",
        "destructive": bool(metadata.get("destructive")),
        "read_only": bool(metadata.get("read_only")),
    }


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


def _seconds(seconds: float | None) -> str:
    return "?" if seconds is None else f"{seconds:.2f} s"
