"""`connect`: reuse, search + connect, and waiting with a timeout."""

from __future__ import annotations


def _without_pusher(workspace):
    data = workspace.read()
    data["connections"] = [c for c in data["connections"] if c["key"] != "pusher"]
    workspace.write(data)


def test_existing_ready_connection_is_reused(invoke, app_env):
    # act
    outcome = invoke(["connect", "--json"])

    # assert
    assert outcome.exit_code == 0
    assert outcome.json() == {
        "connection": {
            "id": "con_pusher_sandbox",
            "name": "Pusher",
            "state": "READY",
            "ready": True,
            "url": None,
        },
        "created": False,
    }
    assert not app_env.calls("connect")


def test_people_get_the_id_on_stdout(invoke, app_env):
    outcome = invoke(["connect"])

    assert outcome.stdout.strip() == "con_pusher_sandbox"
    assert "Found Pusher connection" in outcome.stderr


def test_missing_connection_is_searched_and_created(invoke, app_env):
    # arrange
    _without_pusher(app_env)

    # act
    outcome = invoke(["connect", "--json"])

    # assert
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.json()["created"] is True
    assert app_env.calls("search")
    [connect_call] = app_env.calls("connect")
    assert any(arg.startswith("--connectorId=") for arg in connect_call["argv"])


def test_connector_id_skips_the_search(invoke, app_env):
    # act
    outcome = invoke(["connect", "--connector-id", "cnt_pusher", "--json"])

    # assert
    assert outcome.exit_code == 0
    assert not app_env.calls("search")


def test_not_ready_connection_prints_the_url_and_times_out(invoke, app_env):
    # arrange
    data = app_env.read()
    pusher = data["connections"][0]
    pusher["state"] = "CLIENT_ACTION_REQUIRED"
    pusher["clientAction"] = {"type": "connect", "uiUrl": "https://ui.x.invalid/c/9"}
    app_env.write(data)

    # act
    outcome = invoke(["connect", "--timeout", "0.2", "--json"])

    # assert
    assert outcome.exit_code == 4
    error = outcome.json()["error"]
    assert error["type"] == "connection_not_ready"
    assert error["url"] == "https://ui.x.invalid/c/9"
    assert "https://ui.x.invalid/c/9" in outcome.stderr
    assert app_env.calls("connection get")


def test_not_ready_connection_without_waiting(invoke, app_env):
    # arrange
    data = app_env.read()
    data["connections"][0]["state"] = "CLIENT_ACTION_REQUIRED"
    app_env.write(data)

    # act
    outcome = invoke(["connect", "--timeout", "0"])

    # assert
    assert outcome.exit_code == 4
    assert "Error (connection_not_ready)" in outcome.stderr
