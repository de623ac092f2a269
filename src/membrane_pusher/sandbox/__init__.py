"""The offline sandbox: a local soketi server and the `membrane` stand-in.

`from membrane_pusher.sandbox import Sandbox` gives the sandbox itself; the
name is imported on first use (see `membrane_pusher.lazy_exports`), because
the stand-in executable (which lives in this package) must start without
loading LangChain or httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from membrane_pusher.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from membrane_pusher.sandbox.sandbox import Sandbox

__all__ = ["Sandbox"]

__getattr__ = lazy_exports(__name__, {"Sandbox": "membrane_pusher.sandbox.sandbox"})
