"""The Pusher connection the toolkit found, remembered between builds.

Finding the connection costs one `connection list` call, so the toolkit keeps
its id on disk, per CLI and environment, for as long as the action lists
(`cache_ttl`). A remembered id may go stale: the connection can be deleted or
need the user again. The cache therefore forgets the id as soon as a call on
it says the connection is not READY (`ForgetfulClient` wraps the client the
tools use), so the next build finds the connection afresh.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from membrane_pusher.errors import ConnectionNotReadyError, NotFoundError
from membrane_pusher.membrane.cache_files import is_fresh, read_json, write_json

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["ConnectionCache", "ForgetfulClient"]

logger = logging.getLogger(__name__)

_FILE_PREFIX = "pusher-connection"


class ConnectionCache:
    """One remembered connection id with its age.

    Args:
        folder: The cache folder.
        scope: Names the CLI and environment (`MembraneClient.cache_scope`).
        ttl: Seconds the id stays fresh; 0 or less disables the cache.
    """

    def __init__(self, folder: Path, scope: str, ttl: float) -> None:
        """Point the cache at its file; nothing is read yet."""
        self.path = folder / f"{_FILE_PREFIX}-{scope}.json"
        self.ttl = ttl

    def load(self) -> str | None:
        """Return the remembered id while it is fresh, else None."""
        if self.ttl <= 0:
            return None
        entry = read_json(self.path)
        if entry is None:
            return None
        try:
            stored_at = float(entry["stored_at"])
            connection_id = str(entry["connection_id"])
        except (KeyError, TypeError, ValueError):
            logger.warning("ignoring an unreadable connection cache %s", self.path)
            return None
        return connection_id if is_fresh(stored_at, self.ttl) else None

    def store(self, connection_id: str) -> None:
        """Remember an id (best effort: an unwritable folder only warns)."""
        if self.ttl <= 0:
            return
        write_json(
            self.path, {"connection_id": connection_id, "stored_at": time.time()}
        )

    def forget(self) -> None:
        """Drop the remembered id, if any."""
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            logger.warning("cannot remove %s: %s", self.path, error.strerror)
            return
        logger.debug("forgot the cached Pusher connection")


class ForgetfulClient:
    """The client the tools use: a not-READY or not-found answer forgets the id.

    A connection deleted (or replaced) in Membrane answers "not found": the
    remembered id is forgotten then too, so the next build looks again. A
    not-found action forgets it as well, which costs one lookup at most.
    Only the calls tools make (`run_action`, `request` and their async twins)
    are watched; everything else is passed to the wrapped client unchanged.
    The error itself is re-raised as it came.
    """

    def __init__(self, client: Any, cache: ConnectionCache) -> None:
        """Wrap `client`; `cache` holds the id the tools are bound to."""
        self.client = client
        self.cache = cache

    def __getattr__(self, name: str) -> Any:
        """Pass any other attribute to the wrapped client."""
        return getattr(self.client, name)

    def run_action(self, *args: Any, **kwargs: Any) -> Any:
        """`MembraneClient.run_action`, forgetting the id when not READY."""
        with self._forget_when_not_ready():
            return self.client.run_action(*args, **kwargs)

    async def arun_action(self, *args: Any, **kwargs: Any) -> Any:
        """`MembraneClient.arun_action`, forgetting the id when not READY."""
        with self._forget_when_not_ready():
            return await self.client.arun_action(*args, **kwargs)

    def request(self, *args: Any, **kwargs: Any) -> Any:
        """`MembraneClient.request`, forgetting the id when not READY."""
        with self._forget_when_not_ready():
            return self.client.request(*args, **kwargs)

    async def arequest(self, *args: Any, **kwargs: Any) -> Any:
        """`MembraneClient.arequest`, forgetting the id when not READY."""
        with self._forget_when_not_ready():
            return await self.client.arequest(*args, **kwargs)

    @contextmanager
    def _forget_when_not_ready(self) -> Iterator[None]:
        """Forget the cached id when the block says not READY or not found."""
        try:
            yield
        except (ConnectionNotReadyError, NotFoundError):
            self.cache.forget()
            raise
