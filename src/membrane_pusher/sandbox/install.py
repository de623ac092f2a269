"""Install the pinned soketi (the sandbox's Pusher-protocol server) with npm.

`install_soketi` copies the `server/package.json` and `server/package-lock.json`
files shipped inside this package into an install folder and runs `npm ci`
once; a stamp holding the hash of both files says the folder is complete, so
later calls start no process at all.

NOTE: the pinned uWebSockets.js build ships binaries for Node 16, 18 and 20
only (ABI 93, 108, 115); other Node versions are refused with a clear message.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import time
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from membrane_pusher import paths
from membrane_pusher.errors import SandboxError
from membrane_pusher.sandbox.files import locked

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "NODE_HINT",
    "SOKETI_VERSION",
    "SandboxError",
    "default_install_dir",
    "install_soketi",
    "is_installed",
    "require_node",
    "server_script",
]

logger = logging.getLogger(__name__)

SOKETI_VERSION = "1.6.1"

_STAMP_NAME = ".membrane-pusher-installed"
_SERVER_SCRIPT = Path("node_modules", "@soketi", "soketi", "bin", "server.js")
_SUPPORTED_NODE_ABIS = {"93": "16", "108": "18", "115": "20"}
NODE_HINT = (
    "Install Node 20 (or 18) with npm, then run `membrane-pusher sandbox install`."
)
_INSTALL_TIMEOUT = 900.0
_LOG_TAIL_CHARS = 2000


def default_install_dir(env: Mapping[str, str] | None = None) -> Path:
    """Return where soketi is (or will be) installed.

    Args:
        env: Environment to read; `os.environ` when omitted.

    Returns:
        `MEMBRANE_PUSHER_SANDBOX_DIR` when set, else
        `<user cache dir>/membrane-pusher/soketi-<version>`.
    """
    return paths.sandbox_install_dir(SOKETI_VERSION, env)


def server_script(install_dir: Path) -> Path:
    """Return the path of soketi's `server.js` inside an install folder."""
    return install_dir / _SERVER_SCRIPT


def is_installed(install_dir: Path | None = None) -> bool:
    """Say whether `install_dir` holds a complete install of the pinned lockfile."""
    folder = default_install_dir() if install_dir is None else install_dir
    stamp = folder / _STAMP_NAME
    if not stamp.is_file() or not server_script(folder).is_file():
        return False
    return stamp.read_text(encoding="utf-8").strip() == _lock_digest()


def install_soketi(target_dir: Path | str | None = None) -> Path:
    """Install the pinned soketi with `npm ci`, unless it is already installed.

    Safe to call from several processes at once: a file lock serialises them.

    Args:
        target_dir: The install folder; `default_install_dir()` when omitted.

    Returns:
        The install folder.

    Raises:
        SandboxError: Node or npm is missing or unsupported, or `npm ci` failed.
    """
    folder = default_install_dir() if target_dir is None else Path(target_dir)
    folder = folder.expanduser().resolve()
    if is_installed(folder):
        return folder

    require_node()
    npm = shutil.which("npm")
    if npm is None:
        raise SandboxError("npm was not found on PATH.", hint=NODE_HINT)
    folder.mkdir(parents=True, exist_ok=True)

    with locked(folder / ".install.lock"):
        if is_installed(folder):
            return folder
        _run_npm_ci(npm, folder)
    return folder


def _run_npm_ci(npm: str, folder: Path) -> None:
    """Copy the packaged manifest and lockfile into `folder` and run `npm ci`."""
    for name in ("package.json", "package-lock.json"):
        (folder / name).write_bytes(_packaged_file(name))
    (folder / _STAMP_NAME).unlink(missing_ok=True)

    argv = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
    logger.info("installing soketi %s into %s (npm ci)", SOKETI_VERSION, folder)
    started = time.monotonic()
    try:
        done = subprocess.run(
            argv,
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=_INSTALL_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SandboxError(
            f"`npm ci` did not finish within {_INSTALL_TIMEOUT:.0f} s.",
            hint="Check the npm registry is reachable, then retry.",
        ) from exc

    if done.returncode != 0 or not server_script(folder).is_file():
        tail = (done.stderr or done.stdout)[-_LOG_TAIL_CHARS:]
        raise SandboxError(
            f"`npm ci` failed with exit code {done.returncode}: {tail.strip()}",
            hint="Check the npm registry is reachable, then retry.",
        )
    (folder / _STAMP_NAME).write_text(_lock_digest() + "\n", encoding="utf-8")
    logger.debug("npm ci finished in %.1f s", time.monotonic() - started)


def _packaged_file(name: str) -> bytes:
    """Return the bytes of a file of the packaged `server/` folder."""
    return resources.files(__package__).joinpath("server", name).read_bytes()


def _lock_digest() -> str:
    """Return the hash that identifies the packaged manifest and lockfile."""
    digest = hashlib.sha256(_packaged_file("package.json"))
    digest.update(_packaged_file("package-lock.json"))
    return digest.hexdigest()


def require_node() -> str:
    """Return the `node` executable after checking its version is supported.

    Raises:
        SandboxError: Node is missing, does not run, or has an unsupported ABI.
    """
    node = shutil.which("node")
    if node is None:
        raise SandboxError("Node.js was not found on PATH.", hint=NODE_HINT)

    probe = "process.versions.node + ' ' + process.versions.modules"
    try:
        done = subprocess.run(
            [node, "-p", probe], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise SandboxError(f"`{node}` could not run: {exc}", hint=NODE_HINT) from exc

    version, _, abi = done.stdout.strip().partition(" ")
    if abi not in _SUPPORTED_NODE_ABIS:
        supported = ", ".join(sorted(_SUPPORTED_NODE_ABIS.values()))
        raise SandboxError(
            f"Node {version} is not supported by the pinned soketi "
            f"(its WebSocket binary exists for Node {supported} only).",
            hint=NODE_HINT,
        )
    return node
