"""What the client does around each CLI attempt, whatever the command.

* one INFO line per attempt: the command, its redacted subject (an action and a
  connection, `METHOD path`, an intent), ok or failed (with the error's kind),
  the exit code and the time taken;
* for a write (an action run, a non-GET request) that failed in a way worth
  retrying, a hint that it may have taken effect all the same: the client
  never retries writes, so the caller must check before sending it again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from membrane_pusher.errors import CallError, MembranePusherError
from membrane_pusher.membrane.models import ProxyResponse
from membrane_pusher.redaction import redact

if TYPE_CHECKING:
    from collections.abc import Iterator

    from membrane_pusher.membrane.plans import Plan
    from membrane_pusher.membrane.runner import CompletedCall

__all__ = ["WRITE_RETRY_HINT", "Attempt", "track"]

logger = logging.getLogger(__name__)

WRITE_RETRY_HINT = (
    "It may still have taken effect: check before you run it again, or raise "
    "the client's timeout if it timed out."
)


class Attempt:
    """What one attempt left behind: its process and its result, once known."""

    __slots__ = ("call", "result")

    def __init__(self) -> None:
        """Start with nothing known."""
        self.call: CompletedCall | None = None
        self.result: Any = None


@contextmanager
def track(plan: Plan[Any]) -> Iterator[Attempt]:
    """Wrap one attempt of a plan: log how it ended, warn about failed writes.

    Args:
        plan: The plan being run.

    Yields:
        The record the block fills in (`call`, then `result`).
    """
    record = Attempt()
    started = time.monotonic()
    try:
        yield record
    except BaseException as error:
        if not plan.read and isinstance(error, CallError) and error.retryable:
            error.hint = WRITE_RETRY_HINT
        _log(plan, record.call, started, f"failed, {_failure_name(error)}")
        raise

    outcome = "ok"
    if isinstance(record.result, ProxyResponse) and record.result.status:
        outcome = f"ok, HTTP {record.result.status}"
    _log(plan, record.call, started, outcome)


def _failure_name(error: BaseException) -> str:
    """A short name for how an attempt failed."""
    if isinstance(error, MembranePusherError):
        return error.kind
    if isinstance(error, asyncio.CancelledError):
        return "cancelled"
    return type(error).__name__


def _log(
    plan: Plan[Any], call: CompletedCall | None, started: float, outcome: str
) -> None:
    """Log the one INFO line of an attempt."""
    if not logger.isEnabledFor(logging.INFO):
        return

    subject = f" {redact(plan.subject)}" if plan.subject else ""
    if call is None:
        duration_ms = (time.monotonic() - started) * 1000
        logger.info(
            "membrane %s%s: %s in %.0f ms", plan.label, subject, outcome, duration_ms
        )
        return

    logger.info(
        "membrane %s%s: %s (exit=%d) in %.0f ms",
        plan.label,
        subject,
        outcome,
        call.returncode,
        call.duration_ms,
    )
