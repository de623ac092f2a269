"""Tool calls whose arguments are not JSON are answered with an error, not dropped."""

from __future__ import annotations

import json
from typing import Any

from agent_fakes import call, scripted
from langchain_core.messages import AIMessage, ToolMessage

from membrane_pusher.agent import AgentEvent, arun_agent_turn, run_agent_turn
from membrane_pusher.agent.invalid_calls import SHOWN_ARGUMENT_CHARS

GOOD = {"channel": "deploys", "event": "deploy-finished"}


def invalid_call(
    args: str | None, call_id: str = "bad_1", name: str = "send_event"
) -> dict[str, Any]:
    return {
        "name": name,
        "args": args,
        "id": call_id,
        "error": "Function send_event arguments are not valid JSON.",
        "type": "invalid_tool_call",
    }


def unparseable_then_fixed(args: str = '{"channel": "deploys", "event": ') -> Any:
    """A model that first sends broken arguments, then retries, then answers."""
    return scripted(
        AIMessage("", invalid_tool_calls=[invalid_call(args)]),
        AIMessage("", tool_calls=[call("send_event", GOOD, "good_1")]),
        "Sent on the second try.",
    )


def test_an_unparseable_call_is_answered_with_an_error_and_the_model_retries(
    send_tool,
):
    # Arrange
    model = unparseable_then_fixed()

    # Act
    turn = run_agent_turn(model, [send_tool], "tell deploys it finished")

    # Assert: the broken call never ran; the retry did
    assert send_tool.calls == [GOOD]
    assert turn.answer == "Sent on the second try."
    assert turn.steps == 3
    answer = turn.messages[3]
    assert isinstance(answer, ToolMessage)
    assert answer.status == "error"
    assert answer.tool_call_id == "bad_1"
    assert answer.name == "send_event"


def test_the_error_says_the_arguments_were_not_json_and_quotes_them(send_tool):
    # Arrange
    model = unparseable_then_fixed('{"channel": "deploys", "event": ')

    # Act
    turn = run_agent_turn(model, [send_tool], "send")

    # Assert
    first = turn.calls[0]
    error = json.loads(first.content)["error"]
    assert error["type"] == "invalid_arguments"
    assert "not valid JSON" in error["message"]
    assert '{"channel": "deploys", "event": ' in error["message"]
    assert "send_event" in error["hint"]


def test_the_unparseable_call_is_recorded_like_a_failed_call(send_tool):
    # Arrange
    events: list[AgentEvent] = []
    model = unparseable_then_fixed()

    # Act
    turn = run_agent_turn(model, [send_tool], "send", on_event=events.append)

    # Assert
    assert [(r.name, r.call_id, r.status) for r in turn.calls] == [
        ("send_event", "bad_1", "error"),
        ("send_event", "good_1", "ok"),
    ]
    assert turn.calls[0].args == {}
    kinds = [event.kind for event in events]
    assert kinds[:3] == ["model_reply", "tool_call", "tool_result"]
    assert json.loads(json.dumps(turn.to_dict()))["calls"][0]["status"] == "error"


def test_long_unparseable_arguments_are_quoted_shortened(send_tool):
    # Arrange
    huge = '{"data": "' + "x" * 5000
    model = unparseable_then_fixed(huge)

    # Act
    turn = run_agent_turn(model, [send_tool], "send")

    # Assert
    message = json.loads(turn.calls[0].content)["error"]["message"]
    assert "x" * SHOWN_ARGUMENT_CHARS not in message
    assert f"{len(huge)} characters" in message
    assert len(message) < SHOWN_ARGUMENT_CHARS + 300


def test_valid_and_unparseable_calls_in_one_reply_are_all_answered(send_tool):
    # Arrange
    reply = AIMessage(
        "",
        tool_calls=[call("send_event", GOOD, "good_1")],
        invalid_tool_calls=[invalid_call(None, "bad_1")],
    )
    model = scripted(reply, "One of two sent.")

    # Act
    turn = run_agent_turn(model, [send_tool], "send twice")

    # Assert
    answered = [m.tool_call_id for m in turn.messages if isinstance(m, ToolMessage)]
    assert sorted(answered) == ["bad_1", "good_1"]
    assert [r.status for r in turn.calls] == ["ok", "error"]
    assert "received nothing" in turn.calls[1].content


async def test_the_async_turn_answers_unparseable_calls_too(send_tool):
    # Arrange
    model = unparseable_then_fixed()

    # Act
    turn = await arun_agent_turn(model, [send_tool], "send")

    # Assert
    assert [r.status for r in turn.calls] == ["error", "ok"]
    assert turn.answer == "Sent on the second try."
