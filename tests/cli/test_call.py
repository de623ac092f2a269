"""`call`: validate and run one tool as an agent would; `--dry-run`."""

from __future__ import annotations

import json

TRIGGER = {"channels": ["deploys"], "event": "deploy-finished", "data": {"v": 2}}


def test_successful_call_json_shape(invoke, app_env):
    # act
    outcome = invoke(
        ["call", "pusher_trigger_event", "--input", json.dumps(TRIGGER), "--json"]
    )

    # assert
    assert outcome.exit_code == 0, outcome.stdout
    document = outcome.json()
    assert document["tool"] == "pusher_trigger_event"
    assert document["ok"] is True
    assert isinstance(document["content"], str)
    assert document["artifact"]["pusher_request"] == {
        "method": "POST",
        "path": "/apps/12345/events",
    }
    [sent] = app_env.calls("request")
    assert "/apps/12345/events" in sent["argv"]


def test_people_get_the_artifact_on_stdout(invoke, app_env):
    outcome = invoke(["call", "pusher_list_channels"])

    assert outcome.exit_code == 0
    assert "output" in json.loads(outcome.stdout)


def test_dry_run_prints_the_argv_and_runs_nothing(invoke, app_env):
    # act
    outcome = invoke(
        ["call", "pusher_trigger_event", "--input", json.dumps(TRIGGER), "--dry-run"]
    )

    # assert
    assert outcome.exit_code == 0
    line = outcome.stdout.strip()
    assert "request con_pusher_sandbox /apps/12345/events --method=POST" in line
    assert not app_env.calls("request")


def test_dry_run_json_and_catalog_action(invoke, app_env):
    # arrange: the catalog's list-channels action takes no required arguments
    listed = invoke(["tools", "--intent", "list channels", "--json"]).json()
    catalog = next(
        t
        for t in listed["tools"]
        if t["source"] == "catalog" and t["name"] == "list-channels"
    )

    # act
    outcome = invoke(
        [
            "call",
            catalog["name"],
            "--intent",
            "list channels",
            "--input",
            "{}",
            "--dry-run",
            "--json",
        ]
    )

    # assert
    assert outcome.exit_code == 0
    document = outcome.json()
    assert document["dry_run"] is True
    assert catalog["action_id"] in document["argv"]
    assert "--connectionId=con_pusher_sandbox" in document["argv"]
    assert not app_env.calls("action run")


def test_invalid_arguments_are_exit_2_with_problems(invoke, app_env):
    # act
    outcome = invoke(
        ["call", "pusher_trigger_event", "--input", '{"channels": []}', "--json"]
    )

    # assert
    assert outcome.exit_code == 2
    error = outcome.json()["error"]
    assert error["type"] == "invalid_arguments"
    assert error["problems"]
    assert not app_env.calls("request")


def test_pusher_rule_breaks_are_refused_before_sending(invoke, app_env):
    args = {**TRIGGER, "channels": ["bad channel!"]}

    outcome = invoke(
        ["call", "pusher_trigger_event", "--input", json.dumps(args), "--json"]
    )

    assert outcome.exit_code == 2
    assert "channels" in outcome.json()["error"]["problems"][0]
    assert not app_env.calls("request")


def test_input_from_a_file_and_from_stdin(invoke, app_env, tmp_path):
    # arrange
    path = tmp_path / "event.json"
    path.write_text(json.dumps(TRIGGER))

    # act
    from_file = invoke(
        ["call", "pusher_trigger_event", "--input", f"@{path}", "--json"]
    )
    from_stdin = invoke(
        ["call", "pusher_trigger_event", "--input", "-", "--json"],
        stdin=json.dumps(TRIGGER),
    )

    # assert
    assert from_file.exit_code == 0
    assert from_stdin.exit_code == 0
    assert len(app_env.calls("request")) == 2


def test_input_that_is_not_an_object_is_a_usage_error(invoke, app_env):
    for text in ("[1]", "{oops", "@/no/such/file.json"):
        outcome = invoke(["call", "pusher_list_channels", "--input", text, "--json"])
        assert outcome.exit_code == 2, text
        assert outcome.json()["error"]["type"] == "usage_error"


def test_unknown_tool_lists_the_tools(invoke, app_env):
    outcome = invoke(["call", "pusher_launch_rocket", "--json"])

    assert outcome.exit_code == 2
    assert "pusher_trigger_event" in outcome.json()["error"]["message"]


def test_unknown_tool_names_get_one_message_with_the_closest_names(invoke, app_env):
    # act: a built-in-looking typo, and a name like nothing
    typo = invoke(["call", "pusher_trigger_evnt", "--json"]).json()["error"]
    other = invoke(["call", "nope", "--json"]).json()["error"]

    # assert: both searched the same tools and say the same things
    assert "Did you mean: pusher_trigger_event" in typo["message"]
    assert "Did you mean" not in other["message"]
    listed = [error["message"].split("Tools here: ")[1] for error in (typo, other)]
    assert listed[0] == listed[1]
    assert "--intent" in listed[0]


def test_destructive_call_is_refused_without_a_terminal(invoke, app_env):
    # act
    outcome = invoke(
        [
            "call",
            "pusher_terminate_user_connections",
            "--input",
            '{"user_id": "u1"}',
            "--json",
        ]
    )

    # assert
    assert outcome.exit_code == 1
    error = outcome.json()["error"]
    assert error["type"] == "confirmation_denied"
    assert "no terminal" in error["message"]
    assert "--yes" in error["hint"]
    assert not app_env.calls("request")


def test_an_invalid_destructive_call_is_refused_before_asking(invoke, app_env):
    outcome = invoke(
        [
            "call",
            "pusher_terminate_user_connections",
            "--input",
            '{"user_id": "a/b"}',
            "--json",
        ]
    )

    assert outcome.exit_code == 2
    assert outcome.json()["error"]["type"] == "invalid_arguments"
    assert not app_env.calls("request")


def test_destructive_call_runs_with_yes(invoke, app_env):
    outcome = invoke(
        [
            "call",
            "pusher_terminate_user_connections",
            "--yes",
            "--input",
            '{"user_id": "u1"}',
        ]
    )

    assert outcome.exit_code == 0
    [sent] = app_env.calls("request")
    assert "/apps/12345/users/u1/terminate_connections" in sent["argv"]


def test_missing_app_id_is_exit_6(invoke, standin):
    outcome = invoke(["call", "pusher_list_channels", "--json"])

    assert outcome.exit_code == 6
    assert outcome.json()["error"]["type"] == "configuration_error"


def test_failed_cli_call_is_exit_1_with_an_envelope(invoke, app_env):
    # arrange
    app_env.set_faults([{"command": "request", "exit_code": 1, "stderr": "boom"}])

    # act
    outcome = invoke(["call", "pusher_list_channels", "--json"])

    # assert
    assert outcome.exit_code == 1
    assert set(outcome.json()["error"]) >= {"type", "message", "hint"}


def test_secrets_never_reach_stdout(invoke, app_env, monkeypatch):
    # arrange
    monkeypatch.setenv("PUSHER_SECRET", "s3cr3t-value-123")
    args = {**TRIGGER, "data": "token=s3cr3t-value-123"}

    # act
    outcome = invoke(
        [
            "call",
            "pusher_trigger_event",
            "--input",
            json.dumps(args),
            "--dry-run",
            "--json",
        ]
    )

    # assert
    assert "s3cr3t-value-123" not in outcome.stdout


def test_a_result_reaches_stdout_as_the_api_sent_it(invoke, app_env, monkeypatch):
    # arrange: an action whose output only looks secret by its key names
    monkeypatch.setenv("PUSHER_SECRET", "s3cr3t-value-123")
    output = {
        "nextPageToken": "page-2",
        "tokens_used": 0,
        "signature_required": False,
        "note": "s3cr3t-value-123",
    }
    data = app_env.read()
    data.setdefault("actions", []).append(
        {
            "id": "act_page",
            "key": "page",
            "name": "Page",
            "inputSchema": {"type": "object"},
            "connectionId": "con_pusher_sandbox",
            "x-standin-output": output,
        }
    )
    app_env.write(data)

    # act
    outcome = invoke(["call", "page", "--intent", "page", "--input", "{}", "--json"])

    # assert
    assert outcome.exit_code == 0, outcome.stdout
    shown = outcome.json()["artifact"]["output"]
    assert shown["nextPageToken"] == "page-2"
    assert shown["tokens_used"] == 0
    assert shown["signature_required"] is False
    assert "s3cr3t-value-123" not in outcome.stdout
