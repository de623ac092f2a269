"""The `membrane-pusher` command line (Click, with rich only when rendering).

Run `membrane-pusher --help` for the commands and exit codes. The command
line needs the `cli` extra: `pip install 'membrane-pusher[cli]'`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["cli", "main", "run"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line (the `membrane-pusher` console script)."""
    try:
        from membrane_pusher.cli.app import main as app_main
    except ModuleNotFoundError as error:
        # Before Click is imported, a missing extra can only be reported here.
        from membrane_pusher.extras import missing_extra_error

        missing = missing_extra_error(error)
        if missing is None:
            raise
        sys.stderr.write(f"membrane-pusher: {missing.message}\nHint: {missing.hint}\n")
        sys.exit(1)
    app_main(argv)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code (for tests and scripts)."""
    from membrane_pusher.cli.app import run as app_run

    return app_run(argv)


def __getattr__(name: str) -> Any:
    """Give `cli` (the Click group) on first use."""
    if name == "cli":
        from membrane_pusher.cli.app import cli

        return cli
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
