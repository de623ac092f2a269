"""Which tools the offline model gets for an instruction."""

from __future__ import annotations

import pytest
from langchain_core.tools import StructuredTool

from membrane_pusher.agent.tool_choice import (
    OFFLINE_TOOL_LIMIT,
    rank_tools,
    tools_for_offline_model,
)
from membrane_pusher.demo import OFFLINE_MODEL_TOOL_LIMIT, default_instruction
from membrane_pusher.pusher.tools import builtin_tools


class _NoTransport:
    """Tools are only ranked here, never run."""

    name = "none"
    app_id = "1"

    def send(self, request):
        raise AssertionError(request)

    async def asend(self, request):
        raise AssertionError(request)


def _catalog_tool(name: str, description: str) -> StructuredTool:
    return StructuredTool.from_function(
        func=lambda: "", name=name, description=description
    )


@pytest.fixture
def tools():
    """The eight built-in tools and two catalog-like actions, as a toolkit has."""
    return [
        *builtin_tools(_NoTransport()),
        _catalog_tool("trigger-event", "Trigger an event on one or more channels."),
        _catalog_tool("get-channel-info", "Get information about one channel."),
    ]


@pytest.mark.parametrize(
    "instruction",
    [
        "Tell the deploys channel that the deploy finished.",
        "send a hello event to lobby",
        "Notify ops: the database is back",
        "Announce the release on the news channel",
        "Let everyone on chat know lunch is ready",
    ],
)
def test_send_style_instructions_get_the_trigger_tool_first(tools, instruction):
    # Act
    chosen = tools_for_offline_model(tools, instruction)

    # Assert
    assert chosen[0].name == "pusher_trigger_event"
    assert 1 <= len(chosen) <= OFFLINE_TOOL_LIMIT


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        ("Who is online in presence-room?", "pusher_list_presence_users"),
        (
            "Kick user 42, disconnect all their sessions",
            "pusher_terminate_user_connections",
        ),
        ("Which channels are occupied right now?", "pusher_list_channels"),
        ("How many subscribers does the alerts channel have?", "pusher_get_channel"),
    ],
)
def test_other_intents_rank_their_tool_first(tools, instruction, expected):
    # Act
    chosen = tools_for_offline_model(tools, instruction)

    # Assert
    assert chosen[0].name == expected
    assert "pusher_trigger_event" not in [tool.name for tool in chosen]


def test_the_limit_caps_the_choice(tools):
    # Act
    one = tools_for_offline_model(tools, "tell lobby hi", limit=1)
    many = tools_for_offline_model(
        tools, "tell lobby hi, list channels, who is online, kick u1"
    )
    none = tools_for_offline_model(tools, "tell lobby hi", limit=0)

    # Assert
    assert [tool.name for tool in one] == ["pusher_trigger_event"]
    assert len(many) == OFFLINE_TOOL_LIMIT
    assert many[0].name == "pusher_trigger_event"
    assert len({tool.name for tool in many}) == OFFLINE_TOOL_LIMIT
    assert [tool.name for tool in none] == ["pusher_trigger_event"]


def test_catalog_actions_rank_by_their_name_and_description(tools):
    # Act
    ranked = rank_tools(tools, "get channel info for deploys")

    # Assert
    top = [tool.name for tool, _ in ranked[:3]]
    assert "get-channel-info" in top
    assert "pusher_get_channel" in top


def test_an_instruction_matching_nothing_keeps_the_first_tools_in_order(tools):
    # Act
    chosen = tools_for_offline_model(tools, "xyzzy plugh")

    # Assert
    assert chosen == tools[:OFFLINE_TOOL_LIMIT]


def test_ranking_is_stable_and_keeps_every_tool(tools):
    # Act
    first = rank_tools(tools, "tell deploys we are live")
    second = rank_tools(tools, "tell deploys we are live")

    # Assert
    assert [t.name for t, _ in first] == [t.name for t, _ in second]
    assert sorted(t.name for t, _ in first) == sorted(t.name for t in tools)
    scores = [score for _, score in first]
    assert scores == sorted(scores, reverse=True)


def test_the_demo_instruction_gives_the_offline_model_the_trigger_tool_alone(tools):
    # Act
    chosen = tools_for_offline_model(
        tools, default_instruction(), limit=OFFLINE_MODEL_TOOL_LIMIT
    )

    # Assert
    assert [tool.name for tool in chosen] == ["pusher_trigger_event"]
