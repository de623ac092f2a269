"""Tell loopback hosts apart, so local traffic can skip HTTP proxies.

`HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` would otherwise send requests for a
server on 127.0.0.1 (the sandbox's soketi) through a proxy that cannot reach
it, or that should not see it. Standard library only: the `membrane` stand-in
imports it too.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["is_loopback_host", "is_loopback_url"]


def is_loopback_host(host: str | None) -> bool:
    """Whether `host` is `localhost` or a loopback IP address (v4 or v6).

    Args:
        host: A host name or address, with or without IPv6 brackets.
    """
    if not host:
        return False
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """Whether the URL's host is a loopback host (see `is_loopback_host`)."""
    return is_loopback_host(urlsplit(url).hostname)
