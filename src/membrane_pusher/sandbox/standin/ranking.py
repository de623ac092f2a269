"""Ranking catalog actions by how well they match an intent.

Membrane ranks actions semantically; the stand-in approximates that with word
overlap: words of the intent are stemmed, widened with a few synonyms, and
scored against each action's key and name (weighted) and description. Actions
that share no word with the intent, or score far below the best match, are left
out, so an intent returns the relevant actions rather than the whole catalog.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["rank_actions", "words"]

_WORD = re.compile(r"[a-z0-9]+")

_STOP_WORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "please",
        "that",
        "the",
        "their",
        "this",
        "to",
        "us",
        "we",
        "what",
        "when",
        "which",
        "with",
        "you",
        "your",
    )
)

# Everyday words an agent may use for Pusher's own vocabulary.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "send": ("trigger", "publish", "broadcast"),
    "publish": ("trigger", "send"),
    "broadcast": ("trigger", "send"),
    "notify": ("trigger", "send", "event"),
    "notification": ("event", "trigger"),
    "message": ("event", "data"),
    "post": ("trigger", "event"),
    "emit": ("trigger", "event"),
    "push": ("trigger", "event"),
    "realtime": ("event", "channel"),
    "room": ("channel",),
    "topic": ("channel",),
    "online": ("presence", "user"),
    "member": ("presence", "user"),
    "who": ("presence", "user"),
    "occupied": ("channel", "info"),
    "count": ("info", "subscription"),
    "kick": ("terminate", "connection"),
    "disconnect": ("terminate", "connection"),
    "logout": ("terminate", "connection"),
    "ban": ("terminate", "connection"),
    "signin": ("authenticate",),
    "login": ("authenticate",),
    "subscribe": ("authorize", "channel"),
    "private": ("authorize", "channel"),
    "verify": ("validate",),
    "signature": ("validate", "webhook"),
    "many": ("batch",),
    "multiple": ("batch",),
    "bulk": ("batch",),
    "list": ("channel", "get"),
    "show": ("get", "list"),
}

_KEY_WEIGHT = 3.0
_NAME_WEIGHT = 2.0
_DESCRIPTION_WEIGHT = 1.0
_SYNONYM_FACTOR = 0.6

# Actions scoring below this share of the best score are not relevant enough.
_RELATIVE_CUTOFF = 0.3


def stem(word: str) -> str:
    """Return a crude stem: plural and verb endings removed."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:  # noqa: PLR2004
            base = word[: -len(suffix)]
            return f"{base}y" if suffix == "ies" else base
    return word


def words(text: str) -> list[str]:
    """Return the stemmed content words of a text."""
    found = _WORD.findall(text.lower().replace("_", " ").replace("-", " "))
    return [stem(word) for word in found if word not in _STOP_WORDS]


def rank_actions(actions: list[dict[str, Any]], intent: str) -> list[dict[str, Any]]:
    """Return the actions that match `intent`, best first.

    Ties keep the catalog order. An empty intent returns every action.
    """
    query = _weighted_query(intent)
    if not query:
        return list(actions)

    scored = []
    for position, action in enumerate(actions):
        score = _score(action, query)
        if score > 0:
            scored.append((-score, position, action))
    if not scored:
        return []
    scored.sort(key=lambda item: (item[0], item[1]))
    cutoff = -scored[0][0] * _RELATIVE_CUTOFF
    return [action for negative, _, action in scored if -negative >= cutoff]


def _weighted_query(intent: str) -> dict[str, float]:
    """Return the intent's words and synonyms with their weights."""
    query: dict[str, float] = {}
    for word in words(intent):
        query[word] = 1.0
    for word in list(query):
        for synonym in _SYNONYMS.get(word, ()):
            stemmed = stem(synonym)
            query[stemmed] = max(query.get(stemmed, 0.0), _SYNONYM_FACTOR)
    return query


def _score(action: dict[str, Any], query: dict[str, float]) -> float:
    """Score one action against the weighted query words."""
    fields = (
        (str(action.get("key") or ""), _KEY_WEIGHT),
        (str(action.get("name") or ""), _NAME_WEIGHT),
        (str(action.get("description") or ""), _DESCRIPTION_WEIGHT),
    )
    score = 0.0
    for text, weight in fields:
        present = set(words(text))
        score += weight * sum(query.get(word, 0.0) for word in present)
    return score
