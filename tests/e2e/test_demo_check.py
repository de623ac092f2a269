"""The demo's verdict and its wording, without a server.

Exact, mismatch, nothing, not sent; who sent it (the agent or a scripted
call); and the summary's sentences: each call with its time, and an outcome
that never says a bare OK when the model did not do what was asked.
"""

from __future__ import annotations

import pytest

from membrane_pusher.agent.turn import AgentTurn, ToolCallRecord
from membrane_pusher.demo import DemoResult, default_instruction
from membrane_pusher.demo.check import (
    as_delivered,
    compare,
    event_name_note,
    expected_events,
    renamed_event,
    requested_event_name,
)
from membrane_pusher.demo.reporting import call_summary, outcome, summary_line


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


def test_the_sender_is_named_in_every_message():
    scripted = compare([], [], channel="deploys", sender="the scripted call")
    exact = compare([event("done")], [event("done")], channel="d", sender="x")

    assert scripted.message == "the scripted call sent no event to 'deploys'"
    assert exact.message == "received exactly what x sent"


def test_a_renamed_event_is_described():
    instruction = default_instruction()

    renamed = renamed_event(instruction, turn_with(trigger(["deploys"], "Deploy")))

    assert renamed is not None
    assert renamed.requested == "deploy-finished"
    assert renamed.sent == ("Deploy",)
    assert renamed_event(instruction, turn_with(trigger(["deploys"]))) is None


def result_with(*calls: ToolCallRecord, **fields) -> DemoResult:
    result = DemoResult(
        channel="deploys",
        intent="i",
        instruction=default_instruction(),
        model={"name": "m", "source": "given"},
        tools=[{"name": "pusher_trigger_event"}, {"name": "pusher_get_channel"}],
        turn=turn_with(*calls),
        seconds=2.25,
    )
    for name, value in fields.items():
        setattr(result, name, value)
    return result


def timed(record: ToolCallRecord, ms: float) -> ToolCallRecord:
    record.duration_ms = ms
    return record


def test_each_call_is_summarised_with_its_time():
    ok = timed(trigger(["deploys"]), 412.4)
    refused = ToolCallRecord("pusher_terminate_user_connections", {}, "c2")
    refused.status = "refused"

    assert call_summary(ok) == "pusher_trigger_event ok, 412 ms"
    assert call_summary(refused) == "pusher_terminate_user_connections refused, not run"


def test_the_summary_lists_tools_and_calls_with_their_times():
    # Arrange
    result = result_with(
        timed(trigger(["deploys"]), 412.4), timed(trigger(["x"], status="error"), 9)
    )

    # Act
    line = summary_line(result)

    # Assert
    assert line == (
        "Summary: 2 tools loaded (pusher_trigger_event, pusher_get_channel); "
        "2 calls made (pusher_trigger_event ok, 412 ms; "
        "pusher_trigger_event error, 9 ms); 2.2 s in all."
    )


def test_a_scripted_run_is_summarised_as_scripted():
    result = result_with(
        timed(trigger(["deploys"]), 5), model={"name": None, "source": "scripted"}
    )

    assert "; 1 scripted call made (pusher_trigger_event ok, 5 ms);" in (
        summary_line(result)
    )


@pytest.mark.parametrize(
    ("fields", "kind", "start"),
    [
        ({"match": "exact"}, "ok", "OK: the subscriber received event"),
        (
            {"match": "exact", "model": {"source": "scripted"}},
            "ok",
            "OK: the subscriber received event",
        ),
        ({"match": "nothing", "verdict": "nothing arrived"}, "failed", "FAILED: "),
        ({"match": "exact", "error": "interrupted"}, "failed", "FAILED: interrupted."),
    ],
)
def test_the_outcome_says_what_arrived(fields, kind, start):
    result = result_with(trigger(["deploys"]), received=[event("done")], **fields)

    last = outcome(result)

    assert last.kind == kind
    assert last.text.startswith(start)


def test_a_faithful_delivery_of_the_wrong_event_is_not_an_ok():
    # Arrange
    call = trigger(["deploys"], event="Deploy finished")
    result = result_with(
        call,
        match="exact",
        received=[event("done", name="Deploy finished")],
        renamed=renamed_event(default_instruction(), turn_with(call)),
    )

    # Act
    last = outcome(result)

    # Assert
    assert last.kind == "differs"
    assert not last.text.startswith("OK")
    assert "event 'Deploy finished' on 'deploys' with data \"done\"" in last.text
    assert "asked for the event 'deploy-finished'" in last.text


def test_a_scripted_outcome_never_credits_an_agent():
    result = result_with(
        trigger(["deploys"]),
        match="exact",
        received=[event("done")],
        model={"source": "scripted"},
    )

    assert "exactly what the scripted call sent" in outcome(result).text
    assert "agent" not in outcome(result).text
