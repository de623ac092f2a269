"""Provider-safe, deterministic, unique tool names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from membrane_pusher.membrane.models import Action
from membrane_pusher.tools.naming import TOOL_NAME_PATTERN, tool_name, unique_names

CASE_FILE = Path(__file__).parents[1] / "schema" / "data" / "schema_cases.json"
NAMES = next(
    c["tool_names"] for c in json.loads(CASE_FILE.read_text()) if "tool_names" in c
)


@pytest.mark.parametrize("key", NAMES)
def test_illegal_keys_become_safe_stable_names(key):
    name = tool_name(Action(id="x", key=key))

    assert TOOL_NAME_PATTERN.match(name)
    assert name == tool_name(Action(id="y", key=key))


def test_expected_slugs():
    names = [tool_name(Action(id="x", key=k)) for k in NAMES]

    assert names[0] == "calendar_respondToEvent"
    assert names[1] == "mcp_server_search_docs"
    assert len(names[2]) <= 64
    assert names[2].startswith("github-create-or-update")


def test_long_keys_with_same_start_stay_apart():
    first = tool_name(Action(id="x", key="a" * 80 + "one"))
    second = tool_name(Action(id="x", key="a" * 80 + "two"))

    assert first != second
    assert len(first) == len(second) == 64


def test_key_then_id_then_name():
    assert tool_name(Action(id="id.1", key=None, name="Name")) == "id_1"
    assert tool_name(Action(id=" ", name="Do it")) == "Do_it"
    assert tool_name(Action(id="9lives")) == "_9lives"


def test_clashes_get_suffixes():
    names = unique_names(["a_b", "a_b", "a_b", "c" * 64], taken={"c" * 64})

    assert names == ["a_b", "a_b_2", "a_b_3", "c" * 62 + "_2"]
    assert all(TOOL_NAME_PATTERN.match(n) for n in names)


def test_a_suffix_never_takes_another_actions_own_name():
    # Arrange: `send.event` slugs to `send_event`; `send_event_2` is a real key
    with_twin = ["send_event", "send_event", "send_event_2"]

    # Act
    names = unique_names(with_twin)

    # Assert: the real `send_event_2` keeps its name, whatever comes before it
    assert names == ["send_event", "send_event_3", "send_event_2"]
    assert unique_names(["send_event_2"]) == ["send_event_2"]
