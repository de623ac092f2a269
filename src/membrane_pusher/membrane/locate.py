"""Finding the `membrane` executable.

The search order is: env `MEMBRANE_CLI` (a path, or a whole command line such as
`npx -y @membranehq/cli`), then `membrane` on PATH, then `npx -y @membranehq/cli`
when `npx` exists. Nothing is started here: the result is an argv prefix.

A `MEMBRANE_CLI` value that names an executable file as a whole is taken as
that file, spaces and all (`/opt/My Tools/membrane`); anything else is split
like a shell command line, so a path with spaces and arguments must be quoted.
"""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from membrane_pusher.errors import CLINotFoundError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "CLI_ENV_VAR",
    "INSTALL_HINT",
    "NPX_PACKAGE",
    "command_prefix",
    "find_membrane",
    "is_npx_fallback",
    "split_command",
]

CLI_ENV_VAR = "MEMBRANE_CLI"
NPX_PACKAGE = "@membranehq/cli"

INSTALL_HINT = (
    "Install it with `npm install -g @membranehq/cli` (or install Node.js for "
    "`npx`), or set MEMBRANE_CLI to its path or command line."
)

_QUOTING_HINT = (
    "Set MEMBRANE_CLI to the path of an executable file, or to a command line; "
    "quote a path that holds spaces when arguments follow it "
    "(MEMBRANE_CLI='\"/opt/My Tools/membrane\" --flag')."
)


def is_npx_fallback(argv: Sequence[str]) -> bool:
    """Tell whether an argv runs the CLI through `npx -y @membranehq/cli`.

    Args:
        argv: A full argv, or just its prefix.

    Returns:
        True when npx is the program and the CLI package is one of its
        arguments before the CLI's own.
    """
    if len(argv) < 2:  # noqa: PLR2004 - the program and the package at least
        return False
    program = Path(argv[0]).name.lower()
    if program not in {"npx", "npx.cmd", "npx.exe"}:
        return False
    return any(
        part == NPX_PACKAGE or part.startswith(f"{NPX_PACKAGE}@") for part in argv[1:4]
    )


def split_command(command: str) -> list[str]:
    """Split a command line the way a POSIX shell would, without running one.

    Args:
        command: For example `npx -y @membranehq/cli` or a quoted path.

    Returns:
        The argv prefix.

    Raises:
        CLINotFoundError: When the text is empty or badly quoted.
    """
    try:
        parts = shlex.split(command)
    except ValueError as error:
        raise CLINotFoundError(
            f"MEMBRANE_CLI cannot be parsed as a command line ({error}).",
            hint="Quote the path with single or double quotes.",
        ) from error
    if not parts:
        raise CLINotFoundError("MEMBRANE_CLI is empty.", hint=INSTALL_HINT)
    return parts


def command_prefix(command: str) -> list[str]:
    """Return the argv prefix for a configured command.

    Args:
        command: The path of an executable file (spaces allowed, no quotes
            needed), or a command line to split like a shell would.

    Returns:
        `[command]` when it names an executable file as a whole, else its
        shell-like split.

    Raises:
        CLINotFoundError: When the text is empty or badly quoted.
    """
    if _is_executable(command):
        return [command]
    return split_command(command)


def find_membrane(env: Mapping[str, str] | None = None) -> list[str]:
    """Return the argv prefix that runs the Membrane CLI.

    Args:
        env: The environment to read `MEMBRANE_CLI` and `PATH` from; the
            process environment when omitted.

    Returns:
        The argv prefix, for example `["/usr/bin/membrane"]` or
        `["/usr/bin/npx", "-y", "@membranehq/cli"]`.

    Raises:
        CLINotFoundError: When no way to run the CLI was found.
    """
    environ = os.environ if env is None else env
    search_path = environ.get("PATH", os.defpath)

    configured = environ.get(CLI_ENV_VAR, "").strip()
    if configured:
        return _resolve_configured(configured, search_path)

    installed = shutil.which("membrane", path=search_path)
    if installed:
        return [installed]

    npx = shutil.which("npx", path=search_path)
    if npx:
        return [npx, "-y", NPX_PACKAGE]

    raise CLINotFoundError(
        "The Membrane CLI (`membrane`) was not found on PATH.", hint=INSTALL_HINT
    )


def _resolve_configured(configured: str, search_path: str) -> list[str]:
    """Check the program named by `MEMBRANE_CLI` and return its argv prefix."""
    parts = command_prefix(configured)
    program = parts[0]

    if os.sep in program or (os.altsep and os.altsep in program):
        if _is_executable(program):
            return parts
        raise CLINotFoundError(
            f"MEMBRANE_CLI names {program!r}, which is not an executable file.",
            hint=_QUOTING_HINT if " " in configured else INSTALL_HINT,
        )

    resolved = shutil.which(program, path=search_path)
    if resolved is None:
        raise CLINotFoundError(
            f"MEMBRANE_CLI names {program!r}, which is not on PATH.",
            hint=INSTALL_HINT,
        )
    return [resolved, *parts[1:]]


def _is_executable(path: str) -> bool:
    """Tell whether a path names an executable file."""
    return Path(path).is_file() and os.access(path, os.X_OK)
