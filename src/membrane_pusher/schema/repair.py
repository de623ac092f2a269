r"""Opt-in repairs of common, unambiguous argument mistakes.

Models sometimes send an object or array as JSON text (`"[\"a\"]"`), or a
number or boolean as a string (`"3"`, `"true"`). When a tool enables repairs,
such a string is converted to the typed value, but only where the schema
expects that type, and only from string to typed value (never the reverse).
The repaired arguments must then validate; otherwise nothing is repaired and
the caller reports the original problems. Every repair is logged and
described in a note for the result.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from membrane_pusher.json_text import (
    JSONInputError,
    format_path,
    loads_strict,
    read_float,
    read_integer,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jsonschema import ValidationError

    from membrane_pusher.schema.validate import ArgumentValidator

__all__ = ["repair_arguments"]

logger = logging.getLogger(__name__)

# Nested JSON text may hide more JSON text; a few rounds are plenty.
_MAX_ROUNDS = 4
_INTEGER = re.compile(r"^\s*-?\d+\s*$")
_NUMBER = re.compile(r"^\s*-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$")
_SHOWN_CHARS = 40


def repair_arguments(
    arguments: dict[str, Any], validator: ArgumentValidator
) -> tuple[dict[str, Any], list[str]] | None:
    """Try the safe repairs on invalid arguments.

    Args:
        arguments: The arguments as sent (not changed).
        validator: The validator of the tool's original schema.

    Returns:
        The repaired arguments and one note per repair when they now
        validate; `None` when no repair makes them valid.
    """
    current: Any = copy.deepcopy(arguments)
    notes: list[str] = []
    for _ in range(_MAX_ROUNDS):
        errors = validator.raw_errors(current)
        if not errors:
            break
        changes = _planned_changes(_flatten(errors))
        if not changes:
            return None
        for path, (value, note) in changes.items():
            current = _replace(current, path, value)
            notes.append(note)
    else:
        if validator.raw_errors(current):
            return None

    if not notes or not isinstance(current, dict):
        return None
    for note in notes:
        logger.warning("argument repaired: %s", note)
    return current, notes


def _planned_changes(
    errors: Iterable[ValidationError],
) -> dict[tuple[Any, ...], tuple[Any, str]]:
    """One conversion per path where a string stands in for another type."""
    expected: dict[tuple[Any, ...], tuple[str, set[str]]] = {}
    for error in errors:
        if error.validator != "type" or not isinstance(error.instance, str):
            continue
        declared: Any = error.validator_value
        kinds = {declared} if isinstance(declared, str) else set(declared)
        path = tuple(error.absolute_path)
        text, known = expected.setdefault(path, (error.instance, set()))
        known.update(kinds)
        expected[path] = (text, known)

    changes = {}
    for path, (text, kinds) in expected.items():
        converted = _convert(text, kinds)
        if converted is None:
            continue
        value, kind = converted
        where = format_path(path)
        note = f"{where}: the string {_quote(text)} was read as {kind}"
        changes[path] = (value, note)
    return changes


def _convert(text: str, kinds: set[str]) -> tuple[Any, str] | None:
    """The typed value a string stands for, if it is one the schema expects."""
    if kinds & {"object", "array"}:
        try:
            value = loads_strict(text)
        except JSONInputError:
            value = None
        kind = "object" if isinstance(value, dict) else None
        kind = "array" if isinstance(value, list) else kind
        if kind in kinds:
            return value, f"JSON {kind}"
    try:
        if kinds & {"integer", "number"} and _INTEGER.match(text):
            integer = read_integer(text)
            return integer, "an integer" if "integer" in kinds else "a number"
        if "number" in kinds and _NUMBER.match(text):
            return read_float(text), "a number"
    except JSONInputError:  # too long or too large to read: no repair
        return None
    if "boolean" in kinds and text in {"true", "false"}:
        return text == "true", "a boolean"
    return None


def _flatten(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    """Errors with the errors of failed anyOf/oneOf branches."""
    for error in errors:
        yield error
        if error.context:
            yield from _flatten(error.context)


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    """Set the value at `path` (the root itself when `path` is empty)."""
    if not path:
        return value
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return document


def _quote(text: str) -> str:
    shown = text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."
    return json.dumps(shown, ensure_ascii=False)
