"""Hold Ctrl-C back for the few steps that must not be cut in half.

Starting a process and remembering it, or stopping it and forgetting it, are
pairs: a `KeyboardInterrupt` between the two halves leaves a server nobody
knows about. `deferred_interrupts()` keeps SIGINT pending for such a short
block and raises the `KeyboardInterrupt` as soon as the block is done, so the
caller's cleanup still sees it and the user's Ctrl-C is never lost.

It only acts in the main thread (the only one Python delivers signals to)
and only while SIGINT has Python's default handler; anywhere else it is a
no-op, so a host program's own handler is never replaced.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType

__all__ = ["deferred_interrupts"]

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Run the block with Ctrl-C held back, then raise it if one came.

    Raises:
        KeyboardInterrupt: After the block, when SIGINT arrived during it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler:
        yield
        return

    pending: list[int] = []

    def remember(signum: int, _frame: FrameType | None) -> None:
        pending.append(signum)

    signal.signal(signal.SIGINT, remember)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pending:
            logger.debug("raising the Ctrl-C held back during a critical step")
            raise KeyboardInterrupt
