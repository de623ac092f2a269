"""`doctor`: one line per check, exit 0 only when everything needed works."""

from __future__ import annotations

import pytest


def _statuses(document):
    return {check["name"]: check["status"] for check in document["checks"]}


def test_all_checks_pass_on_a_ready_workspace(invoke, app_env):
    # act
    outcome = invoke(["doctor", "--json"])

    # assert
    assert outcome.exit_code == 0
    document = outcome.json()
    assert document["ok"] is True
    assert _statuses(document) == {
        "membrane_cli": "ok",
        "login": "ok",
        "connection": "ok",
        "app_id": "ok",
        "cache": "ok",
    }
    assert set(document["checks"][0]) == {
        "name",
        "status",
        "detail",
        "fix",
        "error_type",
        "url",
    }


def test_people_get_one_line_per_check_on_stderr(invoke, app_env):
    outcome = invoke(["doctor"])

    assert outcome.exit_code == 0
    assert outcome.stdout == ""
    assert "OK    connection    con_pusher_sandbox is READY" in outcome.stderr
    assert "All needed checks passed." in outcome.stderr


def test_missing_app_id_fails_with_exit_6_and_a_fix(invoke, standin):
    # act
    outcome = invoke(["doctor", "--json"])

    # assert
    assert outcome.exit_code == 6
    check = outcome.json()["checks"][3]
    assert check["status"] == "fail"
    assert "PUSHER_APP_ID" in check["fix"]


def test_quiet_still_shows_the_failed_checks_and_their_fix(invoke, standin):
    outcome = invoke(["-q", "doctor"])

    assert outcome.exit_code == 6
    assert "app_id" in outcome.stderr
    assert "PUSHER_APP_ID" in outcome.stderr
    assert "OK " not in outcome.stderr


def test_app_id_option_is_used(invoke, standin):
    assert invoke(["doctor", "--app-id", "777"]).exit_code == 0


def test_not_logged_in_is_exit_3_and_skips_the_connection(invoke, app_env):
    # arrange
    app_env.update(loggedIn=False)

    # act
    outcome = invoke(["doctor", "--json"])

    # assert
    assert outcome.exit_code == 3
    statuses = _statuses(outcome.json())
    assert statuses["login"] == "fail"
    assert statuses["connection"] == "skip"
    assert "membrane login --tenant" in outcome.json()["checks"][1]["fix"]


def test_no_pusher_connection_is_exit_4(invoke, app_env):
    # arrange
    data = app_env.read()
    data["connections"] = [c for c in data["connections"] if c["key"] != "pusher"]
    app_env.write(data)

    # act
    outcome = invoke(["doctor"])

    # assert
    assert outcome.exit_code == 4
    assert "membrane-pusher connect" in outcome.stderr


def test_a_given_connection_to_another_app_is_a_warning(invoke, app_env):
    # Arrange: the Slack connection is READY, and named on the command line
    data = app_env.read()
    for connection in data["connections"]:
        if connection["id"] == "con_slack_pending":
            connection["state"] = "READY"
            connection.pop("clientAction", None)
    app_env.write(data)

    # Act
    outcome = invoke(["doctor", "--connection-id", "con_slack_pending", "--json"])

    # Assert
    [check] = [c for c in outcome.json()["checks"] if c["name"] == "connection"]
    assert check["status"] == "warn"
    assert "connects slack, not Pusher" in check["detail"]
    assert "Pusher connection" in check["fix"]


def test_connection_needing_the_user_shows_the_url(invoke, app_env):
    # arrange
    data = app_env.read()
    pusher = data["connections"][0]
    pusher["state"] = "CLIENT_ACTION_REQUIRED"
    pusher["clientAction"] = {"type": "connect", "uiUrl": "https://ui.x.invalid/c/1"}
    app_env.write(data)

    # act
    outcome = invoke(["doctor", "--json"])

    # assert
    assert outcome.exit_code == 4
    check = outcome.json()["checks"][2]
    assert check["url"] == "https://ui.x.invalid/c/1"
    assert check["error_type"] == "connection_not_ready"


def test_cli_not_found_is_exit_5(invoke, monkeypatch, tmp_path):
    # arrange
    monkeypatch.setenv("MEMBRANE_CLI", str(tmp_path / "no-such-membrane"))
    monkeypatch.setenv("PUSHER_APP_ID", "1")

    # act
    outcome = invoke(["doctor", "--json"])

    # assert
    assert outcome.exit_code == 5
    statuses = _statuses(outcome.json())
    assert statuses["membrane_cli"] == "fail"
    assert statuses["login"] == "skip"


def test_unwritable_cache_is_only_a_warning(invoke, app_env, monkeypatch, tmp_path):
    # arrange
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("MEMBRANE_PUSHER_CACHE_DIR", str(blocker / "cache"))

    # act
    outcome = invoke(["doctor", "--json"])

    # assert
    assert outcome.exit_code == 0
    assert _statuses(outcome.json())["cache"] == "warn"


@pytest.mark.soketi
def test_doctor_on_the_sandbox(
    invoke, tmp_path, monkeypatch, pusher_sandbox_install_dir
):
    # arrange
    monkeypatch.setenv("MEMBRANE_PUSHER_SANDBOX_DIR", str(pusher_sandbox_install_dir))
    monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(tmp_path / "state"))

    # act
    outcome = invoke(["doctor", "--sandbox", "--json"])

    # assert
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.json()["ok"] is True


def test_the_app_id_alias_is_read(invoke, standin, monkeypatch):
    # arrange
    monkeypatch.setenv("MEMBRANE_PUSHER_APP_ID", "777")

    # act
    outcome = invoke(["doctor", "--json"])

    # assert
    assert outcome.exit_code == 0
    assert outcome.json()["checks"][3]["detail"] == "777"


def test_an_invalid_app_id_fails_the_check(invoke, standin):
    # act
    outcome = invoke(["doctor", "--app-id", "1/2", "--json"])

    # assert
    assert outcome.exit_code == 6
    check = outcome.json()["checks"][3]
    assert (check["name"], check["status"]) == ("app_id", "fail")
    assert "not valid" in check["detail"]


def test_an_app_whose_name_only_contains_pusher_is_not_pusher(invoke, app_env):
    # arrange: the only READY connection is to another Pusher product
    data = app_env.read()
    beams = data["connections"][0]
    beams.update(key="pusher-beams", name="Pusher Beams", integrationKey="beams")
    beams["integration"] = {"key": "pusher-beams", "name": "Pusher Beams"}
    app_env.write(data)

    # act
    outcome = invoke(["doctor", "--json"])

    # assert
    assert outcome.exit_code == 4
    check = outcome.json()["checks"][2]
    assert "No Pusher connection" in check["detail"]
    assert "membrane-pusher connect" in check["fix"]


def test_several_ready_connections_are_exit_6(invoke, app_env):
    # arrange
    data = app_env.read()
    data["connections"].append({**data["connections"][0], "id": "con_pusher_two"})
    app_env.write(data)

    # act
    outcome = invoke(["doctor", "--json"])

    # assert
    assert outcome.exit_code == 6
    assert "con_pusher_two" in outcome.json()["checks"][2]["detail"]
