r"""Event data: the string Pusher carries, and the size and text rules it obeys.

Data is at most 10,240 bytes as UTF-8 once encoded; on a `private-encrypted-`
channel the limit applies to the encrypted envelope, and data is refused when
it cannot be encrypted as configured. Text must be valid Unicode: a lone
surrogate (which JSON can carry as `\ud800`) has no UTF-8 form, so it could be
neither signed nor sent.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from membrane_pusher.pusher import encryption
from membrane_pusher.pusher.limits import (
    ENCRYPTED_PREFIX,
    MAX_DATA_BYTES,
    MAX_ENCRYPTED_PLAINTEXT_BYTES,
)
from membrane_pusher.pusher.problem_text import not_unicode_problem, quote

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["data_problems", "encode_data", "encryption_unavailable_problem"]


def encode_data(data: Any) -> str:
    """Return event data as the string Pusher carries: strings as they are.

    Any other JSON value is encoded compactly, keeping non-ASCII text as UTF-8
    (so the byte count matches what subscribers receive).
    """
    if isinstance(data, str):
        return data
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def data_problems(path: str, data: Any, *, encrypted: bool = False) -> list[str]:
    """Check event data: valid, non-empty text, at most 10,240 bytes once encoded.

    Args:
        path: The JSON path of the data, for the messages.
        data: A string (sent as is) or any JSON value (sent JSON-encoded).
        encrypted: Whether the data goes to a `private-encrypted-` channel,
            where the limit applies to the encrypted envelope.
    """
    try:
        encoded = encode_data(data)
    except (TypeError, ValueError) as error:
        return [f"{path}: data must be a string or a JSON value ({error})"]
    try:
        size = len(encoded.encode("utf-8"))
    except UnicodeEncodeError:
        return [_not_unicode_in_value(path, data)]

    if size == 0:
        return [
            (
                f"{path}: is empty; put the message in it (text or JSON). Pusher "
                "requires event data, and servers such as soketi refuse empty data"
            )
        ]
    problem = _size_problem(path, size, encrypted=encrypted)
    return [problem] if problem else []


def _size_problem(path: str, size: int, *, encrypted: bool) -> str:
    """The problem of data `size` bytes long, when it is over the limit."""
    if encrypted:
        sent = encryption.encrypted_size(size)
        if sent <= MAX_DATA_BYTES:
            return ""
        return (
            f"{path}: payload too large: {sent} > {MAX_DATA_BYTES} bytes once "
            f"encrypted for a {ENCRYPTED_PREFIX} channel ({size} bytes of data; "
            f"at most {MAX_ENCRYPTED_PLAINTEXT_BYTES} fit); Pusher refuses this "
            "with 413, so send less data or a reference to it"
        )
    if size <= MAX_DATA_BYTES:
        return ""
    return (
        f"{path}: payload too large: {size} > {MAX_DATA_BYTES} bytes (UTF-8 of the "
        "encoded data); Pusher refuses this with 413, so send less data or a "
        "reference to it"
    )


def encryption_unavailable_problem(path: str, channel: str, *, has_key: bool) -> str:
    """Explain why data for an encrypted channel cannot be sent as configured.

    Args:
        path: The JSON path of the channel, for the message.
        channel: The `private-encrypted-` channel.
        has_key: Whether a master key is configured (then PyNaCl is missing).
    """
    if has_key:
        missing = f"PyNaCl is not installed ({encryption.ENCRYPTION_EXTRA})"
    else:
        missing = (
            "no encryption master key is configured (a person must set the "
            f"environment variable {encryption.MASTER_KEY_ENV}, which the command "
            "line reads, or pass PusherToolkit(encryption_master_key_base64=...) "
            "in Python; either way 32 random bytes in base64)"
        )
    return (
        f"{path}: {quote(channel)} is an end-to-end encrypted channel, so its data "
        f"must be encrypted before it is sent, and {missing}; nothing was sent. "
        f"Use a channel without the '{ENCRYPTED_PREFIX}' prefix, or ask for the "
        "key to be configured"
    )


def _not_unicode_in_value(path: str, value: Any) -> str:
    """Describe the first text inside a JSON value that is not valid Unicode."""
    if isinstance(value, str):
        return not_unicode_problem(path, value) or f"{path}: not valid Unicode"
    items: Iterable[tuple[str, Any]] = ()
    if isinstance(value, dict):
        for key in value:
            problem = not_unicode_problem(f"{path}[{quote(str(key))}]", str(key))
            if problem:
                return f"{problem} (in a key)"
        items = ((f"{path}.{key}", item) for key, item in value.items())
    elif isinstance(value, list):
        items = ((f"{path}[{index}]", item) for index, item in enumerate(value))
    for where, item in items:
        if _has_bad_text(item):
            return _not_unicode_in_value(where, item)
    return f"{path}: the text is not valid Unicode; send proper UTF-8 text"


def _has_bad_text(value: Any) -> bool:
    """Tell whether any string inside a JSON value has no UTF-8 form."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (TypeError, ValueError):
        return False
    return False
