"""The offline model's adapter with canned engine answers, for agent and CLI tests.

Kept at the top of the tests so that both tests/agent and tests/cli import it.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from membrane_pusher.agent.offline_model import NeedleChatModel


class CannedNeedle(NeedleChatModel):
    """The adapter with the engine replaced by canned answers.

    Each engine call takes the next answer of `answers` and records its
    `(system, tools, query)` in `queries`.
    """

    answers: list[dict[str, Any]] = Field(default_factory=list)
    queries: list[tuple[str, list[dict[str, Any]], str]] = Field(default_factory=list)

    def _complete(self, system, tools, query):
        self.queries.append((system, tools, query))
        return self.answers.pop(0)


def canned(*answers: dict[str, Any], **fields: Any) -> CannedNeedle:
    """Return the adapter that gives `answers`, in order, with other `fields` set."""
    return CannedNeedle(answers=list(answers), queries=[], **fields)
