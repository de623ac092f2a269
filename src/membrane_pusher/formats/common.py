"""Steps shared by the provider formats.

* `tool_parts`: a tool's name, description and model-facing schema.
* `provider_document`: the schema with every local `$ref` rewritten to
  `#/$defs/<safe name>`, root unions lifted and draft-04 boolean
  `exclusiveMinimum`/`exclusiveMaximum` written in today's numeric form, the
  starting point of the OpenAI, Anthropic and Gemini forms.
* `schema_cache_key`: a key per argument schema, so that what mapping calls
  back needs is computed once per schema, not on every call.
* `lift_root_unions`: providers reject `anyOf`/`oneOf`/`allOf` at the root, so
  their properties are merged into one object; only keys required by every
  branch stay required, and the description says which combinations are
  allowed. Validation still uses the original union.
* `declared_types`: the JSON types a node declares.
* `object_views`, `views_of`, `properties_of`, `item_schemas`: the object
  shapes a value may take at one schema node (the node itself and its
  resolved union branches) and what they declare, used to map calls back.
* `json_type`, `has_json_type`: the JSON type of a value, and whether it has
  one a schema names.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from membrane_pusher.json_text import quote_json
from membrane_pusher.schema.facing_refs import (
    inline_root_ref,
    join_properties,
    join_required,
)
from membrane_pusher.schema.keywords import iter_subschemas, map_subschemas
from membrane_pusher.schema.normalize import model_facing_schema
from membrane_pusher.schema.refs import canonical_refs, resolve_local_ref

if TYPE_CHECKING:
    from collections.abc import Callable

    from langchain_core.tools import BaseTool

__all__ = [
    "append_description",
    "declared_types",
    "has_json_type",
    "item_schemas",
    "json_type",
    "lift_root_unions",
    "object_views",
    "properties_of",
    "provider_document",
    "resolver_for",
    "schema_cache_key",
    "schema_from_key",
    "tool_parts",
    "views_of",
]

_UNIONS = ("anyOf", "oneOf")
# Schema object id -> (the schema, its cache key); see `schema_cache_key`.
_KEYS: dict[int, tuple[dict[str, Any], str]] = {}
_MAX_KEYS = 1024
# Root keywords that only make sense for the document, not for a provider.
_DOCUMENT_KEYWORDS = ("$schema", "$id", "$comment", "$anchor", "$dynamicAnchor")
# Python types of JSON values, `bool` before `int` (a bool is an int in Python).
_JSON_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (dict, "object"),
    (list, "array"),
)
# Keywords that make the part of a node beside its `$ref` an object view.
_VIEW_KEYWORDS = frozenset(
    {"properties", "required", "items", "allOf", "anyOf", "oneOf"}
)


def tool_parts(tool: BaseTool) -> tuple[str, str, dict[str, Any]]:
    """Return a tool's name, description and model-facing argument schema."""
    schema: Any = tool.args_schema
    if schema is not None and not isinstance(schema, dict):
        schema = schema.model_json_schema()
    return tool.name, tool.description or tool.name, model_facing_schema(schema)


def schema_cache_key(tool: BaseTool) -> str | None:
    """A text key equal for tools with equal argument schemas (`None`: no key).

    Key order is kept, because it is the order of the properties shown. The
    key of a schema object is remembered, so a call costs a lookup.

    NOTE: like the tool's compiled validator, the key assumes a schema is not
    changed in place once calls have started; assign a new `args_schema`
    instead.
    """
    schema: Any = tool.args_schema
    if not isinstance(schema, dict):
        return None
    known = _KEYS.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    try:
        key = json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    if len(_KEYS) >= _MAX_KEYS:
        _KEYS.clear()
    # The schema is kept alive with its key, so its id cannot be reused.
    _KEYS[id(schema)] = (schema, key)
    return key


def schema_from_key(key: str) -> dict[str, Any]:
    """The model-facing schema of the tool a `schema_cache_key` came from."""
    return model_facing_schema(json.loads(key))


def provider_document(schema: dict[str, Any]) -> dict[str, Any]:
    """Canonical references, no root union, no document-only keywords."""
    document = canonical_refs(schema)
    if _has_boolean_bounds(document):
        document = _modern_exclusive_bounds(document)
    document = lift_root_unions(document)
    for key in _DOCUMENT_KEYWORDS:
        document.pop(key, None)
    document["type"] = "object"
    document.setdefault("properties", {})
    return document


def resolver_for(document: dict[str, Any]) -> Callable[[Any], Any]:
    """A function following `$ref` chains inside `document` (cycles stop)."""

    def resolve(node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                return {}
            seen.add(ref)
            try:
                node = resolve_local_ref(document, ref)
            except KeyError:
                return {}
        return node

    return resolve


def lift_root_unions(schema: dict[str, Any]) -> dict[str, Any]:
    """Merge a root `$ref`, `allOf`, `anyOf` or `oneOf` into one object schema.

    Args:
        schema: A root schema (its `$defs` are used to resolve branches).

    Returns:
        A new root without those keywords; `$defs` is kept.
    """
    return _lifted(schema, frozenset())


def _lifted(schema: dict[str, Any], expanded: frozenset[str]) -> dict[str, Any]:
    """`lift_root_unions`; `expanded`: the references this path already lifted."""
    root = dict(inline_root_ref(schema, lambda ref: resolve_local_ref(schema, ref)))

    for branch in root.pop("allOf", None) or []:
        part = _lifted_branch(branch, schema, expanded)
        _merge_all_of(root, part)
        root["required"] = join_required(
            root.get("required", []), part.get("required", [])
        )

    for keyword in _UNIONS:
        branches = root.pop(keyword, None)
        if not branches:
            continue
        parts = [_lifted_branch(b, schema, expanded) for b in branches]
        parts = [p for p in parts if p.get("properties") or p.get("required")]
        if not parts:
            continue
        _merge_union(root, parts)
        common = set.intersection(*(set(p.get("required", [])) for p in parts))
        shared = [k for k in parts[0].get("required", []) if k in common]
        root["required"] = join_required(root.get("required", []), shared)
        append_description(root, _combinations_note(keyword, parts))

    if not root.get("required"):
        root.pop("required", None)
    return root


def object_views(node: Any, resolve: Callable[[Any], Any]) -> list[dict[str, Any]]:
    """The object shapes a value may match at `node`: itself and its branches.

    Keywords written beside a `$ref` form a view of their own, before the
    referenced schema's.
    """
    views: list[dict[str, Any]] = []
    pending = [node]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if not isinstance(current, dict) or id(current) in seen:
            continue
        seen.add(id(current))
        ref = current.get("$ref")
        if isinstance(ref, str):
            pending.insert(0, resolve({"$ref": ref}))
            current = {k: v for k, v in current.items() if k != "$ref"}
            if not _VIEW_KEYWORDS & current.keys():
                continue
        views.append(current)
        for keyword in ("allOf", "anyOf", "oneOf"):
            branches = current.get(keyword)
            if isinstance(branches, list):
                pending.extend(branches)
    return views


def views_of(nodes: list[Any], resolve: Callable[[Any], Any]) -> list[dict[str, Any]]:
    """The object views of every node in `nodes`, in order (see `object_views`)."""
    return [view for node in nodes for view in object_views(node, resolve)]


def properties_of(view: dict[str, Any]) -> dict[str, Any]:
    """The properties a view declares (empty when it declares none)."""
    properties = view.get("properties")
    return properties if isinstance(properties, dict) else {}


def item_schemas(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `items` schemas of the views that declare one."""
    return [view["items"] for view in views if isinstance(view.get("items"), dict)]


def json_type(value: Any) -> str | None:
    """The JSON Schema type of a Python value (`None`: not a JSON value).

    A `bool` is a boolean, never an integer; a float is a number, even `3.0`.
    """
    if value is None:
        return "null"
    for python_type, name in _JSON_TYPES:
        if isinstance(value, python_type):
            return name
    return None


def has_json_type(value: Any, kind: str) -> bool:
    """Whether a value is of the JSON Schema type `kind`.

    As in JSON Schema, an integer is a number and a float without a
    fractional part (`3.0`) is an integer.
    """
    found = json_type(value)
    if kind == "number":
        return found in {"integer", "number"}
    if kind == "integer" and found == "number":
        return bool(value.is_integer())
    return found == kind


def declared_types(node: dict[str, Any]) -> set[str]:
    """The JSON types a node declares (`properties` alone declares an object)."""
    kind = node.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    if "properties" in node:
        return {"object"}
    return set()


def append_description(node: dict[str, Any], note: str) -> None:
    """Add a sentence to a node's description."""
    if not note:
        return
    current = node.get("description")
    node["description"] = f"{current.rstrip()} {note}" if current else note


def _lifted_branch(
    branch: Any, document: dict[str, Any], expanded: frozenset[str]
) -> dict[str, Any]:
    """One root branch as an object schema (keywords beside its `$ref` kept).

    A branch that leads back to a reference this path already lifted (a
    recursive union) adds nothing.
    """
    if not isinstance(branch, dict):
        return {}
    ref = branch.get("$ref")
    if isinstance(ref, str):
        if ref in expanded:
            return {}
        expanded = expanded | {ref}
    return _lifted({**branch, "$defs": document.get("$defs", {})}, expanded)


def _merge_all_of(root: dict[str, Any], part: dict[str, Any]) -> None:
    """Every allOf branch applies: a key in several branches must match all."""
    root["properties"] = join_properties(
        root.get("properties", {}), part.get("properties", {})
    )


def _merge_union(root: dict[str, Any], parts: list[dict[str, Any]]) -> None:
    """One branch applies: a key offered differently by branches is anyOf them."""
    properties = dict(root.get("properties", {}))
    options: dict[str, list[Any]] = {}
    for part in parts:
        for name, sub in part.get("properties", {}).items():
            if name in properties:
                continue
            known = options.setdefault(name, [])
            if sub not in known:
                known.append(sub)
    for name, known in options.items():
        properties[name] = known[0] if len(known) == 1 else {"anyOf": known}
    root["properties"] = properties


def _has_boolean_bounds(document: dict[str, Any]) -> bool:
    """Whether any node has a draft-04 boolean `exclusiveMinimum`/`Maximum`."""
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("exclusiveMinimum"), bool) or isinstance(
            node.get("exclusiveMaximum"), bool
        ):
            return True
        pending.extend(iter_subschemas(node))
    return False


def _modern_exclusive_bounds(node: Any) -> Any:
    """Draft-04 `"exclusiveMinimum": true` beside `minimum` as one number.

    A boolean there is invalid in every later draft (which providers follow):
    `true` makes the bound exclusive, `false` is the default and goes.
    """
    if not isinstance(node, dict):
        return node
    result = map_subschemas(node, _modern_exclusive_bounds)
    for exclusive, bound in (
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ):
        flag = result.get(exclusive)
        if not isinstance(flag, bool):
            continue
        del result[exclusive]
        if flag and isinstance(result.get(bound), (int, float)):
            result[exclusive] = result.pop(bound)
    return result


def _combinations_note(keyword: str, parts: list[dict[str, Any]]) -> str:
    forms = []
    for part in parts:
        required = part.get("required", [])
        names = required or list(part.get("properties", {}))
        joined = " + ".join(quote_json(n) for n in names)
        forms.append(f"({joined})" if required else f"(any of {joined})")
    how = "exactly one" if keyword == "oneOf" else "at least one"
    return f"Send {how} of these combinations of arguments: {' or '.join(forms)}."
