"""The offline sandbox: a local soketi server and the `membrane` stand-in.

`from membrane_pusher.sandbox import Sandbox` gives the sandbox itself; the
name is imported on first use, because the stand-in executable (which lives
in this package) must start without loading LangChain or httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["Sandbox"]

if TYPE_CHECKING:
    from membrane_pusher.sandbox.sandbox import Sandbox


def __getattr__(name: str) -> Any:
    """Import `Sandbox` on first use."""
    if name == "Sandbox":
        return importlib.import_module("membrane_pusher.sandbox.sandbox").Sandbox
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
