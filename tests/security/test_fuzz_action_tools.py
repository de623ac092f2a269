"""Generated arguments against every shared schema case, through action tools.

Invalid argument sets (valid ones with one targeted mutation, confirmed invalid
by plain jsonschema) must never reach the client; valid ones (generated from the
schema by hypothesis-jsonschema, or by `schema_strategies` for recursive
`$ref`s) must reach it exactly as sent. The bulk runs
against an in-process recording client; a smaller sample runs through the real
stand-in CLI and is compared with what it recorded.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import FormatChecker
from jsonschema.validators import validator_for
from langchain_core.messages import ToolMessage
from schema_strategies import case_strategy

from membrane_pusher.membrane.models import Action
from membrane_pusher.tools.action_tool import action_tool

CASES_FILE = Path(__file__).parents[1] / "schema" / "data" / "schema_cases.json"
CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))
CONNECTION_ID = "con_pusher_sandbox"
# hypothesis-jsonschema where it can; the hand-made generator for recursive $ref.
CASE_STRATEGIES = [case_strategy(case["schema"]) for case in CASES]

FUZZ = settings(
    max_examples=1100,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)

# Values of every JSON type, used to break a property's type.
ANY_JSON = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**31), 2**31),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
)


def _action(case: dict[str, Any]) -> Action:
    """Return the case as a catalog action."""
    return Action.model_validate(
        {
            "id": f"act_{case['id']}",
            "key": case["id"],
            "name": case["id"],
            "description": f"Shared schema case {case['id']}.",
            "inputSchema": case["schema"],
            "connectionId": CONNECTION_ID,
        }
    )


def _is_valid(schema: dict[str, Any], arguments: Any) -> bool:
    """Plain jsonschema's verdict, the reference for both directions."""
    validator = validator_for(schema)(schema, format_checker=FormatChecker())
    return validator.is_valid(arguments)


def _invoke(tool: Any, arguments: dict[str, Any], index: int) -> ToolMessage:
    """Invoke with a ToolCall, as an agent does."""
    message = tool.invoke(
        {"name": tool.name, "args": arguments, "id": f"c{index}", "type": "tool_call"}
    )
    assert isinstance(message, ToolMessage)
    return message


@st.composite
def valid_case_arguments(draw: st.DrawFn) -> tuple[int, dict[str, Any]]:
    """Draw (case index, arguments valid for that case's schema)."""
    index = draw(st.integers(0, len(CASES) - 1))
    arguments = draw(CASE_STRATEGIES[index])
    assume(isinstance(arguments, dict))
    assume(_is_valid(CASES[index]["schema"], arguments))
    return index, arguments


@st.composite
def invalid_case_arguments(draw: st.DrawFn) -> tuple[int, dict[str, Any]]:
    """Draw (case index, arguments broken by one mutation)."""
    breakable = [i for i, case in enumerate(CASES) if case["args_bad"]]
    index = draw(st.sampled_from(breakable))
    schema = CASES[index]["schema"]
    arguments = copy.deepcopy(draw(CASE_STRATEGIES[index]))
    assume(isinstance(arguments, dict))

    how = draw(st.sampled_from(["drop", "retype", "known-bad", "nested"]))
    if how == "drop" and arguments:
        arguments.pop(draw(st.sampled_from(sorted(arguments))))
    elif how == "retype":
        names = sorted(schema.get("properties", {})) or ["x"]
        arguments[draw(st.sampled_from(names))] = draw(ANY_JSON)
    elif how == "known-bad":
        arguments = copy.deepcopy(draw(st.sampled_from(CASES[index]["args_bad"])))
    else:
        nested = [k for k, v in arguments.items() if isinstance(v, dict) and v]
        if nested:
            inner = arguments[draw(st.sampled_from(nested))]
            inner[draw(st.sampled_from(sorted(inner)))] = draw(ANY_JSON)
    assume(not _is_valid(schema, arguments))
    return index, arguments


def test_no_invalid_argument_set_reaches_the_client(recording_client):
    # Arrange
    tools = [
        action_tool(_action(case), recording_client, CONNECTION_ID, name=f"case_{i}")
        for i, case in enumerate(CASES)
    ]
    refused = 0

    # Act
    @FUZZ
    @given(invalid_case_arguments())
    def check(drawn: tuple[int, dict[str, Any]]) -> None:
        nonlocal refused
        index, arguments = drawn
        message = _invoke(tools[index], arguments, refused)
        assert message.status == "error", (CASES[index]["id"], arguments)
        error = json.loads(message.content)["error"]
        assert error["type"] == "invalid_arguments"
        assert error["problems"], "each refusal names at least one problem"
        refused += 1

    check()

    # Assert
    assert refused >= 1000
    assert recording_client.runs == []


def test_every_valid_argument_set_reaches_the_client_unchanged(recording_client):
    # Arrange
    tools = [
        action_tool(_action(case), recording_client, CONNECTION_ID, name=f"case_{i}")
        for i, case in enumerate(CASES)
    ]
    passed = 0

    # Act
    @FUZZ
    @given(valid_case_arguments())
    def check(drawn: tuple[int, dict[str, Any]]) -> None:
        nonlocal passed
        index, arguments = drawn
        sent = copy.deepcopy(arguments)
        message = _invoke(tools[index], arguments, passed)
        assert message.status != "error", (
            CASES[index]["id"],
            arguments,
            message.content,
        )
        last = recording_client.runs[-1]
        assert last["input"] == sent
        assert json.dumps(last["input"], sort_keys=True) == json.dumps(
            sent, sort_keys=True
        ), "same values and same JSON types (no 1 -> 1.0, no defaults added)"
        assert last["action_id"] == f"act_{CASES[index]['id']}"
        assert last["connection_id"] == CONNECTION_ID
        passed += 1

    check()

    # Assert
    assert passed >= 1000
    assert len(recording_client.runs) == passed


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
async def test_async_and_sync_refuse_the_known_bad_arguments_alike(
    case, recording_client
):
    # Arrange
    tool = action_tool(_action(case), recording_client, CONNECTION_ID, name="case")

    for index, arguments in enumerate(case["args_bad"]):
        # Act
        call = {
            "name": "case",
            "args": arguments,
            "id": f"b{index}",
            "type": "tool_call",
        }
        sync_message = tool.invoke(call)
        async_message = await tool.ainvoke(call)

        # Assert
        assert sync_message.status == async_message.status == "error"
        assert sync_message.content == async_message.content
    assert recording_client.runs == []


def _standin_workspace(standin) -> None:
    """Add one action per case to the stand-in's catalog."""
    data = standin.read()
    data.setdefault("actions", []).extend(
        _action(case).model_dump(by_alias=True, exclude_none=True) for case in CASES
    )
    standin.write(data)


def test_a_sample_through_the_real_stand_in_matches_what_it_recorded(standin):
    # Arrange
    _standin_workspace(standin)
    client = standin.client()
    tools = [
        action_tool(_action(case), client, CONNECTION_ID, name=f"case_{i}")
        for i, case in enumerate(CASES)
    ]
    sent: list[dict[str, Any]] = []
    refused = 0

    # Act
    @settings(FUZZ, max_examples=25)
    @given(valid_case_arguments(), invalid_case_arguments())
    def check(
        valid: tuple[int, dict[str, Any]], invalid: tuple[int, dict[str, Any]]
    ) -> None:
        nonlocal refused
        index, arguments = valid
        sent.append(copy.deepcopy(arguments))
        message = _invoke(tools[index], arguments, len(sent))
        assert message.status != "error", message.content

        index, arguments = invalid
        message = _invoke(tools[index], arguments, len(sent))
        assert message.status == "error"
        refused += 1

    check()

    # Assert
    runs = standin.calls("action run")
    assert [run.get("input") for run in runs] == sent
    assert refused == len(sent)
