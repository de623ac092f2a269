"""Values about to be sent: where JSON cannot carry them, and what cannot print.

Arguments arrive as Python values (a model's tool call, a caller's dict), and
not every value is JSON:

* `json_problems` finds non-finite numbers, integers too long to write and
  nesting deeper than `MAX_DEPTH` (one line per problem, each with its JSON
  path); `has_json_problems` answers the same question without building
  paths, for the hot path of every tool call;
* `printable_copy` swaps the parts of a value that Python cannot even print
  (an integer over the digit limit, nesting deep enough to exhaust the
  recursion limit) for `Withheld` markers, which `json_problems` reports:
  frameworks print arguments before any check can run.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any

from membrane_pusher.json_text import MAX_DEPTH, format_path

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Withheld", "has_json_problems", "json_problems", "printable_copy"]

# Longest problem list returned: enough to fix a call, short enough to read.
_MAX_PROBLEMS = 10
# Values that can never hide a problem: skipped without a call.
_LEAF_TYPES = frozenset({str, bool, type(None)})
# Path parts shown before a deep path is cut short in a message.
_SHOWN_PATH_PARTS = 4


class Withheld:
    """What `printable_copy` put where a value could not even be printed."""

    __slots__ = ("problem",)

    def __init__(self, problem: str) -> None:
        """Record why the value was withheld (a `json_problems` line's ending)."""
        self.problem = problem

    def __repr__(self) -> str:
        """Say what was withheld, briefly."""
        return f"<withheld: {self.problem}>"


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
