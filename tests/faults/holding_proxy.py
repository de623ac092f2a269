"""A loopback relay in front of soketi that can hold one HTTP request in flight.

It lets a test stop soketi at a known point of a call, deterministically:

* `HOLD_BEFORE_UPSTREAM`: the request has left the caller but has not reached
  soketi; the relay waits for `release()` and only then connects to soketi
  (refused once it is stopped) and closes the caller's connection unanswered.
* `HOLD_AFTER_UPSTREAM`: soketi has taken the request and answered; the relay
  waits for `release()` and drops the answer, as if soketi had gone away
  before its answer got out.

`in_flight` is set when the relay starts holding. The relay counts the
requests it received and those it passed on, so a sent-twice write shows.
Each connection carries one request (urllib closes after each call).
"""

from __future__ import annotations

import socket
import threading
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Callable

HOLD_BEFORE_UPSTREAM = "before"
HOLD_AFTER_UPSTREAM = "after"
Hold = Literal["before", "after"]

# Longest wait for `release()`, so a broken test cannot hang the relay.
_HOLD_LIMIT = 30.0
_CHUNK = 65536


class HoldingProxy:
    """Relays HTTP/1.1 requests from 127.0.0.1 to soketi, holding one of them."""

    def __init__(self, upstream_port: int, hold: Hold) -> None:
        """Listen on a free loopback port; `start()` begins accepting."""
        self.upstream_port = upstream_port
        self.hold = hold
        self.in_flight = threading.Event()
        self.received: list[bytes] = []
        self.passed_on: list[bytes] = []
        self._release = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` of the relay."""
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def start(self) -> HoldingProxy:
        """Accept connections in a daemon thread."""
        self._spawn(self._accept_loop)
        return self

    def release(self) -> None:
        """Let the held request go on (and every later one)."""
        self._release.set()

    def close(self) -> None:
        """Stop accepting and wait for the relay threads."""
        self._release.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while True:
            try:
                caller, _ = self._listener.accept()
            except OSError:
                return
            self._spawn(self._relay, caller)

    def _relay(self, caller: socket.socket) -> None:
        with caller:
            request = _read_message(caller)
            if not request:
                return
            self.received.append(request)
            if self.hold == HOLD_BEFORE_UPSTREAM:
                self._hold()
                self._pass_on(request)
                return

            answer = self._pass_on(request)
            self._hold()
            del answer  # lost with the server: the caller gets no answer

    def _hold(self) -> None:
        self.in_flight.set()
        self._release.wait(_HOLD_LIMIT)

    def _pass_on(self, request: bytes) -> bytes:
        """Send the request to soketi; return its answer (empty when refused)."""
        try:
            upstream = socket.create_connection(
                ("127.0.0.1", self.upstream_port), timeout=5
            )
        except OSError:
            return b""
        with upstream:
            upstream.sendall(request)
            self.passed_on.append(request)
            return _read_message(upstream)


def _read_message(connection: socket.socket) -> bytes:
    """Read one HTTP message: the head, then `Content-Length` bytes of body."""
    connection.settimeout(10)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(_CHUNK)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = _content_length(head)
        while len(body) < length:
            chunk = connection.recv(_CHUNK)
            if not chunk:
                break
            body += chunk
    except OSError:
        return data
    return head + b"\r\n\r\n" + body


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip() or 0)
    return 0
