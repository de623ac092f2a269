"""Run folders are private, and the ones a killed run left are removed at start.

soketi's config file is created owner-only (0600) in an owner-only folder
(0700). A temporary run folder records the processes using it; a later start
removes the folders whose processes are all gone, and nothing else.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from membrane_pusher.sandbox.install import SandboxError
from membrane_pusher.sandbox.run_folders import (
    OWNER_FILE,
    make_run_folder,
    record_process,
    remove_stale_run_folders,
)
from membrane_pusher.sandbox.sandbox import Sandbox
from membrane_pusher.sandbox.soketi import SoketiServer
from process_checks import reaped

# Creates a run folder as a sandbox start would, says where, then waits.
_HOLDER = (
    "import sys, time; "
    "from membrane_pusher.sandbox.run_folders import make_run_folder; "
    "print(make_run_folder(sys.argv[1]), flush=True); time.sleep(60)"
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private system temporary folder for the test."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def left_folder(root: Path, name: str, pids: list[int] | None) -> Path:
    """A run folder as a run would leave it, recording `pids` (None: no record)."""
    folder = root / name
    folder.mkdir(mode=0o700)
    (folder / "config.json").write_text("{}", encoding="utf-8")
    if pids is not None:
        entries = [{"pid": pid, "create_time": None} for pid in pids]
        (folder / OWNER_FILE).write_text(json.dumps({"processes": entries}))
    return folder


# --- modes ---------------------------------------------------------------------


@pytest.mark.soketi
def test_the_config_file_is_owner_only_in_an_owner_only_folder(soketi):
    # Arrange
    assert soketi.run_dir is not None

    # Act
    config = soketi.run_dir / "config.json"

    # Assert
    assert mode(config) == 0o600
    assert mode(soketi.run_dir) == 0o700
    assert mode(soketi.run_dir / "soketi.log") == 0o600


def test_a_given_run_folder_is_made_private_and_its_config_replaced(tmp_path):
    # Arrange: a folder and a config open to everyone, as an old run left them
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o755)
    run_dir.chmod(0o755)
    stale = run_dir / "config.json"
    stale.write_text('{"old": true}', encoding="utf-8")
    stale.chmod(0o644)
    server = SoketiServer(install_dir=tmp_path / "unused", run_dir=run_dir)

    # Act
    server._prepare_run_dir()

    # Assert
    assert mode(run_dir) == 0o700
    assert mode(stale) == 0o600
    assert json.loads(stale.read_text(encoding="utf-8")) == {
        "cluster.address": "127.0.0.1"
    }


def test_the_config_file_is_created_with_its_mode_whatever_the_umask(tmp_path):
    # Arrange: with a umask of 0, a file created first and narrowed later
    # would be readable by everyone until then
    folder = tmp_path / "private"
    server = SoketiServer(install_dir=tmp_path / "unused", run_dir=folder)
    previous = os.umask(0)
    try:
        # Act
        server._prepare_run_dir()
    finally:
        os.umask(previous)

    # Assert
    assert mode(folder) == 0o700
    assert mode(folder / "config.json") == 0o600


def test_the_config_file_never_follows_a_symlink(tmp_path):
    # Arrange
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep", encoding="utf-8")
    link = run_dir / "config.json"
    link.symlink_to(target)
    server = SoketiServer(install_dir=tmp_path / "unused", run_dir=run_dir)

    # Act
    server._prepare_run_dir()

    # Assert: the link itself was replaced, the file it named is untouched
    assert not link.is_symlink()
    assert target.read_text(encoding="utf-8") == "keep"


def test_a_new_run_folder_is_private_and_records_its_owner(temp_root):
    # Act
    folder = make_run_folder("membrane-pusher-soketi-")

    # Assert
    assert folder.parent == temp_root
    assert mode(folder) == 0o700
    assert mode(folder / OWNER_FILE) == 0o600
    record = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))
    assert [entry["pid"] for entry in record["processes"]] == [os.getpid()]


# --- stale folders ----------------------------------------------------------------


def test_only_folders_whose_processes_all_ended_are_removed(temp_root, ended_pid):
    # Arrange
    gone = ended_pid
    stale = left_folder(temp_root, "membrane-pusher-sandbox-stale", [gone])
    live = left_folder(temp_root, "membrane-pusher-sandbox-live", [os.getpid()])
    mixed = left_folder(temp_root, "membrane-pusher-soketi-mixed", [gone, os.getpid()])
    unrecorded = left_folder(temp_root, "membrane-pusher-soketi-new", None)
    foreign = left_folder(temp_root, "someone-else", [gone])

    # Act
    removed = remove_stale_run_folders()

    # Assert
    assert removed == [stale]
    assert not stale.exists()
    for kept in (live, mixed, unrecorded, foreign):
        assert kept.exists(), kept.name


def test_a_link_to_a_stale_folder_is_left_alone(temp_root, ended_pid):
    # Arrange: a folder that would be stale, reached through a run-folder name
    target = left_folder(temp_root, "elsewhere", [ended_pid])
    link = temp_root / "membrane-pusher-sandbox-link"
    link.symlink_to(target, target_is_directory=True)

    # Act
    removed = remove_stale_run_folders()

    # Assert
    assert removed == []
    assert link.is_symlink()
    assert (target / "config.json").exists()


def test_a_recycled_pid_does_not_keep_a_folder(temp_root):
    # Arrange: our pid, but recorded with another start time
    folder = left_folder(temp_root, "membrane-pusher-soketi-old", None)
    entry = {"pid": os.getpid(), "create_time": 1.0}
    (folder / OWNER_FILE).write_text(json.dumps({"processes": [entry]}))

    # Act
    removed = remove_stale_run_folders()

    # Assert
    assert removed == [folder]


def test_a_sandbox_start_removes_the_folder_of_a_killed_run(temp_root):
    # Arrange: an earlier run made its folder, then was killed outright
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, "membrane-pusher-sandbox-"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(temp_root)},
    )
    with reaped(holder):
        assert holder.stdout is not None
        left = temp_root / Path(holder.stdout.readline().strip()).name
        assert left.is_dir()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)

    # Act: soketi is missing, so this start fails, after the clean-up
    with pytest.raises(SandboxError):
        Sandbox(install_dir=temp_root / "no-soketi").start()

    # Assert
    assert not left.exists()
    assert not list(temp_root.glob("membrane-pusher-*"))


def test_a_running_detached_server_keeps_its_folder(temp_root, ended_pid):
    # Arrange: the owner is gone, but the server it recorded still runs
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    with reaped(server):
        folder = left_folder(temp_root, "membrane-pusher-soketi-detached", None)
        (folder / OWNER_FILE).write_text(
            json.dumps({"processes": [{"pid": ended_pid, "create_time": None}]})
        )
        record_process(folder, server.pid)

        # Act
        removed = remove_stale_run_folders()

    # Assert
    assert removed == []
    assert folder.exists()


def test_a_folder_of_another_user_is_left_alone(temp_root, monkeypatch, ended_pid):
    # Arrange
    folder = left_folder(temp_root, "membrane-pusher-soketi-theirs", [ended_pid])
    monkeypatch.setattr(os, "getuid", lambda: os.geteuid() + 1)

    # Act
    removed = remove_stale_run_folders()

    # Assert
    assert removed == []
    assert folder.exists()
