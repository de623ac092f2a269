"""Fixtures of the command-line tests: a CliRunner over `run()` and a stand-in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from cli_helpers import Outcome, invoke_cli

if TYPE_CHECKING:
    from collections.abc import Callable

APP_ID = "12345"


@pytest.fixture
def invoke() -> Callable[..., Outcome]:
    """Return the in-process runner."""
    return invoke_cli


@pytest.fixture
def app_env(standin, monkeypatch, tmp_path):
    """The stand-in workspace, an app id, and a private sandbox state folder."""
    monkeypatch.setenv("PUSHER_APP_ID", APP_ID)
    monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(tmp_path / "state"))
    return standin
