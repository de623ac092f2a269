"""The model-facing schema and provider reference handling."""

from __future__ import annotations

import copy

import pytest

from membrane_pusher.schema.normalize import (
    MAX_SCHEMA_TEXT_CHARS,
    model_facing_schema,
)
from membrane_pusher.schema.refs import (
    canonical_refs,
    free_def_name,
    inline_refs,
    resolve_local_ref,
)

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


ANCHORED = {
    "type": "object",
    "properties": {
        "a": {"$ref": "#xa"},
        "b": {"$ref": "#dyn"},
        "c": {"$dynamicRef": "#dyn"},
        "d": {"$ref": "#top"},
        "e": {"$ref": "#x%20y"},
    },
    "$anchor": "top",
    "$defs": {
        "X": {"$anchor": "xa", "type": "integer"},
        "D": {"$dynamicAnchor": "dyn", "type": "string"},
        "S": {"$anchor": "x y", "type": "boolean"},
        "unused": {"type": "null"},
    },
}


def test_plain_name_fragments_resolve_to_their_anchor():
    assert resolve_local_ref(ANCHORED, "#xa") == {"$anchor": "xa", "type": "integer"}
    assert resolve_local_ref(ANCHORED, "#dyn")["type"] == "string"
    assert resolve_local_ref(ANCHORED, "#top") is ANCHORED
    with pytest.raises(KeyError):
        resolve_local_ref(ANCHORED, "#nowhere")


def test_anchor_inside_an_embedded_resource_is_not_this_documents():
    schema = {
        "type": "object",
        "properties": {"p": {"$ref": "#inner"}},
        "$defs": {"E": {"$id": "https://example.invalid/e", "$anchor": "inner"}},
    }

    with pytest.raises(KeyError):
        resolve_local_ref(schema, "#inner")


def test_a_property_named_anchor_is_not_an_anchor():
    schema = {
        "type": "object",
        "properties": {"$anchor": {"const": "xa"}, "p": {"$ref": "#xa"}},
    }

    with pytest.raises(KeyError):
        resolve_local_ref(schema, "#xa")


def test_canonical_refs_rewrites_anchor_refs_and_drops_anchors():
    result = canonical_refs(ANCHORED)

    refs = {k: v["$ref"] for k, v in result["properties"].items()}
    assert refs["d"] == "#"
    assert refs["b"] == refs["c"]
    targets = {k: resolve_local_ref(result, r) for k, r in refs.items() if r != "#"}
    assert targets == {
        "a": {"type": "integer"},
        "b": {"type": "string"},
        "c": {"type": "string"},
        "e": {"type": "boolean"},
    }
    assert "$anchor" not in str(result)
    assert "$dynamicAnchor" not in str(result)
    assert "null" not in str(result["$defs"])


def test_inline_refs_follows_anchor_refs():
    inlined = inline_refs(canonical_refs(ANCHORED))

    assert inlined["properties"]["a"] == {"type": "integer"}
    assert inlined["properties"]["c"] == {"type": "string"}


def test_hidden_characters_removed_from_descriptions_and_titles():
    schema = {
        "type": "object",
        "title": "Tool\u202e title",
        "description": "Line one\r\nline two\tok\x00\x1b[31m\u200b\ufeff",
        "properties": {
            "p": {"type": "string", "description": "evil\u202egnp.exe\u2066x\u2069"},
            "description": {"type": "string", "title": "a\x07b"},
        },
        "$defs": {"D": {"description": "in defs\x85"}},
    }

    shown = model_facing_schema(schema)

    assert shown["title"] == "Tool title"
    assert shown["description"] == "Line one\nline two\tok[31m"
    assert shown["properties"]["p"]["description"] == "evilgnp.exex"
    assert shown["properties"]["description"] == {"type": "string", "title": "ab"}
    assert shown["$defs"]["D"]["description"] == "in defs"


def test_long_descriptions_are_capped_with_a_note():
    schema = {
        "type": "object",
        "properties": {"p": {"type": "string", "description": "x" * 100_000}},
    }

    text = model_facing_schema(schema)["properties"]["p"]["description"]

    assert len(text) == MAX_SCHEMA_TEXT_CHARS
    assert text.endswith("cut: the full text was longer]")


def test_enum_values_defaults_and_names_are_never_changed():
    odd = "a\u202eb\x00c"
    schema = {
        "type": "object",
        "properties": {
            odd: {"enum": [odd, "plain"], "const": odd, "default": odd},
        },
        "required": [odd],
        "$comment": "for maintainers only",
    }

    shown = model_facing_schema(schema)

    assert shown["properties"][odd] == {
        "enum": [odd, "plain"],
        "const": odd,
        "default": odd,
    }
    assert shown["required"] == [odd]
    assert "$comment" not in shown


@pytest.mark.parametrize(
    ("ref", "taken", "expected"),
    [
        ("#/$defs/Msg", set(), "Msg"),
        ("#/x-defs/my model", set(), "my_model"),
        ("#/$defs/a~1b", set(), "a_b"),
        ("#/definitions/c%25d", set(), "c_d"),
        ("#/$defs/___", set(), "def"),
        ("#/$defs/Msg", {"Msg", "Msg_2"}, "Msg_3"),
    ],
)
def test_free_def_name_is_safe_in_a_pointer_and_not_taken(ref, taken, expected):
    assert free_def_name(ref, taken) == expected


def test_canonical_names_and_kept_copies_are_named_alike():
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/x-defs/my model"}},
        "x-defs": {"my model": {"type": "string"}},
    }

    shown = model_facing_schema(schema)
    canonical = canonical_refs(schema)

    assert shown["properties"]["a"]["$ref"] == "#/$defs/my_model"
    assert canonical["properties"]["a"]["$ref"] == "#/$defs/my_model"
