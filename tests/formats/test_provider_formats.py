"""Every shared case in every provider format: accepted shapes, calls mapped back."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from fake_membrane import FakeClient
from membrane_pusher.formats import (
    anthropic_key_aliases,
    from_provider_arguments,
    to_anthropic_tool,
    to_gemini_tool,
    to_mcp_tool,
    to_openai_tool,
)
from membrane_pusher.membrane.models import Action
from membrane_pusher.schema.refs import resolve_local_ref
from membrane_pusher.tools import action_tool

CASE_FILE = Path(__file__).parents[1] / "schema" / "data" / "schema_cases.json"
CASES = json.loads(CASE_FILE.read_text())
IDS = [c["id"] for c in CASES]
KEY = r"^[a-zA-Z0-9_.-]{1,64}$"


def make_tool(schema, client=None, **metadata):
    action = Action(id="act_1", key="do.it", name="Do it", inputSchema=schema)
    tool = action_tool(action, client or FakeClient(), "con_1")
    tool.metadata = {**(tool.metadata or {}), **metadata}
    return tool


def nodes(schema: Any):
    """Every subschema of a provider schema (dicts only)."""
    if isinstance(schema, dict):
        yield schema
        for key, value in schema.items():
            if key in {"properties", "$defs"}:
                for sub in value.values():
                    yield from nodes(sub)
            elif key in {"items", "additionalProperties"}:
                yield from nodes(value)
            elif key in {"anyOf", "oneOf", "allOf"}:
                for sub in value:
                    yield from nodes(sub)


def kinds(node):
    kind = node.get("type")
    return set(kind) if isinstance(kind, list) else {kind}


def strict_form(args: Any, schema: Any, root: dict[str, Any]) -> Any:
    """What a model bound by a strict schema sends: null for omitted fields."""
    if isinstance(schema, dict) and "$ref" in schema:
        schema = resolve_local_ref(root, schema["$ref"])
    if isinstance(schema, dict) and "anyOf" in schema and isinstance(args, dict):
        for branch in schema["anyOf"]:
            resolved = (
                resolve_local_ref(root, branch["$ref"]) if "$ref" in branch else branch
            )
            if set(args) <= set(resolved.get("properties", {})):
                return strict_form(args, resolved, root)
    if isinstance(args, dict) and isinstance(schema, dict) and "properties" in schema:
        props = schema["properties"]
        return {
            k: strict_form(args.get(k), props[k], root) if k in args else None
            for k in props
        }
    if isinstance(args, list) and isinstance(schema, dict) and "items" in schema:
        return [strict_form(a, schema["items"], root) for a in args]
    return args


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_openai_plain_has_properties_and_items_everywhere(case):
    function = to_openai_tool(make_tool(case["schema"]))["function"]

    parameters = function["parameters"]
    assert parameters["type"] == "object"
    assert not {"anyOf", "oneOf", "allOf"} & parameters.keys()
    for node in nodes(parameters):
        if "object" in kinds(node):
            assert "properties" in node
        if "array" in kinds(node):
            assert "items" in node


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_openai_strict_rules_and_calls_mapped_back(case):
    client = FakeClient()
    tool = make_tool(case["schema"], client)
    function = to_openai_tool(tool, strict=True)["function"]
    parameters = function["parameters"]
    bound = tool.for_provider("openai", strict=function["strict"])

    if function["strict"]:
        for node in nodes(parameters):
            assert "default" not in node
            assert "oneOf" not in node
            if "$ref" in node:
                assert set(node) == {"$ref"}
            if "properties" in node:
                assert node["additionalProperties"] is False
                assert node["required"] == list(node["properties"])
    for args in case["args_ok"]:
        sent = strict_form(args, parameters, parameters) if function["strict"] else args
        message = await bound.ainvoke(
            {"type": "tool_call", "id": "1", "name": tool.name, "args": sent}
        )
        assert message.status == "success", message.content
        received = client.sent[-1]
        # A field that was optional *and* nullable keeps the model's null:
        # null is a valid value there, so it cannot be told from "omitted".
        assert {k: v for k, v in received.items() if k in args} == args
        assert all(received[k] is None for k in received.keys() - args.keys())
    for args in case["args_bad"]:
        strict = function["strict"]
        mapped = from_provider_arguments(tool, "openai", args, strict=strict)
        if mapped == args:  # a null for an omitted field is fine in strict form
            assert bound.invoke(args).startswith('{"error"')


def test_strict_optional_fields_nullable_and_nulls_dropped(caplog):
    schema = CASES[IDS.index("strict-mode-optional-fields")]["schema"]
    tool = make_tool(schema)

    parameters = to_openai_tool(tool, strict=True)["function"]["parameters"]
    mapped = from_provider_arguments(
        tool, "openai", {"query": "x", "limit": None, "unit": None}, strict=True
    )

    assert parameters["properties"]["limit"] == {
        "type": ["integer", "null"],
        "description": "Default: 10.",
    }
    assert parameters["properties"]["unit"]["enum"] == ["c", "f", None]
    assert mapped == {"query": "x"}


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"paths": {"type": "array"}}},
        {"type": "object", "properties": {"m": {"type": "object"}}},
        {
            "type": "object",
            "properties": {
                "m": {"additionalProperties": {"type": "string"}, "type": "object"}
            },
        },
        {"type": "object", "patternProperties": {"^x": {}}, "properties": {}},
        {"type": "object", "properties": {"any": {}}},
    ],
)
def test_strict_falls_back_per_tool_and_logs(schema, caplog):
    caplog.set_level(logging.WARNING)

    function = to_openai_tool(make_tool(schema), strict=True)["function"]

    assert function["strict"] is False
    assert "cannot use OpenAI strict mode" in caplog.text


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_anthropic_root_keys_and_mapping_back(case):
    client = FakeClient()
    tool = make_tool(case["schema"], client)
    schema = to_anthropic_tool(tool)["input_schema"]
    aliases = {v: k for k, v in anthropic_key_aliases(tool).items()}
    bound = tool.for_provider("anthropic")

    assert schema["type"] == "object"
    assert not {"anyOf", "oneOf", "allOf"} & schema.keys()
    for node in nodes(schema):
        for key in node.get("properties", {}):
            assert __import__("re").match(KEY, key)
    for args in case["args_ok"]:
        sent = {aliases.get(k, k): v for k, v in args.items()}
        message = await bound.ainvoke(
            {"type": "tool_call", "id": "1", "name": tool.name, "args": sent}
        )
        assert message.status == "success", message.content
        assert client.sent[-1] == args


def test_anthropic_alias_for_illegal_key():
    schema = CASES[IDS.index("non-identifier-property-names")]["schema"]
    tool = make_tool(schema)

    properties = to_anthropic_tool(tool)["input_schema"]["properties"]
    mapped = from_provider_arguments(
        tool, "anthropic", {"from": "a", "resourceType": "p", "filter_name": "f"}
    )

    assert list(properties) == [
        "from",
        "class",
        "first-name",
        "user.id",
        "_id",
        "resourceType",
        "filter_name",
    ]
    assert "filter[name]" in properties["filter_name"]["description"]
    assert mapped == {"from": "a", "resourceType": "p", "filter[name]": "f"}


def test_root_union_lifted_with_combinations_described():
    schema = CASES[IDS.index("top-level-anyof")]["schema"]

    lifted = to_anthropic_tool(make_tool(schema))["input_schema"]

    assert set(lifted["properties"]) == {"content", "source_url"}
    assert "required" not in lifted
    assert '("content") or ("source_url")' in lifted["description"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_gemini_subset_and_calls_pass(case):
    client = FakeClient()
    tool = make_tool(case["schema"], client)
    declaration = to_gemini_tool(tool)
    bound = tool.for_provider("gemini")

    text = json.dumps(declaration)
    assert "$ref" not in text
    assert "$defs" not in text
    assert "additionalProperties" not in text
    for node in nodes(declaration.get("parameters")):
        assert "const" not in node
        assert "oneOf" not in node
        assert isinstance(node.get("type"), str) or "anyOf" in node
        if "enum" in node:
            assert node["type"] == "string"
            assert all(isinstance(v, str) for v in node["enum"])
        if node.get("type") == "array":
            assert "items" in node
        if "format" in node:
            assert node["format"] in {
                "enum",
                "date-time",
                "int32",
                "int64",
                "float",
                "double",
            }
    for args in case["args_ok"]:
        message = await bound.ainvoke(
            {"type": "tool_call", "id": "1", "name": tool.name, "args": args}
        )
        assert message.status == "success"
        assert client.sent[-1] == args


def test_gemini_specifics():
    enum_case = CASES[IDS.index("enum-non-string")]["schema"]
    nullable_case = CASES[IDS.index("nullable-type-array")]["schema"]
    const_case = CASES[IDS.index("oneof-const-discriminator")]["schema"]

    enums = to_gemini_tool(make_tool(enum_case))["parameters"]["properties"]
    nullable = to_gemini_tool(make_tool(nullable_case))["parameters"]["properties"]
    union = to_gemini_tool(make_tool(const_case))["parameters"]["properties"]["change"]
    no_args = to_gemini_tool(make_tool({"type": "object"}))

    assert enums["duration"]["type"] == "integer"
    assert "enum" not in enums["duration"]
    assert "60, 1440, 4320" in enums["duration"]["description"]
    assert enums["level"]["nullable"] is True
    assert nullable["tags"] == {
        "type": "array",
        "items": {"type": "string"},
        "nullable": True,
    }
    assert union["anyOf"][0]["properties"]["action"] == {
        "type": "string",
        "enum": ["set_title"],
    }
    assert "parameters" not in no_args


def test_gemini_moves_formats_and_cuts_recursion():
    recursive = CASES[IDS.index("ref-recursive")]["schema"]
    schema = {
        "type": "object",
        "properties": {"mail": {"type": "string", "format": "email"}},
    }

    mail = to_gemini_tool(make_tool(schema))["parameters"]["properties"]["mail"]
    tree = json.dumps(to_gemini_tool(make_tool(recursive)))

    assert mail == {"type": "string", "description": "Format: email."}
    assert "levels deep" in tree


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_mcp_passes_the_model_facing_schema(case):
    tool = make_tool(case["schema"], read_only=False, destructive=True)

    definition = to_mcp_tool(tool)

    assert definition["name"] == tool.name
    assert definition["inputSchema"] == tool.args_schema
    assert definition["inputSchema"]["type"] == "object"
    assert definition["annotations"] == {"readOnlyHint": False, "destructiveHint": True}


def test_formats_never_change_the_tool():
    schema = CASES[IDS.index("ref-defs")]["schema"]
    tool = make_tool(schema)
    before = json.dumps(tool.args_schema, sort_keys=True)

    for convert in (to_anthropic_tool, to_gemini_tool, to_mcp_tool):
        convert(tool)
    to_openai_tool(tool, strict=True)

    assert json.dumps(tool.args_schema, sort_keys=True) == before
