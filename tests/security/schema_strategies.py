"""JSON-Schema-to-hypothesis strategies for the fuzz tests.

`case_strategy` uses `hypothesis_jsonschema.from_schema` for every schema it
can handle. hypothesis-jsonschema cannot generate from recursive `$ref`s (a
`$defs` entry that refers back to itself); for those schemas alone this module
keeps a small generator of its own, `from_json_schema`, which follows `$ref`
to a fixed depth. It covers the keywords the shared cases use (type and type
lists, properties/required/additionalProperties, items, enum, const,
anyOf/oneOf/allOf, local `$ref`, string and number bounds, pattern via
`from_regex`). It aims close; callers keep only values that plain jsonschema
accepts.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.text(max_size=10),
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=5), inner, max_size=3),
    ),
    max_leaves=6,
)
_MAX_DEPTH = 4


def case_strategy(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Return a strategy for values of `schema`, by hypothesis-jsonschema if it can."""
    if has_recursive_ref(schema):
        return from_json_schema(schema)
    return from_schema(schema)


def has_recursive_ref(schema: dict[str, Any]) -> bool:
    """Tell whether a local `$ref` can lead back to itself."""
    edges: dict[str, set[str]] = {}
    for name, definition in _definitions(schema).items():
        edges[name] = set(_refs_in(definition))
    for start, targets in edges.items():
        seen: set[str] = set()
        todo = list(targets)
        while todo:
            ref = todo.pop()
            if ref == start:
                return True
            if ref not in seen:
                seen.add(ref)
                todo.extend(edges.get(ref, ()))
    return False


def _definitions(schema: dict[str, Any]) -> dict[str, Any]:
    """Every `$defs`/`definitions` entry, by the `$ref` that names it."""
    found: dict[str, Any] = {}
    for keyword in ("$defs", "definitions"):
        for name, definition in (schema.get(keyword) or {}).items():
            found[f"#/{keyword}/{name}"] = definition
    return found


def _refs_in(node: Any) -> list[str]:
    """Every `$ref` value anywhere inside `node`."""
    if isinstance(node, dict):
        refs = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for value in node.values():
            refs.extend(_refs_in(value))
        return refs
    if isinstance(node, list):
        return [ref for item in node for ref in _refs_in(item)]
    return []


def from_json_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Return a strategy for values that (mostly) satisfy `schema`.

    Used only for recursive schemas, which hypothesis-jsonschema refuses.
    """
    return _strategy(schema, schema, 0)


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    """Follow a local `#/...` JSON pointer."""
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        if part:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node if isinstance(node, dict) else {}


def _strategy(  # noqa: PLR0911 - one return per schema keyword
    schema: Any, root: dict[str, Any], depth: int
) -> st.SearchStrategy[Any]:
    if not isinstance(schema, dict) or schema is True:
        return ANY_JSON
    if "$ref" in schema:
        if depth >= _MAX_DEPTH:
            return st.nothing()
        return _strategy(_resolve(root, schema["$ref"]), root, depth + 1)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            base = {k: v for k, v in schema.items() if k != keyword}
            return st.one_of(
                [
                    _strategy({**base, **option}, root, depth)
                    for option in schema[keyword]
                ]
            )
    if "allOf" in schema:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            merged = {**merged, **part}
        return _strategy(merged, root, depth)

    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([_strategy({**schema, "type": k}, root, depth) for k in kind])
    if kind is None:
        kind = "object" if "properties" in schema else None
    return _typed(kind, schema, root, depth)


def _typed(  # noqa: PLR0911 - one return per JSON type
    kind: str | None, schema: dict[str, Any], root: dict[str, Any], depth: int
) -> st.SearchStrategy[Any]:
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(
            schema.get("minimum", -(10**6)), schema.get("maximum", 10**6)
        )
    if kind == "number":
        return st.floats(
            schema.get("minimum", -1e6), schema.get("maximum", 1e6), allow_nan=False
        )
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(
                lambda s: len(s) <= schema.get("maxLength", 200)
            )
        return st.text(
            min_size=schema.get("minLength", 0),
            max_size=min(schema.get("maxLength", 20), 20),
        )
    if kind == "array":
        items = _strategy(schema.get("items", True), root, depth + 1)
        if items.is_empty:
            return st.just([]) if schema.get("minItems", 0) == 0 else st.nothing()
        return st.lists(
            items,
            min_size=schema.get("minItems", 0),
            max_size=min(schema.get("maxItems", 4), 4),
            unique_by=repr if schema.get("uniqueItems") else None,
        )
    if kind == "object":
        return _object(schema, root, depth)
    return ANY_JSON


def _object(
    schema: dict[str, Any], root: dict[str, Any], depth: int
) -> st.SearchStrategy[Any]:
    properties = schema.get("properties", {})
    required = [name for name in schema.get("required", []) if name in properties]
    optional = {
        name: _strategy(sub, root, depth + 1)
        for name, sub in properties.items()
        if name not in required
    }
    fixed = st.fixed_dictionaries(
        {name: _strategy(properties[name], root, depth + 1) for name in required},
        optional=optional,
    )
    extra = schema.get("additionalProperties", True)
    if extra is False or depth >= _MAX_DEPTH:
        return fixed
    extra_values = ANY_JSON if extra is True else _strategy(extra, root, depth + 1)
    return st.tuples(
        fixed,
        st.dictionaries(st.text(min_size=1, max_size=6), extra_values, max_size=2),
    ).map(lambda pair: {**pair[1], **pair[0]})
