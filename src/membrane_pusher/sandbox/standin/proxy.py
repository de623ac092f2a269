"""The stand-in's `membrane request`: Membrane's HTTP proxy, Pusher behind it.

With an `upstream` in the workspace the request is signed and forwarded to
that Pusher-protocol server; without one it gets a canned Pusher-shaped body.
A non-2xx answer prints its body, reports the status on stderr and exits 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from membrane_pusher.sandbox.standin import forwarding
from membrane_pusher.sandbox.standin.answers import Answer, api_error, usage_error
from membrane_pusher.sandbox.standin.context import (
    Context,
    loose_json,
    ready_connection,
)

if TYPE_CHECKING:
    from membrane_pusher.sandbox.standin.options import ParsedArgs

__all__ = ["request"]


def request(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane request CONNECTION_ID PATH ...`: Pusher answers or canned bodies."""
    if len(parsed.positionals) < 2:  # noqa: PLR2004 - connection id and path
        return usage_error("missing required arguments 'connectionId' and 'path'")
    selector, path = parsed.positionals[0], parsed.positionals[1]
    connection = ready_connection(context, selector)
    if isinstance(connection, Answer):
        return connection

    method = (parsed.value("--method") or "GET").upper()
    data = parsed.value("--data")
    if (
        "--json" in parsed.flags
        and data is not None
        and isinstance(loose_json(data), str)
    ):
        return api_error(
            "bad_request", "invalid_body", "The --json body is not valid JSON"
        )

    query = {}
    for item in parsed.all("--query"):
        name, _, value = item.partition("=")
        query[name] = value

    upstream = context.workspace.get("upstream")
    if isinstance(upstream, dict):
        call = forwarding.HttpCall(method, path, query, (data or "").encode())
        reply = forwarding.forward(call, upstream)
    else:
        reply = forwarding.canned_reply(method, path.split("?")[0])

    body = reply.text if reply.text.endswith("\n") else f"{reply.text}\n"
    if reply.ok:
        return Answer(0, body)
    return Answer(1, body, f"Request failed with status {reply.status}\n")
