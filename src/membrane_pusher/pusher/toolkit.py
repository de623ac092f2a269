"""`PusherToolkit`: Membrane catalog actions plus the built-in Pusher tools.

Building the tools:

1. find the Pusher connection when none is given (`connection list`: exactly
   one READY Pusher connection, see `connection.py`; the id is cached with the
   action lists and forgotten when a call on it says it is not READY);
2. load the catalog actions of each intent, concurrently, de-duplicated and
   cached on disk per connection and intent (a warm build starts no process);
3. convert them to tools with unique names that avoid the built-in names;
   their arguments meet Pusher's rules where they name Pusher fields, and a
   call publishing to a `private-encrypted-` channel is refused (Membrane
   cannot encrypt its data), all before any process starts (`catalog_guard`);
   whether each reads, writes or destroys comes from its type, else from the
   verbs of its key (`tools.action_kinds.action_flags`);
4. add the built-in tools (`pusher_trigger_event`, ...), which send their
   requests through Membrane's proxy or, opt-in, signed HTTP (`direct`), and
   alone encrypt data for `private-encrypted-` channels.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.tools import BaseTool, BaseToolkit
from pydantic import ConfigDict, Field, field_validator

from membrane_pusher import paths
from membrane_pusher.errors import ConfigurationError, ConnectionNotReadyError
from membrane_pusher.pusher import encryption
from membrane_pusher.pusher.config import PusherSettings, resolve_app_id
from membrane_pusher.pusher.connection import choose_pusher_connection
from membrane_pusher.pusher.connection_cache import ConnectionCache, ForgetfulClient
from membrane_pusher.pusher.operations import BUILTIN_NAMES
from membrane_pusher.pusher.tools import ConfirmCallback, builtin_tools
from membrane_pusher.pusher.transports.membrane_proxy import MembraneProxyTransport

if TYPE_CHECKING:
    from membrane_pusher.membrane.catalog import ActionCatalog
    from membrane_pusher.membrane.client import MembraneClient
    from membrane_pusher.membrane.models import Action
    from membrane_pusher.pusher.transports.base import Transport

__all__ = ["DEFAULT_INTENTS", "PusherToolkit"]

logger = logging.getLogger(__name__)

DEFAULT_INTENTS = ("trigger an event on a channel", "get channel information")


class PusherToolkit(BaseToolkit):
    """LangChain tools for one Pusher Channels app, through Membrane.

    Args:
        connection_id: The Membrane connection; found when omitted.
        intents: What to look for in the action catalog; `None` means
            `DEFAULT_INTENTS` with the membrane transport and no catalog with
            the direct one; `()` loads no catalog actions.
        app_id: The Pusher app id; env `MEMBRANE_PUSHER_APP_ID`, then
            `PUSHER_APP_ID`, when omitted.
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
        cache_ttl: Seconds a cached action list (and the found connection)
            stays fresh.
        cache_dir: Cache folder; env `MEMBRANE_PUSHER_CACHE_DIR` or the user
            cache folder when omitted.
        action_limit: The most actions per intent.
        confirm: Asked `(tool_name, arguments) -> bool` before destructive
            calls (built-in terminate and raw non-GET; catalog actions that
            destroy, such as `terminate-user-connections` or any of type
            `delete-data-record`); may be async.
        max_output_chars: Longest tool result shown to the model.
        encryption_master_key_base64: The app's end-to-end encryption master
            key (base64 of 32 bytes), needed to publish on
            `private-encrypted-` channels; env
            `PUSHER_ENCRYPTION_MASTER_KEY_BASE64` when omitted. The built-in
            tools encrypt the data here, so neither Membrane nor Pusher sees
            it; catalog tools cannot, and refuse calls that would publish to
            such a channel.

    NOTE: The secrets (`encryption_master_key_base64`, `pusher_settings`) are
    left out of `repr`, `model_dump` and pickles. A toolkit loaded from a pickle
    reads them from the environment, as one built without them would.

    NOTE: `read_only=True` keeps catalog tools whose action only reads: a
    Membrane type that reads (`list-data-records`, ...), or a generic type
    with a key that starts with a read verb and names no write
    (`list-channels`, `get-channel-info`; see
    `membrane_pusher.tools.action_kinds.action_flags`); every other action
    is left out.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    connection_id: str | None = None
    intents: Sequence[str] | None = None
    app_id: str | None = None
    client: Any = Field(default=None, exclude=True)
    transport: Literal["membrane", "direct"] = "membrane"
    pusher_settings: PusherSettings | str | None = Field(
        default=None, exclude=True, repr=False
    )
    direct_timeout: float = 10.0
    include: Collection[str] | None = None
    read_only: bool = False
    builtins: bool = True
    refresh: bool = False
    cache_ttl: float = 3600.0
    cache_dir: Path | None = None
    action_limit: int | None = None
    confirm: ConfirmCallback | None = Field(default=None, exclude=True)
    max_output_chars: int = Field(default=4000, gt=0)
    encryption_master_key_base64: str | None = Field(
        default=None, exclude=True, repr=False
    )

    @field_validator("include", mode="before")
    @classmethod
    def _names_not_letters(cls, value: Any) -> Any:
        """Refuse one string (read letter by letter) and names that are not text."""
        if isinstance(value, (str, bytes)):
            msg = f"include takes a list of tool names; write include=[{value!r}]"
            raise ValueError(msg)  # noqa: TRY004 - pydantic wants a ValueError
        if isinstance(value, Collection):
            odd = [name for name in value if not isinstance(name, str)]
            if odd:
                msg = f"include takes tool names as strings; it holds {odd[0]!r}"
                raise ValueError(msg)
        return value

    def __getstate__(self) -> dict[Any, Any]:
        """Pickle without the secrets (see the class's note)."""
        state = super().__getstate__()
        fields = dict(state["__dict__"])
        fields["pusher_settings"] = None
        fields["encryption_master_key_base64"] = None
        return {**state, "__dict__": fields}

    # ----- public API ---------------------------------------------------------

    def get_tools(self) -> list[BaseTool]:
        """Build every tool (sync).

        Raises:
            SetupError: When the CLI, the login, the connection or the
                configuration needs a person.
        """
        if not (self._intents() or self._needs_connection()):
            return self._assemble([], self.connection_id)

        connection_id, remembered = self.connection_id, False
        if connection_id is None:
            connection_id, remembered = self._find_connection()
        try:
            actions = self._load_actions(connection_id)
        except ConnectionNotReadyError:
            if not remembered:
                raise
            # The remembered connection needs the user again: look afresh.
            self._connection_cache().forget()
            connection_id, _ = self._find_connection()
            actions = self._load_actions(connection_id)
        return self._assemble(actions, connection_id)

    async def aget_tools(self) -> list[BaseTool]:
        """Build every tool, loading the intents concurrently (async)."""
        if not (self._intents() or self._needs_connection()):
            return self._assemble([], self.connection_id)

        connection_id, remembered = self.connection_id, False
        if connection_id is None:
            connection_id, remembered = await self._afind_connection()
        try:
            actions = await self._aload_actions(connection_id)
        except ConnectionNotReadyError:
            if not remembered:
                raise
            self._connection_cache().forget()
            connection_id, _ = await self._afind_connection()
            actions = await self._aload_actions(connection_id)
        return self._assemble(actions, connection_id)

    # ----- catalog ------------------------------------------------------------

    def _load_actions(self, connection_id: str) -> list[Action]:
        """Load the catalog actions of every intent (none without intents)."""
        if not self._intents():
            return []
        return self._catalog().load_intents(
            connection_id,
            list(self._intents()),
            limit=self.action_limit,
            refresh=self.refresh,
        )

    async def _aload_actions(self, connection_id: str) -> list[Action]:
        """Async twin of `_load_actions`."""
        if not self._intents():
            return []
        return await self._catalog().aload_intents(
            connection_id,
            list(self._intents()),
            limit=self.action_limit,
            refresh=self.refresh,
        )

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
                    encryption_master_key=self._encryption_master_key(),
                )
            )
        self._check_include(tools)
        kept = [tool for tool in tools if self._keeps(tool)]
        logger.debug("toolkit built %d tools (%d actions)", len(kept), len(actions))
        return kept

    def _encryption_master_key(self) -> bytes | None:
        """The master key for encrypted channels, from the field or the env."""
        if self.encryption_master_key_base64:
            return encryption.master_key_from_base64(self.encryption_master_key_base64)
        return encryption.master_key_from_env()

    def _action_tools(
        self, actions: list[Action], connection_id: str
    ) -> list[BaseTool]:
        """Convert catalog actions to tools with unique names.

        An action with a malformed `inputSchema` is left out with a warning.
        """
        from membrane_pusher.pusher.catalog_guard import (  # noqa: PLC0415
            catalog_argument_check,
        )
        from membrane_pusher.tools.action_tool import action_tool  # noqa: PLC0415
        from membrane_pusher.tools.naming import tool_name, unique_names  # noqa: PLC0415

        names = unique_names([tool_name(a) for a in actions], taken=BUILTIN_NAMES)
        client = self._tool_client()
        tools: list[BaseTool] = []
        for action, name in zip(actions, names, strict=True):
            try:
                tool = action_tool(
                    action,
                    client,
                    connection_id,
                    name=name,
                    max_output_chars=self.max_output_chars,
                    confirm=self.confirm,
                    argument_check=catalog_argument_check(action),
                )
            except ConfigurationError as error:
                # A malformed inputSchema: no call to it could ever be checked.
                logger.warning(
                    "catalog action %s left out: %s", action.key or action.id, error
                )
                continue
            tools.append(tool)
        return tools

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
            # Imported here: the default (membrane) transport never needs it.
            from membrane_pusher.pusher.transports.direct import (  # noqa: PLC0415
                DirectTransport,
            )

            settings = self.pusher_settings
            if not isinstance(settings, PusherSettings):
                settings = PusherSettings.build(app_id=self.app_id, url=settings)
            return DirectTransport(settings, timeout=self.direct_timeout)
        if connection_id is None:  # pragma: no cover - found before
            raise ConfigurationError("The membrane transport needs a connection.")
        return MembraneProxyTransport(
            self._tool_client(), connection_id, resolve_app_id(self.app_id)
        )

    # ----- connection discovery -------------------------------------------------

    def _needs_connection(self) -> bool:
        """Whether the built-in tools need a Membrane connection."""
        return self.builtins and self.transport == "membrane"

    def _find_connection(self) -> tuple[str, bool]:
        """Find the one READY Pusher connection: its id, and whether remembered."""
        cached = None if self.refresh else self._connection_cache().load()
        if cached:
            return cached, True
        connection = choose_pusher_connection(self._client().list_connections())
        self._connection_cache().store(connection.id)
        return connection.id, False

    async def _afind_connection(self) -> tuple[str, bool]:
        """Async twin of `_find_connection`."""
        cached = None if self.refresh else self._connection_cache().load()
        if cached:
            return cached, True
        connections = await self._client().alist_connections()
        connection = choose_pusher_connection(connections)
        self._connection_cache().store(connection.id)
        return connection.id, False

    def _connection_cache(self) -> ConnectionCache:
        """The remembered connection, per CLI and environment."""
        scope = getattr(self._client(), "cache_scope", "default")
        folder = paths.cache_dir() if self.cache_dir is None else Path(self.cache_dir)
        return ConnectionCache(folder, scope, self.cache_ttl)

    def _tool_client(self) -> Any:
        """The client the tools call.

        With a discovered connection, a call that finds it not READY forgets
        the remembered id, so the next build looks for the connection again.
        """
        if self.connection_id is not None:
            return self._client()
        return ForgetfulClient(self._client(), self._connection_cache())

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

    def _catalog(self) -> ActionCatalog:
        """The action catalog over the client, with this toolkit's cache."""
        from membrane_pusher.membrane.catalog import ActionCatalog  # noqa: PLC0415

        return ActionCatalog(
            self._client(), cache_dir=self.cache_dir, ttl=self.cache_ttl
        )
