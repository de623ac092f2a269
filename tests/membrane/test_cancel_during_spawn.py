"""Cancelling an async call at any moment leaves no CLI process behind.

The stand-in CLI here is a small shell script that starts a grandchild
(`sleep 60`) in the background, records both pids, and then waits. Every
process it starts carries a marker in its environment, so a survivor is found
even when it was started before it could record its pid.
"""

from __future__ import annotations

import asyncio
import asyncio.base_subprocess
import contextlib
import os
import signal
import time
import uuid
from typing import TYPE_CHECKING, Any

import psutil
import pytest

from membrane_pusher.errors import CLITimeoutError
from membrane_pusher.membrane.runner import ProcessRunner
from process_checks import alive, wait_gone

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_MARK = "MEMBRANE_PUSHER_SPAWN_TEST_MARK"

# Far below the grandchild's 60 s: a call that waits for it has failed.
_SETTLE_SECONDS = 5.0

_SCRIPT = """#!/bin/sh
echo $$ > "$1/child.pid"
sleep 60 &
echo $! > "$1/grandchild.pid"
wait
"""


@pytest.fixture
def cli(tmp_path: Path) -> Path:
    """The script standing in for `membrane`."""
    script = tmp_path / "membrane"
    script.write_text(_SCRIPT)
    script.chmod(0o755)
    return script


@pytest.fixture
def mark() -> Iterator[str]:
    """A value no other process carries; its survivors are killed at the end."""
    value = uuid.uuid4().hex
    yield value
    for pid in _marked(value):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _marked(mark: str) -> list[int]:
    """Return the pids of live processes that carry the marker."""
    found = []
    for process in psutil.process_iter(["environ", "status"]):
        try:
            environ = process.info["environ"] or {}
        except psutil.Error:
            continue
        if environ.get(_MARK) == mark and process.info["status"] != "zombie":
            found.append(process.pid)
    return found


def _wait_for_no_marked(mark: str, seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _marked(mark)


def _recorded(folder: Path, name: str) -> int | None:
    path = folder / f"{name}.pid"
    text = path.read_text() if path.exists() else ""
    return int(text) if text.strip() else None


def _reaped(pid: int, seconds: float = 5.0) -> bool:
    """Tell whether the process is gone entirely, not even a zombie."""
    deadline = time.monotonic() + seconds
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not psutil.pid_exists(pid)


async def _cancel_and_settle(task: asyncio.Task[Any], *, times: int = 1) -> None:
    """Cancel the task and check that it ends, cancelled, within a few seconds."""
    for _ in range(times):
        task.cancel()
        await asyncio.sleep(0)
    done, _ = await asyncio.wait({task}, timeout=_SETTLE_SECONDS)
    assert done, "the cancelled call did not end"
    assert task.cancelled()


async def _wait_for_file(path: Path, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not (path.exists() and path.read_text().strip()):
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        await asyncio.sleep(0.02)


async def test_cancelling_while_the_pipes_are_connected_kills_the_whole_group(
    cli: Path, mark: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Arrange: the spawn is held open after the process started, so the
    # cancellation lands inside `create_subprocess_exec`
    connect = asyncio.base_subprocess.BaseSubprocessTransport._connect_pipes
    grandchild_file = tmp_path / "grandchild.pid"

    async def slow_connect(self: Any, waiter: Any) -> None:
        await _wait_for_file(grandchild_file)
        await asyncio.sleep(0.1)
        await connect(self, waiter)

    monkeypatch.setattr(
        asyncio.base_subprocess.BaseSubprocessTransport,
        "_connect_pipes",
        slow_connect,
    )
    runner = ProcessRunner(env={_MARK: mark})
    task = asyncio.create_task(
        runner.arun([str(cli), str(tmp_path)], time_limit=60, label="action run")
    )
    await _wait_for_file(grandchild_file)

    # Act
    await _cancel_and_settle(task)

    # Assert
    child = _recorded(tmp_path, "child")
    grandchild = _recorded(tmp_path, "grandchild")
    assert child is not None
    assert grandchild is not None
    assert wait_gone(grandchild, 5.0)
    assert _reaped(child)
    assert _wait_for_no_marked(mark) == []
    assert runner.slots.held == 0


@pytest.mark.parametrize("ticks", [0, 1, 2, 3, 5, 8, 13])
async def test_cancelling_after_a_few_loop_turns_leaves_nothing(
    cli: Path, mark: str, tmp_path: Path, ticks: int
) -> None:
    # Arrange
    runner = ProcessRunner(env={_MARK: mark})
    task = asyncio.create_task(
        runner.arun([str(cli), str(tmp_path)], time_limit=60, label="action run")
    )
    for _ in range(ticks):
        await asyncio.sleep(0)

    # Act
    await _cancel_and_settle(task)

    # Assert: give a surviving child time to start its grandchild, then look
    await asyncio.sleep(0.3)
    assert _wait_for_no_marked(mark) == []
    child = _recorded(tmp_path, "child")
    if child is not None:
        assert _reaped(child)
    assert runner.slots.held == 0


@pytest.mark.parametrize("delay", [0.0, 0.001, 0.005, 0.02, 0.1, 0.5])
async def test_cancelling_after_a_short_delay_leaves_nothing(
    cli: Path, mark: str, tmp_path: Path, delay: float
) -> None:
    # Arrange
    runner = ProcessRunner(env={_MARK: mark})
    task = asyncio.create_task(
        runner.arun([str(cli), str(tmp_path)], time_limit=60, label="action run")
    )
    await asyncio.sleep(delay)

    # Act
    await _cancel_and_settle(task)

    # Assert
    await asyncio.sleep(0.3)
    assert _wait_for_no_marked(mark) == []
    for name in ("child", "grandchild"):
        pid = _recorded(tmp_path, name)
        assert pid is None or not alive(pid)


async def test_a_second_cancel_during_the_cleanup_still_reaps(
    cli: Path, mark: str, tmp_path: Path
) -> None:
    # Arrange
    runner = ProcessRunner(env={_MARK: mark})
    task = asyncio.create_task(
        runner.arun([str(cli), str(tmp_path)], time_limit=60, label="action run")
    )
    await _wait_for_file(tmp_path / "grandchild.pid")

    # Act: cancel, then cancel again while the runner is cleaning up
    await _cancel_and_settle(task, times=2)

    # Assert
    child = _recorded(tmp_path, "child")
    assert child is not None
    assert _reaped(child)
    assert _wait_for_no_marked(mark) == []


async def test_a_timeout_kills_the_grandchild_too(
    cli: Path, mark: str, tmp_path: Path
) -> None:
    # Arrange
    runner = ProcessRunner(env={_MARK: mark})

    # Act
    with pytest.raises(CLITimeoutError):
        await runner.arun([str(cli), str(tmp_path)], time_limit=0.5, label="status")

    # Assert
    child = _recorded(tmp_path, "child")
    assert child is not None
    assert _reaped(child)
    assert _wait_for_no_marked(mark) == []


def test_a_sync_timeout_kills_the_grandchild_too(
    cli: Path, mark: str, tmp_path: Path
) -> None:
    # Arrange
    runner = ProcessRunner(env={_MARK: mark})

    # Act
    with pytest.raises(CLITimeoutError):
        runner.run([str(cli), str(tmp_path)], time_limit=0.5, label="status")

    # Assert
    child = _recorded(tmp_path, "child")
    assert child is not None
    assert _reaped(child)
    assert _wait_for_no_marked(mark) == []


async def test_a_process_that_left_the_group_cannot_stall_the_cancellation(
    mark: str, tmp_path: Path
) -> None:
    # Arrange: the grandchild starts a session of its own and keeps stdout open
    script = tmp_path / "membrane"
    script.write_text(
        "#!/bin/sh\n"
        'echo $$ > "$1/child.pid"\n'
        "setsid sleep 60 &\n"
        'echo $! > "$1/grandchild.pid"\n'
        "wait\n"
    )
    script.chmod(0o755)
    runner = ProcessRunner(env={_MARK: mark})
    task = asyncio.create_task(
        runner.arun([str(script), str(tmp_path)], time_limit=60, label="status")
    )
    await _wait_for_file(tmp_path / "grandchild.pid")

    # Act
    await _cancel_and_settle(task)

    # Assert: our own child is reaped; the escaped one is the fixture's to kill
    child = _recorded(tmp_path, "child")
    assert child is not None
    assert _reaped(child)
    assert runner.slots.held == 0
