"""Mapping calls back reads documents built once per schema, not once per call."""

from __future__ import annotations

import copy

import pytest
from provider_forms import make_tool

from fake_membrane import FakeClient
from membrane_pusher.formats import (
    anthropic,
    from_provider_arguments,
    gemini,
    openai,
)

SCHEMA = {
    "type": "object",
    "properties": {
        "filter[name]": {"type": "string"},
        "limit": {"type": "integer"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["filter[name]"],
}


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


def test_the_anthropic_definition_reuses_the_cached_document(document_builds):
    tool = make_tool(SCHEMA)

    definition = anthropic.to_anthropic_tool(tool)
    mapped = from_provider_arguments(tool, "anthropic", {"filter_name": "x"})

    assert document_builds == ["membrane_pusher.formats.anthropic"]
    assert "filter_name" in definition["input_schema"]["properties"]
    assert mapped == {"filter[name]": "x"}


def test_the_anthropic_definition_is_a_copy_of_the_cached_document():
    schema = {"type": "object", "properties": {"plain": {"enum": ["a", "b"]}}}
    tool = make_tool(schema)
    definition = anthropic.to_anthropic_tool(tool)

    definition["input_schema"]["properties"]["plain"]["enum"].append("c")
    definition["input_schema"]["properties"]["added"] = {"type": "string"}

    again = anthropic.to_anthropic_tool(tool)["input_schema"]
    assert again["properties"] == {"plain": {"enum": ["a", "b"]}}


def test_alias_maps_are_built_once_per_schema_both_ways():
    tool = make_tool(SCHEMA)

    by_alias = anthropic.anthropic_key_aliases(tool)
    by_key = anthropic.anthropic_alias_by_key(tool)

    assert by_alias == {"filter_name": "filter[name]"}
    assert by_key == {"filter[name]": "filter_name"}
    assert anthropic.anthropic_key_aliases(tool) is by_alias
    assert anthropic.anthropic_alias_by_key(tool) is by_key
    with pytest.raises(TypeError):
        by_key["other"] = "other"


def test_a_document_without_aliases_is_not_copied_to_rename_nothing():
    document = {"type": "object", "properties": {"plain": {"type": "string"}}}

    assert anthropic._renamed(document, {}) is document


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


def test_an_unknown_provider_is_refused_when_the_tool_is_bound():
    with pytest.raises(ValueError, match="unknown provider 'bogus'"):
        make_tool(SCHEMA).for_provider("bogus")  # type: ignore[arg-type]
