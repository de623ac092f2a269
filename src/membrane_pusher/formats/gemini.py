"""Gemini function declarations: the OpenAPI 3.0 schema subset.

Gemini accepts one `type` per node plus `nullable`, string enums only, no
`const`, no `$ref`, no `additionalProperties`, few `format` values, and no
OBJECT without properties ("should be non-empty for OBJECT type"). The
conversion keeps every machine-readable fact it can and describes the rest:

* type lists and `anyOf [X, null]` become one type with `nullable: true`
  (`items` stays inside the array), other type lists become `anyOf`;
* non-string enums are dropped and their values listed in the description,
  never stringified (`"60"` would then fail integer validation); string
  enums stay enums; `const` becomes a one-value enum (strings) or a sentence;
* `$ref` is inlined, recursion is cut after `GEMINI_MAX_REF_DEPTH` levels
  with a note (see `schema.refs.inline_refs`);
* `additionalProperties`, unsupported `format` values and other constraints
  move into the description;
* a value Gemini cannot declare (an object without properties such as an
  open map or a cut recursion, a value of any type, an enum of objects, or a
  union with such a branch) becomes a STRING holding the value as JSON text,
  and its description says so.

A tool without arguments is declared without `parameters`. Property names are
kept. `from_gemini_arguments` maps calls back: JSON text sent where the
declaration asked for it is parsed before validation (text that does not
parse, or parses to a type the original does not allow there, is passed on
as it is, for validation to judge). Inside a union, only the branch the
value fits as sent decides: a value a branch without JSON text accepts is
never parsed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from membrane_pusher.formats.common import (
    has_json_type,
    provider_document,
    schema_cache_key,
    schema_from_key,
    tool_parts,
)
from membrane_pusher.formats.gemini_schema import JsonTextPlan, declared_schema
from membrane_pusher.json_text import JSONInputError, loads_strict
from membrane_pusher.schema.refs import inline_refs

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

__all__ = [
    "GEMINI_MAX_REF_DEPTH",
    "from_gemini_arguments",
    "gemini_parameters",
    "to_gemini_tool",
]

GEMINI_MAX_REF_DEPTH = 3
"""How many times a recursive definition is nested before it is cut."""


def to_gemini_tool(tool: BaseTool) -> dict[str, Any]:
    """Build a Gemini `FunctionDeclaration` as a plain dict.

    Args:
        tool: Any tool with a JSON-Schema (or pydantic) argument schema.

    Returns:
        `{"name", "description", "parameters"}`; `parameters` is left out for
        a tool without arguments.
    """
    name, description, schema = tool_parts(tool)
    declaration: dict[str, Any] = {"name": name, "description": description}
    parameters = gemini_parameters(schema)
    if parameters.get("properties"):
        declaration["parameters"] = parameters
    return declaration


def gemini_parameters(schema: dict[str, Any]) -> dict[str, Any]:
    """The `parameters` schema for a model-facing schema."""
    return _declared(schema)[0]


def from_gemini_arguments(tool: BaseTool, arguments: Any) -> Any:
    """Map a call made with the Gemini form back to the original arguments.

    Where the declaration asked for JSON text instead of a value, the text is
    parsed (strictly: no `NaN`, no repeated keys); text that does not parse
    stays as it was. Everything else is returned unchanged.
    """
    plan = _plan(tool)
    if plan is None or not isinstance(arguments, dict):
        return arguments
    return _decode(arguments, plan)


def _plan(tool: BaseTool) -> JsonTextPlan | None:
    key = schema_cache_key(tool)
    if key is None:
        return _declared(tool_parts(tool)[2])[1]
    return _plan_for_key(key)


@lru_cache(maxsize=256)
def _plan_for_key(key: str) -> JsonTextPlan | None:
    return _declared(schema_from_key(key))[1]


def _declared(schema: dict[str, Any]) -> tuple[dict[str, Any], JsonTextPlan | None]:
    """The declaration's schema and where it expects JSON text."""
    document = inline_refs(provider_document(schema), max_depth=GEMINI_MAX_REF_DEPTH)
    return declared_schema(document)


def _decode(value: Any, plan: JsonTextPlan | None) -> Any:
    """Parse the JSON text the plan asks for, at every depth."""
    if not plan:
        return value
    if plan.get("json"):
        return _from_text(value, plan.get("types"))
    if "anyOf" in plan:
        return _decode(value, _branch_plan(value, plan["anyOf"]))
    if isinstance(value, dict):
        properties = plan.get("properties", {})
        return {key: _decode(sub, properties.get(key)) for key, sub in value.items()}
    if isinstance(value, list) and "items" in plan:
        return [_decode(sub, plan["items"]) for sub in value]
    return value


def _from_text(value: Any, types: list[str] | None) -> Any:
    """The value a JSON text stands for, if it is of a type allowed there.

    Text that does not parse, or parses to a value of a type the original
    schema does not allow here (`"123"` where a string or an object is
    expected), is the value itself.
    """
    if not isinstance(value, str):
        return value
    parsed = _parsed(value)
    if types is None or any(has_json_type(parsed, kind) for kind in types):
        return parsed
    return value


def _branch_plan(value: Any, branches: list[dict[str, Any]]) -> JsonTextPlan | None:
    """The plan of the union branch a value was sent for.

    A value that fits a branch without JSON text passes unchanged; otherwise
    the first branch it fits decides (objects are first matched as closed:
    only declared keys). A value fitting no branch as sent is decoded with
    the first branch of its JSON type that expects JSON text.
    """
    fitting = [b for b in branches if _fits(value, b["schema"], closed=True)]
    if not fitting:
        fitting = [b for b in branches if _fits(value, b["schema"], closed=False)]
    if any(not b["plan"] for b in fitting):
        return None
    if fitting:
        plan: JsonTextPlan = fitting[0]["plan"]
        return plan
    for branch in branches:
        kind = branch["schema"].get("type")
        if branch["plan"] and (kind is None or has_json_type(value, kind)):
            found: JsonTextPlan = branch["plan"]
            return found
    return None


def _fits(value: Any, schema: dict[str, Any], *, closed: bool) -> bool:
    """Whether a value as sent matches a declared (Gemini subset) schema."""
    branches = schema.get("anyOf")
    if isinstance(branches, list):
        nullable = value is None and bool(schema.get("nullable"))
        return nullable or any(_fits(value, b, closed=closed) for b in branches)
    if not _fits_here(value, schema):
        return False
    if isinstance(value, dict) and schema.get("type") == "object":
        return _fits_object(value, schema, closed=closed)
    items = schema.get("items")
    if isinstance(value, list) and isinstance(items, dict):
        return all(_fits(sub, items, closed=closed) for sub in value)
    return True


def _fits_here(value: Any, schema: dict[str, Any]) -> bool:
    """Null, `type` and `enum` of one node, without looking inside the value."""
    if value is None:
        return bool(schema.get("nullable")) or "type" not in schema
    enum = schema.get("enum")
    if isinstance(enum, list) and value not in enum:
        return False
    kind = schema.get("type")
    return kind is None or has_json_type(value, kind)


def _fits_object(
    value: dict[str, Any], schema: dict[str, Any], *, closed: bool
) -> bool:
    properties = schema.get("properties", {})
    if any(key not in value for key in schema.get("required", [])):
        return False
    if closed and not value.keys() <= properties.keys():
        return False
    return all(
        _fits(sub, properties[key], closed=closed)
        for key, sub in value.items()
        if key in properties
    )


def _parsed(text: str) -> Any:
    try:
        return loads_strict(text)
    except JSONInputError:
        return text
