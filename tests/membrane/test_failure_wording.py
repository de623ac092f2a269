"""Membrane's own failure wording is recognised; the same words quoted are not.

A lost login or a connection that is not ready is a broken set-up that the
model cannot fix; an action error that merely quotes such words is the
action's failure, which the model can. These tests hold both directions:
the CLI's own lines still count, and the words inside a longer action error
(or a later line of a run's output) do not.
"""

from __future__ import annotations

import json

import pytest

from membrane_pusher.errors import (
    ActionFailedError,
    CommandFailedError,
    ConnectionNotReadyError,
    NotLoggedInError,
)
from membrane_pusher.membrane.failure_text import (
    headline,
    names_lost_login,
    not_ready_in,
)
from membrane_pusher.membrane.models import ProxyRequest

PUSHER = "con_pusher_sandbox"
TRIGGER = "act_pusher_trigger_event"
EVENT = {"channels": ["c"], "name": "n", "data": "{}"}

# --- lost login ---------------------------------------------------------------

MEMBRANE_LOGIN_LINES = [
    "Error: Not logged in. Run `membrane login --tenant` to log in.\n",
    "Not logged in\n",
    "You are not logged in.\n",
    "error: you're not logged in\n",
    "Please run `membrane login --tenant` first.\n",
    "Run membrane login to continue\n",
    "\u2716 Not logged in\n",
    "  Error:   Not logged in\n",
    (
        "(node:4242) [DEP0040] DeprecationWarning: punycode is deprecated\n"
        "(Use `node --trace-deprecation ...` to show where the warning was created)\n"
        "Error: Not logged in.\n"
    ),
    (
        "npm warn exec The following package was not found and will be installed\n"
        "Not logged in\n"
    ),
]

QUOTED_LOGIN_WORDS = [
    "Error: field 'login' is required\n",
    "Error: Action failed: Pusher said: not authenticated\n",
    "Error: Action failed: data was 'please run membrane login'\n",
    'Error: Action failed: {"message": "Not logged in"}\n',
    "Error: invalid input: 'Not logged in' is not an allowed status\n",
    "Error: Request failed: hint from the server: run `membrane login` there\n",
    "Error: The user is not logged in to the chat app\n",
]


@pytest.mark.parametrize("text", MEMBRANE_LOGIN_LINES)
@pytest.mark.parametrize("upstream", [False, True])
def test_membranes_own_login_wording_is_a_lost_login(text, upstream):
    # Act / Assert
    assert names_lost_login(text, upstream=upstream)


@pytest.mark.parametrize("text", QUOTED_LOGIN_WORDS)
@pytest.mark.parametrize("upstream", [False, True])
def test_login_words_inside_a_longer_message_are_not_a_lost_login(text, upstream):
    # Act / Assert
    assert not names_lost_login(text, upstream=upstream)


@pytest.mark.parametrize(
    "text",
    [
        "Error: Action failed: the app answered\nNot logged in to the service\n",
        "Error: Action failed\nPlease run `membrane login` on the app's server\n",
        'Error: Action failed\n{"data": "x"}\nYou are not logged in\n',
    ],
)
def test_a_later_line_of_a_run_does_not_count(text):
    # Act / Assert
    assert not names_lost_login(text, upstream=True)
    assert names_lost_login(text, upstream=False)  # no app is quoted there


@pytest.mark.parametrize(
    "text",
    [
        "Unauthorized\n",
        "Error: Unauthorized\n",
        "Error: 401 Unauthorized\n",
        "Error: Request failed with status code 401\n",
        "HTTP 401\n",
        "Error: Membrane API responded 401\n",
        "Error: listing failed (HTTP 401 Unauthorized)\n",
        "Error: request to Membrane failed, status code: 401\n",
    ],
)
def test_a_401_status_is_a_lost_login_outside_runs(text):
    # Act / Assert
    assert names_lost_login(text, upstream=False)
    assert not names_lost_login(text, upstream=True)


@pytest.mark.parametrize(
    "text",
    [
        "Error: the limit 401 is above the maximum\n",
        "Error: search for 'unauthorized access' found nothing\n",
        "Error: Connection name 'Unauthorized' already exists\n",
    ],
)
def test_a_401_inside_a_message_is_not_a_lost_login(text):
    # Act / Assert
    assert not names_lost_login(text, upstream=False)


# --- connection not ready -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "connection_id"),
    [
        ("Error: Connection con_1 is not ready (DISCONNECTED)\n", "con_1"),
        ("Connection is not ready\n", None),
        ("Error: Connection con_1 state: CLIENT_ACTION_REQUIRED\n", "con_1"),
        ("Connection con_1 is in state CLIENT_ACTION_REQUIRED\n", "con_1"),
        ("Connection con_1: CLIENT_ACTION_REQUIRED\n", "con_1"),
        ("Connection state: CLIENT_ACTION_REQUIRED\n", None),
        ("Error: CLIENT_ACTION_REQUIRED\n", None),
    ],
)
@pytest.mark.parametrize("upstream", [False, True])
def test_membranes_own_not_ready_wording_is_found(text, connection_id, upstream):
    # Act
    found = not_ready_in(text, upstream=upstream)

    # Assert
    assert found is not None
    assert found.connection_id == connection_id


def test_a_not_ready_line_keeps_the_url_that_follows():
    # Act
    found = not_ready_in(
        "Error: Connection con_1 is not ready\nOpen https://ui.example/c/1\n",
        upstream=True,
    )

    # Assert
    assert found is not None
    assert found.url == "https://ui.example/c/1"


@pytest.mark.parametrize(
    "text",
    [
        "Error: invalid data: state CLIENT_ACTION_REQUIRED is unknown\n",
        "Error: Action failed: the value CLIENT_ACTION_REQUIRED is not allowed\n",
        "Error: Pusher said: the connection is not ready yet\n",
        'Error: Action failed: {"state": "CLIENT_ACTION_REQUIRED"}\n',
    ],
)
@pytest.mark.parametrize("upstream", [False, True])
def test_not_ready_words_inside_a_longer_message_are_not_found(text, upstream):
    # Act / Assert
    assert not_ready_in(text, upstream=upstream) is None


def test_a_later_not_ready_line_of_a_run_does_not_count():
    # Arrange
    text = "Error: Action failed: the app said\nconnection x is not ready\n"

    # Act / Assert
    assert not_ready_in(text, upstream=True) is None


# --- the headline ---------------------------------------------------------------


def test_the_headline_skips_blank_and_notice_lines():
    # Arrange
    text = (
        "\n"
        "(node:7) ExperimentalWarning: Fetch is experimental\n"
        "\u256d\u2500\u2500\u2500\u256e\n"
        "\u2502 Update available 1.2.3 \u2502\n"
        "Error: the real message\n"
        "second line\n"
    )

    # Act / Assert
    assert headline(text) == "Error: the real message"
    assert headline("\n  \n") == ""


# --- through the client, with the stand-in CLI ----------------------------------


@pytest.mark.parametrize(
    "stderr",
    [
        "Error: Action failed: field 'login' is required\n",
        "Error: Action failed: Pusher said: not authenticated\n",
        "Error: Action failed: the data was 'please run membrane login'\n",
        "Error: Action failed: the app answered\nNot logged in\n",
        "Error: invalid data: state CLIENT_ACTION_REQUIRED is unknown\n",
        "Error: Action failed: the app said\nConnection x is not ready\n",
    ],
)
def test_a_run_that_quotes_setup_words_is_a_command_failure(client, standin, stderr):
    # Arrange
    standin.set_faults([{"command": "action run", "exit_code": 1, "stderr": stderr}])

    # Act
    with pytest.raises(CommandFailedError) as caught:
        client.run_action(TRIGGER, PUSHER, EVENT)

    # Assert
    assert type(caught.value) is CommandFailedError
    assert stderr.splitlines()[0] in caught.value.message


def test_a_request_that_quotes_login_words_is_a_command_failure(client, standin):
    # Arrange
    stderr = "Error: Request failed: body said\nYou are not logged in\n"
    standin.set_faults([{"command": "request", "exit_code": 1, "stderr": stderr}])

    # Act
    with pytest.raises(CommandFailedError) as caught:
        client.request(ProxyRequest(PUSHER, "/apps/1/channels"))

    # Assert
    assert type(caught.value) is CommandFailedError


def test_a_run_error_body_that_quotes_login_words_is_an_action_failure(client, standin):
    # Arrange
    body = {
        "type": "action_run",
        "key": "upstream_error",
        "message": "Pusher refused: not authenticated",
        "data": {"reason": "Not logged in", "hint": "please run membrane login"},
    }
    standin.set_faults(
        [{"command": "action run", "exit_code": 1, "stdout": json.dumps(body)}]
    )

    # Act
    with pytest.raises(ActionFailedError) as caught:
        client.run_action(TRIGGER, PUSHER, EVENT)

    # Assert
    assert caught.value.error_key == "upstream_error"


@pytest.mark.parametrize(
    ("command", "call"),
    [
        ("action run", lambda client: client.run_action(TRIGGER, PUSHER, EVENT)),
        ("connection list", lambda client: client.list_connections()),
    ],
)
def test_membranes_own_login_line_still_stops_any_command(
    client, standin, command, call
):
    # Arrange
    stderr = "Error: Not logged in. Run `membrane login --tenant` to log in.\n"
    standin.set_faults([{"command": command, "exit_code": 1, "stderr": stderr}])

    # Act / Assert
    with pytest.raises(NotLoggedInError):
        call(client)


def test_membranes_own_not_ready_line_still_stops_a_run(client, standin):
    # Arrange
    stderr = "Error: Connection con_pusher_sandbox state: CLIENT_ACTION_REQUIRED\n"
    standin.set_faults([{"command": "action run", "exit_code": 1, "stderr": stderr}])

    # Act
    with pytest.raises(ConnectionNotReadyError) as caught:
        client.run_action(TRIGGER, PUSHER, EVENT)

    # Assert
    assert caught.value.connection_id == PUSHER
