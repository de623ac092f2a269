"""`pattern` and `patternProperties` from catalog schemas, matched in bounded time."""

from __future__ import annotations

import pytest

from membrane_pusher.schema.patterns import PATTERN_TIMEOUT_SECONDS
from membrane_pusher.schema.validate import ArgumentValidator

# Each takes hours with Python's `re` on the value below it.
RUNAWAY = [
    ("^(a|a)*$", "a" * 40 + "!"),
    ("(x+x+)+y", "x" * 5000),
    ("(a|aa)+$", "a" * 60 + "!"),
]


@pytest.mark.parametrize(("pattern", "value"), RUNAWAY)
def test_a_runaway_pattern_is_a_problem_line_not_a_hang(pattern, value):
    # Arrange
    validator = ArgumentValidator(
        {"type": "object", "properties": {"s": {"type": "string", "pattern": pattern}}}
    )

    # Act
    problems = validator.problems({"s": value})

    # Assert
    [problem] = problems
    assert problem.startswith("s: ")
    assert f"within {PATTERN_TIMEOUT_SECONDS} s" in problem
    assert "send a shorter or simpler value" in problem


def test_a_runaway_key_pattern_is_a_problem_line_too():
    validator = ArgumentValidator(
        {"type": "object", "patternProperties": {"^(a|a)*$": {"type": "integer"}}}
    )

    problems = validator.problems({"a" * 40 + "!": 1})

    assert len(problems) == 1
    assert "could not be checked against the pattern" in problems[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("deploy-1", []),
        ("Deploy 1", ["s: 'Deploy 1' does not match '^[a-z]+-\\\\d+$'"]),
    ],
)
def test_ordinary_patterns_match_as_before(value, expected):
    validator = ArgumentValidator(
        {
            "type": "object",
            "properties": {"s": {"type": "string", "pattern": "^[a-z]+-\\d+$"}},
        }
    )

    assert validator.problems({"s": value}) == expected


def test_pattern_properties_still_check_matching_keys():
    validator = ArgumentValidator(
        {
            "type": "object",
            "patternProperties": {"^n_": {"type": "integer"}},
            "additionalProperties": {"type": "string"},
        }
    )

    assert validator.problems({"n_1": 1, "label": "x"}) == []
    assert validator.problems({"n_1": "one"}) == ["n_1: 'one' is not of type 'integer'"]


def test_a_pattern_that_is_no_regex_says_the_schema_cannot_be_checked():
    validator = ArgumentValidator(
        {"type": "object", "properties": {"s": {"type": "string", "pattern": "(["}}}
    )

    [problem] = validator.problems({"s": "x"})

    assert problem.startswith("$: this tool's schema cannot be checked")
