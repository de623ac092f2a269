"""End-to-end encryption of event data for `private-encrypted-` channels.

Pusher never sees the key: the server side encrypts and the subscribers
decrypt. Each channel has its own key, the SHA-256 digest of the channel name
(UTF-8) followed by the app's 32-byte master key. The event data (the string
Pusher would otherwise carry) is sealed with NaCl's secretbox
(XSalsa20-Poly1305) under a fresh random 24-byte nonce, and the event carries
`{"nonce": base64, "ciphertext": base64}` as its data string, which is what
Pusher's client libraries expect on these channels.

PyNaCl is optional (`pip install 'membrane-pusher[encryption]'`) and imported
only to encrypt or decrypt. The size arithmetic needs no PyNaCl, so the rules
can measure an encrypted payload before anything is encrypted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import importlib.util
import json
import math
import os
from functools import lru_cache
from typing import TYPE_CHECKING

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.redaction import register_secret

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nacl.secret import SecretBox

__all__ = [
    "ENCRYPTION_EXTRA",
    "MASTER_KEY_BYTES",
    "MASTER_KEY_ENV",
    "NONCE_BYTES",
    "channel_key",
    "check_master_key",
    "decrypt_data",
    "encrypt_data",
    "encrypted_size",
    "is_available",
    "master_key_from_base64",
    "master_key_from_env",
    "max_plaintext_bytes",
]

MASTER_KEY_BYTES = 32
NONCE_BYTES = 24
MASTER_KEY_ENV = "PUSHER_ENCRYPTION_MASTER_KEY_BASE64"
ENCRYPTION_EXTRA = "pip install 'membrane-pusher[encryption]'"

# Poly1305 adds a 16-byte authenticator to every sealed message.
_MAC_BYTES = 16
# What the compact `{"nonce":"...","ciphertext":"..."}` adds around the two
# base64 texts.
_ENVELOPE_BYTES = len('{"nonce":"","ciphertext":""}')


@lru_cache(maxsize=1)
def is_available() -> bool:
    """Tell whether PyNaCl is installed (checked once, without importing it)."""
    return importlib.util.find_spec("nacl") is not None


def master_key_from_base64(text: str) -> bytes:
    """Decode a base64 master key and check it is 32 bytes.

    The text is registered for redaction, so it never shows in logs or errors.

    Raises:
        ConfigurationError: When the text is not base64 of exactly 32 bytes
            (the message never repeats the key).
    """
    register_secret(text.strip())
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise _key_error("it is not valid base64") from None
    if len(key) != MASTER_KEY_BYTES:
        raise _key_error(f"it decodes to {len(key)} bytes, not {MASTER_KEY_BYTES}")
    return key


def master_key_from_env(env: Mapping[str, str] | None = None) -> bytes | None:
    """Return the master key from `PUSHER_ENCRYPTION_MASTER_KEY_BASE64`, if set.

    Raises:
        ConfigurationError: When the variable is set but not a valid key.
    """
    environment = os.environ if env is None else env
    text = environment.get(MASTER_KEY_ENV, "").strip()
    return master_key_from_base64(text) if text else None


def channel_key(channel: str, master_key: bytes) -> bytes:
    """Return the secretbox key of one channel: SHA-256(name + master key)."""
    check_master_key(master_key)
    return hashlib.sha256(channel.encode("utf-8") + master_key).digest()


def encrypted_size(plaintext_bytes: int) -> int:
    """Return the bytes of the data string that carries `plaintext_bytes` sealed."""
    nonce_chars = 4 * math.ceil(NONCE_BYTES / 3)
    cipher_chars = 4 * math.ceil((plaintext_bytes + _MAC_BYTES) / 3)
    return _ENVELOPE_BYTES + nonce_chars + cipher_chars


def max_plaintext_bytes(limit: int) -> int:
    """Return the most plaintext bytes whose encrypted data fits in `limit` bytes."""
    nonce_chars = 4 * math.ceil(NONCE_BYTES / 3)
    cipher_groups = (limit - _ENVELOPE_BYTES - nonce_chars) // 4
    return max(3 * cipher_groups - _MAC_BYTES, 0)


def encrypt_data(
    channel: str, data: str, master_key: bytes, *, nonce: bytes | None = None
) -> str:
    """Seal event data for one encrypted channel.

    Args:
        channel: The `private-encrypted-` channel the event goes to.
        data: The event data, as the string Pusher would carry.
        master_key: The app's 32-byte encryption master key.
        nonce: 24 bytes to use instead of random ones (tests only: a nonce must
            never be used twice with the same key).

    Returns:
        The compact JSON text `{"nonce": ..., "ciphertext": ...}` (base64).

    Raises:
        ConfigurationError: When PyNaCl is missing or the key is not 32 bytes.
    """
    secret = _secret_box(channel_key(channel, master_key))
    from nacl.utils import random as random_bytes  # noqa: PLC0415 - optional extra

    chosen = random_bytes(NONCE_BYTES) if nonce is None else nonce
    sealed = secret.encrypt(data.encode("utf-8"), chosen)
    envelope = {
        "nonce": base64.b64encode(sealed.nonce).decode("ascii"),
        "ciphertext": base64.b64encode(sealed.ciphertext).decode("ascii"),
    }
    return json.dumps(envelope, separators=(",", ":"))


def decrypt_data(channel: str, payload: str, master_key: bytes) -> str:
    """Open what `encrypt_data` sealed, as a subscriber of the channel would.

    Raises:
        ConfigurationError: When PyNaCl is missing or the key is not 32 bytes.
        ValueError: When the payload is not an envelope sealed with this key.
    """
    from nacl.exceptions import CryptoError  # noqa: PLC0415 - optional extra

    secret = _secret_box(channel_key(channel, master_key))
    try:
        envelope = json.loads(payload)
        nonce = base64.b64decode(envelope["nonce"], validate=True)
        ciphertext = base64.b64decode(envelope["ciphertext"], validate=True)
        return bytes(secret.decrypt(ciphertext, nonce)).decode("utf-8")
    except (CryptoError, KeyError, TypeError, ValueError) as error:
        message = "not an encrypted Pusher payload for this channel and key"
        raise ValueError(message) from error


def _secret_box(key: bytes) -> SecretBox:
    """Return PyNaCl's secretbox for `key`, or explain how to install PyNaCl."""
    if not is_available():
        raise ConfigurationError(
            "Encrypted channels need PyNaCl, which is not installed.",
            hint=f"Install it with: {ENCRYPTION_EXTRA}",
        )
    from nacl.secret import SecretBox  # noqa: PLC0415 - optional extra

    return SecretBox(key)


def check_master_key(master_key: bytes) -> None:
    """Refuse a master key that is not 32 bytes.

    Raises:
        ConfigurationError: When it is not (the message never shows the key).
    """
    if len(master_key) != MASTER_KEY_BYTES:
        raise _key_error(f"it is {len(master_key)} bytes, not {MASTER_KEY_BYTES}")


def _key_error(reason: str) -> ConfigurationError:
    """Explain a malformed master key without repeating it."""
    return ConfigurationError(
        f"The Pusher encryption master key is not valid: {reason}.",
        hint=(
            f"Set {MASTER_KEY_ENV} to 32 random bytes in base64, for example the "
            "output of `openssl rand -base64 32`."
        ),
    )
