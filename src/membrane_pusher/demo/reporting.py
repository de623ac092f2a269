"""How the demo reports: the `DemoReporter` protocol and the summary's wording.

The library never prints: `run_demo` tells a reporter what happens, and the
command line renders it for people. The sentences of the end of the demo
(each call with its time, the summary line, the outcome) are built here, so
the command line and the tests share one wording.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from membrane_pusher.agent.turn import AgentEvent, ToolCallRecord
    from membrane_pusher.demo.result import DemoResult

__all__ = [
    "DemoReporter",
    "LoggingReporter",
    "Outcome",
    "SilentReporter",
    "call_summary",
    "outcome",
    "summary_line",
]

logger = logging.getLogger(__name__)

OutcomeKind = Literal["ok", "differs", "failed"]


class DemoReporter(Protocol):
    """Receives the demo's progress; the command line renders it."""

    def step(self, title: str) -> None:
        """A new phase of the demo starts (sandbox, tools, agent, ...)."""

    def note(self, message: str) -> None:
        """A fact worth showing (a URL, a time, the model used)."""

    def warn(self, message: str) -> None:
        """Something the user should know did not go as planned."""

    def model(self, info: Mapping[str, Any]) -> None:
        """Who makes the calls: `name` and `source` (`scripted`: no model)."""

    def tools(self, tools: Sequence[Mapping[str, Any]]) -> None:
        """The tools the toolkit loaded: name, description, flags."""

    def agent_event(self, event: AgentEvent) -> None:
        """A model reply, tool call or tool result, as it happens."""

    def received(self, events: Sequence[Mapping[str, Any]]) -> None:
        """What the WebSocket subscriber received on the demo channel."""

    def summary(self, result: DemoResult) -> None:
        """The demo finished (successfully or not)."""


class SilentReporter:
    """A reporter that ignores everything (for `--json`, and to subclass)."""

    def step(self, title: str) -> None:
        """Ignore."""

    def note(self, message: str) -> None:
        """Ignore."""

    def warn(self, message: str) -> None:
        """Ignore."""

    def model(self, info: Mapping[str, Any]) -> None:
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


def call_summary(record: ToolCallRecord) -> str:
    """One call in a few words: `pusher_trigger_event ok, 412 ms`."""
    if record.status in {"refused", "unknown_tool"}:
        return f"{record.name} {record.status.replace('_', ' ')}, not run"
    return f"{record.name} {record.status}, {record.duration_ms:.0f} ms"


def summary_line(result: DemoResult) -> str:
    """The tools loaded and the calls made, each call with its time."""
    names = ", ".join(str(tool.get("name")) for tool in result.tools)
    tools = f"{_count(len(result.tools), 'tool')} loaded ({names})"
    if not names:
        tools = "no tools loaded"
    given = result.model.get("tools_given")
    if given:
        tools += f", of which the model got {', '.join(given)}"

    calls = result.turn.calls if result.turn is not None else []
    kind = "scripted call" if result.scripted else "call"
    if calls:
        listed = "; ".join(call_summary(call) for call in calls)
        made = f"{_count(len(calls), kind)} made ({listed})"
    else:
        made = f"no {kind}s made"
    return f"Summary: {tools}; {made}; {result.seconds:.1f} s in all."


@dataclass(frozen=True)
class Outcome:
    """The last line of the demo: what arrived, and whether it is right.

    Attributes:
        kind: `ok`, `differs` (delivered faithfully, but not what the
            instruction asked) or `failed`.
        text: The sentence.
    """

    kind: OutcomeKind
    text: str


def outcome(result: DemoResult) -> Outcome:
    """Say in one sentence what the subscriber received and what that means."""
    if not result.ok:
        reason = result.error or result.verdict or "no event arrived on the channel"
        return Outcome("failed", f"FAILED: {reason.rstrip('.')}.")

    arrived = _describe(result.received)
    if result.renamed is not None:
        return Outcome(
            "differs",
            f"DIFFERS FROM THE INSTRUCTION: the subscriber received {arrived}, "
            f"exactly as the model sent it, but the instruction asked for the event "
            f"{result.renamed.requested!r}.",
        )
    return Outcome(
        "ok",
        f"OK: the subscriber received {arrived}, exactly what {result.sender} sent.",
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _describe(events: Sequence[Mapping[str, Any]]) -> str:
    """The received events in words: event, channel and data."""
    parts = [
        f"event {event.get('event')!r} on {event.get('channel')!r} with data "
        f"{json.dumps(event.get('data'), ensure_ascii=False)}"
        for event in events
    ]
    return "; ".join(parts) if parts else "nothing"
