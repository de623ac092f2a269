"""`call --input` and `request --data` must hold a JSON object; other JSON says so.

`null`, a number, a string, a boolean or an array parse as JSON but are not an
argument object: the command stops with a usage error (exit 2) naming the
JSON value that came, before any tool is loaded or anything is sent.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "got"),
    [
        ("null", "null"),
        ("42", "a number (42)"),
        ("1.5", "a number (1.5)"),
        ('"hello"', "a string"),
        ("[1, 2]", "an array"),
        ("true", "true"),
    ],
)
def test_input_that_is_not_an_object_names_what_came(invoke, app_env, text, got):
    # Act
    outcome = invoke(["call", "pusher_trigger_event", "--input", text, "--json"])

    # Assert
    assert outcome.exit_code == 2
    error = outcome.json()["error"]
    assert error["type"] == "usage_error"
    assert error["message"] == (
        "--input must be a JSON object of the tool's arguments, such as {}; "
        f"got {got}"
    )
    assert not app_env.calls("request")


def test_null_input_is_a_plain_message_for_people(invoke, app_env):
    # Act
    outcome = invoke(["call", "pusher_trigger_event", "--input", "null"])

    # Assert
    assert outcome.exit_code == 2
    assert "--input must be a JSON object of the tool's arguments" in outcome.stderr
    assert "got null" in outcome.stderr
    assert "NoneType" not in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_null_from_stdin_is_refused_the_same_way(invoke, app_env):
    outcome = invoke(
        ["call", "pusher_trigger_event", "--input", "-", "--json"], stdin="null\n"
    )

    assert outcome.exit_code == 2
    assert outcome.json()["error"]["message"].endswith("got null")


def test_request_data_that_is_not_an_object_names_the_body(invoke, app_env):
    outcome = invoke(
        ["request", "/events", "-X", "POST", "--data", "[]", "--dry-run", "--json"]
    )

    assert outcome.exit_code == 2
    message = outcome.json()["error"]["message"]
    assert message.startswith("--data must be a JSON object of the request body")
    assert message.endswith("got an array")
