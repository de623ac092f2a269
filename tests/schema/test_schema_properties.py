"""Property tests: generated valid arguments pass unchanged, mutated ones fail.

NOTE: hypothesis-jsonschema 0.23.1 breaks on object schemas with the installed
Hypothesis (it uses a removed internal API), so `valid_values` below builds
the strategy for the schema subset these cases use.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from membrane_pusher.membrane.models import Action
from membrane_pusher.schema.refs import resolve_local_ref
from membrane_pusher.schema.validate import ArgumentValidator
from membrane_pusher.tools import action_tool

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
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
MAX_DEPTH = 3


def valid_values(schema: Any, root: dict[str, Any], depth: int = 0) -> Any:  # noqa: PLR0911
    """A strategy for values valid under `schema` (the subset used here)."""
    if schema is True or schema == {}:
        return LEAVES
    if "$ref" in schema:
        return valid_values(resolve_local_ref(root, schema["$ref"]), root, depth + 1)
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            base = {k: v for k, v in schema.items() if k != keyword}
            return st.one_of(
                [valid_values({**base, **b}, root, depth) for b in schema[keyword]]
            )
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type", "object" if "properties" in schema else None)
    if isinstance(kind, list):
        return st.one_of(
            [valid_values({**schema, "type": k}, root, depth) for k in kind]
        )
    return _typed(kind, schema, root, depth)


def _typed(kind: Any, schema: dict[str, Any], root: dict[str, Any], depth: int) -> Any:  # noqa: PLR0911
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        deep = depth >= MAX_DEPTH
        return st.fixed_dictionaries(
            {
                k: valid_values(v, root, depth)
                for k, v in properties.items()
                if k in required
            },
            optional={}
            if deep
            else {
                k: valid_values(v, root, depth)
                for k, v in properties.items()
                if k not in required
            },
        )
    if kind == "array":
        items = schema.get("items", {})
        high = 0 if depth >= MAX_DEPTH else schema.get("maxItems", 3)
        low = min(schema.get("minItems", 0), high)
        return st.lists(
            valid_values(items, root, depth + 1), min_size=low, max_size=high
        )
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
        return st.text(
            min_size=schema.get("minLength", 0), max_size=schema.get("maxLength", 10)
        )
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return LEAVES


class RecordingClient:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    def run_action(self, action_id, connection_id, arguments, *, form="run"):  # noqa: ARG002 - client signature
        self.sent.append(arguments)
        return {"output": {"ok": True}, "actionRunId": "run_1"}

    async def arun_action(self, action_id, connection_id, arguments, *, form="run"):
        return self.run_action(action_id, connection_id, arguments, form=form)


@pytest.mark.parametrize("schema", SCHEMAS, ids=IDS)
def test_generated_valid_arguments_pass_and_reach_the_action_unchanged(schema):
    client = RecordingClient()
    tool = action_tool(Action(id="act_1", key="k", inputSchema=schema), client, "con_1")

    @settings(SETTINGS, max_examples=30)
    @given(valid_values(schema, schema))
    def check(arguments):
        before = copy.deepcopy(arguments)
        message = tool.invoke(
            {"type": "tool_call", "id": "c1", "name": tool.name, "args": arguments}
        )
        assert message.status == "success", message.content
        assert client.sent[-1] == before

    check()


WRONG_VALUES = st.sampled_from([12345, True, 3.5, [{"x": 1}], {"nested": []}])


@given(valid=valid_values(PUSHER_LIKE, PUSHER_LIKE), wrong=WRONG_VALUES, data=st.data())
@SETTINGS
def test_mutated_arguments_fail_with_a_path(valid, wrong, data):
    key = data.draw(st.sampled_from(sorted(PUSHER_LIKE["properties"])))
    mutated = {**valid, key: wrong}

    problems = ArgumentValidator(PUSHER_LIKE).problems(mutated)

    assert problems
    assert any(line.startswith((key, f"{key}[")) for line in problems)


@given(valid=valid_values(PUSHER_LIKE, PUSHER_LIKE), data=st.data())
@SETTINGS
def test_dropping_a_required_key_fails_at_the_root(valid, data):
    key = data.draw(st.sampled_from(PUSHER_LIKE["required"]))
    mutated = {k: v for k, v in valid.items() if k != key}

    problems = ArgumentValidator(PUSHER_LIKE).problems(mutated)

    assert f"$: '{key}' is a required property" in problems


@given(valid=valid_values(PUSHER_LIKE, PUSHER_LIKE), extra=st.text(min_size=1))
@SETTINGS
def test_unknown_key_is_refused_by_a_closed_schema(valid, extra):
    mutated = {**valid, f"x-{extra}": 1}

    problems = ArgumentValidator(PUSHER_LIKE).problems(mutated)

    assert any("Additional properties are not allowed" in line for line in problems)
