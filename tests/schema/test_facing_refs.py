"""Root `$ref`s and references into removed keywords in the model-facing schema."""

from __future__ import annotations

import copy

import pytest

from membrane_pusher.schema import normalize
from membrane_pusher.schema.facing_refs import (
    join_properties,
    join_required,
    merge_schemas,
)
from membrane_pusher.schema.normalize import model_facing_schema
from membrane_pusher.schema.refs import resolve_local_ref
from membrane_pusher.schema.validate import ArgumentValidator
from schema_walk import local_refs

MSG = {
    "type": "object",
    "properties": {"channel": {"type": "string"}},
    "required": ["channel"],
}


def test_root_ref_properties_become_the_roots_own():
    schema = {"$ref": "#/$defs/Msg", "$defs": {"Msg": MSG}}
    original = copy.deepcopy(schema)

    shown = model_facing_schema(schema)

    assert schema == original
    assert shown["type"] == "object"
    assert shown["properties"] == {"channel": {"type": "string"}}
    assert shown["required"] == ["channel"]
    assert "$ref" not in shown


def test_chain_of_root_refs_is_followed():
    schema = {
        "$ref": "#/$defs/A",
        "$defs": {"A": {"$ref": "#/definitions/B"}},
        "definitions": {"B": MSG},
    }

    shown = model_facing_schema(schema)

    assert shown["properties"] == {"channel": {"type": "string"}}
    assert shown["required"] == ["channel"]
    assert "$ref" not in shown


def test_cycle_of_root_refs_ends():
    schema = {
        "$ref": "#/$defs/A",
        "$defs": {
            "A": {"$ref": "#/$defs/B", "properties": {"a": {"type": "string"}}},
            "B": {"$ref": "#/$defs/A", "properties": {"b": {"type": "integer"}}},
        },
    }

    shown = model_facing_schema(schema)

    assert set(shown["properties"]) == {"a", "b"}
    assert "$ref" not in shown


def test_keywords_beside_a_root_ref_apply_too():
    schema = {
        "$ref": "#/$defs/Msg",
        "description": "Send a message.",
        "properties": {
            "channel": {"minLength": 1},
            "data": {"type": "string"},
        },
        "required": ["data"],
        "$defs": {"Msg": MSG},
    }

    shown = model_facing_schema(schema)

    assert shown["description"] == "Send a message."
    assert shown["properties"] == {
        "channel": {"allOf": [{"type": "string"}, {"minLength": 1}]},
        "data": {"type": "string"},
    }
    assert shown["required"] == ["channel", "data"]


def test_merge_keeps_a_conflicting_target_keyword_in_all_of():
    target = {"type": ["object", "null"], "properties": {"a": {}}, "$defs": {"x": {}}}
    siblings = {"type": "object", "allOf": [{"required": ["a"]}]}

    merged = merge_schemas(target, siblings)

    assert merged == {
        "type": "object",
        "properties": {"a": {}},
        "allOf": [{"required": ["a"]}, {"type": ["object", "null"]}],
    }


def test_root_ref_into_a_vendor_keyword_is_resolved():
    schema = {
        "$ref": "#/x-models/Msg",
        "x-models": {"Msg": {**MSG, "x-standin-note": "tools only"}},
    }

    shown = model_facing_schema(schema)

    assert shown == {**MSG}


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        (
            {
                "type": "object",
                "properties": {"a": {"$ref": "#/x-defs/Foo"}},
                "x-defs": {"Foo": {"type": "string", "isHidden": True}},
            },
            ["a"],
        ),
        (
            {
                "type": "object",
                "properties": {
                    "a": {"type": "array", "items": {"$ref": "#/$defs/Foo/x-inner"}}
                },
                "$defs": {"Foo": {"x-inner": {"$ref": "#/x-defs/Bar"}}},
                "x-defs": {"Bar": {"type": "string"}},
            },
            ["a", "items"],
        ),
    ],
    ids=["vendor-defs", "chain-through-vendor-keys"],
)
def test_refs_into_removed_keywords_point_at_kept_copies(schema, path):
    shown = model_facing_schema(schema)

    node = shown["properties"][path[0]]
    for key in path[1:]:
        node = node[key]
    for ref in local_refs(shown):
        resolve_local_ref(shown, ref)  # never dangling
    target = resolve_local_ref(shown, node["$ref"])
    while "$ref" in target:
        target = resolve_local_ref(shown, target["$ref"])
    assert target == {"type": "string"}
    assert "x-defs" not in shown


def test_kept_copy_never_takes_an_existing_definition_name():
    schema = {
        "type": "object",
        "properties": {
            "a": {"$ref": "#/x-defs/Foo"},
            "b": {"$ref": "#/$defs/Foo"},
        },
        "$defs": {"Foo": {"type": "integer"}},
        "x-defs": {"Foo": {"type": "string"}},
    }

    shown = model_facing_schema(schema)

    a = resolve_local_ref(shown, shown["properties"]["a"]["$ref"])
    b = resolve_local_ref(shown, shown["properties"]["b"]["$ref"])
    assert (a, b) == ({"type": "string"}, {"type": "integer"})


def test_refs_into_the_root_mean_the_same_after_a_root_merge():
    schema = {
        "$ref": "#/$defs/Base",
        "properties": {"x": {"type": "string"}, "y": {"$ref": "#/properties/x"}},
        "$defs": {"Base": {"properties": {"x": {"type": "integer"}}}},
    }

    shown = model_facing_schema(schema)

    y = resolve_local_ref(shown, shown["properties"]["y"]["$ref"])
    assert y == {"type": "string"}


def test_validation_still_uses_the_original_root_ref_schema():
    schema = {"$ref": "#/x-models/Msg", "x-models": {"Msg": MSG}}
    validator = ArgumentValidator(schema)

    assert validator.problems({"channel": "c"}) == []
    assert validator.problems({}) != []
    assert validator.problems({"channel": 1}) != []


def test_schema_without_refs_is_unchanged():
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}

    assert model_facing_schema(schema) == schema


def test_join_properties_keeps_both_and_asks_both_where_they_differ():
    first = {"a": {"type": "string"}, "b": {"type": "integer"}}
    second = {"b": {"minimum": 0}, "a": {"type": "string"}, "c": {}}
    before = copy.deepcopy((first, second))

    joined = join_properties(first, second)

    assert joined == {
        "a": {"type": "string"},
        "b": {"allOf": [{"type": "integer"}, {"minimum": 0}]},
        "c": {},
    }
    assert list(joined) == ["a", "b", "c"]
    assert (first, second) == before


def test_join_required_keeps_first_seen_order_once():
    assert join_required(["b", "a"], ["a", "c", "b"]) == ["b", "a", "c"]


def test_a_definition_named_by_the_root_ref_is_not_cleaned_twice(monkeypatch):
    # Arrange: count the targets stripped again while references are kept
    stripped: list[object] = []
    strip = normalize.strip_vendor_keywords

    def counting(node):
        stripped.append(node)
        return strip(node)

    monkeypatch.setattr(normalize, "strip_vendor_keywords", counting)
    schema = {
        "$ref": "#/$defs/Msg",
        "$defs": {"Msg": {**MSG, "x-note": "drop me", "isImplied": True}},
    }

    # Act
    shown = model_facing_schema(schema)

    # Assert
    assert stripped == []
    assert shown["properties"] == MSG["properties"]
    assert shown["required"] == ["channel"]
    assert "x-note" not in shown
    assert "isImplied" not in shown
    assert "x-note" not in shown["$defs"]["Msg"]


def test_a_target_outside_the_definitions_is_cleaned_from_the_original():
    schema = {
        "$ref": "#/x-models/Msg",
        "x-models": {"Msg": {**MSG, "x-note": "drop me"}},
    }

    shown = model_facing_schema(schema)

    assert shown["properties"] == MSG["properties"]
    assert "x-note" not in shown
