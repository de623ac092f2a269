"""The demo's verdict: did the subscriber get exactly what the agent sent?

The agent's successful `pusher_trigger_event` calls say what should arrive on
the demo channel: the same channel, event name and data, with data as Pusher
delivers it (a string as it is, any other JSON value as compact JSON). The
demo passes only when what the subscriber received is exactly that.

The check is independent of the tools' own encoding on purpose: a tool that
mangled the data on the way would show up here as a mismatch.

It also notices when the model renamed the event the instruction spelled out
(the small offline model often does): that is a note, not a failure, since the
chain delivered faithfully what the model chose to send, but the demo says so
rather than a bare "OK".

The messages name who sent the events: "the agent", or "the scripted call"
when no model could be loaded and the demo made the call itself.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Sequence

    from membrane_pusher.agent.turn import AgentTurn

__all__ = [
    "TRIGGER_TOOL",
    "Match",
    "MatchStatus",
    "RenamedEvent",
    "as_delivered",
    "compare",
    "event_name_note",
    "expected_events",
    "renamed_event",
    "requested_event_name",
]

TRIGGER_TOOL = "pusher_trigger_event"

MatchStatus = Literal["exact", "mismatch", "nothing", "not_sent"]

# "send a deploy-finished event", "trigger the `build-done` event", ...
_REQUESTED_EVENT = re.compile(
    r"\b(?:send|trigger|publish|emit)\s+(?:an?\s+|the\s+)?"
    r"[`'\"]?(?P<name>[A-Za-z0-9_\-=@,.;]+)[`'\"]?\s+event\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Match:
    """How what arrived compares with what the agent sent.

    Attributes:
        status: `exact` (received exactly what was sent), `mismatch`
            (something else arrived), `nothing` (sent, nothing arrived) or
            `not_sent` (no successful trigger call to the channel).
        message: One plain sentence for people.
    """

    status: MatchStatus
    message: str

    @property
    def exact(self) -> bool:
        """Whether the subscriber received exactly what the agent sent."""
        return self.status == "exact"


def as_delivered(data: Any) -> str:
    """Return event data the way a subscriber receives it from Pusher."""
    if isinstance(data, str):
        return data
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def expected_events(turn: AgentTurn | None, channel: str) -> list[dict[str, Any]]:
    """Return the events the agent's successful trigger calls sent to `channel`.

    Each is `{"event", "channel", "data"}`, the shape of `DemoResult.received`.
    """
    if turn is None:
        return []
    expected = []
    for call in turn.calls:
        if call.name != TRIGGER_TOOL or call.status != "ok":
            continue
        channels = call.args.get("channels") or []
        if isinstance(channels, str):
            channels = [channels]
        if channel not in channels:
            continue
        expected.append(
            {
                "event": call.args.get("event"),
                "channel": channel,
                "data": as_delivered(call.args.get("data", "")),
            }
        )
    return expected


def compare(
    expected: Sequence[dict[str, Any]],
    received: Sequence[dict[str, Any]],
    *,
    channel: str,
    sender: str = "the agent",
) -> Match:
    """Compare what arrived on the channel with what the sender sent.

    Order does not matter; every sent event must arrive once, and nothing
    else may arrive on the channel.

    Args:
        expected: The events sent (see `expected_events`).
        received: The events the subscriber received on the channel.
        channel: The channel, for the message.
        sender: Who sent them, for the message ("the scripted call").
    """
    if not expected:
        return Match("not_sent", f"{sender} sent no event to {channel!r}")
    if not received:
        return Match(
            "nothing", f"{sender} sent an event, but nothing arrived on {channel!r}"
        )
    if Counter(map(_key, expected)) == Counter(map(_key, received)):
        return Match("exact", f"received exactly what {sender} sent")
    return Match(
        "mismatch",
        f"received something other than what {sender} sent: "
        f"sent {_show(expected)}, received {_show(received)}",
    )


def requested_event_name(instruction: str) -> str | None:
    """Return the event name an instruction spells out, if it names one."""
    found = _REQUESTED_EVENT.search(instruction)
    return None if found is None else found.group("name")


@dataclass(frozen=True)
class RenamedEvent:
    """The event name the instruction asked for, and the names the model used.

    Attributes:
        requested: The name the instruction spelled out.
        sent: The other names the model's trigger calls used, in order.
    """

    requested: str
    sent: tuple[str, ...]

    @property
    def sent_names(self) -> str:
        """The names sent, quoted and joined for a sentence."""
        return ", ".join(repr(name) for name in self.sent)


def renamed_event(instruction: str, turn: AgentTurn | None) -> RenamedEvent | None:
    """Return what differs when the model's trigger calls renamed the event."""
    requested = requested_event_name(instruction)
    if requested is None or turn is None:
        return None
    sent = tuple(
        str(call.args.get("event"))
        for call in turn.calls
        if call.name == TRIGGER_TOOL and call.args.get("event") != requested
    )
    if not sent:
        return None
    return RenamedEvent(requested, sent)


def event_name_note(instruction: str, turn: AgentTurn | None) -> str | None:
    """Say so when the model's trigger call renamed the requested event."""
    renamed = renamed_event(instruction, turn)
    if renamed is None:
        return None
    return (
        f"Note: the instruction asked for the event {renamed.requested!r}, but the "
        f"model sent {renamed.sent_names}; the check compares with what the model "
        "actually sent."
    )


def _key(event: dict[str, Any]) -> str:
    return json.dumps(
        [event.get("channel"), event.get("event"), event.get("data")],
        ensure_ascii=False,
    )


def _show(events: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(events), ensure_ascii=False)
