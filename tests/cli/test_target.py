"""What every Pusher command shares: the app id and the connection it works on."""

from __future__ import annotations


def test_the_command_line_reads_the_alias(invoke, standin, monkeypatch):
    # arrange
    monkeypatch.setenv("MEMBRANE_PUSHER_APP_ID", "4242")
    monkeypatch.setenv("PUSHER_APP_ID", "1")

    # act
    outcome = invoke(["call", "pusher_list_channels", "--input", "{}", "--json"])

    # assert
    assert outcome.exit_code == 0, outcome.stdout
    [request] = standin.calls("request")
    assert "/apps/4242/channels" in request["argv"]


def test_the_command_line_refuses_an_invalid_app_id(invoke, standin):
    # act
    outcome = invoke(
        ["call", "pusher_list_channels", "--app-id", "1/2", "--input", "{}", "--json"]
    )

    # assert
    assert outcome.exit_code == 6
    assert outcome.json()["error"]["type"] == "configuration_error"
    assert standin.calls("request") == []


def test_a_given_connection_that_is_not_ready_is_exit_4(invoke, app_env):
    # arrange
    data = app_env.read()
    data["connections"][0]["state"] = "CLIENT_ACTION_REQUIRED"
    app_env.write(data)

    # act
    outcome = invoke(
        [
            "call",
            "pusher_list_channels",
            "--connection-id",
            "con_pusher_sandbox",
            "--json",
        ]
    )

    # assert
    assert outcome.exit_code == 4
    assert outcome.json()["error"]["connection_id"] == "con_pusher_sandbox"


def test_several_ready_connections_are_exit_6_naming_them(invoke, app_env):
    # arrange
    data = app_env.read()
    data["connections"].append({**data["connections"][0], "id": "con_pusher_two"})
    app_env.write(data)

    # act
    outcome = invoke(["call", "pusher_list_channels", "--json"])

    # assert
    assert outcome.exit_code == 6
    message = outcome.json()["error"]["message"]
    assert "con_pusher_sandbox" in message
    assert "con_pusher_two" in message
