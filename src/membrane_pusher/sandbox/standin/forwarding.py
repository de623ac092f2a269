"""Pusher HTTP answers: signed forwarding to an upstream server, or canned bodies.

With `upstream` in the workspace (`{"base_url", "app_id", "key", "secret"}` of a
Pusher-protocol server such as soketi on 127.0.0.1), requests are signed with
Pusher's HMAC scheme and sent with urllib; a reply may carry an error in its
body even with a 2xx status (`error_in_body`). Without `upstream`,
Pusher-shaped bodies are made up from the path, so the stand-in also works
fully offline. A loopback upstream is reached directly: proxy variables
(`HTTP_PROXY`...) are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

from membrane_pusher.loopback import is_loopback_url
from membrane_pusher.pusher.signing import channel_auth, sign_request, user_auth

__all__ = [
    "HttpCall",
    "HttpReply",
    "action_http_call",
    "canned_reply",
    "error_in_body",
    "forward",
    "local_action_output",
]

_DEFAULT_TIMEOUT = 10.0
_APP = r"/apps/[^/]+"
_CANNED: tuple[tuple[str, re.Pattern[str], Any], ...] = (
    ("POST", re.compile(rf"^{_APP}/events$"), {}),
    ("POST", re.compile(rf"^{_APP}/batch_events$"), {}),
    ("GET", re.compile(rf"^{_APP}/channels$"), {"channels": {}}),
    ("GET", re.compile(rf"^{_APP}/channels/[^/]+/users$"), {"users": []}),
    ("GET", re.compile(rf"^{_APP}/channels/[^/]+$"), {"occupied": False}),
    ("POST", re.compile(rf"^{_APP}/users/[^/]+/terminate_connections$"), {}),
)


class HttpCall(NamedTuple):
    """One HTTP request to a Pusher-protocol API."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes = b""
    content_type: str | None = None


class HttpReply(NamedTuple):
    """The status and raw body text of an HTTP answer."""

    status: int
    text: str

    @property
    def ok(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status < 300  # noqa: PLR2004 - the 2xx range

    def json_or_text(self) -> Any:
        """Return the body parsed as JSON, or the text when it is not JSON."""
        try:
            return json.loads(self.text) if self.text else {}
        except ValueError:
            return self.text


def error_in_body(body: Any) -> str | None:
    """Describe the error a reply's body reports, whatever the status, or `None`.

    Pusher-protocol servers answer errors as `{"error": ..., "code": ...}`,
    and soketi may send that body with status 200; a body without an
    `error` key is no error.

    Args:
        body: The body as `HttpReply.json_or_text()` parsed it.

    Returns:
        The error and its code, or None.
    """
    if not isinstance(body, dict) or "error" not in body:
        return None
    code = body.get("code")
    suffix = f" (code {code})" if code is not None else ""
    return f"{body['error']}{suffix}"


def forward(call: HttpCall, upstream: dict[str, Any]) -> HttpReply:
    """Send a signed request to the upstream server and return its answer.

    Network failures become a 502 answer, as a proxy would report them.
    """
    # Imported here: urllib.request pulls in ssl and http, which would slow
    # down every offline call of the stand-in.
    import urllib.error  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    base = str(upstream.get("base_url", "")).rstrip("/")
    url = f"{base}{call.path}"
    signed_path = urlsplit(url).path
    signed = sign_request(
        method=call.method,
        path=signed_path,
        query=call.query,
        body=call.body,
        key=str(upstream.get("key", "")),
        secret=str(upstream.get("secret", "")),
    )
    request = urllib.request.Request(  # noqa: S310 - the workspace names a local http(s) server
        f"{url}?{urlencode(signed)}",
        data=call.body or None,
        method=call.method,
    )
    if call.body:
        request.add_header("Content-Type", call.content_type or "application/json")

    # An empty ProxyHandler: no proxy from the environment for a local server.
    handlers = [urllib.request.ProxyHandler({})] if is_loopback_url(url) else []
    opener = urllib.request.build_opener(*handlers)
    timeout = float(upstream.get("timeout", _DEFAULT_TIMEOUT))
    try:
        with opener.open(request, timeout=timeout) as response:
            return HttpReply(
                response.status, response.read().decode("utf-8", "replace")
            )
    except urllib.error.HTTPError as error:
        return HttpReply(error.code, error.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        body = json.dumps({"error": f"upstream unreachable: {reason}"})
        return HttpReply(502, body)


def canned_reply(method: str, path: str) -> HttpReply:
    """Answer a Pusher API request offline with an empty but well-shaped body."""
    for expected, pattern, body in _CANNED:
        if pattern.match(path):
            if method != expected:
                return HttpReply(405, "Method not allowed")
            return HttpReply(200, json.dumps(body))
    return HttpReply(404, "Not found")


def action_http_call(  # noqa: PLR0911 - one return per action
    key: str, payload: dict[str, Any], app_id: str
) -> HttpCall | None:
    """Map a Pusher catalog action onto its Pusher HTTP API request.

    Returns:
        The request, or None when the action has no HTTP equivalent.
    """
    apps = f"/apps/{app_id}"
    if key == "trigger-event":
        event = _pick(payload, "name", "data", "channels", "socket_id", "info")
        if isinstance(event.get("info"), list):
            event["info"] = ",".join(event["info"])
        return _post(f"{apps}/events", event)
    if key == "send-to-user":
        event = {
            "name": payload.get("name"),
            "data": payload.get("data"),
            "channels": [f"#server-to-user-{payload.get('user_id')}"],
        }
        return _post(f"{apps}/events", event)
    if key == "trigger-batch-events":
        return _post(f"{apps}/batch_events", {"batch": payload.get("batch", [])})
    if key == "list-channels":
        query = {
            k: str(v) for k, v in _pick(payload, "filter_by_prefix", "info").items()
        }
        return HttpCall("GET", f"{apps}/channels", query)
    if key == "get-channel-info":
        info = payload.get("info") or []
        query = {"info": ",".join(info)} if info else {}
        return HttpCall("GET", f"{apps}/channels/{payload.get('channel')}", query)
    if key == "get-presence-users":
        return HttpCall("GET", f"{apps}/channels/{payload.get('channel')}/users", {})
    if key == "terminate-user-connections":
        return _post(f"{apps}/users/{payload.get('user_id')}/terminate_connections", {})
    return None


def local_action_output(
    key: str, payload: dict[str, Any], upstream: dict[str, Any]
) -> Any:
    """Compute the output of actions that need the app secret but no request.

    Returns:
        The output, or None when `key` is not such an action.
    """
    app_key = str(upstream.get("key", ""))
    secret = str(upstream.get("secret", ""))
    socket_id = str(payload.get("socket_id", ""))
    if key == "authorize-channel":
        channel_data = payload.get("channel_data")
        data_text = (
            json.dumps(channel_data, separators=(",", ":")) if channel_data else ""
        )
        auth = channel_auth(
            key=app_key,
            secret=secret,
            socket_id=socket_id,
            channel=str(payload.get("channel_name", "")),
            channel_data=data_text,
        )
        return {"auth": auth, **({"channel_data": data_text} if data_text else {})}
    if key == "authenticate-user":
        user_data = json.dumps(payload.get("user_data", {}), separators=(",", ":"))
        auth = user_auth(
            key=app_key, secret=secret, socket_id=socket_id, user_data=user_data
        )
        return {"auth": auth, "user_data": user_data}
    if key == "validate-webhook":
        body = str(payload.get("body", "")).encode()
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        signature = str(payload.get("signature", ""))
        valid = payload.get("key") == app_key and hmac.compare_digest(
            expected, signature
        )
        return {"valid": valid}
    return None


def _post(path: str, body: dict[str, Any]) -> HttpCall:
    """Build a JSON POST."""
    encoded = json.dumps(body, separators=(",", ":")).encode()
    return HttpCall("POST", path, {}, encoded, "application/json")


def _pick(payload: dict[str, Any], *names: str) -> dict[str, Any]:
    """Return the named fields that are present and not None."""
    return {name: payload[name] for name in names if payload.get(name) is not None}
