"""An in-process stand-in for `MembraneClient` that records what reaches the CLI.

Shared by the tool, schema, format and security tests (tests/ is on `sys.path`
through tests/conftest.py). `FakeClient` has the real client's public
signatures for `run_action` / `arun_action` and `request` / `arequest`; every
call keeps a deep copy of what it was given, so a later change to the caller's
objects cannot hide or fake a difference.

Also here: `NOTE_ACTION`, the one-field catalog action that tests use when any
small action will do, and `add_note_action` to put it in a stand-in workspace.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Literal

from membrane_pusher.membrane.models import (
    Action,
    ProxyRequest,
    ProxyResponse,
    RunResult,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from membrane_pusher.sandbox.standin.workspace import StandinWorkspace

CONNECTION_ID = "con_pusher_sandbox"

NOTE_ACTION: dict[str, Any] = {
    "id": "act_note",
    "key": "note",
    "name": "Note",
    "description": "Store a note.",
    "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
    "connectionId": CONNECTION_ID,
}


def note_action() -> Action:
    """Return `NOTE_ACTION` as a catalog action."""
    return Action.model_validate(NOTE_ACTION)


def add_note_action(standin: StandinWorkspace) -> Action:
    """Add `NOTE_ACTION` to a stand-in workspace's catalog and return it."""
    data = standin.read()
    data.setdefault("actions", []).append(copy.deepcopy(NOTE_ACTION))
    standin.write(data)
    return note_action()


class FakeClient:
    """Answers runs with `output` and requests with `response`, or raises `error`.

    Attributes:
        output: What every action run returns (deep-copied per call).
        response: What every proxied request returns.
        error: When set, raised by every call after it is recorded.
        calls: One `(action_id, connection_id, input, form)` per action run.
        requests: One dict per proxied request (the fields of its
            `ProxyRequest`): `connection_id`, `path`, `method`, `headers`,
            `query`, `body`.
    """

    def __init__(
        self,
        output: Any = None,
        error: Exception | None = None,
        response: ProxyResponse | None = None,
    ) -> None:
        self.output = {"ok": True} if output is None else output
        self.error = error
        self.response = response or ProxyResponse(status=200, body={})
        self.calls: list[tuple[str, str, Any, str]] = []
        self.requests: list[dict[str, Any]] = []

    @property
    def sent(self) -> list[Any]:
        """The input of every action run, in order."""
        return [arguments for _, _, arguments, _ in self.calls]

    @property
    def runs(self) -> list[dict[str, Any]]:
        """Every action run as a dict: `action_id`, `connection_id`, `input`, `form`."""
        return [
            {
                "action_id": action_id,
                "connection_id": connection_id,
                "input": arguments,
                "form": form,
            }
            for action_id, connection_id, arguments, form in self.calls
        ]

    def run_action(
        self,
        action_id: str,
        connection_id: str,
        input: Mapping[str, Any],  # noqa: A002 - the real client's parameter name
        *,
        form: Literal["run", "act"] = "run",
    ) -> RunResult:
        """Record one action run and answer it."""
        self.calls.append((action_id, connection_id, copy.deepcopy(input), form))
        if self.error is not None:
            raise self.error
        return RunResult(output=copy.deepcopy(self.output), actionRunId="run_123")

    async def arun_action(
        self,
        action_id: str,
        connection_id: str,
        input: Mapping[str, Any],  # noqa: A002 - the real client's parameter name
        *,
        form: Literal["run", "act"] = "run",
    ) -> RunResult:
        """Async twin of `run_action`."""
        return self.run_action(action_id, connection_id, input, form=form)

    def request(self, request: ProxyRequest) -> ProxyResponse:
        """Record one proxied request and answer it."""
        self.requests.append(
            {
                "connection_id": request.connection_id,
                "path": request.path,
                "method": request.method,
                "headers": copy.deepcopy(request.headers),
                "query": copy.deepcopy(request.query),
                "body": copy.deepcopy(request.body),
            }
        )
        if self.error is not None:
            raise self.error
        return self.response

    async def arequest(self, request: ProxyRequest) -> ProxyResponse:
        """Async twin of `request`."""
        return self.request(request)
