"""`MembraneClient`: typed sync and async calls to the `membrane` CLI.

Each public method takes a plan (`plans`: the argv from `commands` and the
conversion of the answer into a model or an error), runs it (`runner`), and
converts the completed call. Async twins carry an `a` prefix and use asyncio
subprocesses natively; both halves share the plans and the retry options.

Reads (`list`, `get`, `search`, GET requests) are retried with backoff on
transient failures (timeouts, crashes, cut output, network and server wording;
see `parsing`). Action runs and non-GET requests are never retried: a second
attempt could repeat a side effect.

Each attempt logs one INFO line: the command, its redacted subject (an action
and a connection, `METHOD path`, an intent), ok or failed, and the time taken.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from tenacity import (
    AsyncRetrying,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from membrane_pusher.membrane import attempts, commands, plans
from membrane_pusher.membrane.locate import command_prefix, find_membrane
from membrane_pusher.membrane.parsing import is_transient
from membrane_pusher.membrane.plans import require_ready
from membrane_pusher.membrane.runner import ProcessRunner, check_argv

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from membrane_pusher.membrane.models import (
        Action,
        Connection,
        ConnectorHit,
        LoginStatus,
        ProxyRequest,
        ProxyResponse,
        RunResult,
    )

__all__ = ["MembraneClient", "require_ready"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Seconds a bounded poll gets beyond the wait the CLI was told (start-up, answer).
_WAIT_MARGIN = 1.0


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
            self._command = command_prefix(command)
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
        """Return the full argv `run_action` would start (not redacted).

        Raises:
            InvalidArgumentsError: The input cannot travel on a command line.
            InputTooLargeError: The argv would be too large.
        """
        argv = [
            *self.command,
            *commands.run_args(action_id, connection_id, input, form=form),
        ]
        check_argv(argv)
        return argv

    def argv_for_request(self, request: ProxyRequest) -> list[str]:
        """Return the full argv `request` would start (not redacted).

        Raises:
            InvalidArgumentsError: A part of the request is malformed.
            InputTooLargeError: The argv would be too large.
        """
        argv = [*self.command, *commands.request_args(request)]
        check_argv(argv)
        return argv

    # ----- sync API ----------------------------------------------------------

    def version(self) -> str:
        """Return the CLI's version text (`membrane --version`)."""
        return self._execute(plans.version_plan())

    def status(self) -> LoginStatus:
        """Return the login status (`membrane status --json`)."""
        return self._execute(plans.status_plan())

    def list_connections(self) -> list[Connection]:
        """Return every connection (`membrane connection list --json`)."""
        return self._execute(plans.connection_list_plan())

    def get_connection(
        self, connection_id: str, *, wait: bool = False, timeout: float | None = None
    ) -> Connection:
        """Return one connection, in whatever state it is.

        Args:
            connection_id: Its id or key.
            wait: Let the CLI wait while the connection is BUILDING.
            timeout: With `wait`, the longest wait in seconds (`--timeout`);
                the call is then made once, limited to about that long.
        """
        plan = plans.connection_get_plan(connection_id, wait=wait, timeout=timeout)
        return self._execute(plan)

    def search_connectors(self, query: str) -> list[ConnectorHit]:
        """Search connectors (`membrane search Q --elementType=connector`)."""
        return self._execute(plans.search_plan(query))

    def connect(self, connector_id: str) -> Connection:
        """Connect a connector and return the connection, in whatever state.

        A new connection may still need the user: see `Connection.is_ready`
        and its `client_action`.
        """
        return self._execute(plans.connect_plan(connector_id))

    def list_actions(
        self, connection_id: str, intent: str, *, limit: int | None = None
    ) -> list[Action]:
        """Return the actions Membrane finds for an intent on a connection."""
        return self._execute(plans.action_list_plan(connection_id, intent, limit))

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
        return self._execute(plans.run_plan(action_id, connection_id, input, form))

    def request(self, request: ProxyRequest) -> ProxyResponse:
        """Send an HTTP request through Membrane's proxy.

        An upstream HTTP error is an answer, not an exception: it comes back
        as `ProxyResponse(status=<code>, body=...)`. Only CLI-level failures
        raise. GET requests are retried on transient CLI failures.
        """
        return self._execute(plans.request_plan(request))

    # ----- async API ---------------------------------------------------------

    async def aversion(self) -> str:
        """Async twin of `version`."""
        return await self._aexecute(plans.version_plan())

    async def astatus(self) -> LoginStatus:
        """Async twin of `status`."""
        return await self._aexecute(plans.status_plan())

    async def alist_connections(self) -> list[Connection]:
        """Async twin of `list_connections`."""
        return await self._aexecute(plans.connection_list_plan())

    async def aget_connection(
        self,
        connection_id: str,
        *,
        wait: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109 - the CLI's --timeout
    ) -> Connection:
        """Async twin of `get_connection`."""
        plan = plans.connection_get_plan(connection_id, wait=wait, timeout=timeout)
        return await self._aexecute(plan)

    async def asearch_connectors(self, query: str) -> list[ConnectorHit]:
        """Async twin of `search_connectors`."""
        return await self._aexecute(plans.search_plan(query))

    async def aconnect(self, connector_id: str) -> Connection:
        """Async twin of `connect`."""
        return await self._aexecute(plans.connect_plan(connector_id))

    async def alist_actions(
        self, connection_id: str, intent: str, *, limit: int | None = None
    ) -> list[Action]:
        """Async twin of `list_actions`."""
        return await self._aexecute(
            plans.action_list_plan(connection_id, intent, limit)
        )

    async def arun_action(
        self,
        action_id: str,
        connection_id: str,
        input: Mapping[str, Any],  # noqa: A002 - the CLI's own name
        *,
        form: Literal["run", "act"] = "run",
    ) -> RunResult:
        """Async twin of `run_action`."""
        return await self._aexecute(
            plans.run_plan(action_id, connection_id, input, form)
        )

    async def arequest(self, request: ProxyRequest) -> ProxyResponse:
        """Async twin of `request`."""
        return await self._aexecute(plans.request_plan(request))

    # ----- execution ---------------------------------------------------------

    def _execute(self, plan: plans.Plan[T]) -> T:
        """Run a plan, retrying reads on transient failures (not bounded polls)."""
        argv = [*self.command, *plan.args]
        if not plan.read or plan.wait_limit is not None:
            return self._once(argv, plan)

        for attempt in Retrying(**self._retry_options()):
            with attempt:
                return self._once(argv, plan)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _once(self, argv: list[str], plan: plans.Plan[T]) -> T:
        """Run a plan once."""
        with attempts.track(plan) as record:
            record.call = self._runner.run(
                argv, time_limit=self._time_limit(plan), label=plan.label
            )
            result = plan.convert(record.call)
            record.result = result
            return result

    async def _aexecute(self, plan: plans.Plan[T]) -> T:
        """Async twin of `_execute`."""
        argv = [*self.command, *plan.args]
        if not plan.read or plan.wait_limit is not None:
            return await self._aonce(argv, plan)

        async for attempt in AsyncRetrying(**self._retry_options()):
            with attempt:
                return await self._aonce(argv, plan)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _aonce(self, argv: list[str], plan: plans.Plan[T]) -> T:
        """Async twin of `_once`."""
        with attempts.track(plan) as record:
            record.call = await self._runner.arun(
                argv, time_limit=self._time_limit(plan), label=plan.label
            )
            result = plan.convert(record.call)
            record.result = result
            return result

    def _time_limit(self, plan: plans.Plan[Any]) -> float:
        """The seconds a call may take: the client's timeout, or a poll's bound."""
        if plan.wait_limit is None:
            return self.timeout
        return min(self.timeout, plan.wait_limit) + _WAIT_MARGIN

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


def _log_retry(retry_state: Any) -> None:
    """Log one line before a read is retried."""
    outcome = retry_state.outcome
    error = outcome.exception() if outcome is not None else None
    logger.warning(
        "membrane read failed (%s); retry %d",
        type(error).__name__,
        retry_state.attempt_number,
    )
