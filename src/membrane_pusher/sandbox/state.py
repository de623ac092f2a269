"""The detached sandbox behind `membrane-pusher sandbox up|status|down`.

`sandbox_up()` starts soketi in its own session, writes the stand-in workspace,
and records everything needed to find and stop it again in a state file
(`sandbox.json` in the user state dir, or `MEMBRANE_PUSHER_STATE_DIR`).
`sandbox_status()` reads it back and checks the process and `/ready`;
`sandbox_down()` stops the process by its recorded id and removes the state.

A process is only ever touched when both its id and its start time match the
state file, so a recycled process id is never killed. A state file whose
process is gone is stale: it is cleaned up and `up` starts afresh. A running
sandbox that answers `/ready` is reused; one that does not is refused with a
clear message.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import platformdirs
import psutil

from membrane_pusher.sandbox.interrupts import deferred_interrupts
from membrane_pusher.sandbox.sandbox import SANDBOX_CONNECTION_ID, Sandbox
from membrane_pusher.sandbox.soketi import SandboxError, stop_process

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = [
    "SandboxState",
    "SandboxStatus",
    "sandbox_down",
    "sandbox_status",
    "sandbox_up",
    "state_dir",
]

logger = logging.getLogger(__name__)

_STATE_FORMAT = 1
_STATE_FILE = "sandbox.json"


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """Return the folder of the detached sandbox's state.

    `MEMBRANE_PUSHER_STATE_DIR` when set, else the user state dir.
    """
    source = os.environ if env is None else env
    configured = source.get("MEMBRANE_PUSHER_STATE_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_state_dir("membrane-pusher"))


@dataclass(frozen=True)
class SandboxState:
    """What `sandbox up` recorded about the running sandbox."""

    pid: int
    create_time: float
    port: int
    metrics_port: int
    cluster_port: int
    app_id: str
    key: str
    secret: str
    workspace: str
    log_path: str
    started_at: float
    start_seconds: float
    connection_id: str = SANDBOX_CONNECTION_ID
    format: int = _STATE_FORMAT

    @property
    def base_url(self) -> str:
        """The server's HTTP base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        """The server's WebSocket base URL."""
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pids(self) -> list[int]:
        """Every process the sandbox started (soketi only: the stand-in is per call)."""
        return [self.pid]

    def env(self) -> dict[str, str]:
        """Return the variables that point a process at this sandbox."""
        from membrane_pusher.sandbox.standin.workspace import (  # noqa: PLC0415
            StandinWorkspace,
        )

        workspace = StandinWorkspace(Path(self.workspace))
        return {**workspace.env(), "PUSHER_APP_ID": self.app_id}

    def to_dict(self, *, include_secret: bool = False) -> dict[str, Any]:
        """Return the state as a JSON object (the secret masked by default)."""
        data = asdict(self)
        if not include_secret:
            data["secret"] = "***"  # noqa: S105 - a mask, not a password
        return {**data, "base_url": self.base_url, "ws_url": self.ws_url}


@dataclass(frozen=True)
class SandboxStatus:
    """The answer of `sandbox_up`, `sandbox_status` and `sandbox_down`."""

    running: bool
    ready: bool
    message: str
    state: SandboxState | None = None
    reused: bool = False
    stopped: bool = False
    state_file: str = field(default="")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON object (the secret masked)."""
        return {
            "running": self.running,
            "ready": self.ready,
            "reused": self.reused,
            "stopped": self.stopped,
            "message": self.message,
            "state_file": self.state_file,
            "state": None if self.state is None else self.state.to_dict(),
        }


def sandbox_up(*, install: bool = True, ready_timeout: float = 30.0) -> SandboxStatus:
    """Start the detached sandbox, or reuse the one already running.

    Args:
        install: Install soketi first when it is missing (runs `npm ci`).
        ready_timeout: Seconds to wait for soketi's `/ready`.

    Raises:
        SandboxError: The state file is unreadable, or a recorded sandbox is
            running but not ready, or soketi could not start.
    """
    folder = state_dir()
    with _locked(folder):
        current = _read_state(folder)
        if current is not None:
            status = _check(current, folder)
            if status.ready:
                return replace(
                    status, reused=True, message="reusing the running sandbox"
                )
            if status.running:
                raise SandboxError(
                    f"a sandbox is running (pid {current.pid}) but not ready.",
                    hint="Run `membrane-pusher sandbox down`, then `up` again.",
                )
            logger.info("removing stale sandbox state (pid %s is gone)", current.pid)
            _remove_state(folder)

        state = _start_detached(folder, install=install, ready_timeout=ready_timeout)
        return SandboxStatus(
            running=True,
            ready=True,
            message=f"sandbox ready in {state.start_seconds:.2f} s",
            state=state,
            state_file=str(folder / _STATE_FILE),
        )


def sandbox_status() -> SandboxStatus:
    """Report whether the detached sandbox runs and answers `/ready`.

    Raises:
        SandboxError: The state file is unreadable, or the state folder can
            never hold one (a sandbox could not have been recorded there).
    """
    folder = state_dir()
    _require_usable(folder)
    state = _read_state(folder)
    if state is None:
        return SandboxStatus(
            running=False,
            ready=False,
            message="no sandbox is running",
            state_file=str(folder / _STATE_FILE),
        )
    return _check(state, folder)


def sandbox_down(*, grace: float = 3.0) -> SandboxStatus:
    """Stop the detached sandbox by its recorded process id and remove its state.

    Raises:
        SandboxError: The state file is unreadable.
    """
    folder = state_dir()
    with _locked(folder):
        state = _read_state(folder)
        if state is None:
            return SandboxStatus(
                running=False,
                ready=False,
                message="no sandbox was running",
                state_file=str(folder / _STATE_FILE),
            )

        stopped = stop_process(state.pid, create_time=state.create_time, grace=grace)
        _remove_state(folder)
        message = (
            f"stopped soketi (pid {state.pid})" if stopped else "removed stale state"
        )
        logger.info("%s", message)
        return SandboxStatus(
            running=False,
            ready=False,
            message=message,
            state=state,
            stopped=stopped,
            state_file=str(folder / _STATE_FILE),
        )


def _start_detached(
    folder: Path, *, install: bool, ready_timeout: float
) -> SandboxState:
    """Start soketi in a new session, write the workspace and the state file.

    Until the state file is written, any failure or Ctrl-C stops the launched
    server and removes the partial state, so nothing runs unrecorded.
    """
    root = folder / "sandbox"
    shutil.rmtree(root, ignore_errors=True)
    sandbox = Sandbox(
        root=root, install=install, ready_timeout=ready_timeout, detached=True
    )
    try:
        sandbox.start()
        state = _describe(sandbox)
        _write_state(folder, state)
    except BaseException:
        with deferred_interrupts():
            sandbox.stop()
            _remove_state(folder)
        raise
    sandbox.server.release()
    return state


def _describe(sandbox: Sandbox) -> SandboxState:
    """Return the state record of a started detached sandbox."""
    server = sandbox.server
    if server.pid is None:
        raise SandboxError("soketi stopped right after it started")
    return SandboxState(
        pid=server.pid,
        create_time=psutil.Process(server.pid).create_time(),
        port=server.port,
        metrics_port=server.metrics_port,
        cluster_port=server.cluster_port,
        app_id=sandbox.app_id,
        key=sandbox.key,
        secret=sandbox.secret,
        workspace=str(sandbox.workspace.path),
        log_path=str(server.log_path),
        started_at=time.time(),
        start_seconds=server.started_in or 0.0,
    )


def _check(state: SandboxState, folder: Path) -> SandboxStatus:
    """Check that the recorded process is ours and alive, and that it is ready."""
    running = _is_ours(state)
    ready = running and _answers_ready(state)
    if ready:
        message = f"sandbox ready on {state.base_url} (pid {state.pid})"
    elif running:
        message = f"sandbox process {state.pid} runs but /ready does not answer"
    else:
        message = f"stale state: process {state.pid} is gone"
    return SandboxStatus(
        running=running,
        ready=ready,
        message=message,
        state=state,
        state_file=str(folder / _STATE_FILE),
    )


def _is_ours(state: SandboxState) -> bool:
    """Whether the recorded pid is still the soketi process we started."""
    try:
        process = psutil.Process(state.pid)
        same_start = abs(process.create_time() - state.create_time) <= 1
        alive = process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
    return bool(same_start and alive)


def _answers_ready(state: SandboxState) -> bool:
    """Whether `GET /ready` answers 200 right now."""
    try:
        with httpx.Client(trust_env=False, timeout=2.0) as http:
            answer = http.get(f"{state.base_url}/ready")
    except httpx.HTTPError:
        return False
    return answer.status_code == httpx.codes.OK


def _read_state(folder: Path) -> SandboxState | None:
    """Read the state file; None when there is none.

    Raises:
        SandboxError: The file exists but is not a state file of this version.
    """
    path = folder / _STATE_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        state = SandboxState(**data) if data.get("format") == _STATE_FORMAT else None
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise _foreign_state(path, str(exc)) from exc
    if state is None:
        raise _foreign_state(path, "unknown format")
    return state


def _foreign_state(path: Path, reason: str) -> SandboxError:
    """Return the error for a state file this version cannot use."""
    return SandboxError(
        f"the sandbox state file {path} is unreadable or not ours ({reason}).",
        hint="Stop any soketi you started yourself, delete the file, and retry.",
    )


def _write_state(folder: Path, state: SandboxState) -> None:
    """Write the state file atomically, readable by the user only."""
    path = folder / _STATE_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(state), indent=2), encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)


def _remove_state(folder: Path) -> None:
    """Delete the state file and the sandbox folder."""
    (folder / _STATE_FILE).unlink(missing_ok=True)
    shutil.rmtree(folder / "sandbox", ignore_errors=True)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the state folder's lock, so two `up`/`down` calls never interleave."""
    _require_usable(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = (folder / ".lock").open("w")
    except OSError as error:
        raise _unusable(folder, error.strerror or str(error)) from error
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _require_usable(folder: Path) -> None:
    """Refuse a state folder that cannot be created or written.

    The nearest existing ancestor must be a writable folder: a path under a
    regular file (or on a read-only file system) can never hold the state.
    """
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise _unusable(folder, f"{existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise _unusable(folder, f"{existing} is not writable")


def _unusable(folder: Path, reason: str) -> SandboxError:
    """The error for a state folder that cannot be used."""
    return SandboxError(
        f"cannot use the sandbox state folder {folder}: {reason}.",
        hint=(
            "Set MEMBRANE_PUSHER_STATE_DIR (or XDG_STATE_HOME) to a writable "
            "folder; the sandbox records its process there."
        ),
    )
