"""Each failure becomes the right error, with a short message and a next step."""

from __future__ import annotations

import json

import pytest

from membrane_pusher.errors import (
    ActionFailedError,
    CommandFailedError,
    ConnectionNotReadyError,
    NotFoundError,
    NotLoggedInError,
    OutputParseError,
)
from membrane_pusher.membrane.parsing import TransientCommandError, try_json

PUSHER = "con_pusher_sandbox"
TRIGGER = "act_pusher_trigger_event"
EVENT = {"channels": ["c"], "name": "n", "data": "{}"}


def test_not_logged_in_from_stderr_text(client, standin):
    standin.update(loggedIn=False)

    with pytest.raises(NotLoggedInError) as caught:
        client.list_connections()

    assert "membrane login --tenant" in caught.value.hint


def test_not_logged_in_from_a_json_body(client, standin):
    body = json.dumps(
        {"type": "bad_request", "key": "not_authenticated", "message": "Token expired"}
    )
    standin.set_faults([{"command": "action list", "stdout": body}])

    with pytest.raises(NotLoggedInError) as caught:
        client.list_actions(PUSHER, "send")

    assert "membrane login --tenant" in caught.value.hint


def test_not_logged_in_fault(client, standin):
    standin.set_faults([{"command": "action run", "not_logged_in": True}])

    with pytest.raises(NotLoggedInError):
        client.run_action(TRIGGER, PUSHER, EVENT)


def test_connection_not_ready_carries_the_client_action_url(client):
    with pytest.raises(ConnectionNotReadyError) as caught:
        client.run_action("anything", "con_slack_pending", {})

    assert caught.value.url == "https://ui.standin.invalid/connect/con_slack_pending"
    assert caught.value.state == "CLIENT_ACTION_REQUIRED"
    assert caught.value.url in caught.value.hint


def test_connect_to_a_connection_that_is_not_ready(client, standin):
    body = (
        '{"id": "con_x", "state": "CLIENT_ACTION_REQUIRED",'
        ' "clientAction": {"uiUrl": "https://ui.example/c"}}'
    )
    standin.set_faults([{"command": "connect", "exit_code": 0, "stdout": body}])

    with pytest.raises(ConnectionNotReadyError) as caught:
        client.connect("cnt_pusher")

    assert caught.value.url == "https://ui.example/c"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_connection("con_missing"),
        lambda c: c.run_action("act_missing", PUSHER, {}),
        lambda c: c.list_actions("con_missing", "send"),
        lambda c: c.connect("cnt_missing"),
        lambda c: c.request("con_missing", "/apps/1/channels"),
    ],
)
def test_not_found(client, call):
    with pytest.raises(NotFoundError) as caught:
        call(client)

    assert "not found" in caught.value.message.lower()
    assert caught.value.hint


def test_not_found_from_stderr_text(client, standin):
    standin.set_faults(
        [
            {
                "command": "connection get",
                "exit_code": 1,
                "stderr": "Error: Connection does not exist\n",
            }
        ]
    )

    with pytest.raises(NotFoundError):
        client.get_connection("con_1")


def test_action_failed_carries_the_api_error_body(client, standin):
    api_error = {
        "type": "action_run",
        "key": "upstream_error",
        "message": "Pusher answered 413",
        "data": {"limit": 10240},
    }
    standin.set_faults([{"command": "action run", "api_error": api_error}])

    with pytest.raises(ActionFailedError) as caught:
        client.run_action(TRIGGER, PUSHER, EVENT)

    error = caught.value
    assert (error.error_type, error.error_key, error.data) == (
        "action_run",
        "upstream_error",
        {"limit": 10240},
    )
    assert error.action_run_id.startswith("arl_")
    assert error.action_run_id in error.hint
    assert error.exit_code == 1


def test_invalid_input_is_an_action_failure_with_a_run_id(client):
    with pytest.raises(ActionFailedError) as caught:
        client.run_action(TRIGGER, PUSHER, {"channels": ["c"]}, form="act")

    assert caught.value.error_key == "invalid_input"
    assert "name" in caught.value.message


def test_error_body_on_stderr_is_read_when_stdout_is_empty(client, standin):
    error = {"type": "action_run", "key": "boom", "message": "It broke"}
    body = json.dumps({"error": error, "actionRunId": "arl_9"})
    standin.set_faults([{"command": "act", "exit_code": 1, "stderr": body}])

    with pytest.raises(ActionFailedError) as caught:
        client.run_action(TRIGGER, PUSHER, EVENT, form="act")

    assert caught.value.action_run_id == "arl_9"


def test_exit_code_without_a_known_cause(client, standin):
    standin.set_faults(
        [{"command": "action run", "exit_code": 7, "stderr": "segfault-ish\n"}]
    )

    with pytest.raises(CommandFailedError) as caught:
        client.run_action(TRIGGER, PUSHER, EVENT)

    assert caught.value.exit_code == 7
    assert "segfault-ish" in caught.value.message


def test_killed_by_a_signal(client, standin):
    standin.set_faults([{"command": "action run", "signal": 9}])

    with pytest.raises(TransientCommandError) as caught:
        client.run_action(TRIGGER, PUSHER, EVENT)

    assert caught.value.exit_code == -9


@pytest.mark.parametrize("fault", [{"garbage": True}, {"truncated_json": True}])
def test_unparseable_output(client, standin, fault):
    standin.set_faults([{"command": "connection list", **fault}])

    with pytest.raises(OutputParseError) as caught:
        client.list_connections()

    assert "membrane --version" in caught.value.hint


def test_json_of_the_wrong_shape(client, standin):
    standin.set_faults(
        [{"command": "connection list", "exit_code": 0, "stdout": '"text"'}]
    )

    with pytest.raises(OutputParseError):
        client.list_connections()


def test_huge_answer_is_read_whole(client, standin):
    standin.set_faults([{"command": "action run", "huge_bytes": 3_000_000}])

    result = client.run_action(TRIGGER, PUSHER, EVENT)

    assert len(result.output) == 3_000_000


def test_errors_serialise_to_a_json_envelope(client, standin):
    standin.update(loggedIn=False)

    with pytest.raises(NotLoggedInError) as caught:
        client.list_connections()

    assert caught.value.to_dict()["type"] == "not_logged_in"


def test_json_after_a_notice_line_may_hold_unicode_line_separators():
    document = {"data": "one\u2028two\x85three"}
    text = "Update available: 1.2.3\n" + json.dumps(document, ensure_ascii=False)

    assert try_json(text) == document
