"""The model picks the catalog actions it needs, with the `tool_selection` prompt."""

from __future__ import annotations

from typing import Any

import pytest
from agent_fakes import RecordingTool, call
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from pydantic import Field

from membrane_pusher.agent import (
    AgentEvent,
    anarrow_tools,
    arun_agent_turn,
    narrow_tools,
    run_agent_turn,
)
from membrane_pusher.agent.offline_model import NeedleChatModel
from membrane_pusher.agent.tool_selection import SELECTION_THRESHOLD, parse_selection
from membrane_pusher.pusher.tools import BUILTIN_MARKER


class ListeningModel(GenericFakeChatModel):
    """Answers from a script and keeps every prompt it was sent."""

    prompts: list[str] = Field(default_factory=list)
    bound: list[list[str]] = Field(default_factory=list)

    def _generate(self, messages: Any, *args: Any, **kwargs: Any) -> Any:
        self.prompts.append("\n".join(m.text for m in messages))
        return super()._generate(messages, *args, **kwargs)

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        del kwargs
        self.bound.append([tool.name for tool in tools])
        return self


def listening(*replies: str | AIMessage) -> ListeningModel:
    messages = [r if isinstance(r, AIMessage) else AIMessage(r) for r in replies]
    return ListeningModel(messages=iter(messages))


def action(index: int, description: str = "Does a thing.") -> RecordingTool:
    return RecordingTool(
        name=f"action_{index}",
        description=description,
        metadata={"membrane_action_id": f"act_{index}"},
    )


def builtin(name: str = "pusher_trigger_event") -> RecordingTool:
    return RecordingTool(
        name=name, description="Send an event.", metadata={BUILTIN_MARKER: name}
    )


def catalog(count: int = SELECTION_THRESHOLD + 1) -> list[RecordingTool]:
    tools = [action(i) for i in range(count)]
    tools[7] = action(7, "Create a calendar meeting for a team.")
    return tools


def names(tools: Any) -> list[str]:
    return [tool.name for tool in tools]


def test_few_actions_are_all_given_without_asking():
    tools = [*catalog(SELECTION_THRESHOLD), builtin()]
    model = listening()

    given = narrow_tools(model, "anything", tools)

    assert given == tools
    assert model.prompts == []


def test_the_model_chooses_by_id_or_name_and_built_ins_stay():
    # Arrange: a fenced answer with an unknown name, a repeat and a non-string
    model = listening('Here:\n```json\n["act_3", "action_5", "nope", "act_3", 7]\n```')
    tools = [*catalog(), builtin()]

    # Act
    given = narrow_tools(model, "do the third and fifth things", tools)

    # Assert
    assert names(given) == ["action_3", "action_5", "pusher_trigger_event"]
    [prompt] = model.prompts
    assert "do the third and fifth things" in prompt
    assert "act_12 | action_12 | Does a thing." in prompt
    assert "at most 8 actions" in prompt


def test_an_empty_choice_leaves_only_the_built_ins():
    model = listening("[]")

    given = narrow_tools(model, "send an event", [*catalog(), builtin()])

    assert names(given) == ["pusher_trigger_event"]


@pytest.mark.parametrize(
    "reply", ["I would pick the meeting one.", '["unknown_a", "unknown_b"]', "[1, 2]"]
)
def test_an_unreadable_choice_falls_back_to_keywords(reply):
    model = listening(reply)

    given = narrow_tools(model, "create a calendar meeting", [*catalog(), builtin()])

    assert names(given) == ["action_7", "pusher_trigger_event"]


def test_a_failing_model_falls_back_to_keywords():
    model = listening()  # no scripted reply: the call raises

    given = narrow_tools(model, "create a calendar meeting", catalog())

    assert names(given) == ["action_7"]


def test_the_choice_is_capped_at_the_limit():
    ids = ", ".join(f'"act_{i}"' for i in range(10))
    model = listening(f"[{ids}]")

    given = narrow_tools(model, "everything", catalog(), limit=4)

    assert names(given) == ["action_0", "action_1", "action_2", "action_3"]


def test_the_offline_model_is_never_asked():
    class SilentNeedle(NeedleChatModel):
        def invoke(self, *args: Any, **kwargs: Any) -> Any:
            del args, kwargs
            raise AssertionError("the offline model was asked to choose")

    given = narrow_tools(SilentNeedle(), "create a calendar meeting", catalog())

    assert names(given) == ["action_7"]


def test_parse_selection_reads_the_first_array_only():
    tools = catalog()

    assert names(parse_selection('x ["act_1"] y ["act_2"]', tools, 8)) == ["action_1"]
    assert parse_selection("[" * 5000, tools, 8) is None
    assert parse_selection("no array", tools, 8) is None


def test_a_turn_binds_only_the_chosen_tools_and_reports_them():
    # Arrange: the choice, then one call to a chosen action, then the answer
    model = listening(
        '["act_2"]',
        AIMessage("", tool_calls=[call("action_2", {"channel": "c", "event": "e"})]),
        "Done.",
    )
    tools = [*catalog(), builtin()]
    events: list[AgentEvent] = []

    # Act
    turn = run_agent_turn(model, tools, "do the second thing", on_event=events.append)

    # Assert
    assert model.bound == [["action_2", "pusher_trigger_event"]]
    assert turn.tools == ["action_2", "pusher_trigger_event"]
    assert turn.to_dict()["tools"] == turn.tools
    assert events[0].kind == "tools_chosen"
    assert events[0].tools == ("action_2", "pusher_trigger_event")
    assert turn.calls[0].status == "ok"
    assert turn.steps == 2


def test_a_turn_can_give_every_tool():
    model = listening("Nothing to do.")
    tools = catalog()

    run_agent_turn(model, tools, "hello", select_above=None)

    assert model.bound == [names(tools)]


async def test_the_async_turn_chooses_too():
    model = listening('["act_4"]', "Done.")

    turn = await arun_agent_turn(model, [*catalog(), builtin()], "the fourth thing")

    assert turn.tools == ["action_4", "pusher_trigger_event"]
    assert names(await anarrow_tools(listening("[]"), "x", catalog())) == []
