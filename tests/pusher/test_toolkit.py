"""PusherToolkit: connection discovery, catalog tools, cache, filters."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from membrane_pusher.errors import ConfigurationError, ConnectionNotReadyError
from membrane_pusher.pusher.config import PusherSettings
from membrane_pusher.pusher.operations import BUILTIN_NAMES
from membrane_pusher.pusher.toolkit import PusherToolkit
from membrane_pusher.pusher.transports.direct import DirectTransport

INTENTS = ("trigger an event", "list channels")


def toolkit(standin, **options):
    options.setdefault("intents", INTENTS)
    return PusherToolkit(client=standin.client(), app_id="12345", **options)


def test_finds_the_one_ready_pusher_connection(standin):
    tools = toolkit(standin).get_tools()
    names = [tool.name for tool in tools]
    assert set(BUILTIN_NAMES) <= set(names)
    assert len(names) == len(set(names))
    catalog = [t for t in tools if "membrane_action_id" in (t.metadata or {})]
    assert catalog
    assert {t.metadata["connection_id"] for t in catalog} == {"con_pusher_sandbox"}
    assert len(standin.calls("connection list")) == 1


async def test_async_build_loads_every_intent(standin):
    tools = await toolkit(standin, connection_id="con_pusher_sandbox").aget_tools()
    assert set(BUILTIN_NAMES) <= {t.name for t in tools}
    assert len(standin.calls("action list")) == len(INTENTS)


def test_warm_build_starts_no_process(standin):
    cold = toolkit(standin).get_tools()
    standin.clear_calls()
    warm = toolkit(standin).get_tools()
    assert [t.name for t in warm] == [t.name for t in cold]
    assert standin.calls() == []


def test_refresh_bypasses_the_cache(standin):
    toolkit(standin).get_tools()
    standin.clear_calls()
    toolkit(standin, refresh=True).get_tools()
    assert len([c for c in standin.calls() if "action" in c["argv"][:2]]) == len(
        INTENTS
    )


def test_corrupt_cache_is_rebuilt(standin, isolated_environment):
    cold = toolkit(standin).get_tools()
    cache = isolated_environment / ".cache" / "mp"
    files = list(cache.rglob("*.json"))
    assert files
    for path in files:
        path.write_text("{not json", encoding="utf-8")
    standin.clear_calls()
    rebuilt = toolkit(standin).get_tools()
    assert [t.name for t in rebuilt] == [t.name for t in cold]
    assert standin.calls()


def test_no_pusher_connection_says_how_to_connect(standin):
    workspace = standin.read()
    workspace["connections"] = [
        c for c in workspace["connections"] if c["key"] != "pusher"
    ]
    standin.write(workspace)
    with pytest.raises(ConnectionNotReadyError, match="membrane-pusher connect"):
        toolkit(standin).get_tools()


def test_several_ready_connections_are_named(standin):
    workspace = standin.read()
    twin = {
        **workspace["connections"][0],
        "id": "con_pusher_two",
        "name": "Pusher staging",
    }
    workspace["connections"].append(twin)
    standin.write(workspace)
    with pytest.raises(ConfigurationError) as caught:
        toolkit(standin).get_tools()
    assert "con_pusher_sandbox" in str(caught.value)
    assert "con_pusher_two" in str(caught.value)
    assert "connection_id=" in str(caught.value)


def test_pusher_connection_not_ready(standin):
    workspace = standin.read()
    workspace["connections"][0]["state"] = "CLIENT_ACTION_REQUIRED"
    workspace["connections"][0]["clientAction"] = {
        "type": "connect",
        "uiUrl": "https://ui.example/fix",
    }
    standin.write(workspace)
    with pytest.raises(ConnectionNotReadyError) as caught:
        toolkit(standin).get_tools()
    assert caught.value.url == "https://ui.example/fix"


def test_include_read_only_and_no_builtins(standin):
    only = toolkit(standin, include={"pusher_get_channel"}).get_tools()
    assert [t.name for t in only] == ["pusher_get_channel"]
    read_only = toolkit(standin, read_only=True).get_tools()
    assert all(t.metadata["read_only"] is True for t in read_only)
    assert {t.name for t in read_only} & set(BUILTIN_NAMES) == {
        "pusher_list_channels",
        "pusher_get_channel",
        "pusher_list_presence_users",
    }
    catalog_only = toolkit(standin, builtins=False).get_tools()
    assert catalog_only
    assert not {t.name for t in catalog_only} & set(BUILTIN_NAMES)


def test_catalog_names_avoid_the_builtin_names(standin):
    workspace = standin.read()
    clash = {
        **workspace["actions"][0],
        "id": "act_clash",
        "key": "pusher_trigger_event",
        "name": "Trigger event",
    }
    workspace["actions"].insert(0, clash)
    standin.write(workspace)
    tools = toolkit(standin, intents=("trigger event",)).get_tools()
    names = [t.name for t in tools]
    assert len(names) == len(set(names))
    clashing = [
        t for t in tools if (t.metadata or {}).get("membrane_action_id") == "act_clash"
    ]
    assert clashing
    assert clashing[0].name != "pusher_trigger_event"


def test_missing_app_id_is_reported_when_a_tool_runs(standin):
    tools = {
        t.name: t
        for t in PusherToolkit(client=standin.client(), intents=()).get_tools()
    }
    with pytest.raises(ConfigurationError, match="PUSHER_APP_ID"):
        tools["pusher_list_channels"].invoke({})


def test_app_id_from_environment(standin, monkeypatch):
    monkeypatch.setenv("PUSHER_APP_ID", "777")
    tools = {
        t.name: t
        for t in PusherToolkit(client=standin.client(), intents=()).get_tools()
    }
    message = tools["pusher_list_channels"].invoke(
        {"type": "tool_call", "name": "x", "args": {}, "id": "1"}
    )
    assert message.status == "success"
    assert "/apps/777/channels" in standin.calls("request")[0]["argv"]


def test_direct_transport_needs_no_cli(monkeypatch):
    monkeypatch.setenv("MEMBRANE_CLI", "/nonexistent/membrane")
    kit = PusherToolkit(
        transport="direct",
        pusher_settings="http://app-key:app-secret@127.0.0.1:9/apps/12345",
    )
    tools = kit.get_tools()
    assert [t.name for t in tools] == list(BUILTIN_NAMES)
    assert isinstance(tools[0].transport, DirectTransport)


def test_direct_transport_from_environment(monkeypatch):
    monkeypatch.setenv("PUSHER_URL", "https://k:s3cret-value@api-eu.pusher.com/apps/5")
    tools = PusherToolkit(
        transport="direct", include={"pusher_list_channels"}
    ).get_tools()
    assert tools[0].transport.settings == PusherSettings.from_url(
        "https://k:s3cret-value@api-eu.pusher.com/apps/5"
    )


def test_direct_transport_without_settings_is_a_setup_error():
    with pytest.raises(ConfigurationError, match="PUSHER_KEY"):
        PusherToolkit(transport="direct", app_id="1").get_tools()


def test_confirm_reaches_the_destructive_tools(standin):
    kit = toolkit(standin, intents=(), confirm=lambda *_: False)
    tools = {t.name: t for t in kit.get_tools()}
    message = tools["pusher_terminate_user_connections"].invoke(
        {"type": "tool_call", "name": "x", "args": {"user_id": "u1"}, "id": "1"}
    )
    assert message.status == "error"
    assert "confirmation_denied" in message.content
    assert standin.calls("request") == []


def typed_catalog(standin, types):
    """Give the default actions Membrane types: {action key: type}."""
    workspace = standin.read()
    for action in workspace["actions"]:
        action["type"] = types.get(action["key"], "connector-operation")
    standin.write(workspace)


CATALOG_INTENTS = ("list channels", "terminate user connections")


def test_read_only_keeps_catalog_actions_of_read_types(standin):
    typed_catalog(
        standin,
        {
            "list-channels": "list-data-records",
            "terminate-user-connections": "delete-data-record",
        },
    )

    tools = toolkit(standin, intents=CATALOG_INTENTS, read_only=True).get_tools()

    catalog = {
        t.metadata["membrane_action_key"]
        for t in tools
        if "membrane_action_id" in t.metadata
    }
    # `list-channels` by its type; the other reads by their keys' verbs.
    assert catalog == {"list-channels", "get-channel-info", "get-presence-users"}
    assert all(t.metadata["read_only"] is True for t in tools)


async def test_confirm_guards_destructive_catalog_actions(standin):
    typed_catalog(standin, {"terminate-user-connections": "delete-data-record"})
    asked = []
    kit = toolkit(
        standin,
        intents=CATALOG_INTENTS,
        builtins=False,
        confirm=lambda name, _args: asked.append(name) or False,
    )
    tools = {t.metadata["membrane_action_key"]: t for t in kit.get_tools()}
    destructive = tools["terminate-user-connections"]
    call = {"type": "tool_call", "name": "x", "args": {"user_id": "u1"}, "id": "1"}
    standin.clear_calls()

    sync_message = destructive.invoke(call)
    async_message = await destructive.ainvoke(call)

    for message in (sync_message, async_message):
        assert message.status == "error"
        assert "confirmation_denied" in message.content
    assert asked == [destructive.name] * 2
    assert standin.calls() == []


def test_include_with_unknown_names_raises_naming_them(standin):
    # Arrange
    kit = toolkit(standin, include=["nope", "pusher_get_channel"])

    # Act
    with pytest.raises(ConfigurationError) as caught:
        kit.get_tools()

    # Assert
    message = caught.value.message
    assert "nope" in message
    assert "pusher_trigger_event" in message.partition("Available:")[2]
    assert "pusher_get_channel" not in message.partition("Available:")[0]


def test_include_may_name_catalog_tools_and_read_only_drops(standin):
    # Arrange: a catalog tool's name, and a write tool dropped by read_only
    catalog = [
        t.name for t in toolkit(standin).get_tools() if not t.name.startswith("pusher_")
    ]
    include = [catalog[0], "pusher_trigger_event", "pusher_get_channel"]

    # Act
    kept = toolkit(standin, include=include, read_only=False).get_tools()
    read_only = toolkit(standin, include=include, read_only=True).get_tools()

    # Assert
    assert {t.name for t in kept} == set(include)
    assert "pusher_trigger_event" not in {t.name for t in read_only}


def test_an_app_whose_name_only_contains_pusher_is_not_chosen(standin):
    # arrange: the only READY connection is to another Pusher product
    workspace = standin.read()
    beams = workspace["connections"][0]
    beams.update(key="pusher-beams", name="Pusher Beams", integrationKey="beams")
    beams["integration"] = {"key": "pusher-beams", "name": "Pusher Beams"}
    standin.write(workspace)

    # act / assert: the same answer as `membrane-pusher doctor` (exit 4)
    with pytest.raises(ConnectionNotReadyError, match="No Pusher connection"):
        toolkit(standin).get_tools()


def test_include_given_one_string_is_refused_not_read_letter_by_letter():
    # Act
    with pytest.raises(ValidationError) as caught:
        PusherToolkit(include="pusher_list_channels", connection_id="con_1")

    # Assert
    assert "include=['pusher_list_channels']" in str(caught.value)


@pytest.mark.parametrize(
    ("include", "wording"),
    [
        ([1], "it holds 1"),
        (["pusher_list_channels", None], "it holds None"),
        (b"pusher_list_channels", "write include=[b'pusher_list_channels']"),
    ],
)
def test_include_names_that_are_not_strings_are_refused(include, wording):
    with pytest.raises(ValidationError) as caught:
        PusherToolkit(include=include, connection_id="con_1")

    assert wording in str(caught.value)
