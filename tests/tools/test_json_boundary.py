"""Values JSON cannot carry never leave: refused in arguments, `null` in output.

`NaN`, `Infinity`, integers over Python's digit limit and excessive nesting
are refused by every tool (catalog action or built-in Pusher tool) with a
JSON-path problem line, before anything is sent, whether the call arrives as a
tool call or as a plain dict; a remote answer holding them is written as
standard JSON.
"""

from __future__ import annotations

import json
import math

import pytest
from langchain_core.messages import ToolMessage

from fake_membrane import FakeClient
from membrane_pusher.errors import InvalidArgumentsError, fix_arguments_hint
from membrane_pusher.json_text import MAX_DEPTH, JSONInputError, dumps, loads_strict
from membrane_pusher.json_values import Withheld, json_problems, printable_copy
from membrane_pusher.membrane.models import Action
from membrane_pusher.pusher.operations import OPERATIONS
from membrane_pusher.pusher.tools import pusher_tool
from membrane_pusher.tools.action_tool import action_tool
from membrane_pusher.tools.results import compact_json

SCHEMA = {
    "type": "object",
    "properties": {"event": {"type": "string"}, "data": {}},
    "required": ["event"],
}


class _NothingSent:
    """A transport that fails the test if anything is sent."""

    app_id = "12345"
    name = "nothing-sent"

    def send(self, request):
        raise AssertionError(f"sent {request}")

    async def asend(self, request):
        raise AssertionError(f"sent {request}")


def _action_tool(client: FakeClient):
    action = Action(id="act_1", key="send-event", name="Send", inputSchema=SCHEMA)
    return action_tool(action, client, "con_1")


def _invoke(tool, arguments) -> ToolMessage:
    message = tool.invoke(
        {"type": "tool_call", "name": tool.name, "args": arguments, "id": "c1"}
    )
    assert isinstance(message, ToolMessage)
    return message


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_action_tool_refuses_non_finite_numbers_anywhere(number):
    # Arrange
    client = FakeClient()
    tool = _action_tool(client)

    # Act
    message = _invoke(tool, {"event": "e", "data": {"x": [1, number]}})

    # Assert
    assert message.status == "error"
    error = json.loads(message.content)["error"]
    assert error["type"] == "invalid_arguments"
    assert error["problems"][0].startswith("data.x[1]: ")
    assert "is not a JSON number" in error["problems"][0]
    assert client.calls == []


def test_pusher_tools_refuse_non_finite_numbers_too():
    # Arrange
    tool = pusher_tool(OPERATIONS["pusher_trigger_event"], _NothingSent())

    # Act
    message = _invoke(tool, {"channels": ["c"], "event": "e", "data": {"x": math.nan}})

    # Assert
    assert message.status == "error"
    assert "data.x: NaN is not a JSON number" in message.content


def test_deep_nesting_is_a_problem_line_not_a_crash():
    # Arrange
    tool = _action_tool(FakeClient())
    deep: list = []
    for _ in range(MAX_DEPTH * 30):
        deep = [deep]

    # Act
    with pytest.raises(InvalidArgumentsError) as caught:
        tool.prepare_arguments({"event": "e", "data": deep})

    # Assert
    assert f"nested more than {MAX_DEPTH} levels deep" in caught.value.problems[0]


def _deeper_than_recursion_allows() -> list:
    deep: list = []
    for _ in range(3000):
        deep = [deep]
    return deep


UNPRINTABLE = [
    pytest.param(10**5000, "data: an integer of more than 4,300 digits", id="long"),
    pytest.param(-(10**4300), "data: an integer of more than", id="negative"),
    pytest.param(
        _deeper_than_recursion_allows(),
        "data[0][0][0]...(100 levels down): nested more than 100 levels deep",
        id="deep",
    ),
]


@pytest.mark.parametrize(("value", "problem"), UNPRINTABLE)
@pytest.mark.parametrize("as_call", [True, False], ids=["tool_call", "plain_dict"])
@pytest.mark.parametrize("source", ["catalog", "pusher"])
async def test_values_python_cannot_print_are_refused_not_raised(
    value, problem, as_call, source
):
    # Arrange: LangChain prints the input for its callbacks before the tool runs
    client = FakeClient()
    if source == "catalog":
        tool = _action_tool(client)
        arguments = {"event": "e", "data": value}
    else:
        tool = pusher_tool(OPERATIONS["pusher_trigger_event"], _NothingSent())
        arguments = {"channels": ["c"], "event": "e", "data": value}
    call = {"type": "tool_call", "name": tool.name, "args": arguments, "id": "c1"}
    given = call if as_call else arguments

    # Act
    answers = [tool.invoke(given), await tool.ainvoke(given)]

    # Assert
    for answer in answers:
        content = answer.content if as_call else answer
        assert json.loads(content)["error"]["problems"][0].startswith(problem)
    assert client.calls == []


def test_printable_copy_returns_valid_input_itself():
    value = {"data": [1, 10**4000, {"x": "y"}]}

    assert printable_copy(value) is value


def test_printable_copy_marks_only_what_cannot_be_printed():
    # Act
    copied = printable_copy({"ok": 1, "big": [2, 10**4400]})

    # Assert
    assert copied["ok"] == 1
    assert copied["big"][0] == 2
    assert isinstance(copied["big"][1], Withheld)
    assert "4,300 digits" in repr(copied)


def test_nesting_up_to_the_limit_is_accepted():
    nested: list = []
    for _ in range(MAX_DEPTH - 2):
        nested = [nested]

    assert json_problems({"data": nested}) == []


def test_schema_and_rule_errors_share_one_hint_naming_the_tool():
    # Arrange
    tool = pusher_tool(OPERATIONS["pusher_trigger_event"], _NothingSent())

    # Act
    schema_error = json.loads(_invoke(tool, {"channels": []}).content)["error"]
    rule_error = json.loads(
        _invoke(tool, {"channels": ["bad channel!"], "event": "e", "data": "x"}).content
    )["error"]
    action_error = json.loads(_invoke(_action_tool(FakeClient()), {}).content)["error"]

    # Assert
    expected = fix_arguments_hint("pusher_trigger_event")
    assert schema_error["hint"] == expected
    assert rule_error["hint"] == expected
    assert action_error["hint"] == fix_arguments_hint("send-event")
    assert expected.startswith("Nothing was sent.")


def test_output_from_outside_is_written_as_standard_json():
    text = compact_json({"x": math.nan, "y": [math.inf, 1.5]})

    assert text == '{"x":null,"y":[null,1.5]}'
    assert dumps({"ok": "é"}) == '{"ok": "é"}'


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"data": NaN}', "NaN is not valid JSON"),
        ('{"data": -Infinity}', "-Infinity is not valid JSON"),
        ('{"a": 1, "a": 2}', 'duplicate key "a"'),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("{oops", "Expecting property name"),
    ],
)
def test_strict_loading_refuses_what_json_does_not_allow(text, words):
    with pytest.raises(JSONInputError, match=words):
        loads_strict(text)


def test_strict_loading_keeps_ordinary_json():
    assert loads_strict('{"a": [1, 2.5, "é", null, {"b": true}]}') == {
        "a": [1, 2.5, "é", None, {"b": True}]
    }


@pytest.mark.parametrize(
    ("value", "kind"),
    [(None, "null"), ([1], "an array"), (5, "a number"), (True, "a boolean")],
)
def test_non_object_input_is_a_tool_error_not_a_crash(value, kind):
    client = FakeClient()
    tool = _action_tool(client)

    content = tool.invoke(value)

    error = json.loads(content)["error"]
    assert error["type"] == "invalid_arguments"
    assert error["problems"] == [f"$: expected a JSON object of arguments, got {kind}"]
    assert client.calls == []


async def test_non_object_input_is_the_same_error_async():
    client = FakeClient()
    tool = _action_tool(client)

    sync_content = tool.invoke(None)
    async_content = await tool.ainvoke(None)

    assert async_content == sync_content
    assert client.calls == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"event": "a", "event": "b"}', 'duplicate key "event"'),
        ('{"event": ' + "9" * 5000 + "}", "more than 4,300 digits"),
        ("[1, 2]", "got JSON text holding an array"),
        ("hello", "got text that is not JSON"),
    ],
)
def test_string_input_is_read_as_strict_json(text, expected):
    client = FakeClient()
    tool = _action_tool(client)

    content = tool.invoke(text)

    assert expected in json.loads(content)["error"]["problems"][0]
    assert client.calls == []


@pytest.mark.parametrize(
    ("args", "kind"), [(None, "null"), ([1], "an array"), (7, "a number")]
)
async def test_tool_call_whose_args_is_no_object_gets_an_error_message(args, kind):
    client = FakeClient()
    tool = _action_tool(client)
    call = {"type": "tool_call", "name": tool.name, "args": args, "id": "c9"}

    message = tool.invoke(call)
    async_message = await tool.ainvoke(call)

    assert isinstance(message, ToolMessage)
    assert message.status == "error"
    assert message.tool_call_id == "c9"
    assert f"got {kind}" in message.content
    assert async_message.content == message.content
    assert client.calls == []


def test_tool_call_whose_args_is_json_text_runs_with_the_object():
    client = FakeClient()
    tool = _action_tool(client)
    call = {"type": "tool_call", "name": tool.name, "args": '{"event": "e"}', "id": "c"}

    message = tool.invoke(call)

    assert message.status == "success"
    assert client.calls[0][2] == {"event": "e"}
