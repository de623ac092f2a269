"""Removal of secrets from text before it reaches a log, an error or the model.

Two kinds of secret are removed:

* values we know: anything passed to `register_secret`, plus the environment
  variables in `SECRET_ENV_VARS` (read at each call, so tests can change them);
* values we recognise by shape: `Authorization` headers, bearer tokens, JWTs,
  the password part of URLs, and the value after any secret-looking key
  (`app_secret=...`, `"refreshToken": "..."`, `X-Api-Key: ...`), a quoted
  value as a whole.

A recognised value ends where its form ends: a bare word at a blank, quote,
`&`, `,` or `;`; a header's credential after its scheme's one word; a quoted
value at its closing quote. What follows it is kept. Redacting is
idempotent: `redact(redact(text)) == redact(text)`, since `[REDACTED]` is
never matched again as a new secret.

Three strengths serve three readers:

* `redact` / `redact_value`: logs, error messages and CLI errors. Known values
  and every shape above; in structured values, whatever sits under a key that
  merely contains a secret word (`client_secret`, `tokens_used`) goes too.
* `redact_result`: what the model sees of a tool's result. Known values, and
  string values under a key that *is* a credential name (`password`,
  `access_token`, `apiKey`); `nextPageToken` or `tokens_used` stay, and so do
  numbers, booleans and null.
* `redact_known`: the artifact, which keeps the result whole except for the
  values we know are secrets.

Every pattern runs in time linear in the text: repeats are bounded or cannot
overlap, so a long hostile answer cannot stall a call.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "CREDENTIAL_KEYS",
    "REDACTED",
    "SECRET_ENV_VARS",
    "redact",
    "redact_argv",
    "redact_known",
    "redact_result",
    "redact_value",
    "register_secret",
    "secrets_snapshot",
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

CREDENTIAL_KEYS = frozenset(
    {
        "accesstoken",
        "apikey",
        "apisecret",
        "appsecret",
        "authorization",
        "authtoken",
        "bearertoken",
        "clientsecret",
        "idtoken",
        "passwd",
        "password",
        "privatekey",
        "proxyauthorization",
        "refreshtoken",
        "secret",
        "secretkey",
        "sessiontoken",
        "token",
        "xapikey",
    }
)
"""Key names whose string values are credentials, compared without case, `_`
or `-` (`access_token`, `accessToken` and `Access-Token` are one name)."""

# Secrets shorter than this are not redacted by value: replacing every "a" or
# "12" in a text would destroy it and protect nothing.
_MIN_SECRET_LENGTH = 6

# A word that makes a key secret-looking, anywhere inside the key's name.
_KEY_WORDS = ("secret", "token", "passw(?:or)?d", "api[_-]?key", "authorization")
_SECRET_WORD = "(?:" + "|".join((*_KEY_WORDS, "auth_signature")) + ")"
_SECRET_KEY_NAME = re.compile(_SECRET_WORD + r"|signature", re.IGNORECASE)

# How many times at most `redact` looks again at its own output.
_MAX_PASSES = 8

# Blanks inside one line: a value never starts on the line after its key.
_BLANK = r"[^\S\r\n]"

# A secret-looking key (the part of its name after the secret word is bounded),
# its closing quote if any (escaped once or more inside a JSON string), its
# separator, then its value:
#
# * a string quoted with escaped quotes (`\"...\"`, `\\\"...\\\"`), up to the
#   same escaped quote;
# * a JSON string (`"..."`, with its backslash escapes), whole, spaces included;
# * a single-quoted string, the same way;
# * else one bare word, which ends at a blank, a quote, a backslash or a
#   `&` `,` `;` `}` (query strings, headers, `k: v` lines, JSON objects).
#
# Closing quotes are optional so that a value cut short is still removed and
# the match never backtracks.
_KEY_VALUE = re.compile(
    r"(?P<key>" + _SECRET_WORD + r"[A-Za-z0-9_.-]{0,64})"
    r"(?P<separator>\\{0,8}[\"']?" + _BLANK + r"{0,16}[:=]" + _BLANK + r"{0,16})"
    r"(?P<value>(?P<escape>\\{1,8})\"(?:(?!(?P=escape)\")[^\r\n])*"
    r"(?P<escaped_end>(?P=escape)\")?"
    r"|\"(?:[^\"\\\r\n]|\\.)*(?P<double_end>\")?"
    r"|'(?:[^'\\\r\n]|\\.)*(?P<single_end>')?"
    r"|[^\s\"'\\&,;}]+)",
    re.IGNORECASE,
)

# The `Authorization` header's own form (`Authorization: Bearer X`, no quote
# before the separator; the quoted forms are `_KEY_VALUE`'s). Its value is a
# scheme and one credential word, or one word alone; after a scheme whose
# credentials are a list of parameters (`Digest username="x", response="y"`),
# the rest of the line.
_ONE_WORD_SCHEMES = r"(?:bearer|basic|token|negotiate|ntlm|api-?key|key)"
_PARAMETER_SCHEMES = r"(?:digest|oauth|aws4-hmac-sha256|hoba|mutual|scram-sha-\d+)"
_AUTHORIZATION = re.compile(
    r"(?i)(?P<lead>\b(?:proxy-)?authorization" + _BLANK + r"*[:=]" + _BLANK + r"*)"
    r"(?:(?P<listed>" + _PARAMETER_SCHEMES + _BLANK + r"+)[^\r\n]+"
    r"|(?P<scheme>" + _ONE_WORD_SCHEMES + _BLANK + r"+)[^\s\"',;&]+"
    r"|[^\s\"',;&]+)"
)

_HEADER_KEY = re.compile(r"(?i)(?:proxy-)?authorization")

_PATTERNS = (
    re.compile(r"(?i)(\bbearer" + _BLANK + r"+)[A-Za-z0-9._~+/=-]+"),
    # JSON Web Tokens.
    re.compile(r"()\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
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


def secrets_snapshot() -> list[str]:
    """Return the secret values known now, longest first.

    Reading them costs a few environment look-ups; pass one snapshot to
    several `redact_known` / `redact_result` calls made together.
    """
    return _known_secrets()


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
    return _redact_text(text, _known_secrets())


def redact_argv(argv: Iterable[str]) -> list[str]:
    """Return a copy of an argv list that is safe to log or show."""
    secrets = _known_secrets()
    return [_redact_text(arg, secrets) for arg in argv]


def redact_value(value: Any) -> Any:
    """Return a copy of a JSON-like value that is safe for a log or an error.

    Strings go through `redact`. The value under a key that contains a secret
    word (`secret`, `token`, `password`, `api_key`, `authorization`,
    `signature`) is replaced whole, unless it is a boolean or null, which
    cannot hold a secret.
    """
    return _redact_deep(value, _known_secrets())


def redact_result(value: Any, secrets: list[str] | None = None) -> Any:
    """Return a copy of a tool result as the model may see it.

    Known secret values are replaced wherever they appear (keys included), and
    so is a string under a key named exactly like a credential
    (`CREDENTIAL_KEYS`). Nothing is judged by shape or by part of a key's
    name, so pagination tokens, counters and flags reach the model unchanged.

    Args:
        value: The result.
        secrets: A `secrets_snapshot()` to reuse; read afresh when omitted.
    """
    return _redact_result(value, _known_secrets() if secrets is None else secrets)


def redact_known(value: Any, secrets: list[str] | None = None) -> Any:
    """Return a JSON-like value with only the known secret values replaced.

    Args:
        value: Any JSON-like value.
        secrets: A `secrets_snapshot()` to reuse; read afresh when omitted.

    Returns:
        A copy with the secrets replaced, or `value` itself when no secret
        is known.
    """
    if secrets is None:
        secrets = _known_secrets()
    if not secrets:
        return value
    return _redact_known(value, secrets)


def _redact_text(text: str, secrets: list[str]) -> str:
    """Replace known secrets and every recognisable shape, until none is left.

    One pass can leave a shape behind: removing one secret may join what was
    around it into another (`scheme://user:` + a redacted value + `@`). So the
    passes repeat until one changes nothing, which makes `redact` idempotent.
    Every pass that changes the text turns some of it into `[REDACTED]`, so
    the passes end quickly; `_MAX_PASSES` bounds them all the same.
    """
    for _ in range(_MAX_PASSES):
        redacted = _redact_pass(text, secrets)
        if redacted == text:
            break
        text = redacted
    return text


def _redact_pass(text: str, secrets: list[str]) -> str:
    """Replace known secrets, then every recognisable shape, once."""
    text = _substitute(text, secrets)
    text = _AUTHORIZATION.sub(_redact_authorization, text)
    for pattern in _PATTERNS:
        text = pattern.sub(_keep_prefix, text)
    return _KEY_VALUE.sub(_redact_key_value, text)


def _keep_prefix(match: re.Match[str]) -> str:
    """Keep what leads to a secret, replace the secret."""
    return match.group(1) + REDACTED


def _redact_authorization(match: re.Match[str]) -> str:
    """Replace an `Authorization` header's credentials, keeping its scheme."""
    scheme = match.group("listed") or match.group("scheme") or ""
    return match.group("lead") + scheme + REDACTED


def _redact_key_value(match: re.Match[str]) -> str:
    """Replace the value after a secret-looking key, keeping its quotes."""
    key, separator, value = match.group("key", "separator", "value")
    if _is_header_form(key, separator, value):
        return match.group(0)

    lead = key + separator
    if match.group("escape"):
        quote = match.group("escape") + '"'
    elif value[0] in "\"'":
        quote = value[0]
    else:
        return lead + REDACTED
    closed = match.group("escaped_end", "double_end", "single_end") != (None,) * 3
    return lead + quote + REDACTED + (quote if closed else "")


def _is_header_form(key: str, separator: str, value: str) -> bool:
    """Tell whether `_AUTHORIZATION` owns this match (unquoted `Authorization`).

    The header's value is a scheme and a credential, two words; handled here
    as a key's bare word, the scheme would be taken for the secret.
    """
    unquoted = not separator.lstrip("\\").startswith(("'", '"'))
    bare = not value.startswith(("'", '"', "\\"))
    return unquoted and bare and _HEADER_KEY.fullmatch(key) is not None


def _substitute(text: str, secrets: list[str]) -> str:
    """Replace known secret values only, leaving earlier markers whole.

    The text is cut at each `[REDACTED]` and the pieces are searched apart, so
    that a second pass finds nothing new: redacting twice equals redacting
    once.
    """
    if not secrets or not text:
        return text
    pattern = _secrets_pattern(tuple(secrets))
    return REDACTED.join(pattern.sub(REDACTED, piece) for piece in text.split(REDACTED))


@functools.lru_cache(maxsize=32)
def _secrets_pattern(secrets: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all the secrets, the longest tried first."""
    return re.compile("|".join(re.escape(secret) for secret in secrets))


def _redact_deep(value: Any, secrets: list[str]) -> Any:
    """The walk of `redact_value`."""
    if isinstance(value, str):
        return _redact_text(value, secrets) if value else value
    if isinstance(value, Mapping):
        return {
            _substitute(key, secrets) if isinstance(key, str) else key: (
                REDACTED
                if _is_secret_key(key) and not _is_flag(item)
                else _redact_deep(item, secrets)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_deep(item, secrets) for item in value]
    return value


def _redact_result(value: Any, secrets: list[str]) -> Any:
    """The walk of `redact_result`."""
    if isinstance(value, str):
        return _substitute(value, secrets)
    if isinstance(value, Mapping):
        return {
            _substitute(key, secrets) if isinstance(key, str) else key: (
                REDACTED
                if isinstance(item, str) and item and _is_credential_key(key)
                else _redact_result(item, secrets)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_result(item, secrets) for item in value]
    return value


def _redact_known(value: Any, secrets: list[str]) -> Any:
    """The walk of `redact_known`."""
    if isinstance(value, str):
        return _substitute(value, secrets)
    if isinstance(value, Mapping):
        return {
            _substitute(key, secrets) if isinstance(key, str) else key: _redact_known(
                item, secrets
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_known(item, secrets) for item in value]
    return value


def _is_flag(value: Any) -> bool:
    """Tell whether a value is a boolean or null (no secret fits in one)."""
    return value is None or isinstance(value, bool)


def _is_secret_key(key: object) -> bool:
    """Tell whether a mapping key contains a secret word anywhere."""
    return isinstance(key, str) and _SECRET_KEY_NAME.search(key) is not None


def _is_credential_key(key: object) -> bool:
    """Tell whether a mapping key is exactly a credential's name."""
    if not isinstance(key, str):
        return False
    return key.lower().replace("_", "").replace("-", "") in CREDENTIAL_KEYS
