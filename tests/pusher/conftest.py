"""Fixtures for the Pusher tests: fake transports and clients, and a soketi server.

`soketi_server` is a small local launcher kept here until the sandbox's own
fixture replaces it. It binds everything to 127.0.0.1 and pins the cluster
discovery to unicast on 127.0.0.1, so nothing is broadcast to the network.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from pusher_helpers import FakeProxyClient, RecordingTransport

SOKETI_SCRIPT = Path("/tmp/scratch/soketi/node_modules/@soketi/soketi/bin/server.js")


@pytest.fixture
def transport() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def proxy_client() -> FakeProxyClient:
    return FakeProxyClient()


@dataclass(frozen=True)
class SoketiServer:
    """Where the test soketi listens, and its app credentials."""

    base_url: str
    ws_url: str
    app_id: str
    key: str
    secret: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"soketi exited early:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/ready", timeout=1) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"soketi did not become ready:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def soketi_server(tmp_path_factory: pytest.TempPathFactory):
    """Start soketi on 127.0.0.1 only; yield its address and credentials."""
    node = shutil.which("node")
    if node is None or not SOKETI_SCRIPT.exists():
        pytest.skip("soketi (node + /tmp/scratch/soketi) is not available")

    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SOKETI_")},
        "SOKETI_HOST": "127.0.0.1",
        "SOKETI_PORT": str(port),
        "SOKETI_METRICS_HOST": "127.0.0.1",
        "SOKETI_METRICS_SERVER_PORT": str(_free_port()),
        "SOKETI_CLUSTER_UNICAST_ADDRESSES": "127.0.0.1",
        "SOKETI_CLUSTER_PORT": str(_free_port()),
        "SOKETI_DEFAULT_APP_ID": "12345",
        "SOKETI_DEFAULT_APP_KEY": "app-key",
        "SOKETI_DEFAULT_APP_SECRET": "app-secret",
        "SOKETI_EVENT_MAX_SIZE_IN_KB": "10",
        "SOKETI_DEFAULT_APP_USER_AUTHENTICATION": "true",
        "SOKETI_USER_AUTHENTICATION_TIMEOUT": "3600000",
        "SOKETI_SHUTDOWN_GRACE_PERIOD": "0",
    }
    log = tmp_path_factory.mktemp("soketi") / "soketi.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [node, str(SOKETI_SCRIPT), "start"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base_url, process, log)
        yield SoketiServer(
            base_url=base_url,
            ws_url=f"ws://127.0.0.1:{port}",
            app_id="12345",
            key="app-key",
            secret="app-secret",
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
