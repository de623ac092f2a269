"""Run soketi, the local Pusher-protocol server of the sandbox, on loopback only.

`SoketiServer` starts one server with free ports chosen at start. Every launch
sets the variables that keep soketi off the network: without
`SOKETI_CLUSTER_UNICAST_ADDRESSES` it broadcasts UDP to 255.255.255.255 every
half second, and without the metrics host its metrics port listens on every
interface. A JSON config file also binds the cluster's UDP socket to
127.0.0.1 (soketi has no variable for that address); it and the log are
owner-only files (0600) in an owner-only run folder (0700), and temporary run
folders left by killed runs are removed at start
(`membrane_pusher.sandbox.run_folders`). Installation lives in
`membrane_pusher.sandbox.install`, ports and process stopping in
`membrane_pusher.sandbox.processes`.

An attached server also stops by itself when the program that started it is
gone, however it ended (even `kill -9`): a few lines of JavaScript loaded
before soketi (`server/parent-watch.cjs`) check twice a second that the
parent process still exists. That was chosen over `prctl(PR_SET_PDEATHSIG)`,
which needs a `preexec_fn` (unsafe with threads) and fires when the *thread*
that started the server ends, so a sandbox started from a worker thread
(`async with Sandbox()`) would lose its server at once.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn, Self

import httpx

from membrane_pusher.sandbox.files import write_json_atomic
from membrane_pusher.sandbox.install import (
    NODE_HINT,
    SandboxError,
    default_install_dir,
    is_installed,
    require_node,
    server_script,
)
from membrane_pusher.sandbox.interrupts import deferred_interrupts
from membrane_pusher.sandbox.processes import LOOPBACK, free_ports, stop_owned
from membrane_pusher.sandbox.run_folders import (
    SOKETI_FOLDER_PREFIX,
    make_run_folder,
    private_folder,
    record_process,
)

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "DEFAULT_APP_ID",
    "DEFAULT_APP_KEY",
    "LOOPBACK",
    "PARENT_PID_ENV",
    "SoketiServer",
    "new_secret",
]

logger = logging.getLogger(__name__)

DEFAULT_APP_ID = "12345"
DEFAULT_APP_KEY = "sandbox-key"

PARENT_PID_ENV = "MEMBRANE_PUSHER_PARENT_PID"
"""Set for an attached server: the process whose end stops it."""

_PARENT_WATCH = Path(__file__).with_name("server") / "parent-watch.cjs"
_LOG_TAIL_CHARS = 2000


def new_secret() -> str:
    """Return a fresh app secret (never valid JSON, which soketi would parse)."""
    return f"sk-{secrets.token_hex(16)}"


# Strong references: a server dropped without stop() is still stopped at exit.
# Every launched server is here until stopped, or released (`sandbox up`).
_RUNNING: set[SoketiServer] = set()


@atexit.register
def _stop_leftovers() -> None:
    """Stop servers a program forgot to stop (or never released) before exiting."""
    for server in list(_RUNNING):
        server.stop()


class SoketiServer:
    """One soketi process on 127.0.0.1, with free ports chosen at start.

    Use it as a context manager, or call `start()` and `stop()`. An attached
    server (the default) stays in the caller's process group, so Ctrl-C in a
    terminal reaches it too, and is stopped at interpreter exit; a detached
    one gets its own session and outlives the caller once `release()`d
    (`sandbox up`), and is stopped at exit like any other until then.

    A failure or Ctrl-C during `start()` stops the launched process and
    removes the temporary run folder before the exception leaves `start()`.
    """

    def __init__(
        self,
        *,
        install_dir: Path | None = None,
        run_dir: Path | None = None,
        app_id: str = DEFAULT_APP_ID,
        key: str = DEFAULT_APP_KEY,
        secret: str | None = None,
        ready_timeout: float = 30.0,
        stop_grace: float = 3.0,
        detached: bool = False,
    ) -> None:
        """Prepare a server; nothing starts until `start()`.

        Args:
            install_dir: Where soketi is installed; `default_install_dir()`.
            run_dir: Folder for the config file and the log; a temporary one
                (removed at stop) when omitted.
            app_id: The numeric app id.
            key: The app key.
            secret: The app secret; a random one when omitted.
            ready_timeout: Seconds to wait for `GET /ready`.
            stop_grace: Seconds between SIGTERM and SIGKILL.
            detached: Start in a new session and keep running after exit.
        """
        self.install_dir = default_install_dir() if install_dir is None else install_dir
        self.app_id = app_id
        self.key = key
        self.secret = new_secret() if secret is None else secret
        self.ready_timeout = ready_timeout
        self.stop_grace = stop_grace
        self.detached = detached
        self.port = 0
        self.metrics_port = 0
        self.cluster_port = 0
        self.started_in: float | None = None
        self._run_dir = run_dir
        self._own_run_dir = False
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return None if self._process is None else self._process.pid

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def base_url(self) -> str:
        """The HTTP base URL, for example `http://127.0.0.1:40123`."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def ws_url(self) -> str:
        """The WebSocket base URL, for example `ws://127.0.0.1:40123`."""
        return f"ws://{LOOPBACK}:{self.port}"

    @property
    def run_dir(self) -> Path | None:
        """The folder holding the config file and the log."""
        return self._run_dir

    @run_dir.setter
    def run_dir(self, folder: Path) -> None:
        if self.running:
            raise SandboxError("cannot move the run folder of a running server")
        self._run_dir = folder
        self._own_run_dir = False

    @property
    def log_path(self) -> Path | None:
        """The server's log file (stdout and stderr)."""
        return None if self._run_dir is None else self._run_dir / "soketi.log"

    def launch_env(self) -> dict[str, str]:
        """Return the `SOKETI_*` variables of this server (ports set at start)."""
        return {
            "SOKETI_HOST": LOOPBACK,
            "SOKETI_PORT": str(self.port),
            "SOKETI_METRICS_HOST": LOOPBACK,
            "SOKETI_METRICS_SERVER_PORT": str(self.metrics_port),
            "SOKETI_CLUSTER_UNICAST_ADDRESSES": LOOPBACK,
            "SOKETI_CLUSTER_PORT": str(self.cluster_port),
            "SOKETI_DEFAULT_APP_ID": self.app_id,
            "SOKETI_DEFAULT_APP_KEY": self.key,
            "SOKETI_DEFAULT_APP_SECRET": self.secret,
            "SOKETI_DEFAULT_APP_ENABLE_CLIENT_MESSAGES": "true",
            "SOKETI_DEFAULT_APP_USER_AUTHENTICATION": "true",
            "SOKETI_USER_AUTHENTICATION_TIMEOUT": "3600000",
            "SOKETI_EVENT_MAX_SIZE_IN_KB": "10",
            "SOKETI_SHUTDOWN_GRACE_PERIOD": "0",
        }

    def start(self) -> Self:
        """Start the server and wait until `GET /ready` answers.

        Raises:
            SandboxError: soketi is not installed, Node is unsupported, or the
                server exited or was not ready in time (the log tail is shown).
        """
        if self.running:
            return self
        if not is_installed(self.install_dir):
            raise SandboxError(
                f"soketi is not installed in {self.install_dir}.",
                hint="Run `membrane-pusher sandbox install` (needs Node and npm).",
            )
        node = require_node()

        argv = [node]
        if not self.detached:
            argv += ["--require", str(_PARENT_WATCH)]
        argv += [str(server_script(self.install_dir)), "start", "--config=config.json"]
        started = time.monotonic()
        try:
            self._prepare_run_dir()
            self.port, self.metrics_port, self.cluster_port = free_ports(3)
            with deferred_interrupts():
                self._launch(argv)
                _RUNNING.add(self)
            self._wait_ready(started)
        except BaseException:
            # Ctrl-C or a failure before ready: nothing we launched may stay.
            self.stop()
            raise
        self.started_in = time.monotonic() - started

        logger.info(
            "soketi ready on %s in %.2f s (pid %s)",
            self.base_url,
            self.started_in,
            self.pid,
        )
        return self

    def _prepare_run_dir(self) -> None:
        """Create the run folder (0700) and the config file (0600) in it.

        The config pins the cluster's UDP address. A temporary folder records
        this process, and run folders left by killed runs are removed first.
        """
        if self._run_dir is None:
            self._run_dir = make_run_folder(SOKETI_FOLDER_PREFIX)
            self._own_run_dir = True
        private_folder(self._run_dir)
        config = {"cluster.address": LOOPBACK}
        write_json_atomic(self._run_dir / "config.json", config)

    def _launch(self, argv: list[str]) -> None:
        """Start the process with a clean `SOKETI_*` environment."""
        assert self._run_dir is not None  # noqa: S101 - set by _prepare_run_dir
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOKETI_")}
        env.update(self.launch_env())
        if not self.detached:
            env[PARENT_PID_ENV] = str(os.getpid())
        logger.debug("starting soketi: %s", argv)

        # The log stays open in our process too; the child has its own copy.
        log_flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        self._log = os.fdopen(
            os.open(self._run_dir / "soketi.log", log_flags, 0o600), "ab"
        )
        self._process = subprocess.Popen(
            argv,
            cwd=self._run_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=self.detached,
        )
        if self._own_run_dir:
            # A detached server outlives us: its folder is in use while it runs.
            record_process(self._run_dir, self._process.pid)

    def _wait_ready(self, started: float) -> None:
        """Poll `GET /ready` until it answers, the process dies, or time runs out."""
        deadline = started + self.ready_timeout
        with httpx.Client(trust_env=False, timeout=1.0) as http:
            while time.monotonic() < deadline:
                if not self.running:
                    self._fail("soketi exited before it was ready")
                with contextlib.suppress(httpx.HTTPError):
                    if http.get(f"{self.base_url}/ready").status_code == httpx.codes.OK:
                        return
                time.sleep(0.05)
        self._fail(f"soketi was not ready within {self.ready_timeout:.0f} s")

    def _fail(self, what: str) -> NoReturn:
        """Stop the server and raise with the end of its log."""
        log = self.read_log()[-_LOG_TAIL_CHARS:].strip()
        self.stop()
        raise SandboxError(f"{what}. Log: {log or '(empty)'}", hint=NODE_HINT)

    def read_log(self) -> str:
        """Return the server's log so far (empty when there is none)."""
        path = self.log_path
        if path is None or not path.is_file():
            return ""
        return path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Stop the server by its own process id; a no-op when not running.

        Ctrl-C is held back until the process is stopped and reaped.
        """
        with deferred_interrupts():
            process, self._process = self._process, None
            _RUNNING.discard(self)
            if process is not None:
                stop_owned(process, self.stop_grace)
            if self._log is not None:
                self._log.close()
                self._log = None
            if self._own_run_dir and self._run_dir is not None:
                shutil.rmtree(self._run_dir, ignore_errors=True)
                self._run_dir = None
                self._own_run_dir = False

    def release(self) -> None:
        """Forget a detached process without stopping it (it keeps running)."""
        _RUNNING.discard(self)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._process is not None:
            # Marking it finished stops Popen from warning at garbage collection;
            # whoever stops it later reaps it through `stop_process`.
            self._process.returncode = 0
        self._process = None

    def __enter__(self) -> Self:
        """Start the server."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server."""
        self.stop()
