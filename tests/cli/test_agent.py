"""`agent`: one turn with the toolkit; destructive calls need a yes."""

from __future__ import annotations

from cli_helpers import patch_model


def test_turn_prints_calls_on_stderr_and_the_answer_on_stdout(
    invoke, app_env, monkeypatch
):
    # arrange
    patch_model(
        monkeypatch, [("pusher_list_channels", {})], answer="No channel is occupied."
    )

    # act
    outcome = invoke(["agent", "How many channels are occupied?"])

    # assert
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.strip() == "No channel is occupied."
    assert "-> pusher_list_channels {}" in outcome.stderr
    assert "<- ok:" in outcome.stderr


def test_json_shape(invoke, app_env, monkeypatch):
    # arrange
    args = {"channels": ["deploys"], "event": "done", "data": "ok"}
    patch_model(monkeypatch, [("pusher_trigger_event", args)], answer="Sent.")

    # act
    outcome = invoke(["agent", "Tell deploys we are done", "--json"])

    # assert
    assert outcome.exit_code == 0
    document = outcome.json()
    assert document["ok"] is True
    assert document["answer"] == "Sent."
    assert document["stop_reason"] == "answer"
    [call] = document["calls"]
    assert call["name"] == "pusher_trigger_event"
    assert call["status"] == "ok"
    assert app_env.calls("request")


def test_destructive_call_is_refused_without_terminal_or_yes(
    invoke, app_env, monkeypatch
):
    # arrange
    patch_model(
        monkeypatch, [("pusher_terminate_user_connections", {"user_id": "u1"})], "No."
    )

    # act
    outcome = invoke(["agent", "Kick u1", "--json"])

    # assert
    assert outcome.exit_code == 0
    [call] = outcome.json()["calls"]
    assert call["status"] in {"refused", "error"}
    assert not app_env.calls("request")


def test_destructive_call_runs_with_yes(invoke, app_env, monkeypatch):
    # arrange
    patch_model(
        monkeypatch, [("pusher_terminate_user_connections", {"user_id": "u1"})], "Done."
    )

    # act
    outcome = invoke(["agent", "Kick u1", "--yes", "--json"])

    # assert
    [call] = outcome.json()["calls"]
    assert call["status"] == "ok"
    assert len(app_env.calls("request")) == 1


def test_no_model_available_is_exit_6(invoke, app_env, monkeypatch):
    # arrange
    monkeypatch.setattr(
        "membrane_pusher.agent.chat_models.load_chat_model", lambda _spec, **_kw: None
    )

    # act
    outcome = invoke(["agent", "hi", "--json"])

    # assert
    assert outcome.exit_code == 6
    assert "--model" in outcome.json()["error"]["hint"]


def test_turn_without_answer_is_exit_1(invoke, app_env, monkeypatch):
    # arrange
    patch_model(monkeypatch, [("pusher_list_channels", {})] * 3, answer="late")

    # act
    outcome = invoke(["agent", "loop", "--max-steps", "2", "--json"])

    # assert
    assert outcome.exit_code == 1
    assert outcome.json()["stop_reason"] == "max_steps"
