"""Ctrl-C, SIGTERM and SIGHUP: one way to stop, and never half-way.

By default SIGTERM and SIGHUP end Python at once, skipping `finally` blocks
and `atexit`, so a server started for the run would keep running.
`signals_as_interrupts()` makes them raise `SignalInterrupt` (a
`KeyboardInterrupt`) for the length of a block, so the same cleanup as for
Ctrl-C runs; the command line, `with Sandbox()` and the pytest fixture use
it. Only signals left at their default action are taken over (a host
program's own handler, or `nohup`'s ignored SIGHUP, stays as it is), and
the previous handlers come back when the block ends.

Starting a process and remembering it, or stopping it and forgetting it, are
pairs: an interrupt between the two halves leaves a server nobody knows
about. `deferred_interrupts()` keeps such signals pending for a short block
and raises the interrupt as soon as the block is done, so the caller's
cleanup still sees it and the user's Ctrl-C is never lost.

Both act only in the main thread (the only one Python delivers signals to);
anywhere else they are no-ops.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import FrameType

    _Handler = Callable[[int, FrameType | None], object]

__all__ = ["SignalInterrupt", "deferred_interrupts", "signals_as_interrupts"]

logger = logging.getLogger(__name__)

TERMINATING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""The signals `signals_as_interrupts` turns into `SignalInterrupt`."""


class SignalInterrupt(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that the same cleanup runs."""

    def __init__(self, signum: int) -> None:
        """Create the interrupt.

        Args:
            signum: The signal that arrived.
        """
        self.signum = signum
        self.signal_name = signal.Signals(signum).name
        super().__init__(self.signal_name)


def _raise_interrupt(signum: int, _frame: FrameType | None) -> None:
    """The handler `signals_as_interrupts` installs."""
    raise SignalInterrupt(signum)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """Run the block with SIGTERM and SIGHUP raising `SignalInterrupt`.

    Nested uses are fine: an inner block finds the handler already set and
    leaves it alone.
    """
    if not _in_main_thread():
        yield
        return

    taken = [s for s in TERMINATING_SIGNALS if signal.getsignal(s) is signal.SIG_DFL]
    for signum in taken:
        signal.signal(signum, _raise_interrupt)
    try:
        yield
    finally:
        for signum in taken:
            signal.signal(signum, signal.SIG_DFL)


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Run the block with interrupts held back, then raise one if it came.

    SIGINT is held while it has Python's default handler, SIGTERM and SIGHUP
    while `signals_as_interrupts` handles them.

    Raises:
        KeyboardInterrupt: After the block, when SIGINT arrived during it
            (`SignalInterrupt` for SIGTERM or SIGHUP).
    """
    held = _interrupt_handlers() if _in_main_thread() else {}
    if not held:
        yield
        return

    pending: list[int] = []

    def remember(signum: int, _frame: FrameType | None) -> None:
        pending.append(signum)

    for signum in held:
        signal.signal(signum, remember)
    try:
        yield
    finally:
        for signum, handler in held.items():
            signal.signal(signum, handler)
        if pending:
            logger.debug("raising the interrupt held back during a critical step")
            raise _interrupt_for(pending[0])


def _interrupt_handlers() -> dict[int, _Handler]:
    """The signals whose handler raises an interrupt now, with that handler."""
    found: dict[int, _Handler] = {}
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        found[signal.SIGINT] = signal.default_int_handler
    for signum in TERMINATING_SIGNALS:
        if signal.getsignal(signum) is _raise_interrupt:
            found[signum] = _raise_interrupt
    return found


def _interrupt_for(signum: int) -> KeyboardInterrupt:
    if signum == signal.SIGINT:
        return KeyboardInterrupt()
    return SignalInterrupt(signum)
