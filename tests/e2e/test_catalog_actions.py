"""Catalog actions on a real soketi: Pusher's rules hold before anything is sent.

The toolkit's catalog tools run through the stand-in, which forwards each
action to the session's soketi; refused calls must start no action run, and
what soketi refuses must come back as a failed run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from membrane_pusher.errors import ActionFailedError

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.soketi

WIDE_DATA = "é" * 6000  # fits the schema's 10,240 characters, not 10,240 bytes


def catalog_trigger(pusher_sandbox):
    toolkit = pusher_sandbox.toolkit(intents=("trigger an event",))
    return next(
        tool
        for tool in toolkit.get_tools()
        if (tool.metadata or {}).get("membrane_action_key") == "trigger-event"
    )


def tool_call(tool, args):
    return {"type": "tool_call", "id": "call-1", "name": tool.name, "args": args}


async def test_catalog_trigger_is_delivered(pusher_sandbox):
    # Arrange
    tool = catalog_trigger(pusher_sandbox)
    args = {"channels": ["catalog-chain"], "name": "built", "data": '{"v":1}'}
    async with pusher_sandbox.subscriber() as sub:
        await sub.subscribe("catalog-chain")

        # Act
        message = await tool.ainvoke(tool_call(tool, args))
        event = await sub.wait_for(event="built", timeout=10)

    # Assert
    assert message.status == "success", message.content
    assert event.json() == {"v": 1}


async def test_oversized_catalog_data_is_refused_before_sending(pusher_sandbox):
    # Arrange
    tool = catalog_trigger(pusher_sandbox)
    pusher_sandbox.workspace.clear_calls()
    args = {"channels": ["catalog-refused"], "name": "big", "data": WIDE_DATA}
    async with pusher_sandbox.subscriber() as sub:
        await sub.subscribe("catalog-refused")

        # Act
        message = await tool.ainvoke(tool_call(tool, args))
        with pytest.raises(TimeoutError):
            await sub.wait_for(timeout=0.5)

    # Assert
    assert message.status == "error"
    (problem,) = json.loads(message.content)["error"]["problems"]
    assert problem.startswith("data: payload too large: 12000 > 10240 bytes")
    assert pusher_sandbox.workspace.calls("action run") == []
    assert sub.received == []


def test_soketis_refusal_of_an_unchecked_run_is_a_failed_run(pusher_sandbox):
    # Arrange: the client itself runs the action, without the tool's check
    client = pusher_sandbox.client()
    payload = {"channels": ["catalog-raw"], "name": "big", "data": WIDE_DATA}

    # Act
    with pytest.raises(ActionFailedError) as caught:
        client.run_action("trigger-event", pusher_sandbox.connection_id, payload)

    # Assert
    assert caught.value.error_key == "upstream_error"
    assert "10 KB" in str(caught.value)
    assert "413" in str(caught.value)


def catalog_tool(pusher_sandbox, intent, key):
    toolkit = pusher_sandbox.toolkit(intents=(intent,))
    return next(
        tool
        for tool in toolkit.get_tools()
        if (tool.metadata or {}).get("membrane_action_key") == key
    )


def test_catalog_reads_of_an_encrypted_channel_reach_soketi(pusher_sandbox):
    # Arrange
    tool = catalog_tool(pusher_sandbox, "get channel information", "get-channel-info")
    pusher_sandbox.workspace.clear_calls()

    # Act
    message = tool.invoke(tool_call(tool, {"channel": "private-encrypted-x"}))

    # Assert
    assert message.status == "success", message.content
    assert json.loads(message.content)["occupied"] is False
    assert len(pusher_sandbox.workspace.calls("action run")) == 1


TERMINATE = [
    "call",
    "terminate-user-connections",
    "--sandbox",
    "--intent",
    "disconnect a user",
    "--input",
    '{"user_id": "admin"}',
    "--json",
]


def run_cli(args: list[str], tmp_path: Path, install_dir: Path):
    env = {
        **os.environ,
        "MEMBRANE_PUSHER_SANDBOX_DIR": str(install_dir),
        "MEMBRANE_PUSHER_STATE_DIR": str(tmp_path / "state"),
        "TMPDIR": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "-m", "membrane_pusher.cli", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
        check=False,
    )


def test_catalog_terminate_needs_a_yes_without_a_terminal(
    tmp_path, pusher_sandbox_install_dir
):
    # Act
    refused = run_cli(TERMINATE, tmp_path, pusher_sandbox_install_dir)
    allowed = run_cli([*TERMINATE, "--yes"], tmp_path, pusher_sandbox_install_dir)

    # Assert
    assert refused.returncode == 1, refused.stdout + refused.stderr
    error = json.loads(refused.stdout)["error"]
    assert error["type"] == "confirmation_denied"
    assert "terminate-user-connections" in error["message"]
    assert "--yes" in error["hint"]
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert json.loads(allowed.stdout)["ok"] is True
