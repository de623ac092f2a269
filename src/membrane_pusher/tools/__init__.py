"""LangChain tools built from JSON Schemas: the shared base and Membrane actions.

The public names are imported on first use (see `membrane_pusher.lazy_exports`),
so importing one module of this package does not load the others.

NOTE: the `action_tool` function is not re-exported here, because it shares
its name with its module: `membrane_pusher.tools.action_tool` is the module.
Import the function from `membrane_pusher` or from that module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from membrane_pusher.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from membrane_pusher.tools.action_tool import MembraneActionTool
    from membrane_pusher.tools.base import ValidatedTool
    from membrane_pusher.tools.naming import tool_name, unique_names
    from membrane_pusher.tools.results import ToolOutcome

__all__ = [
    "MembraneActionTool",
    "ToolOutcome",
    "ValidatedTool",
    "tool_name",
    "unique_names",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "MembraneActionTool": "membrane_pusher.tools.action_tool",
        "ToolOutcome": "membrane_pusher.tools.results",
        "ValidatedTool": "membrane_pusher.tools.base",
        "tool_name": "membrane_pusher.tools.naming",
        "unique_names": "membrane_pusher.tools.naming",
    },
)
