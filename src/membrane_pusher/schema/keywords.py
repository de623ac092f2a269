"""Where JSON Schema keeps subschemas, and which keywords are Membrane's own.

Walking a schema safely means knowing which keys hold subschemas, which hold
maps of names to subschemas (so the names are data, never keywords), and which
hold plain data (`enum`, `const`, `default`, `examples`). Every transformer in
this package goes through `map_subschemas` (readers through
`iter_subschemas`) so that a property called `isImplied` or `items` is never
mistaken for a keyword.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = [
    "NAMED_SCHEMA_MAPS",
    "SCHEMA_LISTS",
    "SINGLE_SCHEMAS",
    "is_vendor_keyword",
    "iter_subschemas",
    "map_subschemas",
]

# Keywords whose value is one subschema.
SINGLE_SCHEMAS = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contains",
        "propertyNames",
        "not",
        "if",
        "then",
        "else",
        "contentSchema",
    }
)

# Keywords whose value is a list of subschemas (`items` as a list in old drafts).
SCHEMA_LISTS = frozenset({"anyOf", "oneOf", "allOf", "prefixItems"})

# Keywords whose value maps names (data) to subschemas.
NAMED_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)

# Membrane's data-schema extensions: hints for its own UI and record lookups,
# meaningless (and confusing) to a model and rejected by strict providers.
_MEMBRANE_KEYWORDS = frozenset(
    {
        "referenceRecords",
        "referenceCollection",
        "referenceCollectionPath",
        "referenceCollectionUri",
        "referenceCollectionKey",
        "referenceUdm",
        "allowCustom",
        "isImplied",
        "isSensitive",
        "isHidden",
        "isRequired",
        "isReadOnly",
    }
)

# No JSON Schema keyword starts with "reference" or "is" + capital: such keys
# are Membrane extensions we have not listed yet. "x-" keys are vendor
# extensions by convention (OpenAPI), such as the sandbox stand-in's own
# `x-standin-*` fields: annotations for tools, never for the model.
_MEMBRANE_PATTERN = re.compile(r"^(?:reference[A-Z]|is[A-Z]|allowCustom|x-)")


def is_vendor_keyword(key: str) -> bool:
    """Whether a schema keyword is a vendor extension to drop for the model.

    Membrane's own keywords and any `x-` keyword count.
    """
    return key in _MEMBRANE_KEYWORDS or bool(_MEMBRANE_PATTERN.match(key))


def map_subschemas(node: dict[str, Any], fn: Callable[[Any], Any]) -> dict[str, Any]:
    """Return a shallow copy of `node` with `fn` applied to each direct subschema.

    Names under `properties` and the like are kept exactly; data keywords
    (`enum`, `const`, `default`, `examples`, `required`) are copied untouched.

    Args:
        node: A schema object.
        fn: Applied to every direct subschema (which may be a boolean schema).

    Returns:
        The new schema object.
    """
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key in SINGLE_SCHEMAS and key == "items" and isinstance(value, list):
            result[key] = [fn(item) for item in value]
        elif key in SINGLE_SCHEMAS:
            result[key] = fn(value)
        elif key in SCHEMA_LISTS and isinstance(value, list):
            result[key] = [fn(item) for item in value]
        elif key in NAMED_SCHEMA_MAPS and isinstance(value, dict):
            result[key] = {name: fn(sub) for name, sub in value.items()}
        else:
            result[key] = value
    return result


def iter_subschemas(node: dict[str, Any]) -> Iterator[Any]:
    """Yield each direct subschema of `node` (the same ones `map_subschemas` maps).

    Nothing is copied, so walking a large schema to read it stays cheap.
    """
    for key, value in node.items():
        if key in SINGLE_SCHEMAS:
            if key == "items" and isinstance(value, list):
                yield from value
            else:
                yield value
        elif key in SCHEMA_LISTS and isinstance(value, list):
            yield from value
        elif key in NAMED_SCHEMA_MAPS and isinstance(value, dict):
            yield from value.values()
