"""Helpers of the command-line tests: an in-process runner and the model to use.

Kept outside conftest.py so that the documentation tests can import them too.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click
from click.testing import CliRunner
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from membrane_pusher.cli import run

if TYPE_CHECKING:
    from collections.abc import Sequence

# What the `agent` command calls to get its model.
_LOADER = "membrane_pusher.agent.chat_models.load_chat_model"


@dataclass
class Outcome:
    """What one run of the command line printed and returned."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """Parse stdout as exactly one JSON document."""
        return json.loads(self.stdout)


def invoke_cli(args: Sequence[str], stdin: str | None = None) -> Outcome:
    """Run `membrane-pusher ARGS` in-process through Click's CliRunner.

    The entry point is wrapped in a Click command so the runner captures stdout
    and stderr separately and records the exit code that `main` would use.
    """
    entry = click.Command("membrane-pusher", callback=lambda: sys.exit(run(list(args))))
    result = CliRunner().invoke(entry, [], input=stdin, catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def scripted_model(calls: list[tuple[str, dict[str, Any]]], answer: str) -> Any:
    """Return a model that asks for `calls` (one per reply), then answers."""
    replies = [
        AIMessage(
            content="",
            tool_calls=[{"name": name, "args": args, "id": f"call_{index}"}],
        )
        for index, (name, args) in enumerate(calls)
    ]
    replies.append(AIMessage(content=answer))
    return GenericFakeChatModel(messages=iter(replies))


def use_model(monkeypatch, model: Any) -> None:
    """Make `load_chat_model` return `model`, whatever the spec."""
    monkeypatch.setattr(_LOADER, lambda _spec, **_kwargs: model)


def patch_model(monkeypatch, calls, answer="Done.") -> None:
    """Make `load_chat_model` return a new scripted model, whatever the spec."""

    def load(_spec, **_kwargs):
        return scripted_model(calls, answer)

    monkeypatch.setattr(_LOADER, load)
