"""`agent`: a turn whose every call was refused fails; the answer reads cleanly.

The exit code and `"ok"` say whether the turn did something: a turn whose
only call was refused, invalid or failed is exit 1, `"ok": false`. The
offline model's summary of the results never doubles a period. Too long an
instruction is a usage error before anything runs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cli_helpers import patch_model, use_model
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from canned_models import canned
from membrane_pusher.cli.instruction import MAX_INSTRUCTION_CHARS

TRIGGER = {"channels": ["deploys"], "event": "done", "data": "ok"}
BAD_TRIGGER = {"channels": ["deploys"], "event": "", "data": "ok"}
TERMINATE = {"user_id": "u1"}
DISCONNECT_AND_SEND = "Disconnect user u1, then send the event done to deploys"


# --- exit code and "ok" ---------------------------------------------------------


def test_a_turn_whose_only_call_was_invalid_fails(invoke, app_env, monkeypatch):
    # Arrange
    patch_model(monkeypatch, [("pusher_trigger_event", BAD_TRIGGER)], "Sent.")

    # Act
    outcome = invoke(["agent", "Tell deploys we are done", "--json"])

    # Assert
    assert outcome.exit_code == 1
    document = outcome.json()
    assert document["ok"] is False
    assert document["stop_reason"] == "answer"
    assert [call["status"] for call in document["calls"]] == ["error"]
    assert not app_env.calls("request")


def test_without_json_the_failure_is_said_on_stderr(invoke, app_env, monkeypatch):
    # Arrange
    patch_model(monkeypatch, [("pusher_trigger_event", BAD_TRIGGER)], "Sent.")

    # Act
    outcome = invoke(["agent", "Tell deploys we are done"])

    # Assert
    assert outcome.exit_code == 1
    assert outcome.stdout.strip() == "Sent."
    assert "The only tool call did not succeed: pusher_trigger_event (error)" in (
        outcome.stderr
    )


def test_a_refused_call_fixed_on_a_retry_succeeds(invoke, app_env, monkeypatch):
    # Arrange
    calls = [("pusher_trigger_event", BAD_TRIGGER), ("pusher_trigger_event", TRIGGER)]
    patch_model(monkeypatch, calls, "Sent on the second try.")

    # Act
    outcome = invoke(["agent", "Tell deploys we are done", "--json"])

    # Assert
    assert outcome.exit_code == 0
    document = outcome.json()
    assert document["ok"] is True
    assert [call["status"] for call in document["calls"]] == ["error", "ok"]


def test_a_write_failing_after_a_successful_one_fails_the_turn(
    invoke, app_env, monkeypatch
):
    # Arrange
    calls = [("pusher_trigger_event", TRIGGER), ("pusher_trigger_event", BAD_TRIGGER)]
    patch_model(monkeypatch, calls, "Sent once.")

    # Act
    outcome = invoke(["agent", "Tell deploys we are done, twice", "--json"])

    # Assert
    assert outcome.exit_code == 1
    document = outcome.json()
    assert document["ok"] is False
    assert [call["status"] for call in document["calls"]] == ["ok", "error"]


def test_without_json_a_later_failure_is_named_on_stderr(invoke, app_env, monkeypatch):
    # Arrange
    calls = [("pusher_trigger_event", TRIGGER), ("pusher_trigger_event", BAD_TRIGGER)]
    patch_model(monkeypatch, calls, "Sent once.")

    # Act
    outcome = invoke(["agent", "Tell deploys we are done, twice"])

    # Assert
    assert outcome.exit_code == 1
    assert "these did not: pusher_trigger_event (error)" in outcome.stderr


def test_a_plain_answer_without_calls_succeeds(invoke, app_env, monkeypatch):
    # Arrange
    patch_model(monkeypatch, [], "Nothing to do.")

    # Act
    outcome = invoke(["agent", "Say hello", "--json"])

    # Assert
    assert outcome.exit_code == 0
    assert outcome.json()["ok"] is True


def test_a_call_with_unparseable_arguments_fails_the_turn(invoke, app_env, monkeypatch):
    # Arrange
    broken = {
        "name": "pusher_trigger_event",
        "args": '{"channels": ["deploys"',
        "id": "call_0",
        "error": "not JSON",
        "type": "invalid_tool_call",
    }
    replies = [AIMessage("", invalid_tool_calls=[broken]), AIMessage("Sent.")]
    use_model(monkeypatch, GenericFakeChatModel(messages=iter(replies)))

    # Act
    outcome = invoke(["agent", "Tell deploys we are done", "--json"])

    # Assert
    assert outcome.exit_code == 1
    document = outcome.json()
    assert document["ok"] is False
    [call] = document["calls"]
    assert call["status"] == "error"
    assert "not valid JSON" in json.loads(call["content"])["error"]["message"]
    assert not app_env.calls("request")


# --- the offline model's summary -------------------------------------------------


def test_a_refused_then_a_sent_call_have_no_period_before_the_semicolon(
    invoke, app_env, monkeypatch
):
    # Arrange: the refusal's message ends its sentence with a period
    calls = [
        {"name": "pusher_terminate_user_connections", "arguments": TERMINATE},
        {"name": "pusher_trigger_event", "arguments": TRIGGER},
    ]
    use_model(monkeypatch, canned({"function_calls": calls}))

    # Act
    outcome = invoke(["agent", DISCONNECT_AND_SEND])

    # Assert
    answer = outcome.stdout.strip()
    assert answer.startswith("pusher_terminate_user_connections failed: ")
    assert "nothing was sent; pusher_trigger_event succeeded: " in answer
    assert ".;" not in answer
    assert ".." not in answer
    assert answer.endswith(".")


def test_a_refused_call_alone_is_summarised_with_one_period(
    invoke, app_env, monkeypatch
):
    # Arrange
    calls = [{"name": "pusher_terminate_user_connections", "arguments": TERMINATE}]
    use_model(monkeypatch, canned({"function_calls": calls}))

    # Act
    outcome = invoke(["agent", DISCONNECT_AND_SEND])

    # Assert
    answer = outcome.stdout.strip()
    assert answer.startswith("pusher_terminate_user_connections failed: ")
    assert answer.endswith("nothing was sent.")
    assert outcome.exit_code == 1


# --- the instruction's length -------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["agent", "{instruction}", "--json"],
        ["demo", "--instruction", "{instruction}", "--json"],
    ],
    ids=["agent", "demo"],
)
def test_too_long_an_instruction_is_a_usage_error_and_nothing_runs(
    invoke, app_env, monkeypatch, args
):
    # Arrange
    def never(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("something ran")

    monkeypatch.setattr("membrane_pusher.agent.chat_models.load_chat_model", never)
    monkeypatch.setattr("membrane_pusher.demo.run_demo", never)
    instruction = "x" * (MAX_INSTRUCTION_CHARS + 1)

    # Act
    outcome = invoke([instruction if a == "{instruction}" else a for a in args])

    # Assert
    assert outcome.exit_code == 2
    error = outcome.json()["error"]
    assert error["type"] == "usage_error"
    assert "4,000" in error["message"]
    assert "4,001" in error["message"]
    assert not app_env.calls("request")


def test_an_instruction_at_the_limit_is_accepted(invoke, app_env, monkeypatch):
    # Arrange
    patch_model(monkeypatch, [], "Nothing to do.")

    # Act
    outcome = invoke(["agent", "x" * MAX_INSTRUCTION_CHARS, "--json"])

    # Assert
    assert outcome.exit_code == 0
    assert outcome.json()["answer"] == "Nothing to do."


def test_too_long_an_instruction_names_the_limit_for_people(invoke, app_env):
    outcome = invoke(["agent", "y" * 5000])

    assert outcome.exit_code == 2
    assert "5,000 characters long; the limit is 4,000" in outcome.stderr


def test_the_help_names_the_limit(invoke):
    outcome = invoke(["agent", "--help"])

    assert outcome.exit_code == 0
    words = " ".join(outcome.stdout.split())
    assert f"at most {MAX_INSTRUCTION_CHARS:,} characters" in words
