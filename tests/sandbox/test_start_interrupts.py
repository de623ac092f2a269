"""Ctrl-C and failures while a sandbox starts leave nothing behind.

`sandbox up` is interrupted at several moments (before soketi exists, right
after its process appears, while it gets ready); afterwards no process from
that run may survive unless the state file records it. In-process starts that
fail or are interrupted must stop soketi and remove their temporary folders,
and stopping must work without psutil.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from typing import TYPE_CHECKING

import psutil
import pytest

from membrane_pusher.sandbox import soketi as soketi_module
from membrane_pusher.sandbox.install import SandboxError
from membrane_pusher.sandbox.interrupts import deferred_interrupts
from membrane_pusher.sandbox.sandbox import Sandbox
from membrane_pusher.sandbox.soketi import SoketiServer
from membrane_pusher.sandbox.state import sandbox_down
from process_checks import alive, reaped

if TYPE_CHECKING:
    from pathlib import Path

# The child resets SIGINT to Python's default: a test run started in the
# background of a non-interactive shell would otherwise pass SIG_IGN on.
_CLI = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from membrane_pusher.cli.app import main; main(sys.argv[1:])"
)


def _processes_under(folder: Path) -> list[psutil.Process]:
    """Live processes whose working folder is inside `folder` (soketi's run dir)."""
    found = []
    for process in psutil.process_iter(["cwd", "status"]):
        cwd = process.info.get("cwd") or ""
        if cwd.startswith(str(folder)) and process.info["status"] != "zombie":
            found.append(process)
    return found


def _wait_gone(pids: set[int], folder: Path, seconds: float = 8.0) -> list[int]:
    """Return what still runs after waiting up to `seconds` for it to stop."""
    deadline = time.monotonic() + seconds
    while True:
        left = {pid for pid in pids if alive(pid)}
        left |= {process.pid for process in _processes_under(folder)}
        if not left or time.monotonic() > deadline:
            return sorted(left)
        time.sleep(0.1)


def _interrupt_up(tmp_path: Path, install_dir: Path, moment: str) -> dict:
    """Run `sandbox up`, send SIGINT at `moment`, return what was seen."""
    state = tmp_path / "state"
    env = {
        **os.environ,
        "MEMBRANE_PUSHER_STATE_DIR": str(state),
        "MEMBRANE_PUSHER_SANDBOX_DIR": str(install_dir),
        "TMPDIR": str(tmp_path),
    }
    up = subprocess.Popen(
        [sys.executable, "-c", _CLI, "sandbox", "up", "--no-install"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    parent = psutil.Process(up.pid)
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    with reaped(up):
        if moment == "early":
            time.sleep(0.3)
        else:
            while not seen and up.poll() is None and time.monotonic() < deadline:
                seen |= {child.pid for child in _children(parent) if _is_soketi(child)}
                time.sleep(0.005)
            if moment == "getting_ready":
                time.sleep(0.3)
        seen |= {child.pid for child in _children(parent)}
        up.send_signal(signal.SIGINT)
        _, stderr = up.communicate(timeout=60)
    return {
        "code": up.returncode,
        "stderr": stderr.decode(errors="replace"),
        "seen": seen,
        "state": state,
    }


def _is_soketi(process: psutil.Process) -> bool:
    """Whether a process is soketi (not `node --version` run before it)."""
    try:
        argv = process.cmdline()
    except psutil.Error:
        return False
    return "--config=config.json" in argv or "soketi-server" in argv


def _children(parent: psutil.Process) -> list[psutil.Process]:
    try:
        return parent.children(recursive=True)
    except psutil.Error:
        return []


@pytest.mark.soketi
@pytest.mark.slow
@pytest.mark.parametrize("moment", ["early", "launched", "getting_ready"])
def test_ctrl_c_during_sandbox_up_leaves_nothing_running(
    tmp_path, pusher_sandbox_install_dir, moment, monkeypatch
):
    # Act
    run = _interrupt_up(tmp_path, pusher_sandbox_install_dir, moment)
    state_file = run["state"] / "sandbox.json"
    recorded = state_file.is_file()
    if recorded:
        # Ready before the signal landed: the sandbox is recorded, so `down`
        # must find and stop it.
        monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(run["state"]))
        sandbox_down()
    left = _wait_gone(run["seen"], tmp_path)

    # Assert
    assert left == [], f"still running after Ctrl-C at {moment}: {left}"
    if not recorded:
        assert run["code"] == 130, run["stderr"]
        assert not (run["state"] / "sandbox").exists()
        assert not list(tmp_path.glob("membrane-pusher-*"))
    if moment != "early":
        assert run["seen"], "soketi never started"


def test_a_failed_start_removes_the_temporary_folder(tmp_path, monkeypatch):
    # Arrange: soketi is not installed in an empty folder
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    sandbox = Sandbox(install_dir=tmp_path / "no-soketi")

    # Act
    with pytest.raises(SandboxError):
        sandbox.start()

    # Assert
    assert not list(tmp_path.glob("membrane-pusher-*"))
    assert not sandbox.server.running


@pytest.mark.soketi
@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_an_interrupted_start_stops_soketi_and_removes_its_folder(
    tmp_path, monkeypatch, pusher_sandbox_install_dir, failure
):
    # Arrange: fail while soketi gets ready, after its process was launched
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    launched: list[int] = []

    def wait_then_fail(server: SoketiServer, _started: float) -> None:
        assert server.pid is not None
        launched.append(server.pid)
        raise failure

    monkeypatch.setattr(SoketiServer, "_wait_ready", wait_then_fail)
    sandbox = Sandbox(install_dir=pusher_sandbox_install_dir)

    # Act
    with pytest.raises(failure):
        sandbox.start()

    # Assert
    [pid] = launched
    assert not alive(pid)
    assert not list(tmp_path.glob("membrane-pusher-*"))
    assert sandbox.server not in soketi_module._RUNNING


@pytest.mark.soketi
def test_a_detached_server_is_tracked_until_released(pusher_sandbox_install_dir):
    # Arrange
    server = SoketiServer(install_dir=pusher_sandbox_install_dir, detached=True)

    # Act
    server.start()
    tracked = server in soketi_module._RUNNING
    server.stop()

    # Assert: an unreleased detached server is stopped at exit like any other
    assert tracked
    assert server not in soketi_module._RUNNING


@pytest.mark.soketi
def test_stopping_works_without_psutil(pusher_sandbox_install_dir, monkeypatch):
    # Arrange
    server = SoketiServer(install_dir=pusher_sandbox_install_dir).start()
    pid = server.pid
    assert pid is not None

    # Act: the optional import fails, as without the `sandbox` extra
    monkeypatch.setitem(sys.modules, "psutil", None)
    server.stop()
    monkeypatch.undo()

    # Assert
    assert not alive(pid)
    assert not server.running


def test_ctrl_c_is_held_back_until_the_block_ends():
    # Arrange
    steps: list[str] = []

    def block() -> None:
        with deferred_interrupts():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            steps.append("finished the block")

    # Act
    with pytest.raises(KeyboardInterrupt):
        block()

    # Assert
    assert steps == ["finished the block"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
