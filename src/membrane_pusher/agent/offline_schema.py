"""Tool schemas in the form the offline engine reads, and their shortened copies.

The engine takes `{name, description, parameters}` per tool and reads each one
slowly, so `compact_tool_schema` keeps only what picking a tool and filling
its required arguments needs. Validation still uses the tool's full schema.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from langchain_core.tools import BaseTool

from membrane_pusher.schema.keywords import map_subschemas

__all__ = ["compact_tool_schema", "needle_tool_schema"]


def needle_tool_schema(tool: Any) -> dict[str, Any]:
    """Convert one tool to the engine's `{name, description, parameters}` form.

    Our tools go through `membrane_pusher.formats.to_openai_tool` when that
    module is available; other tools use LangChain's OpenAI conversion.
    """
    if isinstance(tool, dict) and {"name", "parameters"} <= tool.keys():
        return {
            key: tool[key]
            for key in ("name", "description", "parameters")
            if key in tool
        }
    function = _openai_function(tool)
    return {
        "name": function["name"],
        "description": function.get("description", ""),
        "parameters": function.get("parameters")
        or {"type": "object", "properties": {}},
    }


# Keywords our tools check themselves; the engine's grammar need not.
_VALIDATION_ONLY = frozenset(
    {
        "pattern",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "propertyNames",
        "additionalProperties",
        "format",
        "examples",
        "default",
    }
)
_FIRST_SENTENCE = re.compile(r"(.+?\.)(?:\s|$)")


def compact_tool_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Shorten a tool schema for the 121M engine.

    The engine reads every tool schema when it is set up (seconds per
    kilobyte on two cores) and loses track in long ones. The model is shown
    only the first sentence of each description, only the required
    properties of each object (all of them when none is required), and no
    keywords that only constrain values (lengths, patterns, ...). The tool
    still validates its arguments against its full schema.

    Args:
        schema: `{name, description, parameters}`.

    Returns:
        The shortened copy.
    """
    return {
        "name": schema["name"],
        "description": _first_sentence(schema.get("description", ""), 200),
        "parameters": _compact_node(schema.get("parameters") or {}),
    }


def _compact_node(node: Any) -> Any:
    """Shorten one schema node; names under `properties`/`$defs` stay data."""
    if not isinstance(node, dict):
        return node
    compact = {k: v for k, v in node.items() if k not in _VALIDATION_ONLY}
    if isinstance(compact.get("description"), str):
        compact["description"] = _first_sentence(compact["description"], 120)
    properties = compact.get("properties")
    if isinstance(properties, dict):
        required = node.get("required")
        shown = set(required) if isinstance(required, list) and required else None
        compact["properties"] = {
            name: child
            for name, child in properties.items()
            if shown is None or name in shown
        }
    return map_subschemas(compact, _compact_node)


def _first_sentence(text: Any, limit: int) -> str:
    flat = " ".join(str(text).split())
    match = _FIRST_SENTENCE.match(flat)
    return (match.group(1) if match else flat)[:limit]


def _openai_function(tool: Any) -> dict[str, Any]:
    if isinstance(tool, BaseTool) and isinstance(tool.args_schema, dict):
        try:
            formats = importlib.import_module("membrane_pusher.formats")
            converted = formats.to_openai_tool(tool)
        except (ImportError, AttributeError):
            converted = {
                "function": {
                    "name": tool.name,
                    "description": tool.description,
                    "parameters": tool.args_schema,
                }
            }
        return dict(converted.get("function", converted))
    from langchain_core.utils.function_calling import convert_to_openai_tool  # noqa: PLC0415

    return dict(convert_to_openai_tool(tool)["function"])
