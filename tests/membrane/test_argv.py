"""The argv of each command: flag forms, `--json`, and no way to inject options."""

from __future__ import annotations

import pytest

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.membrane import commands
from membrane_pusher.membrane.models import ProxyRequest


def test_every_command_asks_for_json_output():
    argvs = [
        commands.status_args(),
        commands.connection_list_args(),
        commands.connection_get_args("con_1", wait=True),
        commands.search_args("pusher"),
        commands.connect_args("cnt_1"),
        commands.action_list_args("con_1", "send", limit=5),
        commands.action_run_args("act_1", "con_1", {}),
        commands.act_args("act_1", "con_1", {}),
    ]

    assert all(argv[-1] == "--json" for argv in argvs)


def test_documented_flag_forms():
    assert commands.connection_get_args("con_1", wait=True) == [
        "connection",
        "get",
        "con_1",
        "--wait",
        "--json",
    ]
    assert commands.search_args("pusher") == [
        "search",
        "pusher",
        "--elementType=connector",
        "--json",
    ]
    assert commands.action_list_args("con_1", "send event", limit=3) == [
        "action",
        "list",
        "--intent=send event",
        "--connectionId=con_1",
        "--limit=3",
        "--json",
    ]
    assert commands.act_args("act_1", "con_1", {"a": 1}) == [
        "act",
        "--id=act_1",
        "--connectionId=con_1",
        '--input={"a":1}',
        "--json",
    ]


def test_request_passes_json_only_with_a_body():
    without_body = commands.request_args(
        ProxyRequest("con_1", "/apps/1/channels", query={"a": "b"})
    )
    with_body = commands.request_args(
        ProxyRequest("con_1", "apps/1/events", method="post", body={"x": 1})
    )
    text_body = commands.request_args(
        ProxyRequest("con_1", "/p", method="PUT", body="raw text")
    )

    assert without_body == [
        "request",
        "con_1",
        "/apps/1/channels",
        "--method=GET",
        "--query=a=b",
    ]
    assert with_body == [
        "request",
        "con_1",
        "/apps/1/events",
        "--method=POST",
        "--json",
        '--data={"x":1}',
    ]
    assert "--json" not in text_body
    assert text_body[-1] == "--data=raw text"


@pytest.mark.parametrize("value", ["--connectionId=evil", "-X", "--", "-rf /"])
def test_option_values_stay_attached_to_their_flag(value):
    argv = commands.action_list_args(value, value)

    assert f"--intent={value}" in argv
    assert f"--connectionId={value}" in argv


@pytest.mark.parametrize(
    ("build", "problem"),
    [
        (lambda: commands.connection_get_args("--wait"), "connection_id"),
        (lambda: commands.action_run_args("-x", "con_1", {}), "action_id"),
        (lambda: commands.search_args("--elementType=app"), "query"),
        (lambda: commands.request_args(ProxyRequest("-H", "/p")), "connection_id"),
        (
            lambda: commands.request_args(ProxyRequest("con", "/p", method="TRACE")),
            "method",
        ),
        (
            lambda: commands.request_args(
                ProxyRequest("con", "/p", headers={"X: y": "1"})
            ),
            "headers",
        ),
        (
            lambda: commands.request_args(
                ProxyRequest("con", "/p", headers={"X": "1\r\nEvil: 2"})
            ),
            "headers",
        ),
        (lambda: commands.request_args(ProxyRequest("con", "/p\n--json")), "path"),
        (lambda: commands.action_list_args("con", "q", limit=0), "limit"),
        (lambda: commands.action_run_args("a", "c", {"x": float("nan")}), "input"),
        (lambda: commands.connect_args(""), "connector_id"),
    ],
)
def test_values_that_could_become_options_are_refused(build, problem):
    with pytest.raises(InvalidArgumentsError) as caught:
        build()

    assert caught.value.problems[0].startswith(problem)
