"""`Sandbox`: a local soketi plus a `membrane` stand-in wired to it.

The stand-in's workspace holds one READY Pusher connection whose `upstream` is
the soketi server, so `membrane request ...` through the stand-in reaches a
real Pusher-protocol server with Pusher's signing, as Membrane's connector
would. Nothing needs an account or the network; all traffic stays on 127.0.0.1.

```python
from membrane_pusher.sandbox.sandbox import Sandbox

with Sandbox() as sandbox:
    toolkit = sandbox.toolkit()  # PusherToolkit over the stand-in
    async with sandbox.subscriber() as sub:  # in async code
        await sub.subscribe("deploys")
```

Async code may also write `async with Sandbox() as sandbox:`; the blocking
start (about one second) then runs in a worker thread. `with Sandbox()` in the
main thread also stops the sandbox on SIGTERM and SIGHUP (as on Ctrl-C);
`async with` leaves signal handling to the event loop's owner. Either way,
soketi ends by itself when the program that started it is gone.

NOTE: `start()` does not install soketi unless `install=True`; run
`membrane-pusher sandbox install` (or `install_soketi()`) once beforehand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from typing import TYPE_CHECKING, Any, Self

from membrane_pusher.sandbox.install import (
    SandboxError,
    default_install_dir,
    install_soketi,
)
from membrane_pusher.sandbox.interrupts import (
    deferred_interrupts,
    signals_as_interrupts,
)
from membrane_pusher.sandbox.processes import LOOPBACK
from membrane_pusher.sandbox.run_folders import (
    SANDBOX_FOLDER_PREFIX,
    make_run_folder,
    record_process,
)
from membrane_pusher.sandbox.soketi import (
    DEFAULT_APP_ID,
    DEFAULT_APP_KEY,
    SoketiServer,
)
from membrane_pusher.sandbox.standin.defaults import PUSHER_CONNECTION_ID
from membrane_pusher.sandbox.subscriber import PusherSubscriber

if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType

    from membrane_pusher.membrane.client import MembraneClient
    from membrane_pusher.pusher.config import PusherSettings
    from membrane_pusher.pusher.toolkit import PusherToolkit
    from membrane_pusher.sandbox.standin.workspace import StandinWorkspace

__all__ = ["SANDBOX_CONNECTION_ID", "Sandbox"]

logger = logging.getLogger(__name__)

SANDBOX_CONNECTION_ID = PUSHER_CONNECTION_ID
"""The READY Pusher connection of the sandbox's stand-in workspace."""


class Sandbox:
    """soketi on a free loopback port and a stand-in workspace pointing at it."""

    def __init__(
        self,
        *,
        root: Path | None = None,
        install_dir: Path | None = None,
        install: bool = False,
        app_id: str = DEFAULT_APP_ID,
        key: str = DEFAULT_APP_KEY,
        secret: str | None = None,
        ready_timeout: float = 30.0,
        detached: bool = False,
    ) -> None:
        """Prepare a sandbox; nothing starts until `start()`.

        Args:
            root: Folder for the workspace and the server's log; a temporary
                folder (removed at stop, or by a later start when this
                process is killed) when omitted.
            install_dir: Where soketi is installed; `default_install_dir()`.
            install: Install soketi first when it is missing (runs `npm ci`).
            app_id: The numeric Pusher app id.
            key: The app key.
            secret: The app secret; a random one per sandbox when omitted.
            ready_timeout: Seconds to wait for soketi's `/ready`.
            detached: Start soketi in its own session, to outlive this process.
        """
        self.install_dir = default_install_dir() if install_dir is None else install_dir
        self.install = install
        self._root = root
        self._own_root = root is None
        self.server = SoketiServer(
            install_dir=self.install_dir,
            app_id=app_id,
            key=key,
            secret=secret,
            ready_timeout=ready_timeout,
            detached=detached,
        )
        self.connection_id = SANDBOX_CONNECTION_ID
        self._workspace: StandinWorkspace | None = None
        self._signals = contextlib.ExitStack()

    @property
    def app_id(self) -> str:
        """The Pusher app id."""
        return self.server.app_id

    @property
    def key(self) -> str:
        """The app key."""
        return self.server.key

    @property
    def secret(self) -> str:
        """The app secret."""
        return self.server.secret

    @property
    def host(self) -> str:
        """The server's host: always 127.0.0.1."""
        return LOOPBACK

    @property
    def port(self) -> int:
        """The server's HTTP and WebSocket port."""
        return self.server.port

    @property
    def base_url(self) -> str:
        """The server's HTTP base URL."""
        return self.server.base_url

    @property
    def ws_url(self) -> str:
        """The server's WebSocket base URL."""
        return self.server.ws_url

    @property
    def root(self) -> Path:
        """The sandbox folder (workspace and log)."""
        if self._root is None:
            raise SandboxError("the sandbox is not started", hint="Call start() first.")
        return self._root

    @property
    def workspace(self) -> StandinWorkspace:
        """The stand-in workspace (write faults, read recorded calls)."""
        if self._workspace is None:
            raise SandboxError("the sandbox is not started", hint="Call start() first.")
        return self._workspace

    @property
    def started(self) -> bool:
        """Whether `start()` has run and `stop()` has not run since."""
        return self._workspace is not None or self.server.running

    @property
    def started_in(self) -> float | None:
        """Seconds soketi took to become ready."""
        return self.server.started_in

    def upstream(self) -> dict[str, str]:
        """Return the stand-in's `upstream` entry: where and how to forward."""
        return {
            "base_url": self.base_url,
            "app_id": self.app_id,
            "key": self.key,
            "secret": self.secret,
        }

    def start(self) -> Self:
        """Install (when asked), start soketi, and write the stand-in workspace.

        A sandbox starts once: a second `start()` (or a nested `with` or
        `async with` on the same sandbox) is refused and leaves the running
        sandbox exactly as it was. After `stop()` it may be started again.

        On any failure, Ctrl-C included, everything started so far is
        stopped and the temporary folder removed before the error propagates.

        Raises:
            SandboxError: the sandbox is already started, or soketi is
                missing or could not start.
        """
        self._refuse_if_started()
        try:
            if self.install:
                install_soketi(self.install_dir)
            if self._root is None:
                self._root = make_run_folder(SANDBOX_FOLDER_PREFIX)
            self.server.run_dir = self._root / "soketi"
            self.server.start()
            if self._own_root and self.server.pid is not None:
                record_process(self._root, self.server.pid)
            self._workspace = self._write_workspace(self._root / "workspace")
        except BaseException:
            self.stop()
            raise
        return self

    def _refuse_if_started(self) -> None:
        """Raise before anything changes when this sandbox already runs.

        Going on would stop the running sandbox on the way out of the failed
        start, so the refusal has to come first.
        """
        if not self.started:
            return

        raise SandboxError(
            "this sandbox is already started; use it, or stop() it first",
            hint="Start a sandbox once (one `with` block or one start() call).",
        )

    def _write_workspace(self, home: Path) -> StandinWorkspace:
        """Write the default stand-in workspace with soketi as its upstream."""
        from membrane_pusher.sandbox.standin.workspace import (  # noqa: PLC0415
            StandinWorkspace,
            default_workspace,
        )

        data = default_workspace()
        data["upstream"] = self.upstream()
        workspace = StandinWorkspace(home)
        workspace.write(data)
        return workspace

    def stop(self) -> None:
        """Stop soketi and remove the temporary folder (if this sandbox made it).

        Ctrl-C is held back until both are done.
        """
        with deferred_interrupts():
            self.server.stop()
            if self._own_root and self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None
            self._workspace = None

    def env(self) -> dict[str, str]:
        """Return the variables that point a process at the sandbox.

        `MEMBRANE_CLI` and `MEMBRANE_STANDIN_HOME` select the stand-in;
        `PUSHER_APP_ID` is the app the tools address.
        """
        return self.workspace.env(app_id=self.app_id)

    def client(self, **kwargs: Any) -> MembraneClient:
        """Return a `MembraneClient` that runs the stand-in of this sandbox."""
        return self.workspace.client(**kwargs)

    def toolkit(self, **kwargs: Any) -> PusherToolkit:
        """Return a `PusherToolkit` over the stand-in (the Membrane transport).

        Keyword arguments go to `PusherToolkit`; the client, the connection
        id and the app id default to this sandbox's, and so do the direct
        settings with `transport="direct"`.
        """
        from membrane_pusher.pusher.toolkit import PusherToolkit  # noqa: PLC0415

        kwargs.setdefault("client", self.client())
        kwargs.setdefault("connection_id", self.connection_id)
        kwargs.setdefault("app_id", self.app_id)
        if kwargs.get("transport") == "direct":
            kwargs.setdefault("pusher_settings", self.direct_settings())
        return PusherToolkit(**kwargs)

    def direct_settings(self) -> PusherSettings:
        """Return settings for the direct transport (signing in-process)."""
        from membrane_pusher.pusher.config import PusherSettings  # noqa: PLC0415

        return PusherSettings(
            app_id=self.app_id,
            key=self.key,
            secret=self.secret,
            host=LOOPBACK,
            port=self.port,
            use_tls=False,
        )

    def subscriber(self, **kwargs: Any) -> PusherSubscriber:
        """Return an unconnected `PusherSubscriber` for this sandbox's app.

        Use it as `async with sandbox.subscriber() as sub:`.
        """
        return PusherSubscriber(self.ws_url, self.key, self.secret, **kwargs)

    def __enter__(self) -> Self:
        """Start the sandbox; until the block ends, SIGTERM and SIGHUP stop it too.

        In the main thread, SIGTERM and SIGHUP raise a `KeyboardInterrupt`
        for the length of the block (see `signals_as_interrupts`), so the
        sandbox is stopped as on Ctrl-C instead of outliving the program.

        Raises:
            SandboxError: the sandbox is already started (a nested `with`);
                the outer block keeps it running and keeps its signals.
        """
        self._refuse_if_started()
        self._signals.enter_context(signals_as_interrupts())
        try:
            return self.start()
        except BaseException:
            self._signals.close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the sandbox and give the signals their previous handlers back."""
        try:
            self.stop()
        finally:
            self._signals.close()

    async def __aenter__(self) -> Self:
        """Start the sandbox in a worker thread.

        Raises:
            SandboxError: the sandbox is already started (a nested
                `async with`); the outer block keeps it running.
        """
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the sandbox in a worker thread."""
        await asyncio.to_thread(self.stop)
