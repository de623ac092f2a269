"""The schema the model sees: the action's own schema, minus Membrane's extensions.

Everything that tells the model what to send is kept exactly: property names
byte for byte, descriptions, enums, `const`, defaults, formats, `required` at
every depth, nullable types, anyOf/oneOf/allOf, `additionalProperties`,
arrays, nesting and local `$ref` (with `$defs`). Only Membrane's own keywords
(`referenceRecords`, `allowCustom`, `isImplied`, `isSensitive` and the like),
`x-` vendor extensions and `$comment` (a note for schema authors) are removed,
and only where they are keywords: a property *named* `isImplied` stays.

Catalog text is outside text, so `description` and `title` are cleaned of
control, zero-width and bidi-override characters (tabs and newlines stay) and
capped at `MAX_SCHEMA_TEXT_CHARS`. Enum values, `const`, defaults and property
names are data the action needs exactly, so they are never changed; the
provider formats only ever write them into descriptions as escaped JSON
(`membrane_pusher.json_text.quote_json`).

The root is always an object schema with `properties` (possibly empty), so a
missing or empty `inputSchema` becomes a tool without arguments. A root
`$ref` is merged into the root, so its properties are the root's own, and a
reference whose target was removed with a vendor keyword points at a copy
in `$defs` (see `schema.facing_refs`).
"""

from __future__ import annotations

import re
from typing import Any

from membrane_pusher.schema.facing_refs import inline_root_ref, keep_ref_targets
from membrane_pusher.schema.keywords import is_vendor_keyword, map_subschemas
from membrane_pusher.schema.refs import resolve_local_ref, unescape_token

__all__ = [
    "EMPTY_OBJECT_SCHEMA",
    "MAX_SCHEMA_TEXT_CHARS",
    "clean_schema_text",
    "model_facing_schema",
    "strip_vendor_keywords",
]

EMPTY_OBJECT_SCHEMA: dict[str, Any] = {"type": "object", "properties": {}}

MAX_SCHEMA_TEXT_CHARS = 1000
"""Longest `description` or `title` of one schema node shown to the model."""

_TEXT_KEYWORDS = ("description", "title")
_DROPPED_KEYWORDS = frozenset({"$comment"})
# Like `json_text.HIDDEN_CHARACTERS`, but tab and newline are kept: they
# format long descriptions and cannot hide anything.
_HIDDEN_IN_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+"
)
_CUT_NOTE = " [... cut: the full text was longer]"
# Where a reference can name a definition directly: `#/$defs/<name>`.
_DEFINITION_PLACES = frozenset({"#/$defs", "#/definitions"})


def model_facing_schema(schema: Any) -> dict[str, Any]:
    """Build the schema shown to the model from an action's `inputSchema`.

    Args:
        schema: The original input schema; `None`, `{}` or a non-object means
            "no arguments".

    Returns:
        A new root object schema; the input is never changed.
    """
    if not isinstance(schema, dict) or not schema:
        return dict(EMPTY_OBJECT_SCHEMA, properties={})

    stripper = _Stripper()
    cleaned: dict[str, Any] = stripper(schema)
    if stripper.saw_ref:
        cleaned = _with_kept_refs(cleaned, schema)
    if "type" not in cleaned:
        # Tool arguments are always an object, so this never narrows anything.
        cleaned["type"] = "object"
    if _is_object_root(cleaned) and "properties" not in cleaned:
        cleaned["properties"] = {}
    return cleaned


def strip_vendor_keywords(node: Any) -> Any:
    """Return a copy of a schema without vendor keywords and with clean text."""
    return _Stripper()(node)


class _Stripper:
    """`strip_vendor_keywords`, noting on the way whether any `$ref` was met.

    Noting it while copying spares a second walk for the many schemas
    without references.
    """

    __slots__ = ("saw_ref",)

    def __init__(self) -> None:
        self.saw_ref = False

    def __call__(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        kept = {
            key: value
            for key, value in node.items()
            if key not in _DROPPED_KEYWORDS and not is_vendor_keyword(key)
        }
        if "$ref" in kept or "$dynamicRef" in kept:
            self.saw_ref = True
        for key in _TEXT_KEYWORDS:
            text = kept.get(key)
            if isinstance(text, str):
                kept[key] = clean_schema_text(text)
        return map_subschemas(kept, self)


def clean_schema_text(text: str) -> str:
    r"""Remove hidden characters from a description or title and cap its length.

    `\r\n` and `\r` become `\n`; control, zero-width and bidi characters
    are removed; text longer than `MAX_SCHEMA_TEXT_CHARS` is cut and says so.
    """
    if text.isprintable():
        # The common case: nothing hidden, no line breaks.
        cleaned = text
    else:
        cleaned = _HIDDEN_IN_TEXT.sub(
            "", text.replace("\r\n", "\n").replace("\r", "\n")
        )
    if len(cleaned) <= MAX_SCHEMA_TEXT_CHARS:
        return cleaned
    return cleaned[: MAX_SCHEMA_TEXT_CHARS - len(_CUT_NOTE)].rstrip() + _CUT_NOTE


def _with_kept_refs(
    cleaned: dict[str, Any], original: dict[str, Any]
) -> dict[str, Any]:
    """Merge a root `$ref` and keep every reference's target (`facing_refs`)."""
    targets: dict[str, Any] = {}

    def lookup(ref: str) -> Any:
        if ref not in targets:
            targets[ref] = _cleaned_target(ref, cleaned, original)
        return targets[ref]

    merged = inline_root_ref(cleaned, lookup)
    return keep_ref_targets(merged, lookup, root_merged=merged is not cleaned)


def _cleaned_target(ref: str, cleaned: dict[str, Any], original: dict[str, Any]) -> Any:
    """What `ref` points to in `original`, without vendor keywords.

    A definition named directly (`#/$defs/Msg`) is taken from `cleaned`, which
    holds it stripped already; any other target is stripped here.

    Raises:
        KeyError: When `ref` points nowhere in `original`.
    """
    place, _, token = ref.rpartition("/")
    definitions = cleaned.get(place[2:]) if place in _DEFINITION_PLACES else None
    name = unescape_token(token)
    if isinstance(definitions, dict) and name in definitions:
        return definitions[name]
    return strip_vendor_keywords(resolve_local_ref(original, ref))


def _is_object_root(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind)
