"""Pusher's HMAC-SHA256 signatures: REST requests, channel and user auth.

Standard library only: the `membrane` stand-in imports this module and must
start fast.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "AUTH_VERSION",
    "body_md5",
    "channel_auth",
    "sign_request",
    "string_to_sign",
    "user_auth",
]

AUTH_VERSION = "1.0"


def body_md5(body: bytes) -> str:
    """Return the hex MD5 of a request body, as Pusher's `body_md5` wants it."""
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def string_to_sign(method: str, path: str, query: Mapping[str, str]) -> str:
    """Return the text that Pusher signs for a REST request.

    Keys are lower-cased and sorted; values are not URL-escaped.
    """
    params = {k.lower(): v for k, v in query.items() if k.lower() != "auth_signature"}
    joined = "&".join(f"{k}={params[k]}" for k in sorted(params))
    return f"{method.upper()}\n{path}\n{joined}"


def sign_request(
    *,
    method: str,
    path: str,
    query: Mapping[str, str],
    body: bytes,
    key: str,
    secret: str,
    timestamp: int | None = None,
) -> dict[str, str]:
    """Return the full query string parameters of a signed REST request.

    Args:
        method: The HTTP method.
        path: The request path, for example `/apps/12345/events`.
        query: The request's own parameters (never auth parameters).
        body: The exact body bytes that will be sent (empty for none).
        key: The app key.
        secret: The app secret.
        timestamp: Unix seconds; the current time when omitted.

    Returns:
        `query` plus `auth_key`, `auth_timestamp`, `auth_version`, `body_md5`
        (for a non-empty body) and `auth_signature`.
    """
    signed = dict(query)
    signed["auth_key"] = key
    signed["auth_timestamp"] = str(int(time.time()) if timestamp is None else timestamp)
    signed["auth_version"] = AUTH_VERSION
    if body:
        signed["body_md5"] = body_md5(body)
    text = string_to_sign(method, path, signed)
    signed["auth_signature"] = _hex_hmac(secret, text)
    return signed


def channel_auth(
    *, key: str, secret: str, socket_id: str, channel: str, channel_data: str = ""
) -> str:
    """Return the `auth` value for subscribing to a private or presence channel."""
    text = f"{socket_id}:{channel}"
    if channel_data:
        text = f"{text}:{channel_data}"
    return f"{key}:{_hex_hmac(secret, text)}"


def user_auth(*, key: str, secret: str, socket_id: str, user_data: str) -> str:
    """Return the `auth` value of a `pusher:signin` message."""
    return f"{key}:{_hex_hmac(secret, f'{socket_id}::user::{user_data}')}"


def _hex_hmac(secret: str, text: str) -> str:
    """Return the hex HMAC-SHA256 of `text` keyed with `secret`."""
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
