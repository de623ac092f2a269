"""How requests reach Pusher: Membrane's proxy (default) or signed HTTP (direct).

`DirectTransport` is imported on first use, so the default transport never
loads the direct one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from membrane_pusher.pusher.transports.base import Transport
from membrane_pusher.pusher.transports.membrane_proxy import MembraneProxyTransport
from membrane_pusher.pusher.transports.responses import (
    PusherResponse,
    interpret_response,
    network_error,
)

if TYPE_CHECKING:
    from membrane_pusher.pusher.transports.direct import DirectTransport

__all__ = [
    "DirectTransport",
    "MembraneProxyTransport",
    "PusherResponse",
    "Transport",
    "interpret_response",
    "network_error",
]


def __getattr__(name: str) -> Any:
    """Import `DirectTransport` when it is first asked for."""
    if name == "DirectTransport":
        from membrane_pusher.pusher.transports.direct import (  # noqa: PLC0415
            DirectTransport,
        )

        return DirectTransport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
