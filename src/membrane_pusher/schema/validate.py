"""Argument validation against a tool's original JSON Schema.

The validator is compiled once per schema (the right draft for its `$schema`,
local `$ref` resolution, format checking) and reports one line per problem,
each starting with the JSON path of the offending value.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from jsonschema import FormatChecker, ValidationError
from jsonschema.validators import validator_for

from membrane_pusher.errors import InvalidArgumentsError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["ArgumentValidator", "format_path"]

logger = logging.getLogger(__name__)

# Longest rendering of an offending value inside an error line.
_MAX_VALUE_CHARS = 80


class ArgumentValidator:
    """Validates tool arguments against one JSON Schema.

    Args:
        schema: The original schema of the tool (never a provider-adapted copy).
    """

    def __init__(self, schema: Mapping[str, Any]) -> None:
        """Compile the validator for `schema`."""
        self.schema = dict(schema)
        validator_class = validator_for(self.schema)
        self._validator = validator_class(self.schema, format_checker=FormatChecker())

    def problems(self, arguments: Any) -> list[str]:
        """Return one line per problem with `arguments`; empty when valid."""
        errors = sorted(
            self._validator.iter_errors(arguments),
            key=lambda e: (list(map(str, e.absolute_path)), e.message),
        )
        return [_describe(error) for error in errors]

    def validate(self, arguments: Any) -> None:
        """Check `arguments`.

        Raises:
            InvalidArgumentsError: With one line per problem.
        """
        problems = self.problems(arguments)
        if problems:
            raise InvalidArgumentsError(problems)


def format_path(path: Any) -> str:
    """Render a jsonschema path as `a.b[3].c` (`$` for the root)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f".{part}"
        else:
            text = str(part)
    return text or "$"


def _describe(error: ValidationError) -> str:
    """Turn one jsonschema error into `path: what was wrong`."""
    message = error.message
    rendered = _short_json(error.instance)
    if len(message) > _MAX_VALUE_CHARS * 3:
        message = f"{rendered} is not valid under the {error.validator} rule"
    return f"{format_path(error.absolute_path)}: {message}"


def _short_json(value: Any) -> str:
    """Render a value as compact JSON, cut to a readable length."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text
