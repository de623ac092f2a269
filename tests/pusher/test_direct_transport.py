"""The direct transport: signed requests, timeouts, no retried writes."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import httpx
import pytest
from pusher_helpers import call, error_of

from local_http import AnsweringHandler, loopback_server, port_of, serving
from membrane_pusher.errors import PusherAPIError
from membrane_pusher.pusher.config import PusherSettings
from membrane_pusher.pusher.operations import OPERATIONS
from membrane_pusher.pusher.signing import body_md5, string_to_sign
from membrane_pusher.pusher.tools import pusher_tool
from membrane_pusher.pusher.transports.direct import DirectTransport

SETTINGS = PusherSettings(
    app_id="12345",
    key="app-key",
    secret="app-secret",
    host="pusher.test",
    use_tls=False,
)


class Server:
    """A fake Pusher that checks every signature and answers from a script."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        query = dict(request.url.params)
        signature = query.pop("auth_signature")
        expected = hmac.new(
            b"app-secret",
            string_to_sign(request.method, request.url.path, query).encode(),
            hashlib.sha256,
        ).hexdigest()
        assert signature == expected
        assert query["auth_key"] == "app-key"
        assert query["auth_version"] == "1.0"
        if request.content:
            assert query["body_md5"] == body_md5(request.content)
        answer = self.answers.pop(0) if self.answers else httpx.Response(200, json={})
        if isinstance(answer, Exception):
            raise answer
        return answer


def direct(server: Server) -> DirectTransport:
    return DirectTransport(SETTINGS, timeout=2, transport=httpx.MockTransport(server))


def adirect(server: Server) -> DirectTransport:
    async def handler(request: httpx.Request) -> httpx.Response:
        return server(request)

    return DirectTransport(SETTINGS, timeout=2, transport=httpx.MockTransport(handler))


def test_trigger_is_signed_and_sent_as_json():
    server = Server()
    message = call(
        "pusher_trigger_event",
        {"channels": ["c"], "event": "e", "data": {"é": 1}},
        direct(server),
    )
    assert message.status == "success"
    request = server.requests[0]
    assert (request.method, request.url.path) == ("POST", "/apps/12345/events")
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "name": "e",
        "channels": ["c"],
        "data": '{"é":1}',
    }


async def test_async_get_is_signed_with_query():
    server = Server(
        httpx.Response(200, json={"channels": {"presence-a": {"user_count": 2}}})
    )
    tool = pusher_tool(OPERATIONS["pusher_list_channels"], adirect(server))
    content = await tool.ainvoke({"prefix": "presence-", "info": ["user_count"]})
    assert json.loads(content) == {"channels": {"presence-a": {"user_count": 2}}}
    assert server.requests[0].url.params["filter_by_prefix"] == "presence-"
    assert server.requests[0].content == b""


def test_terminate_uses_the_app_path():
    server = Server()
    call("pusher_terminate_user_connections", {"user_id": "u1"}, direct(server))
    assert server.requests[0].url.path == "/apps/12345/users/u1/terminate_connections"
    assert json.loads(server.requests[0].content) == {}


def test_expired_timestamp_reported_as_clock_problem():
    answer = httpx.Response(
        401,
        text=(
            "Timestamp expired: Given timestamp (1353088179) not within 600s of "
            "server time (1353088900)"
        ),
    )
    message = call("pusher_list_channels", {}, direct(Server(answer)))
    error = error_of(message)
    assert error["status"] == 401
    assert "clock" in error["hint"]


def test_unknown_auth_key_reported_as_cluster_problem():
    message = call(
        "pusher_list_channels",
        {},
        direct(Server(httpx.Response(400, text="Unknown auth_key"))),
    )
    assert "cluster" in error_of(message)["hint"]


def test_413_reported_as_payload_too_large():
    server = Server(
        httpx.Response(
            413,
            text="The data content of this event exceeds the allowed maximum "
            "(10240 bytes)",
        )
    )
    message = call(
        "pusher_trigger_event",
        {"channels": ["c"], "event": "e", "data": "x"},
        direct(server),
    )
    assert "payload too large" in error_of(message)["hint"]


def test_write_is_never_retried():
    server = Server(httpx.Response(503, text="busy"), httpx.Response(200, json={}))
    message = call(
        "pusher_trigger_event",
        {"channels": ["c"], "event": "e", "data": "x"},
        direct(server),
    )
    assert error_of(message)["status"] == 503
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("failure", "hint"),
    [
        (httpx.ConnectError("refused"), "nothing was sent"),
        (httpx.ReadTimeout("slow"), "may or may not have been applied"),
    ],
    ids=["refused", "timed-out"],
)
def test_write_network_error_not_retried(failure, hint):
    server = Server(failure, httpx.Response(200, json={}))
    message = call(
        "pusher_trigger_event",
        {"channels": ["c"], "event": "e", "data": "x"},
        direct(server),
    )
    assert "could not be reached" in error_of(message)["message"]
    assert hint in error_of(message)["hint"]
    assert len(server.requests) == 1


def test_read_retried_after_transient_failure():
    server = Server(
        httpx.ConnectError("refused"),
        httpx.Response(502),
        httpx.Response(200, json={"channels": {}}),
    )
    message = call("pusher_list_channels", {}, direct(server))
    assert message.status == "success"
    assert len(server.requests) == 3


def test_read_gives_up_after_three_attempts():
    server = Server(*(httpx.ReadTimeout("slow") for _ in range(3)))
    transport = direct(server)
    request = OPERATIONS["pusher_list_channels"].request({}, "12345")
    with pytest.raises(PusherAPIError) as caught:
        transport.send(request)
    assert caught.value.retryable
    assert len(server.requests) == 3


def test_repr_hides_the_secret():
    assert "app-secret" not in repr(direct(Server()))


def test_always_signs_with_the_current_time():
    server = Server()
    call("pusher_list_channels", {}, direct(server))
    stamp = int(server.requests[0].url.params["auth_timestamp"])
    assert abs(stamp - time.time()) < 5


class _Ok(AnsweringHandler):
    """Answers `{}` to everything, like a Pusher server accepting a call."""

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


@pytest.fixture
def local_settings():
    with serving(loopback_server(_Ok)) as server:
        yield PusherSettings(
            app_id="12345",
            key="app-key",
            secret="app-secret",
            host="127.0.0.1",
            port=port_of(server),
            use_tls=False,
        )


async def test_loopback_host_ignores_proxy_variables(local_settings, dead_proxies):
    request = OPERATIONS["pusher_trigger_event"].request(
        {"channels": ["c"], "event": "e", "data": "d"}, "12345"
    )

    async with DirectTransport(local_settings, timeout=5) as transport:
        sync_answer = transport.send(request)
        async_answer = await transport.asend(request)

    assert (sync_answer.status, async_answer.status) == (200, 200)
    assert transport.trust_env is False


def test_remote_host_keeps_proxy_variables():
    assert DirectTransport(SETTINGS).trust_env is True


async def test_one_client_per_transport_until_closed():
    server = Server()
    transport = adirect(server)
    request = OPERATIONS["pusher_list_channels"].request({}, "12345")

    await transport.asend(request)
    first = transport._aclient
    await transport.asend(request)
    assert transport._aclient is first
    await transport.aclose()

    assert first.is_closed
    assert transport._aclient is None
    assert len(server.requests) == 2


def test_sync_client_is_reused_and_closed():
    transport = direct(Server())
    request = OPERATIONS["pusher_list_channels"].request({}, "12345")

    with transport:
        transport.send(request)
        first = transport._client
        transport.send(request)
        assert transport._client is first

    assert first.is_closed


def test_httpx_request_lines_never_show_the_signature(caplog):
    # Arrange
    server = Server(httpx.Response(200, json={}))

    # Act
    with caplog.at_level(logging.INFO, logger="httpx"):
        call(
            "pusher_trigger_event",
            {"channels": ["c"], "event": "e", "data": "x"},
            direct(server),
        )

    # Assert: httpx still says what it sent, minus the reusable signature
    signature = server.requests[0].url.params["auth_signature"]
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert any("/apps/" in line for line in lines)
    assert all(signature not in line for line in lines)
