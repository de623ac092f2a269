"""The stand-in executable: option forms, list shapes, ranking, faults, call log."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from membrane_pusher.sandbox.standin.workspace import default_workspace, standin_command

PUSHER = "con_pusher_sandbox"


def test_default_workspace_has_one_ready_pusher_connection_and_a_rich_catalog():
    workspace = default_workspace()

    ready_pusher = [
        c
        for c in workspace["connections"]
        if c["state"] == "READY" and c["integration"]["key"] == "pusher"
    ]
    assert [c["id"] for c in ready_pusher] == ["con_pusher_sandbox"]
    assert 8 <= len(workspace["actions"]) <= 12
    text = json.dumps(workspace["actions"])
    for keyword in (
        '"enum"',
        '"required"',
        '"isImplied"',
        '"referenceRecords"',
        '"maxItems"',
    ):
        assert keyword in text
    assert all(
        action["inputSchema"]["type"] == "object" for action in workspace["actions"]
    )


@pytest.mark.parametrize("shape", ["items", "array"])
def test_list_shapes(run, standin, shape):
    standin.update(listShape=shape)

    answer = run.json("connection", "list", "--json")

    items = answer if shape == "array" else answer["items"]
    assert items[0]["id"] == PUSHER
    if shape == "items":
        assert answer["cursor"] is None


@pytest.mark.parametrize(
    "args",
    [
        [
            "action",
            "list",
            "--intent",
            "kick a user",
            "--connectionId",
            PUSHER,
            "--json",
        ],
        [
            "action",
            "list",
            "--json",
            f"--connectionId={PUSHER}",
            "--intent=kick a user",
        ],
        [
            "action",
            "list",
            "--limit",
            "2",
            "--intent=kick a user",
            "--connectionId",
            PUSHER,
        ],
    ],
)
def test_action_list_accepts_both_option_forms_in_any_order(run, args):
    answer = run.json(*args)

    assert answer["items"][0]["key"] == "terminate-user-connections"
    assert len(answer["items"]) < len(default_workspace()["actions"])


def test_action_list_honours_the_limit_and_hides_private_fields(run, standin):
    data = standin.read()
    data["actions"][0]["x-standin-output"] = 1
    standin.write(data)

    answer = run.json(
        "action", "list", f"--connectionId={PUSHER}", "--limit=1", "--json"
    )

    assert len(answer["items"]) == 1
    assert "x-standin-output" not in answer["items"][0]


def test_unrelated_intent_returns_nothing(run):
    answer = run.json(
        "action", "list", f"--connectionId={PUSHER}", "--intent=weather forecast"
    )

    assert answer["items"] == []


def test_action_run_in_the_older_order(run, standin):
    payload = {"channels": ["a"], "name": "e", "data": "{}"}

    answer = run.json(
        "action",
        "run",
        f"--connectionId={PUSHER}",
        "trigger-event",
        "--json",
        "--input",
        json.dumps(payload),
    )

    assert answer["output"]["received"] == payload
    assert answer["actionRunId"].startswith("arl_")
    assert standin.calls("action run")[0]["input"] == payload


def test_act_by_key(run):
    answer = run.json(
        "act",
        "--key",
        "list-channels",
        "--connectionId",
        PUSHER,
        "--input",
        "{}",
        "--json",
    )

    assert answer["output"]["action"] == "list-channels"


@pytest.mark.parametrize(
    ("args", "body"),
    [
        (["-X", "GET"], {"channels": {}}),
        (["-XGET", "--query", "info=user_count"], {"channels": {}}),
        (["--method=GET"], {"channels": {}}),
    ],
)
def test_request_option_forms(run, args, body):
    assert run.json("request", PUSHER, "/apps/1/channels", *args) == body


def test_request_canned_bodies(run):
    assert run.json("request", PUSHER, "/apps/1/channels/presence-x/users") == {
        "users": []
    }
    assert run.json("request", PUSHER, "/apps/1/channels/c") == {"occupied": False}
    assert (
        run.json(
            "request",
            PUSHER,
            "/apps/1/events",
            "-X",
            "POST",
            "-H",
            "X-Test: 1",
            "--json",
            "-d",
            "{}",
        )
        == {}
    )


def test_request_failure_prints_body_and_status(run):
    done = run("request", PUSHER, "/apps/1/events", "-X", "GET")

    assert done.returncode == 1
    assert done.stdout.strip() == "Method not allowed"
    assert "Request failed with status 405" in done.stderr


def test_usage_errors_exit_2(run):
    assert run("action", "list", "--bogus").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run("action", "list", "--intent").returncode == 2
    assert run("search", "a", "b").returncode == 2


def test_login_logout_and_status(run):
    assert run.json("logout", "--json") == {"loggedIn": False}
    assert run.json("status", "--json") == {"loggedIn": False}
    assert "Not logged in" in run("connection", "list").stderr
    assert run("status").stdout.strip() == "Not logged in"

    run.json("login", "--tenant", "--json")

    assert run.json("status", "--json")["loggedIn"] is True


def test_search_and_connect(run, standin):
    hits = run.json("search", "pusher", "--elementType=connector", "--json")["items"]
    created = run.json("connect", "--connectorId=cnt_ably", "--json")

    assert hits[0]["element"]["id"] == "cnt_pusher"
    assert created["state"] == "READY"
    assert run.json("connection", "get", created["id"], "--json")["id"] == created["id"]
    assert (
        run.json("search", "nothing-like-it", "--elementType=connector")["items"] == []
    )


def test_fault_times_and_call_log(run, standin):
    standin.set_faults(
        [{"command": "action", "times": 1, "exit_code": 4, "stderr": "once\n"}]
    )

    first = run("action", "list", f"--connectionId={PUSHER}")
    second = run("action", "list", f"--connectionId={PUSHER}")

    assert (first.returncode, first.stderr) == (4, "once\n")
    assert second.returncode == 0
    assert [call["command"] for call in standin.calls()] == [
        "action list",
        "action list",
    ]
    assert json.loads((standin.path / "faults.json").read_text())[0]["times"] == 0


def test_api_error_fault_carries_a_run_id(run, standin):
    standin.set_faults(
        [
            {
                "command": "act",
                "api_error": {"type": "action_run", "key": "k", "message": "no"},
            }
        ]
    )

    done = run("act", "--id=trigger-event", f"--connectionId={PUSHER}", "--input={}")

    body = json.loads(done.stdout)
    assert done.returncode == 1
    assert body["actionRunId"].startswith("arl_")
    assert body["message"] == "no"


def test_missing_workspace_is_a_clear_error(tmp_path):
    env = {**os.environ, "MEMBRANE_STANDIN_HOME": str(tmp_path)}
    done = subprocess.run(
        [*standin_command(), "status"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert done.returncode == 3
    assert "workspace.json" in done.stderr


def test_call_log_keeps_inputs_with_unicode_line_separators(run, standin):
    payload = {"channels": ["a"], "name": "e", "data": "one\u2028two\x85three\x1cend"}

    run.json(
        "action",
        "run",
        "trigger-event",
        f"--connectionId={PUSHER}",
        f"--input={json.dumps(payload, ensure_ascii=False)}",
        "--json",
    )

    assert standin.calls("action run")[0]["input"] == payload


def test_a_workspace_removed_during_a_command_is_said_plainly(
    standin, monkeypatch, capsys
):
    # Arrange: the sandbox is stopped (its folder deleted) while the command runs
    from membrane_pusher.sandbox import standin as standin_package  # noqa: PLC0415
    from membrane_pusher.sandbox.standin import commands  # noqa: PLC0415

    def stopped_midway(store, tokens):
        shutil.rmtree(store.home)
        return store.workspace()

    monkeypatch.setattr(commands, "dispatch", stopped_midway)

    # Act
    code = standin_package.main(["connection", "list", "--json"])

    # Assert
    error = capsys.readouterr().err
    assert code == 3
    assert "is gone; was the sandbox stopped while this command ran?" in error
    assert "Traceback" not in error
