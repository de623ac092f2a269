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
    declared_types,
    object_views,
    provider_document,
    resolver_for,
    schema_cache_key,
    schema_from_key,
    tool_parts,
)
from membrane_pusher.formats.openai_limits import (
    STRICT_MAX_ENUM_VALUES,
    STRICT_MAX_NESTING,
    STRICT_MAX_PROPERTIES,
)
from membrane_pusher.formats.openai_strict import (
    ANNOTATION_KEYWORDS,
    NotStrictError,
    strict_parameters,
)
from membrane_pusher.schema.keywords import map_subschemas

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
        except NotStrictError as reason:
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
        NotStrictError: When `strict` is asked for and impossible.
    """
    document = provider_document(schema)
    if strict:
        return strict_parameters(document)
    completed: dict[str, Any] = _complete(document)
    return completed


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
    return _drop_nulls(arguments, [document], resolve)


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
    for key in ANNOTATION_KEYWORDS:
        result.pop(key, None)
    kinds = declared_types(result)
    if "object" in kinds and "properties" not in result:
        result["properties"] = {}
    if "array" in kinds and "items" not in result:
        result["items"] = {}
    return result


def _drop_nulls(value: Any, nodes: list[Any], resolve: Callable[[Any], Any]) -> Any:
    """Drop the nulls standing for omitted fields, following the value's branch.

    `nodes` are the schemas the value may match here (several where union
    branches share a key); only the branches the value's keys point to decide.
    """
    if not isinstance(value, (dict, list)):
        return value
    views = [view for node in nodes for view in object_views(node, resolve)]
    if isinstance(value, list):
        items = [v["items"] for v in views if isinstance(v.get("items"), dict)]
        return [_drop_nulls(v, items, resolve) for v in value] if items else value
    views = _branch_views(value, views)
    result = {}
    for key, sub_value in value.items():
        owners = [(v, v["properties"][key]) for v in views if key in _properties(v)]
        if (
            sub_value is None
            and owners
            and all(
                key not in v.get("required", []) and not _allows_null(sub, resolve)
                for v, sub in owners
            )
        ):
            continue
        result[key] = _drop_nulls(sub_value, [sub for _, sub in owners], resolve)
    return result


def _branch_views(
    value: dict[str, Any], views: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The views a strict call's keys point to.

    A strict model sends every property of the object it chose, so the views
    declaring exactly the value's keys are the ones it meant; next come those
    declaring all of them; with neither, every view counts.
    """
    if len(views) <= 1:
        return views
    keys = value.keys()
    exact = [v for v in views if _properties(v) and _properties(v).keys() == keys]
    if exact:
        return exact
    covering = [v for v in views if _properties(v) and keys <= _properties(v).keys()]
    return covering or views


def _properties(view: dict[str, Any]) -> dict[str, Any]:
    properties = view.get("properties")
    return properties if isinstance(properties, dict) else {}


def _allows_null(node: Any, resolve: Callable[[Any], Any]) -> bool:
    node = resolve(node)
    if not isinstance(node, dict) or not node:
        return True
    if None in node.get("enum", [1]) or ("const" in node and node["const"] is None):
        return True
    if "null" in declared_types(node):
        return True
    branches = [*node.get("anyOf", []), *node.get("oneOf", [])]
    if any(_allows_null(b, resolve) for b in branches):
        return True
    keywords = {"type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "not"}
    return not (keywords & node.keys())
