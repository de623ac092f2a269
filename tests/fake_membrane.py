"""A stand-in for `MembraneClient.run_action` / `arun_action` that records calls.

Shared by the tool, schema and format tests (tests/ is on `sys.path` through
tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

from membrane_pusher.membrane.models import RunResult


class FakeClient:
    """Answers every run with a fixed output, or raises a preset error."""

    def __init__(self, output: Any = None, error: Exception | None = None) -> None:
        self.output = {"ok": True} if output is None else output
        self.error = error
        self.calls: list[tuple[str, str, Any, str]] = []

    @property
    def sent(self) -> list[Any]:
        """The argument objects of every run, in order."""
        return [arguments for _, _, arguments, _ in self.calls]

    def run_action(self, action_id, connection_id, arguments, *, form="run"):
        self.calls.append((action_id, connection_id, arguments, form))
        if self.error is not None:
            raise self.error
        return RunResult(output=self.output, actionRunId="run_123")

    async def arun_action(self, action_id, connection_id, arguments, *, form="run"):
        return self.run_action(action_id, connection_id, arguments, form=form)
