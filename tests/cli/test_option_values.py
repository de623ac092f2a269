"""Option values that would otherwise be lost or misread are usage errors.

A `--query` parameter given twice, an empty `--app-id` or `--connection-id`,
and a number too long
to read in `--input` or `--data` each end with exit 2 and a message in plain
words, before anything is sent.
"""

from __future__ import annotations

import json

import pytest

LONG_NUMBER = "1" * 5000


def test_a_query_parameter_given_twice_is_a_usage_error_naming_it(invoke, app_env):
    # Act
    outcome = invoke(
        ["request", "/channels", "--query", "info=a", "--query", "info=b", "--json"]
    )

    # Assert
    assert outcome.exit_code == 2
    error = outcome.json()["error"]
    assert error["type"] == "usage_error"
    assert "'info' is given more than once" in error["message"]
    assert not app_env.calls("request")


def test_different_query_parameters_are_all_sent(invoke, app_env):
    # Act
    outcome = invoke(
        [
            "request",
            "/channels",
            "--query",
            "filter_by_prefix=presence-",
            "--query",
            "info=user_count",
            "--json",
        ]
    )

    # Assert
    assert outcome.exit_code == 0, outcome.stdout
    [sent] = app_env.calls("request")
    assert "--query=filter_by_prefix=presence-" in sent["argv"]
    assert "--query=info=user_count" in sent["argv"]


@pytest.mark.parametrize("value", ["", "   ", "\t"])
@pytest.mark.parametrize(
    "command",
    [
        ["request", "/channels"],
        ["call", "pusher_list_channels", "--input", "{}"],
        ["doctor"],
    ],
    ids=["request", "call", "doctor"],
)
@pytest.mark.parametrize("option", ["--app-id", "--connection-id"])
def test_an_empty_id_is_a_usage_error(invoke, app_env, command, value, option):
    # Act
    outcome = invoke([*command, option, value, "--json"])

    # Assert
    assert outcome.exit_code == 2
    error = outcome.json()["error"]
    assert error["type"] == "usage_error"
    assert option in error["message"]
    assert f"must be a non-empty {option[2:].replace('-', ' ')}" in error["message"]
    assert not app_env.calls("request")


def test_a_given_app_id_is_still_used(invoke, app_env):
    outcome = invoke(["request", "/channels", "--app-id", "777", "--json"])

    assert outcome.exit_code == 0, outcome.stdout
    [sent] = app_env.calls("request")
    assert "/apps/777/channels" in sent["argv"]


@pytest.mark.parametrize(
    "command",
    [
        ["call", "pusher_list_channels", "--input"],
        ["request", "/events", "-X", "POST", "--yes", "--data"],
    ],
    ids=["input", "data"],
)
@pytest.mark.parametrize(
    "text",
    [f'{{"data": {LONG_NUMBER}}}', f"[-{LONG_NUMBER}]", LONG_NUMBER],
    ids=["in-an-object", "negative-in-an-array", "alone"],
)
def test_a_number_too_long_to_read_is_named_in_plain_words(
    invoke, app_env, command, text
):
    # Act
    outcome = invoke([*command, text, "--json"])

    # Assert
    assert outcome.exit_code == 2
    message = outcome.json()["error"]["message"]
    assert "a number in the input has more than 4,300 digits" in message
    assert "sys." not in message
    assert "set_int_max_str_digits" not in message
    assert not app_env.calls("request")


def test_a_number_too_long_in_a_file_is_named_the_same_way(invoke, app_env, tmp_path):
    # Arrange
    source = tmp_path / "input.json"
    source.write_text(json.dumps({"channels": ["d"], "event": "e"})[:-1] + ', "n": ')
    with source.open("a") as stream:
        stream.write(LONG_NUMBER + "}")

    # Act
    outcome = invoke(
        ["call", "pusher_trigger_event", "--input", f"@{source}", "--json"]
    )

    # Assert
    assert outcome.exit_code == 2
    assert "more than 4,300 digits" in outcome.json()["error"]["message"]
