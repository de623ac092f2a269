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
from membrane_pusher.membrane.models import ProxyRequest
from membrane_pusher.membrane.output import try_json
from membrane_pusher.membrane.parsing import connection_not_ready

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

    # A new connection that needs the user comes back as it is: the caller
    # (`membrane-pusher connect`) shows the URL and waits for READY.
    connection = client.connect("cnt_pusher")

    assert connection.state == "CLIENT_ACTION_REQUIRED"
    assert not connection.is_ready
    assert connection.client_action is not None
    assert connection.client_action.ui_url == "https://ui.example/c"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_connection("con_missing"),
        lambda c: c.run_action("act_missing", PUSHER, {}),
        lambda c: c.list_actions("con_missing", "send"),
        lambda c: c.connect("cnt_missing"),
        lambda c: c.request(ProxyRequest("con_missing", "/apps/1/channels")),
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

    with pytest.raises(CommandFailedError) as caught:
        client.run_action(TRIGGER, PUSHER, EVENT)

    assert caught.value.exit_code == -9
    assert caught.value.retryable


@pytest.mark.parametrize("fault", [{"garbage": True}, {"truncated_json": True}])
def test_unparseable_output(client, standin, fault):
    standin.set_faults([{"command": "connection list", **fault}])

    with pytest.raises(OutputParseError) as caught:
        client.list_connections()

    assert "membrane --version" in caught.value.hint


def test_control_characters_in_garbage_never_reach_the_message(client, standin):
    garbage = "oops \x1b[31mred\x1b[0m \u202eevil\x00 end"
    standin.set_faults(
        [{"command": "connection list", "exit_code": 0, "stdout": garbage}]
    )

    with pytest.raises(OutputParseError) as caught:
        client.list_connections()

    text = f"{caught.value.message} {caught.value.hint}"
    assert "red" in text
    assert not any(c in text for c in "\x1b\u202e\x00")


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


@pytest.mark.parametrize(
    "text",
    [
        '[notice] new version\n{"a": 1}',
        '{\n  "a": 1\n}',
        "Update available\n[\n  1,\n  2\n]",
    ],
)
def test_one_document_after_notices_is_read(text):
    assert try_json(text) is not ...


@pytest.mark.parametrize(
    "text",
    [
        '{"channels": {}}\n{"channels": {"x": {}}}',
        'notice\n{"a": 1}\n{"a": 2}',
        '{"a": 1}\ntrailing words',
    ],
)
def test_several_documents_are_no_answer(text):
    assert try_json(text) is ...


@pytest.mark.parametrize(
    "stderr",
    [
        "upstream answered 401 Unauthorized\n",
        "Error: client disconnected\n",
        "Error: please reconnect the websocket client\n",
    ],
)
def test_an_upstream_message_in_a_run_is_not_a_setup_error(client, standin, stderr):
    # Arrange
    standin.set_faults([{"command": "action run", "exit_code": 1, "stderr": stderr}])

    # Act
    with pytest.raises(CommandFailedError) as caught:
        client.run_action(TRIGGER, PUSHER, EVENT)

    # Assert
    assert type(caught.value) is CommandFailedError
    assert stderr.strip() in caught.value.message
    assert not caught.value.retryable


def test_membrane_wording_of_a_connection_that_is_not_ready(client, standin):
    # Arrange
    stderr = "Error: Connection con_pusher_sandbox is not ready (DISCONNECTED)\n"
    standin.set_faults([{"command": "action run", "exit_code": 1, "stderr": stderr}])

    # Act
    with pytest.raises(ConnectionNotReadyError) as caught:
        client.run_action(TRIGGER, PUSHER, EVENT)

    # Assert
    assert caught.value.connection_id == PUSHER
    assert caught.value.message.startswith(f"Connection {PUSHER} is not ready")


def test_a_not_ready_message_without_an_id_reads_well():
    # Act
    error = connection_not_ready(None, "CLIENT_ACTION_REQUIRED", None)

    # Assert
    assert error.message == (
        "The connection is not ready (state: CLIENT_ACTION_REQUIRED)."
    )
    assert "Connection The connection" not in str(error)


@pytest.mark.parametrize("form", ["run", "act"])
def test_an_api_error_body_with_exit_0_is_an_action_failure(client, standin, form):
    # Arrange
    body = {
        "error": {
            "type": "action_run",
            "key": "upstream_error",
            "message": "Pusher refused the event",
            "data": {"status": 400},
        },
        "actionRunId": "arl_exit0",
    }
    command = "act" if form == "act" else "action run"
    standin.set_faults(
        [{"command": command, "exit_code": 0, "stdout": json.dumps(body)}]
    )

    # Act
    with pytest.raises(ActionFailedError) as caught:
        client.run_action(TRIGGER, PUSHER, EVENT, form=form)

    # Assert
    assert caught.value.action_run_id == "arl_exit0"
    assert caught.value.error_key == "upstream_error"
    assert caught.value.data == {"status": 400}
    assert caught.value.exit_code == 0


def test_an_output_that_merely_holds_an_error_field_is_kept(client, standin):
    # Arrange: the run's own output, printed alone, has an `error` field
    output = {"error": {"type": "x", "message": "a field of the data"}, "n": 1}
    standin.set_faults(
        [{"command": "action run", "exit_code": 0, "stdout": json.dumps(output)}]
    )

    # Act
    result = client.run_action(TRIGGER, PUSHER, EVENT)

    # Assert
    assert result.output == output


def test_a_401_from_membranes_own_api_is_a_lost_login(client, standin):
    # Arrange
    stderr = "Error: Request failed with status code 401\n"
    standin.set_faults(
        [{"command": "connection list", "exit_code": 1, "stderr": stderr}]
    )

    # Act / Assert
    with pytest.raises(NotLoggedInError):
        client.list_connections()
