"""MCP tool definitions: `{"name", "description", "inputSchema", "annotations"}`.

MCP clients accept full JSON Schema, so the model-facing schema passes through
unchanged (names, unions, `$ref` and all). Tool annotations come from the
tool's metadata: `read_only` becomes `readOnlyHint`, `destructive` becomes
`destructiveHint`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from membrane_pusher.formats.common import tool_parts

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

__all__ = ["to_mcp_tool"]


def to_mcp_tool(tool: BaseTool) -> dict[str, Any]:
    """Build an MCP `Tool` definition as a plain dict.

    Args:
        tool: Any tool with a JSON-Schema (or pydantic) argument schema.

    Returns:
        The definition; `annotations` only when the metadata says something.
    """
    name, description, schema = tool_parts(tool)
    definition: dict[str, Any] = {
        "name": name,
        "description": description,
        "inputSchema": schema,
    }
    metadata = tool.metadata or {}
    annotations: dict[str, Any] = {}
    if isinstance(metadata.get("read_only"), bool):
        annotations["readOnlyHint"] = metadata["read_only"]
    if isinstance(metadata.get("destructive"), bool):
        annotations["destructiveHint"] = metadata["destructive"]
    if isinstance(metadata.get("title"), str):
        annotations["title"] = metadata["title"]
    if annotations:
        definition["annotations"] = annotations
    return definition
