"""The Pusher server down, slow, answering 5xx, or stopped in the middle of a run.

A tiny HTTP server on 127.0.0.1 plays the slow and failing server and counts
the requests it receives, so a write sent twice would show. The direct
transport talks to it straight; the Membrane transport reaches it through the
stand-in's signed forwarding. A real soketi, stopped between two calls, plays
the server that goes away; test_soketi_stopped_in_flight.py stops one while a
call through the Membrane proxy is in flight.
"""

from __future__ import annotations

import json
import socket
import time
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import psutil
import pytest

from local_http import AnsweringHandler, base_url, port_of, serving
from membrane_pusher.pusher.config import PusherSettings
from membrane_pusher.pusher.tools import builtin_tools
from membrane_pusher.pusher.transports.direct import DirectTransport
from membrane_pusher.pusher.transports.membrane_proxy import MembraneProxyTransport
from membrane_pusher.sandbox.soketi import SoketiServer

if TYPE_CHECKING:
    from collections.abc import Iterator

APP_ID = "4242"
KEY = "fault-key"
SECRET = "fault-secret-0123456789"
TRIGGER = {"channels": ["deploys"], "event": "deploy-finished", "data": {"ok": True}}


class FaultyPusher(ThreadingHTTPServer):
    """A Pusher-shaped HTTP server that is slow or fails on demand."""

    daemon_threads = True

    def __init__(self, *, delay: float = 0.0, status: int = 200) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.delay = delay
        self.status = status
        self.received: list[tuple[str, str]] = []

    @property
    def base_url(self) -> str:
        return base_url(self)

    def count(self, method: str) -> int:
        return sum(1 for seen, _ in self.received if seen == method)


class _Handler(AnsweringHandler):
    server: FaultyPusher

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.received.append((self.command, self.path))
        time.sleep(self.server.delay)
        body = b"{}" if self.server.status < 400 else b"Service unavailable, try later"
        try:
            self.send_response(self.server.status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def slow_server() -> Iterator[FaultyPusher]:
    with serving(FaultyPusher(delay=3.0)) as server:
        yield server


@pytest.fixture
def failing_server() -> Iterator[FaultyPusher]:
    with serving(FaultyPusher(status=503)) as server:
        yield server


def _closed_port() -> int:
    """Return a loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _direct_tools(port: int, *, timeout: float = 1.0) -> dict[str, Any]:
    settings = PusherSettings(
        app_id=APP_ID,
        key=KEY,
        secret=SECRET,
        host="127.0.0.1",
        port=port,
        use_tls=False,
    )
    transport = DirectTransport(settings, timeout=timeout)
    return {tool.name: tool for tool in builtin_tools(transport)}


def _port(server: FaultyPusher) -> int:
    return port_of(server)


def _error_of(message: Any) -> dict[str, Any]:
    assert message.status == "error", message.content
    error: dict[str, Any] = json.loads(message.content)["error"]
    return error


def _invoke(tool: Any, arguments: dict[str, Any]) -> Any:
    return tool.invoke(
        {"name": tool.name, "args": arguments, "id": "c1", "type": "tool_call"}
    )


# --- direct transport ---------------------------------------------------------


def test_server_down_is_a_retryable_pusher_error():
    # Arrange
    tools = _direct_tools(_closed_port())

    # Act
    started = time.monotonic()
    error = _error_of(_invoke(tools["pusher_trigger_event"], TRIGGER))

    # Assert
    assert time.monotonic() - started < 5
    assert error["type"] == "pusher_api_error"
    assert "could not be reached" in error["message"]
    assert error["hint"]


def test_slow_server_times_out_and_the_trigger_is_sent_once(slow_server):
    # Arrange
    tools = _direct_tools(_port(slow_server), timeout=0.5)

    # Act
    started = time.monotonic()
    error = _error_of(_invoke(tools["pusher_trigger_event"], TRIGGER))
    elapsed = time.monotonic() - started

    # Assert
    assert elapsed < 2.5, "a write is never retried after a timeout"
    assert error["type"] == "pusher_api_error"
    assert "could not be reached: ReadTimeout" in error["message"]
    assert "may or may not have been applied" in error["hint"]
    assert slow_server.count("POST") == 1


async def test_slow_server_times_out_async_and_the_trigger_is_sent_once(slow_server):
    # Arrange
    tools = _direct_tools(_port(slow_server), timeout=0.5)

    # Act
    started = time.monotonic()
    message = await tools["pusher_trigger_event"].ainvoke(
        {
            "name": "pusher_trigger_event",
            "args": TRIGGER,
            "id": "c1",
            "type": "tool_call",
        }
    )

    # Assert
    assert time.monotonic() - started < 2.5, "a write is never retried after a timeout"
    error = _error_of(message)
    assert error["type"] == "pusher_api_error"
    assert "could not be reached: ReadTimeout" in error["message"]
    assert slow_server.count("POST") == 1


def test_5xx_on_a_trigger_is_reported_once_never_retried(failing_server):
    # Arrange
    tools = _direct_tools(_port(failing_server))

    # Act
    started = time.monotonic()
    error = _error_of(_invoke(tools["pusher_trigger_event"], TRIGGER))

    # Assert
    assert time.monotonic() - started < 10
    assert error["type"] == "pusher_api_error"
    assert error["status"] == 503
    assert "Service unavailable" in error["message"]
    assert failing_server.count("POST") == 1


def test_5xx_on_a_read_is_retried_a_bounded_number_of_times(failing_server):
    # Arrange
    tools = _direct_tools(_port(failing_server))

    # Act
    started = time.monotonic()
    error = _error_of(_invoke(tools["pusher_list_channels"], {}))

    # Assert
    assert time.monotonic() - started < 10
    assert error["type"] == "pusher_api_error"
    assert error["status"] == 503
    assert "Service unavailable" in error["message"]
    assert 1 <= failing_server.count("GET") <= 3
    assert failing_server.count("POST") == 0


# --- membrane transport (stand-in forwarding to the server) -------------------


def _standin_tools(
    standin, server_url: str, *, timeout: float = 10.0
) -> dict[str, Any]:
    data = standin.read()
    data["upstream"] = {
        "base_url": server_url,
        "app_id": APP_ID,
        "key": KEY,
        "secret": SECRET,
    }
    standin.write(data)
    transport = MembraneProxyTransport(
        standin.client(timeout=timeout), "con_pusher_sandbox", APP_ID
    )
    return {tool.name: tool for tool in builtin_tools(transport)}


def _requests(standin) -> int:
    return len(standin.calls("request"))


def test_5xx_through_the_proxy_is_a_pusher_error_and_sent_once(
    standin, failing_server, no_leftovers
):
    # Arrange
    tools = _standin_tools(standin, failing_server.base_url)

    # Act
    started = time.monotonic()
    error = _error_of(_invoke(tools["pusher_trigger_event"], TRIGGER))

    # Assert
    assert time.monotonic() - started < 10
    assert error["type"] == "pusher_api_error"
    assert error["status"] == 503
    assert "Service unavailable" in error["message"]
    assert failing_server.count("POST") == 1
    assert _requests(standin) == 1


def test_slow_server_behind_the_proxy_hits_the_cli_timeout_once(
    standin, slow_server, no_leftovers
):
    # Arrange
    tools = _standin_tools(standin, slow_server.base_url, timeout=1.0)

    # Act
    started = time.monotonic()
    error = _error_of(_invoke(tools["pusher_trigger_event"], TRIGGER))

    # Assert
    assert time.monotonic() - started < 4
    assert error["type"] == "timeout"
    assert "did not answer" in error["message"]
    assert _requests(standin) == 1
    assert slow_server.count("POST") == 1


def test_server_down_behind_the_proxy_is_a_clear_call_error(standin, no_leftovers):
    # Arrange
    tools = _standin_tools(standin, f"http://127.0.0.1:{_closed_port()}")

    # Act
    started = time.monotonic()
    error = _error_of(_invoke(tools["pusher_trigger_event"], TRIGGER))

    # Assert: no hang; the stand-in answers an unreachable upstream with a 502, as a
    # proxy does, and the write is not sent again
    assert error["type"] == "pusher_api_error"
    assert error["status"] == 502
    assert "upstream unreachable" in error["message"]
    assert "Connection refused" in error["message"]
    assert "may or may not have been applied" in error["hint"]
    assert time.monotonic() - started < 10
    assert _requests(standin) == 1


# --- a real soketi that goes away ---------------------------------------------


@pytest.mark.soketi
@pytest.mark.slow
def test_soketi_stopped_mid_run(pusher_sandbox_install_dir):
    # Arrange
    server = SoketiServer(install_dir=pusher_sandbox_install_dir).start()
    settings = PusherSettings(
        app_id=server.app_id,
        key=server.key,
        secret=server.secret,
        host="127.0.0.1",
        port=server.port,
        use_tls=False,
    )
    tool = next(
        t
        for t in builtin_tools(DirectTransport(settings, timeout=2.0))
        if t.name == "pusher_trigger_event"
    )

    pid = server.pid

    # Act
    try:
        first = _invoke(tool, TRIGGER)
    finally:
        server.stop()
    started = time.monotonic()
    second = _invoke(tool, TRIGGER)

    # Assert
    assert first.status != "error", first.content
    error = _error_of(second)
    assert error["type"] == "pusher_api_error"
    assert "could not be reached" in error["message"]
    assert time.monotonic() - started < 5
    assert not server.running
    assert pid is not None
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "dead"
