"""`DemoResult`: what the demo did and saw, for people and for `--json`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from membrane_pusher.agent.turn import AgentTurn
    from membrane_pusher.demo.check import MatchStatus, RenamedEvent

__all__ = ["DemoResult", "ModelSource"]

ModelSource = Literal["given", "user", "offline", "scripted"]


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
        tools: One entry per tool the toolkit loaded.
        turn: The agent turn (also for a scripted call).
        received: The events the subscriber received on the channel.
        expected: The events the successful trigger calls sent to the
            channel, data as Pusher delivers it.
        match: `exact`, `mismatch`, `nothing` or `not_sent` (see
            `membrane_pusher.demo.check.Match`).
        verdict: One plain sentence saying how `received` compares.
        renamed: Set when the model's trigger call used another event name
            than the instruction asked for.
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
    renamed: RenamedEvent | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def scripted(self) -> bool:
        """Whether the demo made the tool call itself (no model could load)."""
        return self.model.get("source") == "scripted"

    @property
    def sender(self) -> str:
        """Who chose the calls, for sentences: the agent or the scripted call."""
        return "the scripted call" if self.scripted else "the agent"

    @property
    def ok(self) -> bool:
        """Whether the subscriber received exactly what was sent."""
        return self.error is None and self.match == "exact"

    @property
    def differs_from_instruction(self) -> bool:
        """Whether the model sent another event name than the instruction's."""
        return self.renamed is not None

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
            "differs_from_instruction": self.differs_from_instruction,
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
            "error": self.error,
        }
