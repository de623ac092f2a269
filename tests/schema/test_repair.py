"""Opt-in repairs: only string to typed value, only when the result validates."""

from __future__ import annotations

import logging

from membrane_pusher.schema.repair import repair_arguments
from membrane_pusher.schema.validate import ArgumentValidator

SCHEMA = {
    "type": "object",
    "properties": {
        "tags": {"type": "array", "items": {"type": "string"}},
        "filter": {
            "type": "object",
            "properties": {"limit": {"type": "integer"}},
            "required": ["limit"],
        },
        "count": {"type": "integer"},
        "ratio": {"type": ["number", "null"]},
        "on": {"type": "boolean"},
        "label": {"type": "string"},
    },
}


def test_json_text_and_numeric_strings_become_typed(caplog):
    caplog.set_level(logging.WARNING)
    sent = {
        "tags": '["a","b"]',
        "filter": '{"limit": "5"}',
        "count": "3",
        "ratio": "0.5",
        "on": "true",
    }

    repaired, notes = repair_arguments(sent, ArgumentValidator(SCHEMA))

    assert repaired == {
        "tags": ["a", "b"],
        "filter": {"limit": 5},
        "count": 3,
        "ratio": 0.5,
        "on": True,
    }
    assert sent["count"] == "3"
    assert len(notes) == 6
    assert any(n.startswith("filter.limit:") for n in notes)
    assert caplog.text.count("argument repaired") == 6


def test_never_typed_value_to_string():
    assert repair_arguments({"label": 5}, ArgumentValidator(SCHEMA)) is None


def test_repair_that_does_not_validate_is_dropped():
    validator = ArgumentValidator(SCHEMA)

    assert repair_arguments({"tags": "[1, 2]"}, validator) is None
    assert repair_arguments({"tags": "a"}, validator) is None
    assert repair_arguments({"count": "3.5"}, validator) is None


def test_repair_inside_union():
    schema = {
        "type": "object",
        "properties": {
            "change": {
                "oneOf": [
                    {"type": "object", "required": ["a"]},
                    {"type": "array"},
                ]
            }
        },
    }

    repaired, notes = repair_arguments(
        {"change": '{"a": 1}'}, ArgumentValidator(schema)
    )

    assert repaired == {"change": {"a": 1}}
    assert notes == ['change: the string "{\\"a\\": 1}" was read as JSON object']


def test_numbers_too_long_or_too_large_to_read_are_not_repaired():
    validator = ArgumentValidator(SCHEMA)

    assert repair_arguments({"count": "9" * 5000}, validator) is None
    assert repair_arguments({"ratio": "9" * 5000}, validator) is None
    assert repair_arguments({"ratio": "1e400"}, validator) is None


def test_long_integer_text_for_a_number_is_read_exactly():
    repaired = repair_arguments(
        {"ratio": "12345678901234567891"}, ArgumentValidator(SCHEMA)
    )

    assert repaired is not None
    assert repaired[0] == {"ratio": 12345678901234567891}


def test_json_text_is_read_as_strictly_as_any_input():
    validator = ArgumentValidator(
        {
            "type": "object",
            "properties": {
                "xs": {"type": "array", "items": {"type": "number"}},
                "filter": {"type": "object"},
            },
        }
    )

    assert repair_arguments({"xs": "[1e400]"}, validator) is None
    assert repair_arguments({"filter": '{"a": 1, "a": 2}'}, validator) is None
