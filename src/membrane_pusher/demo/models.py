"""Which model the demo runs: the one given, the user's, the offline one, or none.

A `provider:model` spec goes through LangChain's `init_chat_model`; without
one the bundled offline model is used when installed. Only when no model can
be loaded does the demo make the tool call itself, with a scripted stand-in
for a model, and the result says so (`source: scripted`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from membrane_pusher.agent.chat_models import load_chat_model
from membrane_pusher.agent.offline_model import NeedleChatModel
from membrane_pusher.demo.check import TRIGGER_TOOL
from membrane_pusher.errors import ConfigurationError

if TYPE_CHECKING:
    from membrane_pusher.demo.reporting import DemoReporter
    from membrane_pusher.demo.result import DemoResult, ModelSource

__all__ = ["SCRIPTED_EVENT", "resolve_model", "scripted_model"]

SCRIPTED_EVENT = "deploy-finished"
"""The event the scripted call sends, and the one the default instruction asks."""


def resolve_model(
    model: BaseChatModel | str | None, result: DemoResult, reporter: DemoReporter
) -> BaseChatModel | None:
    """Load the model up front, so a bad `--model` fails before anything starts.

    Args:
        model: A chat model, a `provider:model` spec, or `None`.
        result: Gets `model` (name, source, load time).
        reporter: Told about the model, and warned when none could load.

    Returns:
        The model, or `None` when the demo must make the call itself.

    Raises:
        ConfigurationError: A named model cannot be loaded.
    """
    loaded = _load(model, result, reporter)
    reporter.model(result.model)
    return loaded


def _load(
    model: BaseChatModel | str | None, result: DemoResult, reporter: DemoReporter
) -> BaseChatModel | None:
    if isinstance(model, BaseChatModel):
        result.model = {"name": _model_name(model), "source": "given"}
        return model

    if isinstance(model, str):
        loaded = load_chat_model(model)
        source: ModelSource = (
            "offline" if isinstance(loaded, NeedleChatModel) else "user"
        )
        result.model = {"name": model, "source": source, **_load_time(loaded)}
        return loaded

    try:
        loaded = load_chat_model(None)
    except ConfigurationError as error:
        reporter.warn(f"The offline model could not load: {error}")
        loaded = None
    if loaded is None:
        result.model = {"name": None, "source": "scripted"}
        return None
    result.model = {
        "name": _model_name(loaded),
        "source": "offline",
        **_load_time(loaded),
    }
    return loaded


def scripted_model(channel: str) -> BaseChatModel:
    """A stand-in for a model: one fixed trigger call, then a fixed answer.

    The answer says plainly that the call was scripted, so nothing suggests a
    model chose it.
    """
    call = {
        "name": TRIGGER_TOOL,
        "args": {
            "channels": [channel],
            "event": SCRIPTED_EVENT,
            "data": {"message": "Deploy finished"},
        },
        "id": "call_scripted_1",
        "type": "tool_call",
    }
    replies = [
        AIMessage(content="", tool_calls=[call]),
        AIMessage(content=f"Scripted call done: sent {SCRIPTED_EVENT} to {channel}."),
    ]
    return GenericFakeChatModel(messages=iter(replies))


def _model_name(model: BaseChatModel) -> str:
    for attribute in ("model_name", "model"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


def _load_time(model: BaseChatModel | None) -> dict[str, Any]:
    if isinstance(model, NeedleChatModel) and model.load_seconds is not None:
        return {"load_seconds": round(model.load_seconds, 3)}
    return {}
