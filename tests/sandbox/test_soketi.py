"""soketi launcher: loopback-only safety, readiness, ports, stop, install checks."""

from __future__ import annotations

import json
import os
import stat
import textwrap
from pathlib import Path

import httpx
import psutil
import pytest

from membrane_pusher.sandbox import install as install_module
from membrane_pusher.sandbox import soketi as soketi_module
from membrane_pusher.sandbox.install import (
    SandboxError,
    install_soketi,
    is_installed,
    require_node,
)
from membrane_pusher.sandbox.processes import LOOPBACK
from membrane_pusher.sandbox.soketi import SoketiServer

SAFETY_ENV = {
    "SOKETI_CLUSTER_UNICAST_ADDRESSES": "127.0.0.1",
    "SOKETI_HOST": "127.0.0.1",
    "SOKETI_METRICS_HOST": "127.0.0.1",
    "SOKETI_EVENT_MAX_SIZE_IN_KB": "10",
    "SOKETI_DEFAULT_APP_USER_AUTHENTICATION": "true",
    "SOKETI_USER_AUTHENTICATION_TIMEOUT": "3600000",
    "SOKETI_SHUTDOWN_GRACE_PERIOD": "0",
    "SOKETI_DEFAULT_APP_ENABLE_CLIENT_MESSAGES": "true",
    "SOKETI_DEFAULT_APP_ID": "12345",
}


def process_environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.decode().partition("=") for item in raw.split(b"\0") if item)
    return {name: value for name, _, value in pairs}


def own_sockets(pid: int) -> list:
    return psutil.Process(pid).net_connections(kind="inet")


# --- on a running server ---------------------------------------------------


@pytest.mark.soketi
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_running_process_has_every_safety_variable(soketi):
    # Arrange
    assert soketi.pid is not None

    # Act
    environ = process_environ(soketi.pid)

    # Assert
    for name, value in SAFETY_ENV.items():
        assert environ.get(name) == value, name
    assert environ["SOKETI_PORT"] == str(soketi.port)
    assert environ["SOKETI_CLUSTER_PORT"] == str(soketi.cluster_port)


@pytest.mark.soketi
def test_running_process_listens_on_loopback_only(soketi):
    # Arrange
    assert soketi.pid is not None

    # Act
    sockets = own_sockets(soketi.pid)
    bound = {(conn.type.name, conn.laddr.ip, conn.laddr.port) for conn in sockets}

    # Assert: HTTP/WS, metrics (TCP) and cluster discovery (UDP), all on 127.0.0.1
    assert ("SOCK_STREAM", LOOPBACK, soketi.port) in bound
    assert ("SOCK_STREAM", LOOPBACK, soketi.metrics_port) in bound
    assert ("SOCK_DGRAM", LOOPBACK, soketi.cluster_port) in bound
    assert {ip for _, ip, _ in bound} == {LOOPBACK}
    assert all(not conn.raddr or conn.raddr.ip == LOOPBACK for conn in sockets)


@pytest.mark.soketi
def test_ready_answers_and_start_time_is_measured(soketi):
    # Act
    with httpx.Client(trust_env=False) as http:
        ready = http.get(f"{soketi.base_url}/ready")
        usage = http.get(f"http://{LOOPBACK}:{soketi.metrics_port}/usage")

    # Assert
    assert ready.status_code == 200
    assert ready.text == "OK"
    assert usage.status_code == 200
    assert soketi.started_in is not None
    assert 0 < soketi.started_in < 30
    assert soketi.log_path is not None
    assert soketi.log_path.is_file()


@pytest.mark.soketi
def test_two_servers_run_at_once_on_different_ports(soketi, pusher_sandbox_install_dir):
    # Act
    with SoketiServer(install_dir=pusher_sandbox_install_dir) as other:
        ports = {other.port, other.metrics_port, other.cluster_port}
        with httpx.Client(trust_env=False) as http:
            both_ready = [
                http.get(f"{server.base_url}/ready").status_code
                for server in (soketi, other)
            ]

    # Assert
    assert ports.isdisjoint({soketi.port, soketi.metrics_port, soketi.cluster_port})
    assert both_ready == [200, 200]
    assert other.secret != soketi.secret


@pytest.mark.soketi
def test_stop_leaves_nothing_running(pusher_sandbox_install_dir):
    # Arrange
    server = SoketiServer(install_dir=pusher_sandbox_install_dir).start()
    pid = server.pid
    run_dir = server.run_dir
    assert pid is not None
    children = psutil.Process(pid).children(recursive=True)

    # Act
    server.stop()

    # Assert
    assert not psutil.pid_exists(pid)
    assert all(not child.is_running() for child in children)
    assert run_dir is not None
    assert not run_dir.exists()
    assert server.pid is None
    server.stop()  # a second stop is harmless


@pytest.mark.soketi
def test_outside_soketi_variables_cannot_override_safety(
    monkeypatch, pusher_sandbox_install_dir
):
    # Arrange
    monkeypatch.setenv("SOKETI_HOST", "0.0.0.0")  # noqa: S104 - must be ignored
    monkeypatch.setenv("SOKETI_DEBUG", "1")

    # Act
    with SoketiServer(install_dir=pusher_sandbox_install_dir) as server:
        assert server.pid is not None
        environ = process_environ(server.pid)

    # Assert
    assert environ["SOKETI_HOST"] == LOOPBACK
    assert "SOKETI_DEBUG" not in environ


# --- failures and installation ---------------------------------------------


def fake_install(folder: Path, script: str) -> Path:
    """A folder that looks installed, whose server.js is `script`."""
    server_js = install_module.server_script(folder)
    server_js.parent.mkdir(parents=True)
    server_js.write_text(script)
    (folder / install_module._STAMP_NAME).write_text(install_module._lock_digest())
    return folder


def fake_executable(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_start_without_install_says_how_to_install(tmp_path):
    # Act
    with pytest.raises(SandboxError) as caught:
        SoketiServer(install_dir=tmp_path / "none").start()

    # Assert
    assert "not installed" in caught.value.message
    assert "sandbox install" in caught.value.hint


@pytest.mark.skipif(install_module.shutil.which("node") is None, reason="needs node")
def test_server_dying_early_reports_its_log(tmp_path):
    # Arrange
    folder = fake_install(
        tmp_path / "soketi", "console.error('boom: port taken');\nprocess.exit(3);\n"
    )

    # Act
    with pytest.raises(SandboxError) as caught:
        SoketiServer(install_dir=folder, ready_timeout=10).start()

    # Assert
    assert "exited before it was ready" in caught.value.message
    assert "boom: port taken" in caught.value.message


def test_missing_node_is_a_clear_error(monkeypatch, tmp_path):
    # Arrange
    monkeypatch.setenv("PATH", str(tmp_path))

    # Act / Assert
    with pytest.raises(SandboxError, match=r"Node\.js was not found"):
        require_node()


def test_unsupported_node_version_is_refused(monkeypatch, tmp_path):
    # Arrange
    fake_executable(tmp_path, "node", "echo '22.1.0 127'\n")
    monkeypatch.setenv("PATH", str(tmp_path))

    # Act
    with pytest.raises(SandboxError) as caught:
        require_node()

    # Assert
    assert "Node 22.1.0 is not supported" in caught.value.message
    assert "Node 20" in caught.value.hint


def test_missing_npm_is_a_clear_error(monkeypatch, tmp_path):
    # Arrange
    fake_executable(tmp_path, "node", "echo '20.1.0 115'\n")
    monkeypatch.setenv("PATH", str(tmp_path))

    # Act / Assert
    with pytest.raises(SandboxError, match="npm was not found"):
        install_soketi(tmp_path / "target")


def test_installed_folder_is_not_installed_again(monkeypatch, tmp_path):
    # Arrange: no node or npm at all, so any install attempt would fail
    folder = fake_install(tmp_path / "soketi", "")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    # Act
    result = install_soketi(folder)

    # Assert
    assert result == folder.resolve()


def test_stamp_of_another_lockfile_means_not_installed(tmp_path):
    # Arrange
    folder = fake_install(tmp_path / "soketi", "")
    (folder / install_module._STAMP_NAME).write_text("0" * 64)

    # Act / Assert
    assert not is_installed(folder)


def test_install_dir_follows_the_environment(monkeypatch, tmp_path):
    # Arrange
    monkeypatch.setenv("MEMBRANE_PUSHER_SANDBOX_DIR", str(tmp_path / "here"))

    # Act / Assert
    assert install_module.default_install_dir() == (tmp_path / "here").resolve()
    assert install_module.default_install_dir({}).name == "soketi-1.6.1"


def test_secrets_are_random_and_never_json():
    # Act
    values = {soketi_module.new_secret() for _ in range(50)}

    # Assert
    assert len(values) == 50
    for value in values:
        with pytest.raises(ValueError):
            json.loads(value)


@pytest.mark.slow
@pytest.mark.soketi
@pytest.mark.timeout(900)
@pytest.mark.skipif(
    os.environ.get("MEMBRANE_PUSHER_SKIP_INSTALL_TEST") == "1",
    reason="MEMBRANE_PUSHER_SKIP_INSTALL_TEST=1",
)
def test_install_soketi_into_a_fresh_folder(tmp_path):
    # Arrange
    if install_module.shutil.which("npm") is None:
        pytest.skip("needs node and npm")
    target = tmp_path / "fresh"

    # Act
    folder = install_soketi(target)

    # Assert
    assert is_installed(folder)
    assert (folder / "package-lock.json").read_bytes() == install_module._packaged_file(
        "package-lock.json"
    )
    with SoketiServer(install_dir=folder) as server:
        assert server.started_in is not None
