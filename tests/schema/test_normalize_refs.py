"""The model-facing schema and provider reference handling."""

from __future__ import annotations

import copy

import pytest

from membrane_pusher.schema.normalize import model_facing_schema
from membrane_pusher.schema.refs import canonical_refs, inline_refs, resolve_local_ref

MEMBRANE_SCHEMA = {
    "type": "object",
    "properties": {
        "channel": {
            "type": "string",
            "description": "Channel name",
            "referenceRecords": {"collection": "channels"},
            "allowCustom": True,
            "format": "hostname",
        },
        "isImplied": {"type": "boolean", "isImplied": True},
        "nested": {
            "type": "object",
            "referenceCollection": {"key": "users"},
            "properties": {
                "secret": {"type": "string", "isSensitive": True, "default": "x"},
                "tags": {"type": ["array", "null"], "items": {"enum": [1, "a"]}},
            },
            "required": ["secret"],
            "additionalProperties": False,
        },
        "choice": {"anyOf": [{"const": "a"}, {"$ref": "#/$defs/Thing"}]},
    },
    "required": ["channel"],
    "$defs": {"Thing": {"type": "integer", "referenceUdm": "x", "minimum": 1}},
}


def test_membrane_keywords_removed_everything_else_kept():
    original = copy.deepcopy(MEMBRANE_SCHEMA)

    shown = model_facing_schema(MEMBRANE_SCHEMA)

    assert original == MEMBRANE_SCHEMA
    assert shown == {
        "type": "object",
        "properties": {
            "channel": {
                "type": "string",
                "description": "Channel name",
                "format": "hostname",
            },
            "isImplied": {"type": "boolean"},
            "nested": {
                "type": "object",
                "properties": {
                    "secret": {"type": "string", "default": "x"},
                    "tags": {"type": ["array", "null"], "items": {"enum": [1, "a"]}},
                },
                "required": ["secret"],
                "additionalProperties": False,
            },
            "choice": {"anyOf": [{"const": "a"}, {"$ref": "#/$defs/Thing"}]},
        },
        "required": ["channel"],
        "$defs": {"Thing": {"type": "integer", "minimum": 1}},
    }


@pytest.mark.parametrize("schema", [None, {}, [], "x"])
def test_missing_or_empty_schema_means_no_arguments(schema):
    assert model_facing_schema(schema) == {"type": "object", "properties": {}}


def test_object_without_properties_gets_empty_properties():
    assert model_facing_schema({"type": "object"}) == {
        "type": "object",
        "properties": {},
    }


def test_root_union_keeps_its_branches():
    schema = {"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}

    shown = model_facing_schema(schema)

    assert shown["anyOf"] == schema["anyOf"]
    assert shown["type"] == "object"


def test_canonical_refs_gives_safe_names_to_every_target():
    schema = {
        "type": "object",
        "properties": {
            "a": {"$ref": "#/$defs/a~1b"},
            "b": {"$ref": "#/definitions/c%25d"},
            "c": {"$ref": "#/properties/a"},
            "d": {"$ref": "#"},
        },
        "$defs": {"a/b": {"type": "integer"}, "unused": {"type": "string"}},
        "definitions": {"c%d": {"type": "string"}},
    }

    result = canonical_refs(schema)

    refs = {k: v["$ref"] for k, v in result["properties"].items()}
    assert refs["d"] == "#"
    for key in ("a", "b", "c"):
        assert refs[key].startswith("#/$defs/")
        name = refs[key].removeprefix("#/$defs/")
        assert name.replace("_", "").replace("-", "").replace(".", "").isalnum()
    assert resolve_local_ref(result, refs["a"]) == {"type": "integer"}
    assert resolve_local_ref(result, refs["b"]) == {"type": "string"}
    assert "unused" not in result["$defs"]


def test_inline_refs_cuts_recursion_with_a_note():
    schema = canonical_refs(
        {
            "type": "object",
            "properties": {"root": {"$ref": "#/$defs/Node"}},
            "$defs": {
                "Node": {
                    "type": "object",
                    "properties": {
                        "kids": {"type": "array", "items": {"$ref": "#/$defs/Node"}}
                    },
                }
            },
        }
    )

    inlined = inline_refs(schema, max_depth=2)

    level = inlined["properties"]["root"]
    depth = 0
    while "properties" in level:
        level = level["properties"]["kids"]["items"]
        depth += 1
    assert depth == 2
    assert level["type"] == "object"
    assert "2 levels deep" in level["description"]
    assert "$ref" not in str(inlined)
