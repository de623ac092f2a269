"""References and union branches in every provider form, and calls mapped back.

Root `$ref`s show their properties everywhere, every local reference of every
form resolves, and calls coming back are mapped with the union branch the
value was sent for: Gemini's JSON text, Anthropic's aliases and OpenAI
strict nulls.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from provider_forms import FORMS, NoTransport, bind, call, make_tool

from fake_membrane import FakeClient
from membrane_pusher.formats import (
    from_provider_arguments,
    to_anthropic_tool,
    to_gemini_tool,
    to_mcp_tool,
    to_openai_tool,
)
from membrane_pusher.formats.common import lift_root_unions, provider_document
from membrane_pusher.pusher.tools import builtin_tools
from membrane_pusher.schema.refs import resolve_local_ref
from schema_walk import local_refs

CASE_FILE = Path(__file__).parents[1] / "schema" / "data" / "schema_cases.json"
CASES = json.loads(CASE_FILE.read_text())

MSG = {
    "type": "object",
    "properties": {
        "channel": {"type": "string"},
        "data": {"type": "object", "properties": {"n": {"type": "integer"}}},
    },
    "required": ["channel"],
    "additionalProperties": False,
}
ROOT_REF_CASES = [
    {
        "id": "root-ref",
        "schema": {"$ref": "#/$defs/Msg", "$defs": {"Msg": MSG}},
        "args_ok": [{"channel": "c"}, {"channel": "c", "data": {"n": 1}}],
        "args_bad": [{}, {"channel": 1}, {"channel": "c", "extra": 1}],
    },
    {
        "id": "root-ref-chain",
        "schema": {
            "$ref": "#/$defs/Alias",
            "$defs": {"Alias": {"$ref": "#/$defs/Msg"}, "Msg": MSG},
        },
        "args_ok": [{"channel": "c"}],
        "args_bad": [{}, {"channel": 1}],
    },
    {
        "id": "root-ref-with-siblings",
        "schema": {
            "$ref": "#/$defs/Base",
            "description": "Send one message.",
            "properties": {"channel": {"type": "string"}, "id": {"type": "integer"}},
            "required": ["id"],
            "$defs": {
                "Base": {
                    "type": "object",
                    "properties": {"channel": {"type": "string", "minLength": 1}},
                    "required": ["channel"],
                }
            },
        },
        "args_ok": [{"channel": "c", "id": 1}],
        "args_bad": [{"channel": "c"}, {"id": 1}, {"channel": "", "id": 1}],
    },
    {
        "id": "root-ref-into-vendor-keyword",
        "schema": {"$ref": "#/x-models/Msg", "x-models": {"Msg": MSG}},
        "args_ok": [{"channel": "c"}],
        "args_bad": [{}, {"channel": 1}],
    },
]
VENDOR_REF_CASE = {
    "id": "refs-into-vendor-keywords",
    "schema": {
        "type": "object",
        "properties": {
            "when": {"$ref": "#/x-defs/When"},
            "rows": {"type": "array", "items": {"$ref": "#/x-defs/Row"}},
        },
        "required": ["when"],
        "x-defs": {
            "When": {"type": "string", "format": "date", "isHidden": True},
            "Row": {
                "type": "object",
                "properties": {"at": {"$ref": "#/x-defs/When"}},
                "required": ["at"],
                "additionalProperties": False,
            },
        },
    },
    "args_ok": [
        {"when": "2024-01-01"},
        {"when": "2024-01-02", "rows": [{"at": "2024-01-03"}]},
    ],
    "args_bad": [{}, {"when": 1}, {"when": "2024-01-02", "rows": [{"at": 2}]}],
}
REF_CASES = [*ROOT_REF_CASES, VENDOR_REF_CASE]
REF_IDS = [c["id"] for c in REF_CASES]


def every_form(tool: Any) -> dict[str, Any]:
    """The argument schema of every form (Gemini's must hold no reference)."""
    return {
        "args_schema": tool.args_schema,
        "openai": to_openai_tool(tool)["function"]["parameters"],
        "openai-strict": to_openai_tool(tool, strict=True)["function"]["parameters"],
        "anthropic": to_anthropic_tool(tool)["input_schema"],
        "gemini": to_gemini_tool(tool).get("parameters", {}),
        "mcp": to_mcp_tool(tool)["inputSchema"],
    }


CORPUS = [
    *[(c["id"], make_tool(c["schema"])) for c in [*CASES, *REF_CASES]],
    *[(t.name, t) for t in builtin_tools(NoTransport())],
]


# --- Root references ----------------------------------------------------------


@pytest.mark.parametrize("case", ROOT_REF_CASES, ids=[c["id"] for c in ROOT_REF_CASES])
def test_root_ref_properties_shown_in_every_form(case):
    tool = make_tool(case["schema"])

    forms = every_form(tool)

    assert "channel" in tool.args
    for form, document in forms.items():
        assert "channel" in document["properties"], form
        assert "$ref" not in document, form
    for form in ("openai", "anthropic", "mcp"):
        assert "channel" in forms[form]["required"], form


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", REF_CASES, ids=REF_IDS)
async def test_ref_cases_round_trip_in_every_form(case, form):
    client = FakeClient()
    bound = bind(make_tool(case["schema"], client), form)

    for args in case["args_ok"]:
        message = await bound.tool.ainvoke(call(bound.tool, bound.send(args)))

        assert message.status == "success", (form, args, message.content)
        received = client.sent[-1]
        assert {k: v for k, v in received.items() if v is not None} == args
    for args in case["args_bad"]:
        sent_before = len(client.sent)

        message = await bound.tool.ainvoke(call(bound.tool, args))

        assert message.status == "error", (form, args)
        assert len(client.sent) == sent_before


@pytest.mark.parametrize(("name", "tool"), CORPUS, ids=[n for n, _ in CORPUS])
def test_every_local_ref_of_every_form_resolves(name, tool):
    for form, document in every_form(tool).items():
        refs = local_refs(document)

        if form == "gemini":
            assert refs == [], name
        for ref in refs:
            resolve_local_ref(document, ref)  # raises KeyError when dangling


DEFINITION_PLACES = ["$defs", "definitions", "x-defs", "x-models"]
DEFINITION_NAMES = ["A", "B c", "D"]
REFS = [
    f"#/{place}/{name.replace(' ', '%20')}"
    for place in DEFINITION_PLACES
    for name in DEFINITION_NAMES
]


def generated_schemas() -> st.SearchStrategy[dict[str, Any]]:
    """Schemas whose references all resolve in the original, many through
    vendor keywords, with or without a root `$ref`."""
    leaves = st.one_of(
        st.sampled_from([{"type": "string"}, {"type": "integer"}, {}]),
        st.sampled_from(REFS).map(lambda ref: {"$ref": ref}),
    )
    nodes = st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.dictionaries(
                st.sampled_from(["a", "b c", "x-y"]), inner, max_size=3
            ).map(lambda props: {"type": "object", "properties": props}),
            inner.map(lambda item: {"type": "array", "items": item}),
            st.lists(inner, min_size=1, max_size=2).map(lambda b: {"anyOf": b}),
        ),
        max_leaves=6,
    )
    places = st.fixed_dictionaries(
        {
            place: st.fixed_dictionaries(dict.fromkeys(DEFINITION_NAMES, nodes))
            for place in DEFINITION_PLACES
        }
    )
    root_ref = st.one_of(st.none(), st.sampled_from(REFS))
    return st.tuples(nodes.map(_as_arguments), places, root_ref).map(
        lambda parts: {
            **({"$ref": parts[2]} if parts[2] else parts[0]),
            **parts[1],
        }
    )


def _as_arguments(node: dict[str, Any]) -> dict[str, Any]:
    """A root a tool can have: the node itself when it may be an object."""
    if node.get("type", "object") == "object":
        return node
    return {"type": "object", "properties": {"value": node}}


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(schema=generated_schemas())
def test_generated_schemas_keep_every_ref_resolvable(schema):
    tool = make_tool(schema)

    for form, document in every_form(tool).items():
        refs = local_refs(document)

        if form == "gemini":
            assert refs == []
        for ref in refs:
            resolve_local_ref(document, ref)
        assert "$ref" not in document or form != "args_schema"


def test_lifting_a_root_ref_keeps_the_targets_properties():
    schema = {
        "$ref": "#/$defs/Msg",
        "type": "object",
        "properties": {},
        "$defs": {"Msg": MSG},
    }

    lifted = lift_root_unions(schema)

    assert lifted["properties"] == MSG["properties"]
    assert lifted["required"] == ["channel"]
    assert "$ref" not in lifted


def test_recursive_root_union_is_lifted_once():
    schema = {
        "anyOf": [{"$ref": "#/$defs/A"}],
        "$defs": {
            "A": {
                "anyOf": [
                    {"$ref": "#/$defs/A"},
                    {"type": "object", "properties": {"x": {"type": "string"}}},
                ]
            }
        },
    }

    document = provider_document(schema)

    assert document["properties"] == {"x": {"type": "string"}}


# --- Gemini: JSON text only where the value's branch expects it ---------------

GEMINI_UNION = {
    "type": "object",
    "properties": {
        "v": {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "kind": {"const": "map"},
                        "data": {"type": "object"},
                    },
                    "required": ["kind"],
                },
                {
                    "type": "object",
                    "properties": {
                        "kind": {"const": "text"},
                        "data": {"type": "string"},
                    },
                    "required": ["kind"],
                },
            ]
        }
    },
}


def test_gemini_value_of_a_plain_branch_is_not_parsed():
    tool = make_tool(GEMINI_UNION)
    declared = to_gemini_tool(tool)["parameters"]["properties"]["v"]["anyOf"]

    mapped = from_provider_arguments(
        tool, "gemini", {"v": {"kind": "text", "data": "123"}}
    )

    assert declared[1]["properties"]["data"] == {"type": "string"}
    assert mapped == {"v": {"kind": "text", "data": "123"}}


def test_gemini_value_of_the_json_text_branch_is_parsed():
    tool = make_tool(GEMINI_UNION)

    mapped = from_provider_arguments(
        tool, "gemini", {"v": {"kind": "map", "data": '{"a": 1}'}}
    )

    assert mapped == {"v": {"kind": "map", "data": {"a": 1}}}


def test_gemini_branches_told_apart_by_keys_when_types_match():
    schema = {
        "type": "object",
        "properties": {
            "v": {
                "anyOf": [
                    {"type": "object", "properties": {"m": {"type": "object"}}},
                    {"type": "object", "properties": {"s": {"type": "string"}}},
                ]
            }
        },
    }
    tool = make_tool(schema)

    as_text = from_provider_arguments(tool, "gemini", {"v": {"s": "[1]"}})
    as_map = from_provider_arguments(tool, "gemini", {"v": {"m": '{"k": 2}'}})

    assert as_text == {"v": {"s": "[1]"}}
    assert as_map == {"v": {"m": {"k": 2}}}


def test_gemini_json_text_of_a_type_not_allowed_stays_text():
    schema = {
        "type": "object",
        "properties": {"v": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
    }
    tool = make_tool(schema)

    mapped = [
        from_provider_arguments(tool, "gemini", {"v": sent})
        for sent in ["123", '"123"', '{"a": 1}', "plain"]
    ]

    assert [m["v"] for m in mapped] == ["123", "123", {"a": 1}, "plain"]
    for arguments in mapped:
        assert tool.validator.problems(arguments) == []


# --- Anthropic: aliases never collide across branches -------------------------

ANTHROPIC_UNION = {
    "type": "object",
    "properties": {
        "v": {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "a_b": {"type": "string"},
                        "a b": {"type": "integer"},
                    },
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "properties": {"a b": {"type": "boolean"}},
                    "additionalProperties": False,
                },
            ]
        }
    },
}


def test_anthropic_alias_is_never_a_key_of_another_branch():
    tool = make_tool(ANTHROPIC_UNION)
    branches = to_anthropic_tool(tool)["input_schema"]["properties"]["v"]["anyOf"]

    real_key = from_provider_arguments(tool, "anthropic", {"v": {"a_b": "x"}})
    aliased = [
        from_provider_arguments(tool, "anthropic", {"v": {alias: value}})
        for alias, value in ((next(iter(branches[1]["properties"])), True),)
    ]

    assert real_key == {"v": {"a_b": "x"}}
    assert aliased == [{"v": {"a b": True}}]
    assert set(branches[0]["properties"]) == {"a_b", "a_b_2"}
    assert set(branches[1]["properties"]) == {"a_b_2"}
    assert tool.validator.problems(real_key) == []


def test_anthropic_nested_aliases_restored_in_the_branch_that_declares_them():
    schema = {
        "type": "object",
        "properties": {
            "v": {
                "anyOf": [
                    {"type": "object", "properties": {"p": {"$ref": "#/$defs/X"}}},
                    {"type": "object", "properties": {"p": {"$ref": "#/$defs/Y"}}},
                ]
            }
        },
        "$defs": {
            "X": {"type": "object", "properties": {"x y": {"type": "string"}}},
            "Y": {"type": "object", "properties": {"z w": {"type": "string"}}},
        },
    }
    tool = make_tool(schema)

    mapped = from_provider_arguments(tool, "anthropic", {"v": {"p": {"z_w": "1"}}})

    assert mapped == {"v": {"p": {"z w": "1"}}}


# --- OpenAI strict: nulls judged by the branch the keys point to --------------

STRICT_UNION = {
    "type": "object",
    "properties": {
        "v": {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "p": {
                            "type": "object",
                            "properties": {"q": {"type": "string"}},
                            "additionalProperties": False,
                        }
                    },
                    "required": ["p"],
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "properties": {
                        "p": {
                            "type": "object",
                            "properties": {"q": {"type": ["string", "null"]}},
                            "required": ["q"],
                            "additionalProperties": False,
                        },
                        "r": {"type": "integer"},
                    },
                    "required": ["p", "r"],
                    "additionalProperties": False,
                },
            ]
        }
    },
    "required": ["v"],
}


def test_strict_null_needed_by_the_values_branch_is_kept():
    tool = make_tool(STRICT_UNION)
    assert to_openai_tool(tool, strict=True)["function"]["strict"] is True

    second = from_provider_arguments(
        tool, "openai", {"v": {"p": {"q": None}, "r": 1}}, strict=True
    )
    first = from_provider_arguments(
        tool, "openai", {"v": {"p": {"q": None}}}, strict=True
    )

    assert second == {"v": {"p": {"q": None}, "r": 1}}
    assert first == {"v": {"p": {}}}
    assert tool.validator.problems(second) == []
    assert tool.validator.problems(first) == []
