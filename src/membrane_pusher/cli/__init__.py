"""The `membrane-pusher` command line (Click, with rich only when rendering).

Run `membrane-pusher --help` for the commands and exit codes.
"""

from __future__ import annotations

from membrane_pusher.cli.app import cli, main, run

__all__ = ["cli", "main", "run"]
