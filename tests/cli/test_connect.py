"""`connect`: reuse, search + connect, and waiting with a timeout."""

from __future__ import annotations

import time

import pytest


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


NEW_URL = "https://ui.x.invalid/c/new"


@pytest.fixture
def quick_polls(monkeypatch):
    """Poll the connection every 50 ms instead of every 2 s."""
    monkeypatch.setattr("membrane_pusher.cli.commands.connect._POLL_PAUSE", 0.05)


def _pending_on_connect(workspace, **pending):
    _without_pusher(workspace)
    workspace.update(connectPending={"uiUrl": NEW_URL, **pending})


def test_a_new_connection_is_awaited_until_ready(invoke, app_env, quick_polls):
    # arrange: the new connection needs the user until its second `get`
    _pending_on_connect(app_env, readyAfterGets=2)

    # act
    outcome = invoke(["connect", "--timeout", "30", "--json"])

    # assert
    assert outcome.exit_code == 0, outcome.stdout
    document = outcome.json()
    assert document["created"] is True
    assert document["connection"]["ready"] is True
    assert document["connection"]["url"] == NEW_URL
    assert NEW_URL in outcome.stderr
    polls = app_env.calls("connection get")
    assert len(polls) == 2
    assert all("--wait" in poll["argv"] for poll in polls)
    assert all(
        any(arg.startswith("--timeout=") for arg in poll["argv"]) for poll in polls
    )


def test_a_new_connection_ready_after_a_delay(invoke, app_env, quick_polls):
    # arrange
    _pending_on_connect(app_env, readyAfterSeconds=0.5)

    # act
    outcome = invoke(["connect", "--timeout", "30"])

    # assert
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.strip().startswith("con_pusher")
    assert "Created Pusher connection" in outcome.stderr
    assert NEW_URL in outcome.stderr


def test_a_new_connection_that_stays_pending_times_out_with_the_url(
    invoke, app_env, quick_polls
):
    # arrange
    _pending_on_connect(app_env, readyAfterSeconds=3600)

    # act
    outcome = invoke(["connect", "--timeout", "0.5", "--json"])

    # assert
    assert outcome.exit_code == 4
    error = outcome.json()["error"]
    assert error["type"] == "connection_not_ready"
    assert error["url"] == NEW_URL
    assert "not READY after 0.5 s" in error["message"]
    assert NEW_URL in outcome.stderr
    assert len(app_env.calls("connect")) == 1


def test_a_pending_connection_is_awaited_not_replaced(invoke, app_env, quick_polls):
    # arrange: the user has a step left on the existing connection
    _pending_on_connect(app_env, readyAfterGets=1)
    assert invoke(["connect", "--timeout", "0"]).exit_code == 4

    # act
    outcome = invoke(["connect", "--timeout", "30", "--json"])

    # assert
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.json()["created"] is False
    assert len(app_env.calls("connect")) == 1


def test_timeout_bounds_a_slow_connection_get(invoke, app_env):
    # arrange: a connection that needs the user, and a `get` that hangs 20 s
    data = app_env.read()
    pusher = data["connections"][0]
    pusher["state"] = "CLIENT_ACTION_REQUIRED"
    pusher["clientAction"] = {"type": "connect", "uiUrl": "https://ui.x.invalid/c/9"}
    app_env.write(data)
    app_env.set_faults([{"command": "connection get", "sleep": 20}])

    # act
    started = time.monotonic()
    outcome = invoke(["connect", "--timeout", "2", "--json"])
    elapsed = time.monotonic() - started

    # assert: --timeout plus the poll's one-second margin and start-up, not 20 s
    assert outcome.exit_code == 4
    assert outcome.json()["error"]["url"] == "https://ui.x.invalid/c/9"
    assert 1.9 < elapsed < 5.5
    [poll] = app_env.calls("connection get")
    assert "--timeout=2" in poll["argv"]
