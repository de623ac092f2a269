"""Sandbox test fixtures: one soketi per module, a signed REST caller, signals."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from membrane_pusher.pusher.signing import sign_request
from membrane_pusher.sandbox.soketi import SoketiServer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

TERMINATING = (signal.SIGTERM, signal.SIGHUP)
"""The signals a sandbox treats like Ctrl-C."""


@pytest.fixture
def terminating_signals() -> tuple[signal.Signals, ...]:
    """SIGTERM and SIGHUP, for the tests that compare their handlers."""
    return TERMINATING


@pytest.fixture(params=TERMINATING, ids=["SIGTERM", "SIGHUP"])
def terminating_signal(request: pytest.FixtureRequest) -> signal.Signals:
    """Each of SIGTERM and SIGHUP in turn."""
    return request.param


@pytest.fixture
def default_handlers() -> Iterator[None]:
    """SIGTERM and SIGHUP at their default action for the test, then as before.

    The session's `pusher_sandbox` may already have taken them over.
    """
    previous = {signum: signal.getsignal(signum) for signum in TERMINATING}
    for signum in TERMINATING:
        signal.signal(signum, signal.SIG_DFL)
    yield
    for signum, handler in previous.items():
        signal.signal(signum, handler)


@pytest.fixture
def ended_pid() -> int:
    """The id of a process that has ended (and was reaped)."""
    probe = subprocess.Popen([sys.executable, "-c", "pass"])
    probe.wait()
    return probe.pid


@pytest.fixture(scope="module")
def soketi(pusher_sandbox_install_dir: Path) -> Iterator[SoketiServer]:
    with SoketiServer(install_dir=pusher_sandbox_install_dir) as server:
        yield server


@pytest.fixture
def pusher_api(soketi: SoketiServer) -> Callable[..., Any]:
    """Return `call(method, path, body=None, query=None)` signed like Pusher's libs."""

    def call(
        method: str, path: str, body: Any = None, query: dict[str, str] | None = None
    ) -> Any:
        full_path = f"/apps/{soketi.app_id}{path}"
        payload = b"" if body is None else json.dumps(body).encode()
        params = sign_request(
            method=method,
            path=full_path,
            query=query or {},
            body=payload,
            key=soketi.key,
            secret=soketi.secret,
        )
        with httpx.Client(trust_env=False, timeout=5) as http:
            answer = http.request(
                method,
                soketi.base_url + full_path,
                params=params,
                content=payload or None,
                headers={"Content-Type": "application/json"},
            )
        return answer.json()

    return call
