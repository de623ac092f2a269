"""Anthropic tools: `{"name", "description", "input_schema"}`.

Anthropic wants the root of `input_schema` to be an object without
`anyOf`/`oneOf`/`allOf` (lifted, see `formats.common`) and every property key
to match `^[a-zA-Z0-9_.-]{1,64}$`. Keys outside that pattern (`filter[name]`,
`first name`, very long keys) get a deterministic alias in the schema, with
the original name stated in the property's description; calls coming back
with aliases are mapped to the original keys by `from_anthropic_arguments`.
Keys that already fit are never touched.

Aliases are planned once for the whole document: one original key has one
alias everywhere, and no alias equals a key declared anywhere, so a key
coming back means the same in every union branch.
"""

from __future__ import annotations

import copy
import hashlib
import re
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from membrane_pusher.formats.common import (
    append_description,
    item_schemas,
    properties_of,
    provider_document,
    resolver_for,
    schema_cache_key,
    schema_from_key,
    tool_parts,
    views_of,
)
from membrane_pusher.json_text import quote_json
from membrane_pusher.schema.keywords import iter_subschemas, map_subschemas

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from langchain_core.tools import BaseTool

__all__ = [
    "ANTHROPIC_KEY_PATTERN",
    "anthropic_alias_by_key",
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
    mapping = _mapping(tool, schema)
    renamed = _renamed(mapping.document, mapping.alias_by_key)
    # The document is kept for mapping calls back: the caller gets its own copy.
    input_schema = copy.deepcopy(renamed)
    return {"name": name, "description": description, "input_schema": input_schema}


def anthropic_key_aliases(tool: BaseTool) -> Mapping[str, str]:
    """Every alias used in the Anthropic form, mapped to its original key.

    The mapping is shared by every tool with this argument schema: read-only.
    """
    return _mapping(tool).key_by_alias


def anthropic_alias_by_key(tool: BaseTool) -> Mapping[str, str]:
    """Every key renamed in the Anthropic form, mapped to its alias.

    The mapping is shared by every tool with this argument schema: read-only.
    """
    return _mapping(tool).alias_by_key


def from_anthropic_arguments(tool: BaseTool, arguments: Any) -> Any:
    """Map aliased keys of a call made with the Anthropic form back, at every depth."""
    if not isinstance(arguments, dict):
        return arguments
    mapping = _mapping(tool)
    if not mapping.key_by_alias:
        return arguments
    return _restore(
        arguments, [mapping.document], mapping.resolve, mapping.key_by_alias
    )


class _Mapping(NamedTuple):
    """What the Anthropic form of one argument schema needs (never changed)."""

    document: dict[str, Any]
    resolve: Callable[[Any], Any]
    # The alias plan, both ways: original key -> alias and alias -> key.
    alias_by_key: Mapping[str, str]
    key_by_alias: Mapping[str, str]


def _mapping(tool: BaseTool, schema: dict[str, Any] | None = None) -> _Mapping:
    """What mapping calls back needs, computed once per argument schema.

    `schema`: the tool's model-facing schema, when the caller has it already.
    """
    key = schema_cache_key(tool)
    if key is not None:
        return _mapping_for_key(key)
    return _build_mapping(schema if schema is not None else tool_parts(tool)[2])


@lru_cache(maxsize=256)
def _mapping_for_key(key: str) -> _Mapping:
    return _build_mapping(schema_from_key(key))


def _build_mapping(schema: dict[str, Any]) -> _Mapping:
    """The document, its resolver and its alias plan both ways."""
    document = provider_document(schema)
    plan = _alias_plan(document)
    return _Mapping(
        document=document,
        resolve=resolver_for(document),
        alias_by_key=MappingProxyType(plan),
        key_by_alias=MappingProxyType({alias: key for key, alias in plan.items()}),
    )


def _renamed(node: Any, plan: Mapping[str, str]) -> Any:
    """Replace keys outside the pattern by aliases, in properties and required.

    With nothing to rename, `node` itself is returned; otherwise a new tree.
    """
    if not plan or not isinstance(node, dict):
        return node
    result = map_subschemas(node, lambda sub: _renamed(sub, plan))
    properties = result.get("properties")
    if not isinstance(properties, dict):
        return result
    if not any(key in plan for key in properties):
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


def _alias_plan(document: dict[str, Any]) -> dict[str, str]:
    """Original key -> alias, for every key in the document that needs one.

    Keys are visited breadth first (top-level keys get the plainest
    aliases); an alias never repeats a key declared anywhere in the document.
    """
    declared: list[str] = []
    pending: list[Any] = [document]
    while pending:
        node = pending.pop(0)
        if not isinstance(node, dict):
            continue
        properties = node.get("properties")
        if isinstance(properties, dict):
            declared.extend(properties)
        pending.extend(iter_subschemas(node))

    names = list(dict.fromkeys(declared))
    taken = {key for key in names if ANTHROPIC_KEY_PATTERN.match(key)}
    plan = {}
    for key in names:
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


def _restore(
    value: Any,
    nodes: list[Any],
    resolve: Callable[[Any], Any],
    back: Mapping[str, str],
) -> Any:
    """Put original keys back, at every depth (`back`: alias -> original key).

    An alias is restored only where a schema the value may match here
    declares its original key: aliases never equal a declared key, so no
    union branch can take it for one of its own.
    """
    if not isinstance(value, (dict, list)):
        return value
    views = views_of(nodes, resolve)
    if isinstance(value, list):
        items = item_schemas(views)
        return [_restore(v, items, resolve, back) for v in value] if items else value

    declared = [properties_of(view) for view in views]
    result = {}
    for key, sub_value in value.items():
        original = back.get(key, key)
        owners = [props[original] for props in declared if original in props]
        if not owners:
            original = key
            owners = [props[key] for props in declared if key in props]
        result[original] = _restore(sub_value, owners, resolve, back)
    return result
