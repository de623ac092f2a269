"""Whether a Membrane action only reads, writes, or destroys.

Membrane's own action types say so for data-record actions
(`list-data-records` reads, `delete-data-record` destroys). Most actions of a
connector, Pusher's included, carry a generic type (`connector-operation`,
`custom`) or none at all, and then only the words of the action tell: its key
(`terminate-user-connections`), else its name, and its description.

`action_flags` turns this into the `read_only` and `destructive` flags of a
tool; the rule is spelled out in its docstring.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from membrane_pusher.membrane.models import Action

__all__ = [
    "DESTRUCTIVE_ACTION_TYPES",
    "DESTRUCTIVE_VERBS",
    "READ_ONLY_ACTION_TYPES",
    "READ_VERBS",
    "WRITE_ACTION_TYPES",
    "WRITE_VERBS",
    "action_flags",
    "action_words",
]

# Membrane action types that only read data (GET-like).
READ_ONLY_ACTION_TYPES = frozenset(
    {
        "list-data-records",
        "find-data-record-by-id",
        "match-data-record",
        "search-data-record",
    }
)
DESTRUCTIVE_ACTION_TYPES = frozenset({"delete-data-record"})
# Membrane action types that write without deleting; the words of such an
# action can still make it destructive, never read-only.
WRITE_ACTION_TYPES = frozenset(
    {"create-data-record", "update-data-record", "find-or-create-data-record"}
)

DESTRUCTIVE_VERBS = frozenset(
    {
        "ban",
        "clear",
        "delete",
        "destroy",
        "disconnect",
        "drop",
        "erase",
        "evict",
        "expel",
        "kick",
        "kill",
        "purge",
        "remove",
        "revoke",
        "terminate",
        "truncate",
        "wipe",
    }
)
READ_VERBS = frozenset(
    {
        "count",
        "fetch",
        "find",
        "get",
        "list",
        "lookup",
        "query",
        "read",
        "retrieve",
        "search",
    }
)
WRITE_VERBS = DESTRUCTIVE_VERBS | frozenset(
    {
        "add",
        "approve",
        "archive",
        "assign",
        "authenticate",
        "authorize",
        "broadcast",
        "cancel",
        "change",
        "create",
        "disable",
        "edit",
        "emit",
        "enable",
        "execute",
        "import",
        "insert",
        "invite",
        "mark",
        "modify",
        "move",
        "notify",
        "patch",
        "post",
        "publish",
        "push",
        "put",
        "register",
        "rename",
        "replace",
        "reset",
        "restore",
        "run",
        "save",
        "send",
        "set",
        "sign",
        "start",
        "stop",
        "submit",
        "subscribe",
        "trigger",
        "unsubscribe",
        "update",
        "upload",
        "upsert",
        "write",
    }
)

# "destructive" as a word, unless the text denies it ("non-destructive",
# "not destructive").
_SAYS_DESTRUCTIVE = re.compile(
    r"(?<!non-)(?<!non )(?<!not )\bdestructive\b", re.IGNORECASE
)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[a-z0-9]+")


def action_flags(action: Action) -> dict[str, bool]:
    """`read_only` and `destructive` for an action.

    The rule, in order:

    1. An action of a Membrane type that reads (`READ_ONLY_ACTION_TYPES`) is
       read-only, one of type `delete-data-record` is destructive: the type
       decides.
    2. Otherwise the action is destructive when a word of its key or name is
       a destructive verb (`DESTRUCTIVE_VERBS`: delete, remove, terminate,
       disconnect, revoke, ...), or when its description calls it
       destructive (as a word; "non-destructive" does not count).
    3. An action whose type says nothing (none, `connector-operation`,
       `custom` or any type not listed here) is read-only when the first word
       of its key (of its name when the key is empty) is a read verb
       (`READ_VERBS`: get, list, find, search, ...) and no word of its key or
       name is a write verb (`WRITE_VERBS`: create, update, set, send,
       trigger, delete, ...), so `get-or-create-user` writes.
    4. Anything else is a write that is not destructive.

    Args:
        action: The Membrane action.

    Returns:
        `{"read_only": ..., "destructive": ...}`; never both true.
    """
    kind = (action.type or "").strip().lower()
    if kind in READ_ONLY_ACTION_TYPES:
        return {"read_only": True, "destructive": False}
    if kind in DESTRUCTIVE_ACTION_TYPES:
        return {"read_only": False, "destructive": True}

    key_words = action_words(action.key)
    name_words = action_words(action.name)
    if _is_destructive(key_words + name_words, action.description):
        return {"read_only": False, "destructive": True}

    read_only = kind not in WRITE_ACTION_TYPES and _only_reads(key_words, name_words)
    return {"read_only": read_only, "destructive": False}


def action_words(text: str | None) -> list[str]:
    """Split a key or name into lower-case words.

    Dashes, underscores, spaces and camelCase all separate words:
    `terminateUser_connections` gives `["terminate", "user", "connections"]`.

    Args:
        text: An action key or name; `None` gives no words.
    """
    if not text:
        return []
    return _WORD.findall(_CAMEL_BOUNDARY.sub(" ", text).lower())


def _is_destructive(words: list[str], description: str | None) -> bool:
    """Whether a verb of the key or name, or the description, says it destroys."""
    if any(word in DESTRUCTIVE_VERBS for word in words):
        return True
    return bool(description and _SAYS_DESTRUCTIVE.search(description))


def _only_reads(key_words: list[str], name_words: list[str]) -> bool:
    """Whether the key (else the name) starts with a read verb and never writes."""
    leading = key_words or name_words
    if not leading or leading[0] not in READ_VERBS:
        return False
    return not any(word in WRITE_VERBS for word in key_words + name_words)
