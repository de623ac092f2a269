"""The offline model's closing sentence: short results whole, long ones marked.

A long JSON result must never lose a closing brace or bracket, and every
shortened part says "(truncated)"; a short result is shown exactly.
"""

from __future__ import annotations

import json

from langchain_core.messages import HumanMessage, ToolMessage

from membrane_pusher.agent.offline_model import NeedleChatModel
from membrane_pusher.agent.result_summary import SUMMARY_LIMIT, summarise_tool_results


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _channels(count: int) -> dict[str, object]:
    return {
        "channels": {
            f"presence-room-{n}": {"occupied": True, "user_count": n}
            for n in range(count)
        }
    }


def _shown_json(answer: str, name: str) -> str:
    """The result part of "name succeeded: <result> (truncated)."."""
    prefix = f"{name} succeeded: "
    suffix = " (truncated)."
    assert answer.startswith(prefix), answer
    assert answer.endswith(suffix), answer
    return answer[len(prefix) : -len(suffix)]


def _balanced(text: str) -> bool:
    """Whether every brace and bracket outside strings is closed in order."""
    pairs = {"}": "{", "]": "["}
    open_brackets: list[str] = []
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            open_brackets.append(char)
        elif char in pairs and (
            not open_brackets or open_brackets.pop() != pairs[char]
        ):
            return False
    return not open_brackets and not in_string


def test_a_short_result_is_shown_whole():
    # Arrange
    result = _compact(_channels(1))
    message = ToolMessage(result, tool_call_id="c1", name="list_channels")

    # Act
    answer = summarise_tool_results([message])

    # Assert
    assert answer == f"list_channels succeeded: {result}."
    assert "truncated" not in answer


def test_a_long_json_result_keeps_its_brackets_and_is_marked():
    # Arrange
    result = _compact(_channels(20))
    assert len(result) > SUMMARY_LIMIT
    message = ToolMessage(result, tool_call_id="c1", name="list_channels")

    # Act
    answer = summarise_tool_results([message])

    # Assert
    shown = _shown_json(answer, "list_channels")
    assert _balanced(shown), shown
    assert shown.endswith(",…}}"), shown
    assert shown.startswith('{"channels":{"presence-room-0":')
    assert '{"occupied":true,"user_count":0}' in shown
    assert len(shown) <= SUMMARY_LIMIT


def test_a_long_list_keeps_whole_items_only():
    # Arrange
    items = [{"id": n, "name": f"user-{n}"} for n in range(40)]
    message = ToolMessage(_compact(items), tool_call_id="c1", name="list_users")

    # Act
    answer = summarise_tool_results([message])

    # Assert
    shown = _shown_json(answer, "list_users")
    assert _balanced(shown), shown
    assert shown.endswith("},…]"), shown
    kept = shown[1:-3].split("},")
    assert all(item.startswith('{"id":') for item in kept)


def test_a_long_string_member_is_cut_after_a_word_inside_its_quotes():
    # Arrange
    result = _compact({"note": "deploy finished cleanly " * 20, "ok": True})
    message = ToolMessage(result, tool_call_id="c1", name="send_event")

    # Act
    answer = summarise_tool_results([message])

    # Assert
    shown = _shown_json(answer, "send_event")
    assert _balanced(shown), shown
    assert shown.startswith('{"note":"deploy finished cleanly')
    assert shown.endswith('…",…}'), shown


def test_long_plain_text_is_cut_after_a_whole_word_and_marked():
    # Arrange
    message = ToolMessage("alpha beta " * 40, tool_call_id="c1", name="echo")

    # Act
    answer = summarise_tool_results([message])

    # Assert
    assert answer.endswith("… (truncated).")
    shown = answer.removeprefix("echo succeeded: ").removesuffix("… (truncated).")
    assert shown.split()[-1] in {"alpha", "beta"}


def test_a_long_error_message_is_cut_after_a_word_and_marked():
    # Arrange
    error = {"error": {"type": "http_error", "message": "bad channel name " * 30}}
    message = ToolMessage(
        json.dumps(error), tool_call_id="c1", name="send_event", status="error"
    )

    # Act
    answer = summarise_tool_results([message])

    # Assert
    assert answer.startswith("send_event failed: bad channel name")
    assert answer.endswith("… (truncated).")
    shown = answer.removeprefix("send_event failed: ").removesuffix("… (truncated).")
    assert shown.split()[-1] in {"bad", "channel", "name"}


def test_the_offline_model_ends_a_turn_with_the_marked_summary():
    # Arrange: after tool results the engine is not asked, so none is loaded
    model = NeedleChatModel()
    result = _compact(_channels(20))
    messages = [
        HumanMessage("which rooms are busy?"),
        ToolMessage(result, tool_call_id="c1", name="list_channels"),
    ]

    # Act
    reply = model.invoke(messages)

    # Assert
    assert reply.tool_calls == []
    assert _balanced(_shown_json(reply.text, "list_channels"))
