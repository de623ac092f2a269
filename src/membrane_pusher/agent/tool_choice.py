"""Pick the few tools a small offline model gets for one instruction.

The bundled offline model (`NeedleChatModel`) takes a long time to set up a
tool set (minutes for eight or more tools) and chooses poorly among many, so it
is given only the tools an instruction is likely to need. The ranking is plain
keyword matching, no model involved:

* intent words: each built-in Pusher tool has verbs and nouns that ask for it
  ("tell", "notify" and "announce" ask for `pusher_trigger_event`; "kick" asks
  for `pusher_terminate_user_connections`, ...);
* overlap: every other word of the instruction that appears in a tool's name
  or description adds a little, so catalog actions can rank too.

An instruction that asks to send something always gets `pusher_trigger_event`
(when the tool set has it), first. The agent command and the demo narrow the
tools this way only for the offline model; any other model chooses its own
catalog actions when there are too many (`agent.tool_selection`), which falls
back to `rank_tools` when its answer cannot be used.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from langchain_core.tools import BaseTool

__all__ = [
    "OFFLINE_TOOL_LIMIT",
    "SEND_WORDS",
    "TRIGGER_TOOL",
    "asks_to_send",
    "rank_tools",
    "tools_for_offline_model",
]

logger = logging.getLogger(__name__)

OFFLINE_TOOL_LIMIT = 3
"""The most tools the offline model gets by default."""

TRIGGER_TOOL = "pusher_trigger_event"

SEND_WORDS = frozenset(
    {
        "tell",
        "send",
        "notify",
        "announce",
        "publish",
        "broadcast",
        "trigger",
        "emit",
        "alert",
        "inform",
        "let",
        "post",
        "push",
        "say",
        "message",
        "ping",
    }
)
"""Words that ask for an event to be sent."""

# Words that point at one built-in tool, beyond those in its name.
_INTENT_WORDS: dict[str, frozenset[str]] = {
    TRIGGER_TOOL: SEND_WORDS,
    "pusher_trigger_batch": frozenset(
        {"batch", "several", "multiple", "different", "many", "each", "events"}
    ),
    "pusher_list_channels": frozenset(
        {"list", "channels", "occupied", "active", "which", "open", "all"}
    ),
    "pusher_get_channel": frozenset(
        {"state", "info", "subscribers", "subscription", "count", "occupied", "status"}
    ),
    "pusher_list_presence_users": frozenset(
        {"users", "who", "members", "presence", "online", "present"}
    ),
    "pusher_terminate_user_connections": frozenset(
        {"kick", "disconnect", "terminate", "cut", "ban", "remove", "logout"}
    ),
    "pusher_send_to_user": frozenset({"user", "directly", "privately", "dm"}),
    "pusher_api_request": frozenset({"raw", "endpoint", "api", "request", "http"}),
}

_INTENT_SCORE = 3.0
_NAME_SCORE = 2.0
_DESCRIPTION_SCORE = 0.5
_MIN_SCORE = 1e-9
# Tools far behind the best one (a word or two shared with a long description)
# only cost the offline model set-up time.
_RELATIVE_CUTOFF = 0.25
_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "we",
        "with",
        "you",
    }
)


def tools_for_offline_model(
    tools: Sequence[BaseTool], instruction: str, *, limit: int = OFFLINE_TOOL_LIMIT
) -> list[BaseTool]:
    """Return the few tools the offline model gets for `instruction`.

    Args:
        tools: Every tool the toolkit built.
        instruction: What the person asked, in plain language.
        limit: The most tools to return (at least one).

    Returns:
        Up to `limit` tools, best first: `pusher_trigger_event` first for an
        instruction that asks to send something, then by score, leaving out
        tools that score under a quarter of the best one. When nothing
        matches, the first `limit` tools in their given order.
    """
    limit = max(1, limit)
    ranked = rank_tools(tools, instruction)
    best = max((score for _, score in ranked), default=0.0)
    cutoff = max(best * _RELATIVE_CUTOFF, _MIN_SCORE)
    sends = asks_to_send(instruction)
    chosen = [
        tool
        for tool, score in ranked
        if score >= cutoff or (sends and tool.name == TRIGGER_TOOL)
    ][:limit]
    if not chosen:
        chosen = list(tools[:limit])
    logger.debug(
        "offline model tools for %r: %s", instruction, [t.name for t in chosen]
    )
    return chosen


def rank_tools(
    tools: Sequence[BaseTool], instruction: str
) -> list[tuple[BaseTool, float]]:
    """Score every tool against `instruction`, best first (ties keep order).

    For an instruction that asks to send something, `pusher_trigger_event`
    comes first whatever its score.

    Args:
        tools: The tools to rank.
        instruction: What the person asked.

    Returns:
        `(tool, score)` pairs; a score of 0 means no word matched.
    """
    words = _words(instruction)
    sends = bool(words & SEND_WORDS)
    scored = [(tool, _score(tool, words)) for tool in tools]

    def order(index: int) -> tuple[bool, float]:
        tool, score = scored[index]
        return (not (sends and tool.name == TRIGGER_TOOL), -score)

    return [scored[index] for index in sorted(range(len(scored)), key=order)]


def asks_to_send(instruction: str) -> bool:
    """Tell whether an instruction asks for something to be sent."""
    return bool(_words(instruction) & SEND_WORDS)


def _score(tool: BaseTool, words: set[str]) -> float:
    """Intent words, then overlap with the tool's name and description."""
    name_words = _words(tool.name.replace("_", " ").replace("-", " "))
    description_words = _words(tool.description or "")
    score = _INTENT_SCORE * len(words & _INTENT_WORDS.get(tool.name, frozenset()))
    score += _NAME_SCORE * len(words & name_words)
    score += _DESCRIPTION_SCORE * len(words & description_words)
    return score


def _words(text: str) -> set[str]:
    """Lower-case words of a text, without the most common filler words."""
    return set(_WORD.findall(text.lower())) - _STOP_WORDS
