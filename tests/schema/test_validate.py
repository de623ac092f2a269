"""Validation against the original schema: drafts, references, messages."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.json_text import MAX_DEPTH, format_path
from membrane_pusher.json_values import has_json_problems, json_problems
from membrane_pusher.schema.validate import ArgumentValidator, get_validator

CASES = json.loads((Path(__file__).parent / "data" / "schema_cases.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_arguments_pass_and_fail_as_documented(case):
    validator = ArgumentValidator(case["schema"])

    good = [validator.problems(args) for args in case["args_ok"]]
    bad = [validator.problems(args) for args in case["args_bad"]]

    assert good == [[] for _ in case["args_ok"]]
    for problems in bad:
        assert problems
        assert all(": " in line for line in problems)


def test_problem_line_names_the_path_and_the_expectation():
    schema = {
        "type": "object",
        "properties": {
            "channels": {"type": "array", "items": {"pattern": "^[a-z-]+$"}},
        },
    }

    problems = ArgumentValidator(schema).problems(
        {"channels": ["a", "b", "c", "bad channel!"]}
    )

    assert problems == ["channels[3]: 'bad channel!' does not match '^[a-z-]+$'"]


def test_one_line_per_problem_sorted_by_path():
    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
        "required": ["c"],
    }

    problems = ArgumentValidator(schema).problems({"a": "x", "b": 1})

    assert problems == [
        "$: 'c' is a required property",
        "a: 'x' is not of type 'integer'",
        "b: 1 is not of type 'string'",
    ]


@pytest.mark.parametrize(
    ("ref", "definition_name"),
    [
        ("#/$defs/a~1b", "a/b"),
        ("#/$defs/t~0x", "t~x"),
        ("#/$defs/c%25d", "c%d"),
        ("#/$defs/with%20space", "with space"),
        ("#/definitions/old", "old"),
    ],
)
def test_escaped_and_encoded_references_resolve(ref, definition_name):
    container = "definitions" if "definitions" in ref else "$defs"
    schema = {
        "type": "object",
        "properties": {"v": {"$ref": ref}},
        container: {definition_name: {"type": "integer"}},
    }
    validator = ArgumentValidator(schema)

    assert validator.problems({"v": 1}) == []
    assert validator.problems({"v": "x"}) == ["v: 'x' is not of type 'integer'"]


def test_reference_into_properties_and_to_the_root():
    schema = {
        "type": "object",
        "properties": {
            "first": {"type": "string", "minLength": 2},
            "second": {"$ref": "#/properties/first"},
            "again": {"$ref": "#"},
        },
    }
    validator = ArgumentValidator(schema)

    assert validator.problems({"second": "ok", "again": {"first": "yes"}}) == []
    assert validator.problems({"again": {"second": "x"}}) == [
        "again.second: 'x' is too short"
    ]


def test_recursive_schema_errors_found_deep_down():
    schema = {
        "type": "object",
        "properties": {"tree": {"$ref": "#/$defs/Node"}},
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "kids": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                },
                "required": ["name"],
            }
        },
    }
    deep = {"tree": {"name": "a", "kids": [{"name": "b", "kids": [{"name": 3}]}]}}

    problems = ArgumentValidator(schema).problems(deep)

    assert problems == ["tree.kids[0].kids[0].name: 3 is not of type 'string'"]


def test_draft_is_taken_from_dollar_schema():
    draft4 = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "properties": {"n": {"type": "number", "maximum": 5, "exclusiveMaximum": True}},
    }
    validator = ArgumentValidator(draft4)

    assert validator.problems({"n": 4}) == []
    assert validator.problems({"n": 5}) != []


def test_unknown_dollar_schema_falls_back_to_2020_12_without_warning():
    schema = {"$schema": "https://example.invalid/custom", "type": "object"}

    assert ArgumentValidator(schema).problems({}) == []


def test_remote_reference_is_refused_not_fetched():
    schema = {
        "type": "object",
        "properties": {"x": {"$ref": "https://example.invalid/schema.json"}},
    }

    problems = ArgumentValidator(schema).problems({"x": 1})

    assert len(problems) == 1
    assert problems[0].startswith("$: this tool's schema cannot be checked")


def test_a_broken_schema_does_not_ask_the_model_to_fix_its_arguments():
    # Arrange
    schema = {"type": "object", "properties": {"x": {"$ref": "#/$defs/Nowhere"}}}

    # Act
    with pytest.raises(InvalidArgumentsError) as caught:
        ArgumentValidator(schema).validate({"x": 1}, tool="send-note")

    # Assert
    assert "Fix the arguments" not in caught.value.hint
    assert "do not retry this tool" in caught.value.hint


def test_formats_are_checked():
    schema = {"type": "object", "properties": {"ip": {"format": "ipv4"}}}

    problems = ArgumentValidator(schema).problems({"ip": "999.1.1.1"})

    assert problems == ["ip: '999.1.1.1' is not a 'ipv4'"]


def test_failed_union_explains_each_option():
    schema = {
        "type": "object",
        "properties": {
            "v": {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["a"]}]}
        },
    }

    (line,) = ArgumentValidator(schema).problems({"v": "b"})

    assert line.startswith("v: 'b' is not valid under any of the given schemas")
    assert "option 1: 'b' is not of type 'integer'" in line
    assert "option 2: 'b' is not one of ['a']" in line


def test_long_values_are_cut():
    schema = {"type": "object", "properties": {"s": {"maxLength": 3}}}

    (line,) = ArgumentValidator(schema).problems({"s": "x" * 5000})

    assert line.startswith("s: ")
    assert len(line) < 400


def test_validate_raises_with_problems():
    validator = ArgumentValidator({"type": "object", "required": ["a"]})

    with pytest.raises(InvalidArgumentsError) as caught:
        validator.validate({})

    assert caught.value.problems == ["$: 'a' is a required property"]


def test_invalid_schema_still_builds_a_validator(caplog):
    schema = {"type": "object", "properties": {"a": {"minLength": "three"}}}

    validator = ArgumentValidator(schema)

    assert "not valid JSON Schema" in caplog.text
    assert validator.schema == schema


def test_equal_schemas_share_one_compiled_validator():
    first = get_validator({"type": "object", "properties": {"a": {"type": "string"}}})
    second = get_validator({"properties": {"a": {"type": "string"}}, "type": "object"})

    assert first is second


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ([], "$"),
        (["a", 0, "b"], "a[0].b"),
        (["user.id"], '["user.id"]'),
        (["filter[name]", 2], '["filter[name]"][2]'),
        ([3], "[3]"),
    ],
)
def test_format_path(path, text):
    assert format_path(path) == text


class _CountingValidator:
    """Wraps a jsonschema validator and counts how it is used."""

    def __init__(self, inner):
        self.inner = inner
        self.uses: list[str] = []

    def is_valid(self, instance):
        self.uses.append("is_valid")
        return self.inner.is_valid(instance)

    def iter_errors(self, instance):
        self.uses.append("iter_errors")
        return self.inner.iter_errors(instance)


@pytest.mark.parametrize("arguments", [{"a": 1}, {"a": "x"}, {}])
def test_arguments_are_checked_in_one_pass(arguments):
    validator = ArgumentValidator(
        {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    )
    counting = _CountingValidator(validator._validator)
    validator._validator = counting

    validator.problems(arguments)

    assert counting.uses == ["iter_errors"]


def test_clean_arguments_never_build_json_paths(monkeypatch):
    def no_paths(value):
        raise AssertionError("the slow path-building walk ran on clean arguments")

    monkeypatch.setattr("membrane_pusher.schema.validate.json_problems", no_paths)
    validator = ArgumentValidator({"type": "object"})

    assert validator.problems({"a": [1, 2.5, {"b": None, "c": "x"}]}) == []


NOT_JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=3),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=2), inner, max_size=3),
    ),
    max_leaves=20,
)


@given(NOT_JSON_VALUES)
@settings(max_examples=300, deadline=None)
def test_quick_check_agrees_with_the_full_walk(value):
    assert has_json_problems(value) == bool(json_problems(value))


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 3000])
def test_quick_check_agrees_at_the_depth_limit(depth):
    nested: list = [1]
    for _ in range(depth):
        nested = [nested]

    assert has_json_problems({"a": nested}) == bool(json_problems({"a": nested}))
    assert has_json_problems({"a": nested}) == (depth + 2 > MAX_DEPTH)


def test_nan_is_reported_with_its_path():
    validator = ArgumentValidator({"type": "object"})

    assert validator.problems({"a": [1, math.inf]}) == [
        "a[1]: Infinity is not a JSON number; send a finite number, a string or null"
    ]
