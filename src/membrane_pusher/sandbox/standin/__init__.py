"""A `membrane`-compatible executable for tests and the offline sandbox.

It answers the Membrane CLI commands this package uses, with the documented JSON
shapes, from a workspace folder named by env `MEMBRANE_STANDIN_HOME`
(`workspace.json`, `faults.json`, `calls.jsonl`; see `workspace.py`). It imports
the standard library only, so each call starts fast.

Run it as `membrane-standin ...` or `python -m membrane_pusher.sandbox.standin ...`.
The command handlers are imported when `main` runs, so the library can read
the stand-in's defaults and workspace helpers without loading them.
"""

from __future__ import annotations

import sys

__all__ = ["main"]

_STORE_ERROR_EXIT = 3


def main(argv: list[str] | None = None) -> int:
    """Answer one command line and return the exit code.

    Args:
        argv: The arguments after the program name; `sys.argv[1:]` when omitted.
    """
    from membrane_pusher.sandbox.standin.commands import dispatch  # noqa: PLC0415
    from membrane_pusher.sandbox.standin.state import Store, StoreError  # noqa: PLC0415

    tokens = sys.argv[1:] if argv is None else list(argv)
    try:
        store = Store.from_environment()
    except StoreError as error:
        sys.stderr.write(f"membrane stand-in: {error}\n")
        return _STORE_ERROR_EXIT

    try:
        answer = dispatch(store, tokens)
    except StoreError as error:
        sys.stderr.write(f"membrane stand-in: {error}\n")
        return _STORE_ERROR_EXIT
    except OSError:
        if store.home.is_dir():
            raise
        sys.stderr.write(f"membrane stand-in: {store.gone_message()}\n")
        return _STORE_ERROR_EXIT

    if answer.stdout:
        sys.stdout.write(answer.stdout)
    if answer.stderr:
        sys.stderr.write(answer.stderr)
    sys.stdout.flush()
    return answer.exit_code
