"""Numbers that strict JSON parsing cannot read are refused in plain words.

Python converts at most 4,300 digits to an integer and reads `1e400` as
infinity; `loads_strict` says so without naming Python's own settings.
"""

from __future__ import annotations

import sys

import pytest

from membrane_pusher.json_text import JSONInputError, loads_strict

LIMIT = 4300


@pytest.mark.parametrize(
    "text",
    [
        "1" * (LIMIT + 1),
        "-" + "9" * (LIMIT + 1),
        '{"a": [1, ' + "7" * 5000 + "]}",
    ],
    ids=["just-over", "negative", "nested"],
)
def test_an_integer_with_too_many_digits_is_refused_in_plain_words(text):
    # Act
    with pytest.raises(JSONInputError) as caught:
        loads_strict(text)

    # Assert
    message = str(caught.value)
    assert message.startswith("a number in the input has more than 4,300 digits")
    assert "sys" not in message
    assert "int_max_str_digits" not in message


def test_integers_up_to_the_limit_are_read():
    assert loads_strict("9" * LIMIT) == int("9" * LIMIT)
    assert loads_strict("-" + "9" * LIMIT) == -int("9" * LIMIT)
    assert loads_strict("[0, -1, 42]") == [0, -1, 42]


def test_the_interpreters_own_limit_is_the_one_named(monkeypatch):
    # Arrange
    monkeypatch.setattr(sys, "get_int_max_str_digits", lambda: 640)

    # Act
    with pytest.raises(JSONInputError) as caught:
        loads_strict("1" * 641)

    # Assert
    assert "more than 640 digits" in str(caught.value)


@pytest.mark.parametrize("text", ["1e400", "-1e400", '{"x": 2.5E+999}'])
def test_a_number_that_only_reads_as_infinity_is_refused(text):
    with pytest.raises(JSONInputError, match="too large to be read"):
        loads_strict(text)


def test_ordinary_floats_are_read():
    assert loads_strict("[1.5, -0.25, 1e308, 5e-324]") == [1.5, -0.25, 1e308, 5e-324]
