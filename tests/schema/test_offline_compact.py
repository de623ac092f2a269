"""The offline engine's shortened tool schemas keep names as data.

`compact_tool_schema` drops keywords that only constrain values, but only
where they are keywords: a `$defs` entry or a property *named* `format` or
`default` is a name, and a `$ref` to it must still resolve.
"""

from __future__ import annotations

from membrane_pusher.agent.offline_schema import compact_tool_schema
from membrane_pusher.schema.refs import resolve_local_ref

SCHEMA = {
    "name": "do_it",
    "description": "Does it. More words here.",
    "parameters": {
        "type": "object",
        "properties": {
            "format": {"$ref": "#/$defs/format"},
            "default": {"type": "string", "maxLength": 3, "description": "A. B."},
            "optional": {"type": "string"},
            "mode": {"enum": [{"pattern": "kept", "format": "kept"}]},
        },
        "required": ["format", "default", "mode"],
        "$defs": {
            "format": {
                "type": "object",
                "properties": {"pattern": {"type": "string", "pattern": "^x$"}},
                "additionalProperties": False,
            }
        },
    },
}


def test_defs_named_like_keywords_survive_and_refs_resolve():
    compact = compact_tool_schema(SCHEMA)["parameters"]

    target = resolve_local_ref(compact, compact["properties"]["format"]["$ref"])

    assert target == {"type": "object", "properties": {"pattern": {"type": "string"}}}


def test_validation_only_keywords_dropped_at_schema_positions_only():
    compact = compact_tool_schema(SCHEMA)

    properties = compact["parameters"]["properties"]

    assert compact["description"] == "Does it."
    assert set(properties) == {"format", "default", "mode"}
    assert properties["default"] == {"type": "string", "description": "A."}
    assert properties["mode"] == {"enum": [{"pattern": "kept", "format": "kept"}]}


def test_all_properties_kept_when_none_is_required():
    schema = {
        "name": "t",
        "parameters": {"type": "object", "properties": {"a": {}, "b": {}}},
    }

    assert set(compact_tool_schema(schema)["parameters"]["properties"]) == {"a", "b"}
