"""Where the package keeps files: the cache, the sandbox's soketi and its state.

Each folder has an environment variable that wins over the platform default
(from `platformdirs`, under the application name `membrane-pusher`):

* `cache_dir()`: `MEMBRANE_PUSHER_CACHE_DIR`, else the user cache folder;
* `sandbox_install_dir()`: `MEMBRANE_PUSHER_SANDBOX_DIR`, else
  `soketi-<version>` in the user cache folder;
* `state_dir()`: `MEMBRANE_PUSHER_STATE_DIR`, else the user state folder.

The functions only compute paths; none creates a folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "APP_NAME",
    "CACHE_DIR_ENV_VAR",
    "SANDBOX_DIR_ENV_VAR",
    "STATE_DIR_ENV_VAR",
    "cache_dir",
    "sandbox_install_dir",
    "state_dir",
    "user_cache_dir",
]

APP_NAME = "membrane-pusher"
CACHE_DIR_ENV_VAR = "MEMBRANE_PUSHER_CACHE_DIR"
SANDBOX_DIR_ENV_VAR = "MEMBRANE_PUSHER_SANDBOX_DIR"
STATE_DIR_ENV_VAR = "MEMBRANE_PUSHER_STATE_DIR"


def user_cache_dir() -> Path:
    """Return the platform's user cache folder of the package (no override)."""
    return Path(platformdirs.user_cache_dir(APP_NAME))


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Return the folder of cached action lists and the found connection.

    Args:
        env: The environment to read; `os.environ` when omitted.
    """
    configured = _configured(CACHE_DIR_ENV_VAR, env)
    return configured if configured is not None else user_cache_dir()


def sandbox_install_dir(version: str, env: Mapping[str, str] | None = None) -> Path:
    """Return where soketi is (or will be) installed.

    Args:
        version: The pinned soketi version, which names the default folder.
        env: The environment to read; `os.environ` when omitted.

    Returns:
        `MEMBRANE_PUSHER_SANDBOX_DIR` (absolute) when set, else
        `<user cache folder>/soketi-<version>`.
    """
    configured = _configured(SANDBOX_DIR_ENV_VAR, env)
    if configured is not None:
        return configured.resolve()
    return user_cache_dir() / f"soketi-{version}"


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """Return the folder of the detached sandbox's state.

    Args:
        env: The environment to read; `os.environ` when omitted.
    """
    configured = _configured(STATE_DIR_ENV_VAR, env)
    if configured is not None:
        return configured
    return Path(platformdirs.user_state_dir(APP_NAME))


def _configured(name: str, env: Mapping[str, str] | None) -> Path | None:
    """Return the folder a variable names (`~` expanded), or None when unset."""
    source = os.environ if env is None else env
    value = source.get(name, "").strip()
    return Path(value).expanduser() if value else None
