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
