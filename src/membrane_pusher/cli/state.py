"""Options shared by every command, and the per-run state they fill in.

`--json`, `-v` and `-q` are accepted both before the command name and after
it (`membrane-pusher --json doctor` and `membrane-pusher doctor --json`), so
agents can append them wherever they like. Only the command line configures
logging: a handler on stderr, rich when stderr is a terminal.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from membrane_pusher.cli.output import Output

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "CLIState",
    "common_options",
    "configure_logging",
    "pass_state",
    "remove_logging",
]

F = TypeVar("F", bound="Callable[..., Any]")

_LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
# The name of the one handler the command line installs (and removes).
_HANDLER_NAME = "membrane-pusher-cli"


@dataclass
class CLIState:
    """What one run of the command line knows about how to write.

    Attributes:
        json_mode: `--json` was given somewhere on the command line.
        verbosity: `-v` count minus `-q` count.
        output: The writer of stdout and stderr.
    """

    json_mode: bool = False
    verbosity: int = 0
    output: Output = field(default_factory=Output)

    def sync(self) -> None:
        """Apply the parsed flags to the writer and to logging."""
        self.output.json_mode = self.json_mode
        self.output.quiet = self.verbosity < 0
        configure_logging(self.verbosity)


def configure_logging(verbosity: int) -> None:
    """Send log records to stderr at a level chosen by `-v`/`-q`.

    Args:
        verbosity: 0 shows warnings, 1 (`-v`) info, 2 (`-vv`) debug, and a
            negative value (`-q`) errors only.
    """
    if verbosity >= 2:  # noqa: PLR2004 - -vv means debug
        level = logging.DEBUG
    elif verbosity == 1:
        level = logging.INFO
    elif verbosity < 0:
        level = logging.ERROR
    else:
        level = logging.WARNING

    remove_logging()
    root = logging.getLogger()

    handler: logging.Handler
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.logging import RichHandler

        handler = RichHandler(console=Console(stderr=True), show_path=False)
    else:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter(_LOG_FORMAT))
    handler.set_name(_HANDLER_NAME)
    root.addHandler(handler)
    root.setLevel(level)


def remove_logging() -> None:
    """Remove the handler `configure_logging` installed (end of a run)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)


class _StderrHandler(logging.StreamHandler[TextIO]):
    """A stream handler that writes to whatever `sys.stderr` is at the time."""

    def __init__(self) -> None:
        """Create the handler (the stream is looked up at each record)."""
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        """The current `sys.stderr`."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        """Ignore the stream given at construction."""


def _state(ctx: click.Context) -> CLIState:
    """Return the run's state, creating it on the root context."""
    return ctx.ensure_object(CLIState)


def _set_json(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """Record `--json` (given before or after the command name)."""
    if value:
        _state(ctx).json_mode = True


def _add_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    """Record `-v` (repeatable)."""
    _state(ctx).verbosity += value


def _add_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """Record `-q`."""
    if value:
        _state(ctx).verbosity -= 1


def common_options(function: F) -> F:
    """Add `--json`, `-v` and `-q` to a command or group."""
    decorators = (
        click.option(
            "--json",
            "json_flag",
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_json,
            help="Print one JSON document on stdout (errors too) and nothing else.",
        ),
        click.option(
            "-v",
            "--verbose",
            count=True,
            expose_value=False,
            callback=_add_verbose,
            help="Log more on stderr (-v info, -vv debug).",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            callback=_add_quiet,
            help="Only errors on stderr.",
        ),
    )
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def pass_state(function: F) -> F:
    """Give a command the run's `CLIState` as its first argument, synced."""

    @click.pass_context
    def wrapper(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        state = _state(ctx)
        state.sync()
        return ctx.invoke(function, state, *args, **kwargs)

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper  # type: ignore[return-value]
