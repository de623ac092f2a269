"""Property tests: generated valid arguments pass unchanged, mutated ones fail.

Valid arguments come from `hypothesis_jsonschema.from_schema`. The one shape it
cannot generate, a recursive `$ref` (it refuses to resolve the cycle), uses the
small hand-made strategy `recursive_values` below.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from fake_membrane import FakeClient
from membrane_pusher.membrane.models import Action
from membrane_pusher.schema.refs import resolve_local_ref
from membrane_pusher.schema.validate import ArgumentValidator
from membrane_pusher.tools.action_tool import action_tool

CASES = json.loads((Path(__file__).parent / "data" / "schema_cases.json").read_text())

PUSHER_LIKE = {
    "type": "object",
    "properties": {
        "channels": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[A-Za-z0-9_=@,.;-]{1,20}$"},
            "minItems": 1,
            "maxItems": 5,
        },
        "name": {"type": "string", "minLength": 1, "maxLength": 20},
        "data": {"type": "string"},
        "socket_id": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+$"},
        "info": {
            "type": "array",
            "items": {"enum": ["user_count", "subscription_count"]},
        },
        "limit": {"type": "integer", "minimum": 1, "maximum": 100},
    },
    "required": ["channels", "name", "data"],
    "additionalProperties": False,
}
SCHEMAS = [c["schema"] for c in CASES] + [PUSHER_LIKE]
IDS = [c["id"] for c in CASES] + ["pusher-like"]
# hypothesis-jsonschema raises HypothesisRefResolutionError on these (cyclic $ref).
RECURSIVE_CASES = {"ref-recursive"}
SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
MAX_DEPTH = 3


def recursive_values(schema: Any, root: dict[str, Any], depth: int = 0) -> Any:
    """A strategy for the recursive-`$ref` subset: refs, objects, arrays, strings.

    Depth is bounded by dropping optional keys and emptying arrays past
    MAX_DEPTH, so every drawn tree is finite.
    """
    if "$ref" in schema:
        target = resolve_local_ref(root, schema["$ref"])
        return recursive_values(target, root, depth + 1)

    kind = schema.get("type")
    if kind == "string":
        return st.text(max_size=10)
    if kind == "array":
        high = 0 if depth >= MAX_DEPTH else 3
        items = recursive_values(schema["items"], root, depth)
        return st.lists(items, max_size=high)
    if kind != "object":
        raise NotImplementedError(f"recursive_values does not handle {schema!r}")

    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    needed = {k: v for k, v in properties.items() if k in required}
    optional = (
        {}
        if depth >= MAX_DEPTH
        else {k: v for k, v in properties.items() if k not in required}
    )
    return st.fixed_dictionaries(
        {k: recursive_values(v, root, depth) for k, v in needed.items()},
        optional={k: recursive_values(v, root, depth) for k, v in optional.items()},
    )


def valid_values(case_id: str, schema: dict[str, Any]) -> Any:
    """The strategy of valid values for one case."""
    if case_id in RECURSIVE_CASES:
        return recursive_values(schema, schema)
    return from_schema(schema)


@pytest.mark.parametrize(
    ("case_id", "schema"), list(zip(IDS, SCHEMAS, strict=True)), ids=IDS
)
def test_generated_valid_arguments_pass_and_reach_the_action_unchanged(case_id, schema):
    client = FakeClient()
    tool = action_tool(Action(id="act_1", key="k", inputSchema=schema), client, "con_1")

    @settings(SETTINGS, max_examples=10)
    @given(valid_values(case_id, schema))
    def check(arguments):
        before = copy.deepcopy(arguments)
        message = tool.invoke(
            {"type": "tool_call", "id": "c1", "name": tool.name, "args": arguments}
        )
        assert message.status == "success", message.content
        assert client.sent[-1] == before

    check()


VALID_PUSHER_LIKE = from_schema(PUSHER_LIKE)
WRONG_VALUES = st.sampled_from([12345, True, 3.5, [{"x": 1}], {"nested": []}])


@given(valid=VALID_PUSHER_LIKE, wrong=WRONG_VALUES, data=st.data())
@SETTINGS
def test_mutated_arguments_fail_with_a_path(valid, wrong, data):
    key = data.draw(st.sampled_from(sorted(PUSHER_LIKE["properties"])))
    mutated = {**valid, key: wrong}

    problems = ArgumentValidator(PUSHER_LIKE).problems(mutated)

    assert problems
    assert any(line.startswith((key, f"{key}[")) for line in problems)


@given(valid=VALID_PUSHER_LIKE, data=st.data())
@SETTINGS
def test_dropping_a_required_key_fails_at_the_root(valid, data):
    key = data.draw(st.sampled_from(PUSHER_LIKE["required"]))
    mutated = {k: v for k, v in valid.items() if k != key}

    problems = ArgumentValidator(PUSHER_LIKE).problems(mutated)

    assert f"$: '{key}' is a required property" in problems


@given(valid=VALID_PUSHER_LIKE, extra=st.text(min_size=1))
@SETTINGS
def test_unknown_key_is_refused_by_a_closed_schema(valid, extra):
    mutated = {**valid, f"x-{extra}": 1}

    problems = ArgumentValidator(PUSHER_LIKE).problems(mutated)

    assert any("Additional properties are not allowed" in line for line in problems)
