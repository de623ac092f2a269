"""An upstream that answers 2xx with an error body fails the action run.

soketi can answer a refused event with status 200 and a body such as
`{"error": "The event data should be less than 10 KB.", "code": 413}`;
Membrane's connector would report that as a failed run, and so does the
stand-in.
"""

from __future__ import annotations

import json
from typing import ClassVar

import pytest

from local_http import AnsweringHandler, base_url, loopback_server, serving
from membrane_pusher.errors import ActionFailedError
from membrane_pusher.sandbox.standin.forwarding import error_in_body

PUSHER = "con_pusher_sandbox"
TOO_LARGE = {"error": "The event data should be less than 10 KB.", "code": 413}


class _ErrorBodies(AnsweringHandler):
    """Answers 200 with whatever body the test chose."""

    body: ClassVar[bytes] = b"{}"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


@pytest.fixture
def answering(standin):
    """Point the stand-in at a server answering 200; set the body to answer."""

    def set_body(body):
        _ErrorBodies.body = json.dumps(body).encode()

    with serving(loopback_server(_ErrorBodies)) as server:
        standin.update(
            upstream={
                "base_url": base_url(server),
                "app_id": "app-1",
                "key": "app-key",
                "secret": "app-secret",
            }
        )
        yield set_body


def test_an_error_body_with_status_200_is_an_action_failure(standin, answering):
    # Arrange
    answering(TOO_LARGE)
    client = standin.client(timeout=10)
    payload = {"channels": ["deploys"], "name": "e", "data": "x"}

    # Act
    with pytest.raises(ActionFailedError) as caught:
        client.run_action("trigger-event", PUSHER, payload)

    # Assert
    failure = caught.value
    assert failure.error_key == "upstream_error"
    assert "The event data should be less than 10 KB." in str(failure)
    assert "413" in str(failure)
    assert failure.data == {"status": 200, "body": TOO_LARGE}
    assert failure.action_run_id


@pytest.mark.parametrize(
    "body",
    [{"ok": True}, {"channels": {}}, {"occupied": False, "error_count": 1}],
    ids=["ok", "channels", "no-error-key"],
)
def test_other_bodies_with_status_200_are_outputs(standin, answering, body):
    # Arrange
    answering(body)
    client = standin.client(timeout=10)

    # Act
    result = client.run_action("get-channel-info", PUSHER, {"channel": "c"})

    # Assert
    assert result.output == body


@pytest.mark.parametrize(
    ("body", "described"),
    [
        (TOO_LARGE, "The event data should be less than 10 KB. (code 413)"),
        ({"error": "Unauthorized"}, "Unauthorized"),
        ({"ok": True}, None),
        ("Not found", None),
        ([{"error": "in a list"}], None),
    ],
    ids=["with-code", "without-code", "no-error-key", "text", "list"],
)
def test_the_error_is_read_from_the_parsed_body(body, described):
    # Act
    error = error_in_body(body)

    # Assert
    assert error == described
