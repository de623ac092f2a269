"""Anthropic tools: `{"name", "description", "input_schema"}`.

Anthropic wants the root of `input_schema` to be an object without
`anyOf`/`oneOf`/`allOf` (lifted, see `formats.common`) and every property key
to match `^[a-zA-Z0-9_.-]{1,64}$`. Keys outside that pattern (`filter[name]`,
`first name`, very long keys) get a deterministic alias in the schema, with
the original name stated in the property's description; calls coming back
with aliases are mapped to the original keys by `from_anthropic_arguments`.
Keys that already fit are never touched.
"""

from __future__ import annotations

import hashlib
import re
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
from membrane_pusher.json_text import quote_json
from membrane_pusher.schema.keywords import map_subschemas

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from langchain_core.tools import BaseTool

__all__ = [
    "ANTHROPIC_KEY_PATTERN",
    "anthropic_key_aliases",
    "from_anthropic_arguments",
    "to_anthropic_tool",
]

ANTHROPIC_KEY_PATTERN = re.compile(r"^[a-zA-Z0-9_.-]{1,64}$")
_BAD_CHARACTERS = re.compile(r"[^a-zA-Z0-9_.-]+")
_MAX_KEY = 64


def to_anthropic_tool(tool: BaseTool) -> dict[str, Any]:
    """Build an Anthropic tool definition.

    Args:
        tool: Any tool with a JSON-Schema (or pydantic) argument schema.

    Returns:
        A plain dict for the `tools` list of a Messages request.
    """
    name, description, schema = tool_parts(tool)
    document = provider_document(schema)
    return {
        "name": name,
        "description": description,
        "input_schema": _renamed(document),
    }


def anthropic_key_aliases(tool: BaseTool) -> dict[str, str]:
    """Every alias used in the Anthropic form, mapped to its original key."""
    return dict(_mapping(tool)[2])


def from_anthropic_arguments(tool: BaseTool, arguments: Any) -> Any:
    """Map aliased keys of a call made with the Anthropic form back, at every depth."""
    if not isinstance(arguments, dict):
        return arguments
    document, resolve, aliases = _mapping(tool)
    if not aliases:
        return arguments
    return _restore(arguments, document, resolve)


_Mapping = tuple[dict[str, Any], "Callable[[Any], Any]", dict[str, str]]


def _mapping(tool: BaseTool) -> _Mapping:
    """What mapping calls back needs, computed once per argument schema."""
    key = schema_cache_key(tool)
    if key is None:
        return _build_mapping(tool_parts(tool)[2])
    return _mapping_for_key(key)


@lru_cache(maxsize=256)
def _mapping_for_key(key: str) -> _Mapping:
    return _build_mapping(schema_from_key(key))


def _build_mapping(schema: dict[str, Any]) -> _Mapping:
    """The document, its resolver and every alias (shared: never changed)."""
    document = provider_document(schema)
    aliases: dict[str, str] = {}

    def collect(node: Any) -> Any:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                plan = _alias_plan(properties)
                aliases.update({alias: key for key, alias in plan.items()})
            map_subschemas(node, collect)
        return node

    collect(document)
    return document, resolver_for(document), aliases


def _renamed(node: Any) -> Any:
    """Replace keys outside the pattern by aliases, in properties and required."""
    if not isinstance(node, dict):
        return node
    result = map_subschemas(node, _renamed)
    properties = result.get("properties")
    if not isinstance(properties, dict):
        return result
    plan = _alias_plan(properties)
    if not plan:
        return result

    renamed = {}
    for key, sub in properties.items():
        if key not in plan:
            renamed[key] = sub
            continue
        aliased = dict(sub) if isinstance(sub, dict) else {}
        append_description(aliased, f"(Original name: {quote_json(key)}.)")
        renamed[plan[key]] = aliased
    result["properties"] = renamed
    if isinstance(result.get("required"), list):
        result["required"] = [plan.get(k, k) for k in result["required"]]
    return result


def _alias_plan(properties: dict[str, Any]) -> dict[str, str]:
    """Original key -> alias, for the keys of one object that need one."""
    taken = {k for k in properties if ANTHROPIC_KEY_PATTERN.match(k)}
    plan = {}
    for key in properties:
        if key in taken:
            continue
        alias = _alias(key, taken)
        taken.add(alias)
        plan[key] = alias
    return plan


def _alias(key: str, taken: Collection[str]) -> str:
    """A deterministic key within the pattern, different from `taken`."""
    base = _BAD_CHARACTERS.sub("_", key).strip("_") or "field"
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    if len(base) > _MAX_KEY:
        base = f"{base[: _MAX_KEY - 9]}_{digest}"
    alias = base
    counter = 2
    while alias in taken:
        suffix = f"_{counter}"
        alias = f"{base[: _MAX_KEY - len(suffix)]}{suffix}"
        counter += 1
    return alias


def _restore(value: Any, node: Any, resolve: Callable[[Any], Any]) -> Any:
    views = object_views(node, resolve)
    if isinstance(value, list):
        items = next(
            (v["items"] for v in views if isinstance(v.get("items"), dict)), None
        )
        return [_restore(v, items, resolve) for v in value] if items else value
    if not isinstance(value, dict):
        return value

    back: dict[str, str] = {}
    for view in views:
        properties = view.get("properties")
        if isinstance(properties, dict):
            plan = _alias_plan(properties)
            back.update({alias: key for key, alias in plan.items()})
    result = {}
    for key, sub_value in value.items():
        original = back.get(key, key)
        sub_schema = next(
            (
                v["properties"][original]
                for v in views
                if original in v.get("properties", {})
            ),
            None,
        )
        result[original] = _restore(sub_value, sub_schema, resolve)
    return result
