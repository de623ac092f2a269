"""Requests through Membrane's authenticated proxy: `membrane request ...`.

Membrane holds the app's credentials and signs for us, so this transport needs
only the connection and the app id. It builds
`membrane request CONNECTION_ID /apps/{app_id}/... -X METHOD [--query k=v]
[--json -d BODY]` through `MembraneClient.request`, which returns the upstream
answer (status and body) even when Pusher refused the request.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from membrane_pusher.membrane.models import ProxyRequest
from membrane_pusher.pusher.transports.responses import PusherResponse

if TYPE_CHECKING:
    from membrane_pusher.membrane.models import ProxyResponse
    from membrane_pusher.pusher.operations.base import PusherRequest

__all__ = ["MembraneProxyTransport", "ProxyClient"]

logger = logging.getLogger(__name__)


class ProxyClient(Protocol):
    """The part of `MembraneClient` this transport uses."""

    def request(self, request: ProxyRequest) -> ProxyResponse:
        """Send a request through the proxy."""
        ...

    async def arequest(self, request: ProxyRequest) -> ProxyResponse:
        """Send a request through the proxy (async)."""
        ...


class MembraneProxyTransport:
    """Sends Pusher requests through one Membrane connection.

    Args:
        client: A `MembraneClient` (or anything with `request`/`arequest`).
        connection_id: The READY Pusher connection.
        app_id: The Pusher app id, or `None` when not configured.

    NOTE: writes are never retried here, and the client retries only GET
    requests, so an event is never sent twice.
    """

    name = "membrane"

    def __init__(
        self, client: ProxyClient, connection_id: str, app_id: str | None
    ) -> None:
        """Bind the transport to a client, a connection and an app."""
        self.client = client
        self.connection_id = connection_id
        self._app_id = app_id

    @property
    def app_id(self) -> str | None:
        """The Pusher app id requests are built for."""
        return self._app_id

    def send(self, request: PusherRequest) -> PusherResponse:
        """Send one request through `membrane request` and return the answer."""
        logger.debug("membrane proxy %s %s", request.method, request.path)
        answer = self.client.request(self._proxy_request(request))
        return _response(answer)

    async def asend(self, request: PusherRequest) -> PusherResponse:
        """Send one request through `membrane request` (async)."""
        logger.debug("membrane proxy %s %s", request.method, request.path)
        answer = await self.client.arequest(self._proxy_request(request))
        return _response(answer)

    def _proxy_request(self, request: PusherRequest) -> ProxyRequest:
        """Turn a Pusher request into a request through this connection."""
        return ProxyRequest(
            self.connection_id,
            request.path,
            method=request.method,
            query=dict(request.query) or None,
            body=request.body,
        )

    def __repr__(self) -> str:
        """Name the connection and app, never credentials."""
        return (
            f"MembraneProxyTransport(connection_id={self.connection_id!r}, "
            f"app_id={self._app_id!r})"
        )


def _response(answer: ProxyResponse) -> PusherResponse:
    """Turn the proxy's answer into a `PusherResponse`."""
    headers = dict(answer.headers) if answer.headers else {}
    return PusherResponse(status=answer.status, body=answer.body, headers=headers)
