"""The detached sandbox: up / status / down, reuse, stale and foreign state."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from dataclasses import asdict

import psutil
import pytest

from local_http import AnsweringHandler, loopback_server, port_of, serving
from membrane_pusher.sandbox import state as state_module
from membrane_pusher.sandbox.install import SandboxError
from membrane_pusher.sandbox.processes import free_ports, process_start_time
from membrane_pusher.sandbox.state import (
    SandboxState,
    sandbox_down,
    sandbox_status,
    sandbox_up,
)


@pytest.fixture
def state_dir(monkeypatch, tmp_path):
    folder = tmp_path / "state"
    monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(folder))
    yield folder
    sandbox_down()


@pytest.fixture
def live_state_dir(state_dir, monkeypatch, pusher_sandbox_install_dir):
    monkeypatch.setenv("MEMBRANE_PUSHER_SANDBOX_DIR", str(pusher_sandbox_install_dir))
    return state_dir


def fake_state(pid: int, create_time: float, port: int) -> SandboxState:
    return SandboxState(
        pid=pid,
        create_time=create_time,
        port=port,
        metrics_port=port,
        cluster_port=port,
        app_id="12345",
        key="k",
        secret="s",
        workspace="/nonexistent",
        log_path="/nonexistent",
        started_at=0.0,
        start_seconds=0.0,
    )


def write_state(folder, state: SandboxState) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sandbox.json").write_text(json.dumps(asdict(state)))


@pytest.mark.soketi
def test_up_status_down_cycle_leaves_nothing(live_state_dir):
    # Act: up
    up = sandbox_up(install=False)
    assert up.state is not None
    pid = up.state.pid
    status = sandbox_status()

    # Assert: running, ready, detached, recorded privately
    assert up.ready
    assert not up.reused
    assert status.ready
    assert status.state == up.state
    assert os.getsid(pid) == pid
    assert os.getsid(pid) != os.getsid(0)
    state_file = live_state_dir / "sandbox.json"
    assert state_file.stat().st_mode & 0o077 == 0
    assert up.state.start_seconds > 0
    assert up.to_dict()["state"]["secret"] == "***"
    assert "MEMBRANE_STANDIN_HOME" in up.state.env()
    sockets = psutil.Process(pid).net_connections(kind="inet")
    assert {conn.laddr.ip for conn in sockets} == {"127.0.0.1"}

    # Act: down
    down = sandbox_down()
    after = sandbox_status()

    # Assert: stopped by its id, state and folder gone
    assert down.stopped
    assert not psutil.pid_exists(pid)
    assert not state_file.exists()
    assert not (live_state_dir / "sandbox").exists()
    assert not after.running
    assert after.state is None


@pytest.mark.soketi
def test_second_up_reuses_the_running_sandbox(live_state_dir):
    # Arrange
    first = sandbox_up(install=False)

    # Act
    second = sandbox_up(install=False)

    # Assert
    assert second.reused
    assert second.ready
    assert second.state == first.state


@pytest.mark.soketi
def test_stale_state_is_cleaned_and_up_starts_afresh(live_state_dir):
    # Arrange: a state whose process has exited
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    created = process_start_time(gone.pid) or 0.0
    gone.wait()
    write_state(live_state_dir, fake_state(gone.pid, created, free_ports(1)[0]))

    # Act
    before = sandbox_status()
    up = sandbox_up(install=False)

    # Assert
    assert not before.running
    assert "stale" in before.message
    assert not up.reused
    assert up.state is not None
    assert up.state.pid != gone.pid


def test_recycled_pid_is_never_touched(state_dir):
    # Arrange: our own pid, with another start time, stands for a recycled id
    me = psutil.Process()
    started = process_start_time(me.pid) or 0.0
    write_state(state_dir, fake_state(me.pid, started - 1000, 1))

    # Act
    status = sandbox_status()
    down = sandbox_down()

    # Assert
    assert not status.running
    assert not down.stopped
    assert me.is_running()
    assert not (state_dir / "sandbox.json").exists()


class ReadyHandler(AnsweringHandler):
    def answer(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"OK")


def test_a_server_answering_for_a_lost_process_keeps_its_record(state_dir):
    # Arrange: the recorded process is gone, but a server answers on its port
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with serving(loopback_server(ReadyHandler)) as server:
        write_state(state_dir, fake_state(gone.pid, 1.0, port_of(server)))

        # Act
        status = sandbox_status()
        with pytest.raises(SandboxError) as on_down:
            sandbox_down()
        with pytest.raises(SandboxError) as on_up:
            sandbox_up(install=False)

    # Assert: nobody forgets a server that still answers
    assert not status.running
    assert "answers" in status.message
    assert f"port {port_of(server)}" in on_down.value.hint
    assert "answers" in on_up.value.message
    assert (state_dir / "sandbox.json").exists()


# A process that stands for soketi: its command line names it, as soketi's does.
SOKETI_LIKE = [sys.executable, "-c", "import time; time.sleep(60)", "soketi"]


def test_running_but_not_ready_is_refused(state_dir):
    # Arrange: a live process of ours that answers nothing
    sleeper = subprocess.Popen(SOKETI_LIKE)
    created = process_start_time(sleeper.pid) or 0.0
    write_state(state_dir, fake_state(sleeper.pid, created, free_ports(1)[0]))

    try:
        # Act
        with pytest.raises(SandboxError) as caught:
            sandbox_up(install=False)
        down = sandbox_down(grace=1)

        # Assert
        assert "not ready" in caught.value.message
        assert "sandbox down" in caught.value.hint
        assert down.stopped
        assert sleeper.wait(timeout=5) is not None
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.parametrize(
    ("command", "boot"),
    [
        ([sys.executable, "-c", "import time; time.sleep(60)"], None),
        (SOKETI_LIKE, "another-boot"),
    ],
    ids=["not-soketi", "another-boot"],
)
def test_a_process_that_is_not_the_recorded_soketi_is_never_stopped(
    state_dir, command, boot
):
    # Arrange: the right id and start time, but another program or another boot
    other = subprocess.Popen(command)
    created = process_start_time(other.pid) or 0.0
    recorded = fake_state(other.pid, created, free_ports(1)[0])
    if boot is not None:
        recorded = dataclasses.replace(recorded, boot_id=boot)
    write_state(state_dir, recorded)

    try:
        # Act
        status = sandbox_status()
        down = sandbox_down(grace=1)

        # Assert
        assert not status.running
        assert not down.stopped
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_unreadable_state_is_refused_clearly(state_dir):
    # Arrange
    state_dir.mkdir(parents=True)
    (state_dir / "sandbox.json").write_text("not json")

    # Act / Assert
    with pytest.raises(SandboxError, match="unreadable or not ours"):
        sandbox_up(install=False)
    with pytest.raises(SandboxError, match="unreadable or not ours"):
        sandbox_status()
    (state_dir / "sandbox.json").unlink()


def test_state_of_another_format_is_refused(state_dir):
    # Arrange
    state_dir.mkdir(parents=True)
    (state_dir / "sandbox.json").write_text(json.dumps({"format": 99, "pid": 1}))

    # Act / Assert
    with pytest.raises(SandboxError, match="unknown format"):
        sandbox_status()
    (state_dir / "sandbox.json").unlink()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"pid": "1"}, "pid: Input should be a valid integer"),
        ({"port": True}, "port: Input should be a valid integer"),
        ({"secret": None}, "secret: Input should be a valid string"),
        ({"pid": -5}, "pid is out of range"),
        ({"metrics_port": 70000}, "metrics_port is out of range"),
    ],
)
def test_a_field_of_the_wrong_kind_is_refused_clearly(state_dir, change, reason):
    # Arrange
    recorded = {**asdict(fake_state(os.getpid(), 0.0, 1)), **change}
    state_dir.mkdir(parents=True)
    (state_dir / "sandbox.json").write_text(json.dumps(recorded))

    # Act
    with pytest.raises(SandboxError) as on_status:
        sandbox_status()
    with pytest.raises(SandboxError) as on_down:
        sandbox_down()

    # Assert
    for caught in (on_status, on_down):
        assert "unreadable or not ours" in caught.value.message
        assert reason in caught.value.message
        assert "delete the file" in caught.value.hint
    (state_dir / "sandbox.json").unlink()


def test_files_kept_where_the_sandbox_folder_goes_are_never_deleted(state_dir):
    # Arrange: a person's own folder, named as the sandbox's would be
    kept = state_dir / "sandbox" / "project" / "notes.txt"
    kept.parent.mkdir(parents=True)
    kept.write_text("precious")

    # Act
    with pytest.raises(SandboxError) as caught:
        sandbox_up(install=False)
    write_state(state_dir, fake_state(os.getpid(), 1.0, 1))
    down = sandbox_down()

    # Assert
    assert "was not made by the sandbox" in caught.value.message
    assert not down.stopped
    assert kept.read_text() == "precious"


def test_down_and_status_without_a_sandbox(state_dir):
    # Act
    status = sandbox_status()
    down = sandbox_down()

    # Assert
    assert not status.running
    assert not down.stopped
    assert down.message == "no sandbox was running"


def test_state_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(tmp_path / "s"))
    assert state_module.state_dir() == tmp_path / "s"
    assert state_module.state_dir({}).name == "membrane-pusher"
