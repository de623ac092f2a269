"""Choosing the Pusher connection: one rule, one READY connection, clear errors."""

from __future__ import annotations

import pytest

from membrane_pusher.cli.output import ExitCode, exit_code_for
from membrane_pusher.errors import ConfigurationError, ConnectionNotReadyError
from membrane_pusher.membrane.models import Connection
from membrane_pusher.pusher.connection import (
    choose_pusher_connection,
    connection_url,
    is_pusher_connection,
)


def connection(connection_id, state="READY", **fields):
    return Connection.model_validate({"id": connection_id, "state": state, **fields})


PUSHER = connection(
    "con_1",
    name="Pusher",
    key="pusher",
    integration={"key": "pusher", "name": "Pusher"},
)
SLACK = connection("con_slack", name="Slack", key="slack")


@pytest.mark.parametrize(
    "fields",
    [
        {"key": "pusher"},
        {"integrationKey": "pusher"},
        {"integration": {"key": "pusher"}},
        {"name": "Pusher"},
    ],
)
def test_any_documented_field_naming_pusher_matches(fields):
    assert is_pusher_connection(connection("con_x", **fields))


@pytest.mark.parametrize(
    "fields",
    [
        {"key": "pusher-beams", "name": "Pusher Beams"},
        {"integrationKey": "not-pusher"},
        {"name": "Slack"},
    ],
)
def test_names_that_only_contain_pusher_do_not_match(fields):
    assert not is_pusher_connection(connection("con_x", **fields))


def test_the_one_ready_pusher_connection_is_chosen():
    # act
    chosen = choose_pusher_connection([SLACK, PUSHER])

    # assert
    assert chosen is PUSHER


def test_no_pusher_connection_is_exit_4_and_says_how_to_connect():
    # act
    with pytest.raises(ConnectionNotReadyError) as caught:
        choose_pusher_connection([SLACK])

    # assert
    assert "membrane-pusher connect" in caught.value.hint
    assert caught.value.connection_id is None
    assert exit_code_for(caught.value.kind) == ExitCode.NOT_CONNECTED


def test_a_pusher_connection_that_needs_the_user_gives_the_url():
    # arrange
    pending = connection(
        "con_1",
        "CLIENT_ACTION_REQUIRED",
        key="pusher",
        clientAction={"type": "connect", "uiUrl": "https://ui.example/c/1"},
    )

    # act
    with pytest.raises(ConnectionNotReadyError) as caught:
        choose_pusher_connection([pending, SLACK])

    # assert
    error = caught.value
    assert (error.connection_id, error.state) == ("con_1", "CLIENT_ACTION_REQUIRED")
    assert error.url == "https://ui.example/c/1"
    assert error.url in error.hint
    assert connection_url(pending) == error.url


def test_several_pusher_connections_none_ready_are_all_named():
    # arrange
    first = connection("con_a", "CLIENT_ACTION_REQUIRED", key="pusher")
    second = connection("con_b", "SETUP_FAILED", key="pusher")

    # act
    with pytest.raises(ConnectionNotReadyError) as caught:
        choose_pusher_connection([first, second])

    # assert
    assert "con_a" in caught.value.message
    assert "con_b (SETUP_FAILED)" in caught.value.message
    assert "membrane-pusher connect" in caught.value.hint


def test_several_ready_pusher_connections_need_a_choice():
    # arrange
    twin = connection("con_2", name="Pusher staging", key="pusher")

    # act
    with pytest.raises(ConfigurationError) as caught:
        choose_pusher_connection([PUSHER, twin])

    # assert
    assert "con_1 (Pusher, READY)" in caught.value.message
    assert "con_2 (Pusher staging, READY)" in caught.value.message
    assert "--connection-id" in caught.value.hint


def test_a_named_connection_must_be_ready_but_may_be_any_app():
    pending = connection("con_p", "CLIENT_ACTION_REQUIRED", key="pusher")

    assert choose_pusher_connection([SLACK], "con_slack") is SLACK
    assert choose_pusher_connection([PUSHER], "pusher") is PUSHER
    with pytest.raises(ConnectionNotReadyError, match="con_p"):
        choose_pusher_connection([pending], "con_p")


def test_a_named_connection_that_is_missing_lists_the_pusher_ones():
    with pytest.raises(ConnectionNotReadyError) as caught:
        choose_pusher_connection([PUSHER, SLACK], "con_gone")

    assert "con_gone" in caught.value.message
    assert "con_1 (Pusher, READY)" in caught.value.message
