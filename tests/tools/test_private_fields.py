"""The stand-in's private `x-standin-*` fields never reach the model."""

from __future__ import annotations

import json

import pytest

from membrane_pusher.formats import (
    to_anthropic_tool,
    to_gemini_tool,
    to_mcp_tool,
    to_openai_tool,
)
from membrane_pusher.membrane.catalog import ActionCatalog
from membrane_pusher.membrane.models import Action
from membrane_pusher.sandbox.standin.workspace import default_workspace
from membrane_pusher.tools.action_tool import action_tool

PUSHER = "con_pusher_sandbox"


def with_private_fields(action):
    """An action carrying stand-in-only fields at the top and inside its schema."""
    schema = json.loads(json.dumps(action["inputSchema"]))
    schema["x-standin-note"] = "root"
    for prop in schema.get("properties", {}).values():
        prop["x-standin-note"] = "nested"
    return {
        **action,
        "inputSchema": schema,
        "x-standin-output": {"canned": True},
        "x-standin-error": None,
    }


def model_facing_text(tool):
    """Everything a model could read about a tool, in every provider form."""
    forms = [
        {"description": tool.description, "schema": tool.args_schema},
        to_openai_tool(tool),
        to_openai_tool(tool, strict=True),
        to_anthropic_tool(tool),
        to_gemini_tool(tool),
        to_mcp_tool(tool),
    ]
    return json.dumps(forms)


def list_every_action(client, catalog, cache_dir):
    """List the catalog through the CLI, one intent per action name."""
    intents = [action["name"] for action in catalog]
    return ActionCatalog(client, cache_dir=cache_dir).load_intents(PUSHER, intents)


@pytest.fixture
def private_catalog(standin):
    workspace = default_workspace()
    workspace["actions"] = [with_private_fields(a) for a in workspace["actions"]]
    standin.write(workspace)
    return workspace["actions"]


def test_listed_actions_carry_no_private_field(standin, private_catalog, tmp_path):
    listed = list_every_action(standin.client(), private_catalog, tmp_path)

    assert len(listed) == len(private_catalog)
    assert "x-standin" not in json.dumps([a.model_dump(by_alias=True) for a in listed])


def test_action_tools_from_the_standin_show_no_private_field(
    standin, private_catalog, tmp_path
):
    client = standin.client()
    listed = list_every_action(client, private_catalog, tmp_path)

    tools = [action_tool(action, client, PUSHER) for action in listed]

    assert len(tools) == len(private_catalog)
    for tool in tools:
        assert "x-standin" not in model_facing_text(tool), tool.name


def test_private_schema_keywords_are_dropped_even_without_the_standin():
    raw = with_private_fields(default_workspace()["actions"][0])

    tool = action_tool(Action.model_validate(raw), object(), PUSHER)

    assert "x-standin" not in model_facing_text(tool)
    assert "x-standin-note" in json.dumps(tool.validation_schema)
