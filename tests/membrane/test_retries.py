"""Reads are retried on transient failures; runs and writes never are."""

from __future__ import annotations

import logging
import sys

import pytest

from membrane_pusher.errors import CommandFailedError, NotFoundError, OutputParseError
from membrane_pusher.membrane.client import MembraneClient
from membrane_pusher.membrane.models import ProxyRequest

PUSHER = "con_pusher_sandbox"
TRIGGER = "act_pusher_trigger_event"
EVENT = {"channels": ["c"], "name": "n", "data": "{}"}


@pytest.mark.parametrize(
    "fault",
    [
        {"garbage": True},
        {"signal": 9},
        {"exit_code": 1, "stderr": "Error: read ECONNRESET\n"},
        {"exit_code": 1, "stderr": "Error: Request failed with status code 503\n"},
        {"exit_code": 1, "stderr": "Error: 429 Too Many Requests\n"},
    ],
)
def test_a_read_is_retried_after_a_transient_failure(client, standin, fault):
    standin.set_faults([{"command": "connection list", "times": 1, **fault}])

    connections = client.list_connections()

    assert connections[0].id == PUSHER
    assert len(standin.calls("connection list")) == 2


def test_retries_stop_after_the_configured_number(client, standin):
    standin.set_faults([{"command": "action list", "garbage": True}])

    with pytest.raises(OutputParseError):
        client.list_actions(PUSHER, "send")

    assert len(standin.calls("action list")) == 3  # one attempt + read_retries=2


def test_not_found_is_not_retried(client, standin):
    with pytest.raises(NotFoundError):
        client.get_connection("con_missing")

    assert len(standin.calls("connection get")) == 1


@pytest.mark.parametrize("form", ["run", "act"])
@pytest.mark.parametrize("fault", [{"garbage": True}, {"signal": 9}, {"exit_code": 1}])
def test_a_run_is_never_retried(client, standin, form, fault):
    command = "act" if form == "act" else "action run"
    standin.set_faults([{"command": command, "times": 1, **fault}])

    with pytest.raises((CommandFailedError, OutputParseError)):
        client.run_action(TRIGGER, PUSHER, EVENT, form=form)

    assert len(standin.calls(command)) == 1


def test_a_post_request_is_never_retried(client, standin):
    standin.set_faults([{"command": "request", "times": 1, "signal": 9}])

    with pytest.raises(CommandFailedError):
        client.request(ProxyRequest(PUSHER, "/apps/1/events", method="POST", body={}))

    assert len(standin.calls("request")) == 1


def test_a_get_request_is_retried(client, standin):
    standin.set_faults([{"command": "request", "times": 1, "signal": 9}])

    response = client.request(ProxyRequest(PUSHER, "/apps/1/channels"))

    assert response.body == {"channels": {}}
    assert len(standin.calls("request")) == 2


def test_an_upstream_error_is_not_retried(client, standin):
    response = client.request(ProxyRequest(PUSHER, "/apps/1/nowhere"))

    assert response.status == 404
    assert len(standin.calls("request")) == 1


async def test_async_read_retry_and_no_async_run_retry(client, standin):
    standin.set_faults(
        [
            {"command": "connection get", "times": 1, "garbage": True},
            {"command": "action run", "times": 1, "garbage": True},
        ]
    )

    assert (await client.aget_connection(PUSHER)).id == PUSHER
    with pytest.raises(OutputParseError):
        await client.arun_action(TRIGGER, PUSHER, EVENT)

    assert len(standin.calls("connection get")) == 2
    assert len(standin.calls("action run")) == 1


@pytest.mark.parametrize("stderr", ["", "flaky\n", "Error: something odd\n"])
def test_a_bare_failure_of_a_read_is_not_retried(client, standin, stderr):
    # Arrange
    standin.set_faults(
        [{"command": "connection list", "exit_code": 1, "stderr": stderr}]
    )

    # Act
    with pytest.raises(CommandFailedError) as caught:
        client.list_connections()

    # Assert
    assert not caught.value.retryable
    assert len(standin.calls("connection list")) == 1
    assert "terminal" in caught.value.hint
    assert "MEMBRANE_CLI" in caught.value.hint


def test_a_program_that_just_fails_is_tried_once(tmp_path):
    # Arrange: a `MEMBRANE_CLI=false` that also counts its starts
    starts = tmp_path / "starts"
    program = tmp_path / "failing"
    program.write_text(
        f"#!{sys.executable}\n"
        f"open({str(starts)!r}, 'a').write('x')\n"
        "raise SystemExit(1)\n",
        encoding="utf-8",
    )
    program.chmod(0o755)
    client = MembraneClient(
        env={"MEMBRANE_CLI": str(program)}, read_retries=3, retry_wait=0.01
    )

    # Act
    with pytest.raises(CommandFailedError) as caught:
        client.list_connections()

    # Assert
    assert starts.read_text() == "x"
    assert caught.value.exit_code == 1
    assert "Try again" not in caught.value.hint


def test_a_standin_without_its_home_is_not_retried(standin, monkeypatch, caplog):
    # Arrange
    caplog.set_level(logging.INFO, logger="membrane_pusher.membrane")
    command = standin.env()["MEMBRANE_CLI"]
    monkeypatch.delenv("MEMBRANE_STANDIN_HOME")
    client = MembraneClient(
        env={"MEMBRANE_CLI": command}, read_retries=3, retry_wait=0.01
    )

    # Act
    with pytest.raises(CommandFailedError) as caught:
        client.list_connections()

    # Assert
    assert caught.value.exit_code == 3
    assert "MEMBRANE_STANDIN_HOME" in caught.value.message
    attempts = [r for r in caplog.records if r.levelno == logging.INFO]
    assert len(attempts) == 1


def test_a_connection_rate_limit_is_retried_not_a_broken_connection(client, standin):
    # Arrange
    body = {"type": "connection", "key": "rate_limit_exceeded", "message": "Slow down"}
    standin.set_faults([{"command": "connection list", "times": 1, "api_error": body}])

    # Act
    connections = client.list_connections()

    # Assert
    assert connections[0].id == PUSHER
    assert len(standin.calls("connection list")) == 2
