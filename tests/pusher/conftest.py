"""Fixtures for the Pusher tests: fake transports and clients.

The tests that need a real soketi use `pusher_sandbox` from the sandbox's
pytest plugin (`membrane_pusher.sandbox.pytest_plugin`).
"""

from __future__ import annotations

import pytest
from pusher_helpers import FakeProxyClient, RecordingTransport


@pytest.fixture
def transport() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def proxy_client() -> FakeProxyClient:
    return FakeProxyClient()
