"""The detached sandbox behind `membrane-pusher sandbox up|status|down`.

`sandbox_up()` starts soketi in its own session, writes the stand-in workspace,
and records everything needed to find and stop it again in a state file
(`sandbox.json` in the user state dir, or `MEMBRANE_PUSHER_STATE_DIR`; see
`membrane_pusher.sandbox.state_file`). `sandbox_status()` reads it back and
checks the process and `/ready`; `sandbox_down()` stops the process by its
recorded id and removes the state.

A process is only ever touched when both its id and its start time match the
state file, so a recycled process id is never killed. A state file whose
process is gone is stale: it is cleaned up and `up` starts afresh. A running
sandbox that answers `/ready` is reused; one that does not is refused with a
clear message.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

# Unused by name, but required up front: a missing `sandbox` extra is then
# reported as such, instead of the process checks below silently degrading to
# a check of the pid alone.
import psutil  # noqa: F401

from membrane_pusher.paths import state_dir
from membrane_pusher.sandbox.install import SandboxError
from membrane_pusher.sandbox.interrupts import deferred_interrupts
from membrane_pusher.sandbox.processes import (
    boot_id,
    command_line_mentions,
    is_same_process,
    process_start_time,
    stop_process,
)
from membrane_pusher.sandbox.sandbox import Sandbox
from membrane_pusher.sandbox.state_file import SandboxState, StateFolder

__all__ = [
    "SandboxState",
    "SandboxStatus",
    "sandbox_down",
    "sandbox_status",
    "sandbox_up",
    "state_dir",
]

logger = logging.getLogger(__name__)

_STALE_HINT = (
    "Run `membrane-pusher sandbox down` to clear it, or `membrane-pusher sandbox up` "
    "to start a new sandbox."
)


@dataclass(frozen=True)
class SandboxStatus:
    """The answer of `sandbox_up`, `sandbox_status` and `sandbox_down`.

    Attributes:
        running: Whether the recorded soketi process is alive.
        ready: Whether it answers `/ready`.
        message: One line for people.
        state: The recorded state, when there is one.
        reused: `up` found a ready sandbox and kept it.
        stopped: `down` stopped a process.
        state_file: Where the state is (or would be) recorded.
        hint: What to do next, when something is wrong.
        answered_by_another: The recorded process is gone, yet a server
            answers on its port (the record must then be kept).
    """

    running: bool
    ready: bool
    message: str
    state: SandboxState | None = None
    reused: bool = False
    stopped: bool = False
    state_file: str = field(default="")
    hint: str = ""
    answered_by_another: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON object (the secret masked)."""
        return {
            "running": self.running,
            "ready": self.ready,
            "reused": self.reused,
            "stopped": self.stopped,
            "message": self.message,
            "hint": self.hint,
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
            running but not ready, or a server answers on the recorded port
            while the recorded process is gone, or soketi could not start.
    """
    folder = StateFolder()
    with folder.locked():
        current = folder.read()
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
            if status.answered_by_another:
                raise _unknown_server(current, folder)
            logger.info("removing stale sandbox state (pid %s is gone)", current.pid)
            folder.remove()

        state = _start_detached(folder, install=install, ready_timeout=ready_timeout)
        return SandboxStatus(
            running=True,
            ready=True,
            message=f"sandbox ready in {state.start_seconds:.2f} s",
            state=state,
            state_file=str(folder.state_file),
        )


def sandbox_status() -> SandboxStatus:
    """Report whether the detached sandbox runs and answers `/ready`.

    Raises:
        SandboxError: The state file is unreadable, or the state folder can
            never hold one (a sandbox could not have been recorded there).
    """
    folder = StateFolder()
    folder.require_usable()
    state = folder.read()
    if state is None:
        return SandboxStatus(
            running=False,
            ready=False,
            message="no sandbox is running",
            state_file=str(folder.state_file),
            hint="Start one with `membrane-pusher sandbox up`.",
        )
    return _check(state, folder)


def sandbox_down(*, grace: float = 3.0) -> SandboxStatus:
    """Stop the detached sandbox by its recorded process id and remove its state.

    Raises:
        SandboxError: The state file is unreadable, or a server still answers
            on the recorded port while the recorded process is gone (the
            record is then kept).
    """
    folder = StateFolder()
    with folder.locked():
        state = folder.read()
        if state is None:
            return SandboxStatus(
                running=False,
                ready=False,
                message="no sandbox was running",
                state_file=str(folder.state_file),
            )

        stopped = _is_ours(state) and stop_process(
            state.pid, create_time=state.create_time, grace=grace
        )
        if not stopped and _answers_ready(state):
            raise _unknown_server(state, folder)
        folder.remove()
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
            state_file=str(folder.state_file),
        )


def _start_detached(
    folder: StateFolder, *, install: bool, ready_timeout: float
) -> SandboxState:
    """Start soketi in a new session, write the workspace and the state file.

    Until the state file is written, any failure or Ctrl-C stops the launched
    server and removes the partial state, so nothing runs unrecorded.
    """
    folder.remove()
    sandbox = Sandbox(
        root=folder.claim_sandbox_root(),
        install=install,
        ready_timeout=ready_timeout,
        detached=True,
    )
    try:
        sandbox.start()
        state = _describe(sandbox)
        folder.write(state)
    except BaseException:
        with deferred_interrupts():
            sandbox.stop()
            folder.remove()
        raise
    sandbox.server.release()
    return state


def _unknown_server(state: SandboxState, folder: StateFolder) -> SandboxError:
    """The error for a recorded port that answers while its process is not ours.

    The record is kept: removing it would leave that server running with
    nothing left to find it by.
    """
    return SandboxError(
        f"a server still answers on {state.base_url}, but process {state.pid} "
        "is not the one the sandbox recorded, so it was not stopped.",
        hint=(
            f"Stop whatever listens on port {state.port} yourself, then run "
            f"`membrane-pusher sandbox down` again (the record: {folder.state_file})."
        ),
    )


def _describe(sandbox: Sandbox) -> SandboxState:
    """Return the state record of a started detached sandbox."""
    server = sandbox.server
    create_time = None if server.pid is None else process_start_time(server.pid)
    if server.pid is None or create_time is None:
        raise SandboxError("soketi stopped right after it started")
    return SandboxState(
        pid=server.pid,
        create_time=create_time,
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
        connection_id=sandbox.connection_id,
        boot_id=boot_id(),
    )


def _check(state: SandboxState, folder: StateFolder) -> SandboxStatus:
    """Check that the recorded process is ours and alive, and that it is ready."""
    running = _is_ours(state)
    answers = _answers_ready(state)
    ready = running and answers
    hint = ""
    if ready:
        message = f"sandbox ready on {state.base_url} (pid {state.pid})"
    elif running:
        message = f"sandbox process {state.pid} runs but /ready does not answer"
        hint = "Run `membrane-pusher sandbox down`, then `up` again."
    elif answers:
        message = (
            f"process {state.pid} is not the recorded soketi, yet a server "
            f"answers on {state.base_url}"
        )
        hint = f"Stop whatever listens on port {state.port}, then run `sandbox down`."
    else:
        message = f"stale state: process {state.pid} is gone"
        hint = _STALE_HINT
    return SandboxStatus(
        running=running,
        ready=ready,
        message=message,
        state=state,
        state_file=str(folder.state_file),
        hint=hint,
        answered_by_another=answers and not running,
    )


def _is_ours(state: SandboxState) -> bool:
    """Whether the recorded pid is still the soketi process we started.

    The id, the start time (counted from boot, so the boot must be the same)
    and a command line that runs soketi must all agree.
    """
    current_boot = boot_id()
    if state.boot_id and current_boot and state.boot_id != current_boot:
        return False
    return is_same_process(state.pid, state.create_time) and command_line_mentions(
        state.pid, "soketi"
    )


def _answers_ready(state: SandboxState) -> bool:
    """Whether `GET /ready` answers 200 right now."""
    try:
        with httpx.Client(trust_env=False, timeout=2.0) as http:
            answer = http.get(f"{state.base_url}/ready")
    except httpx.HTTPError:
        return False
    return answer.status_code == httpx.codes.OK
