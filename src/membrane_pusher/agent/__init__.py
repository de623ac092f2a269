"""Running an agent turn with the Pusher tools, and the models that can drive it.

* `run_agent_turn` / `arun_agent_turn`: one turn of model -> tool calls ->
  tool results -> model, with confirmation of destructive calls; its records
  (`AgentTurn`, `ToolCallRecord`, `AgentEvent`) are in `agent.records`.
* `narrow_tools`: the model picks the catalog actions it needs, when the
  toolkit has too many to give it all (the `tool_selection` prompt).
* `load_chat_model`: a `provider:model` string through LangChain's
  `init_chat_model`, or the bundled offline model.
* `NeedleChatModel`: the offline tool caller of the `offline-model` extra.
* `tools_for_offline_model`: the few tools that model gets for an instruction.

The names are imported on first use (see `membrane_pusher.lazy_exports`), so
importing one module of this package does not load the models and the loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from membrane_pusher.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from membrane_pusher.agent.chat_models import load_chat_model
    from membrane_pusher.agent.offline_model import (
        NeedleChatModel,
        load_offline_model,
        offline_model_available,
    )
    from membrane_pusher.agent.prompting import (
        FALLBACK_SYSTEM_PROMPT,
        operator_system_prompt,
    )
    from membrane_pusher.agent.records import AgentEvent, AgentTurn, ToolCallRecord
    from membrane_pusher.agent.tool_choice import tools_for_offline_model
    from membrane_pusher.agent.tool_selection import anarrow_tools, narrow_tools
    from membrane_pusher.agent.turn import (
        ConfirmCallback,
        arun_agent_turn,
        run_agent_turn,
    )

__all__ = [
    "FALLBACK_SYSTEM_PROMPT",
    "AgentEvent",
    "AgentTurn",
    "ConfirmCallback",
    "NeedleChatModel",
    "ToolCallRecord",
    "anarrow_tools",
    "arun_agent_turn",
    "load_chat_model",
    "load_offline_model",
    "narrow_tools",
    "offline_model_available",
    "operator_system_prompt",
    "run_agent_turn",
    "tools_for_offline_model",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "load_chat_model": "membrane_pusher.agent.chat_models",
        "NeedleChatModel": "membrane_pusher.agent.offline_model",
        "load_offline_model": "membrane_pusher.agent.offline_model",
        "offline_model_available": "membrane_pusher.agent.offline_model",
        "FALLBACK_SYSTEM_PROMPT": "membrane_pusher.agent.prompting",
        "operator_system_prompt": "membrane_pusher.agent.prompting",
        "AgentEvent": "membrane_pusher.agent.records",
        "AgentTurn": "membrane_pusher.agent.records",
        "ToolCallRecord": "membrane_pusher.agent.records",
        "tools_for_offline_model": "membrane_pusher.agent.tool_choice",
        "anarrow_tools": "membrane_pusher.agent.tool_selection",
        "narrow_tools": "membrane_pusher.agent.tool_selection",
        "ConfirmCallback": "membrane_pusher.agent.turn",
        "arun_agent_turn": "membrane_pusher.agent.turn",
        "run_agent_turn": "membrane_pusher.agent.turn",
    },
)
