"""The guard in front of raw Pusher API requests written by the model.

A raw request may reach any endpoint of the app's own API and nothing else:

* the path stays under `/apps/{app_id}/`: no absolute or scheme-relative URLs,
  no segments made only of dots (`.`, `..`, also with `;` parameters as in
  `..;x`, and percent-encoded in up to five layers: a path that still decodes
  further is refused), no backslashes, no query string or fragment inside the
  path;
* no trailing `/` (also percent-encoded): Pusher's endpoints have none, so the
  server would answer 404; the refusal names the path without it when that
  path passes this guard, and only gives the rule otherwise;
* percent escapes are plain `%XX` of ASCII characters: `%u002e` (IIS style) and
  escapes of non-ASCII bytes (`%c0%ae`, an overlong UTF-8 dot) are refused;
* no CR, LF, NUL or other control characters anywhere: method, path, query keys
  and values, and every string inside the body;
* query keys are plain names and query values plain text: no `&`, `=`, `#` or
  `%`, which would add parameters, cut the URL or be decoded again on the way
  (the membrane proxy takes each parameter as `name=value` text);
* all text is valid Unicode (no lone surrogates, which have no UTF-8 form);
* no authentication parameters (`auth_*`, `body_md5`) from the model: the
  transport signs the request itself;
* the method comes from an allow-list, and the body has a bounded size.

Raw requests to endpoints that the typed operations cover also follow those
operations' rules: see `membrane_pusher.pusher.operations.raw_rules`.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

__all__ = [
    "ALLOWED_METHODS",
    "MAX_DECODE_ROUNDS",
    "MAX_QUERY_PARAMETERS",
    "MAX_RAW_BODY_BYTES",
    "MAX_RAW_PATH_LENGTH",
    "endpoint_segments",
    "raw_request_problems",
    "resolve_raw_path",
]

ALLOWED_METHODS = ("GET", "POST")
# Below the 128 KiB limit of one command-line argument (membrane proxy), and
# above a full batch of ten 10 KB events.
MAX_RAW_BODY_BYTES = 120 * 1024
MAX_RAW_PATH_LENGTH = 1024
MAX_QUERY_PARAMETERS = 20
MAX_DECODE_ROUNDS = 5

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Characters a URL path may hold as they are (RFC 3986 pchar, plus `/` and `%`);
# anything else would be re-encoded on the way and break the signature.
_PATH_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~%/!$&'()*+,;=:@]*")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_QUERY_KEY = re.compile(r"[A-Za-z0-9_]{1,64}")
_RESERVED_QUERY_KEYS = ("auth_", "body_md5")
# Characters with a meaning in a query string, refused inside a value.
_QUERY_MARKS = re.compile(r"[&=#%]")
# A `%` that does not start a two-digit escape (`%u002e`, `%zz`, a final `%`).
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Trailing slashes, also as a single layer of escapes (`%2F`).
_TRAILING_SLASHES = re.compile(r"(?:/|%2[Ff])+\Z")
# An escape of a byte outside ASCII (`%c0%ae` is an overlong UTF-8 dot).
_NON_ASCII_ESCAPE = re.compile(r"%[89A-Fa-f][0-9A-Fa-f]")


def raw_request_problems(arguments: dict[str, Any]) -> list[str]:
    """Check a raw request's method, path, query and body.

    Args:
        arguments: `method`, `path`, optional `query` and `body`.

    Returns:
        One line per broken rule; empty when the request may be sent.
    """
    problems: list[str] = []
    method = arguments.get("method")
    if method not in ALLOWED_METHODS:
        problems.append(
            f"method: {json.dumps(method)} is not allowed; use one of "
            f"{', '.join(ALLOWED_METHODS)}"
        )
    problems.extend(_path_problems(arguments.get("path")))
    problems.extend(_query_problems(arguments.get("query")))
    problems.extend(_body_problems(arguments.get("body"), method))
    return problems


def resolve_raw_path(path: str, app_id: str) -> str | None:
    """Return the full request path for `path`, or `None` if outside the app.

    `/channels` becomes `/apps/{app_id}/channels`; a path that already starts
    with `/apps/{app_id}/` is kept; any other `/apps/...` path is refused.
    """
    app_root = f"/apps/{app_id}"
    relative = path if path.startswith("/") else f"/{path}"
    if relative == app_root or relative.startswith(f"{app_root}/"):
        return relative
    if relative == "/apps" or relative.startswith("/apps/"):
        return None
    return f"{app_root}{relative}"


def endpoint_segments(path: str) -> list[str]:
    """Return the decoded segments of `path` below `/apps/{app_id}/`.

    `/channels/presence-a/users` and `/apps/1/channels/presence-a/users` both
    give `["channels", "presence-a", "users"]`; which app the path names is
    `resolve_raw_path`'s business.
    """
    segments = [s for s in _decode_layers(path)[-1].split("/") if s]
    if len(segments) >= 2 and segments[0] == "apps":  # noqa: PLR2004 - /apps/{id}
        return segments[2:]
    return segments


def _path_problems(path: Any) -> list[str]:
    """Check the path for anything that could leave the app's API."""
    if not isinstance(path, str) or not path.strip("/"):
        return ["path: give the endpoint path, for example '/channels'"]
    if len(path) > MAX_RAW_PATH_LENGTH:
        return [f"path: longer than {MAX_RAW_PATH_LENGTH} characters"]

    layers = _decode_layers(path)
    decoded = layers[-1]
    problems: list[str] = []
    if _CONTROL.search(path) or _CONTROL.search(decoded):
        problems.append("path: CR, LF, NUL and other control characters are refused")
    if path.startswith("//") or decoded.startswith("//"):
        problems.append("path: scheme-relative URLs ('//host/...') are refused")
    if _SCHEME.match(path) or _SCHEME.match(decoded) or "://" in decoded:
        problems.append(
            "path: absolute URLs are refused; give a path under the app's API, "
            "such as '/channels'"
        )
    if not _PATH_CHARACTERS.fullmatch(path):
        problems.append(
            "path: only URL path characters are allowed (letters, digits, "
            "- . _ ~ % / and ! $ & ' ( ) * + , ; = : @); percent-encode the rest"
        )
    problems.extend(_escape_problems(layers))
    problems.extend(_segment_problems(decoded))
    problems.extend(_trailing_slash_problems(path, decoded))
    return problems


def _trailing_slash_problems(path: str, decoded: str) -> list[str]:
    """Refuse a trailing `/`: no Pusher endpoint has one, so it would be a 404.

    The path without it is suggested only when this guard would accept it:
    `/channels/..%2f` without its slash is `/channels/..`, refused as well, so
    only the rule is given (the other lines say what else to fix).
    """
    if not decoded.endswith("/"):
        return []
    right = _TRAILING_SLASHES.sub("", path)
    if not right.strip("/") or _decode_layers(right)[-1].endswith("/"):
        return ["path: no Pusher endpoint ends with '/'; remove the trailing '/'"]
    # `right` ends in no slash in any layer, so checking it cannot come back here.
    if _path_problems(right):
        return ["path: no Pusher endpoint ends with '/'"]
    return [f"path: no Pusher endpoint ends with '/'; use {json.dumps(right)}"]


def _escape_problems(layers: list[str]) -> list[str]:
    """Check the percent escapes of every decoding layer."""
    problems: list[str] = []
    if any(_BAD_ESCAPE.search(layer) for layer in layers):
        problems.append(
            "path: '%' must start a two-digit hex escape such as '%40'; '%u' "
            "escapes and stray '%' are refused"
        )
    if any(_NON_ASCII_ESCAPE.search(layer) for layer in layers):
        problems.append(
            "path: escapes of non-ASCII bytes (such as '%c0%ae') are refused; "
            "Pusher names use ASCII characters only"
        )
    if layers[-1] != unquote(layers[-1]):
        problems.append(
            f"path: percent-encoded more than {MAX_DECODE_ROUNDS} times; give the "
            "path with at most one layer of escapes"
        )
    return problems


def _segment_problems(decoded: str) -> list[str]:
    """Check the decoded path for traversal, empty segments and query marks."""
    problems: list[str] = []
    if "\\" in decoded:
        problems.append("path: backslashes are refused")
    if any(_is_dot_segment(segment) for segment in decoded.split("/")):
        problems.append(
            "path: '.' and '..' segments (also percent-encoded, with ';' parameters "
            "as in '..;x', or any run of dots) are refused"
        )
    if "//" in decoded.lstrip("/"):
        problems.append("path: empty path segments ('//') are refused")
    if "?" in decoded or "#" in decoded:
        problems.append(
            "path: put query parameters in 'query', not in the path ('?' and '#' "
            "are refused)"
        )
    return problems


def _is_dot_segment(segment: str) -> bool:
    """Tell whether a segment means `.` or `..` to some server (`..;x`, `...`)."""
    core = segment.split(";", 1)[0].strip()
    return bool(core) and not core.strip(".")


def _query_problems(query: Any) -> list[str]:
    """Check query keys and values; auth parameters belong to the signer."""
    if query is None:
        return []
    if not isinstance(query, dict):
        return ["query: must be an object of parameter names to values"]
    if len(query) > MAX_QUERY_PARAMETERS:
        return [f"query: at most {MAX_QUERY_PARAMETERS} parameters"]

    problems: list[str] = []
    for key, value in query.items():
        if key.lower().startswith(_RESERVED_QUERY_KEYS):
            # Worded "KEY is": `KEY: words` would read as a secret to redact.
            problems.append(
                f"query: {key} is an authentication parameter (auth_*, body_md5); "
                "those are added by the signer and cannot be given"
            )
        elif not _QUERY_KEY.fullmatch(key):
            problems.append(
                f"query: parameter name {json.dumps(key)} must be 1-64 letters, "
                "digits or underscores"
            )
        elif isinstance(value, str):
            problems.extend(_query_value_problems(f"query.{key}", value))
    return problems


def _query_value_problems(where: str, value: str) -> list[str]:
    """Check one query value: plain, valid text."""
    if _not_unicode(value):
        return [
            (
                f"{where}: the value is not valid Unicode (it holds a lone "
                "surrogate); send proper UTF-8 text"
            )
        ]
    problems: list[str] = []
    if _CONTROL.search(value):
        problems.append(
            f"{where}: CR, LF, NUL and other control characters are refused"
        )
    if _QUERY_MARKS.search(value):
        problems.append(
            f"{where}: '&', '=', '#' and '%' are refused in query values: the "
            "request passes each parameter as 'name=value' text, where they would "
            "add parameters, cut the URL or be decoded again; give the plain value "
            "(Pusher's parameters never need them)"
        )
    return problems


def _body_problems(body: Any, method: Any) -> list[str]:
    """Check the body: only with POST, bounded, plain valid text."""
    if body is None:
        return []
    if method == "GET":
        return ["body: a GET request takes no body; use 'query' instead"]
    control: list[str] = []
    not_unicode: list[str] = []
    _find_bad_strings(body, "", control, not_unicode)
    problems = [
        f"body{where}: CR, LF, NUL and other control characters are refused in body "
        "strings"
        for where in control
    ]
    problems.extend(
        f"body{where}: the text is not valid Unicode (it holds a lone surrogate); "
        "send proper UTF-8 text"
        for where in not_unicode
    )
    size = len(json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if size > MAX_RAW_BODY_BYTES:
        problems.append(
            f"body: {size} bytes once encoded; raw requests allow at most "
            f"{MAX_RAW_BODY_BYTES} bytes"
        )
    return problems


def _find_bad_strings(
    value: Any, where: str, control: list[str], not_unicode: list[str]
) -> None:
    """Collect the paths of strings (keys or values) that cannot be sent as is."""
    if isinstance(value, str):
        if _not_unicode(value):
            not_unicode.append(where)
        elif _CONTROL.search(value):
            control.append(where)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            label = str(key)
            if _not_unicode(label):
                label = json.dumps(label)
                not_unicode.append(f"{where}[{label}] (a key)")
            elif _CONTROL.search(label):
                control.append(f"{where}.{label!r}")
            _find_bad_strings(item, f"{where}.{label}", control, not_unicode)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find_bad_strings(item, f"{where}[{index}]", control, not_unicode)


def _not_unicode(text: str) -> bool:
    """Tell whether `text` has no UTF-8 form (a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _decode_layers(path: str) -> list[str]:
    """Return `path` and each percent-decoding of it, up to the decode limit.

    `%252e%252e` gives `%2e%2e`, then `..`: every layer is checked, and the
    last one is what the server may finally see.
    """
    layers = [path]
    for _ in range(MAX_DECODE_ROUNDS):
        once = unquote(layers[-1])
        if once == layers[-1]:
            break
        layers.append(once)
    return layers
