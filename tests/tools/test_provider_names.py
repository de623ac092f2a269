"""Problems of a provider-form call name the keys the model saw, not the originals."""

from __future__ import annotations

import json

import pytest

from fake_membrane import FakeClient
from membrane_pusher.formats import to_anthropic_tool
from membrane_pusher.membrane.models import Action
from membrane_pusher.tools.action_tool import action_tool
from membrane_pusher.tools.provider_names import in_provider_names

SCHEMA = {
    "type": "object",
    "properties": {
        "filter[name]": {"type": "string"},
        "nested": {
            "type": "object",
            "properties": {"first name": {"type": "integer"}},
            "required": ["first name"],
        },
        "plain": {"type": "string"},
    },
    "required": ["filter[name]"],
}


@pytest.fixture
def tool():
    action = Action(id="act_1", key="find", inputSchema=SCHEMA)
    return action_tool(action, FakeClient(), "con_1")


def problems_of(message) -> list[str]:
    assert message.status == "error", message.content
    return json.loads(message.content)["error"]["problems"]


def test_the_anthropic_form_renames_the_keys_of_this_schema(tool):
    properties = to_anthropic_tool(tool)["input_schema"]["properties"]

    assert set(properties) == {"filter_name", "nested", "plain"}
    assert "first_name" in properties["nested"]["properties"]


def test_problems_name_the_aliases_the_model_sent(tool):
    # Arrange: a wrong type under an alias, and a missing nested alias
    bound = tool.for_provider("anthropic")
    args = {"filter_name": 3, "nested": {}}

    # Act
    message = bound.invoke(
        {"type": "tool_call", "id": "1", "name": "find", "args": args}
    )

    # Assert
    problems = problems_of(message)
    assert any(p.startswith("filter_name: 3 is not of type") for p in problems)
    assert any(
        p.startswith("nested: 'first_name' is a required property") for p in problems
    )
    assert not any("filter[name]" in p or "first name" in p for p in problems)


def test_a_missing_top_level_alias_is_named_as_the_model_knows_it(tool):
    bound = tool.for_provider("anthropic")

    message = bound.invoke({"type": "tool_call", "id": "1", "name": "find", "args": {}})

    assert problems_of(message) == ["$: 'filter_name' is a required property"]


def test_the_original_form_keeps_the_original_names(tool):
    message = tool.invoke({"type": "tool_call", "id": "1", "name": "find", "args": {}})

    assert problems_of(message) == ["$: 'filter[name]' is a required property"]


def test_paths_with_indexes_and_quoted_keys_are_rewritten(tool):
    lines = [
        '["filter[name]"]: bad',
        'nested["first name"]: bad',
        "plain: bad",
        "not a path line",
    ]

    rewritten = in_provider_names(tool, "anthropic", lines)

    assert rewritten == [
        "filter_name: bad",
        "nested.first_name: bad",
        "plain: bad",
        "not a path line",
    ]
    assert in_provider_names(tool, "openai", lines) is lines
