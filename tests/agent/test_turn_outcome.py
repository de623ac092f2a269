"""Whether a turn succeeded: no tool may end on a failed call.

A failure followed by a successful call of the same tool is recovered; a
failure after a success, or one never retried, fails the turn; a plain
answer succeeds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from agent_fakes import RecordingTool, call, scripted
from langchain_core.messages import AIMessage

from membrane_pusher.agent.records import AgentTurn, CallStatus, ToolCallRecord
from membrane_pusher.agent.turn import (
    run_agent_turn,
    turn_succeeded,
    unrecovered_failures,
)
from membrane_pusher.errors import InvalidArgumentsError

if TYPE_CHECKING:
    from membrane_pusher.tools.results import ToolOutcome

SENT = {"channel": "deploys", "event": "done"}
REFUSED_BY_SERVER = {"channel": "forbidden", "event": "done"}


class PickySendTool(RecordingTool):
    """Sends to every channel but `forbidden`, which fails as a 400 would."""

    def _execute(self, arguments: dict[str, Any]) -> ToolOutcome:
        if arguments["channel"] == "forbidden":
            raise InvalidArgumentsError(["channel: rejected by the server (400)"])
        return super()._execute(arguments)


def _record(name: str, status: CallStatus) -> ToolCallRecord:
    return ToolCallRecord(name=name, args={}, call_id=f"{name}-{status}", status=status)


def _turn(*calls: ToolCallRecord) -> AgentTurn:
    return AgentTurn(instruction="do it", answer="done", calls=list(calls))


def _statuses(records: list[ToolCallRecord]) -> list[tuple[str, str]]:
    return [(record.name, record.status) for record in records]


@pytest.mark.parametrize(
    ("calls", "left"),
    [
        pytest.param([], [], id="plain answer"),
        pytest.param([("send", "ok")], [], id="one success"),
        pytest.param([("send", "error"), ("send", "ok")], [], id="fixed on a retry"),
        pytest.param(
            [("send", "ok"), ("send", "error")],
            [("send", "error")],
            id="success then failure",
        ),
        pytest.param(
            [("send", "ok"), ("kick", "refused")],
            [("kick", "refused")],
            id="other tool refused",
        ),
        pytest.param(
            [("send", "error"), ("send", "ok"), ("send", "error")],
            [("send", "error")],
            id="fails again after a success",
        ),
        pytest.param(
            [("kick", "error"), ("send", "ok")],
            [("kick", "error")],
            id="a success of another tool recovers nothing",
        ),
        pytest.param(
            [("sendd", "unknown_tool"), ("send", "ok")],
            [],
            id="unknown name then the real tool",
        ),
        pytest.param(
            [("sendd", "unknown_tool")],
            [("sendd", "unknown_tool")],
            id="unknown name alone",
        ),
        pytest.param(
            [("send", "error"), ("send", "error")],
            [("send", "error")],
            id="only the last attempt is listed",
        ),
    ],
)
def test_unrecovered_failures(calls, left):
    # Arrange
    records = [_record(name, status) for name, status in calls]

    # Act
    failures = unrecovered_failures(records)

    # Assert
    assert _statuses(failures) == left
    assert turn_succeeded(_turn(*records)) is (not left)


def test_a_turn_stopped_at_its_step_limit_did_not_succeed():
    # Arrange
    turn = _turn(_record("send", "ok"))
    turn.stop_reason = "max_steps"

    # Act
    succeeded = turn_succeeded(turn)

    # Assert
    assert succeeded is False


def test_a_second_write_failing_after_a_first_one_fails_the_turn():
    # Arrange
    tool = PickySendTool()
    writes = [
        call("send_event", SENT, "c1"),
        call("send_event", REFUSED_BY_SERVER, "c2"),
    ]
    model = scripted(AIMessage("", tool_calls=writes), "Sent one of two.")

    # Act
    turn = run_agent_turn(model, [tool], "tell deploys and forbidden we are done")

    # Assert
    assert [record.status for record in turn.calls] == ["ok", "error"]
    assert turn.stop_reason == "answer"
    assert turn_succeeded(turn) is False
    [failure] = unrecovered_failures(turn.calls)
    assert failure.call_id == "c2"


def test_a_write_fixed_on_a_retry_succeeds():
    # Arrange
    tool = PickySendTool()
    model = scripted(
        AIMessage("", tool_calls=[call("send_event", REFUSED_BY_SERVER, "c1")]),
        AIMessage("", tool_calls=[call("send_event", SENT, "c2")]),
        "Sent to deploys instead.",
    )

    # Act
    turn = run_agent_turn(model, [tool], "tell the channel we are done")

    # Assert
    assert [record.status for record in turn.calls] == ["error", "ok"]
    assert turn_succeeded(turn) is True


def test_a_plain_answer_succeeds():
    # Arrange
    model = scripted("Nothing to send.")

    # Act
    turn = run_agent_turn(model, [PickySendTool()], "what can you do?")

    # Assert
    assert turn.calls == []
    assert turn_succeeded(turn) is True
