"""Fixtures for hostile-input tests: an in-process recording client, canaries."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from fake_membrane import FakeClient
from membrane_pusher.pusher.config import PusherSettings

# Values no test should ever find in a log line, message, output or artifact.
MEMBRANE_TOKEN_CANARY = "mbr-canary-token-7f3a9c1e5d"
PUSHER_SECRET_CANARY = "psh-canary-secret-4b8e2a6f0c"
CONFIG_SECRET_CANARY = "cfg-canary-secret-9d1c7e3b5a"


@pytest.fixture
def recording_client() -> FakeClient:
    """A fresh in-process client that records every call."""
    return FakeClient()


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
