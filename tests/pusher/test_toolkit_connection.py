"""The toolkit's remembered connection: expiry, and forgetting a stale one."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from membrane_pusher.errors import ConnectionNotReadyError
from membrane_pusher.pusher.toolkit import PusherToolkit

PUSHER = "con_pusher_sandbox"
NOT_READY = {
    "type": "connection",
    "key": "connection_not_ready",
    "message": "Connection is not ready",
    "data": {"connectionId": PUSHER, "state": "CLIENT_ACTION_REQUIRED"},
}


def toolkit(standin, **options):
    options.setdefault("intents", ())
    return PusherToolkit(client=standin.client(), app_id="12345", **options)


def cache_file(isolated_environment):
    folder = isolated_environment / ".cache" / "mp"
    [path] = list(folder.glob("pusher-connection-*.json")) or [folder / "missing"]
    return path


def add_second_pusher_connection(standin):
    """Make the first Pusher connection need the user and add a READY twin."""
    workspace = standin.read()
    first = workspace["connections"][0]
    workspace["connections"].append({**first, "id": "con_pusher_two"})
    first["state"] = "CLIENT_ACTION_REQUIRED"
    standin.write(workspace)


def test_a_fresh_remembered_connection_is_used(standin):
    toolkit(standin).get_tools()
    standin.clear_calls()

    toolkit(standin).get_tools()

    assert standin.calls("connection list") == []


def test_an_expired_remembered_connection_is_looked_up_again(
    standin, isolated_environment
):
    # arrange: remembered two hours ago, with a one-hour TTL
    toolkit(standin).get_tools()
    path = cache_file(isolated_environment)
    entry = json.loads(path.read_text())
    entry["stored_at"] = time.time() - 7200
    path.write_text(json.dumps(entry))
    standin.clear_calls()

    # act
    toolkit(standin, cache_ttl=3600).get_tools()

    # assert
    assert len(standin.calls("connection list")) == 1


def test_a_tool_call_on_a_connection_no_longer_ready_forgets_it(
    standin, isolated_environment
):
    # arrange
    tools = {t.name: t for t in toolkit(standin).get_tools()}
    assert cache_file(isolated_environment).exists()
    add_second_pusher_connection(standin)
    call = {"type": "tool_call", "name": "x", "args": {}, "id": "1"}

    # act
    with pytest.raises(ConnectionNotReadyError):
        tools["pusher_list_channels"].invoke(call)
    forgotten = not cache_file(isolated_environment).exists()
    rebuilt = toolkit(standin).get_tools()

    # assert: the next build looked again and found the READY twin
    assert forgotten
    transport = next(t for t in rebuilt if t.name == "pusher_list_channels").transport
    assert transport.connection_id == "con_pusher_two"


def test_a_remembered_connection_deleted_in_membrane_is_forgotten(
    standin, isolated_environment
):
    # Arrange: the remembered connection is replaced by a new one
    tools = {t.name: t for t in toolkit(standin).get_tools()}
    workspace = standin.read()
    workspace["connections"][0]["id"] = "con_pusher_new"
    standin.write(workspace)
    call = {"type": "tool_call", "name": "x", "args": {}, "id": "1"}

    # Act
    message = tools["pusher_list_channels"].invoke(call)
    rebuilt = toolkit(standin).get_tools()

    # Assert: the call says not found, and the next build finds the new one
    assert json.loads(message.content)["error"]["type"] == "not_found"
    transport = next(t for t in rebuilt if t.name == "pusher_list_channels").transport
    assert transport.connection_id == "con_pusher_new"


async def test_an_async_tool_call_also_forgets_it(standin, isolated_environment):
    # arrange
    tools = {t.name: t for t in await toolkit(standin).aget_tools()}
    add_second_pusher_connection(standin)
    call = {"type": "tool_call", "name": "x", "args": {}, "id": "1"}

    # act
    with pytest.raises(ConnectionNotReadyError):
        await tools["pusher_list_channels"].ainvoke(call)

    # assert
    assert not list((isolated_environment / ".cache" / "mp").glob("pusher-conn*"))


def test_a_given_connection_is_never_remembered_or_forgotten(
    standin, isolated_environment
):
    # arrange
    tools = {t.name: t for t in toolkit(standin, connection_id=PUSHER).get_tools()}
    add_second_pusher_connection(standin)
    call = {"type": "tool_call", "name": "x", "args": {}, "id": "1"}

    # act
    with pytest.raises(ConnectionNotReadyError):
        tools["pusher_list_channels"].invoke(call)

    # assert
    assert not list((isolated_environment / ".cache" / "mp").glob("pusher-conn*"))


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_catalog_load_refused_as_not_ready_looks_again(standin, mode):
    # arrange: remember the first connection, then it needs the user
    toolkit(standin).get_tools()
    add_second_pusher_connection(standin)
    standin.set_faults([{"command": "action list", "times": 1, "api_error": NOT_READY}])
    standin.clear_calls()
    kit = toolkit(standin, intents=("trigger an event",))

    # act
    tools = kit.get_tools() if mode == "sync" else await kit.aget_tools()

    # assert
    catalog = [t for t in tools if "membrane_action_id" in (t.metadata or {})]
    assert {t.metadata["connection_id"] for t in catalog} == {"con_pusher_two"}
    assert len(standin.calls("connection list")) == 1


def test_the_membrane_transport_does_not_import_the_direct_one():
    # arrange: a fresh interpreter, so nothing else has imported it yet
    code = (
        "import sys\n"
        "from membrane_pusher.pusher.toolkit import PusherToolkit\n"
        "kit = PusherToolkit(connection_id='c', intents=(), client=object())\n"
        "kit.get_tools()\n"
        "print('membrane_pusher.pusher.transports.direct' in sys.modules)\n"
    )

    # act
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    # assert
    assert result.stdout.strip() == "False"
