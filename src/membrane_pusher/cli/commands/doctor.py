"""`membrane-pusher doctor`: is everything an agent needs in place?

Each check prints OK or what to do. The checks run in order and a check whose
prerequisite failed is skipped, so the first failure is the one to fix. The
exit code is 0 only when every needed check passed; otherwise it is the code
of the first failure (3 not logged in, 4 not connected, 5 CLI not found...).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

import click

from membrane_pusher.cli.output import ExitCode, exit_code_for
from membrane_pusher.cli.state import CLIState, common_options, pass_state
from membrane_pusher.cli.target import TargetOptions, find_connection, target_options
from membrane_pusher.errors import MembranePusherError

if TYPE_CHECKING:
    from membrane_pusher.membrane.client import MembraneClient

__all__ = ["Check", "command"]

Status = Literal["ok", "fail", "warn", "skip"]

_MARKS = {"ok": "OK  ", "fail": "FAIL", "warn": "WARN", "skip": "SKIP"}
_STYLES = {"ok": "green", "fail": "red", "warn": "yellow", "skip": "dim"}


@dataclass
class Check:
    """The result of one check.

    Attributes:
        name: What was checked (`membrane_cli`, `login`, ...).
        status: `ok`, `fail`, `warn` (works, but likely not as meant) or `skip`
            (prerequisite failed).
        detail: What was found.
        fix: What to do, when not OK.
        error_type: The error kind behind a failure (sets the exit code).
        url: A URL the user must open, when there is one.
    """

    name: str
    status: Status
    detail: str
    fix: str = ""
    error_type: str = ""
    url: str | None = None

    @classmethod
    def failed(cls, name: str, error: MembranePusherError) -> Check:
        """Build a failed check from a package error."""
        url = getattr(error, "url", None)
        return cls(name, "fail", error.message, error.hint, error.kind, url)


@click.command("doctor")
@common_options
@target_options
@pass_state
def command(state: CLIState, target: TargetOptions) -> int:
    """Check the CLI, login, connection, app id and cache.

    Prints one line per check: OK, or what to do. Exits 0 only when every
    needed check passed.
    """
    if target.sandbox:
        from membrane_pusher.cli import sandbox_bridge

        with sandbox_bridge.attach(state.output) as session:
            checks = run_checks(
                session.client(),
                connection_id=target.connection_id or session.connection_id,
                app_id=target.app_id or session.app_id,
            )
    else:
        checks = run_checks(None, target.connection_id, target.app_id)
    return _report(state, checks)


def run_checks(
    client: MembraneClient | None, connection_id: str | None, app_id: str | None
) -> list[Check]:
    """Run every check in order, skipping those whose prerequisite failed.

    Args:
        client: The client to check; `None` builds one for the real `membrane`.
        connection_id: The connection to check; looked up when `None`.
        app_id: The Pusher app id given; the environment is read when `None`.

    Returns:
        One `Check` per line of the report.
    """
    checks: list[Check] = []

    cli_check, client = _check_cli(client)
    checks.append(cli_check)
    logged_in = cli_check.status == "ok" and client is not None
    if logged_in and client is not None:
        login_check = _check_login(client)
        checks.append(login_check)
        logged_in = login_check.status == "ok"
    else:
        checks.append(Check("login", "skip", "needs the Membrane CLI"))

    if logged_in and client is not None:
        checks.append(_check_connection(client, connection_id))
    else:
        checks.append(Check("connection", "skip", "needs a logged-in Membrane CLI"))

    checks.append(_check_app_id(app_id))
    checks.append(_check_cache())
    return checks


def _check_cli(client: MembraneClient | None) -> tuple[Check, MembraneClient | None]:
    """Find the `membrane` executable and ask its version."""
    try:
        if client is None:
            from membrane_pusher.membrane.client import MembraneClient

            client = MembraneClient()
        version = client.version()
    except MembranePusherError as error:
        return Check.failed("membrane_cli", error), None
    command = " ".join(getattr(client, "command", []) or ["membrane"])
    return Check("membrane_cli", "ok", f"{command} (version {version})"), client


def _check_login(client: MembraneClient) -> Check:
    """Ask the CLI whether it is logged in."""
    try:
        status = client.status()
    except MembranePusherError as error:
        return Check.failed("login", error)
    if not status.logged_in:
        return Check(
            "login",
            "fail",
            "The Membrane CLI is not logged in.",
            "Run: membrane login --tenant (headless: open the printed URL, then "
            "membrane login complete <code>)",
            "not_logged_in",
        )
    where = ", ".join(
        part for part in (status.workspace and f"workspace {status.workspace}",) if part
    )
    return Check("login", "ok", f"logged in{f' ({where})' if where else ''}")


def _check_connection(client: MembraneClient, connection_id: str | None) -> Check:
    """Find the Pusher connection (as the toolkit would) and tell whether READY."""
    from membrane_pusher.pusher.connection import is_pusher_connection

    try:
        connection = find_connection(client, connection_id)
    except MembranePusherError as error:
        return Check.failed("connection", error)
    if not is_pusher_connection(connection):
        app = connection.integration_key or connection.key or "another app"
        return Check(
            "connection",
            "warn",
            f"{connection.id} is READY, but it connects {app}, not Pusher: the "
            "Pusher tools would send their requests through it.",
            "Pass the id of a Pusher connection (`membrane connection list` "
            "shows them), or leave --connection-id out to find it.",
        )
    return Check("connection", "ok", f"{connection.id} is READY")


def _check_app_id(app_id: str | None) -> Check:
    """Tell whether a valid Pusher app id is set (the built-in tools need it)."""
    from membrane_pusher.pusher.config import resolve_app_id

    try:
        resolved = resolve_app_id(app_id)
    except MembranePusherError as error:
        return Check.failed("app_id", error)
    if resolved:
        return Check("app_id", "ok", resolved)
    return Check(
        "app_id",
        "fail",
        "No Pusher app id is set; the built-in pusher_* tools need it.",
        "Pass --app-id or set MEMBRANE_PUSHER_APP_ID or PUSHER_APP_ID "
        "(Pusher dashboard > App Keys).",
        "configuration_error",
    )


def _check_cache() -> Check:
    """Tell whether the action cache folder is writable (optional)."""
    import tempfile

    from membrane_pusher.paths import cache_dir

    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as error:
        return Check(
            "cache",
            "warn",
            f"{folder} is not writable ({error.strerror}); actions are listed afresh "
            "each time.",
            "Set MEMBRANE_PUSHER_CACHE_DIR to a writable folder.",
        )
    return Check("cache", "ok", f"{folder} is writable")


def _report(state: CLIState, checks: list[Check]) -> int:
    """Print the checks and return the exit code of the first failure."""
    failures = [c for c in checks if c.status == "fail"]
    code = exit_code_for(failures[0].error_type) if failures else ExitCode.OK
    if state.json_mode:
        document: dict[str, Any] = {
            "ok": not failures,
            "checks": [asdict(c) for c in checks],
        }
        state.output.data(document)
        return code

    for check in checks:
        # Failures show even with -q: they are what the user must act on.
        emit = state.output.problem if check.status == "fail" else state.output.say
        line = f"{_MARKS[check.status]}  {check.name:<13} {check.detail}"
        emit(line, style=_STYLES[check.status])
        if check.url:
            emit(f"      open: {check.url}")
        if check.fix and check.status in {"fail", "warn"}:
            emit(f"      fix:  {check.fix}")
    summary = "All needed checks passed." if not failures else "Some checks failed."
    state.output.say(summary)
    return code
