"""A minimal Pusher-protocol WebSocket subscriber for the end-to-end tests.

Protocol 7: wait for `pusher:connection_established`, subscribe (signing
private and presence channels with the app secret), sign in, and read events.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Self

import websockets

from membrane_pusher.pusher.signing import channel_auth, user_auth


class Subscriber:
    """One WebSocket connection to a Pusher-protocol server."""

    def __init__(self, ws_url: str, key: str, secret: str) -> None:
        self.url = f"{ws_url}/app/{key}?protocol=7&client=py-test&version=0.1"
        self.key = key
        self.secret = secret
        self.socket_id = ""
        self.connection: Any = None

    async def __aenter__(self) -> Self:
        self.connection = await websockets.connect(self.url)
        established = await self.next_message("pusher:connection_established")
        self.socket_id = json.loads(established["data"])["socket_id"]
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.connection.close()

    async def send(self, event: str, data: dict[str, Any]) -> None:
        await self.connection.send(json.dumps({"event": event, "data": data}))

    async def subscribe(
        self, channel: str, user_id: str | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"channel": channel}
        channel_data = ""
        if user_id is not None:
            channel_data = json.dumps({"user_id": user_id, "user_info": {}})
            data["channel_data"] = channel_data
        if channel.startswith(("private-", "presence-")):
            data["auth"] = channel_auth(
                key=self.key,
                secret=self.secret,
                socket_id=self.socket_id,
                channel=channel,
                channel_data=channel_data,
            )
        await self.send("pusher:subscribe", data)
        return await self.next_message("pusher_internal:subscription_succeeded")

    async def signin(self, user_id: str) -> dict[str, Any]:
        user_data = json.dumps({"id": user_id})
        auth = user_auth(
            key=self.key,
            secret=self.secret,
            socket_id=self.socket_id,
            user_data=user_data,
        )
        await self.send("pusher:signin", {"auth": auth, "user_data": user_data})
        return await self.next_message("pusher:signin_success")

    async def next_message(self, event: str, timeout: float = 5.0) -> dict[str, Any]:
        """Return the next message named `event`, skipping others."""

        async def read() -> dict[str, Any]:
            while True:
                message = json.loads(await self.connection.recv())
                if message.get("event") == event:
                    return message

        return await asyncio.wait_for(read(), timeout)

    async def nothing_named(self, event: str, wait: float = 0.5) -> bool:
        """Tell whether no message named `event` arrives within `wait` seconds."""
        try:
            await self.next_message(event, timeout=wait)
        except TimeoutError:
            return True
        return False

    async def closed_with(
        self, timeout: float = 5.0
    ) -> tuple[list[dict[str, Any]], int | None]:
        """Read until the server closes; return the messages and the close code."""
        messages: list[dict[str, Any]] = []

        async def read() -> None:
            try:
                while True:
                    messages.append(json.loads(await self.connection.recv()))
            except websockets.ConnectionClosed:
                return

        await asyncio.wait_for(read(), timeout)
        return messages, self.connection.close_code
