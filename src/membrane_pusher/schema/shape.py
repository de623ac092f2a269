"""Whether a catalog `inputSchema` is built well enough to become a tool.

Checking a schema against the JSON Schema meta-schema costs about a
millisecond, too much for every action of every toolkit build. This walk
checks only what every converter and validator relies on, in a few
microseconds:

* subschemas are objects or booleans, in the places the keyword tables of
  `membrane_pusher.schema.keywords` name;
* `properties` and the like map names to subschemas, `anyOf` and the like are
  lists of them;
* `required` is a list of strings, `enum` a list, `$ref` a string, `type` a
  name or a list of names;
* the root describes an object (or says nothing of its type), since a tool's
  arguments always are one.

An action whose schema fails is left out of the toolkit with a warning: no call
to it could ever be checked, and the provider formats could not describe it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from membrane_pusher.json_text import format_path
from membrane_pusher.schema.keywords import (
    NAMED_SCHEMA_MAPS,
    SCHEMA_LISTS,
    SINGLE_SCHEMAS,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["schema_shape_problem"]

# Keywords whose value must be a list (of anything).
_LISTS = frozenset({"enum", "required", "examples"})


def schema_shape_problem(schema: Any) -> str:
    """Describe the first structural fault of a tool's input schema.

    Args:
        schema: The action's `inputSchema` (`None` means no arguments).

    Returns:
        `path: what is wrong`, or an empty string when the schema is usable.
    """
    if schema is None:
        return ""
    if not isinstance(schema, dict):
        return "$: the input schema must be an object"
    kind = schema.get("type")
    if kind is not None and "object" not in (
        kind if isinstance(kind, list) else [kind]
    ):
        return f"$: a tool's arguments are an object, but the schema says {kind!r}"

    stack: list[tuple[Any, tuple[Any, ...]]] = [(schema, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, bool):
            continue
        if not isinstance(node, dict):
            return f"{format_path(path)}: a subschema must be an object or a boolean"
        problem = _keyword_problem(node, path)
        if problem:
            return problem
        stack.extend(_children(node, path))
    return ""


def _keyword_problem(node: dict[str, Any], path: tuple[Any, ...]) -> str:
    """The first keyword of `node` whose value has the wrong shape."""
    for key, value in node.items():
        for keys, fits, wanted in _RULES:
            if key in keys and not fits(value):
                return f"{format_path((*path, key))}: {wanted}"
    return ""


def _children(
    node: dict[str, Any], path: tuple[Any, ...]
) -> list[tuple[Any, tuple[Any, ...]]]:
    """The subschemas of `node`, each with its path."""
    found: list[tuple[Any, tuple[Any, ...]]] = []
    for key, value in node.items():
        # `items` as a list (older drafts) is a list of subschemas.
        is_list = key in SCHEMA_LISTS or (key == "items" and isinstance(value, list))
        if is_list:
            found.extend((sub, (*path, key, index)) for index, sub in enumerate(value))
        elif key in SINGLE_SCHEMAS:
            found.append((value, (*path, key)))
        elif key in NAMED_SCHEMA_MAPS:
            found.extend((sub, (*path, key, name)) for name, sub in value.items())
    return found


def _is_type_name(value: Any) -> bool:
    """Whether `type` holds a name or a list of names."""
    if isinstance(value, str):
        return True
    return isinstance(value, list) and all(isinstance(name, str) for name in value)


def _names_only(value: Any) -> bool:
    """Whether a list holds strings only (`required`, once known to be a list)."""
    return all(isinstance(name, str) for name in value)


# Checked in order, so `required` is known to be a list before its names are.
_RULES: tuple[tuple[frozenset[str], Callable[[Any], bool], str], ...] = (
    (
        NAMED_SCHEMA_MAPS,
        lambda value: isinstance(value, dict),
        "must map names to subschemas",
    ),
    (
        SCHEMA_LISTS,
        lambda value: isinstance(value, list),
        "must be a list of subschemas",
    ),
    (_LISTS, lambda value: isinstance(value, list), "must be a list"),
    (frozenset({"required"}), _names_only, "must list property names"),
    (frozenset({"$ref"}), lambda value: isinstance(value, str), "must be a string"),
    (frozenset({"type"}), _is_type_name, "must be a type name or a list of them"),
)
