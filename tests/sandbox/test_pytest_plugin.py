"""The `pusher_sandbox` fixture as another project sees it (a separate pytest run)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from process_checks import reaped

USING_TEST = """
def test_uses_the_sandbox(pusher_sandbox):
    assert pusher_sandbox.port > 0
    assert pusher_sandbox.env()["PUSHER_APP_ID"] == "12345"
"""


def run_pytest(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (folder / "test_using.py").write_text(USING_TEST)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def no_soketi_env(tmp_path: Path) -> dict[str, str]:
    """No node or npm on PATH, an empty install folder, and no requirement."""
    env = {
        **os.environ,
        "PATH": str(Path(sys.executable).parent),
        "MEMBRANE_PUSHER_SANDBOX_DIR": str(tmp_path / "none"),
    }
    env.pop("MEMBRANE_PUSHER_REQUIRE_SOKETI", None)
    return env


def test_fixture_skips_with_a_reason_when_soketi_cannot_be_installed(tmp_path):
    # Act
    done = run_pytest(tmp_path, no_soketi_env(tmp_path))

    # Assert
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "Node.js was not found" in done.stdout


def test_fixture_fails_without_soketi_when_it_is_required(tmp_path):
    # Arrange: what `make test` (and so CI) sets
    env = {**no_soketi_env(tmp_path), "MEMBRANE_PUSHER_REQUIRE_SOKETI": "1"}

    # Act
    done = run_pytest(tmp_path, env)

    # Assert
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 error" in done.stdout
    assert "skipped" not in done.stdout
    assert "Node.js was not found" in done.stdout
    assert "MEMBRANE_PUSHER_REQUIRE_SOKETI is set" in done.stdout


@pytest.mark.soketi
def test_fixture_gives_a_started_sandbox(tmp_path, pusher_sandbox_install_dir):
    # Arrange
    env = {**os.environ, "MEMBRANE_PUSHER_SANDBOX_DIR": str(pusher_sandbox_install_dir)}

    # Act
    done = run_pytest(tmp_path, env)

    # Assert
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


HOLDING_TEST = """
import time


def test_holds_the_sandbox(pusher_sandbox):
    print("SOKETI", pusher_sandbox.server.pid, pusher_sandbox.root, flush=True)
    time.sleep(60)
"""


@pytest.mark.soketi
@pytest.mark.slow
def test_a_terminated_pytest_stops_the_session_sandbox(
    tmp_path, pusher_sandbox_install_dir
):
    # Arrange: a test session that holds the sandbox
    (tmp_path / "test_holding.py").write_text(HOLDING_TEST)
    env = {
        **os.environ,
        "MEMBRANE_PUSHER_SANDBOX_DIR": str(pusher_sandbox_install_dir),
        "TMPDIR": str(tmp_path),
    }
    session = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert session.stdout is not None
    with reaped(session):
        line = ""
        for line in session.stdout:
            if line.startswith("SOKETI"):
                break
        _, pid, root = line.split(maxsplit=2)

        # Act
        session.send_signal(signal.SIGTERM)
        rest, _ = session.communicate(timeout=60)

    # Assert: pytest stopped as on Ctrl-C, and its teardown stopped soketi
    assert session.returncode == 2, rest
    assert "KeyboardInterrupt" in rest or "SignalInterrupt" in rest
    deadline = time.monotonic() + 5
    while psutil.pid_exists(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not psutil.pid_exists(int(pid)) or (
        psutil.Process(int(pid)).status() == psutil.STATUS_ZOMBIE
    )
    assert not Path(root.strip()).exists()
