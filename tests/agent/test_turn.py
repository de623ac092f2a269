"""The agent-turn loop with scripted models and fake tools."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agent_fakes import LoggedOutTool, RejectingTool, call, scripted
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, SystemMessage, ToolMessage
from pydantic import Field

from membrane_pusher.agent import (
    FALLBACK_SYSTEM_PROMPT,
    AgentEvent,
    arun_agent_turn,
    run_agent_turn,
)
from membrane_pusher.errors import NotLoggedInError

SEND = {"channel": "deploys", "event": "deploy-finished", "data": {"ok": True}}


def test_tool_call_runs_and_the_model_answers(send_tool):
    model = scripted(AIMessage("", tool_calls=[call("send_event", SEND)]), "Sent.")

    turn = run_agent_turn(model, [send_tool], "tell deploys it finished")

    assert send_tool.calls == [SEND]
    assert turn.answer == "Sent."
    assert turn.stop_reason == "answer"
    assert turn.steps == 2
    [record] = turn.calls
    assert record.name == "send_event"
    assert record.args == SEND
    assert record.status == "ok"
    assert json.loads(record.content) == {"sent": "deploys"}
    assert record.artifact == {"output": {"sent": "deploys"}}
    assert record.duration_ms >= 0
    tool_message = turn.messages[3]
    assert isinstance(tool_message, ToolMessage)
    assert tool_message.tool_call_id == "call_1"


def test_a_plain_answer_makes_no_call(send_tool):
    model = scripted("Nothing to send.")

    turn = run_agent_turn(model, [send_tool], "hello")

    assert turn.calls == []
    assert turn.answer == "Nothing to send."
    assert send_tool.calls == []


def test_invalid_arguments_reach_the_model_as_an_error(send_tool):
    bad = {"channel": "", "event": "x"}
    model = scripted(AIMessage("", tool_calls=[call("send_event", bad)]), "Failed.")

    turn = run_agent_turn(model, [send_tool], "send")

    [record] = turn.calls
    assert record.status == "error"
    assert json.loads(record.content)["error"]["type"] == "invalid_arguments"
    assert send_tool.calls == []
    assert turn.answer == "Failed."


def test_a_call_error_inside_the_tool_is_shown_to_the_model():
    model = scripted(
        AIMessage("", tool_calls=[call("reject", SEND)]), "It was refused."
    )

    turn = run_agent_turn(model, [RejectingTool(calls=[])], "send")

    assert turn.calls[0].status == "error"
    assert "not allowed" in turn.calls[0].content


def test_a_setup_error_stops_the_turn():
    model = scripted(AIMessage("", tool_calls=[call("logged_out", SEND)]), "never")

    with pytest.raises(NotLoggedInError):
        run_agent_turn(model, [LoggedOutTool(calls=[])], "send")


def test_an_unknown_tool_is_reported_to_the_model(send_tool):
    model = scripted(AIMessage("", tool_calls=[call("made_up", {})]), "Sorry.")

    turn = run_agent_turn(model, [send_tool], "send")

    [record] = turn.calls
    assert record.status == "unknown_tool"
    assert "made_up" in json.loads(record.content)["error"]["message"]
    assert isinstance(turn.messages[3], ToolMessage)
    assert turn.messages[3].status == "error"


def test_several_calls_in_one_reply_run_in_order(send_tool):
    first = call("send_event", {"channel": "a", "event": "e"}, "c1")
    second = call("send_event", {"channel": "b", "event": "e"}, "c2")
    model = scripted(AIMessage("", tool_calls=[first, second]), "Both sent.")

    turn = run_agent_turn(model, [send_tool], "send to a and b")

    assert [c["channel"] for c in send_tool.calls] == ["a", "b"]
    assert [r.call_id for r in turn.calls] == ["c1", "c2"]


def test_the_turn_stops_after_max_steps(send_tool):
    replies = [
        AIMessage("", tool_calls=[call("send_event", SEND, f"c{i}")]) for i in range(5)
    ]
    model = scripted(*replies)

    turn = run_agent_turn(model, [send_tool], "loop", max_steps=3)

    assert turn.stop_reason == "max_steps"
    assert turn.steps == 3
    assert len(turn.calls) == 3
    assert turn.answer == ""


def test_without_any_callback_a_destructive_call_runs(terminate_tool):
    # Confirmation is opt-in for library users, as it is for the tools.
    model = scripted(
        AIMessage("", tool_calls=[call("terminate_user", {"user_id": "42"})]),
        "Done.",
    )

    turn = run_agent_turn(model, [terminate_tool], "disconnect user 42")

    assert terminate_tool.calls == [{"user_id": "42"}]
    assert turn.calls[0].status == "ok"


def test_the_tools_own_callback_is_asked_once_when_the_turn_has_none(
    terminate_tool,
):
    asked: list[str] = []
    gated = terminate_tool.with_confirm(lambda name, _args: asked.append(name) or False)
    model = scripted(
        AIMessage("", tool_calls=[call("terminate_user", {"user_id": "42"})]),
        "Not done.",
    )

    turn = run_agent_turn(model, [gated], "disconnect user 42")

    assert asked == ["terminate_user"]
    assert gated.calls == []
    [record] = turn.calls
    assert record.status == "refused"
    assert json.loads(record.content)["error"]["type"] == "confirmation_denied"


def test_the_turns_callback_replaces_the_tools_own_and_asks_once(terminate_tool):
    def never(*_args: Any) -> bool:
        raise AssertionError("the tool's own callback was asked")

    asked: list[str] = []
    gated = terminate_tool.with_confirm(never)
    model = scripted(
        AIMessage("", tool_calls=[call("terminate_user", {"user_id": "42"})]),
        "Done.",
    )

    turn = run_agent_turn(
        model,
        [gated],
        "disconnect user 42",
        confirm=lambda name, _args: asked.append(name) or True,
    )

    assert asked == ["terminate_user"]
    assert turn.calls[0].status == "ok"
    assert gated.confirm is never


@pytest.mark.parametrize(("answer", "ran"), [(True, True), (False, False)])
def test_destructive_call_asks_the_confirm_callback(terminate_tool, answer, ran):
    asked: list[tuple[str, dict[str, Any]]] = []

    def confirm(name: str, args: dict[str, Any]) -> bool:
        asked.append((name, args))
        return answer

    model = scripted(
        AIMessage("", tool_calls=[call("terminate_user", {"user_id": "42"})]), "Done."
    )

    turn = run_agent_turn(model, [terminate_tool], "disconnect 42", confirm=confirm)

    assert asked == [("terminate_user", {"user_id": "42"})]
    assert bool(terminate_tool.calls) is ran
    assert turn.calls[0].status == ("ok" if ran else "refused")


def test_non_destructive_calls_never_ask(send_tool):
    model = scripted(AIMessage("", tool_calls=[call("send_event", SEND)]), "Sent.")

    def confirm(name: str, args: dict[str, Any]) -> bool:
        raise AssertionError("asked")

    run_agent_turn(model, [send_tool], "send", confirm=confirm)

    assert send_tool.calls == [SEND]


def test_events_are_reported_in_order(send_tool):
    events: list[AgentEvent] = []
    model = scripted(AIMessage("", tool_calls=[call("send_event", SEND)]), "Sent.")

    run_agent_turn(model, [send_tool], "send", on_event=events.append)

    kinds = [e.kind for e in events]
    assert kinds == ["model_reply", "tool_call", "tool_result", "model_reply", "answer"]
    assert events[2].record is not None
    assert events[2].record.status == "ok"
    assert events[-1].text == "Sent."


def test_the_default_system_prompt_names_the_tools(send_tool):
    model = scripted("ok")

    turn = run_agent_turn(model, [send_tool], "hi")

    system = turn.messages[0]
    assert isinstance(system, SystemMessage)
    assert "send_event" in system.text or system.text == FALLBACK_SYSTEM_PROMPT


def test_an_explicit_system_prompt_wins_and_empty_means_none(send_tool):
    turn = run_agent_turn(scripted("ok"), [send_tool], "hi", system_prompt="Be brief.")
    bare = run_agent_turn(scripted("ok"), [send_tool], "hi", system_prompt="")

    assert turn.messages[0].text == "Be brief."
    assert not isinstance(bare.messages[0], SystemMessage)


def test_an_empty_instruction_is_rejected(send_tool):
    with pytest.raises(ValueError, match="empty"):
        run_agent_turn(scripted("ok"), [send_tool], "  ")


class BindingFakeModel(GenericFakeChatModel):
    """Remembers which tools were bound."""

    bound_names: list[str] = Field(default_factory=list)

    def bind_tools(self, tools, **kwargs):
        del kwargs
        self.bound_names.extend(t.name for t in tools)
        return self


def test_tools_are_bound_when_the_model_supports_it(send_tool):
    model = BindingFakeModel(messages=iter([AIMessage("ok")]), bound_names=[])

    run_agent_turn(model, [send_tool], "hi")

    assert model.bound_names == ["send_event"]


def test_the_turn_serialises_to_plain_data(send_tool):
    model = scripted(AIMessage("", tool_calls=[call("send_event", SEND)]), "Sent.")

    data = run_agent_turn(model, [send_tool], "send").to_dict()

    assert json.loads(json.dumps(data))["calls"][0]["name"] == "send_event"
    assert data["answer"] == "Sent."


async def test_async_turn_runs_tools_and_awaits_confirm(send_tool, terminate_tool):
    asked: list[str] = []

    async def confirm(name: str, args: dict[str, Any]) -> bool:
        asked.append(name)
        return True

    model = scripted(
        AIMessage(
            "",
            tool_calls=[
                call("send_event", SEND, "c1"),
                call("terminate_user", {"user_id": "7"}, "c2"),
            ],
        ),
        "Done.",
    )

    turn = await arun_agent_turn(
        model, [send_tool, terminate_tool], "send then terminate", confirm=confirm
    )

    assert asked == ["terminate_user"]
    assert send_tool.calls == [SEND]
    assert terminate_tool.calls == [{"user_id": "7"}]
    assert [r.status for r in turn.calls] == ["ok", "ok"]
    assert turn.answer == "Done."


@pytest.mark.parametrize(("answer", "status"), [(True, "ok"), (False, "refused")])
def test_an_async_confirm_in_the_sync_loop_is_awaited(terminate_tool, answer, status):
    # The tools' gate runs an async callback with asyncio.run outside a loop,
    # so the sync loop and a direct tool call agree.
    asked: list[str] = []

    async def confirm(name: str, args: dict[str, Any]) -> bool:
        asked.append(name)
        return answer

    model = scripted(
        AIMessage("", tool_calls=[call("terminate_user", {"user_id": "7"})]), "Ok."
    )

    turn = run_agent_turn(model, [terminate_tool], "terminate", confirm=confirm)

    assert asked == ["terminate_user"]
    assert turn.calls[0].status == status
    assert bool(terminate_tool.calls) is answer
