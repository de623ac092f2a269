"""SIGTERM or SIGHUP to a command that started its own sandbox leaves nothing.

`demo` and `call --sandbox` (with no sandbox up) start soketi for the length
of the command. The signal goes to the command's process only, not to its
group (so soketi gets nothing from the sender), once soketi runs. The command
must exit 130 with one `interrupted` document, and no soketi or stand-in of
that run may be left, nor its temporary folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import psutil
import pytest

from process_checks import reaped

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.soketi, pytest.mark.slow]

# Default actions for the signals, as in a terminal (a background test run
# might otherwise pass ignored ones on to the child).
_CLI = (
    "import signal, sys; "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "signal.signal(signal.SIGHUP, signal.SIG_DFL); "
    "signal.signal(signal.SIGTERM, signal.SIG_DFL); "
    "from membrane_pusher.cli.app import main; main(sys.argv[1:])"
)

COMMANDS = {
    "demo": ["demo", "--no-install", "--json"],
    "call": ["call", "pusher_list_channels", "--sandbox", "--json"],
}


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def wait_for_soketi(process: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """Wait until the command runs soketi; return its descendants then."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        family = descendants(process.pid)
        if any("server.js" in " ".join(_cmdline(p)) for p in family):
            return family
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    pytest.fail("the command never started soketi")


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_terminating_signal_stops_the_commands_own_sandbox(
    tmp_path: Path, pusher_sandbox_install_dir, command, signum
):
    # Arrange: no sandbox is up, so the command starts its own
    env = {
        **os.environ,
        "MEMBRANE_PUSHER_SANDBOX_DIR": str(pusher_sandbox_install_dir),
        "MEMBRANE_PUSHER_STATE_DIR": str(tmp_path / "state"),
        "TMPDIR": str(tmp_path),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", _CLI, *COMMANDS[command]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    with reaped(process):
        started = wait_for_soketi(process)

        # Act
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=60)

    # Assert
    assert process.returncode == 130, stderr
    error = json.loads(stdout)["error"]
    assert error["type"] == "interrupted"
    assert signal.Signals(signum).name in error["message"]
    assert [p.pid for p in started if alive(p)] == []
    assert not list(tmp_path.glob("membrane-pusher-*"))
