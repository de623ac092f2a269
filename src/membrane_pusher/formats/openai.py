"""OpenAI function tools, plain and strict.

Plain form: the model-facing schema with canonical `$ref`s, no root union,
`properties` on every object and `items` on every array (OpenAI answers 400
"object schema missing properties" / "array schema missing items" otherwise).

Strict form (`strict=True`): `additionalProperties: false` on every object,
every property in `required`, fields that were optional made nullable (`null`
added to the type and to any enum), `default` and unsupported constraints
moved into the description, `oneOf` as `anyOf`, nothing beside a `$ref`, and a
`type` on every enum or const (taken from its values). Some schemas cannot be
strict (open maps, arrays without an item type, `patternProperties`, values
without a type, enums of objects, or a schema over OpenAI's documented size
limits: `STRICT_MAX_NESTING` object levels, `STRICT_MAX_PROPERTIES`
properties, `STRICT_MAX_ENUM_VALUES` enum values, long enums of long strings);
such a tool falls back to the plain form with `"strict": false`, and the
reason is logged.

Calls made with the strict form send `null` for fields the model left out;
`from_openai_arguments(..., strict=True)` drops those nulls where the field
was optional and did not accept null, so the original schema validates the
call as if the field had been omitted.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from membrane_pusher.formats.common import (
    append_description,
    object_views,
    provider_document,
    resolver_for,
    schema_cache_key,
    schema_from_key,
    tool_parts,
)
from membrane_pusher.json_text import quote_json, quote_word
from membrane_pusher.schema.keywords import iter_subschemas, map_subschemas

if TYPE_CHECKING:
    from collections.abc import Callable

    from langchain_core.tools import BaseTool

__all__ = [
    "STRICT_MAX_ENUM_VALUES",
    "STRICT_MAX_NESTING",
    "STRICT_MAX_PROPERTIES",
    "from_openai_arguments",
    "openai_parameters",
    "to_openai_tool",
]

logger = logging.getLogger(__name__)

# OpenAI's documented limits for a strict schema (Structured Outputs guide).
STRICT_MAX_NESTING = 10
"""Deepest nesting of objects, the root counting as the first level."""
STRICT_MAX_PROPERTIES = 5000
"""Most object properties in one schema, all objects together."""
STRICT_MAX_ENUM_VALUES = 1000
"""Most enum values in one schema, all enums together."""
_MAX_LARGE_ENUM_CHARS = 15000
_LARGE_ENUM_VALUES = 250
_MAX_TOTAL_NAME_CHARS = 120000

_STRICT_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "anyOf",
        "enum",
        "const",
        "description",
        "title",
        "$ref",
        "$defs",
        "pattern",
        "format",
        "multipleOf",
        "maximum",
        "minimum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "minItems",
        "maxItems",
    }
)
_STRICT_FORMATS = frozenset(
    {
        "date-time",
        "time",
        "date",
        "duration",
        "email",
        "hostname",
        "ipv4",
        "ipv6",
        "uuid",
    }
)
# Keywords dropped without a note: examples cost tokens, the others are moot
# once every object is closed.
_IGNORED_KEYWORDS = frozenset({"examples", "additionalItems", "unevaluatedProperties"})
# Annotations that carry no constraint: dropped rather than described.
_SILENT_KEYWORDS = frozenset({"$comment", "$id", "$schema", "$anchor", "deprecated"})


class _NotStrictError(Exception):
    """The schema has a shape OpenAI strict mode cannot express."""


_SHORT_CHARS = 120


def to_openai_tool(tool: BaseTool, strict: bool = False) -> dict[str, Any]:
    """Build an OpenAI `{"type": "function", "function": {...}}` tool.

    Args:
        tool: Any tool with a JSON-Schema (or pydantic) argument schema.
        strict: Ask for OpenAI strict mode; falls back to the plain form for
            this tool (with `"strict": false` and a log line) when impossible.

    Returns:
        A plain dict for the `tools` list of a Chat Completions request.
    """
    name, description, schema = tool_parts(tool)
    function: dict[str, Any] = {"name": name, "description": description}
    if strict:
        try:
            function["parameters"] = openai_parameters(schema, strict=True)
        except _NotStrictError as reason:
            logger.warning(
                "tool %s cannot use OpenAI strict mode (%s); sent with strict=false",
                name,
                reason,
            )
        else:
            function["strict"] = True
            return {"type": "function", "function": function}
        function["strict"] = False
    function["parameters"] = openai_parameters(schema, strict=False)
    return {"type": "function", "function": function}


def openai_parameters(schema: dict[str, Any], *, strict: bool) -> dict[str, Any]:
    """The `parameters` object for a model-facing schema.

    Raises:
        _NotStrictError: When `strict` is asked for and impossible.
    """
    document = provider_document(schema)
    if not strict:
        completed: dict[str, Any] = _complete(document)
        return completed
    parameters = _strict_node(document, is_root=True)
    _check_strict_limits(parameters)
    return parameters


def from_openai_arguments(
    tool: BaseTool, arguments: Any, *, strict: bool = False
) -> Any:
    """Map a call made with the OpenAI form back to the original arguments.

    Plain form: unchanged. Strict form: `null` values of fields that were
    optional and not nullable are removed, at every depth.
    """
    if not strict or not isinstance(arguments, dict):
        return arguments
    key = schema_cache_key(tool)
    if key is None:
        document = provider_document(tool_parts(tool)[2])
        resolve = resolver_for(document)
    else:
        document, resolve = _mapping_for(key)
    return _drop_nulls(arguments, document, resolve)


@lru_cache(maxsize=256)
def _mapping_for(key: str) -> tuple[dict[str, Any], Callable[[Any], Any]]:
    """The document and resolver that mapping calls back reads (never changed)."""
    document = provider_document(schema_from_key(key))
    return document, resolver_for(document)


def _complete(node: Any) -> Any:
    """Add `properties` to objects and `items` to arrays, at every depth."""
    if node is True:
        return {}
    if not isinstance(node, dict):
        return node
    result = map_subschemas(node, _complete)
    for key in _SILENT_KEYWORDS:
        result.pop(key, None)
    kinds = _types(result)
    if "object" in kinds and "properties" not in result:
        result["properties"] = {}
    if "array" in kinds and "items" not in result:
        result["items"] = {}
    return result


def _strict_node(node: Any, *, is_root: bool = False) -> dict[str, Any]:
    """Convert one subschema to strict form (raises `_NotStrictError`)."""
    if not isinstance(node, dict) or not node:
        raise _NotStrictError("a value without a type")
    node = _unions_as_any_of(node)
    if isinstance(node.get("$ref"), str):
        return _strict_ref(node)

    result, notes = _strict_keywords(node)
    kinds = _types(result)
    if "object" in kinds:
        _strict_object(result, is_root=is_root)
    if "array" in kinds:
        items = result.get("items")
        if not isinstance(items, dict) or not items:
            raise _NotStrictError("an array without an item type")
        result["items"] = _strict_node(items)
    if "anyOf" in result:
        result["anyOf"] = [_strict_node(branch) for branch in result["anyOf"]]
    if "$defs" in result:
        result["$defs"] = {k: _strict_node(v) for k, v in result["$defs"].items()}
    if not kinds and not ({"anyOf", "enum"} & result.keys()):
        raise _NotStrictError("a value without a type")
    append_description(result, " ".join(notes))
    return result


def _unions_as_any_of(node: dict[str, Any]) -> dict[str, Any]:
    node = dict(node)
    if "oneOf" in node:
        if "anyOf" in node:
            raise _NotStrictError("both anyOf and oneOf on one value")
        node["anyOf"] = node.pop("oneOf")
    if "allOf" in node:
        raise _NotStrictError("allOf inside the arguments")
    return node


def _strict_keywords(node: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Keep what strict mode accepts; describe constraints it does not."""
    result: dict[str, Any] = {}
    notes: list[str] = []
    for key, value in node.items():
        if key in _SILENT_KEYWORDS or key in _IGNORED_KEYWORDS:
            continue
        if key == "patternProperties":
            raise _NotStrictError("patternProperties")
        if key == "default":
            notes.append(f"Default: {_short(value)}.")
        elif key == "format" and value not in _STRICT_FORMATS:
            notes.append(f"Format: {_word(value)}.")
        elif key in _STRICT_KEYWORDS:
            result[key] = value
        else:
            notes.append(f"{quote_word(key)}: {_short(value)}.")
    if "const" in result:
        result["enum"] = [result.pop("const")]
    if "enum" in result and "type" not in result:
        result["type"] = _enum_type(result["enum"])
    if "properties" in result and "type" not in result:
        result["type"] = "object"
    return result, notes


def _enum_type(values: Any) -> str | list[str]:
    """The `type` an enum's own values imply (strict mode wants one)."""
    if not isinstance(values, list) or not values:
        raise _NotStrictError("an empty enum")
    kinds: list[str] = []
    for value in values:
        kind = _json_type(value)
        if kind is None:
            raise _NotStrictError("an enum with object or array values")
        if kind not in kinds:
            kinds.append(kind)
    if "number" in kinds and "integer" in kinds:
        kinds.remove("integer")
    return kinds[0] if len(kinds) == 1 else kinds


def _check_strict_limits(parameters: dict[str, Any]) -> None:
    """Raise `_NotStrictError` when OpenAI would refuse the schema's size."""
    totals = {"properties": 0, "enum_values": 0, "name_chars": 0}
    definitions = parameters.get("$defs", {})
    totals["name_chars"] += sum(len(name) for name in definitions)
    for node in _strict_nodes(parameters):
        properties = node.get("properties")
        if isinstance(properties, dict):
            totals["properties"] += len(properties)
            totals["name_chars"] += sum(len(name) for name in properties)
        values = node.get("enum")
        if isinstance(values, list):
            texts = [v for v in values if isinstance(v, str)]
            chars = sum(len(text) for text in texts)
            totals["enum_values"] += len(values)
            totals["name_chars"] += chars
            if len(values) > _LARGE_ENUM_VALUES and chars > _MAX_LARGE_ENUM_CHARS:
                raise _NotStrictError(
                    f"an enum of {len(values)} values and {chars} characters"
                )
    if totals["properties"] > STRICT_MAX_PROPERTIES:
        raise _NotStrictError(f"{totals['properties']} properties in all")
    if totals["enum_values"] > STRICT_MAX_ENUM_VALUES:
        raise _NotStrictError(f"{totals['enum_values']} enum values in all")
    if totals["name_chars"] > _MAX_TOTAL_NAME_CHARS:
        raise _NotStrictError(f"{totals['name_chars']} characters of names and enums")
    depth = _object_depth(parameters)
    if depth > STRICT_MAX_NESTING:
        raise _NotStrictError(f"objects nested {depth} levels deep")


def _strict_nodes(node: Any) -> list[dict[str, Any]]:
    """Every schema node of a strict document (`$defs` included)."""
    found: list[dict[str, Any]] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            found.append(current)
            pending.extend(iter_subschemas(current))
    return found


def _object_depth(parameters: dict[str, Any]) -> int:
    """Object levels along the deepest path, each definition expanded once."""
    definitions = parameters.get("$defs", {})
    known: dict[str, int] = {}
    open_names: set[str] = set()

    def depth(node: Any) -> int:
        if not isinstance(node, dict):
            return 0
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name in known:
                return known[name]
            if ref == "#" or name in open_names or name not in definitions:
                return 0  # recursion: strict mode allows it, it adds no level
            open_names.add(name)
            known[name] = depth(definitions[name])
            open_names.discard(name)
            return known[name]
        body = (
            {k: v for k, v in node.items() if k != "$defs"} if "$defs" in node else node
        )
        deepest = max((depth(sub) for sub in iter_subschemas(body)), default=0)
        return deepest + (1 if "properties" in node else 0)

    return depth(parameters)


def _strict_object(result: dict[str, Any], *, is_root: bool) -> None:
    properties = result.get("properties") or {}
    extra = result.get("additionalProperties")
    if extra not in (None, False):
        raise _NotStrictError("an object with free-form keys (open map)")
    if not properties and not is_root:
        raise _NotStrictError("an object without declared properties (open map)")
    required = set(result.get("required", []))
    converted = {}
    for name, sub in properties.items():
        strict_sub = _strict_node(sub)
        converted[name] = strict_sub if name in required else _nullable(strict_sub)
    result["properties"] = converted
    result["required"] = list(converted)
    result["additionalProperties"] = False


def _strict_ref(node: dict[str, Any]) -> dict[str, Any]:
    """A `$ref` alone; a description beside it moves to a wrapping anyOf."""
    notes = []
    if "default" in node:
        notes.append(f"Default: {_short(node['default'])}.")
    description = node.get("description")
    if not description and not notes:
        return {"$ref": node["$ref"]}
    wrapped: dict[str, Any] = {"anyOf": [{"$ref": node["$ref"]}]}
    if description:
        wrapped["description"] = description
    append_description(wrapped, " ".join(notes))
    return wrapped


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    """The same schema, also accepting `null` (for a field that was optional)."""
    result = dict(node)
    if "$ref" in result or ("anyOf" in result and "type" not in result):
        branches = result.pop("anyOf", None) or [{"$ref": result.pop("$ref")}]
        if {"type": "null"} not in branches:
            branches = [*branches, {"type": "null"}]
        return {**result, "anyOf": branches}
    kind = result.get("type")
    if isinstance(kind, str) and kind != "null":
        result["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        result["type"] = [*kind, "null"]
    if "enum" in result and None not in result["enum"]:
        result["enum"] = [*result["enum"], None]
    return result


def _drop_nulls(value: Any, node: Any, resolve: Callable[[Any], Any]) -> Any:
    if isinstance(value, list):
        items = _first(object_views(node, resolve), "items")
        return [_drop_nulls(v, items, resolve) for v in value] if items else value
    if not isinstance(value, dict):
        return value
    views = object_views(node, resolve)
    result = {}
    for key, sub_value in value.items():
        owners = [v for v in views if key in v.get("properties", {})]
        if (
            sub_value is None
            and owners
            and all(
                key not in v.get("required", [])
                and not _allows_null(v["properties"][key], resolve)
                for v in owners
            )
        ):
            continue
        sub_schema = owners[0]["properties"][key] if owners else None
        result[key] = _drop_nulls(sub_value, sub_schema, resolve)
    return result


def _allows_null(node: Any, resolve: Callable[[Any], Any]) -> bool:
    node = resolve(node)
    if not isinstance(node, dict) or not node:
        return True
    if None in node.get("enum", [1]) or ("const" in node and node["const"] is None):
        return True
    if "null" in _types(node):
        return True
    branches = [*node.get("anyOf", []), *node.get("oneOf", [])]
    if any(_allows_null(b, resolve) for b in branches):
        return True
    keywords = {"type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "not"}
    return not (keywords & node.keys())


def _first(views: list[dict[str, Any]], key: str) -> Any:
    return next((v[key] for v in views if key in v), None)


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    if "properties" in node:
        return {"object"}
    return set()


def _json_type(value: Any) -> str | None:
    names = {
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        type(None): "null",
    }
    return names.get(type(value))


def _short(value: Any) -> str:
    return quote_json(value, limit=_SHORT_CHARS)


def _word(value: Any) -> str:
    return quote_word(value) if isinstance(value, str) else _short(value)
