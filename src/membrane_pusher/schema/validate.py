"""Argument validation against a tool's original JSON Schema.

The validator is compiled once per schema and cached: the right draft for its
`$schema` (Draft 2020-12 when absent or unknown), a `referencing` registry
that resolves local `$ref` anywhere in the document (escaped pointers `~0`,
`~1`, percent-encoding, recursion) and refuses remote ones, format checking,
and `pattern` matched in bounded time (`membrane_pusher.schema.patterns`).
Problems come back one per line, each as `path: what was expected`, for
example `channels[3]: 'bad channel!' does not match '^[a-z]+$'`.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from jsonschema import FormatChecker, ValidationError
from jsonschema.exceptions import SchemaError, UnknownType, relevance
from jsonschema.validators import Draft202012Validator, validator_for
from referencing import Registry
from referencing.exceptions import NoSuchResource, Unresolvable

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.json_text import MAX_DEPTH, format_path
from membrane_pusher.json_values import has_json_problems, json_problems
from membrane_pusher.schema.patterns import with_bounded_patterns

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from jsonschema.protocols import Validator

__all__ = ["ArgumentValidator", "arguments_error", "get_validator"]

logger = logging.getLogger(__name__)

# Longest rendering of a problem line, and of a value inside one.
_MAX_LINE_CHARS = 300
_MAX_VALUE_CHARS = 80
# How many branches of a failed anyOf/oneOf are explained.
_MAX_BRANCHES = 4
_FORMAT_CHECKER = FormatChecker()
# A schema that cannot be applied at all: no arguments could pass it.
_UNCHECKABLE = "$: this tool's schema cannot be checked"
_UNCHECKABLE_HINT = (
    "Nothing was sent. The tool's own schema is broken, so no arguments can "
    "pass it: do not retry this tool; use another one or tell the user."
)


def _refuse_remote(uri: str) -> Any:
    """Registry retrieval hook: tool schemas may only reference themselves."""
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


_LOCAL_ONLY: Registry[Any] = Registry(retrieve=_refuse_remote)  # type: ignore[call-arg]


class ArgumentValidator:
    """Validates tool arguments against one JSON Schema.

    Args:
        schema: The original schema of the tool (never a provider-adapted copy).
    """

    def __init__(self, schema: Mapping[str, Any]) -> None:
        """Compile the validator for `schema`."""
        self.schema = dict(schema)
        validator_class = _draft_for(self.schema)
        try:
            validator_class.check_schema(self.schema)
        except SchemaError as error:
            logger.warning("tool schema is not valid JSON Schema: %s", error.message)
        self._validator: Validator = with_bounded_patterns(validator_class)(
            self.schema, registry=_LOCAL_ONLY, format_checker=_FORMAT_CHECKER
        )

    def raw_errors(self, arguments: Any) -> list[ValidationError]:
        """Return jsonschema's own errors (empty when valid)."""
        return list(self._validator.iter_errors(arguments))

    def problems(self, arguments: Any) -> list[str]:
        """Return one line per problem with `arguments`; empty when valid.

        Values JSON cannot carry (`NaN`, `Infinity`, nesting deeper than
        `MAX_DEPTH`) are problems whatever the schema says: they are found
        first, and the schema is checked only when there are none. Valid
        arguments cost one quick scan plus one pass of the validator.
        """
        if has_json_problems(arguments):
            return json_problems(arguments)
        try:
            errors = list(self._validator.iter_errors(arguments))
        except (Unresolvable, UnknownType, re.error) as error:
            return [f"{_UNCHECKABLE} ({_cut(str(error))})"]
        except (TypeError, AttributeError, KeyError) as error:
            # A schema of the wrong shape, built into a tool all the same
            # (`membrane_pusher.schema.shape` keeps such actions out of toolkits).
            return [f"{_UNCHECKABLE} ({type(error).__name__}: {_cut(str(error))})"]
        except RecursionError:
            return [f"$: nested too deeply to check (the limit is {MAX_DEPTH} levels)"]
        if not errors:
            return []
        errors.sort(key=lambda e: (_path_key(e.absolute_path), e.message))
        return _unique(_describe(error) for error in errors)

    def validate(self, arguments: Any, *, tool: str | None = None) -> None:
        """Check `arguments`.

        Args:
            arguments: The argument object.
            tool: The tool being called, named in the error's hint.

        Raises:
            InvalidArgumentsError: With one line per problem.
        """
        problems = self.problems(arguments)
        if problems:
            raise arguments_error(problems, tool=tool)


def arguments_error(problems: list[str], *, tool: str | None) -> InvalidArgumentsError:
    """The error for arguments `problems` refused, with the hint that fits.

    When the schema itself could not be applied, fixing the arguments cannot
    help, and the hint says so.

    Args:
        problems: Lines from `ArgumentValidator.problems`.
        tool: The tool being called.
    """
    if problems and problems[0].startswith(_UNCHECKABLE):
        return InvalidArgumentsError(problems, hint=_UNCHECKABLE_HINT, tool=tool)
    return InvalidArgumentsError(problems, tool=tool)


@lru_cache(maxsize=1024)
def _cached_validator(key: str) -> ArgumentValidator:
    return ArgumentValidator(json.loads(key))


def get_validator(schema: Mapping[str, Any]) -> ArgumentValidator:
    """Return a compiled validator for `schema`, shared by equal schemas."""
    try:
        key = json.dumps(schema, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return ArgumentValidator(schema)
    return _cached_validator(key)


def _draft_for(schema: dict[str, Any]) -> type[Validator]:
    """The validator class named by `$schema`, or Draft 2020-12."""
    declared = schema.get("$schema")
    if not isinstance(declared, str):
        return Draft202012Validator
    known: type[Validator] | None = validator_for(schema, default=None)  # type: ignore[arg-type]
    if known is None:
        logger.debug("unknown $schema %r; validating as Draft 2020-12", declared)
        return Draft202012Validator
    return known


def _describe(error: ValidationError) -> str:
    """Turn one jsonschema error into `path: what was expected`."""
    line = f"{format_path(error.absolute_path)}: {_message(error)}"
    branches = _branch_notes(error)
    if branches:
        line = f"{line} ({'; '.join(branches)})"
    return _cut(line, _MAX_LINE_CHARS * 2 if branches else _MAX_LINE_CHARS)


def _message(error: ValidationError) -> str:
    """The message of jsonschema, rebuilt shorter when the value is long."""
    if len(error.message) <= _MAX_LINE_CHARS:
        return error.message
    value = _short_json(error.instance)
    expected = _short_json(error.validator_value)
    return f"{value} does not satisfy {error.validator} {expected}"


def _branch_notes(error: ValidationError) -> list[str]:
    """For a failed anyOf/oneOf, the most relevant problem of each option."""
    if error.validator not in {"anyOf", "oneOf"} or not error.context:
        return []
    best: dict[int, ValidationError] = {}
    for sub in error.context:
        index = sub.schema_path[0] if sub.schema_path else 0
        if not isinstance(index, int):
            continue
        current = best.get(index)
        if current is None or _rank(sub) > _rank(current):
            best[index] = sub
    notes = []
    for index in sorted(best)[:_MAX_BRANCHES]:
        sub = best[index]
        where = format_path(sub.relative_path)
        prefix = "" if where == "$" else f"{where}: "
        notes.append(f"option {index + 1}: {prefix}{_cut(sub.message, 120)}")
    return notes


def _rank(error: ValidationError) -> Any:
    return relevance(error)


def _path_key(path: Iterable[Any]) -> list[tuple[int, str]]:
    return [(0, f"{p:09d}") if isinstance(p, int) else (1, str(p)) for p in path]


def _unique(lines: Iterator[str]) -> list[str]:
    seen: dict[str, None] = {}
    for line in lines:
        seen.setdefault(line, None)
    return list(seen)


def _short_json(value: Any) -> str:
    """Render a value as compact JSON, cut to a readable length."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return _cut(text, _MAX_VALUE_CHARS)


def _cut(text: str, limit: int = _MAX_VALUE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
