"""The stand-in catalog looks like Membrane's, and its actions classify as meant."""

from __future__ import annotations

from membrane_pusher.membrane.models import Action
from membrane_pusher.sandbox.standin.defaults import pusher_actions
from membrane_pusher.tools.action_kinds import action_flags

EXPECTED = {
    "trigger-event": "write",
    "trigger-batch-events": "write",
    "list-channels": "read",
    "get-channel-info": "read",
    "get-presence-users": "read",
    "terminate-user-connections": "destroy",
    "send-to-user": "write",
    "authorize-channel": "write",
    "authenticate-user": "write",
    "validate-webhook": "write",
}


def kind(flags):
    if flags["destructive"]:
        return "destroy"
    return "read" if flags["read_only"] else "write"


def test_catalog_actions_carry_the_generic_connector_type():
    types = {record["type"] for record in pusher_actions()}

    assert types == {"connector-operation"}


def test_catalog_actions_are_classified_by_their_keys():
    actions = [Action.model_validate(record) for record in pusher_actions()]

    kinds = {action.key: kind(action_flags(action)) for action in actions}

    assert kinds == EXPECTED


def reading_record(**changes):
    record = next(r for r in pusher_actions() if r["key"] == "get-channel-info")
    return Action.model_validate({**record, **changes})


def test_a_catalog_read_that_also_writes_is_not_read_only():
    compound = reading_record(key="get-channel-info-and-lock", name="Get and Lock")
    described = reading_record(description="Gets the channel and triggers a sync.")

    kinds = [kind(action_flags(compound)), kind(action_flags(described))]

    assert kinds == ["write", "write"]


def test_a_catalog_read_that_denies_being_destructive_stays_a_read():
    action = reading_record(description="Get the channel. Not a destructive call.")

    assert kind(action_flags(action)) == "read"
