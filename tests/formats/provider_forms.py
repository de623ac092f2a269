"""What a model bound by each provider's tool format sends, for the format tests.

`FORMS` names the five forms under test (OpenAI plain and strict, Anthropic,
Gemini, MCP). `bind(tool, form)` returns the provider definition, the tool
bound to that form, and a function turning original arguments into what a
model reading that definition sends:

* OpenAI strict: every declared field present, `null` for the ones left out;
* Anthropic: keys renamed to the aliases the definition shows, at every depth
  (found through the `(Original name: "...")` note of the aliased property);
* Gemini: JSON text wherever the declaration asks for it (a STRING whose
  description says "as JSON text");
* OpenAI plain and MCP: the arguments as they are.

The helpers read only the provider definitions, never the package's mapping
code, so a mapping bug cannot hide itself.

Also shared by the format tests: `make_tool` (a Membrane action tool over a
fake client), `call` (a tool call as LangChain passes it) and `NoTransport`
(a Pusher transport that fails any request, for the built-in tools).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fake_membrane import FakeClient
from membrane_pusher.formats import (
    to_anthropic_tool,
    to_gemini_tool,
    to_mcp_tool,
    to_openai_tool,
)
from membrane_pusher.membrane.models import Action
from membrane_pusher.schema.refs import resolve_local_ref
from membrane_pusher.tools.action_tool import action_tool

if TYPE_CHECKING:
    from collections.abc import Callable

FORMS = ["openai", "openai-strict", "anthropic", "gemini", "mcp"]
JSON_TEXT_NOTE = "as JSON text"


def make_tool(schema: Any, client: Any = None) -> Any:
    """A Membrane action tool with this input schema, over a fake client."""
    action = Action(id="act_1", key="do.it", name="Do it", inputSchema=schema)
    return action_tool(action, client or FakeClient(), "con_1")


def call(tool: Any, args: Any) -> dict[str, Any]:
    """A tool call for `tool` with these arguments."""
    return {"type": "tool_call", "id": "1", "name": tool.name, "args": args}


class NoTransport:
    """A Pusher transport for tools that must never send anything."""

    app_id = "1"
    name = "none"

    def send(self, request: Any) -> Any:
        raise AssertionError(request)

    async def asend(self, request: Any) -> Any:
        raise AssertionError(request)


@dataclass
class Bound:
    """One tool in one provider form."""

    definition: dict[str, Any]
    schema: dict[str, Any] | None
    tool: Any
    send: Callable[[Any], Any]
    strict: bool = False


def bind(tool: Any, form: str) -> Bound:
    """The definition, the bound tool and the model's sending rule for `form`."""
    if form == "openai":
        definition = to_openai_tool(tool)
        schema = definition["function"]["parameters"]
        return Bound(definition, schema, tool.for_provider("openai"), _same)
    if form == "openai-strict":
        definition = to_openai_tool(tool, strict=True)
        strict = definition["function"]["strict"]
        schema = definition["function"]["parameters"]
        send = (lambda args: strict_form(args, schema, schema)) if strict else _same
        bound = tool.for_provider("openai", strict=strict)
        return Bound(definition, schema, bound, send, strict=strict)
    if form == "anthropic":
        definition = to_anthropic_tool(tool)
        schema = definition["input_schema"]
        send = lambda args: aliased(args, schema, schema)  # noqa: E731
        return Bound(definition, schema, tool.for_provider("anthropic"), send)
    if form == "gemini":
        definition = to_gemini_tool(tool)
        schema = definition.get("parameters")
        send = lambda args: gemini_form(args, schema)  # noqa: E731
        return Bound(definition, schema, tool.for_provider("gemini"), send)
    definition = to_mcp_tool(tool)
    return Bound(definition, definition["inputSchema"], tool.for_provider("mcp"), _same)


def _same(arguments: Any) -> Any:
    return arguments


def _resolved(node: Any, root: dict[str, Any]) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = resolve_local_ref(root, node["$ref"])
    return node


def _branch_for(value: Any, branches: list[Any], root: dict[str, Any]) -> Any:
    """The union branch a value of this shape was meant for."""
    resolved = [_resolved(branch, root) for branch in branches]
    if isinstance(value, dict):
        for branch in resolved:
            names = (
                set(branch.get("properties", {})) if isinstance(branch, dict) else set()
            )
            if names and set(value) <= names | set(_original_names(branch)):
                return branch
    for branch in resolved:
        kind = branch.get("type") if isinstance(branch, dict) else None
        kinds = set(kind) if isinstance(kind, list) else {kind}
        if _json_kind(value) in kinds:
            return branch
    return None


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def strict_form(args: Any, schema: Any, root: dict[str, Any]) -> Any:
    """What a model bound by a strict schema sends: null for omitted fields."""
    schema = _resolved(schema, root)
    if isinstance(schema, dict) and "anyOf" in schema and args is not None:
        branch = _branch_for(args, schema["anyOf"], root)
        if branch is not None:
            return strict_form(args, branch, root)
    if isinstance(args, dict) and isinstance(schema, dict) and "properties" in schema:
        props = schema["properties"]
        sent = {
            k: strict_form(args[k], props[k], root) if k in args else None
            for k in props
        }
        # Keys the schema does not know (bad calls) are sent as they are.
        sent.update({k: v for k, v in args.items() if k not in props})
        return sent
    if isinstance(args, list) and isinstance(schema, dict) and "items" in schema:
        return [strict_form(a, schema["items"], root) for a in args]
    return args


def _original_names(node: dict[str, Any]) -> dict[str, str]:
    """Original key -> alias, read from the aliased properties' notes."""
    names = {}
    for alias, sub in node.get("properties", {}).items():
        description = sub.get("description", "") if isinstance(sub, dict) else ""
        marker = "(Original name: "
        if marker in description:
            quoted = description.split(marker, 1)[1].rsplit(".)", 1)[0]
            names[json.loads(quoted)] = alias
    return names


def aliased(args: Any, schema: Any, root: dict[str, Any]) -> Any:
    """What a model reading the Anthropic form sends: the aliases, at every depth."""
    schema = _resolved(schema, root)
    if not isinstance(schema, dict):
        return args
    if "anyOf" in schema or "oneOf" in schema:
        branch = _branch_for(args, schema.get("anyOf") or schema["oneOf"], root)
        return aliased(args, branch, root)
    if "allOf" in schema and isinstance(args, dict):
        merged: dict[str, Any] = {"properties": {}}
        for part in schema["allOf"]:
            resolved = _resolved(part, root)
            merged["properties"].update(resolved.get("properties", {}))
        return aliased(args, merged, root)
    if isinstance(args, dict) and "properties" in schema:
        rename = _original_names(schema)
        props = schema["properties"]
        sent = {}
        for key, value in args.items():
            alias = rename.get(key, key)
            sent[alias] = aliased(value, props.get(alias), root)
        return sent
    if isinstance(args, list) and "items" in schema:
        return [aliased(a, schema["items"], root) for a in args]
    return args


def is_json_text(node: Any) -> bool:
    """Whether a Gemini node asks for a value written as JSON text."""
    return (
        isinstance(node, dict)
        and node.get("type") == "string"
        and JSON_TEXT_NOTE in node.get("description", "")
    )


def gemini_form(args: Any, schema: Any) -> Any:
    """What a model reading the Gemini form sends: JSON text where asked."""
    if not isinstance(schema, dict) or args is None:
        return args
    if is_json_text(schema):
        return json.dumps(args)
    if "anyOf" in schema:
        branch = _branch_for(args, schema["anyOf"], {})
        return gemini_form(args, branch)
    if isinstance(args, dict) and "properties" in schema:
        props = schema["properties"]
        return {k: gemini_form(v, props.get(k)) for k, v in args.items()}
    if isinstance(args, list) and "items" in schema:
        return [gemini_form(a, schema["items"]) for a in args]
    return args


def same_but_added_nulls(received: Any, original: Any) -> bool:
    """Equal, except for keys `received` adds with the value null."""
    if isinstance(received, dict) and isinstance(original, dict):
        if not original.keys() <= received.keys():
            return False
        extra = received.keys() - original.keys()
        return all(received[k] is None for k in extra) and all(
            same_but_added_nulls(received[k], v) for k, v in original.items()
        )
    if isinstance(received, list) and isinstance(original, list):
        return len(received) == len(original) and all(
            same_but_added_nulls(r, o) for r, o in zip(received, original, strict=True)
        )
    return received == original and type(received) is type(original)
