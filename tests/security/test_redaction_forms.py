"""`redact` removes exactly the secret, in every form, and only once.

Three promises, each held by examples and by generated text:

* the value after a secret-looking key ends where its form says (a query
  string's `&`, a header's credential word, a JSON or quoted string's closing
  quote, a `k: v` line's first blank), so the words after it survive;
* quoted values go whole, spaces and escaped quotes included;
* redacting twice gives what redacting once gave: `[REDACTED]` is never
  matched again, widened or doubled.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from membrane_pusher.redaction import REDACTED, redact

# --- examples -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "auth_signature: abc123 next words",
            "auth_signature: [REDACTED] next words",
        ),
        (
            "auth_key=k&auth_signature=abc123&auth_timestamp=1",
            "auth_key=k&auth_signature=[REDACTED]&auth_timestamp=1",
        ),
        (
            "Authorization: Bearer abc.def-123 then more words",
            "Authorization: Bearer [REDACTED] then more words",
        ),
        (
            "Authorization: Basic dXNlcjpwYXNz, Accept: */*",
            "Authorization: Basic [REDACTED], Accept: */*",
        ),
        ("authorization=abc123 tail", "authorization=[REDACTED] tail"),
        (
            'Authorization: Digest username="u", response="6629fae4"\nnext line',
            "Authorization: Digest [REDACTED]\nnext line",
        ),
        (
            '{"secret": "two words", "name": "kept"}',
            '{"secret": "[REDACTED]", "name": "kept"}',
        ),
        (
            '{"secret": "with \\"escaped\\" quotes", "n": 1}',
            '{"secret": "[REDACTED]", "n": 1}',
        ),
        (
            '"Authorization": "Bearer abc def", "x": 1',
            '"Authorization": "[REDACTED]", "x": 1',
        ),
        (
            '--data={"note":"{\\"token\\":\\"two words\\"}","n":1}',
            '--data={"note":"{\\"token\\":\\"[REDACTED]\\"}","n":1}',
        ),
        (
            '{\\\\\\"token\\\\\\":\\\\\\"two words\\\\\\"} tail',
            '{\\\\\\"token\\\\\\":\\\\\\"[REDACTED]\\\\\\"} tail',
        ),
        ("password: 'it\\'s two words' tail", "password: '[REDACTED]' tail"),
        ("api_key: abc123\nname: kept", "api_key: [REDACTED]\nname: kept"),
        ("app_secret: s3cr3t; next", "app_secret: [REDACTED]; next"),
        ("token:\nnext line", "token:\nnext line"),
        ("bearer\nnext line", "bearer\nnext line"),
    ],
)
def test_a_secret_value_ends_where_its_form_ends(text, expected):
    # Act / Assert
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: [REDACTED] x",
        "Authorization: Bearer [REDACTED] x",
        'Authorization="Bearer abc" rest',
        'token: "cut short',
        "secret: [REDACTED]x",
        "https://tokenhttps://\\@",
        'https://tokenhttps://"@',
        "token: \"\" and token: ''",
        "password=[REDACTED][REDACTED]",
    ],
)
def test_redacting_twice_changes_nothing_more(text):
    # Act
    once = redact(text)

    # Assert
    assert redact(once) == once


def test_a_known_secret_is_not_found_again_inside_the_marker(monkeypatch):
    # Arrange: a secret that the marker itself spells
    monkeypatch.setenv("PUSHER_SECRET", "REDACTED")

    # Act
    once = redact("the secret is REDACTED")

    # Assert
    assert once == "the secret is [REDACTED]"
    assert redact(once) == once


# --- generated text -------------------------------------------------------------

# Pieces of secret-looking text and of the punctuation around it: generated
# text built of them hits the edges of every form and their mixtures.
_PIECES = [
    *("token", "secret", "password", "auth_signature", "api_key", "X-Api-Key"),
    *("Authorization", "Proxy-Authorization", "Bearer", "Basic", "Digest"),
    *("eyJhbGciOi.eyJzdWIiOi.c2ln", "https://", "user", "@", "/", REDACTED),
    *(":", "=", ": ", '": "', '"', "'", "\\", '\\"', '\\\\\\"', "[", "]"),
    *(" ", "\n", "\r\n", "\t", "&", ",", ";", "{", "}", "abc", "x1", "REDACTED"),
]
_SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Words that cannot spell a secret-looking key, a scheme, a JWT or a URL.
_PLAIN_WORD = st.text(alphabet="bcdfghlmnoqruvwxyz0123456789", min_size=1, max_size=8)
_PLAIN_TEXT = st.lists(_PLAIN_WORD, max_size=6).map(" ".join)
_BARE_SECRET = st.text(
    alphabet="ABCDEFabcdef0123456789._~+/-", min_size=1, max_size=24
).filter(lambda value: value != REDACTED)
_QUOTED_SECRET = st.text(
    alphabet="ABCDEFabcdef0123456789 ._-:=&,;", min_size=1, max_size=24
)

# Each form: how the secret is written, and the boundary it must stop at.
_FORMS = [
    ("auth_signature={}", "&"),
    ("auth_signature={}", " "),
    ("Authorization: Bearer {}", " "),
    ("Authorization: Basic {}", ", "),
    ("api_key: {}", "\n"),
    ("app_secret: {}", "; "),
    ('"client_secret": "{}"', ", "),
    ("db_password='{}'", " "),
    ('{{\\"token\\":\\"{}\\"}}', " "),
]


@_SETTINGS
@given(st.lists(st.sampled_from(_PIECES), max_size=18).map("".join))
def test_redacting_is_idempotent(text):
    # Act
    once = redact(text)

    # Assert
    assert redact(once) == once


@_SETTINGS
@given(
    st.lists(st.sampled_from(_PIECES), max_size=12).map("".join),
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=6, max_size=12
    ).filter(lambda secret: secret not in REDACTED),
)
def test_redacting_is_idempotent_with_known_secrets(text, secret):
    # Arrange
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEMBRANE_TOKEN", secret)

        # Act
        once = redact(f"{text}{secret}{text}")

        # Assert
        assert secret not in once
        assert redact(once) == once


@_SETTINGS
@given(
    st.sampled_from(_FORMS),
    st.data(),
    _PLAIN_TEXT,
    _PLAIN_TEXT,
)
def test_the_text_around_a_secret_survives(form, data, before, after):
    # Arrange
    template, boundary = form
    quoted = "'" in template or '"' in template
    secret = data.draw(_QUOTED_SECRET if quoted else _BARE_SECRET)
    prefix = f"{before}\n" if before else ""
    text = prefix + template.format(secret) + boundary + after

    # Act
    shown = redact(text)

    # Assert
    assert shown == prefix + template.format(REDACTED) + boundary + after


@pytest.mark.parametrize(
    "text",
    [
        'token:\\\\\\\\\\\\\\\\"' * 10_000,
        'token=\\"' + "a" * 200_000,
        "Authorization: Bearer " * 20_000,
        "Authorization: Digest " * 10_000,
        "password='" + "\\'" * 50_000,
        '{"token": "a\\"b", ' * 5_000,
    ],
)
def test_redacting_hostile_text_stays_fast(text):
    # Act
    started = time.monotonic()
    once = redact(text)
    redact(once)

    # Assert
    assert time.monotonic() - started < 1.0
