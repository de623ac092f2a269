"""Fixtures for the sandbox tests: one soketi per module and a signed REST caller."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from membrane_pusher.pusher.signing import sign_request
from membrane_pusher.sandbox.soketi import SoketiServer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


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
