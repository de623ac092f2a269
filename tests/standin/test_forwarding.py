"""Forwarding to a Pusher-protocol upstream with signed requests, and start-up cost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import ClassVar
from urllib.parse import parse_qsl, urlsplit

import pytest

from local_http import AnsweringHandler, base_url, loopback_server, serving
from membrane_pusher.errors import ActionFailedError
from membrane_pusher.membrane.models import ProxyRequest
from membrane_pusher.pusher.signing import sign_request

PUSHER = "con_pusher_sandbox"
KEY, SECRET, APP = "app-key", "app-secret-123", "app-1"


class _PusherLike(AnsweringHandler):
    """Checks Pusher signatures and answers like Pusher's HTTP API."""

    received: ClassVar[list[dict]] = []

    def answer(self):
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        expected = sign_request(
            method=self.command,
            path=parts.path,
            query={
                k: v
                for k, v in query.items()
                if not k.startswith(("auth_", "body_md5"))
            },
            body=body,
            key=KEY,
            secret=SECRET,
            timestamp=int(query.get("auth_timestamp", "0")),
        )
        self.received.append(
            {"path": parts.path, "body": body.decode(), "query": query}
        )
        if query.get("auth_signature") != expected["auth_signature"]:
            self._send(401, b"Invalid signature")
        elif parts.path.endswith("/events"):
            self._send(200, b"{}")
        elif parts.path.endswith("/channels"):
            self._send(200, b'{"channels": {"presence-room": {"user_count": 2}}}')
        else:
            self._send(400, b'{"error": "bad request"}')

    def _send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def upstream(standin):
    _PusherLike.received = []
    with serving(loopback_server(_PusherLike)) as server:
        standin.update(
            upstream={
                "base_url": base_url(server),
                "app_id": APP,
                "key": KEY,
                "secret": SECRET,
            }
        )
        yield _PusherLike.received


def test_request_is_signed_and_forwarded(standin, upstream):
    client = standin.client(timeout=10)

    listed = client.request(
        ProxyRequest(
            PUSHER, f"/apps/{APP}/channels", query={"filter_by_prefix": "presence-"}
        )
    )
    posted = client.request(
        ProxyRequest(
            PUSHER,
            f"/apps/{APP}/events",
            method="POST",
            body={"name": "e", "channels": ["c"], "data": "{}"},
        )
    )
    refused = client.request(ProxyRequest(PUSHER, f"/apps/{APP}/other"))

    assert (listed.status, listed.body) == (
        200,
        {"channels": {"presence-room": {"user_count": 2}}},
    )
    assert (posted.status, posted.body) == (200, {})
    assert (refused.status, refused.body) == (400, {"error": "bad request"})
    assert upstream[0]["query"]["filter_by_prefix"] == "presence-"
    assert json.loads(upstream[1]["body"])["name"] == "e"


def test_catalog_action_is_forwarded(standin, upstream):
    client = standin.client(timeout=10)
    payload = {
        "channels": ["c"],
        "name": "e",
        "data": "{}",
        "info": ["subscription_count"],
    }

    result = client.run_action("trigger-event", PUSHER, payload)

    assert result.output == {}
    sent = json.loads(upstream[0]["body"])
    assert sent["info"] == "subscription_count"
    assert upstream[0]["path"] == f"/apps/{APP}/events"


def test_upstream_refusal_of_an_action_is_an_action_failure(standin, upstream):
    client = standin.client(timeout=10)

    with pytest.raises(ActionFailedError) as caught:
        client.run_action("get-channel-info", PUSHER, {"channel": "c"})

    assert caught.value.data["status"] == 400
    assert caught.value.action_run_id


def test_local_actions_sign_with_the_upstream_secret(standin, upstream):
    client = standin.client(timeout=10)

    auth = client.run_action(
        "authorize-channel", PUSHER, {"socket_id": "1.2", "channel_name": "private-a"}
    )

    assert auth.output["auth"].startswith(f"{KEY}:")
    assert upstream == []


def test_unreachable_upstream_is_a_502(standin):
    standin.update(
        upstream={
            "base_url": "http://127.0.0.1:9",
            "app_id": APP,
            "key": KEY,
            "secret": SECRET,
            "timeout": 2,
        }
    )

    response = standin.client().request(ProxyRequest(PUSHER, f"/apps/{APP}/channels"))

    assert response.status == 502
    assert "unreachable" in response.body["error"]


def test_standin_starts_fast_without_heavy_imports(standin):
    code = (
        "import sys, time; t = time.perf_counter();"
        "from membrane_pusher.sandbox.standin import main;"
        "import membrane_pusher.sandbox.standin.workspace;"
        "heavy = ('pydantic', 'langchain_core', 'httpx', 'tenacity', 'jsonschema');"
        "print([m for m in sys.modules if m.split('.')[0] in heavy])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"

    env = {**os.environ, **standin.env()}
    started = time.perf_counter()
    for _ in range(3):
        subprocess.run(
            [*standin.command, "status", "--json"],
            env=env,
            check=True,
            capture_output=True,
        )
    per_call = (time.perf_counter() - started) / 3
    assert per_call < 2.0  # generous: shared CI machines are slow; typically ~0.1-0.3 s


def test_loopback_upstream_ignores_proxy_variables(standin, upstream, dead_proxies):
    client = standin.client(timeout=10)

    listed = client.request(ProxyRequest(PUSHER, f"/apps/{APP}/channels"))

    assert listed.status == 200
    assert upstream[0]["path"] == f"/apps/{APP}/channels"
