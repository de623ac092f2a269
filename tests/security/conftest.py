"""Fixtures for hostile-input tests: an in-process recording client, canaries."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import pytest

from membrane_pusher.membrane.models import ProxyResponse, RunResult
from membrane_pusher.pusher.config import PusherSettings

# Values no test should ever find in a log line, message, output or artifact.
MEMBRANE_TOKEN_CANARY = "mbr-canary-token-7f3a9c1e5d"
PUSHER_SECRET_CANARY = "psh-canary-secret-4b8e2a6f0c"
CONFIG_SECRET_CANARY = "cfg-canary-secret-9d1c7e3b5a"


@dataclass
class RecordingClient:
    """Stands in for `MembraneClient` in process: records what reaches the CLI.

    `run_action` and `request` (sync and async) append a deep copy of what they
    were given to `runs` / `requests` and answer with `output` / `response`.
    """

    output: Any = field(default_factory=lambda: {"ok": True})
    response: ProxyResponse = field(
        default_factory=lambda: ProxyResponse(status=200, body={})
    )
    runs: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def run_action(
        self,
        action_id: str,
        connection_id: str,
        input: Any,  # noqa: A002 - the client's own parameter name
        *,
        form: str = "run",
    ) -> RunResult:
        self.runs.append(
            {
                "action_id": action_id,
                "connection_id": connection_id,
                "input": copy.deepcopy(input),
                "form": form,
            }
        )
        return RunResult(output=copy.deepcopy(self.output), actionRunId="run_fake")

    async def arun_action(
        self,
        action_id: str,
        connection_id: str,
        input: Any,  # noqa: A002
        *,
        form: str = "run",
    ) -> RunResult:
        return self.run_action(action_id, connection_id, input, form=form)

    def request(
        self,
        connection_id: str,
        path: str,
        *,
        method: str = "GET",
        headers: Any = None,
        query: Any = None,
        body: Any = None,
    ) -> ProxyResponse:
        self.requests.append(
            {
                "connection_id": connection_id,
                "path": path,
                "method": method,
                "headers": copy.deepcopy(headers),
                "query": copy.deepcopy(query),
                "body": copy.deepcopy(body),
            }
        )
        return self.response

    async def arequest(
        self,
        connection_id: str,
        path: str,
        *,
        method: str = "GET",
        headers: Any = None,
        query: Any = None,
        body: Any = None,
    ) -> ProxyResponse:
        return self.request(
            connection_id, path, method=method, headers=headers, query=query, body=body
        )


@pytest.fixture
def recording_client() -> RecordingClient:
    """A fresh in-process client that records every call."""
    return RecordingClient()


@dataclass(frozen=True)
class Canaries:
    """The canary secrets of one test, and all of them as a tuple."""

    token: str = MEMBRANE_TOKEN_CANARY
    pusher_secret: str = PUSHER_SECRET_CANARY
    config_secret: str = CONFIG_SECRET_CANARY

    @property
    def values(self) -> tuple[str, ...]:
        return (self.token, self.pusher_secret, self.config_secret)

    def leaks(self, text: str) -> list[str]:
        """Return the canaries found in `text`."""
        return [value for value in self.values if value in text]


@pytest.fixture
def canaries(monkeypatch: pytest.MonkeyPatch) -> Canaries:
    """Put canary secrets in the environment and register the config one.

    The config secret is registered by building `PusherSettings` with it, the
    way a configured toolkit would.
    """
    monkeypatch.setenv("MEMBRANE_TOKEN", MEMBRANE_TOKEN_CANARY)
    monkeypatch.setenv("PUSHER_SECRET", PUSHER_SECRET_CANARY)
    PusherSettings(app_id="1", key="k", secret=CONFIG_SECRET_CANARY)
    return Canaries()
