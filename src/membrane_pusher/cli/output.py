"""Where the command line writes: data on stdout, everything else on stderr.

With `--json`, stdout carries exactly one JSON document (the result, or an
`{"error": {...}}` envelope) and nothing else. Without it, results meant for
scripts still go to stdout, while tables, check lists, progress and messages
for people go to stderr. rich is imported only when something is rendered, and
spinners appear only when stderr is a terminal.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from rich.console import Console

    from membrane_pusher.errors import MembranePusherError

__all__ = ["EXIT_CODES_HELP", "ExitCode", "Output", "error_envelope", "exit_code_for"]


class ExitCode(IntEnum):
    """The exit codes of `membrane-pusher`, listed in `--help`."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    NOT_LOGGED_IN = 3
    NOT_CONNECTED = 4
    CLI_NOT_FOUND = 5
    NOT_CONFIGURED = 6
    INTERRUPTED = 130


EXIT_CODES_HELP = """\b
Exit codes:
  0  success
  1  failure (a call failed, Pusher refused it, a check did not pass;
     also not_found and confirmation_denied)
  2  usage error, invalid tool arguments or input (too large, not JSON)
  3  the Membrane CLI is not logged in (run: membrane login --tenant)
  4  no READY Pusher connection (run: membrane-pusher connect)
  5  the Membrane CLI was not found (npm install -g @membranehq/cli)
  6  set-up missing (app id, several connections, sandbox not installed,
     an optional extra not installed)
  130  interrupted"""

# Error kinds (`MembranePusherError.kind`) with an exit code of their own. An
# error class without an entry takes the code of its nearest ancestor that has
# one, so every new `SetupError` exits 6 until it is given its own code.
_EXIT_BY_KIND = {
    "usage_error": ExitCode.USAGE,
    "invalid_arguments": ExitCode.USAGE,
    "input_too_large": ExitCode.USAGE,
    "not_logged_in": ExitCode.NOT_LOGGED_IN,
    "connection_not_ready": ExitCode.NOT_CONNECTED,
    "cli_not_found": ExitCode.CLI_NOT_FOUND,
    "setup_error": ExitCode.NOT_CONFIGURED,
    "interrupted": ExitCode.INTERRUPTED,
}


def exit_code_for(error: str | MembranePusherError) -> ExitCode:
    """Return the exit code of an error, or of an error kind.

    The error's class and then its ancestors are looked up in turn; a kind
    (from an envelope) is first matched to the package's error class that
    has it. `FAILURE` when nothing matches.

    Args:
        error: A package error, or a `kind` such as `not_logged_in`.
    """
    if not isinstance(error, str):
        return _exit_for_class(type(error))
    if error in _EXIT_BY_KIND:
        return _EXIT_BY_KIND[error]
    error_class = _error_classes().get(error)
    if error_class is None:
        return ExitCode.FAILURE
    return _exit_for_class(error_class)


def _exit_for_class(error_class: type[BaseException]) -> ExitCode:
    """Walk a class's ancestors to the first kind with an exit code."""
    for ancestor in error_class.__mro__:
        kind = ancestor.__dict__.get("kind")
        if isinstance(kind, str) and kind in _EXIT_BY_KIND:
            return _EXIT_BY_KIND[kind]
    return ExitCode.FAILURE


def _error_classes() -> dict[str, type[MembranePusherError]]:
    """Map each kind to its error class, over every subclass defined so far."""
    from membrane_pusher.errors import MembranePusherError

    found: dict[str, type[MembranePusherError]] = {}
    pending: list[type[MembranePusherError]] = [MembranePusherError]
    while pending:
        error_class = pending.pop()
        found.setdefault(error_class.kind, error_class)
        pending.extend(error_class.__subclasses__())
    return found


def error_envelope(error: MembranePusherError | dict[str, Any]) -> dict[str, Any]:
    """Build the `{"error": {"type", "message", "hint", ...}}` document.

    Args:
        error: A package error, or an already rendered error dict.

    Returns:
        The envelope, redacted, with empty optional fields left out.
    """
    from membrane_pusher.redaction import redact_value

    details = error if isinstance(error, dict) else error.to_dict()
    kept = {
        key: value
        for key, value in details.items()
        if key in {"type", "message", "hint"} or value not in (None, "", [])
    }
    kept.setdefault("hint", "")
    return {"error": redact_value(kept)}


@dataclass
class Output:
    """The streams of one command run, and how to write to them.

    Attributes:
        json_mode: Whether `--json` was given.
        quiet: Whether `-q` was given (messages for people are dropped).
        stdout_tty: Whether stdout is a terminal (for pretty JSON).
    """

    json_mode: bool = False
    quiet: bool = False
    # A lambda, so the stdout of the moment is asked (tests swap it).
    stdout_tty: bool = field(default_factory=lambda: sys.stdout.isatty())  # noqa: PLW0108
    _console: Console | None = field(default=None, repr=False)

    @property
    def stderr_tty(self) -> bool:
        """Whether stderr is a terminal (spinners and colour only then)."""
        return sys.stderr.isatty()

    @property
    def console(self) -> Console:
        """A rich console on stderr, created (and rich imported) on first use."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._console

    def data(self, value: Any) -> None:
        """Write one JSON document to stdout (pretty on a terminal)."""
        from membrane_pusher.json_text import dumps
        from membrane_pusher.redaction import redact_value

        indent = 2 if self.stdout_tty else None
        text = dumps(redact_value(value), indent=indent)
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def result(self, value: Any) -> None:
        """Write a tool result as one JSON document on stdout.

        Results are redacted as the model sees them (known secret values and
        credential-named fields only), so `nextPageToken` or `tokens_used`
        reach the user as the API sent them.
        """
        from membrane_pusher.json_text import dumps
        from membrane_pusher.redaction import redact_result

        indent = 2 if self.stdout_tty else None
        sys.stdout.write(dumps(redact_result(value), indent=indent) + "\n")
        sys.stdout.flush()

    def text(self, value: str) -> None:
        """Write plain text (a result meant for scripts) to stdout."""
        from membrane_pusher.redaction import redact

        sys.stdout.write(redact(value).rstrip("\n") + "\n")
        sys.stdout.flush()

    def say(self, message: str, *, style: str | None = None) -> None:
        """Write a message for people to stderr, unless `-q` or `--json`."""
        if self.quiet or self.json_mode:
            return
        from membrane_pusher.redaction import redact

        self.console.print(redact(message), style=style, markup=False)

    def problem(self, message: str, *, style: str | None = None) -> None:
        """Write a problem people must fix to stderr, even with `-q`.

        `--json` keeps it out: the document on stdout carries it.
        """
        if self.json_mode:
            return
        from membrane_pusher.redaction import redact

        self.console.print(redact(message), style=style, markup=False)

    def notice(self, message: str) -> None:
        """Write a message people must see (a URL to open), even with `--json`."""
        if self.quiet and not self.json_mode:
            return
        from membrane_pusher.redaction import redact

        self.console.print(redact(message), markup=False)

    def table(
        self, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
    ) -> None:
        """Render a table on stderr, unless `-q` or `--json`."""
        if self.quiet or self.json_mode:
            return
        from rich.table import Table

        from membrane_pusher.redaction import redact

        table = Table(title=title, title_justify="left", show_lines=False)
        for index, column in enumerate(columns):
            table.add_column(column, overflow="fold", no_wrap=index == 0)
        for row in rows:
            table.add_row(*(redact(cell) for cell in row))
        self.console.print(table)

    @contextlib.contextmanager
    def progress(self, message: str) -> Iterator[None]:
        """Show a transient spinner on stderr while the block runs (TTY only)."""
        if self.quiet or not self.stderr_tty:
            yield
            return
        with self.console.status(message):
            yield

    def failure(self, envelope: dict[str, Any]) -> None:
        """Report an error: the envelope on stdout with `--json`, else stderr."""
        if self.json_mode:
            self.data(envelope)
            return
        from membrane_pusher.redaction import redact

        error = envelope["error"]
        lines = [f"Error ({error['type']}): {error['message']}"]
        if error.get("hint"):
            lines.append(f"Hint: {error['hint']}")
        if error.get("url"):
            lines.append(f"Open: {error['url']}")
        sys.stderr.write(redact("\n".join(lines)) + "\n")
        sys.stderr.flush()
