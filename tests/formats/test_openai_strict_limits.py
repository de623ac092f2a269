"""OpenAI strict form: types for enums, documented size limits, old-draft bounds.

OpenAI refuses a strict schema with an enum or const that has no `type`, one
over its documented limits (object nesting, total properties, total enum
values, long enums of long strings), and any non-standard keyword value. Such
tools must either be converted or fall back to the plain form with a log
line, never be sent as strict and refused.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from fake_membrane import FakeClient
from membrane_pusher.formats import to_anthropic_tool, to_gemini_tool, to_openai_tool
from membrane_pusher.formats.openai import (
    STRICT_MAX_ENUM_VALUES,
    STRICT_MAX_NESTING,
    STRICT_MAX_PROPERTIES,
)
from membrane_pusher.membrane.models import Action
from membrane_pusher.tools.action_tool import action_tool


def make_tool(schema: Any) -> Any:
    action = Action(id="act_1", key="do.it", name="Do it", inputSchema=schema)
    return action_tool(action, FakeClient(), "con_1")


def strict_function(schema: Any) -> dict[str, Any]:
    function: dict[str, Any] = to_openai_tool(make_tool(schema), strict=True)[
        "function"
    ]
    return function


def nested_objects(levels: int) -> dict[str, Any]:
    """A root object with `levels` object levels in all (the root counted)."""
    node: dict[str, Any] = {"type": "string"}
    for _ in range(levels - 1):
        node = {"type": "object", "properties": {"x": node}, "required": ["x"]}
    return {"type": "object", "properties": {"x": node}, "required": ["x"]}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, "auto", None], ["integer", "string", "null"]),
        (["a", "b"], "string"),
        ([1, 2.5], "number"),
        ([True, False], "boolean"),
    ],
)
def test_enum_without_type_gets_the_type_of_its_values(values, expected):
    schema = {
        "type": "object",
        "properties": {"v": {"enum": values}},
        "required": ["v"],
    }

    function = strict_function(schema)

    assert function["strict"] is True
    assert function["parameters"]["properties"]["v"] == {
        "enum": values,
        "type": expected,
    }


def test_const_without_type_becomes_a_typed_enum():
    schema = {"type": "object", "properties": {"v": {"const": 3}}, "required": ["v"]}

    function = strict_function(schema)

    assert function["parameters"]["properties"]["v"] == {
        "enum": [3],
        "type": "integer",
    }


def test_optional_untyped_enum_becomes_nullable():
    schema = {"type": "object", "properties": {"v": {"enum": ["a", "b"]}}}

    function = strict_function(schema)

    assert function["parameters"]["properties"]["v"] == {
        "enum": ["a", "b", None],
        "type": ["string", "null"],
    }


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        (
            {"type": "object", "properties": {"v": {"enum": [{"a": 1}, "x"]}}},
            "enum with object or array values",
        ),
        (nested_objects(STRICT_MAX_NESTING + 1), "levels deep"),
        (
            {
                "type": "object",
                "properties": {
                    f"p{i}": {"type": "integer"}
                    for i in range(STRICT_MAX_PROPERTIES + 1)
                },
            },
            "properties in all",
        ),
        (
            {
                "type": "object",
                "properties": {
                    "a": {"enum": list(range(STRICT_MAX_ENUM_VALUES // 2 + 1))},
                    "b": {"enum": list(range(STRICT_MAX_ENUM_VALUES // 2 + 1))},
                },
            },
            "enum values in all",
        ),
        (
            {
                "type": "object",
                "properties": {
                    "v": {"enum": [f"{i:03d}" + "x" * 60 for i in range(260)]}
                },
                "required": ["v"],
            },
            "an enum of 260 values",
        ),
        (
            {
                "type": "object",
                "$defs": {"S": {"type": "string"}},
                "properties": {
                    "p": {"$ref": "#/$defs/S", "maxLength": 3, "enum": ["ab", "c"]}
                },
                "required": ["p"],
            },
            "constraints beside a $ref (enum, maxLength)",
        ),
    ],
)
def test_schemas_openai_would_refuse_fall_back_with_a_log(schema, reason, caplog):
    caplog.set_level(logging.WARNING)

    function = strict_function(schema)

    assert function["strict"] is False
    assert "cannot use OpenAI strict mode" in caplog.text
    assert reason in caplog.text


def test_nesting_at_the_limit_stays_strict():
    assert strict_function(nested_objects(STRICT_MAX_NESTING))["strict"] is True


def test_recursion_adds_no_nesting_level():
    schema = {
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/Node"}},
        "required": ["root"],
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {
                    "kids": {"type": "array", "items": {"$ref": "#/$defs/Node"}}
                },
                "required": ["kids"],
            }
        },
    }

    assert strict_function(schema)["strict"] is True


DRAFT4 = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "properties": {
        "above": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
        "upto": {"type": "number", "maximum": 9, "exclusiveMaximum": False},
        "alone": {"type": "number", "exclusiveMaximum": True},
    },
    "required": ["above", "upto", "alone"],
}


@pytest.mark.parametrize("strict", [True, False])
def test_draft4_boolean_bounds_become_numeric(strict):
    function = to_openai_tool(make_tool(DRAFT4), strict=strict)["function"]

    properties = function["parameters"]["properties"]

    assert properties["above"] == {"type": "number", "exclusiveMinimum": 0}
    assert properties["upto"] == {"type": "number", "maximum": 9}
    assert properties["alone"] == {"type": "number"}


def test_draft4_bounds_for_anthropic_and_gemini_too():
    tool = make_tool(DRAFT4)

    anthropic = to_anthropic_tool(tool)["input_schema"]["properties"]
    gemini = to_gemini_tool(tool)["parameters"]["properties"]

    assert anthropic["above"] == {"type": "number", "exclusiveMinimum": 0}
    assert gemini["above"] == {"type": "number", "description": "exclusiveMinimum: 0."}


async def test_draft4_bounds_still_validated_as_draft4():
    tool = make_tool(DRAFT4)

    message = await tool.ainvoke(
        {
            "type": "tool_call",
            "id": "1",
            "name": tool.name,
            "args": {"above": 0, "upto": 9, "alone": 1},
        }
    )

    assert message.status == "error"
    assert "above: 0 is less than or equal to the minimum of 0" in message.content
