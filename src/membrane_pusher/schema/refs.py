"""Local `$ref` handling for provider formats: resolve, rename, inline.

Validation does not use this module (jsonschema resolves references itself
through a `referencing` registry). Provider formats do: some providers cannot
follow a pointer with escaped characters (`~0`, `~1`, `%25`), one that points
into `properties`, or a plain-name fragment (`#item`, naming a subschema's
`$anchor` or `$dynamicAnchor`), and Gemini cannot follow any reference. So
every local reference is first rewritten to `#/$defs/<safe name>`
(`canonical_refs`), and Gemini's form then inlines the definitions, cutting
recursion at a stated depth (`inline_refs`).
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from membrane_pusher.schema.keywords import iter_subschemas, map_subschemas

if TYPE_CHECKING:
    from collections.abc import Container

__all__ = [
    "DEFS_PREFIX",
    "canonical_refs",
    "free_def_name",
    "inline_refs",
    "resolve_local_ref",
    "unescape_token",
]

DEFS_PREFIX = "#/$defs/"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
# Keywords naming a subschema that a plain-name fragment (`#name`) can reach.
_ANCHOR_KEYWORDS = ("$anchor", "$dynamicAnchor")


def unescape_token(token: str) -> str:
    """Decode one JSON-pointer token of a URI fragment (`%25`, then `~1`, `~0`)."""
    return unquote(token).replace("~1", "/").replace("~0", "~")


def free_def_name(ref: str, taken: Container[str]) -> str:
    """A `$defs` name for the target of `ref`, safe in a pointer and not in `taken`.

    The name comes from the reference's last token (`#/x-defs/My Model` gives
    `My_Model`), with `_2`, `_3`... added while it is taken.
    """
    last = unescape_token(ref.rsplit("/", 1)[-1])
    base = _UNSAFE_NAME.sub("_", last).strip("_") or "def"
    name, counter = base, 2
    while name in taken:
        name, counter = f"{base}_{counter}", counter + 1
    return name


def resolve_local_ref(root: Any, ref: str) -> Any:
    """Return the part of `root` that a local `$ref` names.

    Both fragment forms are understood: a JSON pointer (`#/$defs/a~1b`) and a
    plain name (`#item`), which names the subschema declaring
    `"$anchor": "item"` (or `"$dynamicAnchor": "item"`) in this document.

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
        return _anchored(root, unquote(fragment), ref)
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

    Targets anywhere in the document (`$defs`, `definitions`, `properties`,
    anchors...) become entries of one root `$defs` with names matching
    `[A-Za-z0-9_.-]+`. A reference to the root itself becomes `#`. A local
    `$dynamicRef` becomes a plain `$ref` (one document has one dynamic scope).
    Unresolvable or remote references are left as they are. Unreferenced
    definitions are dropped, and so are `$anchor`/`$dynamicAnchor`, which no
    rewritten reference needs.

    Args:
        schema: A root schema object.

    Returns:
        A new schema; the input is not changed.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    pending: list[str] = []

    def name_for(ref: str) -> str:
        if ref not in names:
            names[ref] = free_def_name(ref, taken)
            taken.add(names[ref])
            pending.append(ref)
        return names[ref]

    targets: dict[str, Any] = {}

    def rewrite(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        keyword = "$ref" if "$ref" in node else "$dynamicRef"
        ref = node.get(keyword)
        target = _target(schema, ref, targets)
        if target is _MISSING:
            return map_subschemas(_without_anchors(node), rewrite)
        rest = {k: v for k, v in _without_anchors(node).items() if k != keyword}
        rest["$ref"] = "#" if target is schema else DEFS_PREFIX + name_for(str(ref))
        return map_subschemas(rest, rewrite)

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


_MISSING = object()


def _target(root: Any, ref: Any, known: dict[str, Any]) -> Any:
    """What a local `ref` points to in `root`, or `_MISSING` (remembered)."""
    if not isinstance(ref, str):
        return _MISSING
    if ref not in known:
        try:
            known[ref] = resolve_local_ref(root, ref)
        except KeyError:
            known[ref] = _MISSING
    return known[ref]


def _without_anchors(node: dict[str, Any]) -> dict[str, Any]:
    """`node` without `$anchor`/`$dynamicAnchor` (itself when it has none)."""
    if not any(keyword in node for keyword in _ANCHOR_KEYWORDS):
        return node
    return {k: v for k, v in node.items() if k not in _ANCHOR_KEYWORDS}


def _anchored(root: Any, name: str, ref: str) -> Any:
    """The subschema of `root` declaring the anchor `name` (KeyError if none).

    Only schema positions are searched (a property *named* `$anchor` is not
    one), and not inside an embedded resource with its own `$id`, whose
    anchors belong to that resource.
    """
    pending = [root]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        if any(node.get(keyword) == name for keyword in _ANCHOR_KEYWORDS):
            return node
        for sub in iter_subschemas(node):
            embedded = isinstance(sub, dict) and isinstance(sub.get("$id"), str)
            if not embedded or sub["$id"].startswith("#"):
                pending.append(sub)
    raise KeyError(ref)
