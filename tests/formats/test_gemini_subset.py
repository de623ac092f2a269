"""Gemini declarations stay inside the OpenAPI subset Gemini accepts, at any depth.

Every declaration made from a shared case, from our own hard cases and from
the built-in Pusher tools is walked node by node: one type (or anyOf), no
OBJECT without properties (Gemini: "should be non-empty for OBJECT type"),
string enums only, known formats and fields only. Values Gemini cannot
declare travel as JSON text and are parsed back before validation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from provider_forms import NoTransport, gemini_form, is_json_text, make_tool

from fake_membrane import FakeClient
from membrane_pusher.formats import from_provider_arguments, to_gemini_tool
from membrane_pusher.pusher.tools import builtin_tools

CASE_FILE = Path(__file__).parents[1] / "schema" / "data" / "schema_cases.json"
CASES = json.loads(CASE_FILE.read_text())

# The fields of Gemini's `Schema` object.
GEMINI_FIELDS = {
    "type",
    "format",
    "title",
    "description",
    "nullable",
    "enum",
    "maxItems",
    "minItems",
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "minLength",
    "maxLength",
    "pattern",
    "example",
    "anyOf",
    "propertyOrdering",
    "default",
    "items",
    "minimum",
    "maximum",
}
GEMINI_TYPES = {"string", "number", "integer", "boolean", "array", "object"}
GEMINI_FORMATS = {"enum", "date-time", "int32", "int64", "float", "double"}

HARD_SCHEMAS = {
    "open-map": {"additionalProperties": {"type": "integer"}, "type": "object"},
    "typeless": {},
    "true-schema": True,
    "object-without-properties": {"type": "object", "minProperties": 1},
    "enum-of-objects": {"enum": [{"a": 1}, [1, 2], "x"]},
    "const-object": {"const": {"mode": "fast"}},
    "type-list-with-object": {"type": ["object", "string", "null"]},
    "union-with-bare-object": {"anyOf": [{"type": "object"}, {"type": "integer"}]},
    "all-of-open": {"allOf": [{"type": "object"}, {"minProperties": 1}]},
    "array-of-open-maps": {
        "type": "array",
        "items": {"type": "object", "additionalProperties": True},
    },
    "self-recursive-array": {"$ref": "#/$defs/A"},
    "anchor": {"$ref": "#thing"},
    "root-recursion": {"$ref": "#"},
}


def hard_case_schema(inner: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"v": inner, "n": {"type": "integer"}},
        "$defs": {
            "A": {"type": "array", "items": {"$ref": "#/$defs/A"}},
            "T": {"$anchor": "thing", "type": "integer", "minimum": 0},
        },
    }


def all_declarations() -> list[tuple[str, dict[str, Any]]]:
    declarations = [(c["id"], to_gemini_tool(make_tool(c["schema"]))) for c in CASES]
    declarations += [
        (name, to_gemini_tool(make_tool(hard_case_schema(inner))))
        for name, inner in HARD_SCHEMAS.items()
    ]
    declarations += [
        (tool.name, to_gemini_tool(tool)) for tool in builtin_tools(NoTransport())
    ]
    return declarations


DECLARATIONS = all_declarations()


def walk(node: Any, path: str = "$"):
    """Every node of a Gemini schema with its path."""
    assert isinstance(node, dict), path
    yield path, node
    for name, sub in node.get("properties", {}).items():
        yield from walk(sub, f"{path}.{name}")
    if "items" in node:
        yield from walk(node["items"], f"{path}[]")
    for index, sub in enumerate(node.get("anyOf", [])):
        yield from walk(sub, f"{path}|{index}")


@pytest.mark.parametrize(
    "declaration", [d for _, d in DECLARATIONS], ids=[n for n, _ in DECLARATIONS]
)
def test_every_node_is_in_the_gemini_subset(declaration):
    parameters = declaration.get("parameters")
    if parameters is None:
        return

    assert parameters["type"] == "object"
    for path, node in walk(parameters):
        assert set(node) <= GEMINI_FIELDS, (path, set(node) - GEMINI_FIELDS)
        if "anyOf" in node:
            assert "type" not in node, path
            assert node["anyOf"], path
        else:
            assert node.get("type") in GEMINI_TYPES, path
        if node.get("type") == "object":
            assert node.get("properties"), f"OBJECT without properties at {path}"
        if node.get("type") == "array":
            assert isinstance(node.get("items"), dict), path
        if "enum" in node:
            assert node["type"] == "string", path
            assert all(isinstance(v, str) for v in node["enum"]), path
        if "format" in node:
            assert node["format"] in GEMINI_FORMATS, path
        if "nullable" in node:
            assert node["nullable"] is True, path
        if "required" in node:
            assert node["required"], path
            assert set(node["required"]) <= set(node["properties"]), path
        if "description" in node:
            assert isinstance(node["description"], str), path


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_shared_cases_mention_no_unsupported_keyword_at_all(case):
    text = json.dumps(to_gemini_tool(make_tool(case["schema"])))

    for keyword in ("$ref", "$defs", "additionalProperties", "const", "oneOf"):
        assert keyword not in text


@pytest.mark.parametrize("name", list(HARD_SCHEMAS))
def test_hard_values_become_json_text_or_declared_shapes(name):
    declaration = to_gemini_tool(make_tool(hard_case_schema(HARD_SCHEMAS[name])))

    node = declaration["parameters"]["properties"]["v"]

    if name in {"self-recursive-array", "array-of-open-maps"}:
        while node.get("type") == "array":
            node = node["items"]
        assert is_json_text(node)
    elif name == "anchor":
        assert node == {"type": "integer", "minimum": 0}
    elif name == "root-recursion":
        assert node["type"] == "object"
        assert set(node["properties"]) == {"v", "n"}
    else:
        assert is_json_text(node)


@pytest.mark.parametrize(
    ("inner", "value"),
    [
        (HARD_SCHEMAS["open-map"], {"a": 1, "b": 2}),
        (HARD_SCHEMAS["typeless"], [1, "two", {"three": None}]),
        (HARD_SCHEMAS["type-list-with-object"], {"k": "v"}),
        (HARD_SCHEMAS["type-list-with-object"], "text"),
        (HARD_SCHEMAS["union-with-bare-object"], 7),
        (HARD_SCHEMAS["enum-of-objects"], {"a": 1}),
        (HARD_SCHEMAS["const-object"], {"mode": "fast"}),
        (HARD_SCHEMAS["array-of-open-maps"], [{"x": 1}, {}]),
        (HARD_SCHEMAS["self-recursive-array"], [[[[[]]]]]),
    ],
)
async def test_json_text_is_parsed_back_before_validation(inner, value):
    client = FakeClient()
    tool = make_tool(hard_case_schema(inner), client)
    parameters = to_gemini_tool(tool)["parameters"]
    bound = tool.for_provider("gemini")

    sent = gemini_form({"v": value}, parameters)
    message = await bound.ainvoke(
        {"type": "tool_call", "id": "1", "name": tool.name, "args": sent}
    )

    assert sent != {"v": value}
    assert message.status == "success", message.content
    assert client.sent[-1] == {"v": value}


def test_text_that_is_not_json_is_passed_on_for_validation_to_judge():
    tool = make_tool(hard_case_schema(HARD_SCHEMAS["open-map"]))
    bound = tool.for_provider("gemini")

    mapped = from_provider_arguments(tool, "gemini", {"v": "{not json", "n": 1})
    message = bound.invoke(
        {"type": "tool_call", "id": "1", "name": tool.name, "args": {"v": "{nope"}}
    )

    assert mapped == {"v": "{not json", "n": 1}
    assert message.status == "error"
    assert "v: '{nope' is not of type 'object'" in message.content


def test_json_text_refuses_what_strict_json_refuses():
    tool = make_tool(hard_case_schema(HARD_SCHEMAS["typeless"]))

    mapped = from_provider_arguments(tool, "gemini", {"v": '{"a": NaN}'})
    repeated = from_provider_arguments(tool, "gemini", {"v": '{"a": 1, "a": 2}'})

    assert mapped == {"v": '{"a": NaN}'}
    assert repeated == {"v": '{"a": 1, "a": 2}'}


def test_only_json_text_nodes_are_parsed():
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "extra": {}},
    }
    tool = make_tool(schema)

    mapped = from_provider_arguments(tool, "gemini", {"name": "[1]", "extra": "[1]"})

    assert mapped == {"name": "[1]", "extra": [1]}
