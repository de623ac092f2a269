"""The JSON types of values and the object views of nodes, shared by the formats."""

from __future__ import annotations

import pytest

from membrane_pusher.formats.common import (
    has_json_type,
    item_schemas,
    json_type,
    properties_of,
    resolver_for,
    views_of,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "boolean"),
        (0, "integer"),
        (3.0, "number"),
        ("3", "string"),
        ({}, "object"),
        ([], "array"),
        ((1, 2), None),
        (object(), None),
    ],
)
def test_json_type_names_the_type_json_gives_a_value(value, expected):
    assert json_type(value) == expected


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (3, "integer", True),
        (3.0, "integer", True),
        (3.5, "integer", False),
        (float("nan"), "integer", False),
        (True, "integer", False),
        (True, "number", False),
        (3, "number", True),
        (3.5, "number", True),
        (True, "boolean", True),
        ("x", "string", True),
        (None, "null", True),
        ({}, "object", True),
        ([], "array", True),
        ([], "object", False),
        ("x", "unknown", False),
    ],
)
def test_has_json_type_follows_json_schema(value, kind, expected):
    assert has_json_type(value, kind) is expected


def test_views_of_nodes_follow_references_and_branches_in_order():
    document = {
        "$defs": {"A": {"properties": {"a": {"type": "string"}}}},
        "properties": {},
    }
    nodes = [
        {"$ref": "#/$defs/A"},
        {"anyOf": [{"items": {"type": "integer"}}, {"properties": True}]},
    ]

    views = views_of(nodes, resolver_for(document))

    assert views[0] == {"properties": {"a": {"type": "string"}}}
    assert [properties_of(view) for view in views] == [
        {"a": {"type": "string"}},
        {},
        {},
        {},
    ]
    assert item_schemas(views) == [{"type": "integer"}]
