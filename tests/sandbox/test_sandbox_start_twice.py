"""A second start of a running `Sandbox` is refused and changes nothing.

`start()` on a started sandbox, a nested `with sandbox:` and a nested
`async with sandbox:` all raise a clear `SandboxError`; the running sandbox
keeps its server, its folder, its workspace and its signal handlers.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

import pytest

from membrane_pusher.sandbox.install import SandboxError
from membrane_pusher.sandbox.sandbox import Sandbox

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.soketi


def _snapshot(sandbox: Sandbox) -> tuple[int | None, int, Path, bool]:
    """What a refused start must leave as it was."""
    return (
        sandbox.server.pid,
        sandbox.port,
        sandbox.root,
        sandbox.server.running,
    )


def test_start_on_a_started_sandbox_is_refused_and_keeps_it_running(
    pusher_sandbox_install_dir,
):
    # Arrange
    sandbox = Sandbox(install_dir=pusher_sandbox_install_dir).start()
    try:
        before = _snapshot(sandbox)

        # Act
        with pytest.raises(SandboxError, match="already started") as caught:
            sandbox.start()

        # Assert
        assert "stop()" in str(caught.value)
        assert sandbox.started
        assert _snapshot(sandbox) == before
        assert sandbox.root.is_dir()
        assert sandbox.toolkit() is not None
    finally:
        sandbox.stop()


def test_a_nested_with_is_refused_and_the_outer_block_keeps_running(
    default_handlers, terminating_signals, pusher_sandbox_install_dir
):
    # Arrange
    with Sandbox(install_dir=pusher_sandbox_install_dir) as sandbox:
        before = _snapshot(sandbox)
        handlers = {signum: signal.getsignal(signum) for signum in terminating_signals}

        # Act
        with pytest.raises(SandboxError, match="already started"), sandbox:
            pytest.fail("the nested block must not run")

        # Assert: the server, the folder and the signal handlers are unchanged
        assert sandbox.started
        assert _snapshot(sandbox) == before
        assert sandbox.toolkit() is not None
        assert {s: signal.getsignal(s) for s in terminating_signals} == handlers
        assert all(handler is not signal.SIG_DFL for handler in handlers.values())

    # Assert: the outer block still stops the sandbox and gives the signals back
    assert not sandbox.started
    assert not sandbox.server.running
    assert {s: signal.getsignal(s) for s in terminating_signals} == dict.fromkeys(
        terminating_signals, signal.SIG_DFL
    )


async def test_a_nested_async_with_is_refused_and_keeps_the_sandbox(
    pusher_sandbox_install_dir,
):
    # Arrange
    async with Sandbox(install_dir=pusher_sandbox_install_dir) as sandbox:
        before = _snapshot(sandbox)

        # Act
        with pytest.raises(SandboxError, match="already started"):
            async with sandbox:
                pytest.fail("the nested block must not run")

        # Assert
        assert sandbox.started
        assert _snapshot(sandbox) == before

    assert not sandbox.started


def test_a_stopped_sandbox_can_be_started_again(pusher_sandbox_install_dir):
    # Arrange
    sandbox = Sandbox(install_dir=pusher_sandbox_install_dir)
    sandbox.start()
    sandbox.stop()

    # Act
    try:
        sandbox.start()

        # Assert
        assert sandbox.started
        assert sandbox.server.running
        assert sandbox.root.is_dir()
    finally:
        sandbox.stop()


def test_a_new_sandbox_is_not_started(pusher_sandbox_install_dir):
    # Act
    sandbox = Sandbox(install_dir=pusher_sandbox_install_dir)

    # Assert
    assert not sandbox.started
