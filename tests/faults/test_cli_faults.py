"""The Membrane CLI failing in every way the stand-in can fail.

For each fault: the specific error class (raised by the client, or the tool
error the model sees), a message that says what happened, no hang (bounded
time), no process left behind (`no_leftovers`), and for action runs exactly
one attempt in the stand-in's call log.
"""

from __future__ import annotations

import json
import signal
import time
from typing import Any

import pytest

from fake_membrane import add_note_action, note_action
from membrane_pusher.errors import (
    ActionFailedError,
    CLINotFoundError,
    CLITimeoutError,
    CommandFailedError,
    NotLoggedInError,
    OutputParseError,
)
from membrane_pusher.membrane.client import MembraneClient
from membrane_pusher.tools.action_tool import action_tool

CONNECTION_ID = "con_pusher_sandbox"
ACTION_ID = "act_pusher_trigger_event"
# No fault that answers at once may take longer than this, even on a busy machine.
PROMPT_SECONDS = 10.0
API_ERROR = {
    "type": "bad_request",
    "key": "rate_limit_exceeded",
    "message": "Too many requests to Pusher",
    "data": {"retryAfter": 3},
}


@pytest.fixture
def note_tool(standin):
    """An action tool on the stand-in, with a 2 s timeout."""
    return action_tool(
        add_note_action(standin), standin.client(timeout=2.0), CONNECTION_ID
    )


def _run(tool: Any) -> Any:
    return tool.invoke(
        {"name": tool.name, "args": {"text": "hi"}, "id": "c1", "type": "tool_call"}
    )


def _tool_error(message: Any) -> dict[str, Any]:
    assert message.status == "error", message.content
    error: dict[str, Any] = json.loads(message.content)["error"]
    assert error["message"]
    assert error["hint"]
    return error


# --- CLI missing ----------------------------------------------------------------


def test_cli_missing_from_a_configured_path_is_a_setup_error(
    monkeypatch, tmp_path, within
):
    # Arrange
    monkeypatch.setenv("MEMBRANE_CLI", str(tmp_path / "no" / "membrane"))
    client = MembraneClient()

    # Act
    with within(PROMPT_SECONDS), pytest.raises(CLINotFoundError) as raised:
        client.list_connections()

    # Assert
    assert "not an executable" in raised.value.message
    assert "npm install -g @membranehq/cli" in raised.value.hint


def test_cli_missing_everywhere_is_a_setup_error(monkeypatch, tmp_path, within):
    # Arrange
    monkeypatch.delenv("MEMBRANE_CLI", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))

    # Act
    with within(PROMPT_SECONDS), pytest.raises(CLINotFoundError) as raised:
        MembraneClient().version()

    # Assert
    assert "not found" in raised.value.message
    assert "MEMBRANE_CLI" in raised.value.hint


def test_cli_that_vanishes_raises_from_the_tool_instead_of_blaming_the_model(
    monkeypatch, tmp_path, within
):
    # Arrange
    program = tmp_path / "membrane"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    client = MembraneClient(command=[str(program)])
    tool = action_tool(note_action(), client, CONNECTION_ID)
    program.unlink()

    # Act: a setup problem is not a tool error the model could fix
    with within(PROMPT_SECONDS), pytest.raises(CLINotFoundError) as raised:
        _run(tool)

    # Assert
    assert str(program) in raised.value.message
    assert "npm install -g @membranehq/cli" in raised.value.hint


# --- exit codes and error bodies --------------------------------------------------


def test_exit_1_with_a_json_error_body_is_an_action_failure(
    standin, note_tool, no_leftovers, within
):
    # Arrange
    standin.set_faults([{"command": "action run", "api_error": API_ERROR}])

    # Act
    with within(PROMPT_SECONDS):
        error = _tool_error(_run(note_tool))

    # Assert
    assert error["type"] == "action_failed"
    assert error["error_type"] == "bad_request"
    assert error["error_key"] == "rate_limit_exceeded"
    assert "Too many requests" in error["message"]
    assert error["action_run_id"].startswith("arl")
    assert len(standin.calls("action run")) == 1


def test_exit_1_with_the_error_body_on_stderr_is_an_action_failure(
    standin, no_leftovers, within
):
    # Arrange
    standin.set_faults(
        [{"command": "action run", "exit_code": 1, "stderr": json.dumps(API_ERROR)}]
    )

    # Act
    with within(PROMPT_SECONDS), pytest.raises(ActionFailedError) as raised:
        standin.client().run_action(ACTION_ID, CONNECTION_ID, {"text": "x"})

    # Assert
    assert "Too many requests to Pusher" in raised.value.message
    assert raised.value.error_key == "rate_limit_exceeded"
    assert raised.value.exit_code == 1
    assert len(standin.calls("action run")) == 1


def test_exit_1_without_a_body_is_a_command_failure(
    standin, note_tool, no_leftovers, within
):
    # Arrange
    standin.set_faults(
        [{"command": "action run", "exit_code": 1, "stderr": "Error: socket hang up\n"}]
    )

    # Act
    with within(PROMPT_SECONDS):
        error = _tool_error(_run(note_tool))

    # Assert
    assert error["type"] == "command_failed"
    assert "socket hang up" in error["message"]
    assert len(standin.calls("action run")) == 1


def test_exit_1_silently_is_a_command_failure_with_the_exit_code(
    standin, no_leftovers, within
):
    # Arrange
    standin.set_faults([{"command": "action run", "exit_code": 1}])

    # Act
    with within(PROMPT_SECONDS), pytest.raises(CommandFailedError) as raised:
        standin.client().run_action(ACTION_ID, CONNECTION_ID, {"text": "x"})

    # Assert
    assert type(raised.value) is CommandFailedError
    assert raised.value.kind == "command_failed"
    assert raised.value.exit_code == 1
    assert "`membrane action run` failed with exit code 1" in raised.value.message
    assert len(standin.calls("action run")) == 1


def test_not_logged_in_raises_with_the_login_command(
    standin, note_tool, no_leftovers, within
):
    # Arrange
    standin.set_faults([{"command": "action run", "not_logged_in": True}])

    # Act
    with within(PROMPT_SECONDS), pytest.raises(NotLoggedInError) as raised:
        _run(note_tool)

    # Assert
    assert "membrane login --tenant" in f"{raised.value.message} {raised.value.hint}"
    assert len(standin.calls("action run")) == 1


# --- unparseable output -----------------------------------------------------------


@pytest.mark.parametrize("fault", ["garbage", "truncated_json"])
def test_unparseable_output_of_a_run_is_a_parse_error_and_not_retried(
    fault, standin, note_tool, no_leftovers, within
):
    # Arrange
    standin.set_faults([{"command": "action run", fault: True}])

    # Act
    with within(PROMPT_SECONDS):
        error = _tool_error(_run(note_tool))

    # Assert
    assert error["type"] == "unparseable_output"
    assert "`membrane action run` printed output that is not JSON" in error["message"]
    assert "may still have taken effect" in error["hint"]
    assert len(standin.calls("action run")) == 1


@pytest.mark.parametrize("fault", ["garbage", "truncated_json"])
def test_unparseable_output_of_a_read_is_a_parse_error(
    fault, standin, no_leftovers, within
):
    # Arrange
    standin.set_faults([{"command": "connection list", fault: True}])

    # Act
    with within(PROMPT_SECONDS), pytest.raises(OutputParseError) as raised:
        standin.client(read_retries=1).list_connections()

    # Assert
    assert "`membrane connection list` printed output that is not JSON" in (
        raised.value.message
    )
    assert 1 <= len(standin.calls("connection list")) <= 2, "one retry at most"


# --- slow answers -----------------------------------------------------------------


def test_a_run_slower_than_the_timeout_is_killed_with_its_children(
    standin, note_tool, no_leftovers
):
    # Arrange
    standin.set_faults([{"command": "action run", "sleep": 30, "spawn_children": 2}])

    # Act
    started = time.monotonic()
    error = _tool_error(_run(note_tool))
    elapsed = time.monotonic() - started

    # Assert
    assert error["type"] == "timeout"
    assert "did not answer within 2 s" in error["message"]
    assert elapsed < 6
    assert len(standin.calls("action run")) == 1


async def test_an_async_run_slower_than_the_timeout_is_killed(
    standin, note_tool, no_leftovers
):
    # Arrange
    standin.set_faults([{"command": "action run", "sleep": 30, "spawn_children": 1}])

    # Act
    started = time.monotonic()
    message = await note_tool.ainvoke(
        {"name": note_tool.name, "args": {"text": "x"}, "id": "c1", "type": "tool_call"}
    )

    # Assert
    assert _tool_error(message)["type"] == "timeout"
    assert time.monotonic() - started < 6
    assert len(standin.calls("action run")) == 1


def test_a_slow_read_times_out_after_bounded_retries(standin, no_leftovers):
    # Arrange
    standin.set_faults([{"command": "connection list", "sleep": 30}])
    client = standin.client(timeout=0.5, read_retries=2)

    # Act
    started = time.monotonic()
    with pytest.raises(CLITimeoutError) as raised:
        client.list_connections()

    # Assert
    assert "`membrane connection list` did not answer within 0.5 s" in (
        raised.value.message
    )
    assert time.monotonic() - started < 10
    # read_retries counts retries after the first attempt
    assert 1 <= len(standin.calls("connection list")) <= 3


# --- huge answers -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(90)
def test_a_50_mb_answer_is_cut_for_the_model_and_kept_whole_in_the_artifact(
    standin, no_leftovers
):
    # Arrange
    action = add_note_action(standin)
    standin.set_faults([{"command": "action run", "huge_bytes": 50_000_000}])
    client = standin.client(timeout=60.0)
    tool = action_tool(action, client, CONNECTION_ID, max_output_chars=4000)

    # Act
    started = time.monotonic()
    message = _run(tool)

    # Assert
    assert time.monotonic() - started < 60
    assert len(standin.calls("action run")) == 1
    assert message.status == "success"
    shown = json.loads(message.content)
    assert len(message.content) <= 4000
    assert shown["truncated"]["total_chars"] > 49_000_000
    assert message.artifact["truncated"]["total_chars"] > 49_000_000
    assert len(message.artifact["output"]) == 50_000_000


# --- killed by a signal -----------------------------------------------------------


@pytest.mark.parametrize("number", [signal.SIGKILL, signal.SIGTERM, signal.SIGSEGV])
def test_a_run_killed_by_a_signal_is_a_command_failure(
    number, standin, note_tool, no_leftovers, within
):
    # Arrange
    standin.set_faults([{"command": "action run", "signal": int(number)}])

    # Act
    with within(PROMPT_SECONDS):
        error = _tool_error(_run(note_tool))

    # Assert
    assert error["type"] == "command_failed"
    assert (
        f"`membrane action run` was killed by signal {int(number)}"
        in (error["message"])
    )
    assert len(standin.calls("action run")) == 1


def test_a_signal_on_a_run_raises_with_a_negative_exit_code(
    standin, no_leftovers, within
):
    # Arrange
    standin.set_faults([{"command": "action run", "signal": int(signal.SIGKILL)}])

    # Act
    with within(PROMPT_SECONDS), pytest.raises(CommandFailedError) as raised:
        standin.client().run_action(ACTION_ID, CONNECTION_ID, {"text": "x"})

    # Assert
    assert raised.value.exit_code == -signal.SIGKILL
    assert len(standin.calls("action run")) == 1
