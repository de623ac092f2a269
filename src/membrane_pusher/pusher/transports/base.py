"""What every transport offers: send one Pusher request, sync or async."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from membrane_pusher.pusher.operations.base import PusherRequest
    from membrane_pusher.pusher.transports.responses import PusherResponse

__all__ = ["Transport"]


@runtime_checkable
class Transport(Protocol):
    """Carries `PusherRequest`s to one Pusher app.

    `app_id` is the app the requests are for, or `None` when it is not
    configured (the tools then explain how to set it). A transport returns what
    came back without judging it; `interpret_response` decides success.
    Transports never retry a write: an event must not be sent twice.
    """

    @property
    def app_id(self) -> str | None:
        """The app id requests are built for, when configured."""
        ...

    @property
    def name(self) -> str:
        """A short name for logs and artifacts (`membrane` or `direct`)."""
        ...

    def send(self, request: PusherRequest) -> PusherResponse:
        """Send one request and return the answer (sync)."""
        ...

    async def asend(self, request: PusherRequest) -> PusherResponse:
        """Send one request and return the answer (async)."""
        ...
