"""`ActionCatalog`: `action list --intent` answers, cached on disk with a TTL.

One cache file per (CLI, connection, intent, limit) under env
`MEMBRANE_PUSHER_CACHE_DIR`, or the user cache dir. A warm cache starts no
process. A corrupt or unwritable cache is ignored with a warning: the cache
only ever saves time, it never fails a call.

Loading several intents reads every cached list first, in the calling thread;
only the misses go to the CLI, concurrently. A fully warm load therefore
starts no thread pool and no event-loop task.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from membrane_pusher import paths
from membrane_pusher.membrane.cache_files import is_fresh, read_json, write_json
from membrane_pusher.membrane.models import Action

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from membrane_pusher.membrane.client import MembraneClient

__all__ = ["CACHE_DIR_ENV_VAR", "ActionCatalog", "default_cache_dir"]

logger = logging.getLogger(__name__)

CACHE_DIR_ENV_VAR = paths.CACHE_DIR_ENV_VAR
_FORMAT_VERSION = 1


def default_cache_dir() -> Path:
    """Return the cache folder: env `MEMBRANE_PUSHER_CACHE_DIR` or the user cache."""
    return paths.cache_dir()


class ActionCatalog:
    """Finds actions by intent through a client, with a disk cache."""

    def __init__(
        self,
        client: MembraneClient,
        *,
        cache_dir: Path | None = None,
        ttl: float = 3600,
    ) -> None:
        """Create the catalog.

        Args:
            client: The Membrane client that lists actions.
            cache_dir: Where to cache; `default_cache_dir()` when omitted.
            ttl: Seconds a cached list stays fresh (0 disables the cache).
        """
        self.client = client
        self.cache_dir = (cache_dir or default_cache_dir()) / "actions"
        self.ttl = ttl

    def list_actions(
        self,
        connection_id: str,
        intent: str,
        *,
        limit: int | None = None,
        refresh: bool = False,
    ) -> list[Action]:
        """Return the actions for an intent, from the cache when fresh.

        Args:
            connection_id: The connection whose actions to search.
            intent: What the agent wants to do, in words.
            limit: The most actions to return.
            refresh: Ignore the cache and ask the CLI again.
        """
        if not refresh:
            cached = self._load(self._path(connection_id, intent, limit))
            if cached is not None:
                return cached
        return self._fetch(connection_id, intent, limit)

    async def alist_actions(
        self,
        connection_id: str,
        intent: str,
        *,
        limit: int | None = None,
        refresh: bool = False,
    ) -> list[Action]:
        """Async twin of `list_actions`."""
        if not refresh:
            cached = self._load(self._path(connection_id, intent, limit))
            if cached is not None:
                return cached
        return await self._afetch(connection_id, intent, limit)

    def load_intents(
        self,
        connection_id: str,
        intents: Sequence[str],
        *,
        limit: int | None = None,
        refresh: bool = False,
    ) -> list[Action]:
        """Return the actions of several intents, de-duplicated, order kept.

        Cached lists are read in this thread; the misses are listed
        concurrently (within the client's bound), a single miss inline.
        """
        lists = self._cached_lists(connection_id, intents, limit, refresh)
        missing = [intent for intent, found in lists.items() if found is None]
        if len(missing) == 1:
            lists[missing[0]] = self._fetch(connection_id, missing[0], limit)
        elif missing:
            workers = min(len(missing), max(1, self.client.max_concurrency))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                fetched = pool.map(
                    lambda intent: self._fetch(connection_id, intent, limit), missing
                )
                lists.update(zip(missing, fetched, strict=True))
        return _unique(lists[intent] or [] for intent in intents)

    async def aload_intents(
        self,
        connection_id: str,
        intents: Sequence[str],
        *,
        limit: int | None = None,
        refresh: bool = False,
    ) -> list[Action]:
        """Async twin of `load_intents` (the misses run concurrently)."""
        lists = self._cached_lists(connection_id, intents, limit, refresh)
        missing = [intent for intent, found in lists.items() if found is None]
        if missing:
            fetched = await asyncio.gather(
                *(self._afetch(connection_id, intent, limit) for intent in missing)
            )
            lists.update(zip(missing, fetched, strict=True))
        return _unique(lists[intent] or [] for intent in intents)

    def _cached_lists(
        self,
        connection_id: str,
        intents: Sequence[str],
        limit: int | None,
        refresh: bool,
    ) -> dict[str, list[Action] | None]:
        """Map each distinct intent to its fresh cached list, or None (a miss)."""
        lists: dict[str, list[Action] | None] = dict.fromkeys(intents)
        if refresh:
            return lists
        for intent in lists:
            lists[intent] = self._load(self._path(connection_id, intent, limit))
        return lists

    def _fetch(
        self, connection_id: str, intent: str, limit: int | None
    ) -> list[Action]:
        """Ask the CLI for one intent and cache the answer."""
        actions = self.client.list_actions(connection_id, intent, limit=limit)
        self._store(
            self._path(connection_id, intent, limit), connection_id, intent, actions
        )
        return actions

    async def _afetch(
        self, connection_id: str, intent: str, limit: int | None
    ) -> list[Action]:
        """Async twin of `_fetch`."""
        actions = await self.client.alist_actions(connection_id, intent, limit=limit)
        self._store(
            self._path(connection_id, intent, limit), connection_id, intent, actions
        )
        return actions

    def _path(self, connection_id: str, intent: str, limit: int | None) -> Path:
        """Return the cache file of one query."""
        key = json.dumps(
            [self.client.cache_scope, connection_id, intent.strip().lower(), limit]
        )
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"

    def _load(self, path: Path) -> list[Action] | None:
        """Return a fresh cached list, or None (missing, stale or corrupt)."""
        record = _read_record(path) if self.ttl > 0 else None
        if record is None:
            return None
        try:
            if not is_fresh(float(record["created"]), self.ttl):
                return None
            return [Action.model_validate(item) for item in record["actions"]]
        except (KeyError, TypeError, ValueError, ValidationError):
            logger.warning("ignoring corrupt action cache %s", path)
            return None

    def _store(
        self, path: Path, connection_id: str, intent: str, actions: list[Action]
    ) -> None:
        """Write a list to the cache atomically; failures only warn."""
        if self.ttl <= 0:
            return
        try:
            dumped = [
                action.model_dump(mode="json", by_alias=True, exclude_none=True)
                for action in actions
            ]
        except (ValueError, RecursionError) as error:
            # A schema nested past pydantic's serialization depth, say.
            logger.warning("action list for %r not cached: %s", intent, error)
            return
        record = {
            "version": _FORMAT_VERSION,
            "created": time.time(),
            "connection_id": connection_id,
            "intent": intent,
            "actions": dumped,
        }
        write_json(path, record)


def _read_record(path: Path) -> dict[str, Any] | None:
    """Read one cache file of the current format, or return None."""
    record = read_json(path)
    if record is None:
        return None
    if not isinstance(record, dict) or record.get("version") != _FORMAT_VERSION:
        logger.warning("ignoring action cache %s of an unknown format", path)
        return None
    return record


def _unique(lists: Iterable[list[Action]]) -> list[Action]:
    """Flatten lists of actions, keeping the first of each id."""
    seen: set[str] = set()
    merged: list[Action] = []
    for actions in lists:
        for action in actions:
            if action.id not in seen:
                seen.add(action.id)
                merged.append(action)
    return merged
