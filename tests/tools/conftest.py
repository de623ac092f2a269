"""Fixtures of the tool tests."""

from __future__ import annotations

import pytest

from fake_membrane import FakeClient


@pytest.fixture
def client() -> FakeClient:
    return FakeClient()
