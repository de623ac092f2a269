"""JSON as it crosses the process boundary: strict in, standard out.

Python's `json` module accepts and writes `NaN`, `Infinity` and `-Infinity`,
keeps the last of duplicate keys silently, and recurses once per nesting level.
None of that is JSON. This module decides for text (values about to be sent
are checked in `membrane_pusher.json_values`):

* `loads_strict` refuses non-finite numbers (also a literal such as `1e400`
  that only a float overflow would read), integers too long to convert,
  duplicate keys and nesting too deep to handle, with messages a person or a
  model can act on;
* `format_path` renders a JSON path the way every problem line shows it;
* `quote_json` (and `quote_word` for plain words) writes a value into text
  meant for a model (a description), with control, zero-width and bidi
  characters escaped, so a name or value from a catalog can only appear there
  as visible JSON;
* `dumps` always writes standard JSON: non-finite numbers that came from
  outside (a remote answer) are written as `null`, as JavaScript does.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = [
    "HIDDEN_CHARACTERS",
    "MAX_DEPTH",
    "JSONInputError",
    "dumps",
    "format_path",
    "json_kind",
    "loads_strict",
    "quote_json",
    "quote_word",
    "read_float",
    "read_integer",
]

MAX_DEPTH = 100
"""The deepest nesting of objects and arrays accepted in arguments."""

# What each kind of value is called, `bool` before `int` (a bool is an int).
_JSON_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "a boolean"),
    ((int, float), "a number"),
    (str, "a string"),
    ((list, tuple), "an array"),
    (dict, "an object"),
)
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_PLAIN_WORD = re.compile(r"^[A-Za-z0-9_$][A-Za-z0-9_.$-]{0,63}$")
# C0/C1 controls, zero-width characters, bidi controls and the BOM: invisible
# or reordering characters that must never reach a model as raw text.
HIDDEN_CHARACTERS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
# How much of an unreadable number a message quotes.
_SHOWN_NUMBER = 24


class JSONInputError(ValueError):
    """Text that is not strict JSON (the message says why)."""


def loads_strict(text: str | bytes) -> Any:
    """Parse JSON, refusing what standard JSON does not allow.

    Args:
        text: The JSON text.

    Returns:
        The parsed value.

    Raises:
        JSONInputError: The text is not JSON, holds `NaN`/`Infinity`/
            `-Infinity` or a number beyond what can be read, repeats a key in
            one object, or nests too deeply.
    """
    try:
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_int=read_integer,
            parse_float=read_float,
            object_pairs_hook=_unique_keys,
        )
    except JSONInputError:
        raise
    except RecursionError:
        message = f"nested too deeply; at most {MAX_DEPTH} levels are accepted"
        raise JSONInputError(message) from None
    except ValueError as error:
        raise JSONInputError(str(error)) from None


def json_kind(value: object) -> str:
    """Name a value as JSON would: null, a boolean, a number, a string, an array.

    For messages about input that is not the JSON object expected; values
    JSON has no name for are named by their Python type.
    """
    if value is None:
        return "null"
    for types, name in _JSON_KINDS:
        if isinstance(value, types):
            return name
    return f"a {type(value).__name__} value"


def format_path(path: Iterable[Any]) -> str:
    """Render a JSON path as `a.b[3].c` (`$` for the root).

    Keys that are not plain identifiers are quoted: `["user.id"]`.
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _PLAIN_KEY.match(str(part)):
            text += f"[{json.dumps(str(part), ensure_ascii=False)}]"
        elif text:
            text += f".{part}"
        else:
            text = str(part)
    return text or "$"


def quote_json(value: Any, *, limit: int | None = None) -> str:
    r"""Write `value` as JSON for a description, hidden characters escaped.

    Args:
        value: A name, an enum value, a default...
        limit: Longest text returned; longer text is cut and ends in `...`.

    Returns:
        Compact JSON (UTF-8 text kept readable) in which every control,
        zero-width or bidi character is written as a `\uXXXX` escape.
    """
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = HIDDEN_CHARACTERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if limit is not None and len(text) > limit:
        return text[: limit - 3] + "..."
    return text


def quote_word(text: str) -> str:
    """A keyword or format name for a description: as is when plain, else JSON."""
    return text if _PLAIN_WORD.match(text) else quote_json(text, limit=120)


def dumps(
    value: Any,
    *,
    indent: int | None = None,
    separators: tuple[str, str] | None = None,
    default: Callable[[Any], Any] | None = None,
) -> str:
    """Write standard JSON (UTF-8 text kept readable; never `NaN`).

    Args:
        value: The value to write.
        indent: Spaces per level for pretty output.
        separators: As for `json.dumps` (compact: `(",", ":")`).
        default: Converts values JSON cannot hold (for example `str`).

    Returns:
        The JSON text; non-finite numbers become `null`.
    """
    options: dict[str, Any] = {
        "ensure_ascii": False,
        "allow_nan": False,
        "indent": indent,
        "separators": separators,
        "default": default,
    }
    try:
        return json.dumps(value, **options)
    except ValueError:
        # Non-finite numbers from a remote answer; anything else raises again.
        return json.dumps(_finite(value), **options)


def _refuse_constant(name: str) -> Any:
    """`parse_constant` hook: JSON has no NaN or Infinity."""
    message = f"{name} is not valid JSON; use a finite number, a string or null"
    raise JSONInputError(message)


def read_integer(text: str) -> int:
    """Read an integer literal, refusing in plain words one too long to convert.

    Python converts at most `sys.get_int_max_str_digits()` digits (4,300 by
    default) and otherwise raises an error that speaks of its own settings.
    """
    limit = sys.get_int_max_str_digits() or sys.int_info.default_max_str_digits
    if len(text) - text.startswith("-") > limit:
        message = (
            f"a number in the input has more than {limit:,} digits; send it as a string"
        )
        raise JSONInputError(message)
    return int(text)


def read_float(text: str) -> float:
    """Read a number literal, refusing one that only reads as infinity (`1e400`)."""
    number = float(text)
    if not math.isfinite(number):
        shown = text if len(text) <= _SHOWN_NUMBER else text[:_SHOWN_NUMBER] + "..."
        message = (
            f"the number {shown} is too large to be read (beyond about "
            "1.8e308); send a smaller number or a string"
        )
        raise JSONInputError(message)
    return number


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`object_pairs_hook`: refuse an object that repeats a key."""
    result: dict[str, Any] = {}
    for key, item in pairs:
        if key in result:
            message = (
                f"duplicate key {json.dumps(key, ensure_ascii=False)} in an object"
            )
            raise JSONInputError(message)
        result[key] = item
    return result


def _finite(value: Any) -> Any:
    """Return a copy of `value` with non-finite floats replaced by `None`."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value
