"""`PusherToolkit`: Membrane catalog actions plus the built-in Pusher tools.

Building the tools:

1. find the Pusher connection when none is given (`connection list`: exactly
   one READY Pusher connection; the answer is cached with the action lists);
2. load the catalog actions of each intent, concurrently, de-duplicated and
   cached on disk per connection and intent (a warm build starts no process);
3. convert them to tools with unique names that avoid the built-in names;
4. add the built-in tools (`pusher_trigger_event`, ...), which send their
   requests through Membrane's proxy or, opt-in, signed HTTP (`direct`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Sequence  # noqa: TC003 - pydantic fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.tools import BaseTool, BaseToolkit
from pydantic import ConfigDict, Field

from membrane_pusher.errors import ConfigurationError, ConnectionNotReadyError
from membrane_pusher.membrane.cache_files import read_json, write_json
from membrane_pusher.pusher.config import PusherSettings, resolve_app_id
from membrane_pusher.pusher.operations import BUILTIN_NAMES
from membrane_pusher.pusher.tools import ConfirmCallback, builtin_tools
from membrane_pusher.pusher.transports.direct import DirectTransport
from membrane_pusher.pusher.transports.membrane_proxy import MembraneProxyTransport

if TYPE_CHECKING:
    from membrane_pusher.membrane.client import MembraneClient
    from membrane_pusher.membrane.models import Action, Connection
    from membrane_pusher.pusher.transports.base import Transport

__all__ = ["DEFAULT_INTENTS", "PusherToolkit"]

logger = logging.getLogger(__name__)

DEFAULT_INTENTS = ("trigger an event on a channel", "get channel information")
_CONNECTION_CACHE = "pusher-connection"


class PusherToolkit(BaseToolkit):
    """LangChain tools for one Pusher Channels app, through Membrane.

    Args:
        connection_id: The Membrane connection; found when omitted.
        intents: What to look for in the action catalog; `None` means
            `DEFAULT_INTENTS` with the membrane transport and no catalog with
            the direct one; `()` loads no catalog actions.
        app_id: The Pusher app id; env `PUSHER_APP_ID` when omitted.
        client: A `MembraneClient`; one is created when needed.
        transport: `"membrane"` (Membrane's proxy) or `"direct"` (signed HTTP).
        pusher_settings: Settings of the direct transport, or a `PUSHER_URL`;
            read from the environment when omitted.
        direct_timeout: Seconds per direct request.
        include: Keep only tools with these names; a name that matches no
            tool built (built-in or catalog) raises `ConfigurationError`.
        read_only: Keep only tools that change nothing.
        builtins: Add the built-in Pusher tools.
        refresh: Ignore cached action lists and connection (and rebuild them).
        cache_ttl: Seconds a cached action list stays fresh.
        cache_dir: Cache folder; env `MEMBRANE_PUSHER_CACHE_DIR` or the user
            cache folder when omitted.
        action_limit: The most actions per intent.
        confirm: Asked `(tool_name, arguments) -> bool` before destructive
            calls (built-in terminate and raw non-GET; catalog actions of type
            `delete-data-record`); may be async.
        max_output_chars: Longest tool result shown to the model.

    NOTE: `read_only=True` keeps catalog tools whose Membrane action type only
    reads (`list-data-records`, `find-data-record-by-id`, ...; see
    `membrane_pusher.tools.action_tool.READ_ONLY_ACTION_TYPES`); actions of
    other or unknown types are left out.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    connection_id: str | None = None
    intents: Sequence[str] | None = None
    app_id: str | None = None
    client: Any = None
    transport: Literal["membrane", "direct"] = "membrane"
    pusher_settings: PusherSettings | str | None = None
    direct_timeout: float = 10.0
    include: Collection[str] | None = None
    read_only: bool = False
    builtins: bool = True
    refresh: bool = False
    cache_ttl: float = 3600.0
    cache_dir: Path | None = None
    action_limit: int | None = None
    confirm: ConfirmCallback | None = None
    max_output_chars: int = Field(default=4000, gt=0)

    # ----- public API ---------------------------------------------------------

    def get_tools(self) -> list[BaseTool]:
        """Build every tool (sync).

        Raises:
            SetupError: When the CLI, the login, the connection or the
                configuration needs a person.
        """
        actions: list[Action] = []
        connection_id = self.connection_id
        if self._intents() or self._needs_connection():
            connection_id = connection_id or self._find_connection()
        if self._intents():
            assert connection_id is not None  # noqa: S101 - found above
            actions = self._catalog().load_intents(
                connection_id,
                list(self._intents()),
                limit=self.action_limit,
                refresh=self.refresh,
            )
        return self._assemble(actions, connection_id)

    async def aget_tools(self) -> list[BaseTool]:
        """Build every tool, loading the intents concurrently (async)."""
        actions: list[Action] = []
        connection_id = self.connection_id
        if self._intents() or self._needs_connection():
            connection_id = connection_id or await self._afind_connection()
        if self._intents():
            assert connection_id is not None  # noqa: S101 - found above
            actions = await self._catalog().aload_intents(
                connection_id,
                list(self._intents()),
                limit=self.action_limit,
                refresh=self.refresh,
            )
        return self._assemble(actions, connection_id)

    # ----- assembly -----------------------------------------------------------

    def _assemble(
        self, actions: list[Action], connection_id: str | None
    ) -> list[BaseTool]:
        """Convert actions, add built-ins, apply the filters."""
        tools: list[BaseTool] = []
        if actions:
            assert connection_id is not None  # noqa: S101 - actions need one
            tools.extend(self._action_tools(actions, connection_id))
        if self.builtins:
            tools.extend(
                builtin_tools(
                    self._transport(connection_id),
                    confirm=self.confirm,
                    max_output_chars=self.max_output_chars,
                )
            )
        self._check_include(tools)
        kept = [tool for tool in tools if self._keeps(tool)]
        logger.debug("toolkit built %d tools (%d actions)", len(kept), len(actions))
        return kept

    def _action_tools(
        self, actions: list[Action], connection_id: str
    ) -> list[BaseTool]:
        """Convert catalog actions to tools with unique names."""
        from membrane_pusher.tools.action_tool import action_tool  # noqa: PLC0415
        from membrane_pusher.tools.naming import tool_name, unique_names  # noqa: PLC0415

        names = unique_names([tool_name(a) for a in actions], taken=BUILTIN_NAMES)
        return [
            action_tool(
                action,
                self._client(),
                connection_id,
                name=name,
                max_output_chars=self.max_output_chars,
                confirm=self.confirm,
            )
            for action, name in zip(actions, names, strict=True)
        ]

    def _check_include(self, tools: list[BaseTool]) -> None:
        """Refuse `include` names that match none of the tools built.

        A name dropped only by `read_only` is known: it matched a tool.

        Raises:
            ConfigurationError: Naming the unknown and the available names.
        """
        if self.include is None:
            return
        available = [tool.name for tool in tools]
        unknown = sorted(set(self.include) - set(available))
        if not unknown:
            return
        raise ConfigurationError(
            f"include names tools that do not exist: {', '.join(unknown)}. "
            f"Available: {', '.join(available) or 'none'}.",
            hint="Use names from the list above; catalog tools exist only for "
            "the intents loaded (pass intents= to load more).",
        )

    def _keeps(self, tool: BaseTool) -> bool:
        """Apply `include` and `read_only`."""
        if self.include is not None and tool.name not in self.include:
            return False
        return not self.read_only or (tool.metadata or {}).get("read_only") is True

    def _transport(self, connection_id: str | None) -> Transport:
        """Create the transport of the built-in tools."""
        if self.transport == "direct":
            settings = self.pusher_settings
            if not isinstance(settings, PusherSettings):
                settings = PusherSettings.build(app_id=self.app_id, url=settings)
            return DirectTransport(settings, timeout=self.direct_timeout)
        if connection_id is None:  # pragma: no cover - found before
            raise ConfigurationError("The membrane transport needs a connection.")
        return MembraneProxyTransport(
            self._client(), connection_id, resolve_app_id(self.app_id)
        )

    # ----- connection discovery -------------------------------------------------

    def _needs_connection(self) -> bool:
        """Whether the built-in tools need a Membrane connection."""
        return self.builtins and self.transport == "membrane"

    def _find_connection(self) -> str:
        """Find the one READY Pusher connection (cached)."""
        cached = self._cached_connection()
        if cached:
            return cached
        connection_id = _choose_connection(self._client().list_connections())
        self._store_connection(connection_id)
        return connection_id

    async def _afind_connection(self) -> str:
        """Find the one READY Pusher connection (cached; async)."""
        cached = self._cached_connection()
        if cached:
            return cached
        connection_id = _choose_connection(await self._client().alist_connections())
        self._store_connection(connection_id)
        return connection_id

    def _cached_connection(self) -> str | None:
        """Return a fresh cached connection id, unless refreshing."""
        if self.refresh:
            return None
        entry = read_json(self._connection_cache_path())
        if entry is None:
            return None
        try:
            if time.time() - float(entry["stored_at"]) < self.cache_ttl:
                return str(entry["connection_id"])
        except (KeyError, TypeError, ValueError):
            logger.warning("ignoring an unreadable connection cache")
        return None

    def _store_connection(self, connection_id: str) -> None:
        """Remember the discovered connection (best effort)."""
        entry = {"connection_id": connection_id, "stored_at": time.time()}
        write_json(self._connection_cache_path(), entry)

    def _connection_cache_path(self) -> Path:
        """Where the discovered connection is cached, per CLI and environment."""
        scope = getattr(self._client(), "cache_scope", "default")
        return _cache_root(self.cache_dir) / f"{_CONNECTION_CACHE}-{scope}.json"

    # ----- lazily created collaborators ----------------------------------------

    def _intents(self) -> tuple[str, ...]:
        """The intents to load (defaults depend on the transport)."""
        if self.intents is None:
            return DEFAULT_INTENTS if self.transport == "membrane" else ()
        return tuple(self.intents)

    def _client(self) -> MembraneClient:
        """The Membrane client (created on first use)."""
        if self.client is None:
            from membrane_pusher.membrane.client import MembraneClient  # noqa: PLC0415

            self.client = MembraneClient()
        client: MembraneClient = self.client
        return client

    def _catalog(self) -> Any:
        """The action catalog over the client, with this toolkit's cache."""
        from membrane_pusher.membrane.catalog import ActionCatalog  # noqa: PLC0415

        return ActionCatalog(
            self._client(), cache_dir=self.cache_dir, ttl=self.cache_ttl
        )


def _choose_connection(connections: list[Connection]) -> str:
    """Pick the only READY Pusher connection, or explain the choices.

    Raises:
        ConfigurationError: None at all, or several READY ones.
        ConnectionNotReadyError: Pusher connections exist but none is READY.
    """
    pusher = [c for c in connections if any("pusher" in k for k in c.app_keys)]
    ready = [c for c in pusher if c.is_ready]
    if len(ready) == 1:
        return ready[0].id
    if len(ready) > 1:
        choices = ", ".join(_describe(c) for c in ready)
        raise ConfigurationError(
            f"Several READY Pusher connections were found: {choices}.",
            hint="Pass connection_id= (or --connection) to choose one.",
        )
    if pusher:
        first = pusher[0]
        url = first.client_action.ui_url if first.client_action else None
        raise ConnectionNotReadyError(
            "No Pusher connection is READY: "
            + ", ".join(_describe(c) for c in pusher)
            + ".",
            hint=f"Finish connecting at {url}." if url else "Reconnect it in Membrane.",
            connection_id=first.id,
            state=first.state,
            url=url,
        )
    raise ConfigurationError(
        "No Pusher connection was found in this Membrane workspace.",
        hint="Run `membrane-pusher connect` to connect Pusher, then try again.",
    )


def _describe(connection: Connection) -> str:
    """`id (name, STATE)` for messages."""
    details = ", ".join(p for p in (connection.name, connection.state) if p)
    return f"{connection.id} ({details})" if details else connection.id


def _cache_root(cache_dir: Path | None) -> Path:
    """The cache folder: the argument, else the catalog's default."""
    if cache_dir is not None:
        return Path(cache_dir)
    from membrane_pusher.membrane.catalog import default_cache_dir  # noqa: PLC0415

    return default_cache_dir()
