"""A real Pusher-protocol WebSocket client, to watch what the tools deliver.

`PusherSubscriber` speaks protocol 7 over `websockets` (asyncio): it reads the
`pusher:connection_established` greeting, subscribes to public, private and
presence channels (signing their auth with the app secret, as an auth endpoint
would), signs a user in, answers pings, and records every application event.

```python
async with PusherSubscriber(ws_url, key, secret) as sub:
    await sub.subscribe("deploys")
    ...  # trigger an event through the tools
    event = await sub.wait_for(event="deploy-finished", timeout=5)
```

`membrane_pusher.sandbox.background_subscriber.BackgroundSubscriber` wraps it
for synchronous code.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

from membrane_pusher import __version__
from membrane_pusher.pusher.signing import channel_auth, user_auth

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import TracebackType

    from websockets.asyncio.client import ClientConnection

__all__ = [
    "CLOSE_TIMEOUT",
    "PusherSubscriber",
    "ReceivedEvent",
    "SubscriberClosedError",
    "SubscriberError",
]

logger = logging.getLogger(__name__)

_PROTOCOL_PREFIXES = ("pusher:", "pusher_internal:")

CLOSE_TIMEOUT = 2.0
"""Seconds to wait for the server's answer to our close frame: a stopping
server may never answer, and closing must not hold up a Ctrl-C."""


class SubscriberError(Exception):
    """The server refused a subscription or sign-in, or answered unexpectedly."""


class SubscriberClosedError(SubscriberError):
    """The connection closed while something was still awaited."""


@dataclass(frozen=True)
class ReceivedEvent:
    """One message from the server: event name, channel, and `data`.

    `data` is what the server sent: usually a string (the event's payload as
    triggered), sometimes an object for protocol messages.
    """

    event: str
    channel: str | None
    data: Any
    raw: Mapping[str, Any] = field(repr=False, default_factory=dict)

    @property
    def is_protocol(self) -> bool:
        """Whether this is a `pusher:` or `pusher_internal:` message."""
        return self.event.startswith(_PROTOCOL_PREFIXES)

    def json(self) -> Any:
        """Return `data` decoded from JSON when it is a JSON string."""
        if not isinstance(self.data, str):
            return self.data
        try:
            return json.loads(self.data)
        except ValueError:
            return self.data


class PusherSubscriber:
    """A Pusher-protocol client connected to one app of a server."""

    def __init__(
        self,
        ws_url: str,
        key: str,
        secret: str | None = None,
        *,
        client_name: str = "membrane-pusher",
        timeout: float = 10.0,
    ) -> None:
        """Prepare a client; `connect()` (or `async with`) opens the socket.

        Args:
            ws_url: The server's base URL, for example `ws://127.0.0.1:6001`.
            key: The app key.
            secret: The app secret, needed for private and presence channels
                and for sign-in.
            client_name: The `client` query parameter sent to the server.
            timeout: Default seconds to wait for answers.
        """
        self.url = (
            f"{ws_url.rstrip('/')}/app/{key}"
            f"?protocol=7&client={client_name}&version={__version__}"
        )
        self.key = key
        self.secret = secret
        self.timeout = timeout
        self.socket_id: str | None = None
        self.activity_timeout: int | None = None
        self.messages: list[ReceivedEvent] = []
        self.close_code: int | None = None
        self.close_reason: str = ""
        self.error: Mapping[str, Any] | None = None
        self._consumed: set[int] = set()
        self._changed = asyncio.Condition()
        self._connection: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._ended = False

    @property
    def received(self) -> list[ReceivedEvent]:
        """Application events received so far (protocol messages left out)."""
        return [m for m in self.messages if not m.is_protocol]

    @property
    def closed(self) -> bool:
        """Whether the connection has ended (closed by either side)."""
        return self._ended

    async def connect(self) -> Self:
        """Open the socket and read `pusher:connection_established`.

        Raises:
            SubscriberError: The first message is not the greeting.
        """
        from websockets.asyncio.client import connect  # noqa: PLC0415 - optional extra

        # proxy=None: loopback traffic must never go through an HTTP proxy.
        self._connection = await connect(
            self.url,
            proxy=None,
            open_timeout=self.timeout,
            close_timeout=CLOSE_TIMEOUT,
        )
        first = json.loads(
            await asyncio.wait_for(self._connection.recv(), self.timeout)
        )
        if first.get("event") != "pusher:connection_established":
            await self._connection.close()
            raise SubscriberError(f"unexpected first message: {first!r}")

        details = json.loads(first["data"])
        self.socket_id = details["socket_id"]
        self.activity_timeout = details.get("activity_timeout")
        self._reader = asyncio.create_task(self._read_loop())
        logger.debug("subscriber connected, socket_id %s", self.socket_id)
        return self

    async def _read_loop(self) -> None:
        """Record every message, answer pings, and note how the socket closed."""
        from websockets.exceptions import ConnectionClosed  # noqa: PLC0415

        assert self._connection is not None  # noqa: S101 - set by connect()
        try:
            async for frame in self._connection:
                await self._record(json.loads(frame))
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self._connection.close_code
            self.close_reason = self._connection.close_reason or ""
            self._ended = True
            async with self._changed:
                self._changed.notify_all()

    async def _record(self, message: dict[str, Any]) -> None:
        """Store one message and wake up the waiters."""
        event = ReceivedEvent(
            event=str(message.get("event", "")),
            channel=message.get("channel"),
            data=message.get("data"),
            raw=message,
        )
        if event.event == "pusher:ping":
            await self._send("pusher:pong", {})
        if event.event == "pusher:error":
            self.error = event.json()
        async with self._changed:
            self.messages.append(event)
            self._changed.notify_all()

    async def _send(self, event: str, data: Mapping[str, Any]) -> None:
        """Send one protocol message."""
        if self._connection is None:
            raise SubscriberError("not connected: call connect() first")
        await self._connection.send(json.dumps({"event": event, "data": data}))

    async def subscribe(
        self,
        channel: str,
        *,
        user_id: str | None = None,
        user_info: Mapping[str, Any] | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Subscribe to a channel and wait for the server to confirm.

        Args:
            channel: A public, `private-` or `presence-` channel name.
            user_id: The member id (presence channels only; required there).
            user_info: Optional member details (presence channels only).
            timeout: Seconds to wait; the default timeout when omitted.

        Returns:
            The confirmation's data (for presence: `{"presence": {ids, hash, count}}`).

        Raises:
            SubscriberError: The server refused the subscription.
        """
        data: dict[str, Any] = {"channel": channel}
        if channel.startswith(("private-", "presence-")):
            channel_data = ""
            if channel.startswith("presence-"):
                if user_id is None:
                    raise SubscriberError("a presence channel needs a user_id")
                member = {"user_id": user_id, "user_info": dict(user_info or {})}
                channel_data = json.dumps(member)
                data["channel_data"] = channel_data
            data["auth"] = channel_auth(
                key=self.key,
                secret=self._require_secret(),
                socket_id=self._require_socket_id(),
                channel=channel,
                channel_data=channel_data,
            )

        await self._send("pusher:subscribe", data)
        answer = await self.wait_for(
            event=(
                "pusher_internal:subscription_succeeded",
                "pusher:subscription_error",
            ),
            channel=channel,
            timeout=timeout,
        )
        if answer.event == "pusher:subscription_error":
            raise SubscriberError(
                f"subscription to {channel!r} refused: {answer.data!r}"
            )
        return answer.json()

    async def signin(
        self,
        user_id: str,
        *,
        user_info: Mapping[str, Any] | None = None,
        timeout: float | None = None,
    ) -> None:
        """Sign a user in on this connection (for send-to-user and terminate).

        Raises:
            SubscriberError: The server refused the sign-in or closed the socket.
        """
        user = {"id": user_id, **({"user_info": dict(user_info)} if user_info else {})}
        user_data = json.dumps(user)
        auth = user_auth(
            key=self.key,
            secret=self._require_secret(),
            socket_id=self._require_socket_id(),
            user_data=user_data,
        )
        await self._send("pusher:signin", {"auth": auth, "user_data": user_data})
        answer = await self.wait_for(
            event=("pusher:signin_success", "pusher:error"), timeout=timeout
        )
        if answer.event == "pusher:error":
            raise SubscriberError(f"sign-in refused: {answer.data!r}")

    async def wait_for(
        self,
        *,
        event: str | tuple[str, ...] | None = None,
        channel: str | None = None,
        timeout: float | None = None,
    ) -> ReceivedEvent:
        """Return the first not yet returned message that matches, waiting for it.

        Args:
            event: An event name (or several); any event when omitted.
            channel: A channel name; any channel when omitted.
            timeout: Seconds to wait; the default timeout when omitted.

        Raises:
            TimeoutError: Nothing matched in time.
            SubscriberClosedError: The connection closed first.
        """
        names = (event,) if isinstance(event, str) else event

        def find() -> ReceivedEvent | None:
            for index, message in enumerate(self.messages):
                if index in self._consumed:
                    continue
                if names is not None and message.event not in names:
                    continue
                if channel is not None and message.channel != channel:
                    continue
                self._consumed.add(index)
                return message
            return None

        async def wait() -> ReceivedEvent:
            async with self._changed:
                while True:
                    found = find()
                    if found is not None:
                        return found
                    if self.closed:
                        raise SubscriberClosedError(
                            f"connection closed ({self.close_code}) while waiting for "
                            f"event={event!r} channel={channel!r}"
                        )
                    await self._changed.wait()

        return await asyncio.wait_for(
            wait(), self.timeout if timeout is None else timeout
        )

    async def wait_closed(self, timeout: float | None = None) -> int | None:
        """Wait until the server closes the connection; return the close code."""
        if self._reader is None:
            raise SubscriberError("not connected: call connect() first")
        limit = self.timeout if timeout is None else timeout
        await asyncio.wait_for(asyncio.shield(self._reader), limit)
        return self.close_code

    async def close(self) -> None:
        """Close the connection cleanly (a no-op when already closed)."""
        if self._connection is not None:
            await self._connection.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    def _require_secret(self) -> str:
        if self.secret is None:
            raise SubscriberError("this needs the app secret (secret=...)")
        return self.secret

    def _require_socket_id(self) -> str:
        if self.socket_id is None:
            raise SubscriberError("not connected: call connect() first")
        return self.socket_id

    async def __aenter__(self) -> Self:
        """Connect."""
        return await self.connect()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close."""
        await self.close()
