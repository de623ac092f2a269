"""Signed HTTP straight to a Pusher-protocol server (opt-in; e.g. soketi).

Each request is signed here (`auth_key`, `auth_timestamp`, `auth_version`,
`body_md5`, `auth_signature`; HMAC-SHA256) with the current time, and sent with
httpx and explicit timeouts. Only GET requests are retried, on network errors
and 5xx answers: a write that may have reached the server is never repeated.

Connections: one `httpx.Client` and one `httpx.AsyncClient` per transport,
each created on first use and kept, so calls share pooled connections. For a
loopback host (soketi on 127.0.0.1) they ignore proxy variables
(`trust_env=False`), so `HTTP_PROXY` cannot reroute local traffic.

httpx logs each request's URL at INFO, and a signed URL carries a signature
that stays valid for minutes: a filter on the `httpx` logger redacts it from
those records (it changes nothing else and adds no handler).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any, Self

import httpx
from tenacity import (
    AsyncRetrying,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.loopback import is_loopback_host
from membrane_pusher.pusher.signing import sign_request
from membrane_pusher.pusher.transports.responses import (
    PusherResponse,
    network_error,
    parse_body,
)
from membrane_pusher.redaction import redact

if TYPE_CHECKING:
    from types import TracebackType

    from membrane_pusher.pusher.config import PusherSettings
    from membrane_pusher.pusher.operations.base import PusherRequest

__all__ = ["DirectTransport"]

logger = logging.getLogger(__name__)

_READ_ATTEMPTS = 3
_SERVER_ERROR = 500


class _SignedURLFilter(logging.Filter):
    """Redacts signatures from the URLs in httpx's own log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's text arguments; always keep the record."""
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact(str(arg)) if isinstance(arg, (str, httpx.URL)) else arg
                for arg in record.args
            )
        return True


_HTTPX_LOGGER = logging.getLogger("httpx")
if not any(isinstance(f, _SignedURLFilter) for f in _HTTPX_LOGGER.filters):
    _HTTPX_LOGGER.addFilter(_SignedURLFilter())


class _TransientError(Exception):
    """A GET that failed in a way worth one more try."""

    def __init__(
        self, response: PusherResponse | None, reason: str, *, unsent: bool = False
    ) -> None:
        super().__init__(reason)
        self.response = response
        self.reason = reason
        self.unsent = unsent


class DirectTransport:
    """Sends signed requests to the Pusher HTTP API of one app.

    Lifetime: the sync and async httpx clients are created on first use and
    kept until `close()` / `aclose()` (or the end of a `with` / `async with`
    block); a closed transport opens new clients when used again. The async
    client belongs to the event loop that created it: used from another loop
    (a later `asyncio.run`), the transport starts a fresh one there.

    Args:
        settings: App id, key, secret and host.
        timeout: Seconds for the whole request (connect is capped at 5 s).
        transport: An httpx transport to use instead of the network (tests pass
            `httpx.MockTransport`).
    """

    name = "direct"

    def __init__(
        self,
        settings: PusherSettings,
        timeout: float = 10.0,
        *,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Create the transport; connections are opened on first use."""
        self.settings = settings
        self.timeout = httpx.Timeout(timeout, connect=min(timeout, 5.0))
        self.trust_env = not is_loopback_host(settings.host)
        self._mock = transport
        self._client: httpx.Client | None = None
        self._aclient: httpx.AsyncClient | None = None
        self._aclient_loop: asyncio.AbstractEventLoop | None = None

    @property
    def app_id(self) -> str:
        """The app id from the settings."""
        return self.settings.app_id

    def send(self, request: PusherRequest) -> PusherResponse:
        """Sign and send one request (sync)."""
        retrying = Retrying(**_retry_policy(request))
        try:
            for attempt in retrying:
                with attempt:
                    return self._send_once(request)
        except _TransientError as error:
            return _final(error)
        raise AssertionError("unreachable")  # pragma: no cover

    async def asend(self, request: PusherRequest) -> PusherResponse:
        """Sign and send one request (async)."""
        retrying = AsyncRetrying(**_retry_policy(request))
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._asend_once(request)
        except _TransientError as error:
            return _final(error)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the sync client's connections (the async one needs `aclose`)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    async def aclose(self) -> None:
        """Close both clients' connections."""
        self.close()
        client, self._aclient = self._aclient, None
        loop, self._aclient_loop = self._aclient_loop, None
        if client is not None and loop is asyncio.get_running_loop():
            await client.aclose()

    def __enter__(self) -> Self:
        """Use the transport in a `with` block; `close()` at the end."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the sync client."""
        self.close()

    async def __aenter__(self) -> Self:
        """Use the transport in an `async with` block; `aclose()` at the end."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close both clients."""
        await self.aclose()

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the settings (without the secret) and timeout, not the clients."""
        return {
            **self.__dict__,
            "_client": None,
            "_aclient": None,
            "_aclient_loop": None,
        }

    def __repr__(self) -> str:
        """Name the host and app, never the secret."""
        return (
            f"DirectTransport(base_url={self.settings.base_url!r}, "
            f"app_id={self.app_id!r})"
        )

    def _sync_client(self) -> httpx.Client:
        """The shared sync client, created on first use."""
        if self._client is None:
            mock = self._mock if isinstance(self._mock, httpx.BaseTransport) else None
            self._client = httpx.Client(
                timeout=self.timeout, transport=mock, trust_env=self.trust_env
            )
        return self._client

    def _async_client(self) -> httpx.AsyncClient:
        """The shared async client of the running event loop."""
        loop = asyncio.get_running_loop()
        if self._aclient is None or self._aclient_loop is not loop:
            # A client from a finished loop cannot be closed from this one;
            # its pooled sockets are released when it is garbage collected.
            mock = self._mock
            self._aclient = httpx.AsyncClient(
                timeout=self.timeout,
                transport=mock if isinstance(mock, httpx.AsyncBaseTransport) else None,
                trust_env=self.trust_env,
            )
            self._aclient_loop = loop
        return self._aclient

    def _send_once(self, request: PusherRequest) -> PusherResponse:
        """One signed attempt (sync)."""
        url, params, content, headers = self._prepare(request)
        try:
            answer = self._sync_client().request(
                request.method, url, params=params, content=content, headers=headers
            )
        except httpx.HTTPError as error:
            raise _transient(request, None, error) from error
        return self._finish(request, answer)

    async def _asend_once(self, request: PusherRequest) -> PusherResponse:
        """One signed attempt (async)."""
        url, params, content, headers = self._prepare(request)
        try:
            answer = await self._async_client().request(
                request.method, url, params=params, content=content, headers=headers
            )
        except httpx.HTTPError as error:
            raise _transient(request, None, error) from error
        return self._finish(request, answer)

    def _prepare(
        self, request: PusherRequest
    ) -> tuple[str, dict[str, str], bytes, dict[str, str]]:
        """Encode the body and sign: url, query parameters, body and headers."""
        content = b""
        headers = {"Accept": "application/json"}
        if request.body is not None:
            text = json.dumps(
                request.body, ensure_ascii=False, separators=(",", ":"), allow_nan=False
            )
            content = text.encode("utf-8")
            headers["Content-Type"] = "application/json"
        params = sign_request(
            method=request.method,
            path=request.path,
            query=request.query,
            body=content,
            key=self.settings.key,
            secret=self._secret(),
        )
        return self.settings.base_url + request.path, params, content, headers

    def _secret(self) -> str:
        """The app secret; settings loaded from a pickle have none.

        Raises:
            ConfigurationError: When the settings carry no secret.
        """
        if not self.settings.secret:
            raise ConfigurationError(
                "The direct Pusher transport has no app secret to sign with "
                "(settings loaded from a pickle never carry it).",
                hint="Build the settings again: PusherSettings.build(), or "
                "PUSHER_URL / PUSHER_SECRET in the environment.",
            )
        return self.settings.secret

    def _finish(self, request: PusherRequest, answer: httpx.Response) -> PusherResponse:
        """Log the call once and keep status, body and headers."""
        logger.info(
            "pusher %s %s -> %d", request.method, request.path, answer.status_code
        )
        response = PusherResponse(
            status=answer.status_code,
            body=parse_body(answer.content),
            headers=dict(answer.headers),
        )
        if answer.status_code >= _SERVER_ERROR:
            raise _transient(request, response, f"HTTP {answer.status_code}")
        return response


def _retry_policy(request: PusherRequest) -> dict[str, Any]:
    """Retry GETs on transient failures; everything else runs exactly once."""
    attempts = _READ_ATTEMPTS if request.method == "GET" else 1
    return {
        "stop": stop_after_attempt(attempts),
        "wait": wait_exponential(multiplier=0.2, max=2),
        "retry": retry_if_exception_type(_TransientError),
        "reraise": True,
    }


def _transient(
    request: PusherRequest,
    response: PusherResponse | None,
    failure: str | httpx.HTTPError,
) -> _TransientError:
    """Record a transient failure of one attempt: an answer, or a network error.

    A connection that could not even be opened sent nothing, which the final
    error then says (a write is safe to repeat).
    """
    reason = failure if isinstance(failure, str) else _reason(failure)
    logger.warning("pusher %s %s failed: %s", request.method, request.path, reason)
    unsent = isinstance(failure, httpx.ConnectError)
    return _TransientError(response, reason, unsent=unsent)


def _final(error: _TransientError) -> PusherResponse:
    """After the last attempt: return a 5xx answer, or raise the network error."""
    if error.response is not None:
        return error.response
    raise network_error(error.reason, unsent=error.unsent) from error


def _reason(error: httpx.HTTPError) -> str:
    """Describe a network error without the URL (it carries the signature)."""
    return f"{type(error).__name__}: {error}".split(" for url ")[0]
