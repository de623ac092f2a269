"""LangChain tools built from JSON Schemas: the shared base and Membrane actions."""

from membrane_pusher.tools.action_tool import MembraneActionTool, action_tool
from membrane_pusher.tools.base import ValidatedTool
from membrane_pusher.tools.naming import tool_name, unique_names
from membrane_pusher.tools.results import ToolOutcome

__all__ = [
    "MembraneActionTool",
    "ToolOutcome",
    "ValidatedTool",
    "action_tool",
    "tool_name",
    "unique_names",
]
