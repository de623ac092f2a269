"""`connectPending`: a new connection that needs the user until gets or time pass."""

from __future__ import annotations

import json


def _without_pusher(workspace, **pending):
    data = workspace.read()
    data["connections"] = [c for c in data["connections"] if c["key"] != "pusher"]
    data["connectPending"] = pending
    workspace.write(data)


def test_connect_answers_a_connection_waiting_for_the_user(run, standin):
    # arrange
    _without_pusher(standin, readyAfterGets=2, uiUrl="https://ui.example/c")

    # act
    created = run.json("connect", "--connectorId=cnt_pusher", "--json")

    # assert
    assert created["state"] == "CLIENT_ACTION_REQUIRED"
    assert created["clientAction"]["uiUrl"] == "https://ui.example/c"
    listed = run.json("connection", "list", "--json")
    assert "x-standin" not in json.dumps([created, listed])


def test_the_nth_get_finds_it_ready(run, standin):
    # arrange
    _without_pusher(standin, readyAfterGets=2)
    connection_id = run.json("connect", "--connectorId=cnt_pusher", "--json")["id"]

    # act
    first = run.json("connection", "get", connection_id, "--wait", "--json")
    second = run.json("connection", "get", connection_id, "--wait", "--json")

    # assert
    assert first["state"] == "CLIENT_ACTION_REQUIRED"
    assert first["clientAction"]["uiUrl"].endswith(connection_id)
    assert second["state"] == "READY"
    assert "clientAction" not in second
    assert "x-standin" not in json.dumps(second)


def test_a_delay_makes_it_ready_for_list_and_get(run, standin):
    # arrange: already due
    _without_pusher(standin, readyAfterSeconds=0)
    connection_id = run.json("connect", "--connectorId=cnt_pusher", "--json")["id"]

    # act
    listed = run.json("connection", "list", "--json")["items"]

    # assert
    [mine] = [c for c in listed if c["id"] == connection_id]
    assert mine["state"] == "READY"
    assert run.json("connection", "get", connection_id, "--json")["state"] == "READY"
