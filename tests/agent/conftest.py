"""Fixtures of the agent-turn tests."""

from __future__ import annotations

import pytest
from agent_fakes import RecordingTool, TerminateTool


@pytest.fixture
def send_tool() -> RecordingTool:
    return RecordingTool(calls=[])


@pytest.fixture
def terminate_tool() -> TerminateTool:
    return TerminateTool(calls=[])
