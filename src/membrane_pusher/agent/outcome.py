"""Whether an agent turn did what it was asked: its unrecovered failures.

A turn succeeds when the model gave a final answer and every tool it called
ended well. A failed call (an error, a refusal, arguments that were not JSON)
is recovered by a later successful call of the same tool: a model that fixes
its arguments and retries has done the job. A call of a tool that does not
exist cannot be retried by that name, so any later successful call recovers
it. A plain answer without calls succeeds.

So "write ok, then another write failed" fails: the second write's failure
was never followed by a success of that tool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from membrane_pusher.agent.records import AgentTurn, ToolCallRecord

__all__ = ["turn_succeeded", "unrecovered_failures"]


def unrecovered_failures(calls: Sequence[ToolCallRecord]) -> list[ToolCallRecord]:
    """Return the failed calls that no later successful call made good.

    Args:
        calls: A turn's tool calls, in the order they ran.

    Returns:
        The last failed call of each tool that failed and did not succeed
        afterwards, in the order they ran; empty when nothing is left failed.
    """
    last_by_tool: dict[str, ToolCallRecord] = {}
    for call in calls:
        last_by_tool.pop(call.name, None)
        last_by_tool[call.name] = call

    failures = [call for call in last_by_tool.values() if call.status != "ok"]
    return [
        call
        for call in failures
        if call.status != "unknown_tool" or not _succeeded_after(call, calls)
    ]


def turn_succeeded(turn: AgentTurn) -> bool:
    """Whether the turn ended with an answer and left no call failed.

    Args:
        turn: A finished turn.

    Returns:
        False when the model stopped at its step limit, or when a tool's
        last call failed (see `unrecovered_failures`); True otherwise.
    """
    if turn.stop_reason != "answer":
        return False

    return not unrecovered_failures(turn.calls)


def _succeeded_after(failure: ToolCallRecord, calls: Sequence[ToolCallRecord]) -> bool:
    """Whether any call after `failure` succeeded, whichever its tool."""
    position = next(index for index, call in enumerate(calls) if call is failure)
    return any(call.status == "ok" for call in calls[position + 1 :])
