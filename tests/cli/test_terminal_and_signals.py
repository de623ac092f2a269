"""The real command line in a subprocess: spinners on terminals only, signals.

A spinner is drawn only when stderr is a terminal (a pseudo-terminal here),
never into a pipe. Ctrl-C (SIGINT to the command's process only, not its
group), SIGTERM and SIGHUP end a run with exit 130 and, under `--json`, one
`interrupted` document on stdout; the `membrane` process it was waiting for
is stopped too.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest

from process_checks import reaped, wait_gone

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow

SPINNER_TEXT = b"Running pusher_list_channels"

# The child starts with the signals' default actions, as in a terminal: a test
# run in the background of a non-interactive shell (or under nohup) would
# otherwise pass on ignored SIGINT or SIGHUP.
_CLI = (
    "import signal, sys; "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "signal.signal(signal.SIGHUP, signal.SIG_DFL); "
    "signal.signal(signal.SIGTERM, signal.SIG_DFL); "
    "from membrane_pusher.cli.app import main; main(sys.argv[1:])"
)


def cli_argv(*args: str) -> list[str]:
    return [sys.executable, "-c", _CLI, *args]


def read_until_closed(fd: int) -> bytes:
    """Read a pseudo-terminal's master side until the other side is closed."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: every writer is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def slow_standin(app_env):
    """The stand-in, answering `membrane request` after half a second."""
    app_env.set_faults([{"command": "request", "sleep": 0.5}])
    return app_env


def test_the_spinner_is_drawn_on_a_terminal(slow_standin):
    # Arrange
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color"}

    # Act
    process = subprocess.Popen(
        cli_argv("call", "pusher_list_channels"),
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    shown = read_until_closed(master)
    stdout, _ = process.communicate(timeout=60)
    os.close(master)

    # Assert
    assert process.returncode == 0, shown
    assert SPINNER_TEXT in shown
    json.loads(stdout)


def test_no_spinner_goes_into_a_pipe(slow_standin):
    # Act
    done = subprocess.run(
        cli_argv("call", "pusher_list_channels"),
        capture_output=True,
        env={**os.environ, "TERM": "xterm-256color"},
        timeout=60,
        check=False,
    )

    # Assert
    assert done.returncode == 0, done.stderr
    assert SPINNER_TEXT not in done.stderr
    assert b"\x1b[" not in done.stderr
    json.loads(done.stdout)


@pytest.fixture
def stuck_standin(app_env):
    """The stand-in, stuck for a minute in `membrane request`."""
    app_env.set_faults([{"command": "request", "sleep": 60}])
    return app_env


def wait_for_request(workspace, process: subprocess.Popen[bytes]) -> int:
    """Wait until the stand-in received the request; return its pid."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        recorded = workspace.calls("request")
        if recorded:
            return int(recorded[0]["pid"])
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    pytest.fail("the command never reached `membrane request`")


@pytest.mark.parametrize(
    ("signum", "message"),
    [
        (signal.SIGINT, "Interrupted."),
        (signal.SIGTERM, "Interrupted (SIGTERM)."),
        (signal.SIGHUP, "Interrupted (SIGHUP)."),
    ],
    ids=["SIGINT", "SIGTERM", "SIGHUP"],
)
def test_a_signal_ends_the_run_with_130_and_one_json_document(
    stuck_standin, tmp_path: Path, signum, message
):
    # Arrange: the command waits for the stuck `membrane request`
    process = subprocess.Popen(
        cli_argv("call", "pusher_list_channels", "--json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    with reaped(process):
        membrane_pid = wait_for_request(stuck_standin, process)

        # Act: signal the command's own process, not its group
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)

    # Assert
    assert process.returncode == 130, stderr
    document = json.loads(stdout)
    assert document["error"]["type"] == "interrupted"
    assert document["error"]["message"] == message
    assert "may have gone through" in document["error"]["hint"]
    assert stdout.count(b"\n") == 1
    assert wait_gone(membrane_pid, seconds=5)
