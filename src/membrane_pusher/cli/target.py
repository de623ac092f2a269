"""Which Membrane CLI, connection and Pusher app a command works on.

The options `--connection-id`, `--app-id` and `--sandbox` are shared by the
commands that talk to Pusher. Without `--sandbox` the real `membrane` is used
and the Pusher connection is looked up when no id is given, by the same rule
as the toolkit's (`membrane_pusher.pusher.connection`). With `--sandbox`
the command runs against the sandbox started by `membrane-pusher sandbox up`,
or starts one for the length of the command.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.pusher.config import resolve_app_id
from membrane_pusher.pusher.connection import choose_pusher_connection

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from membrane_pusher.cli.output import Output
    from membrane_pusher.membrane.client import MembraneClient
    from membrane_pusher.membrane.models import Connection

__all__ = [
    "CONNECTION_ID_ENV",
    "Target",
    "TargetOptions",
    "find_connection",
    "open_target",
    "resolve_connection",
    "target_options",
]

F = TypeVar("F", bound="Callable[..., Any]")

CONNECTION_ID_ENV = "MEMBRANE_PUSHER_CONNECTION_ID"


@dataclass(frozen=True)
class TargetOptions:
    """The values of `--connection-id`, `--app-id` and `--sandbox`."""

    connection_id: str | None = None
    app_id: str | None = None
    sandbox: bool = False


@dataclass
class Target:
    """A Membrane CLI, a Pusher connection on it and the Pusher app id.

    Attributes:
        client: The Membrane CLI client (the stand-in on a sandbox).
        connection_id: The READY Pusher connection.
        app_id: The Pusher app id, when known.
        sandbox: Whether this is the offline sandbox.
    """

    client: MembraneClient
    connection_id: str
    app_id: str | None
    sandbox: bool = False

    def require_app_id(self) -> str:
        """Return the app id, or explain how to give one."""
        if self.app_id:
            return self.app_id
        raise ConfigurationError(
            "No Pusher app id is set.",
            hint=(
                "Pass --app-id (the numeric id shown in the Pusher dashboard) "
                "or set PUSHER_APP_ID."
            ),
        )


def target_options(function: F) -> F:
    """Add `--connection-id`, `--app-id` and `--sandbox` as one `target` value."""

    def collect(
        connection_id: str | None, app_id: str | None, sandbox: bool, **kwargs: Any
    ) -> Any:
        options = TargetOptions(connection_id, app_id, sandbox)
        return function(target=options, **kwargs)

    collect.__name__ = function.__name__
    collect.__doc__ = function.__doc__
    decorated: Any = collect
    for decorator in reversed(
        (
            click.option(
                "--connection-id",
                envvar=CONNECTION_ID_ENV,
                metavar="ID",
                callback=_check_connection_id_given,
                help=f"The Membrane connection to Pusher (env {CONNECTION_ID_ENV}); "
                "looked up by app when not given.",
            ),
            click.option(
                "--app-id",
                metavar="ID",
                callback=_check_app_id_given,
                help="The Pusher app id (env MEMBRANE_PUSHER_APP_ID or PUSHER_APP_ID).",
            ),
            click.option(
                "--sandbox",
                is_flag=True,
                help="Use the offline sandbox (the one `sandbox up` started, "
                "or a new one for this command).",
            ),
        )
    ):
        decorated = decorator(decorated)
    return decorated  # type: ignore[no-any-return]


def _refuse_blank(explanation: str) -> Callable[..., str | None]:
    """A Click callback refusing an empty value, which would read as not given.

    Only emptiness is a usage error here: an id's form is checked where it is
    used (`resolve_app_id`, the connection lookup), as for an id from the
    environment.
    """

    def check(
        _ctx: click.Context, _param: click.Parameter, value: str | None
    ) -> str | None:
        if value is None or value.strip():
            return value
        raise click.BadParameter(explanation)

    return check


_check_app_id_given = _refuse_blank(
    "must be a non-empty app id (Pusher's app ids are digits, such as "
    "1234567); leave the option out to use PUSHER_APP_ID (or, with "
    "--sandbox, the sandbox's app)"
)
_check_connection_id_given = _refuse_blank(
    "must be a non-empty connection id (`membrane connection list` shows "
    f"them); leave the option out to use {CONNECTION_ID_ENV} or to look the "
    "Pusher connection up"
)


def find_connection(client: MembraneClient, connection_id: str | None) -> Connection:
    """Return the READY Pusher connection, or raise with what to do.

    Args:
        client: The Membrane CLI client.
        connection_id: The connection to use; looked up when `None`.

    Raises:
        ConnectionNotReadyError: No Pusher connection, or it is not READY.
        ConfigurationError: Several READY Pusher connections.
        NotFoundError: The connection given does not exist.
    """
    if connection_id:
        named = client.get_connection(connection_id)
        return choose_pusher_connection([named], named.id)
    return choose_pusher_connection(client.list_connections())


def resolve_connection(client: MembraneClient, connection_id: str | None) -> str:
    """Return the id of the READY Pusher connection (see `find_connection`)."""
    return find_connection(client, connection_id).id


@contextlib.contextmanager
def open_target(options: TargetOptions, output: Output) -> Iterator[Target]:
    """Yield the target of one command, starting a sandbox when asked.

    Args:
        options: The parsed target options.
        output: Where progress is shown.

    Yields:
        The target; a sandbox started for the command stops afterwards.
    """
    if options.sandbox:
        with _sandbox_target(options, output) as target:
            yield target
        return

    from membrane_pusher.membrane.client import MembraneClient

    client = MembraneClient()
    with output.progress("Looking up the Pusher connection..."):
        connection_id = resolve_connection(client, options.connection_id)
    yield Target(client, connection_id, resolve_app_id(options.app_id))


@contextlib.contextmanager
def _sandbox_target(options: TargetOptions, output: Output) -> Iterator[Target]:
    """Yield a target on the running sandbox, or on one started for now."""
    from membrane_pusher.cli import sandbox_bridge

    with sandbox_bridge.attach(output) as session:
        client = session.client()
        connection_id = options.connection_id or session.connection_id
        # The sandbox knows its own app: only an explicit --app-id overrides it.
        app_id = resolve_app_id(options.app_id, env={}) or session.app_id
        yield Target(client, connection_id, app_id, sandbox=True)
