"""Shared fixtures: every test runs with its own HOME, caches and environment."""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from membrane_pusher.sandbox.standin.workspace import StandinWorkspace

# Variables that would let a test reach a real account or a real server.
_SCRUBBED_PREFIXES = ("MEMBRANE_", "PUSHER_", "SOKETI_", "NEEDLE_")


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Give each test a fresh HOME and cache, and no credentials from outside."""
    home = tmp_path_factory.mktemp("home")
    for name in list(os.environ):
        if name.startswith(_SCRUBBED_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("MEMBRANE_PUSHER_CACHE_DIR", str(home / ".cache" / "mp"))
    monkeypatch.setenv("NEEDLE_TELEMETRY", "0")
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    return home


@pytest.fixture
def standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StandinWorkspace:
    """A stand-in `membrane` workspace with the default Pusher catalog.

    `MEMBRANE_CLI` and `MEMBRANE_STANDIN_HOME` are set, so any `MembraneClient`
    created in the test runs the stand-in.
    """
    from membrane_pusher.sandbox.standin.workspace import (  # noqa: PLC0415
        StandinWorkspace,
        default_workspace,
    )

    workspace = StandinWorkspace(tmp_path / "standin")
    workspace.write(default_workspace())
    for name, value in workspace.env().items():
        monkeypatch.setenv(name, value)
    return workspace


@pytest.fixture
def dead_proxies(monkeypatch: pytest.MonkeyPatch) -> str:
    """Point every proxy variable at a loopback port where nothing listens.

    Returns the dead proxy URL. Traffic that honours the variables fails;
    loopback traffic that ignores them, as it should, goes through.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, dead)
        monkeypatch.setenv(name.lower(), dead)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    return dead
