"""Local `$ref` handling for provider formats: resolve, rename, inline.

Validation does not use this module (jsonschema resolves references itself
through a `referencing` registry). Provider formats do: some providers cannot
follow a pointer with escaped characters (`~0`, `~1`, `%25`) or one that points
into `properties`, and Gemini cannot follow any pointer. So every local
reference is first rewritten to `#/$defs/<safe name>` (`canonical_refs`), and
Gemini's form then inlines the definitions, cutting recursion at a stated
depth (`inline_refs`).
"""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import unquote

from membrane_pusher.schema.keywords import map_subschemas

__all__ = [
    "DEFS_PREFIX",
    "canonical_refs",
    "inline_refs",
    "resolve_local_ref",
    "unescape_token",
]

DEFS_PREFIX = "#/$defs/"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def unescape_token(token: str) -> str:
    """Decode one JSON-pointer token of a URI fragment (`%25`, then `~1`, `~0`)."""
    return unquote(token).replace("~1", "/").replace("~0", "~")


def resolve_local_ref(root: Any, ref: str) -> Any:
    """Return the part of `root` that a local `$ref` such as `#/$defs/a~1b` names.

    Raises:
        KeyError: When the reference is not local or points nowhere.
    """
    if not ref.startswith("#"):
        raise KeyError(ref)
    node = root
    fragment = ref[1:]
    if not fragment:
        return node
    if not fragment.startswith("/"):
        raise KeyError(ref)
    for raw in fragment[1:].split("/"):
        token = unescape_token(raw)
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise KeyError(ref)
    return node


def canonical_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite every resolvable local `$ref` to `#/$defs/<safe name>`.

    Targets anywhere in the document (`$defs`, `definitions`, `properties`...)
    become entries of one root `$defs` with names matching `[A-Za-z0-9_.-]+`.
    `#` (the root itself) is kept. Unresolvable or remote references are left
    as they are. Unreferenced definitions are dropped.

    Args:
        schema: A root schema object.

    Returns:
        A new schema; the input is not changed.
    """
    names: dict[str, str] = {}
    pending: list[str] = []

    def name_for(ref: str) -> str:
        if ref not in names:
            last = unescape_token(ref.rsplit("/", 1)[-1]) or "def"
            base = _UNSAFE_NAME.sub("_", last).strip("_") or "def"
            taken = set(names.values())
            name, counter = base, 2
            while name in taken:
                name, counter = f"{base}_{counter}", counter + 1
            names[ref] = name
            pending.append(ref)
        return names[ref]

    def rewrite(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref != "#" and _resolvable(schema, ref):
            node = {**node, "$ref": DEFS_PREFIX + name_for(ref)}
        return map_subschemas(node, rewrite)

    body = {k: v for k, v in schema.items() if k not in {"$defs", "definitions"}}
    result: dict[str, Any] = rewrite(body)

    definitions: dict[str, Any] = {}
    while pending:
        ref = pending.pop(0)
        definitions[names[ref]] = rewrite(resolve_local_ref(schema, ref))
    if definitions:
        result["$defs"] = definitions
    return result


def inline_refs(schema: dict[str, Any], *, max_depth: int = 3) -> dict[str, Any]:
    """Replace every `#/$defs/...` and `#` reference with a copy of its target.

    A recursive definition is expanded at most `max_depth` times along one
    path; deeper, it is replaced by a node of the same type whose description
    says the nesting was cut (values deeper than that are still accepted,
    because validation uses the original schema).

    Args:
        schema: A schema whose references went through `canonical_refs`.
        max_depth: How many times one definition may nest inside itself.

    Returns:
        A new schema without `$ref` or `$defs`.
    """
    definitions = schema.get("$defs", {})
    root = {k: v for k, v in schema.items() if k != "$defs"}

    def target_of(ref: str) -> tuple[str, Any] | None:
        if ref == "#":
            return "#", root
        if ref.startswith(DEFS_PREFIX) and ref[len(DEFS_PREFIX) :] in definitions:
            name = ref[len(DEFS_PREFIX) :]
            return name, definitions[name]
        return None

    def expand(node: Any, stack: tuple[str, ...]) -> Any:
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        found = target_of(ref) if isinstance(ref, str) else None
        if found is None:
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return map_subschemas(rest, lambda sub: expand(sub, stack))

        name, target = found
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if stack.count(name) >= max_depth:
            return _cut_node(target, siblings, name, max_depth)
        merged = (
            {**copy.deepcopy(target), **siblings} if isinstance(target, dict) else {}
        )
        return expand(merged, (*stack, name))

    expanded: dict[str, Any] = expand(root, ())
    return expanded


def _cut_node(
    target: Any, siblings: dict[str, Any], name: str, depth: int
) -> dict[str, Any]:
    """Stand-in for a recursive definition nested deeper than the limit."""
    label = "the root" if name == "#" else f"'{name}'"
    kind = target.get("type", "object") if isinstance(target, dict) else "object"
    described = siblings.get("description") or (
        target.get("description") if isinstance(target, dict) else None
    )
    note = (
        f"Same structure as {label}; its nesting is shown only {depth} levels deep "
        "here, deeper levels follow the same structure."
    )
    node: dict[str, Any] = {"type": kind}
    node["description"] = f"{described} {note}" if described else note
    return node


def _resolvable(root: Any, ref: str) -> bool:
    """Whether `ref` is a local reference that points somewhere in `root`."""
    try:
        resolve_local_ref(root, ref)
    except KeyError:
        return False
    return True
