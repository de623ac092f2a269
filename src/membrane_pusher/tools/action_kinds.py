"""Whether a Membrane action only reads, writes, or destroys.

Membrane's own action types say so for data-record actions
(`list-data-records` reads, `delete-data-record` destroys). Most actions of a
connector, Pusher's included, carry a generic type (`connector-operation`,
`custom`) or none at all, and then only the words of the action tell: its key
(`terminate-user-connections`), else its name, and its description.

`action_flags` turns this into the `read_only` and `destructive` flags of a
tool; the rule is spelled out in its docstring. Calling a write read-only is
the costly mistake (a read-only toolkit would run it unasked), so an action
is read-only only when every sign agrees; calling a read a write merely hides
it from read-only toolkits.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from membrane_pusher.membrane.models import Action

__all__ = [
    "CONJUNCTIONS",
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
# `query` is left out on purpose: `query-graphql` may run a mutation.
READ_VERBS = frozenset(
    {"count", "fetch", "find", "get", "list", "lookup", "read", "retrieve", "search"}
)
WRITE_VERBS = DESTRUCTIVE_VERBS | frozenset(
    {
        "ack",
        "acknowledge",
        "activate",
        "add",
        "append",
        "approve",
        "archive",
        "assign",
        "attach",
        "authenticate",
        "authorize",
        "block",
        "broadcast",
        "cancel",
        "change",
        "claim",
        "clone",
        "close",
        "commit",
        "complete",
        "confirm",
        "consume",
        "copy",
        "create",
        "deactivate",
        "decrement",
        "deliver",
        "deploy",
        "dequeue",
        "detach",
        "disable",
        "dispatch",
        "duplicate",
        "edit",
        "emit",
        "enable",
        "enqueue",
        "execute",
        "flush",
        "generate",
        "grant",
        "import",
        "increment",
        "insert",
        "invite",
        "invoke",
        "link",
        "lock",
        "mark",
        "merge",
        "modify",
        "move",
        "mutate",
        "notify",
        "patch",
        "pause",
        "pop",
        "post",
        "process",
        "publish",
        "push",
        "put",
        "register",
        "reject",
        "rename",
        "renew",
        "reopen",
        "replace",
        "replay",
        "reset",
        "resolve",
        "restart",
        "restore",
        "resume",
        "retry",
        "rotate",
        "run",
        "save",
        "schedule",
        "send",
        "set",
        "sign",
        "start",
        "stop",
        "submit",
        "subscribe",
        "suspend",
        "sync",
        "tag",
        "transfer",
        "trigger",
        "unblock",
        "unlink",
        "unlock",
        "unsubscribe",
        "untag",
        "update",
        "upload",
        "upsert",
        "write",
    }
)
# Words that join two steps (`fetch-and-lock-job`): the second step may write.
CONJUNCTIONS = frozenset({"and", "then", "or", "plus"})

# Verbs that, written as a verb in a description ("Sends ...", "creates"),
# show that the action writes. Kept to words that are rarely nouns there.
_DESCRIPTION_WRITE_VERBS = (
    "broadcast|create|delete|dequeue|destroy|disconnect|dispatch|emit|enqueue|"
    "erase|execute|insert|modify|overwrite|post|publish|purge|remove|revoke|"
    "send|submit|terminate|trigger|update|upsert|write"
)
# `re` in front (resend, repost, retrigger) writes again.
_SAYS_WRITE = re.compile(
    rf"\b(?:re-?)?(?:{_DESCRIPTION_WRITE_VERBS})(?:e?s)?\b", re.IGNORECASE
)
_SAYS_DESTRUCTIVE = re.compile(r"\bdestructive\b", re.IGNORECASE)
# Words that deny a "destructive" shortly after them, in the same clause.
_NEGATIONS = frozenset(
    {
        "aren't",
        "doesn't",
        "don't",
        "isn't",
        "never",
        "no",
        "non",
        "none",
        "not",
        "nothing",
        "wasn't",
        "without",
        "won't",
    }
)
_NEGATION_REACH = 3
# "not only destructive" affirms rather than denies.
_NOT_DENYING = frozenset({"just", "merely", "only"})
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\u2014]")
_PROSE_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
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
       destructive. A "destructive" denied by one of the three words before
       it in the same clause ("not a destructive call", "nothing destructive",
       "isn't destructive", "non-destructive") does not count. A description
       that merely mentions destruction ("For destructive changes use
       delete-channel.") still counts: a wrong confirmation prompt is cheaper
       than a missing one.
    3. An action whose type says nothing (none, `connector-operation`,
       `custom` or any type not listed here) is read-only only when all of
       these hold:

       * the first word of its key (of its name when the key is empty) is a
         read verb (`READ_VERBS`: get, list, find, search, fetch, ...; not
         `query`, which may mutate);
       * no word of its key or name is a conjunction (`CONJUNCTIONS`: and,
         then, or, plus), so `fetch-and-lock-job` and `get-or-create-user`
         write;
       * no word of its key or name is a write verb (`WRITE_VERBS`: create,
         update, send, trigger, lock, increment, flush, dispatch, ..., and
         every destructive verb);
       * its description uses no write verb as a verb ("triggers", "sends",
         "creates", "updates", "deletes", "publishes", "posts", ...), even a
         denied one: "does not create anything" still makes it a write.

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
    description = action.description or ""
    if _is_destructive(key_words + name_words, description):
        return {"read_only": False, "destructive": True}

    read_only = (
        kind not in WRITE_ACTION_TYPES
        and _only_reads(key_words, name_words)
        and not _SAYS_WRITE.search(description)
    )
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


def _is_destructive(words: list[str], description: str) -> bool:
    """Whether a verb of the key or name, or the description, says it destroys."""
    if any(word in DESTRUCTIVE_VERBS for word in words):
        return True
    return _says_destructive(description)


def _says_destructive(description: str) -> bool:
    """Whether the description calls the action destructive without denying it."""
    text = description.lower().replace("\u2019", "'")
    for match in _SAYS_DESTRUCTIVE.finditer(text):
        clause = _CLAUSE_BREAK.split(text[: match.start()])[-1]
        if not _denies(_PROSE_WORD.findall(clause)[-_NEGATION_REACH:]):
            return True
    return False


def _denies(words: list[str]) -> bool:
    """Whether a negation among the words before "destructive" denies it."""
    following = [*words[1:], ""]
    return any(
        word in _NEGATIONS and after not in _NOT_DENYING
        for word, after in zip(words, following, strict=False)
    )


def _only_reads(key_words: list[str], name_words: list[str]) -> bool:
    """Whether the key (else the name) starts with a read verb and never writes."""
    leading = key_words or name_words
    if not leading or leading[0] not in READ_VERBS:
        return False

    words = set(key_words + name_words)
    return not (words & CONJUNCTIONS or any(map(_writes, words)))


def _writes(word: str) -> bool:
    """Whether a word is a write verb, also with `re` in front (`resend`)."""
    return word in WRITE_VERBS or (word.startswith("re") and word[2:] in WRITE_VERBS)
