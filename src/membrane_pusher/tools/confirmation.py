"""Asking a person before a destructive tool call runs.

A `ConfirmCallback` receives `(tool_name, arguments)` and answers `True` to let
the call run. Only `True` itself approves: an answer such as `"no"` (what a
bare `input()` returns) would be truthy, so any other value is a refusal. It
may be a plain function or an `async def`. A refusal raises
`ConfirmationDeniedError`, a `CallError`, so the model gets a tool error telling
it not to repeat the call; nothing is sent. A callback may also raise
`ConfirmationDeniedError` itself, to refuse with its own message and hint (the
command line does, to say how to allow the call).

An async callback asked from a sync call is run with `asyncio.run` when no
event loop is running; inside a running loop it cannot be awaited, and the call
fails with a `ConfigurationError` (call the tool with `ainvoke` instead).

`ValidatedTool` asks these functions once per call, after validation and
before anything is sent: every tool of the package shares that one gate.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from membrane_pusher.errors import ConfigurationError, ConfirmationDeniedError

__all__ = ["ConfirmCallback", "aconfirm_call", "confirm_call"]

logger = logging.getLogger(__name__)

ConfirmCallback = Callable[[str, dict[str, Any]], bool | Awaitable[bool]]
"""Asked before a destructive call: `(tool_name, arguments) -> bool`.

May be a plain function or return an awaitable (an `async def`)."""


def confirm_call(
    confirm: ConfirmCallback, tool_name: str, arguments: dict[str, Any]
) -> None:
    """Ask `confirm` about one call from sync code; raise unless approved.

    An async callback is run to completion when no event loop is running.

    Raises:
        ConfirmationDeniedError: The callback said no.
        ConfigurationError: An async callback inside a running event loop
            (it cannot be awaited from sync code).
    """
    answer = confirm(tool_name, dict(arguments))
    _check(_resolve_sync(answer), tool_name)


async def aconfirm_call(
    confirm: ConfirmCallback, tool_name: str, arguments: dict[str, Any]
) -> None:
    """Ask `confirm` about one call, awaiting an async answer; raise unless approved.

    Raises:
        ConfirmationDeniedError: The callback said no.
    """
    answer = confirm(tool_name, dict(arguments))
    if inspect.isawaitable(answer):
        answer = await answer
    _check(answer, tool_name)


def _check(answer: object, tool_name: str) -> None:
    """Refuse the call unless the answer is `True` itself."""
    if answer is True:
        return
    if not isinstance(answer, bool):
        logger.warning(
            "the confirm callback answered %s for %s, not a bool: taken as a no",
            type(answer).__name__,
            tool_name,
        )
    logger.info("%s not confirmed; nothing sent", tool_name)
    raise ConfirmationDeniedError(
        f"{tool_name} changes or disrupts the live app, and the user did not "
        "confirm this call, so nothing was sent.",
        hint=(
            "Do not repeat the call. Tell the user what you wanted to do and "
            "ask them to confirm, or choose a read-only tool."
        ),
    )


def _resolve_sync(answer: bool | Awaitable[bool]) -> object:
    """Get a sync answer from a callback that may be async."""
    if not inspect.isawaitable(answer):
        return answer
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_await(answer))
    if inspect.iscoroutine(answer):
        answer.close()
    raise ConfigurationError(
        "An async confirm callback cannot be awaited from a sync tool call inside a "
        "running event loop.",
        hint="Call the tool with ainvoke, or pass a plain (sync) confirm function.",
    )


async def _await(answer: Awaitable[bool]) -> object:
    """Await an awaitable answer."""
    return await answer
