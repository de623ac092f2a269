"""The `pusher_sandbox` fixture as another project sees it (a separate pytest run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_fixture_skips_with_a_reason_when_soketi_cannot_be_installed(tmp_path):
    # Arrange: no node or npm on PATH, and an empty install folder
    env = {
        **os.environ,
        "PATH": str(Path(sys.executable).parent),
        "MEMBRANE_PUSHER_SANDBOX_DIR": str(tmp_path / "none"),
    }

    # Act
    done = run_pytest(tmp_path, env)

    # Assert
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "Node.js was not found" in done.stdout


@pytest.mark.soketi
def test_fixture_gives_a_started_sandbox(tmp_path, pusher_sandbox_install_dir):
    # Arrange
    env = {**os.environ, "MEMBRANE_PUSHER_SANDBOX_DIR": str(pusher_sandbox_install_dir)}

    # Act
    done = run_pytest(tmp_path, env)

    # Assert
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
