"""Removal of secrets from text before it reaches a log, an error or the model.

Two kinds of secret are removed:

* values we know: anything passed to `register_secret`, plus the environment
  variables in `SECRET_ENV_VARS` (read at each call, so tests can change them);
* values we recognise by shape: `Authorization` headers, bearer tokens, JWTs,
  Pusher request signatures and the password part of URLs.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "REDACTED",
    "SECRET_ENV_VARS",
    "redact",
    "redact_argv",
    "redact_value",
    "register_secret",
]

REDACTED = "[REDACTED]"

# Environment variables whose values are secrets wherever they appear.
SECRET_ENV_VARS = (
    "MEMBRANE_TOKEN",
    "MEMBRANE_WORKSPACE_SECRET",
    "MEMBRANE_ACCESS_TOKEN",
    "PUSHER_SECRET",
    "PUSHER_APP_SECRET",
)

# Environment variables holding URLs whose password part is a secret.
SECRET_URL_ENV_VARS = ("PUSHER_URL",)

# Secrets shorter than this are not redacted by value: replacing every "a" or
# "12" in a text would destroy it and protect nothing.
_MIN_SECRET_LENGTH = 6

_PATTERNS = (
    # Authorization / Proxy-Authorization header values, in argv or in text.
    re.compile(r"(?i)((?:proxy-)?authorization\s*[:=]\s*)(?:\"[^\"]*\"|[^\r\n,;]+)"),
    re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]+"),
    # JSON Web Tokens.
    re.compile(r"()\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    # Pusher request signatures and secrets in query strings or key=value text.
    re.compile(r"(?i)(\bauth_signature=)[0-9a-f]+"),
    re.compile(
        r"(?i)(\b(?:secret|token|password|api_key)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,;}]+"
    ),
    # Passwords inside URLs: scheme://user:password@host. The scheme's length is
    # bounded so that a long run of letters cannot make the search quadratic.
    re.compile(
        r"(\b[A-Za-z][A-Za-z0-9+.-]{0,31}://[^/\s:@]{1,256}:)[^@\s/]{1,256}(?=@)"
    ),
)

_registered: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret value so that every later `redact` call removes it.

    Args:
        value: The secret. Empty or very short values are ignored.
    """
    if not value or len(value) < _MIN_SECRET_LENGTH:
        return
    with _lock:
        _registered.add(value)


def _known_secrets() -> list[str]:
    """Return the registered and environment secrets, longest first."""
    secrets = set(_registered)
    for name in SECRET_ENV_VARS:
        value = os.environ.get(name)
        if value and len(value) >= _MIN_SECRET_LENGTH:
            secrets.add(value)
    for name in SECRET_URL_ENV_VARS:
        password = _url_password(os.environ.get(name))
        if password and len(password) >= _MIN_SECRET_LENGTH:
            secrets.add(password)
    return sorted(secrets, key=len, reverse=True)


def _url_password(url: str | None) -> str | None:
    """Return the password part of a URL, if it has one."""
    if not url:
        return None
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def redact(text: str) -> str:
    """Return `text` with every known or recognisable secret replaced.

    Args:
        text: Any text: an argv element, stderr, an error message.

    Returns:
        The text with secrets replaced by `[REDACTED]`.
    """
    if not text:
        return text
    for secret in _known_secrets():
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def redact_argv(argv: Iterable[str]) -> list[str]:
    """Return a copy of an argv list that is safe to log or show."""
    return [redact(arg) for arg in argv]


def redact_value(value: Any) -> Any:
    """Return a copy of a JSON-like value with secrets removed from strings.

    Mapping keys that name a secret (`secret`, `token`, `authorization`, ...)
    have their whole value replaced.
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {
            key: REDACTED if _is_secret_key(key) else redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


def _is_secret_key(key: object) -> bool:
    """Tell whether a mapping key names a secret."""
    if not isinstance(key, str):
        return False
    lowered = key.lower()
    return any(
        word in lowered
        for word in ("secret", "token", "password", "authorization", "signature")
    )
