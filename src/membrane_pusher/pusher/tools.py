"""The built-in Pusher tools: one `PusherTool` per operation.

A call runs in this order, and stops at the first failure:

1. the JSON Schema (types, required fields, enums);
2. Pusher's rules (names, sizes, counts, channel types), with messages that
   name the rule;
3. the app id (a missing one raises `ConfigurationError`: a person must set
   `PUSHER_APP_ID` or `app_id=`);
4. confirmation for destructive calls, when a `confirm` callback is set (a
   raw request only when its method is not GET);
5. the request, through the transport, and the shared answer interpreter.

Steps 1 and 4 are the validated tool base's (`tools.base`), steps 2 and 3 its
`check_rules` hook, so calls in a provider's form (`for_provider`) are mapped
back before any of them. Nothing is sent unless steps 1-4 pass.

A built-in tool is recognised by `metadata["pusher_operation"]`
(`is_builtin_tool`), never by its name: a catalog action may be named
`pusher_...` too.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field

from membrane_pusher.errors import ConfigurationError, InvalidArgumentsError
from membrane_pusher.pusher.config import APP_ID_HINT
from membrane_pusher.pusher.operations import OPERATIONS, Operation, PusherRequest
from membrane_pusher.pusher.transports.base import Transport  # noqa: TC001 - pydantic field
from membrane_pusher.pusher.transports.responses import interpret_response
from membrane_pusher.tools.base import ValidatedTool
from membrane_pusher.tools.confirmation import ConfirmCallback
from membrane_pusher.tools.results import ToolOutcome

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from langchain_core.tools import BaseTool

__all__ = [
    "BUILTIN_MARKER",
    "ConfirmCallback",
    "PusherTool",
    "builtin_tools",
    "is_builtin_tool",
    "pusher_tool",
]

BUILTIN_MARKER = "pusher_operation"
"""The metadata key that marks a built-in tool (its value: the operation name)."""

logger = logging.getLogger(__name__)


class PusherTool(ValidatedTool):
    """A LangChain tool for one Pusher Channels operation.

    NOTE: `model_dump` leaves out the operation and the transport, and a
    pickled tool carries no secret: loaded again, it refuses encrypted
    channels, and its direct transport refuses to send until given settings
    with the app secret.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    # Behaviour, not data: the operation may carry the encryption master key
    # and the transport the app secret, so neither is dumped.
    operation: Operation = Field(exclude=True)
    transport: Transport = Field(exclude=True)

    def check_rules(self, arguments: dict[str, Any]) -> None:
        """Check Pusher's rules, then that an app id is configured.

        The app id comes before confirmation, so nobody is asked about a call
        that could not be sent.

        Raises:
            InvalidArgumentsError: A rule is broken.
            ConfigurationError: No app id is configured.
        """
        self.operation.check_rules(arguments)
        self._app_id()

    def _validated(self, arguments: Any) -> tuple[dict[str, Any], list[str]]:
        """Validate, naming misnamed arguments next to the schema's problems.

        The schema reports a missing required argument but not the misnamed
        one beside it (`batch` for `events`), which is what the model must fix.
        """
        try:
            return super()._validated(arguments)
        except InvalidArgumentsError as error:
            unknown = self.operation.unknown_key_problems(arguments)
            if not unknown:
                raise
            raise InvalidArgumentsError(
                error.problems + unknown, hint=error.hint, tool=error.tool
            ) from None

    def needs_confirmation(self, arguments: dict[str, Any]) -> bool:
        """Ask the operation: destructive, or a raw request other than GET."""
        return self.operation.is_destructive(arguments)

    def build_request(self, arguments: Mapping[str, Any]) -> PusherRequest:
        """Return the request these (valid) arguments would send.

        Raises:
            ConfigurationError: No app id is configured.
        """
        return self.operation.build(arguments, self._app_id())

    def _app_id(self) -> str:
        """The transport's app id, or the set-up error that says how to set it."""
        app_id = self.transport.app_id
        if not app_id:
            raise ConfigurationError(
                f"{self.name} needs the Pusher app id, and none is configured.",
                hint=APP_ID_HINT,
            )
        return app_id

    def _execute(self, arguments: dict[str, Any]) -> ToolOutcome:
        """Build, send and interpret (sync)."""
        request = self.build_request(arguments)
        response = self.transport.send(request)
        return self._outcome(request, interpret_response(response))

    async def _aexecute(self, arguments: dict[str, Any]) -> ToolOutcome:
        """Build, send and interpret (async)."""
        request = self.build_request(arguments)
        response = await self.transport.asend(request)
        return self._outcome(request, interpret_response(response))

    def _outcome(self, request: PusherRequest, output: Any) -> ToolOutcome:
        """Keep the request (without body) next to the result."""
        sent: dict[str, Any] = {"method": request.method, "path": request.path}
        if request.query:
            sent["query"] = dict(request.query)
        return ToolOutcome(
            output=output,
            details={"pusher_request": sent, "transport": self.transport.name},
        )


def pusher_tool(
    operation: Operation,
    transport: Transport,
    *,
    confirm: ConfirmCallback | None = None,
    max_output_chars: int = 4000,
    encryption_master_key: bytes | None = None,
) -> PusherTool:
    """Build the tool for one operation.

    Args:
        operation: The operation (see `membrane_pusher.pusher.operations`).
        transport: Where requests go.
        confirm: Asked before destructive calls; `None` runs them unasked.
        max_output_chars: Longest result shown to the model.
        encryption_master_key: The app's 32-byte master key, used to encrypt
            data for `private-encrypted-` channels; without it those channels
            are refused.

    Returns:
        The tool, with `metadata` keys `read_only`, `destructive` and
        `pusher_operation`.
    """
    if encryption_master_key is not None:
        operation = operation.with_encryption_key(encryption_master_key)
    return PusherTool(
        name=operation.name,
        description=operation.description,
        args_schema=operation.schema,
        validation_schema=operation.validation_schema,
        operation=operation,
        transport=transport,
        confirm=confirm,
        max_output_chars=max_output_chars,
        metadata={
            "read_only": operation.read_only,
            "destructive": operation.destructive,
            BUILTIN_MARKER: operation.name,
        },
    )


def is_builtin_tool(tool: BaseTool) -> bool:
    """Tell whether a tool is one of the built-in Pusher tools (by its metadata)."""
    return BUILTIN_MARKER in (tool.metadata or {})


def builtin_tools(
    transport: Transport,
    *,
    include: Collection[str] | None = None,
    read_only: bool = False,
    confirm: ConfirmCallback | None = None,
    max_output_chars: int = 4000,
    encryption_master_key: bytes | None = None,
) -> list[PusherTool]:
    """Build the built-in Pusher tools, in their fixed order.

    Args:
        transport: Where requests go.
        include: Only these tool names (unknown names are ignored).
        read_only: Only tools that change nothing.
        confirm: Asked before destructive calls.
        max_output_chars: Longest result shown to the model.
        encryption_master_key: See `pusher_tool`.
    """
    return [
        pusher_tool(
            operation,
            transport,
            confirm=confirm,
            max_output_chars=max_output_chars,
            encryption_master_key=encryption_master_key,
        )
        for name, operation in OPERATIONS.items()
        if (include is None or name in include)
        and (operation.read_only or not read_only)
    ]
