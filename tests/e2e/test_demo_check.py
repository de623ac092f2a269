"""The demo's verdict, without a server: exact, mismatch, nothing, not sent."""

from __future__ import annotations

import pytest

from membrane_pusher.agent.turn import AgentTurn, ToolCallRecord
from membrane_pusher.demo import default_instruction
from membrane_pusher.demo_check import (
    as_delivered,
    compare,
    event_name_note,
    expected_events,
    requested_event_name,
)


def turn_with(*calls: ToolCallRecord) -> AgentTurn:
    return AgentTurn(instruction="x", calls=list(calls))


def trigger(channels, event="deploy-finished", data="done", status="ok"):
    args = {"channels": channels, "event": event, "data": data}
    return ToolCallRecord("pusher_trigger_event", args, "call_1", status=status)


def event(data, name="deploy-finished", channel="deploys"):
    return {"event": name, "channel": channel, "data": data}


@pytest.mark.parametrize(
    ("data", "delivered"),
    [
        ("Deploy finished", "Deploy finished"),
        ('{"a": 1}', '{"a": 1}'),
        ({"message": "Déployé", "n": [1, 2]}, '{"message":"Déployé","n":[1,2]}'),
        (3, "3"),
        (None, "null"),
    ],
)
def test_data_is_compared_as_pusher_delivers_it(data, delivered):
    assert as_delivered(data) == delivered


def test_only_successful_trigger_calls_to_the_channel_are_expected():
    # Arrange
    turn = turn_with(
        trigger(["deploys", "other"], data={"ok": 1}),
        trigger(["other"]),
        trigger(["deploys"], status="error"),
    )

    # Act
    expected = expected_events(turn, "deploys")

    # Assert
    assert expected == [event('{"ok":1}')]


@pytest.mark.parametrize(
    ("received", "status"),
    [
        ([event("done")], "exact"),
        ([], "nothing"),
        (
            [
                event("done "),
            ],
            "mismatch",
        ),
        ([event("done", name="deploy_finished")], "mismatch"),
        ([event("done"), event("done")], "mismatch"),
    ],
)
def test_anything_but_exactly_what_was_sent_is_not_a_match(received, status):
    match = compare([event("done")], received, channel="deploys")

    assert match.status == status
    assert match.exact is (status == "exact")


def test_no_sent_event_is_not_a_match():
    match = compare([], [event("done")], channel="deploys")

    assert match.status == "not_sent"
    assert "'deploys'" in match.message


def test_the_default_instruction_names_its_event():
    assert requested_event_name(default_instruction()) == "deploy-finished"
    assert requested_event_name("Tell the team the deploy is done.") is None


def test_a_renamed_event_is_noted_and_a_faithful_one_is_not():
    instruction = default_instruction()

    renamed = event_name_note(instruction, turn_with(trigger(["deploys"], "Deploy")))
    faithful = event_name_note(instruction, turn_with(trigger(["deploys"])))

    assert renamed is not None
    assert "'deploy-finished'" in renamed
    assert "'Deploy'" in renamed
    assert faithful is None
