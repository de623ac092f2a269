"""The chain on a real soketi: stand-in `request` and toolkit, to a subscriber.

These use the plugin's session fixture `pusher_sandbox`, exactly as agent builders
would. The agent-driven end-to-end tests live next to these, in their own module.
"""

from __future__ import annotations

import json

import pytest

from membrane_pusher.membrane.models import ProxyRequest
from membrane_pusher.sandbox.processes import LOOPBACK

pytestmark = pytest.mark.soketi


def trigger_tool(toolkit):
    tools = {tool.name: tool for tool in toolkit.get_tools()}
    return tools["pusher_trigger_event"]


async def test_standin_request_is_forwarded_to_soketi_and_delivered(pusher_sandbox):
    # Arrange
    client = pusher_sandbox.client()
    body = {"name": "deploy-finished", "channels": ["deploys"], "data": '{"v":1}'}
    async with pusher_sandbox.subscriber() as sub:
        await sub.subscribe("deploys")

        # Act
        answer = await client.arequest(
            ProxyRequest(
                pusher_sandbox.connection_id,
                f"/apps/{pusher_sandbox.app_id}/events",
                method="POST",
                body=body,
            )
        )
        event = await sub.wait_for(event="deploy-finished", timeout=10)

    # Assert
    assert answer.status == 200
    assert answer.body == {"ok": True}
    assert event.channel == "deploys"
    assert event.json() == {"v": 1}
    recorded = pusher_sandbox.workspace.calls("request")
    assert recorded


async def test_standin_request_reads_presence_members(pusher_sandbox):
    # Arrange
    client = pusher_sandbox.client()
    async with pusher_sandbox.subscriber() as one, pusher_sandbox.subscriber() as two:
        await one.subscribe("presence-chain", user_id="u-one")
        await two.subscribe("presence-chain", user_id="u-two")

        # Act
        answer = await client.arequest(
            ProxyRequest(
                pusher_sandbox.connection_id,
                f"/apps/{pusher_sandbox.app_id}/channels/presence-chain/users",
            )
        )

    # Assert
    assert answer.status == 200
    assert sorted(user["id"] for user in answer.body["users"]) == ["u-one", "u-two"]


async def test_toolkit_over_the_standin_triggers_an_event(pusher_sandbox):
    # Arrange
    tool = trigger_tool(pusher_sandbox.toolkit(intents=()))
    arguments = {"channels": ["tool-chain"], "event": "built", "data": {"ok": True}}
    async with pusher_sandbox.subscriber() as sub:
        await sub.subscribe("tool-chain")

        # Act
        await tool.ainvoke(arguments)
        event = await sub.wait_for(event="built", timeout=10)

    # Assert
    assert event.json() == {"ok": True}


async def test_toolkit_direct_transport_triggers_an_event(pusher_sandbox):
    # Arrange
    settings = pusher_sandbox.direct_settings()
    tool = trigger_tool(pusher_sandbox.toolkit(transport="direct"))
    arguments = {"channels": ["direct-chain"], "event": "built", "data": "plain"}
    async with pusher_sandbox.subscriber() as sub:
        await sub.subscribe("direct-chain")

        # Act
        await tool.ainvoke(arguments)
        event = await sub.wait_for(event="built", timeout=10)

    # Assert
    assert settings.host == LOOPBACK
    assert settings.port == pusher_sandbox.port
    assert event.data == "plain"


def test_sandbox_env_points_at_the_standin(pusher_sandbox):
    # Act
    env = pusher_sandbox.env()

    # Assert
    assert env["PUSHER_APP_ID"] == pusher_sandbox.app_id
    assert "MEMBRANE_CLI" in env
    workspace = json.loads(
        (pusher_sandbox.workspace.path / "workspace.json").read_text(encoding="utf-8")
    )
    assert workspace["upstream"]["base_url"] == pusher_sandbox.base_url
    assert workspace["upstream"]["base_url"].startswith(f"http://{LOOPBACK}:")


async def test_terminate_tool_closes_a_signed_in_connection(pusher_sandbox):
    # Arrange
    tools = {tool.name: tool for tool in pusher_sandbox.toolkit(intents=()).get_tools()}
    terminate = tools["pusher_terminate_user_connections"]
    async with pusher_sandbox.subscriber() as sub:
        await sub.signin("chain-user")

        # Act
        await terminate.ainvoke({"user_id": "chain-user"})
        code = await sub.wait_closed(timeout=10)

    # Assert
    assert code == 4009


async def test_refused_tool_call_delivers_nothing(pusher_sandbox):
    # Arrange
    tool = trigger_tool(pusher_sandbox.toolkit(intents=()))
    pusher_sandbox.workspace.clear_calls()
    bad = {"channels": ["bad channel!"], "event": "built", "data": "x"}
    async with pusher_sandbox.subscriber() as sub:
        await sub.subscribe("refused-chain")

        # Act
        content = await tool.ainvoke(bad)
        with pytest.raises(TimeoutError):
            await sub.wait_for(timeout=0.5)

    # Assert
    assert "error" in str(content)
    assert sub.received == []
    assert pusher_sandbox.workspace.calls("request") == []
