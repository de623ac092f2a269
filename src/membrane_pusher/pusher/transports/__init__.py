"""How requests reach Pusher: Membrane's proxy (default) or signed HTTP (direct)."""

from __future__ import annotations

from membrane_pusher.pusher.transports.base import Transport
from membrane_pusher.pusher.transports.direct import DirectTransport
from membrane_pusher.pusher.transports.membrane_proxy import MembraneProxyTransport
from membrane_pusher.pusher.transports.responses import (
    PusherResponse,
    interpret_response,
    network_error,
)

__all__ = [
    "DirectTransport",
    "MembraneProxyTransport",
    "PusherResponse",
    "Transport",
    "interpret_response",
    "network_error",
]
