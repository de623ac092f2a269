"""Free text on the command line, checked as it is parsed: instructions, intents.

`--intent` (of `tools`, `call` and `agent`) must not be blank: an empty
search would silently load nothing useful.

An instruction must stay short: it is one request for one turn, and a model
is sent it whole with every tool definition. A blank one is refused too
(`demo` uses its own instruction only when the option is left out). The
checks run as Click
parses the command line, so a refused instruction is a usage error (exit 2)
and nothing is loaded, started or sent.
"""

from __future__ import annotations

import click

__all__ = [
    "MAX_INSTRUCTION_CHARS",
    "check_intents",
    "instruction_argument",
    "instruction_option",
]

MAX_INSTRUCTION_CHARS = 4000
"""The longest instruction accepted, in characters."""


def _check_length(instruction: str) -> str:
    """Return the instruction when it is at most `MAX_INSTRUCTION_CHARS` long.

    Args:
        instruction: The text given on the command line.

    Returns:
        The same text.

    Raises:
        click.BadParameter: It is longer than the limit; the message names
            the limit and the length received.
    """
    length = len(instruction)
    if length <= MAX_INSTRUCTION_CHARS:
        return instruction
    message = (
        f"it is {length:,} characters long; the limit is "
        f"{MAX_INSTRUCTION_CHARS:,}. Shorten it to what this one turn should do"
    )
    raise click.BadParameter(message)


def instruction_argument(
    _context: click.Context, _parameter: click.Parameter, value: str
) -> str:
    """Click callback of a required instruction: neither empty nor too long.

    Raises:
        click.BadParameter: The instruction is blank or too long.
    """
    if not value.strip():
        message = "it is empty; say what the agent should do"
        raise click.BadParameter(message)
    return _check_length(value)


def instruction_option(
    _context: click.Context, _parameter: click.Parameter, value: str | None
) -> str | None:
    """Click callback of an optional instruction: absent, or not blank nor too long.

    Raises:
        click.BadParameter: The instruction is blank or too long.
    """
    if value is None:
        return None
    if not value.strip():
        message = "it is empty; leave the option out to use the default instruction"
        raise click.BadParameter(message)
    return _check_length(value)


def check_intents(
    _context: click.Context, _parameter: click.Parameter, intents: tuple[str, ...]
) -> tuple[str, ...]:
    """Click callback of `--intent`: every intent must say something.

    Raises:
        click.BadParameter: One of the intents is blank.
    """
    if any(not intent.strip() for intent in intents):
        message = "an intent is empty; say what to look for, such as 'send event'"
        raise click.BadParameter(message)
    return intents
