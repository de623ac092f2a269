"""Where files go: each folder's variable wins over the platform default."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from membrane_pusher import paths


def test_the_variables_win(tmp_path):
    env = {
        "MEMBRANE_PUSHER_CACHE_DIR": str(tmp_path / "cache"),
        "MEMBRANE_PUSHER_SANDBOX_DIR": str(tmp_path / "soketi"),
        "MEMBRANE_PUSHER_STATE_DIR": str(tmp_path / "state"),
    }

    assert paths.cache_dir(env) == tmp_path / "cache"
    assert paths.sandbox_install_dir("1.6.1", env) == (tmp_path / "soketi").resolve()
    assert paths.state_dir(env) == tmp_path / "state"


def test_platform_defaults_when_unset_or_blank():
    cache = Path(platformdirs.user_cache_dir("membrane-pusher"))
    env = {"MEMBRANE_PUSHER_CACHE_DIR": "  "}

    assert paths.cache_dir(env) == cache
    assert paths.sandbox_install_dir("1.6.1", {}) == cache / "soketi-1.6.1"
    assert paths.state_dir({}) == Path(platformdirs.user_state_dir("membrane-pusher"))


def test_the_environment_is_read_when_none_is_given(monkeypatch, tmp_path):
    monkeypatch.setenv("MEMBRANE_PUSHER_CACHE_DIR", str(tmp_path))

    assert paths.cache_dir() == tmp_path


def test_a_home_relative_folder_is_expanded(monkeypatch, isolated_environment):
    env = {"MEMBRANE_PUSHER_STATE_DIR": "~/mp-state"}

    assert paths.state_dir(env) == isolated_environment / "mp-state"
