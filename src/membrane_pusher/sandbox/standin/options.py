"""A small option parser that reads argv the way the Membrane CLI accepts it.

It takes `--name=value` and `--name value`, short forms such as `-X POST` and
`-XPOST`, options before or after positionals, repeatable options, and `--` to
end the options. Unknown options are errors (exit code 2), as in the real CLI.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["OptionSpec", "ParsedArgs", "UsageError", "parse_options"]

# Options every command accepts.
GLOBAL_FLAGS = ("--json",)
GLOBAL_VALUES = ("--workspaceKey", "--tenantKey")


class UsageError(Exception):
    """The command line does not fit the command (exit code 2)."""


class OptionSpec(NamedTuple):
    """The options of one command.

    Attributes:
        values: Option names that take a value; aliases map to one name
            (`{"-X": "--method", "--method": "--method"}`).
        flags: Boolean option names, aliases likewise.
        repeated: Canonical names that may appear more than once.
        positionals: How many positional values the command takes at most.
    """

    values: dict[str, str] = {}  # noqa: RUF012 - NamedTuple fields are read-only
    flags: dict[str, str] = {}  # noqa: RUF012 - same
    repeated: frozenset[str] = frozenset()
    positionals: int = 0


class ParsedArgs:
    """The result of parsing: option values, flags and positionals."""

    def __init__(self) -> None:
        """Start empty."""
        self.values: dict[str, list[str]] = {}
        self.flags: set[str] = set()
        self.positionals: list[str] = []

    def value(self, name: str) -> str | None:
        """Return the last value of an option, or None."""
        found = self.values.get(name)
        return found[-1] if found else None

    def all(self, name: str) -> list[str]:
        """Return every value of a repeatable option."""
        return list(self.values.get(name, []))


def parse_options(tokens: list[str], spec: OptionSpec) -> ParsedArgs:
    """Parse the tokens after the command words.

    Raises:
        UsageError: For an unknown option, a missing value, a repeated
            single option or too many positionals.
    """
    values = dict(spec.values)
    values.update({name: name for name in GLOBAL_VALUES})
    flags = dict(spec.flags)
    flags.update({name: name for name in GLOBAL_FLAGS})

    parsed = ParsedArgs()
    index = 0
    while index < len(tokens):
        word = tokens[index]
        index += 1

        if word == "--":
            parsed.positionals.extend(tokens[index:])
            break
        if not word.startswith("-") or word == "-":
            parsed.positionals.append(word)
            continue

        name, value = _split(word, values)
        if name in flags and value is None:
            parsed.flags.add(flags[name])
            continue
        if name not in values:
            raise UsageError(f"unknown option '{name}'")
        if value is None:
            if index >= len(tokens):
                raise UsageError(f"option '{name}' needs a value")
            value = tokens[index]
            index += 1
        _add(parsed, values[name], value, spec.repeated)

    if len(parsed.positionals) > spec.positionals:
        extra = parsed.positionals[spec.positionals]
        raise UsageError(f"too many arguments: unexpected '{extra}'")
    return parsed


def _split(token: str, values: dict[str, str]) -> tuple[str, str | None]:
    """Split `--name=value` or `-Xvalue` into name and attached value."""
    if token.startswith("--"):
        name, equals, value = token.partition("=")
        return name, value if equals else None
    short = token[:2]
    if len(token) > 2 and short in values:  # noqa: PLR2004 - "-X" is two characters
        return short, token[2:]
    return token, None


def _add(parsed: ParsedArgs, name: str, value: str, repeated: frozenset[str]) -> None:
    """Store one option value, refusing repeats of single options."""
    existing = parsed.values.setdefault(name, [])
    if existing and name not in repeated:
        raise UsageError(f"option '{name}' given more than once")
    existing.append(value)
