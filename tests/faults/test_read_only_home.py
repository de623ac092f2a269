"""HOME, the XDG folders and every cache location cannot be written.

Tests run as root, which ignores permission bits, so the "read-only" locations
sit under a regular file: every mkdir or open there fails with ENOTDIR whoever
runs it. The stand-in keeps its own workspace elsewhere (tmp_path/standin), as
a real `membrane` keeps its own config. The cache only ever saves time: tools
still build and run, the failure is one warning, and the command line says
what to do.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import Any

import pytest

from membrane_pusher.pusher.toolkit import PusherToolkit

APP_ID = "4242"
CLI_TIMEOUT = 60
PROMPT_SECONDS = 20.0


@pytest.fixture
def read_only_home(tmp_path, monkeypatch):
    """Point HOME, XDG_* and the package's own folders under a regular file."""
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("not a folder")
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(blocker / name.lower()))
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "xdg_data_home"))
    monkeypatch.setenv("MEMBRANE_PUSHER_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("MEMBRANE_PUSHER_STATE_DIR", raising=False)
    return blocker


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `membrane-pusher ARGS` in a fresh process with the test's environment."""
    return subprocess.run(
        [sys.executable, "-m", "membrane_pusher.cli", *args],
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


def _build_and_trigger(standin) -> tuple[dict[str, Any], Any]:
    """Build the default toolkit (connection found, default intents), then call it."""
    toolkit = PusherToolkit(app_id=APP_ID, client=standin.client())
    tools = {tool.name: tool for tool in toolkit.get_tools()}
    message = tools["pusher_trigger_event"].invoke(
        {
            "name": "pusher_trigger_event",
            "args": {"channels": ["deploys"], "event": "done", "data": "ok"},
            "id": "call_1",
            "type": "tool_call",
        }
    )
    return tools, message


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_tools_build_and_run_through_the_stand_in(
    standin, read_only_home, caplog, no_leftovers, within
):
    # Act
    with within(PROMPT_SECONDS), caplog.at_level(logging.WARNING):
        tools, message = _build_and_trigger(standin)

    # Assert
    assert len(tools) > 8, "catalog actions are listed afresh, not lost"
    assert message.status != "error", message.content
    [sent] = standin.calls("request")
    assert sent["body"]["channels"] == ["deploys"]
    warnings = _warnings(caplog)
    assert warnings
    assert all("cache" in line for line in warnings), warnings
    assert all(str(read_only_home) in line for line in warnings), warnings


def test_an_unwritable_cache_is_one_warning(
    standin, read_only_home, caplog, no_leftovers, within
):
    # Act
    with within(PROMPT_SECONDS), caplog.at_level(logging.WARNING):
        _build_and_trigger(standin)

    # Assert
    assert len(_warnings(caplog)) == 1, _warnings(caplog)


def test_doctor_reports_the_cache_as_not_writable(standin, read_only_home):
    # Act
    outcome = _cli("doctor", "--json", "--app-id", APP_ID)

    # Assert: the cache is optional, so a warning only; exit 0 (see `doctor --help`)
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    report = json.loads(outcome.stdout)
    assert report["ok"] is True
    [cache] = [check for check in report["checks"] if check["name"] == "cache"]
    assert cache["status"] == "warn"
    assert "not writable" in cache["detail"]
    assert "MEMBRANE_PUSHER_CACHE_DIR" in cache["fix"]
    assert "Traceback" not in outcome.stderr


def test_sandbox_status_names_the_unusable_state_folder(read_only_home):
    # Act
    outcome = _cli("sandbox", "status", "--json")

    # Assert: a set-up error (exit 6), not "no sandbox is running"
    assert outcome.returncode == 6, outcome.stdout + outcome.stderr
    error = json.loads(outcome.stdout)["error"]
    assert error["type"] == "sandbox_error"
    assert "state folder" in error["message"]
    assert str(read_only_home) in error["message"]
    assert "MEMBRANE_PUSHER_STATE_DIR" in error["hint"]
    assert "Traceback" not in outcome.stderr


def test_sandbox_down_refuses_the_unusable_state_folder_cleanly(read_only_home):
    # Act
    outcome = _cli("sandbox", "down", "--json")

    # Assert
    assert outcome.returncode == 6, outcome.stdout + outcome.stderr
    assert json.loads(outcome.stdout)["error"]["type"] == "sandbox_error"
    assert "Traceback" not in outcome.stderr
