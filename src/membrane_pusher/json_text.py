"""JSON as it crosses the process boundary: strict in, standard out.

Python's `json` module accepts and writes `NaN`, `Infinity` and `-Infinity`,
keeps the last of duplicate keys silently, and recurses once per nesting level.
None of that is JSON. This module is the one place that decides:

* `loads_strict` refuses non-finite numbers (also a literal such as `1e400`
  that only a float overflow would read), integers too long to convert,
  duplicate keys and nesting too deep to handle, with messages a person or a
  model can act on;
* `json_problems` finds non-finite numbers, integers too long to write and
  excessive nesting in a value that is about to be sent (one line per
  problem, each with its JSON path); `has_json_problems` answers the same
  question without building paths, for the hot path of every tool call;
* `printable_copy` swaps the parts of a value that Python cannot even print
  (an integer over the digit limit, nesting deep enough to exhaust the
  recursion limit) for `Withheld` markers, which `json_problems` reports:
  frameworks print arguments before any check can run;
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
    "Withheld",
    "dumps",
    "format_path",
    "has_json_problems",
    "json_kind",
    "json_problems",
    "loads_strict",
    "printable_copy",
    "quote_json",
    "quote_word",
    "read_float",
    "read_integer",
]

MAX_DEPTH = 100
"""The deepest nesting of objects and arrays accepted in arguments."""

# Longest problem list returned: enough to fix a call, short enough to read.
_MAX_PROBLEMS = 10
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
# Values that can never hide a problem: skipped without a call.
_LEAF_TYPES = frozenset({str, bool, type(None)})
# Path parts shown before a deep path is cut short in a message.
_SHOWN_PATH_PARTS = 4


class JSONInputError(ValueError):
    """Text that is not strict JSON (the message says why)."""


class Withheld:
    """What `printable_copy` put where a value could not even be printed."""

    __slots__ = ("problem",)

    def __init__(self, problem: str) -> None:
        """Record why the value was withheld (a `json_problems` line's ending)."""
        self.problem = problem

    def __repr__(self) -> str:
        """Say what was withheld, briefly."""
        return f"<withheld: {self.problem}>"


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


def json_problems(value: Any) -> list[str]:
    """Return one line per place where `value` cannot travel as JSON.

    Finds non-finite numbers (JSON has no `NaN` or `Infinity`), integers
    too long to write, `Withheld` markers and nesting deeper than
    `MAX_DEPTH`. The walk is iterative, so any depth is safe.

    Args:
        value: A value about to be sent.

    Returns:
        Lines such as `data.x: NaN is not a JSON number`; empty when fine.
    """
    problems: list[str] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    while stack and len(problems) < _MAX_PROBLEMS:
        item, path = stack.pop()
        problem = _leaf_problem(item)
        if problem:
            problems.append(f"{_short_path(path)}: {problem}")
            continue

        children = _children(item)
        if children and len(path) >= MAX_DEPTH:
            problems.append(f"{_short_path(path)}: {_TOO_DEEP}")
            continue
        stack.extend((child, (*path, key)) for key, child in reversed(children))
    return problems


def printable_copy(value: Any) -> Any:
    """Return `value`, or a copy in which nothing breaks `repr` or `str`.

    An integer longer than Python's digit limit (4,300 by default) and any
    object or array nested deeper than `MAX_DEPTH` become `Withheld` markers;
    `json_problems` then reports them with their paths. The value itself is
    returned when nothing needed replacing, so valid input is never copied.

    Args:
        value: Arguments as they arrived, before anything prints them.
    """
    if not _needs_withholding(value, 0):
        return value
    return _withheld_copy(value, 0)


def has_json_problems(value: Any) -> bool:
    """Whether `json_problems(value)` would find anything, answered quickly.

    The same rules (non-finite numbers, nesting deeper than `MAX_DEPTH`), but
    no paths are built and the walk stops at the first problem, so valid
    arguments cost about a microsecond. The recursion is bounded by
    `MAX_DEPTH`.
    """
    return _has_problem(value, 0)


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


def _constant_name(number: float) -> str:
    """Name a non-finite float the way Python's JSON would have written it."""
    if math.isnan(number):
        return "NaN"
    return "Infinity" if number > 0 else "-Infinity"


_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


def _leaf_problem(item: Any) -> str:
    """Why a single value cannot be sent as JSON; empty when it can."""
    if isinstance(item, float) and not math.isfinite(item):
        return (
            f"{_constant_name(item)} is not a JSON number; send a finite number, "
            "a string or null"
        )
    if isinstance(item, int) and _is_too_long(item):
        return _too_long_problem()
    if isinstance(item, Withheld):
        return item.problem
    return ""


def _is_too_long(number: int) -> bool:
    """Whether Python refuses to write `number` in decimal (its digit limit)."""
    limit = sys.get_int_max_str_digits()
    # Under 3 * limit bits, a number is below 8**limit < 10**limit: short enough.
    if limit == 0 or number.bit_length() < 3 * limit:
        return False
    smallest_too_long: int = 10**limit
    return abs(number) >= smallest_too_long


def _too_long_problem() -> str:
    """The problem line of an integer over the digit limit."""
    limit = sys.get_int_max_str_digits()
    return f"an integer of more than {limit:,} digits; send it as a string"


def _short_path(path: tuple[Any, ...]) -> str:
    """`format_path`, with a path deeper than a few levels cut short."""
    if len(path) <= 2 * _SHOWN_PATH_PARTS:
        return format_path(path)
    head = format_path(path[:_SHOWN_PATH_PARTS])
    return f"{head}...({len(path)} levels down)"


def _needs_withholding(item: Any, depth: int) -> bool:
    """Whether `printable_copy` must replace something in `item`."""
    if isinstance(item, int):
        return _is_too_long(item)
    if not isinstance(item, (dict, list, tuple)) or not item:
        return False
    if depth >= MAX_DEPTH:
        return True
    children = item.values() if isinstance(item, dict) else item
    return any(
        type(child) not in _LEAF_TYPES and _needs_withholding(child, depth + 1)
        for child in children
    )


def _withheld_copy(item: Any, depth: int) -> Any:
    """`printable_copy` for one value found `depth` levels down."""
    if isinstance(item, int) and _is_too_long(item):
        return Withheld(_too_long_problem())
    if not isinstance(item, (dict, list, tuple)) or not item:
        return item
    if depth >= MAX_DEPTH:
        return Withheld(_TOO_DEEP)
    if isinstance(item, dict):
        return {key: _withheld_copy(child, depth + 1) for key, child in item.items()}
    return [_withheld_copy(child, depth + 1) for child in item]


def _has_problem(item: Any, depth: int) -> bool:
    """`has_json_problems` for one value found `depth` levels down."""
    if isinstance(item, dict):
        children: Iterable[Any] = item.values()
    elif isinstance(item, (list, tuple)):
        children = item
    else:
        return bool(_leaf_problem(item))
    if not item:
        return False
    if depth >= MAX_DEPTH:
        return True
    for child in children:
        # Most values are leaves: skip them without a call.
        if type(child) in _LEAF_TYPES:
            continue
        if _has_problem(child, depth + 1):
            return True
    return False


def _children(item: Any) -> list[tuple[Any, Any]]:
    """The (key, value) pairs of an object or array; empty for anything else."""
    if isinstance(item, dict):
        return list(item.items())
    if isinstance(item, (list, tuple)):
        return list(enumerate(item))
    return []


def _finite(value: Any) -> Any:
    """Return a copy of `value` with non-finite floats replaced by `None`."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value
