"""The guard in front of raw Pusher API requests written by the model.

A raw request may reach any endpoint of the app's own API and nothing else:

* the path stays under `/apps/{app_id}/`: no absolute or scheme-relative URLs,
  no `.` or `..` segments (also percent-encoded, in any number of layers), no
  backslashes, no query string or fragment inside the path;
* no CR, LF, NUL or other control characters anywhere: method, path, query keys
  and values, and every string inside the body;
* no authentication parameters (`auth_*`, `body_md5`) from the model: the
  transport signs the request itself;
* the method comes from an allow-list, and the body has a bounded size.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

__all__ = [
    "ALLOWED_METHODS",
    "MAX_RAW_BODY_BYTES",
    "MAX_RAW_PATH_LENGTH",
    "raw_request_problems",
    "resolve_raw_path",
]

ALLOWED_METHODS = ("GET", "POST")
# Below the 128 KiB limit of one command-line argument (membrane proxy), and
# above a full batch of ten 10 KB events.
MAX_RAW_BODY_BYTES = 120 * 1024
MAX_RAW_PATH_LENGTH = 1024
MAX_QUERY_PARAMETERS = 20

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Characters a URL path may hold as they are (RFC 3986 pchar, plus `/` and `%`);
# anything else would be re-encoded on the way and break the signature.
_PATH_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~%/!$&'()*+,;=:@]*")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_QUERY_KEY = re.compile(r"[A-Za-z0-9_]{1,64}")
_RESERVED_QUERY_KEYS = ("auth_", "body_md5")
_MAX_DECODE_ROUNDS = 5


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


def _path_problems(path: Any) -> list[str]:
    """Check the path for anything that could leave the app's API."""
    if not isinstance(path, str) or not path.strip("/"):
        return ["path: give the endpoint path, for example '/channels'"]
    if len(path) > MAX_RAW_PATH_LENGTH:
        return [f"path: longer than {MAX_RAW_PATH_LENGTH} characters"]

    decoded = _fully_decoded(path)
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
    problems.extend(_segment_problems(decoded))
    return problems


def _segment_problems(decoded: str) -> list[str]:
    """Check the decoded path for traversal, empty segments and query marks."""
    problems: list[str] = []
    if "\\" in decoded:
        problems.append("path: backslashes are refused")
    if any(segment in {".", ".."} for segment in decoded.split("/")):
        problems.append(
            "path: '.' and '..' segments (also percent-encoded) are refused"
        )
    if "//" in decoded.lstrip("/"):
        problems.append("path: empty path segments ('//') are refused")
    if "?" in decoded or "#" in decoded:
        problems.append(
            "path: put query parameters in 'query', not in the path ('?' and '#' "
            "are refused)"
        )
    return problems


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
            problems.append(
                f"query.{key}: authentication parameters (auth_*, body_md5) are "
                "added by the signer and cannot be given"
            )
        elif not _QUERY_KEY.fullmatch(key):
            problems.append(
                f"query: parameter name {json.dumps(key)} must be 1-64 letters, "
                "digits or underscores"
            )
        if isinstance(value, str) and _CONTROL.search(value):
            problems.append(
                f"query.{key}: CR, LF, NUL and other control characters are refused"
            )
    return problems


def _body_problems(body: Any, method: Any) -> list[str]:
    """Check the body: only with POST, bounded, no control characters."""
    if body is None:
        return []
    if method == "GET":
        return ["body: a GET request takes no body; use 'query' instead"]
    problems = [
        f"body{where}: CR, LF, NUL and other control characters are refused in body "
        "strings"
        for where in _control_character_paths(body, "")
    ]
    size = len(json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if size > MAX_RAW_BODY_BYTES:
        problems.append(
            f"body: {size} bytes once encoded; raw requests allow at most "
            f"{MAX_RAW_BODY_BYTES} bytes"
        )
    return problems


def _control_character_paths(value: Any, where: str) -> list[str]:
    """Return the paths of every string (key or value) with control characters."""
    if isinstance(value, str):
        return [where] if _CONTROL.search(value) else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if _CONTROL.search(str(key)):
                found.append(f"{where}.{key!r}")
            found.extend(_control_character_paths(item, f"{where}.{key}"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_control_character_paths(item, f"{where}[{index}]"))
    return found


def _fully_decoded(path: str) -> str:
    """Percent-decode until nothing changes, so `%252e%252e` is seen as `..`."""
    decoded = path
    for _ in range(_MAX_DECODE_ROUNDS):
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    return decoded
