"""The action tool's `argument_check`: a refusal before anything runs."""

from __future__ import annotations

import json

from fake_membrane import FakeClient
from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.membrane.models import Action
from membrane_pusher.tools.action_tool import action_tool

SCHEMA = {
    "type": "object",
    "properties": {"target": {"type": "string"}, "text": {"type": "string"}},
    "required": ["target"],
}


class RecordingCheck:
    """Refuses the target "forbidden"; records every call it judges."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict]] = []

    def __call__(self, tool_name, arguments):
        self.seen.append((tool_name, dict(arguments)))
        if arguments.get("target") == "forbidden":
            raise InvalidArgumentsError(
                ["target: this one is off limits"],
                hint="Use the other tool.",
                tool=tool_name,
            )


def make_tool(client, check, **options):
    action = Action(id="act_1", key="send-thing", name="Send", inputSchema=SCHEMA)
    return action_tool(action, client, "con_1", argument_check=check, **options)


def tool_call(tool, args):
    return {"type": "tool_call", "id": "call_1", "name": tool.name, "args": args}


def test_a_refused_call_never_reaches_the_client():
    # Arrange
    client, check = FakeClient(), RecordingCheck()
    tool = make_tool(client, check)

    # Act
    message = tool.invoke(tool_call(tool, {"target": "forbidden"}))

    # Assert
    assert message.status == "error"
    error = json.loads(message.content)["error"]
    assert error["type"] == "invalid_arguments"
    assert "off limits" in error["message"]
    assert error["hint"] == "Use the other tool."
    assert client.calls == []


async def test_a_refused_async_call_never_reaches_the_client():
    # Arrange
    client, check = FakeClient(), RecordingCheck()
    tool = make_tool(client, check)

    # Act
    message = await tool.ainvoke(tool_call(tool, {"target": "forbidden"}))

    # Assert
    assert message.status == "error"
    assert client.calls == []


def test_an_allowed_call_runs_unchanged():
    # Arrange
    client, check = FakeClient(), RecordingCheck()
    tool = make_tool(client, check)

    # Act
    message = tool.invoke(tool_call(tool, {"target": "fine", "text": "hi"}))

    # Assert
    assert message.status == "success", message.content
    assert client.sent == [{"target": "fine", "text": "hi"}]
    assert check.seen == [(tool.name, {"target": "fine", "text": "hi"})]


def test_the_check_sees_only_arguments_the_schema_accepted():
    # Arrange
    client, check = FakeClient(), RecordingCheck()
    tool = make_tool(client, check)

    # Act
    message = tool.invoke(tool_call(tool, {"text": "no target"}))

    # Assert
    assert message.status == "error"
    assert check.seen == []


def test_the_check_runs_before_anyone_is_asked_to_confirm():
    # Arrange
    asked: list[str] = []
    client, check = FakeClient(), RecordingCheck()
    action = Action(
        id="act_1",
        key="delete-thing",
        name="Delete",
        type="delete-data-record",
        inputSchema=SCHEMA,
    )
    tool = action_tool(
        action,
        client,
        "con_1",
        argument_check=check,
        confirm=lambda name, _args: asked.append(name) or True,
    )

    # Act
    message = tool.invoke(tool_call(tool, {"target": "forbidden"}))

    # Assert
    assert message.status == "error"
    assert asked == []
    assert client.calls == []


def test_provider_copies_keep_the_check():
    # Arrange
    client, check = FakeClient(), RecordingCheck()
    tool = make_tool(client, check).for_provider("openai", strict=True)

    # Act
    message = tool.invoke(tool_call(tool, {"target": "forbidden", "text": None}))

    # Assert
    assert message.status == "error"
    assert client.calls == []


def test_the_check_is_not_dumped():
    # Arrange
    tool = make_tool(FakeClient(), RecordingCheck())

    # Act
    dumped = tool.model_dump()

    # Assert
    assert "argument_check" not in dumped
    assert json.loads(tool.model_dump_json())["name"] == tool.name
