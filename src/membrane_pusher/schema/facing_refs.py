"""References in the model-facing schema: a root `$ref` merged, every target kept.

Cleaning a schema for the model (`schema.normalize`) can break references in
two ways, and this module repairs both:

* A root `$ref` (`{"$ref": "#/$defs/Msg", "$defs": {...}}`): LangChain's
  `tool.args` and every provider read the root's own `properties`, so the
  root would look empty. `inline_root_ref` merges the target into the root,
  following chains of root references; keywords written beside the `$ref`
  apply as well (they are merged, and a keyword both sides set differently
  goes into an `allOf`).
* A `$ref` whose target was under a removed keyword (`#/x-defs/Foo`), or
  whose target moved when the root was merged: `keep_ref_targets` copies the
  cleaned target into the root's `$defs` under a new name and points the
  reference there, so every reference the original could follow still
  resolves.

NOTE: merging `properties` of a root `$ref` and of its siblings can widen
what `additionalProperties: false` on either side allowed. The merged root is
only what the model reads; validation always uses the original schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from membrane_pusher.schema.keywords import iter_subschemas
from membrane_pusher.schema.refs import DEFS_PREFIX, free_def_name, resolve_local_ref

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "inline_root_ref",
    "join_properties",
    "join_required",
    "keep_ref_targets",
    "merge_schemas",
]

_REF_KEYWORDS = ("$ref", "$dynamicRef")
# Keys of a merged target that belong to its own place in the document.
_PLACE_KEYWORDS = frozenset(
    {"$defs", "definitions", "$id", "$schema", "$anchor", "$dynamicAnchor"}
)
# Annotations: the one written beside the `$ref` describes this use of it.
_ANNOTATIONS = frozenset(
    {"description", "title", "default", "examples", "deprecated", "$comment"}
)
_DEFINITION_MAPS = ("#/$defs/", "#/definitions/")


def inline_root_ref(
    schema: dict[str, Any], lookup: Callable[[str], Any]
) -> dict[str, Any]:
    """Merge the target of a root `$ref` (and of any chain of them) into the root.

    A reference already merged (a cycle) or to the root itself adds nothing
    and is dropped; one `lookup` cannot resolve is left in place.

    Args:
        schema: A root schema, not changed.
        lookup: Returns what a local reference points to; raises `KeyError`
            when it points nowhere.

    Returns:
        The root without a resolvable root `$ref` (the input itself when it
        had none).
    """
    root = schema
    merged: set[str] = set()
    while isinstance(root.get("$ref"), str):
        ref = root["$ref"]
        siblings = {k: v for k, v in root.items() if k != "$ref"}
        if ref == "#" or ref in merged:
            root = siblings
            continue
        try:
            target = lookup(ref)
        except KeyError:
            return root
        merged.add(ref)
        if target is True:
            root = siblings
        elif isinstance(target, dict):
            root = merge_schemas(target, siblings)
        else:
            return root
    return root


def merge_schemas(target: dict[str, Any], siblings: dict[str, Any]) -> dict[str, Any]:
    """One schema that both `target` and `siblings` apply through.

    Properties and `required` are joined (a property both declare must match
    both), `allOf` lists are joined, the sibling's annotations win, and any
    other keyword both set differently keeps the sibling's value while the
    target's goes into `allOf`. Neither input is changed.
    """
    merged = {k: v for k, v in target.items() if k not in _PLACE_KEYWORDS}
    conflicts: list[dict[str, Any]] = []
    for key, value in siblings.items():
        mine = merged.get(key)
        if key not in merged or mine == value or key in _ANNOTATIONS:
            merged[key] = value
        elif key == "properties" and isinstance(mine, dict) and isinstance(value, dict):
            merged[key] = join_properties(mine, value)
        elif key == "required" and isinstance(mine, list) and isinstance(value, list):
            merged[key] = join_required(mine, value)
        elif key == "allOf" and isinstance(mine, list) and isinstance(value, list):
            # The sibling's branches first: pointers such as `#/allOf/0` in
            # the document meant them.
            merged[key] = [*value, *mine]
        else:
            conflicts.append({key: mine})
            merged[key] = value
    if conflicts:
        branches = merged.get("allOf")
        merged["allOf"] = [
            *(branches if isinstance(branches, list) else []),
            *conflicts,
        ]
    return merged


def join_properties(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The properties of two schemas that both apply, in one map.

    A name both declare differently must match both (`allOf` of the two).
    Neither input is changed.

    Args:
        first: Properties of one schema; their order comes first.
        second: Properties of the other schema.

    Returns:
        A new map of properties.
    """
    joined = dict(first)
    for name, sub in second.items():
        mine = joined.get(name)
        joined[name] = (
            sub if name not in joined or mine == sub else {"allOf": [mine, sub]}
        )
    return joined


def join_required(first: list[str], second: list[str]) -> list[str]:
    """The names of both `required` lists, once each, in first-seen order."""
    return list(dict.fromkeys([*first, *second]))


def keep_ref_targets(
    document: dict[str, Any],
    lookup: Callable[[str], Any],
    *,
    root_merged: bool = False,
) -> dict[str, Any]:
    """Point every local reference of `document` at what it meant in the original.

    A reference that no longer resolves in `document` (its target was under a
    removed keyword), or, after a root merge, that now resolves to something
    else, gets a copy of its original target in `$defs` under a new name.
    References into `$defs`/`definitions` and to the root are trusted after a
    merge, because the merge keeps both. A reference the original could not
    follow either is left as it is.

    Args:
        document: The cleaned schema; its reference nodes are rewritten in
            place, so it must be a fresh copy.
        lookup: Returns the cleaned target of a reference in the original
            schema; raises `KeyError` when it points nowhere.
        root_merged: Whether `inline_root_ref` changed the root.

    Returns:
        `document`, with new `$defs` entries when some were needed.
    """
    definitions = document.get("$defs", {})
    if not isinstance(definitions, dict):
        return document
    rewritten: dict[str, str] = {}
    checked: set[str] = set()
    sites: list[tuple[dict[str, Any], str]] = []
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        for keyword in _REF_KEYWORDS:
            ref = node.get(keyword)
            if not isinstance(ref, str) or not ref.startswith("#"):
                continue
            sites.append((node, keyword))
            if ref in checked:
                continue
            checked.add(ref)
            moved = _moved_target(document, ref, lookup, root_merged=root_merged)
            if moved is not None:
                name = free_def_name(ref, definitions)
                definitions[name] = moved
                rewritten[ref] = DEFS_PREFIX + name
                pending.append(moved)
        pending.extend(iter_subschemas(node))

    if not rewritten:
        return document
    document["$defs"] = definitions
    for node, keyword in sites:
        node[keyword] = rewritten.get(node[keyword], node[keyword])
    return document


def _moved_target(
    document: dict[str, Any],
    ref: str,
    lookup: Callable[[str], Any],
    *,
    root_merged: bool,
) -> Any:
    """The original target of `ref` when `document` lost it, else `None`."""
    try:
        found = resolve_local_ref(document, ref)
    except KeyError:
        found = _LOST
    trusted = not root_merged or ref == "#" or ref.startswith(_DEFINITION_MAPS)
    if found is not _LOST and trusted:
        return None
    try:
        original = lookup(ref)
    except KeyError:
        return None
    return None if found == original else original


_LOST = object()
