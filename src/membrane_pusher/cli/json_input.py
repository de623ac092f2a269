"""Reading a JSON object from an option: inline, `@file`, or `-` (stdin).

Input is bounded: at most `MAX_INPUT_BYTES` are read, so `@/dev/urandom` or an
endless pipe fails at once instead of filling memory. The text must be UTF-8
(a leading byte-order mark, as some Windows editors write, is dropped) and
strict JSON (no `NaN`/`Infinity`, no repeated keys, bounded nesting). Every
failure is a usage error (exit 2) naming the option; empty input says so
rather than showing the JSON parser's "Expecting value".
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from membrane_pusher.json_text import JSONInputError, json_kind, loads_strict

__all__ = ["MAX_INPUT_BYTES", "MAX_INPUT_HELP", "parse_json_object"]

MAX_INPUT_BYTES = 1024 * 1024
"""The largest `--input` / `--data` accepted (1 MiB), however it is given."""

MAX_INPUT_HELP = "At most 1 MiB."

_BOM = "\ufeff"


def parse_json_object(text: str, option: str, *, holds: str = "") -> dict[str, Any]:
    """Read a JSON object given inline, as `@file`, or as `-` (stdin).

    Args:
        text: The option's value.
        option: The option's name, for messages (`--input`).
        holds: What the object holds, for the message when another JSON
            value was given (`the tool's arguments`).

    Returns:
        The parsed object.

    Raises:
        click.UsageError: The input is too large, unreadable, not UTF-8, not
            strict JSON, or not an object.
    """
    raw = _read(text, option)
    if len(raw) > MAX_INPUT_BYTES:
        message = (
            f"{option}: larger than {MAX_INPUT_BYTES} bytes (1 MiB), the limit; "
            "send a smaller object"
        )
        raise click.UsageError(message)

    try:
        source = raw.decode("utf-8").removeprefix(_BOM)
    except UnicodeDecodeError as error:
        message = f"{option}: not UTF-8 text (byte {error.start} cannot be decoded)"
        raise click.UsageError(message) from None

    if not source.strip():
        raise click.UsageError(_empty_message(text, option))

    try:
        value = loads_strict(source)
    except JSONInputError as error:
        message = f"{option}: not valid JSON ({error})"
        raise click.UsageError(message) from None

    if not isinstance(value, dict):
        raise click.UsageError(_not_an_object_message(value, option, holds))
    return value


def _not_an_object_message(value: Any, option: str, holds: str) -> str:
    """Say that an object was expected, naming the JSON value that came."""
    wanted = f"a JSON object of {holds}" if holds else "a JSON object"
    return f"{option} must be {wanted}, such as {{}}; got {_json_kind(value)}"


def _json_kind(value: Any) -> str:
    """Name a parsed JSON value, showing a boolean or number as it was written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    return json_kind(value)


def _empty_message(text: str, option: str) -> str:
    """Say where the input was expected and that nothing came."""
    if text == "-":
        where = "no input on stdin"
    elif text.startswith("@"):
        where = f"the file {text[1:]} is empty"
    else:
        where = "the value is empty"
    return f"{option}: {where}; expected a JSON object such as {{}}"


def _read(text: str, option: str) -> bytes:
    """Return at most `MAX_INPUT_BYTES + 1` bytes of the input."""
    limit = MAX_INPUT_BYTES + 1
    if text == "-":
        return sys.stdin.buffer.read(limit)
    if not text.startswith("@"):
        return text.encode("utf-8", "surrogateescape")

    path = Path(text[1:]).expanduser()
    try:
        with path.open("rb") as source:
            return source.read(limit)
    except OSError as error:
        message = f"{option}: cannot read {path}: {error.strerror or error}"
        raise click.UsageError(message) from error
