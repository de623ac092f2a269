"""What one Pusher operation is: its schema, its rules and its request.

An `Operation` is plain data plus two functions: `check` returns the rule
problems of some arguments, and `build` turns valid arguments into a
`PusherRequest` for the app. Transports send requests; tools tie the two.

Each operation has two schemas. `schema` is what the model sees: types, enums,
descriptions and the documented limits (`maxItems`, `maxLength`, `pattern`).
`validation_schema` is the same without those limit keywords, because the rule
checks enforce them with messages that name Pusher's rule rather than a
generic "is too long".
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.schema.validate import ArgumentValidator

__all__ = [
    "Operation",
    "PusherRequest",
    "rule_free_schema",
]

# Compiled validators, one per operation name (operations are module constants).
_VALIDATORS: dict[str, ArgumentValidator] = {}

# Limits the rule checks own; they stay in the model-facing schema only.
_RULE_KEYWORDS = frozenset({"maxItems", "maxLength", "pattern", "additionalProperties"})


@dataclass(frozen=True)
class PusherRequest:
    """One HTTP request to the Pusher Channels API of an app.

    Attributes:
        method: `GET` or `POST`.
        path: The full path, starting with `/apps/{app_id}/`.
        query: The request's own query parameters (never auth parameters).
        body: The JSON body, or `None` for no body.
    """

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None

    def describe(self) -> dict[str, Any]:
        """Return the request as plain data (for artifacts and dry runs)."""
        described: dict[str, Any] = {"method": self.method, "path": self.path}
        if self.query:
            described["query"] = dict(self.query)
        if self.body is not None:
            described["body"] = self.body
        return described


Checker = Callable[[Mapping[str, Any]], list[str]]
Builder = Callable[[Mapping[str, Any], str], PusherRequest]


@dataclass(frozen=True)
class Operation:
    """One operation of the Pusher Channels HTTP API, as a tool offers it.

    Attributes:
        name: The fixed tool name, for example `pusher_trigger_event`.
        description: What the model reads: purpose, arguments and limits.
        schema: The model-facing JSON Schema of the arguments.
        read_only: Whether the call changes nothing.
        destructive: Whether the call may disrupt users (needs confirmation).
        check: Returns one line per broken Pusher rule.
        build: Turns valid arguments and the app id into a request.
        destructive_when: For calls that are destructive only for some
            arguments (raw requests), tells whether these ones are.
    """

    name: str
    description: str
    schema: dict[str, Any]
    read_only: bool
    destructive: bool
    check: Checker
    build: Builder
    destructive_when: Callable[[Mapping[str, Any]], bool] | None = None

    @cached_property
    def validation_schema(self) -> dict[str, Any]:
        """The schema that arguments are validated against before the rules.

        Computed once and shared by every tool of this operation: treat it as
        read-only.
        """
        return rule_free_schema(self.schema)

    def is_destructive(self, arguments: Mapping[str, Any]) -> bool:
        """Tell whether this call, with these arguments, needs confirmation."""
        if self.destructive_when is not None:
            return self.destructive_when(arguments)
        return self.destructive

    @property
    def validator(self) -> ArgumentValidator:
        """The compiled validator of `validation_schema` (built once)."""
        validator = _VALIDATORS.get(self.name)
        if validator is None:
            validator = ArgumentValidator(self.validation_schema)
            _VALIDATORS[self.name] = validator
        return validator

    def problems(self, arguments: Any) -> list[str]:
        """Return every problem of `arguments`: schema first, then the rules."""
        problems = self.validator.problems(arguments)
        if problems:
            return problems
        return self.check(arguments)

    def check_rules(self, arguments: Mapping[str, Any]) -> None:
        """Check Pusher's rules on arguments that already fit the schema.

        Raises:
            InvalidArgumentsError: When a rule is broken; nothing is sent.
        """
        problems = self.check(arguments)
        if problems:
            raise InvalidArgumentsError(problems, tool=self.name)

    def request(self, arguments: Any, app_id: str) -> PusherRequest:
        """Validate arguments (schema, then rules) and build the request.

        Args:
            arguments: The call's arguments, as the model or a person gave them.
            app_id: The Pusher app id the request is for.

        Raises:
            InvalidArgumentsError: When the schema or a rule is broken; nothing
                is sent.
        """
        self.validator.validate(arguments, tool=self.name)
        self.check_rules(arguments)
        return self.build(arguments, app_id)


def rule_free_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of `schema` without the limit keywords the rules own."""
    cleaned = copy.deepcopy(dict(schema))
    _strip(cleaned)
    return cleaned


def _strip(node: Any) -> None:
    """Remove rule keywords in place, walking only schema positions."""
    if not isinstance(node, dict):
        return
    for keyword in _RULE_KEYWORDS & node.keys():
        if keyword != "additionalProperties" or node[keyword] is False:
            del node[keyword]
    for child in node.get("properties", {}).values():
        _strip(child)
    for key in ("items", "additionalProperties"):
        _strip(node.get(key))
    for key in ("anyOf", "oneOf", "allOf"):
        for child in node.get(key, []):
            _strip(child)
