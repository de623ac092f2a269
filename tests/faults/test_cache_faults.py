"""A corrupt or unwritable action cache, and a HOME that cannot be written.

Tests run as root, which ignores file permissions, so real write failures come
from paths under a regular file (`file-as-directory`): every mkdir or open
there fails with ENOTDIR whoever runs it. The cache must only ever save time:
each case still answers, warns (naming the file or folder), never fails the
call, leaves no process behind, and does not hang.
"""

from __future__ import annotations

import json
import logging
import time

from membrane_pusher.membrane.catalog import ActionCatalog
from membrane_pusher.pusher.toolkit import PusherToolkit

CONNECTION_ID = "con_pusher_sandbox"
INTENT = "trigger an event on a channel"
PROMPT_SECONDS = 10.0


def _list(standin, cache_dir):
    catalog = ActionCatalog(standin.client(), cache_dir=cache_dir)
    return catalog.list_actions(CONNECTION_ID, INTENT)


def test_a_corrupt_cache_file_is_ignored_and_rebuilt(
    standin, tmp_path, caplog, no_leftovers, within
):
    # Arrange
    cache = tmp_path / "cache"
    expected = _list(standin, cache)
    [corrupt] = (cache / "actions").glob("*.json")
    corrupt.write_bytes(b'{"version": 1, "created": "soon", "actions": [\x00\xff')
    standin.clear_calls()

    # Act
    with within(PROMPT_SECONDS), caplog.at_level(logging.WARNING):
        actions = _list(standin, cache)

    # Assert
    assert [a.id for a in actions] == [a.id for a in expected]
    assert len(standin.calls("action list")) == 1
    assert f"ignoring unreadable cache file {corrupt}" in caplog.text


def test_a_cache_of_the_wrong_shape_is_ignored(
    standin, tmp_path, caplog, no_leftovers, within
):
    # Arrange
    cache = tmp_path / "cache"
    _list(standin, cache)
    [wrong] = (cache / "actions").glob("*.json")
    fresh = {"version": 1, "created": time.time(), "actions": [{"no": "id"}]}
    wrong.write_text(json.dumps(fresh))
    standin.clear_calls()

    # Act
    with within(PROMPT_SECONDS), caplog.at_level(logging.WARNING):
        actions = _list(standin, cache)

    # Assert
    assert actions
    assert all(action.id for action in actions)
    assert len(standin.calls("action list")) == 1
    assert f"ignoring corrupt action cache {wrong}" in caplog.text


def test_an_unwritable_cache_folder_only_warns(
    standin, tmp_path, caplog, no_leftovers, within
):
    # Arrange
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    # Act
    with within(PROMPT_SECONDS), caplog.at_level(logging.WARNING):
        first = _list(standin, blocker / "cache")
        second = _list(standin, blocker / "cache")

    # Assert
    assert first
    assert [a.id for a in second] == [a.id for a in first]
    assert f"cache folder {blocker / 'cache'}" in caplog.text
    assert "is not writable" in caplog.text
    assert "MEMBRANE_PUSHER_CACHE_DIR" in caplog.text
    assert len(standin.calls("action list")) == 2


def test_a_read_only_home_still_builds_the_toolkit(
    standin, tmp_path, monkeypatch, no_leftovers, within
):
    # Arrange: HOME and every cache location sit under a regular file
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("HOME", str(blocker / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    monkeypatch.delenv("MEMBRANE_PUSHER_CACHE_DIR", raising=False)

    # Act
    with within(PROMPT_SECONDS):
        tools = PusherToolkit(
            connection_id=CONNECTION_ID, app_id="4242", client=standin.client()
        ).get_tools()

    # Assert
    names = {tool.name for tool in tools}
    assert "pusher_trigger_event" in names
    assert len(names) > 8
