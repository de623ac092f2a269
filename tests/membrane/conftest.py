"""Fixtures of the Membrane client tests: a client bound to the stand-in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from membrane_pusher.membrane.client import MembraneClient
    from membrane_pusher.sandbox.standin.workspace import StandinWorkspace


@pytest.fixture
def client(standin: StandinWorkspace) -> MembraneClient:
    """A client of the stand-in with short timeouts and fast retries."""
    return standin.client(timeout=10, read_retries=2, retry_wait=0.01)


@pytest.fixture(params=["items", "array"])
def list_shape(request: pytest.FixtureRequest, standin: StandinWorkspace) -> str:
    """Run a test with both list shapes: `{"items": [...]}` and a bare array."""
    standin.update(listShape=request.param)
    return str(request.param)
