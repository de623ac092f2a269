"""The demo's verdict: did the subscriber get exactly what the agent sent?

The agent's successful `pusher_trigger_event` calls say what should arrive on
the demo channel: the same channel, event name and data, with data as Pusher
delivers it (a string as it is, any other JSON value as compact JSON). The
demo passes only when what the subscriber received is exactly that.

The check is independent of the tools' own encoding on purpose: a tool that
mangled the data on the way would show up here as a mismatch.

It also notices when the model renamed the event the instruction spelled out
(the small offline model often does): that is a note, not a failure, since the
chain delivered faithfully what the model chose to send.
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
    "as_delivered",
    "compare",
    "event_name_note",
    "expected_events",
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
) -> Match:
    """Compare what arrived on the channel with what the agent sent.

    Order does not matter; every sent event must arrive once, and nothing
    else may arrive on the channel.
    """
    if not expected:
        return Match("not_sent", f"the agent sent no event to {channel!r}")
    if not received:
        return Match(
            "nothing", f"the agent sent an event, but nothing arrived on {channel!r}"
        )
    if Counter(map(_key, expected)) == Counter(map(_key, received)):
        return Match("exact", "received exactly what the agent sent")
    return Match(
        "mismatch",
        "received something other than what the agent sent: "
        f"sent {_show(expected)}, received {_show(received)}",
    )


def requested_event_name(instruction: str) -> str | None:
    """Return the event name an instruction spells out, if it names one."""
    found = _REQUESTED_EVENT.search(instruction)
    return None if found is None else found.group("name")


def event_name_note(instruction: str, turn: AgentTurn | None) -> str | None:
    """Say so when the model's trigger call renamed the requested event."""
    requested = requested_event_name(instruction)
    if requested is None or turn is None:
        return None
    sent = [
        str(call.args.get("event"))
        for call in turn.calls
        if call.name == TRIGGER_TOOL and call.args.get("event") != requested
    ]
    if not sent:
        return None
    names = ", ".join(repr(name) for name in sent)
    return (
        f"Note: the instruction asked for the event {requested!r}, but the model "
        f"sent {names}; the check compares with what the model actually sent."
    )


def _key(event: dict[str, Any]) -> str:
    return json.dumps(
        [event.get("channel"), event.get("event"), event.get("data")],
        ensure_ascii=False,
    )


def _show(events: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(events), ensure_ascii=False)
