"""Generated arguments against every shared schema case, through action tools.

Valid argument sets (generated from the schema by hypothesis-jsonschema, or by
`schema_strategies` for recursive `$ref`s) must reach the client exactly as
sent. Invalid ones (a valid set with one targeted mutation, confirmed invalid
by plain jsonschema; see `case_mutations`) must never reach it; they start from
`schema_strategies`' own generator, three to eight times faster to draw than
hypothesis-jsonschema, since the starting set only carries the mutation. Each
case gets its own run, so the small schemas are fuzzed as much as the rich
ones, and each direction sends at least 1,000 distinct argument sets. The bulk
runs against an in-process recording client; a smaller sample runs through the
real stand-in CLI and is compared with what it recorded.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from case_mutations import broken_variants, is_valid
from fuzz_support import DISTINCT_FLOOR, DistinctSets, canonical, fuzz_settings
from hypothesis import assume, given
from hypothesis import strategies as st
from langchain_core.messages import ToolMessage
from schema_strategies import case_strategy, from_json_schema

from membrane_pusher.membrane.models import Action
from membrane_pusher.tools.action_tool import action_tool

CASES_FILE = Path(__file__).parents[1] / "schema" / "data" / "schema_cases.json"
CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))
CONNECTION_ID = "con_pusher_sandbox"
# hypothesis-jsonschema where it can; the hand-made generator for recursive $ref.
CASE_STRATEGIES = [case_strategy(case["schema"]) for case in CASES]
# The starting points of the mutations: the hand-made generator, kept to valid sets.
MUTATION_BASES = [
    from_json_schema(case["schema"]).filter(
        lambda arguments, schema=case["schema"]: is_valid(schema, arguments)
    )
    for case in CASES
]
BREAKABLE = [index for index, case in enumerate(CASES) if case["args_bad"]]

# Examples per case (each sends at least one set it had not sent before). The
# case with no constraint (`{"type": "object"}`) cannot be broken.
VALID_PER_CASE = 85
INVALID_PER_CASE = 55


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


def _invoke(tool: Any, arguments: dict[str, Any], index: int) -> ToolMessage:
    """Invoke with a ToolCall, as an agent does."""
    message = tool.invoke(
        {"name": tool.name, "args": arguments, "id": f"c{index}", "type": "tool_call"}
    )
    assert isinstance(message, ToolMessage)
    return message


def _tools(client: Any) -> list[Any]:
    """One action tool per case, in case order."""
    return [
        action_tool(_action(case), client, CONNECTION_ID, name=f"case_{i}")
        for i, case in enumerate(CASES)
    ]


@pytest.fixture
def case_tools(recording_client) -> list[Any]:
    """One action tool per case on the in-process recording client."""
    return _tools(recording_client)


@st.composite
def valid_case_arguments(draw: st.DrawFn) -> tuple[int, dict[str, Any]]:
    """Draw (case index, arguments valid for that case's schema)."""
    index = draw(st.integers(0, len(CASES) - 1))
    arguments = draw(CASE_STRATEGIES[index])
    assume(isinstance(arguments, dict))
    assume(is_valid(CASES[index]["schema"], arguments))
    return index, arguments


@st.composite
def invalid_case_arguments(draw: st.DrawFn) -> tuple[int, dict[str, Any]]:
    """Draw (case index, arguments broken by one mutation)."""
    index = draw(st.sampled_from(BREAKABLE))
    variants = draw(broken_variants(CASES[index], MUTATION_BASES[index]))
    return index, variants[0]


def test_no_invalid_argument_set_reaches_the_client(case_tools, recording_client):
    # Arrange
    refused = DistinctSets()

    # Act
    @fuzz_settings(INVALID_PER_CASE)
    @given(data=st.data())
    def check(index: int, data: st.DataObject) -> None:
        case = CASES[index]
        variants = data.draw(broken_variants(case, MUTATION_BASES[index]))
        fresh = [a for a in variants if refused.is_new(case["id"], a)]
        assume(fresh)
        for arguments in fresh:
            message = _invoke(case_tools[index], arguments, refused.calls)
            assert message.status == "error", (case["id"], arguments)
            error = json.loads(message.content)["error"]
            assert error["type"] == "invalid_arguments"
            assert error["problems"], "each refusal names at least one problem"
            assert recording_client.calls == [], (case["id"], arguments)
            refused.add(case["id"], arguments)

    for index in BREAKABLE:
        check(index)

    # Assert
    assert len(refused) == refused.calls >= DISTINCT_FLOOR, refused
    assert recording_client.calls == []


def test_every_valid_argument_set_reaches_the_client_unchanged(
    case_tools, recording_client
):
    # Arrange
    passed = DistinctSets()

    # Act
    @fuzz_settings(VALID_PER_CASE)
    @given(data=st.data())
    def check(index: int, data: st.DataObject) -> None:
        case = CASES[index]
        arguments = data.draw(CASE_STRATEGIES[index])
        assume(isinstance(arguments, dict))
        assume(is_valid(case["schema"], arguments))
        assume(passed.is_new(case["id"], arguments))
        sent = copy.deepcopy(arguments)

        message = _invoke(case_tools[index], arguments, passed.calls)

        assert message.status != "error", (case["id"], arguments, message.content)
        last = recording_client.runs[-1]
        assert last["input"] == sent
        assert canonical(last["input"]) == canonical(sent), (
            "same values and same JSON types (no 1 -> 1.0, no defaults added)"
        )
        assert last["action_id"] == f"act_{case['id']}"
        assert last["connection_id"] == CONNECTION_ID
        passed.add(case["id"], arguments)

    for index in range(len(CASES)):
        check(index)

    # Assert
    assert len(passed) == passed.calls >= DISTINCT_FLOOR, passed
    assert len(recording_client.calls) == passed.calls


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
    assert recording_client.calls == []


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
    tools = _tools(client)
    sent: list[dict[str, Any]] = []
    refused = 0

    # Act
    @fuzz_settings(25)
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
