"""The `membrane-pusher` command group and its entry point.

`main` runs the group without Click's standalone error handling, so that every
failure (usage errors included) leaves through one place: an exit code from
`ExitCode`, and with `--json` an `{"error": {...}}` envelope on stdout.

Ctrl-C, SIGTERM and SIGHUP all end a run the same way: whatever the command
started (a sandbox, a subscriber) is stopped, and the run exits 130 with an
`interrupted` error (see `membrane_pusher.sandbox.interrupts`).

With `--json`, `--version` prints `{"name", "version"}` and `--help` prints
`{"command", "usage", "help"}` (the help text as it would be shown), plus the
commands and exit codes for the group itself.

Start-up stays small: a command's module is imported only when that command
runs (or shows its own help), and command modules import heavy libraries only
inside the command. The group's help lists the commands from `COMMANDS`, whose
one-line summaries a test keeps equal to the commands' own.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import re
import sys
from typing import TYPE_CHECKING, Any

import click

from membrane_pusher import __version__
from membrane_pusher.cli.output import (
    EXIT_CODES_HELP,
    ExitCode,
    error_envelope,
    exit_code_for,
)
from membrane_pusher.cli.state import CLIState, common_options, remove_logging
from membrane_pusher.errors import MembranePusherError
from membrane_pusher.sandbox.interrupts import SignalInterrupt, signals_as_interrupts

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["COMMANDS", "cli", "main", "run"]

logger = logging.getLogger(__name__)

PROG_NAME = "membrane-pusher"
_HELP_OPTION_NAMES = ["-h", "--help"]
_USAGE_LINE = re.compile(r"Usage: (?P<usage>(?P<command>.+?)(?: \[OPTIONS\].*)?)$")

_HELP = f"""Pusher Channels tools for agents, through the Membrane CLI.

Check the set-up with `doctor`, create the Pusher connection with `connect`,
then list the tools an agent gets (`tools`), run one (`call`), send a guarded
raw API request (`request`) or let a model do a task (`agent`). `sandbox` and
`demo` run everything offline against a local Pusher-protocol server.

Add --json to any command for one JSON document on stdout.

{EXIT_CODES_HELP}
"""


# Command name -> (module under membrane_pusher.cli.commands, attribute, summary).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "doctor": (
        "doctor",
        "command",
        "Check the CLI, login, connection, app id and cache.",
    ),
    "connect": ("connect", "command", "Find or create the Pusher connection."),
    "tools": ("tools", "command", "List the tools an agent gets, or their JSON."),
    "call": ("call", "command", "Validate and run one tool, as an agent would."),
    "request": ("request", "command", "Send a guarded raw Pusher API request."),
    "agent": ("agent", "command", "Let a model carry out an instruction (one turn)."),
    "sandbox": ("sandbox", "group", "Install, start, inspect or stop the sandbox."),
    "demo": ("demo", "command", "Run the offline end-to-end demo."),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the command names in the order of `COMMANDS`."""
        del ctx
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import and return one command."""
        del ctx
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attribute, _summary = entry
        module = importlib.import_module(f"membrane_pusher.cli.commands.{module_name}")
        command: click.Command = getattr(module, attribute)
        return command

    def format_commands(
        self, ctx: click.Context, formatter: click.HelpFormatter
    ) -> None:
        """List the commands from their summaries, importing none of them."""
        del ctx
        rows = [(name, summary) for name, (_m, _a, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """Print the version (one JSON document with `--json`) and stop."""
    if not value or ctx.resilient_parsing:
        return
    state = ctx.ensure_object(CLIState)
    if state.json_mode:
        state.output.data({"name": PROG_NAME, "version": __version__})
    else:
        click.echo(f"{PROG_NAME}, version {__version__}")
    ctx.exit()


@click.group(
    cls=LazyGroup,
    help=_HELP,
    context_settings={"help_option_names": _HELP_OPTION_NAMES},
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
@common_options
def cli() -> None:
    """Group callback: the shared options are handled by their callbacks."""


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line and exit with its documented exit code.

    Args:
        argv: The arguments (default: `sys.argv[1:]`).
    """
    sys.exit(run(argv))


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code (used by `main` and tests).

    Args:
        argv: The arguments (default: `sys.argv[1:]`).

    Returns:
        The exit code.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    state = CLIState(json_mode="--json" in args)
    if state.json_mode and set(_HELP_OPTION_NAMES).intersection(args):
        return _json_help(state, args)
    return _run(state, args)


def _run(state: CLIState, args: list[str]) -> int:  # noqa: PLR0911 - one exit per failure kind
    """Run the group once and turn any outcome into an exit code."""
    try:
        with signals_as_interrupts():
            result = cli.main(
                args=args, prog_name=PROG_NAME, standalone_mode=False, obj=state
            )
    except click.UsageError as error:
        return _usage_failure(state, error)
    except click.exceptions.Exit as done:
        return done.exit_code
    except (click.Abort, KeyboardInterrupt) as interrupt:
        return _report(state, "interrupted", _interrupted(interrupt), _INTERRUPTED_HINT)
    except click.ClickException as error:
        return _report(state, "failure", error.format_message(), "")
    except MembranePusherError as error:
        return _package_failure(state, error)
    except ImportError as error:
        from membrane_pusher.extras import missing_extra_error

        setup_error = missing_extra_error(error)
        if setup_error is None:
            return _internal_failure(state, error)
        return _package_failure(state, setup_error)
    except Exception as error:  # noqa: BLE001 - every failure leaves as an envelope
        return _internal_failure(state, error)
    finally:
        remove_logging()
    return _as_exit_code(result)


_INTERRUPTED_HINT = (
    "A call that was already on its way may have gone through: check before "
    "sending it again."
)


def _interrupted(interrupt: BaseException) -> str:
    """Say what interrupted the run (Click turns Ctrl-C into `Abort`)."""
    cause = interrupt.__cause__ or interrupt
    if isinstance(cause, SignalInterrupt):
        return f"Interrupted ({cause.signal_name})."
    return "Interrupted."


def _json_help(state: CLIState, args: list[str]) -> int:
    """Print the help asked for as one JSON document (`--help --json`).

    The help is rendered as usual into a buffer; anything else that comes out
    (a help flag given as an option's value, say) is passed through as it is.
    """
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = _run(state, args)
    text = buffer.getvalue()
    found = _USAGE_LINE.match(text.partition("\n")[0])
    if code != ExitCode.OK or found is None:
        sys.stdout.write(text)
        return code

    document: dict[str, Any] = {
        "command": found.group("command"),
        "usage": found.group("usage"),
        "help": text,
    }
    if found.group("command") == PROG_NAME:
        document["version"] = __version__
        document["commands"] = [
            {"name": name, "summary": summary}
            for name, (_module, _attribute, summary) in COMMANDS.items()
        ]
        document["exit_codes"] = {str(int(c)): c.name.lower() for c in ExitCode}
    state.output.data(document)
    return ExitCode.OK


def _package_failure(state: CLIState, error: MembranePusherError) -> int:
    """Report one of the package's errors with its own exit code."""
    state.output.json_mode = state.json_mode
    state.output.failure(error_envelope(error))
    return exit_code_for(error.kind)


def _internal_failure(state: CLIState, error: BaseException) -> int:
    """Report an unexpected error (details with -vv)."""
    logger.debug("unexpected error", exc_info=error)
    hint = "Run again with -vv for details; please report it if it persists."
    return _report(state, "internal_error", f"{type(error).__name__}: {error}", hint)


def _usage_failure(state: CLIState, error: click.UsageError) -> int:
    """Report a usage error: Click's usage text for people, an envelope for JSON."""
    if not state.json_mode:
        error.show()
        return ExitCode.USAGE
    hint = ""
    if error.ctx is not None:
        hint = f"See: {error.ctx.command_path} --help"
    return _report(state, "usage_error", error.format_message(), hint)


def _report(state: CLIState, kind: str, message: str, hint: str) -> int:
    """Write one error envelope (or message) and return its exit code."""
    state.output.json_mode = state.json_mode
    envelope = error_envelope({"type": kind, "message": message, "hint": hint})
    state.output.failure(envelope)
    return exit_code_for(kind)


def _as_exit_code(result: Any) -> int:
    """Turn a command's return value (an exit code or None) into an int."""
    if isinstance(result, int):
        return int(result)
    return ExitCode.OK
