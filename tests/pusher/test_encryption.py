"""End-to-end encryption for `private-encrypted-` channels, as pure functions."""

from __future__ import annotations

import base64
import json

import pytest

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.pusher import encryption
from membrane_pusher.pusher.limits import MAX_DATA_BYTES, MAX_ENCRYPTED_PLAINTEXT_BYTES
from membrane_pusher.redaction import redact

pytest.importorskip("nacl")

KEY = bytes(range(32))

# The vector of Pusher's own Python server library (its crypto tests): the same
# channel, data, master key and nonce must give the same envelope.
GOLDEN_CHANNEL = "pvUPIk0YG6MnxCEMIUUVFrbDmQwbhICXUcy"
GOLDEN_DATA = "kkkT5OOkOkO5kT5TOO5TkOT5TTk5O55T"
GOLDEN_KEY = b"OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"
GOLDEN_NONCE = b"XAJI0Y6DPBHSAHXTHV3A3ZMF"
GOLDEN_ENVELOPE = {
    "nonce": "WEFKSTBZNkRQQkhTQUhYVEhWM0EzWk1G",
    "ciphertext": "tsYJa2JgGDOpVIYFe4aNVWAvZlpB7z7CjN9mpIdbATE0Yc4izN8aM8D6VigBxnIQ",
}


def test_envelope_matches_pusher_server_library():
    # Act
    sealed = encryption.encrypt_data(
        GOLDEN_CHANNEL, GOLDEN_DATA, GOLDEN_KEY, nonce=GOLDEN_NONCE
    )

    # Assert
    assert json.loads(sealed) == GOLDEN_ENVELOPE


@pytest.mark.parametrize("data", ["", "hello", '{"a":1}', "ünïcødé 🚀" * 50])
def test_round_trip_with_random_nonce(data):
    # Act
    sealed = encryption.encrypt_data("private-encrypted-room", data, KEY)
    opened = encryption.decrypt_data("private-encrypted-room", sealed, KEY)

    # Assert
    assert opened == data
    assert len(base64.b64decode(json.loads(sealed)["nonce"])) == 24


def test_each_event_gets_a_fresh_nonce():
    first = encryption.encrypt_data("private-encrypted-a", "same", KEY)
    second = encryption.encrypt_data("private-encrypted-a", "same", KEY)
    assert json.loads(first)["nonce"] != json.loads(second)["nonce"]


def test_key_is_per_channel():
    sealed = encryption.encrypt_data("private-encrypted-a", "data", KEY)
    with pytest.raises(ValueError, match="not an encrypted Pusher payload"):
        encryption.decrypt_data("private-encrypted-b", sealed, KEY)


def test_channel_key_is_sha256_of_name_then_master_key():
    import hashlib  # noqa: PLC0415 - only this test

    expected = hashlib.sha256(b"private-encrypted-a" + KEY).digest()
    assert encryption.channel_key("private-encrypted-a", KEY) == expected


@pytest.mark.parametrize("size", [0, 1, 2, 3, 100, 7619, 7620])
def test_encrypted_size_is_exact(size):
    sealed = encryption.encrypt_data("private-encrypted-a", "x" * size, KEY)
    assert len(sealed.encode()) == encryption.encrypted_size(size)


def test_largest_plaintext_fits_and_one_more_byte_does_not():
    assert MAX_ENCRYPTED_PLAINTEXT_BYTES == 7619
    assert encryption.encrypted_size(MAX_ENCRYPTED_PLAINTEXT_BYTES) <= MAX_DATA_BYTES
    assert encryption.encrypted_size(MAX_ENCRYPTED_PLAINTEXT_BYTES + 1) > MAX_DATA_BYTES


def test_master_key_from_base64_is_redacted():
    # Arrange
    text = base64.b64encode(KEY).decode()

    # Act
    key = encryption.master_key_from_base64(text)

    # Assert
    assert key == KEY
    assert text not in redact(f"key={text}")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (base64.b64encode(b"x" * 31).decode(), "31 bytes"),
        (base64.b64encode(b"x" * 33).decode(), "33 bytes"),
        ("not base64!", "not valid base64"),
    ],
)
def test_bad_master_keys_refused_without_echo(text, reason):
    with pytest.raises(ConfigurationError, match=reason) as refused:
        encryption.master_key_from_base64(text)
    assert text not in str(refused.value)
    assert encryption.MASTER_KEY_ENV in refused.value.hint


def test_master_key_from_env():
    env = {encryption.MASTER_KEY_ENV: base64.b64encode(KEY).decode()}
    assert encryption.master_key_from_env(env) == KEY
    assert encryption.master_key_from_env({}) is None


def test_missing_pynacl_explains_the_extra(monkeypatch):
    monkeypatch.setattr(encryption, "is_available", lambda: False)
    with pytest.raises(ConfigurationError, match="PyNaCl") as refused:
        encryption.encrypt_data("private-encrypted-a", "x", KEY)
    assert "membrane-pusher[encryption]" in refused.value.hint
