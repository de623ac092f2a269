"""Secrets never leak: not in logs (any level), errors, tool outputs or artifacts.

Canary values stand for the Membrane token (environment), the Pusher secret
(environment) and a secret known only from configuration (`PusherSettings`,
which registers it). Each scenario makes the secrets flow towards the outside
(the CLI echoes them on stderr, an API result contains them, a server answers
with them) and then searches everything observable for the canaries.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from fake_membrane import add_note_action, note_action
from membrane_pusher.errors import CallError, ConfigurationError
from membrane_pusher.membrane.models import ProxyRequest
from membrane_pusher.pusher.config import PusherSettings
from membrane_pusher.pusher.tools import builtin_tools
from membrane_pusher.pusher.transports.direct import DirectTransport
from membrane_pusher.tools.action_tool import action_tool

if TYPE_CHECKING:
    from collections.abc import Iterator

CONNECTION_ID = "con_pusher_sandbox"


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record: formatted message, raw args and exception text."""
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info and record.exc_info[1] is not None:
            parts.append(repr(record.exc_info[1]))
    return "\n".join(parts)


def _message_text(message: Any) -> str:
    return f"{message.content}\n{json.dumps(message.artifact, default=str)}"


@pytest.fixture
def note_tool(standin):
    return action_tool(add_note_action(standin), standin.client(), CONNECTION_ID)


def _echo_fault(stream: str, text: str, exit_code: int = 1) -> dict[str, Any]:
    """A stand-in rule that fails `action run` printing `text` on `stream`."""
    return {"command": "action run", "exit_code": exit_code, stream: text}


def test_secrets_echoed_by_the_cli_on_failure_are_redacted(
    canaries, standin, note_tool, caplog
):
    # Arrange
    caplog.set_level(logging.DEBUG)
    leaked = (
        f"token={canaries.token} Authorization: Bearer {canaries.token} "
        f"secret: {canaries.pusher_secret} config {canaries.config_secret}"
    )
    standin.set_faults([_echo_fault("stderr", leaked)])

    # Act
    message = note_tool.invoke(
        {
            "name": note_tool.name,
            "args": {"text": "hi"},
            "id": "c1",
            "type": "tool_call",
        }
    )

    # Assert
    assert message.status == "error"
    assert not canaries.leaks(_message_text(message))
    assert not canaries.leaks(_everything_logged(caplog))


def test_secrets_in_a_cli_error_body_are_redacted_in_the_exception(canaries, standin):
    # Arrange
    body = {
        "type": "bad_request",
        "key": "access_denied",
        "message": f"token {canaries.token} refused",
        "data": {"secret": canaries.pusher_secret, "note": canaries.config_secret},
    }
    standin.set_faults([_echo_fault("stdout", json.dumps(body))])

    # Act
    with pytest.raises(CallError) as raised:
        standin.client().run_action("act_note", CONNECTION_ID, {"text": "x"})

    # Assert
    error = raised.value
    envelope = json.dumps(error.to_dict(), default=str)
    observable = f"{error}\n{error.message}\n{error.hint}\n{envelope}"
    observable += f"\n{getattr(error, 'stderr', '')}\n{getattr(error, 'data', '')}"
    assert not canaries.leaks(observable)


def test_secrets_in_an_api_result_are_redacted_in_content_and_artifact(
    canaries, recording_client
):
    # Arrange
    recording_client.output = {
        "echo": f"the token is {canaries.token}",
        "nested": [{"value": canaries.pusher_secret}, canaries.config_secret],
        "secret": "any value under a secret-named key",
    }
    tool = action_tool(note_action(), recording_client, CONNECTION_ID)

    # Act
    message = tool.invoke(
        {"name": tool.name, "args": {"text": "x"}, "id": "c1", "type": "tool_call"}
    )

    # Assert
    assert message.status != "error"
    assert not canaries.leaks(_message_text(message))


def test_argv_logged_at_debug_is_redacted(canaries, standin, caplog):
    # Arrange
    caplog.set_level(logging.DEBUG)
    client = standin.client()

    # Act
    client.request(
        ProxyRequest(
            CONNECTION_ID,
            "/apps/1/channels",
            headers={"Authorization": f"Bearer {canaries.token}"},
            query={"note": canaries.pusher_secret},
        )
    )

    # Assert
    assert "membrane" in caplog.text
    assert not canaries.leaks(_everything_logged(caplog))


def test_pusher_settings_never_show_their_secret(canaries):
    # Arrange
    settings = PusherSettings(
        app_id="1",
        key="k",
        secret=canaries.config_secret,
        host="127.0.0.1",
        use_tls=False,
    )

    # Act
    shown = f"{settings!r} {settings!s}"

    # Assert
    assert not canaries.leaks(shown)


def test_a_malformed_pusher_url_error_never_shows_the_secret(canaries):
    # Arrange
    url = f"ftp://key:{canaries.pusher_secret}@host/apps/1"

    # Act
    with pytest.raises(ConfigurationError) as raised:
        PusherSettings.from_url(url)

    # Assert
    assert not canaries.leaks(str(raised.value) + json.dumps(raised.value.to_dict()))


class _EchoingServer(ThreadingHTTPServer):
    """Answers 401 with a body that repeats the whole request line back."""

    daemon_threads = True
    leak = ""


class _EchoHandler(BaseHTTPRequestHandler):
    server: _EchoingServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(
            {"error": f"Invalid signature for {self.path} secret={self.server.leak}"}
        ).encode()
        self.send_response(401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        del format, args


@pytest.fixture
def echoing_server(canaries) -> Iterator[_EchoingServer]:
    server = _EchoingServer(("127.0.0.1", 0), _EchoHandler)
    server.leak = canaries.pusher_secret
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_direct_transport_logs_and_errors_never_show_the_secret(
    canaries, echoing_server, caplog
):
    # Arrange
    caplog.set_level(logging.DEBUG)
    settings = PusherSettings(
        app_id="1",
        key="k",
        secret=canaries.config_secret,
        host="127.0.0.1",
        port=echoing_server.server_address[1],
        use_tls=False,
    )
    tool = next(
        t
        for t in builtin_tools(DirectTransport(settings, timeout=2.0))
        if t.name == "pusher_trigger_event"
    )
    arguments = {"channels": ["c"], "event": "e", "data": f"{canaries.pusher_secret}"}

    # Act
    message = tool.invoke(
        {"name": tool.name, "args": arguments, "id": "c1", "type": "tool_call"}
    )

    # Assert
    assert message.status == "error"
    assert not canaries.leaks(_message_text(message))
    assert not canaries.leaks(_everything_logged(caplog))


def test_redacting_a_long_api_result_takes_linear_time(recording_client):
    # Arrange: one long run of URL-scheme-like characters, as a base64 blob has
    recording_client.output = {"blob": "a" * 60_000}
    tool = action_tool(note_action(), recording_client, CONNECTION_ID)

    # Act
    started = time.monotonic()
    message = tool.invoke(
        {"name": tool.name, "args": {"text": "x"}, "id": "c1", "type": "tool_call"}
    )

    # Assert
    assert message.status != "error"
    assert time.monotonic() - started < 2.0
