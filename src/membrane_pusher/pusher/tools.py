"""The built-in Pusher tools: one `PusherTool` per operation.

A call runs in this order, and stops at the first failure:

1. the JSON Schema (types, required fields, enums);
2. Pusher's rules (names, sizes, counts, channel types), with messages that
   name the rule;
3. the app id (a missing one raises `ConfigurationError`: a person must set
   `PUSHER_APP_ID` or `app_id=`);
4. confirmation for destructive calls, when a `confirm` callback is set;
5. the request, through the transport, and the shared answer interpreter.

Nothing is sent unless steps 1-4 pass.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.pusher.config import APP_ID_HINT
from membrane_pusher.pusher.operations import OPERATIONS, Operation, PusherRequest
from membrane_pusher.pusher.transports.base import Transport  # noqa: TC001 - pydantic field
from membrane_pusher.pusher.transports.responses import interpret_response
from membrane_pusher.tools.base import ValidatedTool
from membrane_pusher.tools.confirmation import (
    ConfirmCallback,
    aconfirm_call,
    confirm_call,
)
from membrane_pusher.tools.results import ToolOutcome

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

__all__ = ["ConfirmCallback", "PusherTool", "builtin_tools", "pusher_tool"]

logger = logging.getLogger(__name__)


class PusherTool(ValidatedTool):
    """A LangChain tool for one Pusher Channels operation."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    operation: Operation
    transport: Transport
    confirm: ConfirmCallback | None = None

    def prepare_arguments(self, arguments: Any) -> tuple[dict[str, Any], list[str]]:
        """Validate against the schema, then check Pusher's rules."""
        self.validator.validate(arguments, tool=self.name)
        self.operation.check_rules(arguments)
        return arguments, []

    def build_request(self, arguments: Mapping[str, Any]) -> PusherRequest:
        """Return the request these (valid) arguments would send."""
        app_id = self.transport.app_id
        if not app_id:
            raise ConfigurationError(
                f"{self.name} needs the Pusher app id, and none is configured.",
                hint=APP_ID_HINT,
            )
        return self.operation.build(arguments, app_id)

    def _execute(self, arguments: dict[str, Any]) -> ToolOutcome:
        """Build, confirm, send and interpret (sync)."""
        request = self.build_request(arguments)
        if self.confirm is not None and self.operation.is_destructive(arguments):
            confirm_call(self.confirm, self.name, arguments)
        response = self.transport.send(request)
        return self._outcome(request, interpret_response(response))

    async def _aexecute(self, arguments: dict[str, Any]) -> ToolOutcome:
        """Build, confirm, send and interpret (async)."""
        request = self.build_request(arguments)
        if self.confirm is not None and self.operation.is_destructive(arguments):
            await aconfirm_call(self.confirm, self.name, arguments)
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
) -> PusherTool:
    """Build the tool for one operation.

    Args:
        operation: The operation (see `membrane_pusher.pusher.operations`).
        transport: Where requests go.
        confirm: Asked before destructive calls; `None` runs them unasked.
        max_output_chars: Longest result shown to the model.

    Returns:
        The tool, with `metadata` keys `read_only`, `destructive` and
        `pusher_operation`.
    """
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
            "pusher_operation": operation.name,
        },
    )


def builtin_tools(
    transport: Transport,
    *,
    include: Collection[str] | None = None,
    read_only: bool = False,
    confirm: ConfirmCallback | None = None,
    max_output_chars: int = 4000,
) -> list[PusherTool]:
    """Build the built-in Pusher tools, in their fixed order.

    Args:
        transport: Where requests go.
        include: Only these tool names (unknown names are ignored).
        read_only: Only tools that change nothing.
        confirm: Asked before destructive calls.
        max_output_chars: Longest result shown to the model.
    """
    return [
        pusher_tool(
            operation, transport, confirm=confirm, max_output_chars=max_output_chars
        )
        for name, operation in OPERATIONS.items()
        if (include is None or name in include)
        and (operation.read_only or not read_only)
    ]
