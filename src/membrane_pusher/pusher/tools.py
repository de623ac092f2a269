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

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any

from pydantic import ConfigDict

from membrane_pusher.errors import ConfigurationError, ConfirmationDeniedError
from membrane_pusher.pusher.config import APP_ID_HINT
from membrane_pusher.pusher.operations import OPERATIONS, Operation, PusherRequest
from membrane_pusher.pusher.transports.base import Transport  # noqa: TC001 - pydantic field
from membrane_pusher.pusher.transports.responses import interpret_response
from membrane_pusher.tools.base import ValidatedTool
from membrane_pusher.tools.results import ToolOutcome

__all__ = ["ConfirmCallback", "PusherTool", "builtin_tools", "pusher_tool"]

logger = logging.getLogger(__name__)

ConfirmCallback = Callable[[str, dict[str, Any]], bool | Awaitable[bool]]
"""Asked before a destructive call: `(tool_name, arguments) -> bool`.

May be a plain function or return an awaitable (an `async def`)."""


class PusherTool(ValidatedTool):
    """A LangChain tool for one Pusher Channels operation."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    operation: Operation
    transport: Transport
    confirm: ConfirmCallback | None = None

    def prepare_arguments(self, arguments: Any) -> tuple[dict[str, Any], list[str]]:
        """Validate against the schema, then check Pusher's rules."""
        self.validator.validate(arguments)
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
        if self._needs_confirmation(arguments):
            self._check_answer(_resolve_sync(self._ask(arguments)), arguments)
        response = self.transport.send(request)
        return self._outcome(request, interpret_response(response))

    async def _aexecute(self, arguments: dict[str, Any]) -> ToolOutcome:
        """Build, confirm, send and interpret (async)."""
        request = self.build_request(arguments)
        if self._needs_confirmation(arguments):
            answer = self._ask(arguments)
            if inspect.isawaitable(answer):
                answer = await answer
            self._check_answer(bool(answer), arguments)
        response = await self.transport.asend(request)
        return self._outcome(request, interpret_response(response))

    def _needs_confirmation(self, arguments: Mapping[str, Any]) -> bool:
        """Whether a confirmation callback must approve this call."""
        return self.confirm is not None and self.operation.is_destructive(arguments)

    def _ask(self, arguments: dict[str, Any]) -> bool | Awaitable[bool]:
        """Call the confirmation callback with a copy of the arguments."""
        assert self.confirm is not None  # noqa: S101 - checked by the caller
        return self.confirm(self.name, dict(arguments))

    def _check_answer(self, approved: bool, arguments: Mapping[str, Any]) -> None:
        """Refuse the call unless it was approved."""
        if approved:
            return
        logger.info("%s not confirmed; nothing sent", self.name)
        del arguments
        raise ConfirmationDeniedError(
            f"{self.name} changes or disrupts the live app, and the user did not "
            "confirm this call, so nothing was sent.",
            hint=(
                "Do not repeat the call. Tell the user what you wanted to do and "
                "ask them to confirm, or choose a read-only tool."
            ),
        )

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


def _resolve_sync(answer: bool | Awaitable[bool]) -> bool:
    """Get a sync answer from a callback that may be async."""
    if not inspect.isawaitable(answer):
        return bool(answer)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return bool(asyncio.run(_await(answer)))
    if inspect.iscoroutine(answer):
        answer.close()
    raise ConfigurationError(
        "An async confirm callback cannot be awaited from a sync tool call inside a "
        "running event loop.",
        hint="Call the tool with ainvoke, or pass a plain (sync) confirm function.",
    )


async def _await(answer: Awaitable[bool]) -> bool:
    """Await an awaitable answer."""
    return bool(await answer)
