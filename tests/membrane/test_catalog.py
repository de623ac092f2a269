"""The action catalog: disk cache with TTL, warm = no process, never fatal."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import time

import pytest

from membrane_pusher.membrane.catalog import ActionCatalog

PUSHER = "con_pusher_sandbox"


def test_a_warm_cache_starts_no_process(client, standin, tmp_path):
    catalog = ActionCatalog(client, cache_dir=tmp_path / "cache")

    first = catalog.list_actions(PUSHER, "trigger an event", limit=3)
    second = ActionCatalog(client, cache_dir=tmp_path / "cache").list_actions(
        PUSHER, "trigger an event", limit=3
    )

    assert [a.id for a in first] == [a.id for a in second]
    assert second[0].input_schema == first[0].input_schema
    assert len(standin.calls("action list")) == 1


def test_refresh_and_ttl_ask_again(client, standin, tmp_path):
    catalog = ActionCatalog(client, cache_dir=tmp_path, ttl=3600)
    catalog.list_actions(PUSHER, "trigger")
    catalog.list_actions(PUSHER, "trigger", refresh=True)
    ActionCatalog(client, cache_dir=tmp_path, ttl=0).list_actions(PUSHER, "trigger")

    assert len(standin.calls("action list")) == 3


def test_default_cache_dir_comes_from_the_environment(
    client, standin, monkeypatch, tmp_path
):
    monkeypatch.setenv("MEMBRANE_PUSHER_CACHE_DIR", str(tmp_path / "env-cache"))

    ActionCatalog(client).list_actions(PUSHER, "trigger")

    assert list((tmp_path / "env-cache" / "actions").glob("*.json"))


def test_a_corrupt_cache_is_ignored(client, standin, tmp_path, caplog):
    catalog = ActionCatalog(client, cache_dir=tmp_path)
    catalog.list_actions(PUSHER, "trigger")
    for path in (tmp_path / "actions").glob("*.json"):
        path.write_text("{ not json")

    with caplog.at_level(logging.WARNING):
        actions = catalog.list_actions(PUSHER, "trigger")

    assert actions
    assert "cache file" in caplog.text
    assert len(standin.calls("action list")) == 2


def test_an_unwritable_cache_is_not_fatal(client, standin, tmp_path, caplog):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be")

    with caplog.at_level(logging.WARNING):
        actions = ActionCatalog(client, cache_dir=blocker).list_actions(
            PUSHER, "trigger"
        )

    assert actions
    assert "not writable" in caplog.text


def test_load_intents_deduplicates_and_keeps_order(client, standin, tmp_path):
    catalog = ActionCatalog(client, cache_dir=tmp_path)
    intents = ["trigger an event", "trigger events in bulk", "who is online"]

    actions = catalog.load_intents(PUSHER, intents, limit=3)

    ids = [a.id for a in actions]
    assert len(ids) == len(set(ids))
    assert ids[0] == "act_pusher_trigger_event"
    assert "act_pusher_get_presence_users" in ids
    assert len(standin.calls("action list")) == 3


async def test_aload_intents_runs_concurrently_and_uses_the_cache(
    client, standin, tmp_path
):
    catalog = ActionCatalog(client, cache_dir=tmp_path)
    intents = ["trigger an event", "kick a user", "trigger an event"]

    first = await catalog.aload_intents(PUSHER, intents)
    second = await catalog.aload_intents(PUSHER, intents)

    assert [a.id for a in first] == [a.id for a in second]
    assert first[0].key == "trigger-event"
    assert len(standin.calls("action list")) <= 3
    assert await catalog.aload_intents(PUSHER, []) == []


INTENTS = ["trigger an event", "who is online", "kick a user"]


def test_warm_load_reads_the_cache_without_threads(
    client, standin, tmp_path, monkeypatch
):
    catalog = ActionCatalog(client, cache_dir=tmp_path)
    cold = catalog.load_intents(PUSHER, INTENTS)
    standin.clear_calls()

    def no_pool(*args, **kwargs):
        raise AssertionError("a warm load started a thread pool")

    monkeypatch.setattr(concurrent.futures.ThreadPoolExecutor, "__init__", no_pool)
    warm = ActionCatalog(client, cache_dir=tmp_path).load_intents(PUSHER, INTENTS)

    assert [a.id for a in warm] == [a.id for a in cold]
    assert standin.calls() == []


async def test_async_warm_load_starts_no_task(client, standin, tmp_path, monkeypatch):
    catalog = ActionCatalog(client, cache_dir=tmp_path)
    cold = await catalog.aload_intents(PUSHER, INTENTS)
    standin.clear_calls()

    def no_gather(*args, **kwargs):
        raise AssertionError("a warm load gathered tasks")

    monkeypatch.setattr(asyncio, "gather", no_gather)
    warm = await catalog.aload_intents(PUSHER, INTENTS)

    assert [a.id for a in warm] == [a.id for a in cold]
    assert standin.calls() == []


async def test_only_the_misses_reach_the_cli(client, standin, tmp_path):
    catalog = ActionCatalog(client, cache_dir=tmp_path)
    catalog.list_actions(PUSHER, INTENTS[0])
    standin.clear_calls()

    synced = catalog.load_intents(PUSHER, INTENTS[:2])
    asked_sync = [c["argv"] for c in standin.calls("action list")]
    standin.clear_calls()
    awaited = await catalog.aload_intents(PUSHER, INTENTS)
    asked_async = [c["argv"] for c in standin.calls("action list")]

    assert len(asked_sync) == 1
    assert f"--intent={INTENTS[1]}" in asked_sync[0]
    assert len(asked_async) == 1
    assert f"--intent={INTENTS[2]}" in asked_async[0]
    assert [a.id for a in awaited][: len(synced)] == [a.id for a in synced]


@pytest.mark.parametrize(
    "created",
    [time.time() - 7200, time.time() + 1e9, "NaN"],
    ids=["two-hours-old", "in-the-future", "nan"],
)
def test_an_entry_past_its_ttl_asks_the_cli_again(client, standin, tmp_path, created):
    # arrange: a cached list written two hours ago (or at a time that proves
    # nothing), with a one-hour TTL
    catalog = ActionCatalog(client, cache_dir=tmp_path, ttl=3600)
    catalog.list_actions(PUSHER, "trigger")
    [path] = (tmp_path / "actions").glob("*.json")
    record = json.loads(path.read_text())
    record["created"] = created
    path.write_text(json.dumps(record))
    standin.clear_calls()

    # act
    actions = ActionCatalog(client, cache_dir=tmp_path, ttl=3600).list_actions(
        PUSHER, "trigger"
    )

    # assert
    assert actions
    assert len(standin.calls("action list")) == 1
    assert json.loads(path.read_text())["created"] > time.time() - 60


DELAY = 1.5
FOUR_INTENTS = ["trigger an event", "who is online", "kick a user", "list channels"]


def test_intents_load_concurrently(client, standin, tmp_path):
    # arrange: every `action list` takes DELAY seconds
    standin.set_faults([{"command": "action list", "sleep": DELAY}])
    catalog = ActionCatalog(client, cache_dir=tmp_path)

    # act
    started = time.monotonic()
    catalog.load_intents(PUSHER, FOUR_INTENTS)
    elapsed = time.monotonic() - started

    # assert: one after the other would take 4 x DELAY
    assert len(standin.calls("action list")) == 4
    assert elapsed < 2.5 * DELAY


async def test_intents_load_concurrently_async(client, standin, tmp_path):
    # arrange
    standin.set_faults([{"command": "action list", "sleep": DELAY}])
    catalog = ActionCatalog(client, cache_dir=tmp_path)

    # act
    started = time.monotonic()
    await catalog.aload_intents(PUSHER, FOUR_INTENTS)
    elapsed = time.monotonic() - started

    # assert
    assert len(standin.calls("action list")) == 4
    assert elapsed < 2.5 * DELAY


def test_a_list_too_deep_to_cache_is_still_returned(client, standin, tmp_path, caplog):
    # Arrange: one action whose schema nests deeper than pydantic serializes
    deep: dict = {"type": "string"}
    for _ in range(130):
        deep = {"type": "object", "properties": {"a": deep}}
    workspace = standin.read()
    workspace["actions"][0]["inputSchema"] = deep
    standin.write(workspace)
    catalog = ActionCatalog(client, cache_dir=tmp_path, ttl=3600)

    # Act
    with caplog.at_level(logging.WARNING):
        actions = catalog.list_actions(PUSHER, "trigger")

    # Assert: the list comes back; only the cache is skipped, with a warning
    assert actions
    assert "not cached" in caplog.text
    assert list((tmp_path / "actions").glob("*.json")) == []
