"""`BackgroundSubscriber`: a `PusherSubscriber` for synchronous code.

Its own event loop runs in a daemon thread and every method blocks until the
coroutine it wraps is done, so the demo and synchronous tests can watch a
channel while they call the tools.

```python
with BackgroundSubscriber(sandbox.subscriber()) as sub:
    sub.subscribe("deploys")
    ...  # trigger an event through the tools
    event = sub.wait_for(event="deploy-finished", timeout=5)
```
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING, Any, Self, TypeVar

from membrane_pusher.sandbox.subscriber import CLOSE_TIMEOUT

if TYPE_CHECKING:
    from collections.abc import Coroutine
    from types import TracebackType

    from membrane_pusher.sandbox.subscriber import PusherSubscriber, ReceivedEvent

__all__ = ["BackgroundSubscriber"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")


class BackgroundSubscriber:
    """A `PusherSubscriber` for synchronous code, driven by a background thread.

    Every method blocks until the coroutine it wraps finishes; `received` and
    `messages` may be read at any time.
    """

    def __init__(self, subscriber: PusherSubscriber) -> None:
        """Wrap an unconnected subscriber; `start()` connects it."""
        self.subscriber = subscriber
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="pusher-subscriber", daemon=True
        )

    def _call(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    @property
    def received(self) -> list[ReceivedEvent]:
        """Application events received so far."""
        return self.subscriber.received

    def start(self) -> Self:
        """Start the thread and connect."""
        self._thread.start()
        self._call(self.subscriber.connect())
        return self

    def subscribe(self, channel: str, **kwargs: Any) -> Any:
        """See `PusherSubscriber.subscribe`."""
        return self._call(self.subscriber.subscribe(channel, **kwargs))

    def signin(self, user_id: str, **kwargs: Any) -> None:
        """See `PusherSubscriber.signin`."""
        self._call(self.subscriber.signin(user_id, **kwargs))

    def wait_for(self, **kwargs: Any) -> ReceivedEvent:
        """See `PusherSubscriber.wait_for`."""
        return self._call(self.subscriber.wait_for(**kwargs))

    def wait_closed(self, timeout: float | None = None) -> int | None:
        """See `PusherSubscriber.wait_closed`."""
        return self._call(self.subscriber.wait_closed(timeout))

    def close(self) -> None:
        """Close the connection and stop the thread, in a few seconds at most.

        A server that does not answer the close frame is given up on after a
        short wait; the thread is a daemon, so it never holds up exit.
        """
        if self._thread.is_alive():
            closing = asyncio.run_coroutine_threadsafe(
                self.subscriber.close(), self._loop
            )
            try:
                closing.result(timeout=CLOSE_TIMEOUT + 1)
            except TimeoutError:
                logger.warning("the subscriber did not close in time; leaving it")
                closing.cancel()
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(timeout=CLOSE_TIMEOUT)
        if not self._loop.is_running():
            self._loop.close()

    def __enter__(self) -> Self:
        """Start and connect."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close."""
        self.close()
