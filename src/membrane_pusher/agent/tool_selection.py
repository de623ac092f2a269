"""Let the model pick the catalog actions it needs, when there are too many.

A toolkit built for broad intents can hold dozens of catalog actions. Giving
a model all of them costs context on every step and makes a wrong choice
likelier, so above `SELECTION_THRESHOLD` catalog actions `narrow_tools` asks
the model once, with the package's `tool_selection` prompt, which actions the
request needs, and keeps only those (at most `SELECTION_LIMIT`). The built-in
Pusher tools are always kept: they are few, and the prompt tells the model so.

The answer is read defensively: the first JSON array in the reply, of which
only strings that name a candidate (by action id or by tool name) count. An
empty array is a valid answer (no catalog action fits). A reply without an
array, an array naming no candidate, or a model call that fails falls back to
keyword ranking (`tool_choice.rank_tools`), so a turn never fails for want of
a choice. The bundled offline model is never asked: it follows tool schemas,
not prompts, and is narrowed by keywords alone.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any

from langchain_core.messages import BaseMessage, HumanMessage

from membrane_pusher.agent.tool_choice import rank_tools
from membrane_pusher.pusher.tools import is_builtin_tool

if TYPE_CHECKING:
    from collections.abc import Sequence

    from langchain_core.language_models import BaseChatModel
    from langchain_core.tools import BaseTool

__all__ = [
    "SELECTION_LIMIT",
    "SELECTION_PROMPT_NAME",
    "SELECTION_THRESHOLD",
    "anarrow_tools",
    "narrow_tools",
    "parse_selection",
]

logger = logging.getLogger(__name__)

SELECTION_THRESHOLD = 12
"""Above this many catalog actions, the model chooses which ones it gets."""

SELECTION_LIMIT = 8
"""The most catalog actions the model may choose."""

SELECTION_PROMPT_NAME = "tool_selection"

# Longest description shown per candidate; how much of a reply is read, and
# from how many `[` an array is tried, so a hostile reply costs little.
_DESCRIPTION_CHARS = 200
_MAX_REPLY_CHARS = 20_000
_MAX_ARRAY_STARTS = 50
_SPACES = re.compile(r"\s+")


def narrow_tools(
    model: BaseChatModel,
    instruction: str,
    tools: Sequence[BaseTool],
    *,
    limit: int = SELECTION_LIMIT,
    threshold: int = SELECTION_THRESHOLD,
) -> list[BaseTool]:
    """Return the tools to give the model for `instruction`.

    Args:
        model: The chat model of the turn; asked once, without tools bound.
        instruction: The user's request.
        tools: Every tool the toolkit built.
        limit: The most catalog actions to keep.
        threshold: Narrow only above this many catalog actions.

    Returns:
        The chosen catalog actions (the model's order), then every built-in
        tool; all of `tools` when there are at most `threshold` actions.
    """
    catalog, builtins = _split(tools)
    if len(catalog) <= threshold:
        return list(tools)
    if not _follows_prompts(model):
        return _by_keywords(catalog, instruction, limit) + builtins

    try:
        reply = model.invoke([HumanMessage(_prompt(instruction, catalog, limit))])
    except Exception as error:  # noqa: BLE001 - any failure falls back to keywords
        logger.warning(
            "the model could not choose tools (%s); ranking by keywords", error
        )
        return _by_keywords(catalog, instruction, limit) + builtins
    return _chosen(reply, catalog, instruction, limit) + builtins


async def anarrow_tools(
    model: BaseChatModel,
    instruction: str,
    tools: Sequence[BaseTool],
    *,
    limit: int = SELECTION_LIMIT,
    threshold: int = SELECTION_THRESHOLD,
) -> list[BaseTool]:
    """Async twin of `narrow_tools` (the model is asked with `ainvoke`)."""
    catalog, builtins = _split(tools)
    if len(catalog) <= threshold:
        return list(tools)
    if not _follows_prompts(model):
        return _by_keywords(catalog, instruction, limit) + builtins

    try:
        prompt = _prompt(instruction, catalog, limit)
        reply = await model.ainvoke([HumanMessage(prompt)])
    except Exception as error:  # noqa: BLE001 - any failure falls back to keywords
        logger.warning(
            "the model could not choose tools (%s); ranking by keywords", error
        )
        return _by_keywords(catalog, instruction, limit) + builtins
    return _chosen(reply, catalog, instruction, limit) + builtins


def parse_selection(
    text: str, candidates: Sequence[BaseTool], limit: int
) -> list[BaseTool] | None:
    """Read the model's choice out of its reply.

    Args:
        text: The reply, ideally a JSON array of action ids.
        candidates: The catalog actions offered.
        limit: The most to keep.

    Returns:
        The named candidates in the reply's order, without repeats, at most
        `limit`; `[]` for an empty array; `None` when the reply holds no
        array or its array names no candidate.
    """
    array = _first_array(text[:_MAX_REPLY_CHARS])
    if array is None:
        return None
    by_key: dict[str, BaseTool] = {}
    for tool in candidates:
        by_key.setdefault(tool.name, tool)
        by_key.setdefault(_candidate_id(tool), tool)

    chosen: list[BaseTool] = []
    for item in array:
        found = by_key.get(item.strip()) if isinstance(item, str) else None
        if found is not None and found not in chosen:
            chosen.append(found)
    if array and not chosen:
        return None
    return chosen[: max(0, limit)]


def _split(tools: Sequence[BaseTool]) -> tuple[list[BaseTool], list[BaseTool]]:
    """Catalog actions (and other tools) apart from the built-in ones."""
    catalog = [tool for tool in tools if not is_builtin_tool(tool)]
    builtins = [tool for tool in tools if is_builtin_tool(tool)]
    return catalog, builtins


def _follows_prompts(model: BaseChatModel) -> bool:
    """Whether the model can answer the selection prompt (not the offline one)."""
    from membrane_pusher.agent.offline_model import NeedleChatModel  # noqa: PLC0415

    return not isinstance(model, NeedleChatModel)


def _prompt(instruction: str, catalog: Sequence[BaseTool], limit: int) -> str:
    """The filled `tool_selection` template."""
    from membrane_pusher.prompts import load_prompt  # noqa: PLC0415

    lines = [
        f"{_candidate_id(tool)} | {tool.name} | {_one_line(tool.description)}"
        for tool in catalog
    ]
    return load_prompt(
        SELECTION_PROMPT_NAME,
        request=instruction,
        actions="\n".join(lines),
        max_tools=limit,
    )


def _chosen(
    reply: Any, catalog: Sequence[BaseTool], instruction: str, limit: int
) -> list[BaseTool]:
    """The model's valid choice, or the keyword ranking when it gave none."""
    text = reply.text if isinstance(reply, BaseMessage) else str(reply)
    chosen = parse_selection(text, catalog, limit)
    if chosen is None:
        logger.warning("the model's tool choice was unreadable; ranking by keywords")
        return _by_keywords(catalog, instruction, limit)
    logger.debug("the model chose %s", [tool.name for tool in chosen])
    return chosen


def _by_keywords(
    catalog: Sequence[BaseTool], instruction: str, limit: int
) -> list[BaseTool]:
    """The best-ranked actions; the first ones when no word matches."""
    ranked = [tool for tool, score in rank_tools(catalog, instruction) if score > 0]
    return (ranked or list(catalog))[: max(0, limit)]


def _candidate_id(tool: BaseTool) -> str:
    """The id a candidate is listed with: its action id, else its name."""
    action_id = (tool.metadata or {}).get("membrane_action_id")
    return str(action_id) if action_id else tool.name


def _one_line(text: str | None) -> str:
    """A description on one line, without the column separator, cut short."""
    line = _SPACES.sub(" ", (text or "").replace("|", "/")).strip()
    if len(line) > _DESCRIPTION_CHARS:
        line = line[: _DESCRIPTION_CHARS - 3].rstrip() + "..."
    return line


def _first_array(text: str) -> list[Any] | None:
    """The first JSON array in a text (bare, in a code fence or in prose)."""
    decoder = json.JSONDecoder()
    start = text.find("[")
    for _ in range(_MAX_ARRAY_STARTS):
        if start == -1:
            return None
        try:
            value, _end = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            value = None
        if isinstance(value, list):
            return value
        start = text.find("[", start + 1)
    return None
