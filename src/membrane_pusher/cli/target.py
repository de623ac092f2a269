"""Which Membrane CLI, connection and Pusher app a command works on.

The options `--connection-id`, `--app-id` and `--sandbox` are shared by the
commands that talk to Pusher. Without `--sandbox` the real `membrane` is used
and the Pusher connection is looked up when no id is given. With `--sandbox`
the command runs against the sandbox started by `membrane-pusher sandbox up`,
or starts one for the length of the command.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from membrane_pusher.errors import ConfigurationError, ConnectionNotReadyError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from membrane_pusher.cli.output import Output
    from membrane_pusher.membrane.client import MembraneClient
    from membrane_pusher.membrane.models import Connection

__all__ = [
    "APP_ID_ENV_VARS",
    "CONNECTION_ID_ENV",
    "Target",
    "TargetOptions",
    "find_pusher_connection",
    "open_target",
    "resolve_app_id",
    "target_options",
]

F = TypeVar("F", bound="Callable[..., Any]")

CONNECTION_ID_ENV = "MEMBRANE_PUSHER_CONNECTION_ID"
# Where the Pusher app id may come from, first match wins.
APP_ID_ENV_VARS = ("MEMBRANE_PUSHER_APP_ID", "PUSHER_APP_ID")
# The name by which Membrane connections refer to the Pusher app.
PUSHER_APP_KEY = "pusher"


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
                help=f"The Membrane connection to Pusher (env {CONNECTION_ID_ENV}); "
                "looked up by app when not given.",
            ),
            click.option(
                "--app-id",
                metavar="ID",
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


def resolve_app_id(
    explicit: str | None, env: dict[str, str] | None = None
) -> str | None:
    """Return the app id from the option or the environment, if any."""
    if explicit:
        return explicit
    source = os.environ if env is None else env
    for name in APP_ID_ENV_VARS:
        value = source.get(name, "").strip()
        if value:
            return value
    return None


def find_pusher_connection(connections: Sequence[Connection]) -> Connection | None:
    """Pick the Pusher connection: the READY one, else any, else `None`.

    Raises:
        ConfigurationError: Several READY Pusher connections; one must be
            chosen with `--connection-id`.
    """
    candidates = [c for c in connections if PUSHER_APP_KEY in c.app_keys]
    ready = [c for c in candidates if c.is_ready]
    if len(ready) > 1:
        ids = ", ".join(c.id for c in ready)
        raise ConfigurationError(
            f"Several READY Pusher connections were found: {ids}.",
            hint="Choose one with --connection-id (or MEMBRANE_PUSHER_CONNECTION_ID).",
        )
    if ready:
        return ready[0]
    return candidates[0] if candidates else None


def not_ready_error(connection: Connection) -> ConnectionNotReadyError:
    """Explain that a connection exists but cannot be used yet."""
    url = connection.client_action.ui_url if connection.client_action else None
    hint = "Open the URL to finish connecting, or run: membrane-pusher connect"
    if not url:
        hint = "Run: membrane-pusher connect"
    return ConnectionNotReadyError(
        f"The Pusher connection {connection.id} is {connection.state or 'not ready'}.",
        hint=hint,
        connection_id=connection.id,
        state=connection.state,
        url=url,
    )


def no_connection_error() -> ConnectionNotReadyError:
    """Explain that there is no Pusher connection at all."""
    return ConnectionNotReadyError(
        "No Pusher connection was found in this Membrane workspace.",
        hint="Run: membrane-pusher connect (or pass --connection-id).",
    )


def resolve_connection(client: MembraneClient, connection_id: str | None) -> str:
    """Return a READY Pusher connection id, or raise with what to do.

    Raises:
        ConnectionNotReadyError: No Pusher connection, or not READY.
    """
    if connection_id:
        connection = client.get_connection(connection_id)
    else:
        found = find_pusher_connection(client.list_connections())
        if found is None:
            raise no_connection_error()
        connection = found
    if not connection.is_ready:
        raise not_ready_error(connection)
    return connection.id


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
        app_id = options.app_id or session.app_id
        yield Target(client, connection_id, app_id, sandbox=True)
