"""Each command against the stand-in, parsed into typed models (both list shapes)."""

from __future__ import annotations

import pytest

from membrane_pusher.membrane.models import (
    Action,
    Connection,
    ConnectorHit,
    ProxyRequest,
)

PUSHER = "con_pusher_sandbox"
EVENT = {"channels": ["c"], "name": "n", "data": "{}"}


def test_version_and_status(client):
    assert client.version() == "1.18.3"

    status = client.status()

    assert status.logged_in is True
    assert status.workspace == "sandbox"


def test_status_when_logged_out(client, standin):
    standin.update(loggedIn=False)

    assert client.status().logged_in is False


def test_status_as_text_from_an_older_cli(client, standin):
    standin.set_faults(
        [{"command": "status", "exit_code": 0, "stdout": "Logged in as x\n"}]
    )

    assert client.status().logged_in is True


def test_list_connections_in_both_shapes(client, list_shape):
    connections = client.list_connections()

    assert all(isinstance(c, Connection) for c in connections)
    ready_pusher = [c for c in connections if c.is_ready and "pusher" in c.app_keys]
    assert [c.id for c in ready_pusher] == [PUSHER]


def test_unknown_fields_are_kept_but_ignored(client, standin):
    data = standin.read()
    data["connections"][0]["somethingNew"] = {"nested": True}
    standin.write(data)

    connection = client.get_connection(PUSHER)

    assert connection.model_extra is not None
    assert connection.model_extra["somethingNew"] == {"nested": True}


def test_get_connection_with_wait(client, standin):
    connection = client.get_connection(PUSHER, wait=True)

    assert connection.is_ready
    assert "--wait" in standin.calls("connection get")[0]["argv"]


def test_get_connection_returns_a_connection_that_is_not_ready(client):
    connection = client.get_connection("con_slack_pending")

    assert not connection.is_ready
    assert connection.client_action is not None
    assert connection.client_action.ui_url is not None


def test_search_connectors_in_both_shapes(client, list_shape):
    hits = client.search_connectors("pusher")

    assert all(isinstance(hit, ConnectorHit) for hit in hits)
    assert [(hit.id, hit.name) for hit in hits] == [("cnt_pusher", "Pusher")]


def test_connect_reuses_the_ready_connection(client):
    assert client.connect("cnt_pusher").id == PUSHER


def test_connect_creates_a_ready_connection(client, standin):
    connection = client.connect("cnt_ably")

    assert connection.is_ready
    assert connection.id in {c["id"] for c in standin.read()["connections"]}


def test_list_actions_in_both_shapes_ranks_by_intent(client, list_shape):
    actions = client.list_actions(
        PUSHER, "who is online in a presence channel", limit=3
    )

    assert all(isinstance(a, Action) for a in actions)
    assert 1 <= len(actions) <= 3
    assert actions[0].key == "get-presence-users"
    assert actions[0].input_schema is not None


def test_list_actions_tolerates_missing_key_and_schemas(client, standin):
    data = standin.read()
    data["actions"] = [
        {"id": "act_bare", "name": "Trigger something", "integrationKey": "pusher"}
    ]
    standin.write(data)

    actions = client.list_actions(PUSHER, "trigger")

    assert [(a.id, a.key, a.input_schema, a.output_schema) for a in actions] == [
        ("act_bare", None, None, None)
    ]


def test_items_of_an_unexpected_shape_are_skipped(client, standin):
    data = standin.read()
    data["connections"].append({"name": "no id"})
    standin.write(data)

    assert len(client.list_connections()) == 2


@pytest.mark.parametrize("form", ["run", "act"])
def test_run_action_in_both_forms(client, standin, form):
    payload = {"channels": ["deploys"], "name": "done", "data": "{}"}

    result = client.run_action("act_pusher_trigger_event", PUSHER, payload, form=form)

    assert result.output["received"] == payload
    assert result.action_run_id.startswith("arl_")
    calls = standin.calls("act" if form == "act" else "action run")
    assert [call["input"] for call in calls] == [payload]


@pytest.mark.parametrize("output", [0, False, "", None, [], {}])
def test_falsy_outputs_are_kept(client, standin, output):
    data = standin.read()
    data["actions"][0]["x-standin-output"] = output
    standin.write(data)

    result = client.run_action(data["actions"][0]["id"], PUSHER, EVENT)

    assert result.output == output
    assert type(result.output) is type(output)


def test_run_output_printed_alone_is_kept(client, standin):
    standin.set_faults([{"command": "action run", "exit_code": 0, "stdout": "false\n"}])

    assert client.run_action("act_pusher_trigger_event", PUSHER, {}).output is False


def test_request_get_answers_a_pusher_body(client, standin):
    response = client.request(
        ProxyRequest(
            PUSHER, "/apps/1/channels", query={"filter_by_prefix": "presence-"}
        )
    )

    assert response.status == 200
    assert response.body == {"channels": {}}
    assert standin.calls("request")[0]["query"] == ["filter_by_prefix=presence-"]


def test_request_with_a_body_sends_json(client, standin):
    body = {"name": "e", "channels": ["c"], "data": "{}"}

    response = client.request(
        ProxyRequest(PUSHER, "/apps/1/events", method="POST", body=body)
    )

    assert response.status == 200
    assert response.body == {}
    call = standin.calls("request")[0]
    assert call["body"] == body
    assert "--json" in call["argv"]


def test_request_upstream_error_is_an_answer_not_an_exception(client):
    response = client.request(ProxyRequest(PUSHER, "/apps/1/unknown"))

    assert response.status == 404
    assert response.body == "Not found"


def test_request_reports_another_2xx_status(client, standin):
    standin.set_faults(
        [
            {
                "command": "request",
                "exit_code": 0,
                "stdout": "{}",
                "stderr": "Status: 202\n",
            }
        ]
    )

    request = ProxyRequest(PUSHER, "/apps/1/events", method="POST", body={})

    assert client.request(request).status == 202


def test_dry_run_argv(client):
    argv = client.argv_for_run_action("act_1", PUSHER, {"a": 1}, form="act")
    request_argv = client.argv_for_request(ProxyRequest(PUSHER, "/x", method="DELETE"))

    assert argv[: len(client.command)] == client.command
    assert argv[len(client.command) :] == [
        "act",
        "--id=act_1",
        f"--connectionId={PUSHER}",
        '--input={"a":1}',
        "--json",
    ]
    assert request_argv[-1] == "--method=DELETE"


async def test_async_twins(client, standin):
    assert await client.aversion() == "1.18.3"
    assert (await client.astatus()).logged_in
    assert next(c.id for c in await client.alist_connections()) == PUSHER
    assert (await client.aget_connection(PUSHER)).is_ready
    assert (await client.asearch_connectors("pusher"))[0].id == "cnt_pusher"
    assert (await client.aconnect("cnt_pusher")).id == PUSHER
    assert (await client.alist_actions(PUSHER, "trigger event"))[
        0
    ].key == "trigger-event"
    result = await client.arun_action(
        "trigger-event", PUSHER, {"channels": ["a"], "name": "n", "data": ""}
    )
    assert result.output["accepted"] is True
    answer = await client.arequest(ProxyRequest(PUSHER, "/apps/1/channels/c"))
    assert answer.body == {"occupied": False}
