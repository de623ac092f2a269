"""A small HTTP server on 127.0.0.1, served from a thread for one test.

Several tests play a Pusher-shaped server with `http.server`; this module
keeps the start, the address and the clean stop in one place. Import it by
name (tests/ is on `sys.path` through tests/conftest.py).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterator

Server = TypeVar("Server", bound=ThreadingHTTPServer)

# How long a clean stop may wait for the serving thread.
_JOIN_SECONDS = 5.0


class AnsweringHandler(BaseHTTPRequestHandler):
    """A handler that sends GET and POST alike to `answer` and logs nothing."""

    def answer(self) -> None:
        """Read the request and write the response; subclasses define it."""
        raise NotImplementedError

    def do_GET(self) -> None:
        """Answer a GET."""
        self.answer()

    def do_POST(self) -> None:
        """Answer a POST."""
        self.answer()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep the test output clean."""
        del format, args


def loopback_server(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """Return a threading HTTP server bound to a free port on 127.0.0.1."""
    return ThreadingHTTPServer(("127.0.0.1", 0), handler)


def port_of(server: ThreadingHTTPServer) -> int:
    """Return the port a server listens on."""
    return int(server.server_address[1])


def base_url(server: ThreadingHTTPServer) -> str:
    """Return `http://127.0.0.1:PORT` for a server."""
    return f"http://127.0.0.1:{port_of(server)}"


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    """Serve `server` from a daemon thread; shut it down and close it on exit."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=_JOIN_SECONDS)
