"""Provider-safe tool names for Membrane actions.

Every major provider accepts `^[A-Za-z_][A-Za-z0-9_-]{0,63}$`. An action's
key (else its id, else its name) is turned into such a name
deterministically: illegal characters become `_`, a leading digit or dash gets
a `_` in front, and a name over 64 characters is cut and given a short hash of
the full source, so two long keys with the same start stay apart. Names that
still clash within one toolkit get a numeric suffix (`unique_names`). The
action's id is kept in the tool's metadata, so calls always reach the exact
original action.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from membrane_pusher.membrane.models import Action

__all__ = ["MAX_TOOL_NAME", "TOOL_NAME_PATTERN", "slugify", "tool_name", "unique_names"]

MAX_TOOL_NAME = 64
TOOL_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
_ILLEGAL = re.compile(r"[^A-Za-z0-9_-]+")
_HASH_CHARS = 8


def tool_name(action: Action) -> str:
    """Return the provider-safe name of an action's tool.

    Args:
        action: The action; its key is used, else its id, else its name.

    Returns:
        A name matching `TOOL_NAME_PATTERN`, the same for the same action.
    """
    for source in (action.key, action.id, action.name):
        if source and source.strip():
            return slugify(source)
    return "action"


def slugify(source: str) -> str:
    """Turn any text into a name matching `TOOL_NAME_PATTERN`, deterministically."""
    slug = _ILLEGAL.sub("_", source.strip()).strip("_") or "action"
    if not re.match(r"[A-Za-z_]", slug):
        slug = f"_{slug}"
    if len(slug) <= MAX_TOOL_NAME:
        return slug
    digest = hashlib.sha256(source.encode()).hexdigest()[:_HASH_CHARS]
    head = slug[: MAX_TOOL_NAME - _HASH_CHARS - 1].rstrip("_-")
    return f"{head}_{digest}"


def unique_names(candidates: Sequence[str], taken: Collection[str] = ()) -> list[str]:
    """Make names unique, in order, by suffixing clashes with `_2`, `_3`...

    A suffixed name never takes a name some candidate has as its own, so
    adding an action renames no other tool (`send.event` and `send_event`
    clash, and the second is `send_event_3` if `send_event_2` is also a key).

    Args:
        candidates: Names to place, in toolkit order (first one wins a clash).
        taken: Names already used (for example built-in tools).

    Returns:
        One name per candidate, all different, all within 64 characters.
    """
    used = set(taken)
    own_names = set(candidates)
    result = []
    for name in candidates:
        unique = name
        counter = 2
        while unique in used or (unique != name and unique in own_names):
            suffix = f"_{counter}"
            unique = f"{name[: MAX_TOOL_NAME - len(suffix)]}{suffix}"
            counter += 1
        used.add(unique)
        result.append(unique)
    return result
