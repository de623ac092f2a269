"""pytest fixtures for testing agents against the offline Pusher sandbox.

Installing `membrane-pusher` registers this plugin (entry point
`membrane_pusher`), so any test suite can ask for these fixtures:

- `pusher_sandbox` (session): a started `Sandbox`: soketi on a free loopback
  port plus a `membrane` stand-in workspace forwarding to it. Use
  `pusher_sandbox.toolkit()` for the tools, `pusher_sandbox.subscriber()` for a
  WebSocket client that sees what the tools delivered, and
  `pusher_sandbox.client()` for a `MembraneClient` on the stand-in.
- `pusher_sandbox_env` (function): the same sandbox with its variables
  (`MEMBRANE_CLI`, `MEMBRANE_STANDIN_HOME`, `PUSHER_APP_ID`) set for one test,
  and the stand-in's faults cleared first.

```python
async def test_agent_announces_deploy(pusher_sandbox):
    tools = pusher_sandbox.toolkit().get_tools()
    async with pusher_sandbox.subscriber() as sub:
        await sub.subscribe("deploys")
        ...  # run the agent with `tools`
        event = await sub.wait_for(event="deploy-finished", timeout=5)
```

soketi is looked for in `MEMBRANE_PUSHER_SANDBOX_DIR`, else in the user cache
dir, as read from the environment when pytest starts (before any fixture
changes HOME or the environment). When it is missing the fixture installs it
(`npm ci`, about 20-30 s); when that fails too, the tests that use it are
skipped with the reason, unless `MEMBRANE_PUSHER_REQUIRE_SOKETI=1` was set
when pytest started (CI sets it): then they fail, so a broken install never
passes as a green run.

While the session sandbox runs, SIGTERM and SIGHUP stop pytest as Ctrl-C
does, so the fixture's teardown stops soketi instead of leaving it behind.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from membrane_pusher.sandbox.sandbox import Sandbox

__all__ = [
    "REQUIRE_SOKETI_ENV",
    "pusher_sandbox",
    "pusher_sandbox_env",
    "pusher_sandbox_install_dir",
]

REQUIRE_SOKETI_ENV = "MEMBRANE_PUSHER_REQUIRE_SOKETI"
"""Set to 1 to make a missing soketi fail the tests that need it (CI)."""


def _install_dir_from_start_environment() -> Path:
    """Return the install folder as the environment names it at start-up."""
    from membrane_pusher.sandbox.install import default_install_dir  # noqa: PLC0415

    return default_install_dir(dict(os.environ))


# Read once, at import: later, test isolation may swap HOME and drop variables.
_INSTALL_DIR = _install_dir_from_start_environment()
_REQUIRE_SOKETI = os.environ.get(REQUIRE_SOKETI_ENV, "").strip() not in {"", "0"}


def _unavailable(reason: str) -> NoReturn:
    """Skip the requesting test, or fail it when soketi is required."""
    if _REQUIRE_SOKETI:
        pytest.fail(f"{reason} ({REQUIRE_SOKETI_ENV} is set)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pusher_sandbox_install_dir() -> Path:
    """Return a folder with soketi installed, installing it when needed.

    Skips the requesting tests when soketi is missing and cannot be installed
    (fails them when `MEMBRANE_PUSHER_REQUIRE_SOKETI` is set).
    """
    try:
        from membrane_pusher.sandbox.install import (  # noqa: PLC0415
            SandboxError,
            install_soketi,
        )

        return install_soketi(_INSTALL_DIR)
    except ImportError as exc:
        _unavailable(f"the sandbox needs `membrane-pusher[sandbox]`: {exc}")
    except SandboxError as exc:
        _unavailable(
            f"soketi is not installed in {_INSTALL_DIR} and could not be: {exc}"
        )


@pytest.fixture(scope="session")
def pusher_sandbox(pusher_sandbox_install_dir: Path) -> Iterator[Sandbox]:
    """Yield one started sandbox for the whole test session.

    `with Sandbox()` also turns SIGTERM and SIGHUP into interrupts while the
    session runs, so a terminated pytest still stops soketi.
    """
    from membrane_pusher.sandbox.sandbox import Sandbox  # noqa: PLC0415

    with Sandbox(install_dir=pusher_sandbox_install_dir) as sandbox:
        yield sandbox


@pytest.fixture
def pusher_sandbox_env(
    pusher_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> Sandbox:
    """Return the session sandbox with its variables set and no faults left."""
    pusher_sandbox.workspace.set_faults([])
    for name, value in pusher_sandbox.env().items():
        monkeypatch.setenv(name, value)
    return pusher_sandbox
