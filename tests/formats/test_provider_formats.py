"""Every shared case in every provider format: accepted shapes, calls mapped back.

Each case's arguments (good and bad) are sent in the form a model reading that
provider's definition would use (see `provider_forms`), through the tool bound
to that form with `for_provider`, with `invoke` and with `ainvoke`. Good calls
must reach the action exactly as the original arguments; bad ones must be
refused before anything is sent. Each case's documented expectation (the
`expect` of the shared case file) is asserted on the definitions too.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from provider_forms import (
    FORMS,
    aliased,
    bind,
    call,
    is_json_text,
    same_but_added_nulls,
    strict_form,
)

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
from membrane_pusher.tools.action_tool import action_tool

CASE_FILE = Path(__file__).parents[1] / "schema" / "data" / "schema_cases.json"
CASES = json.loads(CASE_FILE.read_text())
IDS = [c["id"] for c in CASES]
KEY = re.compile(r"^[a-zA-Z0-9_.-]{1,64}$")
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

# Cases of our own beside the shared ones: renamed keys below the top level
# (in a nested object, in `$defs` reached through a `$ref`, in a union
# branch), and values Gemini can only take as JSON text.
NESTED_KEYS_CASE = {
    "id": "nested-illegal-keys",
    "schema": {
        "type": "object",
        "properties": {
            "filter": {
                "type": "object",
                "properties": {
                    "name[eq]": {"type": "string"},
                    "ok": {"type": "integer"},
                },
                "required": ["name[eq]"],
                "additionalProperties": False,
            },
            "rows": {"type": "array", "items": {"$ref": "#/$defs/Row"}},
            "pick": {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {"a b": {"type": "string"}},
                        "required": ["a b"],
                        "additionalProperties": False,
                    },
                    {"type": "string"},
                ]
            },
        },
        "required": ["filter"],
        "$defs": {
            "Row": {
                "type": "object",
                "properties": {"col/1": {"type": "number"}},
                "additionalProperties": False,
            }
        },
    },
    "args_ok": [
        {"filter": {"name[eq]": "x"}},
        {
            "filter": {"name[eq]": "x", "ok": 1},
            "rows": [{"col/1": 2.5}, {}],
            "pick": {"a b": "y"},
        },
        {"filter": {"name[eq]": "x"}, "pick": "plain"},
    ],
    "args_bad": [
        {"filter": {}},
        {"filter": {"name[eq]": 1}},
        {"filter": {"name[eq]": "x"}, "rows": [{"col/1": "no"}]},
        {"filter": {"name[eq]": "x"}, "rows": [{"other": 1}]},
        {"filter": {"name[eq]": "x"}, "pick": {"a b": 3}},
    ],
}
JSON_TEXT_CASE = {
    "id": "values-gemini-takes-as-json-text",
    "schema": {
        "type": "object",
        "properties": {
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "payload": {},
            "shape": {"anyOf": [{"type": "object"}, {"type": "integer"}]},
            "tree": {"$ref": "#/$defs/T"},
        },
        "required": ["labels"],
        "$defs": {
            "T": {
                "type": "object",
                "properties": {
                    "v": {"type": "integer"},
                    "kids": {"type": "array", "items": {"$ref": "#/$defs/T"}},
                },
                "required": ["v"],
            }
        },
    },
    "args_ok": [
        {"labels": {"a": "b"}},
        {
            "labels": {},
            "payload": {"x": [1, {"y": None}]},
            "shape": {"k": 1},
            "tree": {
                "v": 1,
                "kids": [{"v": 2, "kids": [{"v": 3, "kids": [{"v": 4, "kids": []}]}]}],
            },
        },
        {"labels": {"a": "b"}, "payload": "text", "shape": 3},
    ],
    "args_bad": [
        {"labels": {"a": 1}},
        {"labels": "not json"},
        {
            "labels": {},
            "tree": {
                "v": 1,
                "kids": [{"v": 2, "kids": [{"v": 3, "kids": [{"v": "deep"}]}]}],
            },
        },
    ],
}
ALL_CASES = [*CASES, NESTED_KEYS_CASE, JSON_TEXT_CASE]
ALL_IDS = [c["id"] for c in ALL_CASES]

# The cases OpenAI strict mode cannot express, with the reason logged for each;
# every other case must convert to the strict form.
STRICT_FALLBACKS = {
    "array-without-items": "an array without an item type",
    JSON_TEXT_CASE["id"]: "an object with free-form keys (open map)",
}
STRICT_CASES = [c for c in ALL_CASES if c["id"] not in STRICT_FALLBACKS]
STRICT_IDS = [c["id"] for c in STRICT_CASES]

# The one documented way a bad call becomes good: in OpenAI strict form a null
# for a field that was optional and not nullable means "left out".
STRICT_NULLS_DROPPED = {("strict-mode-optional-fields", 2): {"query": "x"}}
TOOL_NAMES = [
    "calendar.respondToEvent",
    "mcp/server/search docs",
    "github-create-or-update-a-very-long-repository-webhook-configuration-for-org-level",
]


def make_tool(schema, client=None, key="do.it", **metadata):
    action = Action(id="act_1", key=key, name="Do it", inputSchema=schema)
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


async def invoke_both(tool, args):
    """The ToolMessages of `invoke` and of `ainvoke` with the same call."""
    return [tool.invoke(call(tool, args)), await tool.ainvoke(call(tool, args))]


# --- Every case, every form, good and bad calls, sync and async -------------


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", ALL_CASES, ids=ALL_IDS)
async def test_good_calls_reach_the_action_as_the_original_arguments(case, form):
    client = FakeClient()
    bound = bind(make_tool(case["schema"], client), form)

    for args in case["args_ok"]:
        messages = await invoke_both(bound.tool, bound.send(args))

        for message in messages:
            assert message.status == "success", (args, message.content)
        for received in client.sent[-2:]:
            if bound.strict:
                # A field optional *and* nullable keeps the model's null: null
                # is a valid value there, so it cannot be told from "omitted".
                assert same_but_added_nulls(received, args), (received, args)
            else:
                assert received == args


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", ALL_CASES, ids=ALL_IDS)
async def test_bad_calls_are_refused_before_anything_is_sent(case, form):
    client = FakeClient()
    bound = bind(make_tool(case["schema"], client), form)

    for index, args in enumerate(case["args_bad"]):
        sent_before = len(client.sent)
        # Strict form: sent as they are. A strict model must fill every field,
        # so filling them here would turn "required field missing" into a
        # null, which is valid where the field is nullable.
        sent = args if bound.strict else bound.send(args)
        messages = await invoke_both(bound.tool, sent)

        dropped = STRICT_NULLS_DROPPED.get((case["id"], index))
        if bound.strict and dropped is not None:
            assert [m.status for m in messages] == ["success", "success"]
            assert client.sent[-2:] == [dropped, dropped]
            continue
        for message in messages:
            assert message.status == "error", (args, message.content)
            assert json.loads(message.content)["error"]["type"] == "invalid_arguments"
        assert len(client.sent) == sent_before


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_bad_strict_calls_change_only_by_dropped_nulls(case):
    tool = make_tool(case["schema"])

    for args in case["args_bad"]:
        mapped = from_provider_arguments(tool, "openai", args, strict=True)

        assert same_but_added_nulls(args, mapped)


# --- Shapes each provider demands --------------------------------------------


@pytest.mark.parametrize("case", ALL_CASES, ids=ALL_IDS)
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


@pytest.mark.parametrize("case", STRICT_CASES, ids=STRICT_IDS)
def test_openai_strict_rules(case, caplog):
    caplog.set_level(logging.WARNING)

    function = to_openai_tool(make_tool(case["schema"]), strict=True)["function"]
    parameters = function["parameters"]

    assert function["strict"] is True
    assert "cannot use OpenAI strict mode" not in caplog.text
    for node in nodes(parameters):
        assert "default" not in node
        assert "oneOf" not in node
        assert "allOf" not in node
        if "$ref" in node:
            assert set(node) == {"$ref"}
        if "properties" in node:
            assert node["additionalProperties"] is False
            assert node["required"] == list(node["properties"])
        if "enum" in node or "const" in node:
            assert "type" in node
        assert not isinstance(node.get("exclusiveMinimum"), bool)
        assert not isinstance(node.get("exclusiveMaximum"), bool)


@pytest.mark.parametrize("case_id", sorted(STRICT_FALLBACKS))
def test_openai_strict_falls_back_to_the_plain_form_and_says_why(case_id, caplog):
    caplog.set_level(logging.WARNING)
    tool = make_tool(next(c for c in ALL_CASES if c["id"] == case_id)["schema"])

    function = to_openai_tool(tool, strict=True)["function"]

    assert function["strict"] is False
    assert function["parameters"] == to_openai_tool(tool)["function"]["parameters"]
    reason = STRICT_FALLBACKS[case_id]
    assert f"cannot use OpenAI strict mode ({reason})" in caplog.text


@pytest.mark.parametrize("case", ALL_CASES, ids=ALL_IDS)
def test_anthropic_root_object_and_keys_everywhere(case):
    tool = make_tool(case["schema"])

    schema = to_anthropic_tool(tool)["input_schema"]

    assert schema["type"] == "object"
    assert not {"anyOf", "oneOf", "allOf"} & schema.keys()
    for node in nodes(schema):
        for key in node.get("properties", {}):
            assert KEY.match(key)
        for key in node.get("required", []):
            assert key in node["properties"]
    for node in nodes(schema):
        if "$ref" in node:
            resolve_local_ref(schema, node["$ref"])  # never dangling


@pytest.mark.parametrize("case", ALL_CASES, ids=ALL_IDS)
def test_mcp_passes_the_model_facing_schema(case):
    tool = make_tool(case["schema"], read_only=False, destructive=True)

    definition = to_mcp_tool(tool)

    assert definition["name"] == tool.name
    assert definition["inputSchema"] == tool.args_schema
    assert definition["inputSchema"]["type"] == "object"
    assert definition["annotations"] == {"readOnlyHint": False, "destructiveHint": True}


# --- Each case's documented expectation --------------------------------------


def case_schema(case_id):
    return CASES[IDS.index(case_id)]["schema"]


def parameters_of(schema):
    """The argument schema of each form for one tool."""
    tool = make_tool(schema)
    return {
        "openai": to_openai_tool(tool)["function"]["parameters"],
        "openai-strict": to_openai_tool(tool, strict=True)["function"],
        "anthropic": to_anthropic_tool(tool)["input_schema"],
        "gemini": to_gemini_tool(tool).get("parameters"),
        "mcp": to_mcp_tool(tool)["inputSchema"],
    }


def test_ref_defs_kept_as_ref_or_inlined_with_nested_required():
    forms = parameters_of(case_schema("ref-defs"))
    strict = forms["openai-strict"]

    for document in (forms["openai"], forms["anthropic"], strict["parameters"]):
        item = document["properties"]["item"]
        assert item["$ref"].startswith("#/$defs/")
        assert resolve_local_ref(document, item["$ref"])["required"][0] == "id"
    assert strict["strict"] is True
    assert forms["gemini"]["properties"]["item"] == {
        "type": "object",
        "properties": {"id": {"type": "string"}, "qty": {"type": "integer"}},
        "required": ["id"],
    }


def test_recursion_stays_a_ref_where_refs_work_and_is_cut_for_gemini():
    forms = parameters_of(case_schema("ref-recursive"))

    for document in (
        forms["openai"],
        forms["anthropic"],
        forms["openai-strict"]["parameters"],
    ):
        root_ref = document["properties"]["root"]["$ref"]
        node = resolve_local_ref(document, root_ref)
        assert node["properties"]["children"]["items"] == {"$ref": root_ref}
    gemini = json.dumps(forms["gemini"])
    assert "$ref" not in gemini
    assert "levels deep" in gemini
    level = forms["gemini"]["properties"]["root"]
    for _ in range(3):
        level = level["properties"]["children"]["items"]
    assert is_json_text(level)


def test_object_without_properties_converts_everywhere():
    tool = make_tool(case_schema("object-without-properties"))

    forms = parameters_of(case_schema("object-without-properties"))

    assert forms["openai"] == {"type": "object", "properties": {}}
    assert forms["openai-strict"]["strict"] is True
    assert forms["anthropic"]["properties"] == {}
    assert forms["gemini"] is None
    assert tool.args == {}


def test_nullable_type_list_kept_and_required():
    forms = parameters_of(case_schema("nullable-type-array"))

    for document in (forms["openai"], forms["anthropic"], forms["mcp"]):
        assert document["properties"]["note"]["type"] == ["string", "null"]
        assert document["required"] == ["note"]
    assert forms["gemini"]["required"] == ["note"]
    assert forms["gemini"]["properties"]["note"] == {"type": "string", "nullable": True}


def test_const_discriminator_stays_machine_readable():
    forms = parameters_of(case_schema("oneof-const-discriminator"))
    strict = forms["openai-strict"]["parameters"]

    for document in (forms["openai"], forms["anthropic"]):
        branches = document["properties"]["change"]["oneOf"]
        assert [b["properties"]["action"]["const"] for b in branches] == [
            "set_title",
            "add_members",
        ]
    strict_branches = strict["properties"]["change"]["anyOf"]
    assert [b["properties"]["action"] for b in strict_branches] == [
        {"enum": ["set_title"], "type": "string"},
        {"enum": ["add_members"], "type": "string"},
    ]
    gemini = forms["gemini"]["properties"]["change"]["anyOf"]
    assert [b["properties"]["action"]["enum"] for b in gemini] == [
        ["set_title"],
        ["add_members"],
    ]


@pytest.mark.parametrize("form", ["openai", "openai-strict", "anthropic", "gemini"])
def test_root_union_flattened_with_combinations_described(form):
    document = parameters_of(case_schema("top-level-anyof"))[form]
    document = document.get("parameters", document)

    assert set(document["properties"]) == {"content", "source_url"}
    assert not {"anyOf", "oneOf", "allOf"} & document.keys()
    if form != "openai-strict":
        assert "required" not in document
    assert '("content") or ("source_url")' in document["description"]


def test_non_string_enums_kept_except_for_gemini():
    forms = parameters_of(case_schema("enum-non-string"))
    strict = forms["openai-strict"]

    for document in (forms["openai"], forms["anthropic"]):
        assert document["properties"]["duration"]["enum"] == [60, 1440, 4320]
        assert document["properties"]["level"]["enum"] == [1, "auto", None]
    assert strict["strict"] is True
    assert strict["parameters"]["properties"]["level"] == {
        "enum": [1, "auto", None],
        "type": ["integer", "string", "null"],
    }
    assert "enum" not in forms["gemini"]["properties"]["duration"]


async def test_text_where_an_array_is_expected_names_the_path():
    tool = make_tool(case_schema("stringified-json-arguments"))

    message = await tool.ainvoke(call(tool, {"tags": "a"}))

    problems = json.loads(message.content)["error"]["problems"]
    assert problems == ["tags: 'a' is not of type 'array'"]


@pytest.mark.parametrize("form", ["openai", "openai-strict", "gemini", "mcp"])
def test_property_names_kept_byte_for_byte(form):
    schema = case_schema("non-identifier-property-names")

    document = parameters_of(schema)[form]
    document = document.get("parameters", document)

    assert list(document["properties"]) == list(schema["properties"])


def test_anthropic_alias_for_illegal_key():
    schema = case_schema("non-identifier-property-names")
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
    assert anthropic_key_aliases(tool) == {"filter_name": "filter[name]"}
    assert mapped == {"from": "a", "resourceType": "p", "filter[name]": "f"}


def test_anthropic_aliases_below_the_top_level():
    tool = make_tool(NESTED_KEYS_CASE["schema"])
    schema = to_anthropic_tool(tool)["input_schema"]
    args = NESTED_KEYS_CASE["args_ok"][1]

    sent = aliased(args, schema, schema)
    mapped = from_provider_arguments(tool, "anthropic", sent)

    assert sent == {
        "filter": {"name_eq": "x", "ok": 1},
        "rows": [{"col_1": 2.5}, {}],
        "pick": {"a_b": "y"},
    }
    assert schema["properties"]["filter"]["required"] == ["name_eq"]
    assert mapped == args


def test_strict_optional_fields_nullable_and_nulls_dropped():
    tool = make_tool(case_schema("strict-mode-optional-fields"))

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


def test_array_without_items_advertised_with_empty_items():
    forms = parameters_of(case_schema("array-without-items"))

    assert forms["openai"]["properties"]["paths"] == {"type": "array", "items": {}}
    assert forms["openai-strict"]["strict"] is False
    assert is_json_text(forms["gemini"]["properties"]["paths"]["items"])


@pytest.mark.parametrize("key", TOOL_NAMES)
@pytest.mark.parametrize("form", FORMS)
async def test_illegal_action_keys_give_legal_names_and_calls_reach_the_action(
    key, form
):
    client = FakeClient()
    bound = bind(make_tool(case_schema("tool-name-illegal"), client, key=key), form)
    definition = bound.definition

    name = definition.get("function", definition)["name"]
    messages = await invoke_both(bound.tool, {"q": "x"})

    assert TOOL_NAME.match(name)
    assert [m.status for m in messages] == ["success", "success"]
    assert [c[0] for c in client.calls] == ["act_1", "act_1"]


# --- Other format rules ------------------------------------------------------


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


def test_strict_call_form_fills_every_declared_field():
    schema = case_schema("strict-mode-optional-fields")
    parameters = to_openai_tool(make_tool(schema), strict=True)["function"]

    sent = strict_form({"query": "x"}, parameters["parameters"], parameters)

    assert sent == {"query": "x", "limit": None, "unit": None}


def test_gemini_specifics():
    enum_case = case_schema("enum-non-string")
    nullable_case = case_schema("nullable-type-array")
    const_case = case_schema("oneof-const-discriminator")

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
    recursive = case_schema("ref-recursive")
    schema = {
        "type": "object",
        "properties": {"mail": {"type": "string", "format": "email"}},
    }

    mail = to_gemini_tool(make_tool(schema))["parameters"]["properties"]["mail"]
    tree = json.dumps(to_gemini_tool(make_tool(recursive)))

    assert mail == {"type": "string", "description": "Format: email."}
    assert "levels deep" in tree


def test_formats_never_change_the_tool():
    tool = make_tool(case_schema("ref-defs"))
    before = json.dumps(tool.args_schema, sort_keys=True)

    for convert in (to_anthropic_tool, to_gemini_tool, to_mcp_tool):
        convert(tool)
    to_openai_tool(tool, strict=True)

    assert json.dumps(tool.args_schema, sort_keys=True) == before
