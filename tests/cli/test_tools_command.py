"""`tools`: a table for people, provider JSON for machines."""

from __future__ import annotations

import pytest

from membrane_pusher.cli.toolset import describe_tool
from membrane_pusher.membrane.models import Action
from membrane_pusher.pusher.operations import BUILTIN_NAMES
from membrane_pusher.tools.action_tool import action_tool


def test_table_goes_to_stderr_and_stdout_stays_empty(invoke, app_env):
    outcome = invoke(["tools"])

    assert outcome.exit_code == 0
    assert outcome.stdout == ""
    assert "pusher_trigger_event" in outcome.stderr
    assert "on connection con_pusher_sandbox (app 12345)" in outcome.stderr


def test_json_document_shape(invoke, app_env):
    # act
    outcome = invoke(["tools", "--json"])

    # assert
    assert outcome.exit_code == 0
    document = outcome.json()
    assert document["format"] == "langchain"
    assert document["connection_id"] == "con_pusher_sandbox"
    assert document["app_id"] == "12345"
    assert document["count"] == len(document["tools"])
    names = [tool["name"] for tool in document["tools"]]
    assert set(BUILTIN_NAMES) <= set(names)
    first = document["tools"][0]
    assert set(first) == {
        "name",
        "description",
        "source",
        "read_only",
        "destructive",
        "action_id",
        "args_schema",
    }


def test_intent_loads_catalog_actions(invoke, app_env):
    # act
    outcome = invoke(["tools", "--intent", "presence users", "--limit", "2", "--json"])

    # assert
    catalog = [t for t in outcome.json()["tools"] if t["source"] == "catalog"]
    assert 1 <= len(catalog) <= 2
    assert all(t["action_id"] for t in catalog)
    [listing] = app_env.calls("action list")
    assert "--limit=2" in listing["argv"] or "2" in listing["argv"]


@pytest.mark.parametrize("format_name", ["openai", "anthropic", "gemini", "mcp"])
def test_format_prints_a_provider_array(invoke, app_env, format_name):
    # act
    outcome = invoke(["tools", "--format", format_name])

    # assert
    assert outcome.exit_code == 0
    tools = outcome.json()
    assert isinstance(tools, list)
    assert tools
    text = outcome.stdout
    assert "pusher_trigger_event" in text


def test_openai_strict(invoke, app_env):
    # act
    outcome = invoke(["tools", "--format", "openai", "--strict"])

    # assert: tools whose schema allows it are strict; the others are named
    strict = {
        t["function"]["name"]: t["function"].get("strict") for t in outcome.json()
    }
    assert strict["pusher_list_channels"] is True
    assert all(value in {True, False} for value in strict.values())
    if False in strict.values():
        assert "strict mode is off for" in outcome.stderr


def test_strict_needs_openai(invoke, app_env):
    outcome = invoke(["tools", "--format", "mcp", "--strict", "--json"])

    assert outcome.exit_code == 2
    assert outcome.json()["error"]["type"] == "usage_error"


def test_json_with_format_wraps_the_provider_form(invoke, app_env):
    document = invoke(["tools", "--json", "--format", "mcp"]).json()

    assert document["format"] == "mcp"
    assert all("inputSchema" in tool for tool in document["tools"])


def test_not_logged_in_is_exit_3(invoke, app_env):
    # arrange
    app_env.update(loggedIn=False)

    # act
    outcome = invoke(["tools", "--json"])

    # assert
    assert outcome.exit_code == 3
    assert outcome.json()["error"]["type"] == "not_logged_in"


def test_a_catalog_action_named_like_a_built_in_is_still_a_catalog_action():
    # arrange
    action = Action(id="act_1", key="pusher_foo", name="Foo", type="delete-data-record")

    # act
    described = describe_tool(action_tool(action, object(), "con_1"))

    # assert
    assert described["name"] == "pusher_foo"
    assert described["source"] == "catalog"
    assert described["action_id"] == "act_1"
