"""Allow `python -m membrane_pusher.cli`."""

from __future__ import annotations

from membrane_pusher.cli.app import main

if __name__ == "__main__":
    main()
