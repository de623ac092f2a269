"""`request`: the guarded raw request, the same tool as `pusher_api_request`.

Also: `--dry-run` shows exactly the argv that a real run gives `membrane`, for
`request` and for `call`.
"""

from __future__ import annotations

import json

import pytest

from membrane_pusher.sandbox.standin.workspace import standin_command

EVENT_BODY = '{"name": "e", "channels": ["c"], "data": "x"}'


def test_get_request(invoke, app_env):
    # act
    outcome = invoke(
        ["request", "/channels", "--query", "filter_by_prefix=presence-", "--json"]
    )

    # assert
    assert outcome.exit_code == 0
    document = outcome.json()
    assert document["tool"] == "pusher_api_request"
    [sent] = app_env.calls("request")
    assert "/apps/12345/channels" in sent["argv"]
    assert "--query=filter_by_prefix=presence-" in sent["argv"]


def test_path_outside_the_app_is_refused(invoke, app_env):
    for path in ("/apps/999/channels", "/../../etc", "https://evil.invalid/x"):
        outcome = invoke(["request", path, "--json"])
        assert outcome.exit_code == 2, path
        assert outcome.json()["error"]["type"] == "invalid_arguments"
    assert not app_env.calls("request")


def test_auth_parameters_are_refused(invoke, app_env):
    outcome = invoke(["request", "/channels", "--query", "auth_signature=x", "--json"])

    assert outcome.exit_code == 2


def test_post_needs_yes_without_a_terminal(invoke, app_env):
    # act: a valid event, so only the missing confirmation can refuse it
    refused = invoke(
        ["request", "/events", "-X", "POST", "--data", EVENT_BODY, "--json"]
    )

    # assert
    assert refused.exit_code == 1
    assert refused.json()["error"]["type"] == "confirmation_denied"
    assert not app_env.calls("request")


def test_post_with_yes_is_sent(invoke, app_env):
    outcome = invoke(
        ["request", "/events", "-X", "POST", "--data", EVENT_BODY, "--yes", "--json"]
    )

    assert outcome.exit_code == 0
    assert app_env.calls("request")


def test_dry_run(invoke, app_env):
    outcome = invoke(["request", "/channels/deploys", "--dry-run", "--json"])

    assert outcome.exit_code == 0
    argv = outcome.json()["argv"]
    assert "/apps/12345/channels/deploys" in argv
    assert "--method=GET" in argv
    assert not app_env.calls("request")


def test_bad_query_and_method_are_usage_errors(invoke, app_env):
    assert (
        invoke(["request", "/channels", "--query", "novalue", "--json"]).exit_code == 2
    )
    assert invoke(["request", "/channels", "-X", "DELETE", "--json"]).exit_code == 2


@pytest.mark.parametrize(
    "args",
    [
        ["request", "/channels", "--query", "filter_by_prefix=presence-"],
        ["request", "/events", "-X", "POST", "--data", EVENT_BODY, "--yes"],
        ["call", "pusher_get_channel", "--input", '{"channel": "deploys"}'],
        [
            "call",
            "pusher_trigger_event",
            "--input",
            json.dumps({"channels": ["a", "b"], "event": "e", "data": {"k": "v"}}),
        ],
    ],
    ids=["request-get", "request-post", "call-read", "call-trigger"],
)
def test_dry_run_argv_is_the_argv_a_real_run_gives_membrane(invoke, app_env, args):
    # Arrange
    program = standin_command()

    # Act
    dry = invoke([*args, "--dry-run", "--json"])
    real = invoke([*args, "--json"])

    # Assert: the stand-in recorded its argv without the program itself
    assert dry.exit_code == 0, dry.stdout
    assert real.exit_code == 0, real.stdout
    shown = dry.json()["argv"]
    assert shown[: len(program)] == program
    [recorded] = app_env.calls("request")
    assert shown[len(program) :] == recorded["argv"]


@pytest.mark.parametrize("path", ["/channels/..%2f", "/channels/%2e%2e/"])
def test_a_refused_path_is_never_answered_with_a_refused_path(invoke, app_env, path):
    # Act
    outcome = invoke(["request", path, "--json"])

    # Assert
    assert outcome.exit_code == 2
    problems = outcome.json()["error"]["problems"]
    assert "path: no Pusher endpoint ends with '/'" in problems
    assert not any('use "/channels/' in line for line in problems), problems
    assert not app_env.calls("request")
