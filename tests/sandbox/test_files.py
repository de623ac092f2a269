"""The shared file helpers: atomic owner-only JSON writes and the exclusive lock.

Several stand-in processes write the same workspace at once, so the tests
race real processes against each other.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys

import pytest

from membrane_pusher.sandbox.files import locked, write_json_atomic
from membrane_pusher.sandbox.sandbox import SANDBOX_CONNECTION_ID
from membrane_pusher.sandbox.standin.defaults import PUSHER_CONNECTION_ID
from membrane_pusher.sandbox.standin.state import Store
from membrane_pusher.sandbox.standin.workspace import (
    StandinWorkspace,
    default_workspace,
)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_json_file_is_written_whole_and_for_the_owner_only(tmp_path):
    # Arrange
    path = tmp_path / "deep" / "state.json"

    # Act
    write_json_atomic(path, {"secret": "s", "text": "Déployé"})

    # Assert
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "secret": "s",
        "text": "Déployé",
    }
    assert mode(path) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.json"]


def test_another_mode_can_be_asked_for(tmp_path):
    path = tmp_path / "open.json"

    write_json_atomic(path, [], mode=0o644)

    assert mode(path) == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    # Arrange
    path = tmp_path / "state.json"
    write_json_atomic(path, {"v": 1})

    # Act
    with pytest.raises(TypeError):
        write_json_atomic(path, {"v": object()})

    # Assert
    assert json.loads(path.read_text()) == {"v": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_the_stand_in_workspace_files_are_for_the_owner_only(tmp_path):
    # Arrange: the workspace holds the sandbox's app secret
    workspace = StandinWorkspace(tmp_path / "ws")
    data = {**default_workspace(), "upstream": {"secret": "sk-1"}}

    # Act
    workspace.write(data)
    workspace.set_faults([{"command": "*", "sleep": 0}])
    Store(workspace.path).save_workspace(data)

    # Assert
    assert mode(workspace.path / "workspace.json") == 0o600
    assert mode(workspace.path / "faults.json") == 0o600


WRITER = """
import sys
from pathlib import Path
from membrane_pusher.sandbox.files import locked, write_json_atomic

folder = Path(sys.argv[1])
for round_ in range(40):
    write_json_atomic(folder / "shared.json", {"writer": sys.argv[2], "n": round_})
    with locked(folder / ".lock"):
        counter = folder / "counter"
        value = int(counter.read_text()) if counter.exists() else 0
        counter.write_text(str(value + 1))
"""


def test_concurrent_writers_never_clash(tmp_path):
    # Act: four processes write the same file and count under the lock
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(index)])
        for index in range(4)
    ]
    codes = [writer.wait(timeout=60) for writer in writers]

    # Assert
    assert codes == [0, 0, 0, 0]
    assert json.loads((tmp_path / "shared.json").read_text())["n"] == 39
    assert (tmp_path / "counter").read_text() == "160"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".lock", "counter", "shared.json"]


def test_the_lock_is_released_after_an_error(tmp_path):
    # Arrange
    lock = tmp_path / ".lock"

    # Act
    with pytest.raises(RuntimeError), locked(lock):
        raise RuntimeError

    # Assert: taking it again does not block
    with locked(lock):
        pass


def test_the_sandbox_environment_and_connection_come_from_one_place(tmp_path):
    workspace = StandinWorkspace(tmp_path / "ws")

    env = workspace.env(app_id="777")

    assert env["PUSHER_APP_ID"] == "777"
    assert env["MEMBRANE_STANDIN_HOME"] == str(tmp_path / "ws")
    assert "PUSHER_APP_ID" not in workspace.env()
    assert SANDBOX_CONNECTION_ID == PUSHER_CONNECTION_ID
