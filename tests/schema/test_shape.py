"""A catalog schema too malformed to check never becomes a tool, and says why."""

from __future__ import annotations

import copy
import logging

import pytest

from fake_membrane import NOTE_ACTION, FakeClient, add_note_action
from membrane_pusher.errors import ConfigurationError
from membrane_pusher.membrane.models import Action
from membrane_pusher.pusher.toolkit import PusherToolkit
from membrane_pusher.schema.shape import schema_shape_problem
from membrane_pusher.schema.validate import ArgumentValidator
from membrane_pusher.tools.action_tool import action_tool

MALFORMED = [
    ({"type": "object", "required": 5}, "required: must be a list"),
    ({"type": "object", "required": ["a", 1]}, "required: must list property names"),
    ({"properties": [1, 2]}, "properties: must map names to subschemas"),
    (
        {"properties": {"a": "string"}},
        "properties.a: a subschema must be an object or a boolean",
    ),
    ({"anyOf": {"type": "string"}}, "anyOf: must be a list of subschemas"),
    ({"$defs": [1]}, '["$defs"]: must map names to subschemas'),
    ({"$ref": 5}, '["$ref"]: must be a string'),
    ({"properties": {"a": {"type": 5}}}, "properties.a.type: must be a type name"),
    ({"properties": {"a": {"enum": "x"}}}, "properties.a.enum: must be a list"),
    ({"type": "array"}, "$: a tool's arguments are an object"),
    ([1], "$: the input schema must be an object"),
]

WELL_FORMED = [
    None,
    {},
    {"type": ["object", "null"], "properties": {"a": True, "b": False}},
    {"properties": {"enum": {"type": "string"}, "required": {"type": "integer"}}},
    {"properties": {"a": {"items": [{"type": "string"}, True]}}},
    {"$defs": {"T": {"$ref": "#/$defs/T"}}, "properties": {"t": {"$ref": "#/$defs/T"}}},
]


@pytest.mark.parametrize(("schema", "problem"), MALFORMED)
def test_each_malformed_shape_is_named_with_its_path(schema, problem):
    assert schema_shape_problem(schema).startswith(problem)


@pytest.mark.parametrize("schema", WELL_FORMED)
def test_well_formed_schemas_pass(schema):
    assert schema_shape_problem(schema) == ""


def test_action_tool_refuses_a_malformed_schema_clearly():
    action = Action(id="act_1", key="broken", inputSchema={"required": 5})

    with pytest.raises(ConfigurationError) as caught:
        action_tool(action, FakeClient(), "con_1")

    assert "broken has a malformed inputSchema (required: must be a list)" in (
        caught.value.message
    )


def test_the_toolkit_leaves_a_malformed_action_out_and_keeps_the_rest(standin, caplog):
    # Arrange: the note action, and a broken twin found by the same intent
    add_note_action(standin)
    data = standin.read()
    broken = {**copy.deepcopy(NOTE_ACTION), "id": "act_broken", "key": "note-broken"}
    broken["inputSchema"] = {"type": "object", "properties": [1]}
    data["actions"].append(broken)
    standin.write(data)
    toolkit = PusherToolkit(
        client=standin.client(),
        connection_id="con_pusher_sandbox",
        intents=["note"],
        builtins=False,
    )

    # Act
    with caplog.at_level(logging.WARNING):
        names = [tool.name for tool in toolkit.get_tools()]

    # Assert
    assert "note" in names
    assert "note-broken" not in names
    assert "catalog action note-broken left out" in caplog.text


def test_a_validator_on_a_malformed_schema_reports_instead_of_crashing():
    validator = ArgumentValidator({"type": "object", "required": 5})

    [problem] = validator.problems({"a": "x"})

    assert problem.startswith("$: this tool's schema cannot be checked (TypeError")
