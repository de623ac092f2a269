"""Helpers of the stand-in tests: run the executable as a real process."""

from __future__ import annotations

import json
import os
import subprocess
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from membrane_pusher.sandbox.standin.workspace import StandinWorkspace


class Runner:
    """Runs the stand-in of one workspace and parses its answers."""

    def __init__(self, workspace: StandinWorkspace) -> None:
        self.workspace = workspace

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **self.workspace.env()}
        return subprocess.run(
            [*self.workspace.command, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
            check=False,
        )

    def json(self, *args: str):
        done = self(*args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@pytest.fixture
def run(standin: StandinWorkspace) -> Runner:
    """Run the stand-in of the `standin` workspace."""
    return Runner(standin)
