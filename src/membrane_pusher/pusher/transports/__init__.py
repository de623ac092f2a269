"""How requests reach Pusher: Membrane's proxy (default) or signed HTTP (direct).

The names are imported on first use (see `membrane_pusher.lazy_exports`), so
the default transport never loads the direct one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from membrane_pusher.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from membrane_pusher.pusher.transports.base import Transport
    from membrane_pusher.pusher.transports.direct import DirectTransport
    from membrane_pusher.pusher.transports.membrane_proxy import (
        MembraneProxyTransport,
    )
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

_RESPONSES = "membrane_pusher.pusher.transports.responses"

__getattr__ = lazy_exports(
    __name__,
    {
        "DirectTransport": "membrane_pusher.pusher.transports.direct",
        "MembraneProxyTransport": "membrane_pusher.pusher.transports.membrane_proxy",
        "PusherResponse": _RESPONSES,
        "Transport": "membrane_pusher.pusher.transports.base",
        "interpret_response": _RESPONSES,
        "network_error": _RESPONSES,
    },
)
