"""Mapping calls back reads documents built once per schema, not once per call."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from fake_membrane import FakeClient
from membrane_pusher.formats import (
    anthropic,
    from_provider_arguments,
    gemini,
    openai,
)
from membrane_pusher.membrane.models import Action
from membrane_pusher.tools.action_tool import action_tool

SCHEMA = {
    "type": "object",
    "properties": {
        "filter[name]": {"type": "string"},
        "limit": {"type": "integer"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["filter[name]"],
}


def make_tool(schema: dict[str, Any], client: Any = None) -> Any:
    action = Action(id="act_1", key="do.it", name="Do it", inputSchema=schema)
    return action_tool(action, client or FakeClient(), "con_1")


@pytest.fixture
def document_builds(monkeypatch):
    """Count provider documents built by the three mapping modules."""
    builds: list[str] = []
    for module in (anthropic, gemini, openai):
        original = module.provider_document

        def counting(schema, _original=original, _name=module.__name__):
            builds.append(_name)
            return _original(schema)

        monkeypatch.setattr(module, "provider_document", counting)
    anthropic._mapping_for_key.cache_clear()
    gemini._plan_for_key.cache_clear()
    openai._mapping_for.cache_clear()
    return builds


@pytest.mark.parametrize(
    ("provider", "strict", "args"),
    [
        ("anthropic", False, {"filter_name": "x"}),
        ("openai", True, {"filter[name]": "x", "limit": None, "labels": None}),
        ("gemini", False, {"filter[name]": "x", "labels": '{"a": "b"}'}),
    ],
)
async def test_calls_reuse_one_document_per_schema(
    document_builds, provider, strict, args
):
    client = FakeClient()
    bound = make_tool(SCHEMA, client).for_provider(provider, strict=strict)
    twin = make_tool(copy.deepcopy(SCHEMA), client).for_provider(
        provider, strict=strict
    )

    for tool in (bound, twin, bound):
        for _ in range(3):
            tool.invoke(
                {"type": "tool_call", "id": "1", "name": tool.name, "args": args}
            )
            await tool.ainvoke(
                {"type": "tool_call", "id": "1", "name": tool.name, "args": args}
            )

    assert len(document_builds) == 1
    assert len(client.sent) == 18
    assert all("filter[name]" in sent for sent in client.sent)


def test_a_changed_schema_is_not_served_from_the_cache(document_builds):
    tool = make_tool(SCHEMA).for_provider("anthropic")
    before = anthropic.anthropic_key_aliases(tool)

    tool.args_schema = {
        "type": "object",
        "properties": {"other key": {"type": "string"}},
    }
    after = anthropic.anthropic_key_aliases(tool)

    assert before == {"filter_name": "filter[name]"}
    assert after == {"other_key": "other key"}


def test_cached_documents_are_not_changed_by_calls():
    tool = make_tool(SCHEMA).for_provider("openai", strict=True)
    document, _ = openai._mapping_for(openai.schema_cache_key(tool))
    before = copy.deepcopy(document)

    tool.invoke(
        {
            "type": "tool_call",
            "id": "1",
            "name": tool.name,
            "args": {"filter[name]": "x", "limit": None, "labels": None},
        }
    )

    assert document == before


@pytest.mark.parametrize(
    ("provider", "strict", "args"),
    [
        ("anthropic", False, {"filter_name": "x", "labels": {"a": "b"}}),
        ("openai", True, {"filter[name]": "x", "limit": None, "labels": {"a": "b"}}),
        ("gemini", False, {"filter[name]": "x", "labels": '{"a": "b"}'}),
    ],
)
def test_mapping_back_leaves_the_call_as_sent(provider, strict, args):
    tool = make_tool(SCHEMA)
    before = copy.deepcopy(args)

    mapped = from_provider_arguments(tool, provider, args, strict=strict)

    assert args == before
    assert mapped != args
