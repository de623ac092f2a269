"""`pattern` and `patternProperties`, matched in bounded time.

A catalog schema's `pattern` comes from outside, and Python's `re` backtracks
without limit: a pattern such as `(a+)+$` against forty `a`s and a `!` would
hold a tool call (and, under `ainvoke`, the whole event loop) for hours.
Validation therefore matches these two keywords with the `regex` package,
which reads the same syntax as `re` and stops a search after
`PATTERN_TIMEOUT_SECONDS`. A value that could not be matched in time is a
problem line like any other, so nothing is sent.

`with_bounded_patterns(cls)` returns the jsonschema validator class `cls` with
both keywords replaced; everything else is jsonschema's own.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from jsonschema import ValidationError
from jsonschema.validators import extend

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jsonschema.protocols import Validator

__all__ = ["PATTERN_TIMEOUT_SECONDS", "with_bounded_patterns"]

PATTERN_TIMEOUT_SECONDS = 0.1
"""Longest time one `pattern` search may take before the value is refused."""

# How much of a value or pattern a problem line quotes.
_SHOWN_CHARS = 60


class _SlowPatternError(Exception):
    """A search that did not finish within `PATTERN_TIMEOUT_SECONDS`."""


@cache
def with_bounded_patterns(validator_class: type[Validator]) -> type[Validator]:
    """Return `validator_class` with `pattern` and `patternProperties` bounded.

    Args:
        validator_class: A jsonschema validator class (any draft).

    Returns:
        A subclass-like extension (made once per class) whose two keywords
        search with a time limit.
    """
    keywords = {"pattern": _pattern, "patternProperties": _pattern_properties}
    extended: type[Validator] = extend(validator_class, keywords)  # type: ignore[no-untyped-call]
    return extended


def _pattern(
    validator: Validator, pattern: str, instance: Any, _schema: Any
) -> Iterator[ValidationError]:
    """The `pattern` keyword: a string must contain a match."""
    if not validator.is_type(instance, "string"):
        return
    try:
        found = _search(pattern, instance)
    except _SlowPatternError:
        yield ValidationError(_too_slow(pattern, instance))
        return
    if not found:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Validator, patterns: dict[str, Any], instance: Any, _schema: Any
) -> Iterator[ValidationError]:
    """The `patternProperties` keyword: matching keys obey the subschema."""
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            try:
                found = _search(pattern, key)
            except _SlowPatternError:
                yield ValidationError(_too_slow(pattern, key))
                continue
            if found:
                # `descend` is on every concrete validator, not on the protocol.
                yield from validator.descend(  # type: ignore[attr-defined]
                    value, subschema, path=key, schema_path=pattern
                )


def _search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches somewhere in `text`, found in bounded time.

    Raises:
        re.error: The pattern is not a valid regular expression.
        _SlowPatternError: The search ran out of time.
    """
    import regex  # noqa: PLC0415 - only schemas with patterns pay for the import

    try:
        return regex.search(pattern, text, timeout=PATTERN_TIMEOUT_SECONDS) is not None
    except regex.error as error:
        raise re.error(str(error)) from None
    except TimeoutError:
        raise _SlowPatternError from None


def _too_slow(pattern: str, text: str) -> str:
    """The problem line of a value the pattern could not be matched against."""
    return (
        f"{_short(text)} could not be checked against the pattern {_short(pattern)} "
        f"within {PATTERN_TIMEOUT_SECONDS} s (the pattern backtracks too much for "
        "this value); send a shorter or simpler value"
    )


def _short(text: str) -> str:
    """Quote text, cut to a readable length."""
    shown = text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."
    return repr(shown)
