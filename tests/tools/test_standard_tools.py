"""LangChain's standard tool tests, for a Membrane action tool."""

from __future__ import annotations

from langchain_tests.unit_tests import ToolsUnitTests

from fake_membrane import FakeClient
from membrane_pusher.membrane.models import Action
from membrane_pusher.tools.action_tool import action_tool

SCHEMA = {
    "type": "object",
    "properties": {
        "channel": {"type": "string", "pattern": "^[a-z-]+$"},
        "event": {"type": "string"},
        "data": {"type": "object"},
    },
    "required": ["channel", "event"],
}
EXAMPLE = {"channel": "news", "event": "update", "data": {"id": 1}}


def build_tool():
    action = Action(id="act_1", key="trigger-event", name="Trigger", inputSchema=SCHEMA)
    return action_tool(action, FakeClient(), "con_1")


class TestActionToolStandard(ToolsUnitTests):
    @property
    def tool_constructor(self):
        return build_tool()

    @property
    def tool_invoke_params_example(self):
        return EXAMPLE


def test_example_is_valid_and_bad_arguments_are_refused():
    tool = build_tool()

    assert tool.validator.problems(EXAMPLE) == []
    refused = tool.invoke({"channel": "Bad Channel!", "event": "update"})
    assert '"invalid_arguments"' in refused
    assert "channel: 'Bad Channel!' does not match" in refused
