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
parse is passed on as it is, for validation to judge).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from membrane_pusher.formats.common import (
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
        return _parsed(value) if isinstance(value, str) else value
    views = _views(plan)
    if isinstance(value, dict):
        return {
            key: _decode(sub, _first(views, "properties", key))
            for key, sub in value.items()
        }
    if isinstance(value, list):
        items = next((v["items"] for v in views if "items" in v), None)
        return [_decode(sub, items) for sub in value] if items else value
    return value


def _views(plan: JsonTextPlan) -> list[JsonTextPlan]:
    """The plan and the plans of its union branches, depth first."""
    views = [plan]
    for branch in plan.get("anyOf", []):
        views.extend(_views(branch))
    return views


def _first(views: list[JsonTextPlan], keyword: str, name: str) -> JsonTextPlan | None:
    return next((v[keyword][name] for v in views if name in v.get(keyword, {})), None)


def _parsed(text: str) -> Any:
    try:
        return loads_strict(text)
    except JSONInputError:
        return text
