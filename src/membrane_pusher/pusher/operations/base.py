"""What one Pusher operation is: its schema, its rules and its request.

An `Operation` is plain data plus two functions: `check` returns the rule
problems of some arguments, and `builder` turns valid arguments into a
`PusherRequest` for the app, given a `RequestContext` (the app id and, for
`private-encrypted-` channels, the encryption master key). Transports send
requests; tools tie the two.

The operations are module constants without a key; `with_encryption_key`
returns a copy that carries the app's master key, so that copy encrypts data
for encrypted channels where the keyless one refuses them (in `check_rules`,
before anything is confirmed or sent).

Each operation has two schemas. `schema` is what the model sees: types, enums,
descriptions and the documented limits (`maxItems`, `maxLength`, `pattern`).
`validation_schema` is the same without those limit keywords, because the rule
checks enforce them with messages that name Pusher's rule rather than a
generic "is too long".
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.pusher import encryption, event_data, rules
from membrane_pusher.schema.validate import get_validator

__all__ = [
    "Operation",
    "PusherRequest",
    "RequestContext",
    "no_encrypted_channels",
    "rule_free_schema",
]

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


@dataclass(frozen=True)
class RequestContext:
    """What a request builder needs besides the arguments.

    Attributes:
        app_id: The Pusher app id the request is for.
        encryption_master_key: The app's 32-byte end-to-end encryption master
            key, or `None`; without it, data for `private-encrypted-` channels
            is refused (never sent in plain text).
    """

    app_id: str
    encryption_master_key: bytes | None = field(default=None, repr=False)


Checker = Callable[[Mapping[str, Any]], list[str]]
Builder = Callable[[Mapping[str, Any], RequestContext], PusherRequest]
# `(JSON path, channel)` of each encrypted channel whose data a call would send.
EncryptedChannels = Callable[[Mapping[str, Any]], list[tuple[str, str]]]


def no_encrypted_channels(arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The `encrypted_channels` of operations that publish no event data."""
    del arguments
    return []


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
        builder: Turns valid arguments and a `RequestContext` into a request;
            may raise `InvalidArgumentsError` for what only the context tells
            (another app's path, an encrypted channel without a key).
        destructive_when: For calls that are destructive only for some
            arguments (raw requests), tells whether these ones are.
        encrypted_channels: For valid arguments, the encrypted channels whose
            data the call would encrypt, with their JSON paths.
        encryption_master_key: The app's 32-byte encryption master key, set
            with `with_encryption_key`; never shown in `repr` nor pickled.
    """

    name: str
    description: str
    schema: dict[str, Any]
    read_only: bool
    destructive: bool
    check: Checker
    builder: Builder
    destructive_when: Callable[[Mapping[str, Any]], bool] | None = None
    encrypted_channels: EncryptedChannels = no_encrypted_channels
    encryption_master_key: bytes | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the master key: a loaded copy refuses encrypted channels."""
        return {**self.__dict__, "encryption_master_key": None}

    def __copy__(self) -> Operation:
        """Copies keep the key (only pickles leave it out)."""
        return dataclasses.replace(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Operation:
        """Deep copies keep the key, with a schema of their own."""
        return dataclasses.replace(self, schema=copy.deepcopy(self.schema, memo))

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

    def with_encryption_key(self, master_key: bytes | None) -> Operation:
        """Return a copy that encrypts data for `private-encrypted-` channels.

        Args:
            master_key: The app's 32-byte master key (see
                `encryption.master_key_from_base64`), or `None` for a copy
                that refuses encrypted channels.

        Raises:
            ConfigurationError: When the key is not 32 bytes.
        """
        if master_key is not None:
            encryption.check_master_key(master_key)
        return dataclasses.replace(self, encryption_master_key=master_key)

    def validate(self, arguments: Any) -> None:
        """Check arguments against the schema, then against Pusher's rules.

        Raises:
            InvalidArgumentsError: With one line per problem; nothing is sent.
        """
        problems = get_validator(self.validation_schema).problems(arguments)
        if problems:
            problems += self.unknown_key_problems(arguments)
            raise InvalidArgumentsError(problems, tool=self.name)
        self.check_rules(arguments)

    def unknown_key_problems(self, arguments: Any) -> list[str]:
        """Name the arguments (and batch-event fields) this operation does not take.

        For arguments the schema refused: the schema check reports a missing
        required argument but not the misnamed one next to it, which the rule
        checks would name had the schema passed.
        """
        top = self.schema.get("properties", {})
        problems = rules.unknown_argument_problems(arguments, top, call=self.name)
        if not isinstance(arguments, dict):
            return problems
        for name, child in top.items():
            problems += _nested_unknown_keys(name, child, arguments.get(name))
        return problems

    def check_rules(self, arguments: Mapping[str, Any]) -> None:
        """Check Pusher's rules on arguments that already fit the schema.

        An encrypted channel is refused here when this operation has no master
        key (or PyNaCl is missing), so the call is refused before anyone is
        asked to confirm it.

        Raises:
            InvalidArgumentsError: When a rule is broken; nothing is sent.
        """
        problems = self.check(arguments) or self.encryption_problems(arguments)
        if problems:
            raise InvalidArgumentsError(problems, tool=self.name)

    def encryption_problems(self, arguments: Mapping[str, Any]) -> list[str]:
        """Refuse encrypted channels when their data cannot be encrypted."""
        key = self.encryption_master_key
        if key is not None and encryption.is_available():
            return []
        return [
            event_data.encryption_unavailable_problem(
                path, channel, has_key=key is not None
            )
            for path, channel in self.encrypted_channels(arguments)
        ]

    def build(self, arguments: Mapping[str, Any], app_id: str) -> PusherRequest:
        """Build the request for arguments that passed `validate`.

        Args:
            arguments: The valid arguments.
            app_id: The Pusher app id the request is for.

        Raises:
            InvalidArgumentsError: When the request cannot be built as asked
                (another app's path; an encrypted channel without a key or
                without PyNaCl); nothing is sent.
        """
        context = RequestContext(app_id, self.encryption_master_key)
        return self.builder(arguments, context)

    def request(self, arguments: Any, app_id: str) -> PusherRequest:
        """Validate arguments (schema, then rules) and build the request.

        Args:
            arguments: The call's arguments, as the model or a person gave them.
            app_id: The Pusher app id the request is for.

        Raises:
            InvalidArgumentsError: When the schema or a rule is broken; nothing
                is sent.
        """
        self.validate(arguments)
        return self.build(arguments, app_id)


def rule_free_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of `schema` without the limit keywords the rules own."""
    cleaned = copy.deepcopy(dict(schema))
    _strip(cleaned)
    return cleaned


def _nested_unknown_keys(path: str, schema: Any, value: Any) -> list[str]:
    """Name the unknown fields of objects nested in `value` (batch events)."""
    if not isinstance(schema, dict):
        return []
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        items = schema["items"]
        return [
            problem
            for index, item in enumerate(value)
            for problem in _nested_unknown_keys(f"{path}[{index}]", items, item)
        ]
    properties = schema.get("properties")
    if not isinstance(value, dict) or not isinstance(properties, dict):
        return []
    problems = []
    if schema.get("additionalProperties") is False:
        problems = rules.unknown_field_problems(path, value, properties)
    for name, child in properties.items():
        problems += _nested_unknown_keys(f"{path}.{name}", child, value.get(name))
    return problems


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
