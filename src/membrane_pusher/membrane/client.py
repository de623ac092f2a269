"""`MembraneClient`: typed sync and async calls to the `membrane` CLI.

Each public method builds an argv (`commands`), runs it (`runner`), and turns
the result into a model or an error (`parsing`). Async twins carry an `a`
prefix and use asyncio subprocesses natively.

Reads (`list`, `get`, `search`, GET requests) are retried with backoff on
transient failures (timeouts, crashes, truncated output). Action runs and
non-GET requests are never retried: a second attempt could repeat a side effect.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from membrane_pusher.errors import CLITimeoutError, OutputParseError
from membrane_pusher.membrane import commands
from membrane_pusher.membrane.locate import find_membrane, split_command
from membrane_pusher.membrane.models import (
    Action,
    Connection,
    ConnectorHit,
    LoginStatus,
    ProxyResponse,
    RunResult,
    parse_items,
)
from membrane_pusher.membrane.parsing import (
    connection_not_ready,
    failure_of,
    is_transient,
    parse_json_output,
    try_json,
)
from membrane_pusher.membrane.runner import CompletedCall, ProcessRunner

__all__ = ["MembraneClient", "require_ready"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
ModelT = TypeVar("ModelT", Connection, Action, ConnectorHit)

_WRITE_TIMEOUT_HINT = (
    "It may still have taken effect: check before you run it again, or raise "
    "the client's timeout."
)

# How the CLI reports a non-2xx upstream answer to `membrane request`.
_UPSTREAM_FAILED = re.compile(r"Request failed with status (\d{3})")
_UPSTREAM_STATUS = re.compile(r"\bstatus:?\s+(\d{3})\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Plan(Generic[T]):
    """One CLI call: its arguments, how to read its result, whether to retry."""

    args: list[str]
    label: str
    convert: Callable[[CompletedCall], T]
    read: bool


def require_ready(connection: Connection) -> Connection:
    """Return the connection when it is READY.

    Raises:
        ConnectionNotReadyError: With the `clientAction` URL when Membrane gave one.
    """
    if connection.is_ready:
        return connection
    url = connection.client_action.ui_url if connection.client_action else None
    raise connection_not_ready(connection.id, connection.state, url)


class MembraneClient:
    """A typed client of the Membrane CLI.

    NOTE: inputs travel as command-line arguments (the CLI documents no other
    way), so one argument is limited to about 128 KiB; larger inputs fail with
    `InputTooLargeError` before any process starts.
    """

    def __init__(
        self,
        *,
        command: Sequence[str] | str | None = None,
        timeout: float = 60.0,
        max_concurrency: int = 8,
        read_retries: int = 3,
        env: Mapping[str, str] | None = None,
        retry_wait: float = 0.5,
    ) -> None:
        """Create the client; nothing is started until the first call.

        Args:
            command: The CLI's argv prefix, or a command line to split; found
                with `find_membrane` (env `MEMBRANE_CLI`, PATH, npx) when omitted.
            timeout: Seconds per CLI call before its process group is killed.
            max_concurrency: The most CLI processes running at once.
            read_retries: Extra attempts for reads after a transient failure.
            env: Variables laid over the current environment for the CLI.
            retry_wait: The first backoff delay in seconds (it then doubles).

        Raises:
            ValueError: When a number is out of range.
        """
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if read_retries < 0:
            raise ValueError("read_retries must not be negative")

        self.timeout = timeout
        self.read_retries = read_retries
        self.retry_wait = retry_wait
        self.env = dict(env or {})
        self._runner = ProcessRunner(max_concurrency=max_concurrency, env=self.env)
        self._command: list[str] | None = None
        if isinstance(command, str):
            self._command = split_command(command)
        elif command is not None:
            self._command = list(command)

    @property
    def max_concurrency(self) -> int:
        """The most CLI processes this client runs at once."""
        return self._runner.max_concurrency

    @property
    def command(self) -> list[str]:
        """The argv prefix that runs the CLI (found on first use).

        Raises:
            CLINotFoundError: When no CLI can be found.
        """
        if self._command is None:
            self._command = find_membrane(self._runner.environment())
        return list(self._command)

    @property
    def cache_scope(self) -> str:
        """A short hash naming this CLI and environment overlay, for cache keys."""
        identity = json.dumps([self.command, sorted(self.env.items())])
        return hashlib.sha256(identity.encode()).hexdigest()[:16]

    # ----- argv for dry runs -------------------------------------------------

    def argv_for_run_action(
        self,
        action_id: str,
        connection_id: str,
        input: Mapping[str, Any],  # noqa: A002 - the CLI's own name
        *,
        form: Literal["run", "act"] = "run",
    ) -> list[str]:
        """Return the full argv `run_action` would start (not redacted)."""
        args = commands.run_args(action_id, connection_id, input, form=form)
        return [*self.command, *args]

    def argv_for_request(
        self,
        connection_id: str,
        path: str,
        *,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> list[str]:
        """Return the full argv `request` would start (not redacted)."""
        args = commands.request_args(
            connection_id, path, method=method, headers=headers, query=query, body=body
        )
        return [*self.command, *args]

    # ----- sync API ----------------------------------------------------------

    def version(self) -> str:
        """Return the CLI's version text (`membrane --version`)."""
        return self._execute(_version_plan())

    def status(self) -> LoginStatus:
        """Return the login status (`membrane status --json`)."""
        return self._execute(_status_plan())

    def list_connections(self) -> list[Connection]:
        """Return every connection (`membrane connection list --json`)."""
        return self._execute(_connection_list_plan())

    def get_connection(self, connection_id: str, *, wait: bool = False) -> Connection:
        """Return one connection, in whatever state it is.

        Args:
            connection_id: Its id or key.
            wait: Let the CLI wait while the connection is BUILDING.
        """
        return self._execute(_connection_get_plan(connection_id, wait=wait))

    def search_connectors(self, query: str) -> list[ConnectorHit]:
        """Search connectors (`membrane search Q --elementType=connector`)."""
        return self._execute(_search_plan(query))

    def connect(self, connector_id: str) -> Connection:
        """Connect a connector and return the READY connection.

        Raises:
            ConnectionNotReadyError: When the new connection is not READY.
        """
        return self._execute(_connect_plan(connector_id))

    def list_actions(
        self, connection_id: str, intent: str, *, limit: int | None = None
    ) -> list[Action]:
        """Return the actions Membrane finds for an intent on a connection."""
        return self._execute(_action_list_plan(connection_id, intent, limit))

    def run_action(
        self,
        action_id: str,
        connection_id: str,
        input: Mapping[str, Any],  # noqa: A002 - the CLI's own name
        *,
        form: Literal["run", "act"] = "run",
    ) -> RunResult:
        """Run an action once (never retried) and return its output.

        Raises:
            ActionFailedError: The action ran and reported an error.
        """
        return self._execute(_run_plan(action_id, connection_id, input, form))

    def request(
        self,
        connection_id: str,
        path: str,
        *,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> ProxyResponse:
        """Send an HTTP request through Membrane's proxy.

        An upstream HTTP error is an answer, not an exception: it comes back
        as `ProxyResponse(status=<code>, body=...)`. Only CLI-level failures
        raise. GET requests are retried on transient CLI failures.
        """
        plan = _request_plan(
            connection_id,
            path,
            method=method,
            headers=headers,
            query=query,
            body=body,
        )
        return self._execute(plan)

    # ----- async API ---------------------------------------------------------

    async def aversion(self) -> str:
        """Async twin of `version`."""
        return await self._aexecute(_version_plan())

    async def astatus(self) -> LoginStatus:
        """Async twin of `status`."""
        return await self._aexecute(_status_plan())

    async def alist_connections(self) -> list[Connection]:
        """Async twin of `list_connections`."""
        return await self._aexecute(_connection_list_plan())

    async def aget_connection(
        self, connection_id: str, *, wait: bool = False
    ) -> Connection:
        """Async twin of `get_connection`."""
        return await self._aexecute(_connection_get_plan(connection_id, wait=wait))

    async def asearch_connectors(self, query: str) -> list[ConnectorHit]:
        """Async twin of `search_connectors`."""
        return await self._aexecute(_search_plan(query))

    async def aconnect(self, connector_id: str) -> Connection:
        """Async twin of `connect`."""
        return await self._aexecute(_connect_plan(connector_id))

    async def alist_actions(
        self, connection_id: str, intent: str, *, limit: int | None = None
    ) -> list[Action]:
        """Async twin of `list_actions`."""
        return await self._aexecute(_action_list_plan(connection_id, intent, limit))

    async def arun_action(
        self,
        action_id: str,
        connection_id: str,
        input: Mapping[str, Any],  # noqa: A002 - the CLI's own name
        *,
        form: Literal["run", "act"] = "run",
    ) -> RunResult:
        """Async twin of `run_action`."""
        return await self._aexecute(_run_plan(action_id, connection_id, input, form))

    async def arequest(
        self,
        connection_id: str,
        path: str,
        *,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> ProxyResponse:
        """Async twin of `request`."""
        plan = _request_plan(
            connection_id,
            path,
            method=method,
            headers=headers,
            query=query,
            body=body,
        )
        return await self._aexecute(plan)

    # ----- execution ---------------------------------------------------------

    def _execute(self, plan: _Plan[T]) -> T:
        """Run a plan, retrying reads on transient failures."""
        argv = [*self.command, *plan.args]
        if not plan.read:
            return self._once(argv, plan)

        for attempt in Retrying(**self._retry_options()):
            with attempt:
                return self._once(argv, plan)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _once(self, argv: list[str], plan: _Plan[T]) -> T:
        """Run a plan once."""
        try:
            call = self._runner.run(argv, time_limit=self.timeout, label=plan.label)
        except CLITimeoutError as error:
            raise _with_write_hint(error, plan) from None
        return plan.convert(call)

    async def _aexecute(self, plan: _Plan[T]) -> T:
        """Async twin of `_execute`."""
        argv = [*self.command, *plan.args]
        if not plan.read:
            return await self._aonce(argv, plan)

        async for attempt in AsyncRetrying(**self._retry_options()):
            with attempt:
                return await self._aonce(argv, plan)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _aonce(self, argv: list[str], plan: _Plan[T]) -> T:
        """Async twin of `_once`."""
        try:
            call = await self._runner.arun(
                argv, time_limit=self.timeout, label=plan.label
            )
        except CLITimeoutError as error:
            raise _with_write_hint(error, plan) from None
        return plan.convert(call)

    def _retry_options(self) -> dict[str, Any]:
        """Return the tenacity options shared by sync and async reads."""
        return {
            "stop": stop_after_attempt(self.read_retries + 1),
            "wait": wait_exponential(
                multiplier=self.retry_wait, max=max(self.retry_wait, 4.0)
            )
            + wait_random(0, self.retry_wait / 2),
            "retry": retry_if_exception(is_transient),
            "reraise": True,
            "before_sleep": _log_retry,
        }


# ----- plans: argv + conversion, shared by sync and async ----------------------


def _version_plan() -> _Plan[str]:
    """Plan `membrane --version`."""

    def convert(call: CompletedCall) -> str:
        if call.returncode != 0:
            raise failure_of(call, "--version")
        lines = call.stdout.strip().splitlines()
        if not lines:
            raise OutputParseError("`membrane --version` printed nothing.")
        return lines[0].strip()

    return _Plan(commands.version_args(), "--version", convert, read=True)


def _status_plan() -> _Plan[LoginStatus]:
    """Plan `membrane status --json`."""

    def convert(call: CompletedCall) -> LoginStatus:
        if call.returncode != 0:
            raise failure_of(call, "status")
        value = try_json(call.stdout)
        if isinstance(value, Mapping):
            return _model(LoginStatus, value, "status")
        # Older CLIs print text: "Logged in ..." or "Not logged in".
        text = call.stdout.lower()
        if "not logged in" in text or "logged in" not in text:
            return LoginStatus(loggedIn=False)
        return LoginStatus(loggedIn=True)

    return _Plan(commands.status_args(), "status", convert, read=True)


def _connection_list_plan() -> _Plan[list[Connection]]:
    """Plan `membrane connection list --json`."""
    label = "connection list"
    return _Plan(
        commands.connection_list_args(),
        label,
        lambda call: _list_of(Connection, _json(call, label), label),
        read=True,
    )


def _connection_get_plan(connection_id: str, *, wait: bool) -> _Plan[Connection]:
    """Plan `membrane connection get ID [--wait] --json`."""
    label = "connection get"
    return _Plan(
        commands.connection_get_args(connection_id, wait=wait),
        label,
        lambda call: _single_connection(_json(call, label), label),
        read=True,
    )


def _search_plan(query: str) -> _Plan[list[ConnectorHit]]:
    """Plan `membrane search Q --elementType=connector --json`."""
    label = "search"
    return _Plan(
        commands.search_args(query),
        label,
        lambda call: _list_of(ConnectorHit, _json(call, label), label),
        read=True,
    )


def _connect_plan(connector_id: str) -> _Plan[Connection]:
    """Plan `membrane connect --connectorId=ID --json`; not retried."""
    label = "connect"
    return _Plan(
        commands.connect_args(connector_id),
        label,
        lambda call: require_ready(_single_connection(_json(call, label), label)),
        read=False,
    )


def _action_list_plan(
    connection_id: str, intent: str, limit: int | None
) -> _Plan[list[Action]]:
    """Plan `membrane action list --intent=Q --connectionId=ID --json`."""
    label = "action list"
    return _Plan(
        commands.action_list_args(connection_id, intent, limit=limit),
        label,
        lambda call: _list_of(Action, _json(call, label), label),
        read=True,
    )


def _run_plan(
    action_id: str,
    connection_id: str,
    payload: Mapping[str, Any],
    form: Literal["run", "act"],
) -> _Plan[RunResult]:
    """Plan `action run` or `act`; never retried."""
    label = "act" if form == "act" else "action run"

    def convert(call: CompletedCall) -> RunResult:
        value = _json(call, label)
        if isinstance(value, Mapping) and "output" in value:
            return _model(RunResult, value, label)
        # A CLI that prints the output alone: keep it exactly, falsy or not.
        return RunResult(output=value)

    args = commands.run_args(action_id, connection_id, payload, form=form)
    return _Plan(args, label, convert, read=False)


def _request_plan(
    connection_id: str,
    path: str,
    *,
    method: str,
    headers: Mapping[str, str] | None,
    query: Mapping[str, str] | None,
    body: Any,
) -> _Plan[ProxyResponse]:
    """Plan `membrane request`; retried only for GET."""
    label = "request"
    args = commands.request_args(
        connection_id, path, method=method, headers=headers, query=query, body=body
    )

    def convert(call: CompletedCall) -> ProxyResponse:
        upstream = _UPSTREAM_FAILED.search(call.stderr)
        if call.returncode != 0 and upstream is None:
            raise failure_of(call, label)

        parsed = try_json(call.stdout)
        response_body = call.stdout.removesuffix("\n") if parsed is ... else parsed
        if upstream is not None:
            return ProxyResponse(status=int(upstream.group(1)), body=response_body)

        reported = _UPSTREAM_STATUS.search(call.stderr)
        status = int(reported.group(1)) if reported else 200
        return ProxyResponse(status=status, body=response_body)

    return _Plan(args, label, convert, read=method.upper() == "GET")


# ----- conversion helpers -------------------------------------------------------


def _json(call: CompletedCall, label: str) -> Any:
    """Return the JSON of a successful call, or raise its failure."""
    if call.returncode != 0:
        raise failure_of(call, label)
    return parse_json_output(call, label)


def _model(model: type[T], value: Any, label: str) -> T:
    """Validate one value into a model, or explain the mismatch."""
    try:
        return model.model_validate(value)  # type: ignore[attr-defined,no-any-return]
    except ValidationError as error:
        raise _shape_error(label, error) from None


def _single_connection(value: Any, label: str) -> Connection:
    """Read a Connection from `{...}` or `{"connection": {...}}`."""
    if isinstance(value, Mapping) and "id" not in value:
        nested = value.get("connection")
        if isinstance(nested, Mapping):
            value = nested
    return _model(Connection, value, label)


def _list_of(model: type[ModelT], value: Any, label: str) -> list[ModelT]:
    """Read a list answer in either shape, skipping items that do not fit."""
    try:
        items = parse_items(value)
    except TypeError as error:
        raise _shape_error(label, error) from None

    parsed: list[ModelT] = []
    for index, item in enumerate(items):
        try:
            parsed.append(model.model_validate(item))
        except ValidationError:
            logger.warning(
                "membrane %s: skipped item %d of unexpected shape", label, index
            )
    return parsed


def _shape_error(label: str, error: Exception) -> OutputParseError:
    """Build the error of JSON that does not have the expected shape."""
    first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
    return OutputParseError(
        f"`membrane {label}` printed JSON of an unexpected shape ({first_line}).",
        hint="Check the CLI version with `membrane --version`.",
    )


def _with_write_hint(error: CLITimeoutError, plan: _Plan[Any]) -> CLITimeoutError:
    """Warn that a timed-out write may still have happened."""
    if not plan.read:
        error.hint = _WRITE_TIMEOUT_HINT
    return error


def _log_retry(retry_state: Any) -> None:
    """Log one line before a read is retried."""
    outcome = retry_state.outcome
    error = outcome.exception() if outcome is not None else None
    logger.warning(
        "membrane read failed (%s); retry %d",
        type(error).__name__,
        retry_state.attempt_number,
    )
