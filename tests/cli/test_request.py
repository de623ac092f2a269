"""`request`: the guarded raw request, the same tool as `pusher_api_request`."""

from __future__ import annotations


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
    # act
    refused = invoke(["request", "/events", "-X", "POST", "--data", "{}", "--json"])

    # assert
    assert refused.exit_code == 1
    assert refused.json()["error"]["type"] == "confirmation_denied"
    assert not app_env.calls("request")


def test_post_with_yes_is_sent(invoke, app_env):
    body = '{"name": "e", "channels": ["c"], "data": "x"}'

    outcome = invoke(
        ["request", "/events", "-X", "POST", "--data", body, "--yes", "--json"]
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
